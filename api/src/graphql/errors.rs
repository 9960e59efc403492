//! Errors at the GraphQL edge: how an [`ApiError`] reaches a client — its message, its code
//! in `extensions.code` and, for a batch, the records concerned as global ids — and how an
//! id a client sent is named back in an error.

use super::ids;
use crate::error::{ApiError, RecordKind, RecordRef};
use async_graphql::ErrorExtensions as _;

/// The GraphQL type whose global ids name records of `kind`.
fn type_name(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Student => "Student",
        RecordKind::LeaveRequest => "LeaveRequest",
        RecordKind::ChangeRequest => "ChangeRequest",
    }
}

/// The global id of `record` as a client reads it: a row's global id, or the id it sent.
fn global_id(record: &RecordRef) -> String {
    match record {
        RecordRef::Row { kind, id } => ids::encode(type_name(*kind), *id).0,
        RecordRef::AsSent(id) => id.clone(),
    }
}

impl From<async_graphql::ID> for RecordRef {
    /// An id as the client sent it, named back unchanged.
    fn from(id: async_graphql::ID) -> Self {
        Self::AsSent(id.0)
    }
}

impl ApiError {
    /// This error as a client receives it when it is tied to no place in the document: no
    /// `locations` (they count from line 1, and there is no line to name).
    pub fn without_location(self) -> async_graphql::ServerError {
        let error = async_graphql::Error::from(self);
        let mut server_error = async_graphql::ServerError::new(error.message, None);
        server_error.extensions = error.extensions;
        server_error
    }
}

impl From<ApiError> for async_graphql::Error {
    /// The message, the code, and for a batch the records concerned: `extensions.problems`
    /// (`record`, `field`, `message`) for invalid entries, `extensions.records` for conflicts.
    fn from(error: ApiError) -> Self {
        let code = error.code();
        let message = error.message();
        async_graphql::Error::new(message).extend_with(|_, extensions| {
            extensions.set("code", code);
            if let Some(reason) = error.reason() {
                extensions.set("reason", reason);
            }
            match &error {
                ApiError::InvalidEntries(problems) => {
                    let problems: Vec<async_graphql::Value> = problems
                        .iter()
                        .map(|problem| {
                            let mut entry = async_graphql::indexmap::IndexMap::new();
                            entry.insert(
                                async_graphql::Name::new("record"),
                                async_graphql::Value::from(global_id(&problem.record)),
                            );
                            entry.insert(async_graphql::Name::new("field"), async_graphql::Value::from(problem.field));
                            entry.insert(
                                async_graphql::Name::new("message"),
                                async_graphql::Value::from(format!("{} / {}", problem.vi, problem.en)),
                            );
                            async_graphql::Value::Object(entry)
                        })
                        .collect();
                    extensions.set("problems", problems);
                }
                ApiError::Conflict { records } => {
                    let records: Vec<async_graphql::Value> =
                        records.iter().map(|record| async_graphql::Value::from(global_id(record))).collect();
                    extensions.set("records", records);
                }
                _ => {}
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::global_id;
    use crate::error::{RecordKind, RecordRef};

    #[test]
    fn records_are_named_by_their_global_ids_and_sent_ids_come_back_unchanged() {
        assert_eq!(global_id(&RecordRef::student(42)), super::ids::encode("Student", 42).0);
        let request = RecordRef::Row { kind: RecordKind::ChangeRequest, id: 7 };
        assert_eq!(global_id(&request), super::ids::encode("ChangeRequest", 7).0);
        assert_eq!(global_id(&RecordRef::from(async_graphql::ID("not an id".into()))), "not an id");
    }
}
