//! Proves the documented recovery procedure: the standard `age` CLI unwraps
//! a data key, and a sealed value opens with nothing but the documented byte
//! layout and the `chacha20poly1305` crate (no `emis_crypto::open`).

use std::fs;
use std::path::Path;
use std::process::Command;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use emis_crypto::{DataKey, FieldContext, ServerIdentity, seal};

fn age_is_installed() -> bool {
    Command::new("age").arg("--version").output().is_ok()
}

/// Runs `age -d -i identity -o out wrapped` and returns the output bytes.
fn age_decrypt(identity: &Path, wrapped: &Path, out: &Path) -> Vec<u8> {
    let status =
        Command::new("age").arg("-d").arg("-i").arg(identity).arg("-o").arg(out).arg(wrapped).status().unwrap();
    assert!(status.success(), "age -d failed: {status}");
    fs::read(out).unwrap()
}

/// Opens a sealed value by hand, following the crate documentation only.
fn open_by_hand(raw_key: &[u8], table: &str, column: &str, row_id: i64, value: &[u8]) -> Vec<u8> {
    assert_eq!(value[0], 0x01, "format version");
    let key_id = u64::from_be_bytes(value[1..9].try_into().unwrap());
    let nonce = XNonce::from_slice(&value[9..33]);
    let aad = format!("emis/v1/{table}/{column}/{row_id}/{key_id}");
    let cipher = XChaCha20Poly1305::new_from_slice(raw_key).unwrap();
    let payload = Payload { msg: &value[33..], aad: aad.as_bytes() };
    cipher.decrypt(nonce, payload).unwrap()
}

#[test]
fn an_operator_recovers_a_value_with_the_age_cli_and_the_documented_format() {
    if !age_is_installed() {
        println!("note: `age` is not on PATH; skipping the age CLI recovery test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let identity_path = dir.path().join("identity.txt");
    let wrapped_path = dir.path().join("wrapped.age");
    let key_path = dir.path().join("key.bin");

    ServerIdentity::write_new_file(&identity_path).unwrap();
    let identity = ServerIdentity::from_file(&identity_path).unwrap();
    let key = DataKey::generate();
    fs::write(&wrapped_path, key.wrap(&identity).unwrap()).unwrap();

    let ctx = FieldContext { table: "guardian", column: "address", row_id: 1234 };
    let plaintext = "Số 5, ngõ 12, phố Huế, Hà Nội";
    let value = seal(&key, 987_654_321, &ctx, plaintext.as_bytes()).unwrap();

    let raw_key = age_decrypt(&identity_path, &wrapped_path, &key_path);
    assert_eq!(raw_key.len(), 32);
    let opened = open_by_hand(&raw_key, "guardian", "address", 1234, &value);
    assert_eq!(opened, plaintext.as_bytes());
}

#[test]
fn a_key_wrapped_by_the_age_cli_unwraps_in_the_crate() {
    if !age_is_installed() {
        println!("note: `age` is not on PATH; skipping the age CLI interop test");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let identity = ServerIdentity::generate();
    let key_path = dir.path().join("key.bin");
    let wrapped_path = dir.path().join("wrapped.age");
    fs::write(&key_path, [0x5a; 32]).unwrap();
    let status = Command::new("age")
        .arg("-r")
        .arg(identity.public_key())
        .arg("-o")
        .arg(&wrapped_path)
        .arg(&key_path)
        .status()
        .unwrap();
    assert!(status.success());
    let key = DataKey::unwrap(&fs::read(&wrapped_path).unwrap(), &identity).unwrap();
    let ctx = FieldContext { table: "student", column: "religion", row_id: 1 };
    let value = seal(&key, 1, &ctx, b"x").unwrap();
    assert_eq!(open_by_hand(&[0x5a; 32], "student", "religion", 1, &value), b"x");
}

#[test]
fn an_identity_file_made_by_age_keygen_loads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keygen.txt");
    let Ok(output) = Command::new("age-keygen").arg("-o").arg(&path).output() else {
        println!("note: `age-keygen` is not on PATH; skipping");
        return;
    };
    assert!(output.status.success());
    let text = fs::read_to_string(&path).unwrap();
    let identity = ServerIdentity::from_file(&path).unwrap();
    assert!(text.contains(&format!("# public key: {}", identity.public_key())));
}
