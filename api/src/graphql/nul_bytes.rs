//! A NUL character in any string a request carries — a variable, however deeply nested in
//! lists and input objects, or a string literal in the query text — is refused before
//! execution as bad input. PostgreSQL cannot store one in text and SQLite would store it,
//! so refusing it here gives every field, argument and database one behaviour.

use crate::error::ApiError;
use async_graphql::Value;

/// Refuses `request` when a string in it holds a NUL character.
pub fn refuse(request: &mut async_graphql::Request) -> Result<(), ApiError> {
    let in_variables = request.variables.iter().any(|(name, value)| name.contains('\0') || holds_nul(value));
    if in_variables || in_query_text(request) {
        return Err(ApiError::bad_input(
            "chuỗi chứa ký tự NUL (\\0), không được chấp nhận",
            "a string holds a NUL character (\\0), which is not accepted",
        ));
    }
    Ok(())
}

/// Whether a value holds a NUL character in a string, an enum or an object's key.
fn holds_nul(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains('\0'),
        Value::Enum(name) => name.contains('\0'),
        Value::List(items) => items.iter().any(holds_nul),
        Value::Object(fields) => fields.iter().any(|(name, value)| name.contains('\0') || holds_nul(value)),
        Value::Null | Value::Number(_) | Value::Boolean(_) | Value::Binary(_) => false,
    }
}

/// Whether the query text holds a NUL character, raw or as the escape `\u0000` in a string
/// literal. Only a text with an escape at all is looked at closely: every string of its
/// parsed document, where escapes are decoded.
fn in_query_text(request: &mut async_graphql::Request) -> bool {
    if request.query.contains('\0') {
        return true;
    }
    if !request.query.contains("\\u") {
        return false;
    }
    // A document that does not parse is left for the schema to report.
    let Ok(document) = request.parsed_query() else { return false };
    serde_json::to_value(document).is_ok_and(|document| json_holds_nul(&document))
}

fn json_holds_nul(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(text) => text.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(json_holds_nul),
        serde_json::Value::Object(fields) => {
            fields.iter().any(|(name, value)| name.contains('\0') || json_holds_nul(value))
        }
        serde_json::Value::Null | serde_json::Value::Bool(_) | serde_json::Value::Number(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::refuse;
    use async_graphql::{Request, Variables};
    use serde_json::json;

    fn request(query: &str, variables: serde_json::Value) -> Request {
        Request::new(query).variables(Variables::from_json(variables))
    }

    #[test]
    fn a_nul_anywhere_in_a_string_is_refused_and_nowhere_else() {
        let refused = [
            request("{ a }", json!({ "s": "x\u{0}" })),
            request("{ a }", json!({ "list": [{ "note": "ok" }, { "note": "\u{0}" }] })),
            request("{ a }", json!({ "object": { "deeper": { "key\u{0}": 1 } } })),
            request(r#"{ a(s: "x\u0000y") }"#, json!({})),
            request(r#"query($s: String = "\u0000") { a(s: $s) }"#, json!({})),
            request(r#"{ ...F } fragment F on Q { a(s: ["\u0000"]) }"#, json!({})),
            request("{ a(s: \"x\u{0}\") }", json!({})),
        ];
        for mut request in refused {
            assert!(refuse(&mut request).is_err(), "{} {:?}", request.query, request.variables);
        }
        let accepted = [
            request("{ a }", json!({ "s": "Nguyễn \\u0000", "n": 0 })),
            request(r#"{ a(s: "\u00e1 \\u0000") }"#, json!({})),
            request("{ a(s: \"\\u00", json!({})),
        ];
        for mut request in accepted {
            assert!(refuse(&mut request).is_ok(), "{} {:?}", request.query, request.variables);
        }
    }
}
