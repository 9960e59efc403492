//! What a sender is: something that hands one message to a phone network or a push service
//! (or pretends to), and says whether a failure is worth retrying.

use super::{Channel, Purpose};

/// One message as a sender sees it: the phone and the body are open here and nowhere else.
#[derive(Clone)]
pub struct Delivery {
    /// The `outbox_message` id, for the gateway's reference and for logs.
    pub message_id: i64,
    /// SMS (`phone` is a phone number) or push (`phone` is a device token).
    pub channel: Channel,
    pub purpose: Purpose,
    /// `staff`, `guardian` or `student`.
    pub recipient_kind: String,
    pub recipient_id: i64,
    pub phone: String,
    pub body: String,
}

impl std::fmt::Debug for Delivery {
    /// Leaves the phone and the body out, so a stray `{:?}` logs nothing secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delivery")
            .field("message_id", &self.message_id)
            .field("channel", &self.channel)
            .field("purpose", &self.purpose)
            .field("recipient_kind", &self.recipient_kind)
            .field("recipient_id", &self.recipient_id)
            .finish_non_exhaustive()
    }
}

/// Why a message was not sent, as a short classified reason (`http_503`, `timeout`, …) that
/// never holds the phone or the body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later (the gateway is down, busy or slow).
    #[error("temporary: {0}")]
    Temporary(String),
    /// Trying again will not help (the gateway refused the message).
    #[error("permanent: {0}")]
    Permanent(String),
}

/// Hands messages to a phone network or a push service.
#[async_trait::async_trait]
pub trait Sender: Send + Sync {
    /// Sends `delivery`.
    async fn send(&self, delivery: &Delivery) -> Result<(), SendError>;
}
