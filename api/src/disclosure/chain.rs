//! The hash chain of the disclosure log.

use chrono::{DateTime, SecondsFormat, Utc};
use entity::disclosure_log;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait as _, QueryOrder as _};
use sha2::{Digest as _, Sha256};
use std::io::Write as _;

/// The hash of an entry: SHA-256 over the previous hash and every field of the entry,
/// `|`-separated, as lowercase hex (the student list in its stored form, so an entry of one
/// student hashes as entries did when each named one student; the policy version last, and
/// only when the entry has one, so entries written before versions were kept verify).
pub fn entry_hash(prev_hash: Option<&str>, row: &disclosure_log::Model) -> String {
    let mut hasher = Sha256::new();
    let session = row.session_id.map(|id| id.to_string()).unwrap_or_default();
    // Writing into a hasher cannot fail.
    let _ = write!(
        hasher,
        "{}|{}|{}|{}|{}|{}|{}|{}|{}",
        prev_hash.unwrap_or(""),
        timestamp(row.at),
        row.actor_kind,
        row.actor_id,
        session,
        row.students,
        row.school_id,
        row.fields,
        row.purpose,
    );
    if let Some(version) = &row.policy_version {
        let _ = write!(hasher, "|{version}");
    }
    emis_crypto::to_hex(&hasher.finalize())
}

/// The canonical text of a timestamp, at microsecond precision (what both databases keep).
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Walks the whole log in order; `Ok(entries)` when every link holds, otherwise the id of
/// the first entry whose hash or link does not match.
pub async fn verify_chain(db: &impl ConnectionTrait) -> Result<Result<usize, i64>, DbErr> {
    let rows = disclosure_log::Entity::find().order_by_asc(disclosure_log::Column::Id).all(db).await?;
    let mut prev: Option<String> = None;
    for row in &rows {
        if row.prev_hash != prev || entry_hash(prev.as_deref(), row) != row.hash {
            return Ok(Err(row.id));
        }
        prev = Some(row.hash.clone());
    }
    Ok(Ok(rows.len()))
}

#[cfg(test)]
mod tests {
    use super::entry_hash;
    use chrono::{TimeZone as _, Utc};
    use entity::disclosure_log;
    use sha2::{Digest as _, Sha256};

    #[test]
    fn an_entry_hash_is_sha256_of_the_documented_text() {
        let row = disclosure_log::Model {
            id: 9,
            at: Utc.with_ymd_and_hms(2026, 11, 29, 3, 4, 5).unwrap(),
            actor_kind: "staff".into(),
            actor_id: 12,
            session_id: None,
            school_id: 6,
            students: "345".into(),
            fields: "guardian.contact result".into(),
            purpose: "education".into(),
            policy_version: None,
            prev_hash: None,
            hash: String::new(),
        };
        let text = "abc|2026-11-29T03:04:05.000000Z|staff|12||345|6|guardian.contact result|education";
        let expected: String = Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(entry_hash(Some("abc"), &row), expected);
        assert_ne!(entry_hash(None, &row), expected);
        let several = disclosure_log::Model { students: "345 346".into(), ..row };
        let text = "abc|2026-11-29T03:04:05.000000Z|staff|12||345 346|6|guardian.contact result|education";
        let expected: String = Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(entry_hash(Some("abc"), &several), expected);
    }
}
