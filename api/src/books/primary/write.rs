//! Writing a checked call of the primary book in one transaction: each item at the version
//! its client read, created or changed with its history row, and nothing at all when any
//! item conflicts.

use super::record::Entry;
use crate::books::scores::Provenance;
use crate::error::{ApiError, RecordRef};
use crate::privacy::{Access, readers};
use emis_authz::Action;
use entity::{homeroom_class, primary_evaluation as evaluation, section};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, Condition, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait as _,
    QueryFilter as _,
};
use std::collections::HashMap;

/// Where a call writes: the class, the section for a subject (none for the class's
/// ratings), the checkpoint's code and the semester it falls in, and the teacher writing.
pub(super) struct Place<'p> {
    pub class: &'p homeroom_class::Model,
    pub section: Option<&'p section::Model>,
    pub checkpoint: &'static str,
    pub semester: Option<i64>,
    pub teacher: i64,
}

/// How writing one item ended.
enum Written {
    /// The stored item already holds the entry.
    Unchanged,
    Changed,
    /// The stored item is not at the version the client read.
    Conflict,
    /// Another writer created the item first; the transaction must stop.
    Raced,
}

/// Writes `entries` (with their `items`) at `place` in one transaction; how many changed.
pub(super) async fn write(
    db: &DatabaseConnection,
    access: &Access,
    place: &Place<'_>,
    entries: &[Entry],
    items: &[String],
    provenance: &Provenance,
) -> Result<usize, ApiError> {
    let txn = crate::db::begin_write(db).await?;
    if let Some(semester) = place.semester {
        let section = place.section.map(|section| section.id);
        if crate::books::locks::in_force_for_write(&txn, place.class.school_id, section, semester).await?.is_some() {
            return Err(ApiError::Locked);
        }
    }
    let stored = stored(&txn, access, place, entries, items).await?;
    let mut conflicts = Vec::new();
    let mut changed = 0;
    for (entry, item) in entries.iter().zip(items) {
        let old = stored.get(&(entry.student, item.clone()));
        match write_item(&txn, place, entry, item, old, provenance).await? {
            Written::Unchanged => {}
            Written::Changed => changed += 1,
            Written::Conflict => conflicts.push(RecordRef::student(entry.student)),
            Written::Raced => {
                conflicts.push(RecordRef::student(entry.student));
                break;
            }
        }
    }
    if !conflicts.is_empty() {
        txn.rollback().await?;
        return Err(ApiError::Conflict { records: conflicts });
    }
    txn.commit().await?;
    Ok(changed)
}

/// The stored items the entries name at `place`, by student and item, each one the caller
/// may write (a subject's as a result of its section, a rating as its class's conduct);
/// [`ApiError::NotPermitted`] when the policy hides one, which the call would otherwise
/// take for a new item.
async fn stored(
    txn: &DatabaseTransaction,
    access: &Access,
    place: &Place<'_>,
    entries: &[Entry],
    items: &[String],
) -> Result<HashMap<(i64, String), evaluation::Model>, ApiError> {
    let named = Condition::all()
        .add(evaluation::Column::ClassId.eq(place.class.id))
        .add(evaluation::Column::Checkpoint.eq(place.checkpoint))
        .add(evaluation::Column::StudentId.is_in(entries.iter().map(|entry| entry.student)))
        .add(evaluation::Column::Item.is_in(items.iter().cloned()));
    let rows = access.read_mixed(&readers::PRIMARY_ITEM, Action::Write).through(named).every(txn).await?;
    Ok(rows.into_iter().map(|row| ((row.student_id, row.item.clone()), row)).collect())
}

/// Writes `entry` as `item` over `old` (read in this transaction), only if that is at the
/// version the client read, and keeps the change in the history.
async fn write_item(
    txn: &DatabaseTransaction,
    place: &Place<'_>,
    entry: &Entry,
    item: &str,
    old: Option<&evaluation::Model>,
    provenance: &Provenance,
) -> Result<Written, DbErr> {
    if old.map(|old| old.version) != entry.expected_version {
        return Ok(Written::Conflict);
    }
    let comment = entry.comment.as_deref().map(str::trim).filter(|comment| !comment.is_empty());
    if old.is_some_and(|old| {
        old.level == entry.level && old.test_score == entry.test_score && old.comment.as_deref() == comment
    }) {
        return Ok(Written::Unchanged);
    }
    let record_id = match old {
        Some(old) => {
            if !update(txn, place, old, entry, comment, provenance).await? {
                return Ok(Written::Conflict);
            }
            old.id
        }
        None => match insert(txn, place, entry, item, comment, provenance).await? {
            Some(id) => id,
            None => return Ok(Written::Raced),
        },
    };
    let code = place.checkpoint;
    let change = crate::books::Change {
        kind: if place.section.is_some() { "primary_subject" } else { "primary_rating" },
        school: place.class.school_id,
        student: entry.student,
        record: record_id,
        section: place.section.map(|section| section.id),
        class: Some(place.class.id),
        old_value: old.map(|old| shown(code, &old.item, &old.level, old.test_score, old.comment.as_deref())),
        new_value: Some(shown(code, item, &entry.level, entry.test_score, comment)),
    };
    change.keep(txn, provenance).await?;
    Ok(Written::Changed)
}

/// Changes the stored item `old` to `entry`, only at the version read; whether it did (a
/// concurrent change makes it miss).
async fn update(
    txn: &DatabaseTransaction,
    place: &Place<'_>,
    old: &evaluation::Model,
    entry: &Entry,
    comment: Option<&str>,
    provenance: &Provenance,
) -> Result<bool, DbErr> {
    let updated = evaluation::Entity::update_many()
        .col_expr(evaluation::Column::Level, Expr::value(entry.level.as_str()))
        .col_expr(evaluation::Column::TestScore, Expr::value(entry.test_score))
        .col_expr(evaluation::Column::Comment, Expr::value(comment))
        .col_expr(evaluation::Column::Version, Expr::value(old.version + 1))
        .col_expr(evaluation::Column::UpdatedById, Expr::value(place.teacher))
        .col_expr(evaluation::Column::UpdatedAt, Expr::value(provenance.now))
        .filter(evaluation::Column::Id.eq(old.id))
        .filter(evaluation::Column::Version.eq(old.version))
        .exec(txn)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Creates the item `item` of `entry`; its id, or `None` when another writer created it
/// first (one item per student, checkpoint and class).
async fn insert(
    txn: &DatabaseTransaction,
    place: &Place<'_>,
    entry: &Entry,
    item: &str,
    comment: Option<&str>,
    provenance: &Provenance,
) -> Result<Option<i64>, DbErr> {
    let row = evaluation::ActiveModel {
        school_id: Set(place.class.school_id),
        student_id: Set(entry.student),
        class_id: Set(place.class.id),
        section_id: Set(place.section.map(|section| section.id)),
        checkpoint: Set(place.checkpoint.to_owned()),
        item: Set(item.to_owned()),
        level: Set(entry.level.clone()),
        test_score: Set(entry.test_score),
        comment: Set(comment.map(str::to_owned)),
        version: Set(1),
        updated_by_id: Set(place.teacher),
        updated_at: Set(provenance.now),
        ..Default::default()
    };
    match evaluation::Entity::insert(row).exec(txn).await {
        Ok(inserted) => Ok(Some(inserted.last_insert_id)),
        Err(error) if crate::db::is_unique_violation(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// An item as the history shows it: `end_1 toan: T, 9 — comment`.
fn shown(checkpoint: &str, item: &str, level: &str, test: Option<i16>, comment: Option<&str>) -> String {
    let mut text = format!("{checkpoint} {item}: {level}");
    if let Some(test) = test {
        text.push_str(&format!(", {test}"));
    }
    if let Some(comment) = comment {
        text.push_str(&format!(" — {comment}"));
    }
    text
}
