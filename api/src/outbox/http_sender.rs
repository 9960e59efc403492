//! The sender for an SMS or push gateway over HTTPS: one JSON POST per message,
//! `{"to": phone or device token, "text": body, "reference": "<message id>"}`, with HTTP basic
//! authentication.
//! Phone numbers, codes and credentials cross the network only under TLS (rustls, with the
//! Mozilla root certificates built in): plain `http://` is accepted only to a loopback
//! address, such as a TLS proxy or a test gateway on the same machine.
//! A 2xx answer is sent; 5xx, 408, 429, timeouts and connection failures are temporary; any
//! other answer is permanent. Errors name the status or the kind of failure, never the message.

use super::sender::{Delivery, SendError, Sender};
use super::settings::Settings;
use std::time::Duration;

/// Posts messages to a gateway.
pub struct HttpSender {
    client: reqwest::Client,
    url: String,
    user: String,
    password: String,
}

impl HttpSender {
    /// A sender to the SMS gateway `settings` name; `None` when none is configured.
    pub fn sms(settings: &Settings) -> anyhow::Result<Option<Self>> {
        let password = &settings.gateway_password.0;
        Self::to(settings.gateway_url.as_deref(), &settings.gateway_user, password, settings, "EMIS_SMS_GATEWAY_URL")
    }

    /// A sender to the push gateway `settings` name; `None` when none is configured.
    pub fn push(settings: &Settings) -> anyhow::Result<Option<Self>> {
        let password = &settings.push_password.0;
        Self::to(settings.push_url.as_deref(), &settings.push_user, password, settings, "EMIS_PUSH_GATEWAY_URL")
    }

    /// A sender to `url` (the setting `variable`), if one is set.
    fn to(
        url: Option<&str>,
        user: &str,
        password: &str,
        settings: &Settings,
        variable: &str,
    ) -> anyhow::Result<Option<Self>> {
        let Some(url) = url.map(str::trim).filter(|url| !url.is_empty()) else {
            return Ok(None);
        };
        if !reqwest::Url::parse(url).is_ok_and(|url| encrypted_or_local(&url)) {
            anyhow::bail!(
                "{variable} phải là một địa chỉ https:// (http:// chỉ dùng được với địa chỉ loopback như \
                 127.0.0.1) / {variable} must be an https:// address (http:// only to a loopback address \
                 such as 127.0.0.1)"
            );
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_millis(settings.gateway_timeout_ms))
            .build()
            .map_err(|error| anyhow::anyhow!("cannot build the client of {variable}: {error}"))?;
        Ok(Some(Self { client, url: url.to_owned(), user: user.to_owned(), password: password.to_owned() }))
    }
}

#[async_trait::async_trait]
impl Sender for HttpSender {
    async fn send(&self, delivery: &Delivery) -> Result<(), SendError> {
        let payload = serde_json::json!({
            "to": delivery.phone,
            "text": delivery.body,
            "reference": delivery.message_id.to_string(),
        });
        let mut request = self.client.post(&self.url).json(&payload);
        if !self.user.is_empty() || !self.password.is_empty() {
            request = request.basic_auth(&self.user, Some(&self.password));
        }
        let answer = request.send().await.map_err(|error| SendError::Temporary(classify(&error).to_owned()))?;
        let status = answer.status();
        if status.is_success() {
            return Ok(());
        }
        let reason = format!("http_{}", status.as_u16());
        if status.is_server_error()
            || status == reqwest::StatusCode::REQUEST_TIMEOUT
            || status == reqwest::StatusCode::TOO_MANY_REQUESTS
        {
            Err(SendError::Temporary(reason))
        } else {
            Err(SendError::Permanent(reason))
        }
    }
}

/// Whether `url` is HTTPS, or plain HTTP to a loopback address (nothing leaves the machine
/// in clear).
pub fn encrypted_or_local(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str().filter(|host| !host.is_empty()) else { return false };
    match url.scheme() {
        "https" => true,
        "http" => {
            let address = host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>();
            address.is_ok_and(|address| address.is_loopback()) || host.eq_ignore_ascii_case("localhost")
        }
        _ => false,
    }
}

/// The kind of a failed request (reqwest's own message may quote the URL, so it is not kept).
fn classify(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else {
        "request"
    }
}

#[cfg(test)]
mod tests {
    use super::HttpSender;
    use crate::outbox::Settings;

    fn gateway(url: &str) -> anyhow::Result<Option<HttpSender>> {
        HttpSender::sms(&Settings { gateway_url: Some(url.to_owned()), ..Settings::default() })
    }

    #[test]
    fn a_gateway_is_https_or_local_http_and_an_empty_one_means_the_log() {
        for right in
            ["https://sms.example.invalid/send", "http://127.0.0.1:9000/sms", "http://[::1]:9000/", "http://localhost/"]
        {
            assert!(gateway(right).unwrap().is_some(), "{right}");
        }
        assert!(gateway("  ").unwrap().is_none());
        let in_clear = ["http://sms.example.invalid/send", "http://10.0.0.5/sms", "http://[2001:db8::1]/"];
        for wrong in in_clear.into_iter().chain(["sms.example.invalid", "ftp://127.0.0.1/", "https://"]) {
            let refused = gateway(wrong).err().unwrap().to_string();
            assert!(refused.contains("EMIS_SMS_GATEWAY_URL"), "{refused}");
        }
    }
}
