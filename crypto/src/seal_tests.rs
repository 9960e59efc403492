//! Tests for sealing and opening field values.

use super::*;

const CTX: FieldContext<'static> = FieldContext { table: "student", column: "identity_no", row_id: 42 };

fn sealed(key: &DataKey, plaintext: &[u8]) -> Vec<u8> {
    seal(key, 7, &CTX, plaintext).unwrap()
}

#[test]
fn a_sealed_value_opens_to_the_original_plaintext() {
    let key = DataKey::generate();
    let opened = open(&key, &CTX, &sealed(&key, b"079123456789")).unwrap();
    assert_eq!(opened.as_slice(), b"079123456789");
}

#[test]
fn an_empty_value_round_trips() {
    let key = DataKey::generate();
    let opened = open(&key, &CTX, &sealed(&key, b"")).unwrap();
    assert!(opened.is_empty());
}

#[test]
fn open_string_returns_vietnamese_text_intact() {
    let key = DataKey::generate();
    let text = "Số 12, đường Lê Lợi, Quận 1";
    let opened = open_string(&key, &CTX, &sealed(&key, text.as_bytes())).unwrap();
    assert_eq!(opened.as_str(), text);
}

#[test]
fn open_string_rejects_bytes_that_are_not_utf8() {
    let key = DataKey::generate();
    let err = open_string(&key, &CTX, &sealed(&key, &[0xff, 0xfe])).unwrap_err();
    assert!(matches!(err, CryptoError::NotUtf8));
}

#[test]
fn the_sealed_layout_is_version_key_id_nonce_ciphertext_and_tag() {
    let key = DataKey::generate();
    let value = sealed(&key, b"abc");
    assert_eq!(value.len(), 1 + 8 + 24 + 3 + 16);
    assert_eq!(value[0], 0x01);
    assert_eq!(&value[1..9], &7u64.to_be_bytes());
}

#[test]
fn sealed_key_id_reads_the_key_id_from_the_header() {
    let key = DataKey::generate();
    let value = seal(&key, 0x0102_0304_0506_0708, &CTX, b"x").unwrap();
    assert_eq!(sealed_key_id(&value).unwrap(), 0x0102_0304_0506_0708);
}

#[test]
fn opening_fails_when_the_value_is_moved_to_another_table() {
    let key = DataKey::generate();
    let moved = FieldContext { table: "guardian", ..CTX };
    let err = open(&key, &moved, &sealed(&key, b"secret")).unwrap_err();
    assert!(matches!(err, CryptoError::Authentication));
}

#[test]
fn opening_fails_when_the_value_is_moved_to_another_column() {
    let key = DataKey::generate();
    let moved = FieldContext { column: "phone", ..CTX };
    assert!(open(&key, &moved, &sealed(&key, b"secret")).is_err());
}

#[test]
fn opening_fails_when_the_value_is_moved_to_another_row() {
    let key = DataKey::generate();
    let moved = FieldContext { row_id: 43, ..CTX };
    assert!(open(&key, &moved, &sealed(&key, b"secret")).is_err());
}

#[test]
fn opening_fails_when_any_byte_is_tampered_with() {
    let key = DataKey::generate();
    let original = sealed(&key, b"secret");
    for index in 0..original.len() {
        let mut tampered = original.clone();
        tampered[index] ^= 0x01;
        assert!(open(&key, &CTX, &tampered).is_err(), "byte {index}");
    }
}

#[test]
fn opening_fails_when_the_key_id_in_the_header_is_changed() {
    let key = DataKey::generate();
    let mut value = sealed(&key, b"secret");
    value[8] = 8; // key id 7 -> 8
    let err = open(&key, &CTX, &value).unwrap_err();
    assert!(matches!(err, CryptoError::Authentication));
}

#[test]
fn opening_fails_with_a_wrong_key() {
    let value = sealed(&DataKey::generate(), b"secret");
    let err = open(&DataKey::generate(), &CTX, &value).unwrap_err();
    assert!(matches!(err, CryptoError::Authentication));
}

#[test]
fn two_seals_of_the_same_plaintext_differ() {
    let key = DataKey::generate();
    assert_ne!(sealed(&key, b"same"), sealed(&key, b"same"));
}

#[test]
fn an_unknown_format_version_is_reported() {
    let key = DataKey::generate();
    let mut value = sealed(&key, b"secret");
    value[0] = 0x02;
    let err = open(&key, &CTX, &value).unwrap_err();
    assert!(matches!(err, CryptoError::UnsupportedVersion(2)));
}

#[test]
fn truncated_values_are_malformed() {
    let key = DataKey::generate();
    let value = sealed(&key, b"");
    assert!(matches!(sealed_key_id(&[]), Err(CryptoError::Malformed(_))));
    assert!(matches!(open(&key, &CTX, &value[..value.len() - 1]), Err(CryptoError::Malformed(_))));
}

#[test]
fn table_and_column_names_with_a_slash_are_refused() {
    let key = DataKey::generate();
    let bad_table = FieldContext { table: "a/b", ..CTX };
    let empty_column = FieldContext { column: "", ..CTX };
    assert!(matches!(seal(&key, 1, &bad_table, b"x"), Err(CryptoError::InvalidContext(_))));
    assert!(matches!(seal(&key, 1, &empty_column, b"x"), Err(CryptoError::InvalidContext(_))));
}

#[test]
fn negative_row_ids_are_bound_too() {
    let key = DataKey::generate();
    let negative = FieldContext { row_id: -42, ..CTX };
    let value = seal(&key, 7, &negative, b"x").unwrap();
    assert!(open(&key, &negative, &value).is_ok());
    assert!(open(&key, &CTX, &value).is_err());
}

#[test]
fn error_messages_never_contain_the_plaintext() {
    let key = DataKey::generate();
    let value = sealed(&key, b"079123456789");
    let moved = FieldContext { row_id: 1, ..CTX };
    let err = open(&key, &moved, &value).unwrap_err();
    assert!(!format!("{err} {err:?}").contains("079123456789"));
}
