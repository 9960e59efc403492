//! The media types of GraphQL over HTTP: which one a response is written in, chosen from the
//! request's `Accept` header, and whether a request body's `Content-Type` is JSON in UTF-8.
//!
//! `application/graphql-response+json` is preferred when the client names it; a client that
//! names only `application/json`, a wildcard (`*/*`, `application/*`), or sends no `Accept` at
//! all (the specification lets the server choose) gets `application/json`, as legacy clients
//! expect. Quality values (`q=`) order the choice and `q=0` excludes a type; a `charset`
//! other than UTF-8 excludes it too, since every answer is UTF-8. When neither type is
//! acceptable the request is refused (406).

use axum::http::{HeaderMap, header};

/// The media type a GraphQL response is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseMedia {
    /// `application/graphql-response+json`: statuses tell request errors apart.
    GraphqlResponse,
    /// `application/json`: a well-formed request always answers 200, as legacy clients expect.
    Json,
}

impl ResponseMedia {
    /// The `Content-Type` of a response in this media type.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => JSON_UTF8,
        }
    }

    /// The media type to answer in, from the request's `Accept` headers; `None` when the
    /// client accepts neither.
    pub fn negotiate(headers: &HeaderMap) -> Option<Self> {
        let ranges: Vec<Range<'_>> = headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(Range::parse)
            .collect();
        if ranges.is_empty() {
            return Some(Self::Json);
        }
        [Self::GraphqlResponse, Self::Json]
            .into_iter()
            .filter_map(|media| media.preference(&ranges).map(|rank| (rank, media)))
            .max_by_key(|(rank, _)| *rank)
            .map(|(_, media)| media)
    }

    fn essence(self) -> (&'static str, &'static str) {
        match self {
            Self::GraphqlResponse => ("application", "graphql-response+json"),
            Self::Json => ("application", "json"),
        }
    }

    /// How much the client wants this media type: its quality, then how specifically it was
    /// named, then the server's own preference (the GraphQL type when named, plain JSON when
    /// only a wildcard covers both); `None` when it is not acceptable.
    fn preference(self, ranges: &[Range<'_>]) -> Option<(u16, u8, bool)> {
        let (kind, subtype) = self.essence();
        let range = ranges
            .iter()
            .filter_map(|range| range.specificity(kind, subtype).map(|specificity| (specificity, range)))
            .max_by_key(|(specificity, _)| *specificity)?;
        let (specificity, range) = range;
        if range.quality == 0 || !range.utf8 {
            return None;
        }
        let preferred = (specificity == EXACT) == (self == Self::GraphqlResponse);
        Some((range.quality, specificity, preferred))
    }
}

/// `application/json` in UTF-8, the `Content-Type` of refusals.
pub const JSON_UTF8: &str = "application/json; charset=utf-8";

/// A media range matching the exact type.
const EXACT: u8 = 2;

/// One media range of an `Accept` header.
struct Range<'a> {
    kind: &'a str,
    subtype: &'a str,
    /// The quality in thousandths (1000 when not given).
    quality: u16,
    /// No `charset`, or UTF-8.
    utf8: bool,
}

impl<'a> Range<'a> {
    fn parse(text: &'a str) -> Option<Self> {
        let mut parts = text.split(';');
        let (kind, subtype) = parts.next()?.trim().split_once('/')?;
        let mut range = Range { kind: kind.trim(), subtype: subtype.trim(), quality: 1000, utf8: true };
        for parameter in parts {
            let Some((name, value)) = parameter.split_once('=') else { continue };
            let value = value.trim().trim_matches('"');
            match name.trim().to_ascii_lowercase().as_str() {
                "q" => range.quality = quality(value)?,
                "charset" => range.utf8 = is_utf8(value),
                _ => {}
            }
        }
        Some(range)
    }

    /// How specifically this range names `kind/subtype`: exact, by a `kind/*` wildcard, or by
    /// `*/*`; `None` when it does not cover it.
    fn specificity(&self, kind: &str, subtype: &str) -> Option<u8> {
        if self.kind == "*" && self.subtype == "*" {
            Some(0)
        } else if !self.kind.eq_ignore_ascii_case(kind) {
            None
        } else if self.subtype == "*" {
            Some(1)
        } else {
            self.subtype.eq_ignore_ascii_case(subtype).then_some(EXACT)
        }
    }
}

/// A quality value (`0`, `0.5`, `1.000`) in thousandths; `None` when malformed.
fn quality(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let thousandths: u16 = format!("{fraction:0<3}").parse().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

fn is_utf8(charset: &str) -> bool {
    charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8")
}

/// Whether a request's `Content-Type` is `application/json` in UTF-8 (the charset may be
/// left out: UTF-8 is then assumed).
pub fn is_json_utf8(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
        && parts.filter_map(|parameter| parameter.split_once('=')).all(|(name, value)| {
            !name.trim().eq_ignore_ascii_case("charset") || is_utf8(value.trim().trim_matches('"'))
        })
}

#[cfg(test)]
mod tests {
    use super::{ResponseMedia, is_json_utf8, quality};
    use axum::http::{HeaderMap, HeaderValue, header};

    fn accepting(values: &[&'static str]) -> Option<ResponseMedia> {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::ACCEPT, HeaderValue::from_static(value));
        }
        ResponseMedia::negotiate(&headers)
    }

    #[test]
    fn the_graphql_media_type_wins_when_named_and_json_when_only_a_wildcard_covers_both() {
        use ResponseMedia::{GraphqlResponse, Json};
        assert_eq!(accepting(&[]), Some(Json));
        assert_eq!(accepting(&["*/*"]), Some(Json));
        assert_eq!(accepting(&["application/json", "application/graphql-response+json"]), Some(GraphqlResponse));
        assert_eq!(accepting(&["application/*;q=0.9, application/graphql-response+json;q=0.8"]), Some(Json));
        assert_eq!(accepting(&["application/graphql-response+json;q=0.5, application/*"]), Some(Json));
        assert_eq!(
            accepting(&["application/graphql-response+json;q=0.5, application/json;q=0.5"]),
            Some(GraphqlResponse)
        );
        assert_eq!(accepting(&["text/html;q=1, application/json;q=0.001"]), Some(Json));
        // A malformed range is left out; with nothing left, it is as if nothing was said.
        assert_eq!(accepting(&["application/graphql-response+json;q=2"]), Some(Json));
        assert_eq!(accepting(&["*/*;q=0"]), None);
        assert_eq!(accepting(&["application/json; charset=iso-8859-1, text/plain"]), None);
    }

    #[test]
    fn quality_values_are_read_as_the_grammar_allows() {
        assert_eq!(quality("1"), Some(1000));
        assert_eq!(quality("1.000"), Some(1000));
        assert_eq!(quality("0.25"), Some(250));
        assert_eq!(quality("0"), Some(0));
        assert_eq!(quality("1.5"), None);
        assert_eq!(quality("0.1234"), None);
        assert_eq!(quality("-1"), None);
    }

    #[test]
    fn a_json_body_may_name_utf8_and_nothing_else() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(value));
            is_json_utf8(&headers)
        };
        assert!(with("application/json"));
        assert!(with("Application/JSON; Charset=\"UTF-8\""));
        assert!(with("application/json; boundary=x"));
        assert!(!with("application/json; charset=latin1"));
        assert!(!with("application/graphql"));
        assert!(!with("text/plain"));
        assert!(!is_json_utf8(&HeaderMap::new()));
    }
}
