//! The chain of the disclosure log. Each entry's `hash` covers its content and the previous
//! entry's hash: an HMAC under the chain key (a data key wrapped to the server identity, kept
//! in `data_key` under the scope [`CHAIN_SCOPE`]) when the server has its identity, so a
//! database writer without the identity file cannot recompute a chain after editing,
//! deleting or inserting an entry; a plain SHA-256 on a server without an identity, which
//! writes no sealed data. The first start with an identity verifies the unkeyed chain
//! written so far and re-chains it under a new key (`keyed.rs`); from then on every entry is
//! keyed.

use chrono::{DateTime, SecondsFormat, Utc};
use emis_crypto::ChainKey;
use entity::disclosure_log;
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use sha2::{Digest as _, Sha256};
use std::fmt;
use std::fmt::Write as _;

/// The `data_key` scope of the chain key.
pub const CHAIN_SCOPE: &str = "disclosure-chain";

/// Entries read per statement while verifying.
const PAGE: u64 = 5_000;

/// The text an entry's link covers: the previous hash and every field of the entry,
/// `|`-separated (the student list in its stored form, so an entry of one student reads as
/// entries did when each named one student; the policy version last, and only when the
/// entry has one).
fn entry_text(prev_hash: Option<&str>, row: &disclosure_log::Model) -> String {
    let session = row.session_id.map(|id| id.to_string()).unwrap_or_default();
    let mut text = format!(
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
        let _ = write!(text, "|{version}");
    }
    text
}

/// The hash of an entry as lowercase hex: the HMAC of its text under `key`, or without a key
/// its SHA-256.
pub fn entry_hash(key: Option<&ChainKey>, prev_hash: Option<&str>, row: &disclosure_log::Model) -> String {
    let text = entry_text(prev_hash, row);
    match key {
        Some(key) => key.mac(text.as_bytes()),
        None => emis_crypto::to_hex(&Sha256::digest(text.as_bytes())),
    }
}

/// The canonical text of a timestamp, at microsecond precision (what both databases keep).
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The first entry where the chain does not hold, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `false`: the entry's own content does not match its hash (edited, or re-chained by
    /// someone without the key); `true`: it does not follow the entry before it (an entry
    /// before it was deleted or inserted, or the order changed).
    pub link: bool,
}

impl fmt::Display for Broken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (vi, en) = if self.link {
            (
                "không nối với mục trước (một mục trước nó bị xóa hay chèn)",
                "does not follow the entry before it (an entry before it was deleted or inserted)",
            )
        } else {
            ("nội dung không khớp mã băm (bị sửa)", "its content does not match its hash (edited)")
        };
        write!(f, "mục {id} ({at}): {vi} / entry {id} ({at}): {en}", id = self.id, at = timestamp(self.at))
    }
}

/// The entries after id `after` (a page of [`PAGE`], in id order).
pub(super) async fn page_after(db: &impl ConnectionTrait, after: i64) -> Result<Vec<disclosure_log::Model>, DbErr> {
    disclosure_log::Entity::find()
        .filter(disclosure_log::Column::Id.gt(after))
        .order_by_asc(disclosure_log::Column::Id)
        .limit(PAGE)
        .all(db)
        .await
}

/// Walks the whole log in order, a page at a time; `Ok(entries)` when every link holds,
/// otherwise the first entry where it does not.
pub async fn verify_chain(db: &impl ConnectionTrait, key: Option<&ChainKey>) -> Result<Result<usize, Broken>, DbErr> {
    let mut prev: Option<String> = None;
    let mut after = i64::MIN;
    let mut count = 0;
    loop {
        let rows = page_after(db, after).await?;
        let Some(last) = rows.last() else { return Ok(Ok(count)) };
        after = last.id;
        for row in &rows {
            let broken = |link| Broken { id: row.id, at: row.at, link };
            if row.prev_hash != prev {
                return Ok(Err(broken(true)));
            }
            if entry_hash(key, prev.as_deref(), row) != row.hash {
                return Ok(Err(broken(false)));
            }
            prev = Some(row.hash.clone());
            count += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::entry_hash;
    use chrono::{TimeZone as _, Utc};
    use emis_crypto::{ChainKey, DataKey};
    use entity::disclosure_log;
    use sha2::{Digest as _, Sha256};

    fn row() -> disclosure_log::Model {
        disclosure_log::Model {
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
        }
    }

    #[test]
    fn an_unkeyed_entry_hash_is_sha256_of_the_documented_text() {
        let text = "abc|2026-11-29T03:04:05.000000Z|staff|12||345|6|guardian.contact result|education";
        let expected: String = Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(entry_hash(None, Some("abc"), &row()), expected);
        assert_ne!(entry_hash(None, None, &row()), expected);
        let several = disclosure_log::Model { students: "345 346".into(), policy_version: Some("v1".into()), ..row() };
        let text = "abc|2026-11-29T03:04:05.000000Z|staff|12||345 346|6|guardian.contact result|education|v1";
        let expected: String = Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(entry_hash(None, Some("abc"), &several), expected);
    }

    #[test]
    fn a_keyed_entry_hash_is_the_chain_keys_link_of_the_same_text() {
        let key = ChainKey::new(DataKey::from_bytes([7; 32]));
        let text = "abc|2026-11-29T03:04:05.000000Z|staff|12||345|6|guardian.contact result|education";
        assert_eq!(entry_hash(Some(&key), Some("abc"), &row()), key.mac(text.as_bytes()));
        assert_ne!(entry_hash(Some(&key), Some("abc"), &row()), entry_hash(None, Some("abc"), &row()));
    }
}
