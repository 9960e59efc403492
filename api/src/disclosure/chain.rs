//! The hash chain of the disclosure log.

use chrono::{DateTime, SecondsFormat, Utc};
use entity::disclosure_log;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait as _, QueryOrder as _};
use sha2::{Digest as _, Sha256};

/// The hash of an entry: SHA-256 over the previous hash and every field of the entry.
pub fn entry_hash(prev_hash: Option<&str>, row: &disclosure_log::Model) -> String {
    let text = format!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}",
        prev_hash.unwrap_or(""),
        timestamp(row.at),
        row.actor_kind,
        row.actor_id,
        row.session_id.map(|id| id.to_string()).unwrap_or_default(),
        row.student_id,
        row.school_id,
        row.fields,
        row.purpose,
    );
    Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
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
