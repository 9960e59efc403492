//! Opaque global ids (`node(id:)`, `student(id:)`): base64url of `Type:number`. An id says
//! nothing about whether its record exists or may be seen; a malformed or foreign-typed id
//! behaves like an id of a record that does not exist.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The global id of row `id` of type `kind`.
pub fn encode(kind: &str, id: i64) -> async_graphql::ID {
    async_graphql::ID(URL_SAFE_NO_PAD.encode(format!("{kind}:{id}")))
}

/// `(type, row id)` of a global id, if it is well formed.
pub fn decode(global: &str) -> Option<(String, i64)> {
    let bytes = URL_SAFE_NO_PAD.decode(global).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (kind, id) = text.split_once(':')?;
    Some((kind.to_owned(), id.parse().ok()?))
}

/// The kinds of account the disclosure log and the outbox name a person or client by
/// (`actor_kind`, `recipient_kind`), with the type of their global id.
const ACTOR_TYPES: [(&str, &str); 4] =
    [("staff", "Staff"), ("guardian", "Guardian"), ("student", "Student"), ("vendor", "VendorClient")];

/// The global id of the `kind` account (`staff`, `guardian`, `student`, `vendor`) `id`.
pub fn actor(kind: &str, id: i64) -> Option<async_graphql::ID> {
    ACTOR_TYPES.iter().find(|(stored, _)| *stored == kind).map(|(_, type_name)| encode(type_name, id))
}

/// The account kind (`staff`, `guardian`, `student`, `vendor`) and row id a global id names.
pub fn decode_actor(global: &str) -> Option<(&'static str, i64)> {
    let (type_name, id) = decode(global)?;
    ACTOR_TYPES.iter().find(|(_, found)| *found == type_name).map(|(kind, _)| (*kind, id))
}

/// The row id of a global id of type `kind`.
pub fn decode_as(kind: &str, global: &str) -> Option<i64> {
    decode(global).filter(|(found, _)| found == kind).map(|(_, id)| id)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ids_round_trip_and_reject_other_types() {
        let id = super::encode("Student", 42);
        assert_eq!(super::decode_as("Student", &id), Some(42));
        assert_eq!(super::decode_as("Guardian", &id), None);
        assert_eq!(super::decode("not base64!"), None);
    }

    #[test]
    fn an_actor_id_round_trips_through_its_kind() {
        for kind in ["staff", "guardian", "student", "vendor"] {
            let id = super::actor(kind, 7).unwrap();
            assert_eq!(super::decode_actor(&id), Some((kind, 7)));
        }
        assert_eq!(super::actor("org", 7), None);
        assert_eq!(super::decode_actor(&super::encode("School", 7)), None);
    }
}
