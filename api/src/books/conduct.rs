//! Conduct (kết quả rèn luyện): the homeroom teacher sets each student's level for a semester
//! — Tốt, Khá, Đạt or Chưa đạt, with a comment — for the whole class in one call (the
//! policy's `conduct`/`write` through `homeroom_of`). Checked whole, written whole or not at
//! all, each entry at the version its client read; every change kept in `record_change`. In
//! a semester the principal locked for the whole school, a change needs a reason and becomes
//! a request the principal approves (`changes::decide`), like a score.

use super::Recorded;
use super::scores::Provenance;
use crate::auth::principal::Account;
use crate::error::{ApiError, EntryProblem, RecordRef};
use crate::privacy::{Access, readers};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use entity::{ConductLevel, change_request, conduct, homeroom_class};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, DatabaseConnection, DatabaseTransaction, DbErr, EntityTrait as _,
    QueryFilter as _,
};
use std::collections::{BTreeSet, HashMap};

/// One student's conduct for the semester.
#[derive(Clone, Debug)]
pub struct ConductEntry {
    pub student: i64,
    pub level: ConductLevel,
    pub comment: Option<String>,
    /// The version the client last read; `None` when it read none.
    pub expected_version: Option<i32>,
}

/// Records `entries` for class `class` in `semester`. Once the principal has locked the
/// school's semester, nothing is written: with a `reason` each change becomes a request for
/// the principal's approval, without one the call is refused as locked.
pub async fn record(
    db: &DatabaseConnection,
    access: &Access,
    class: i64,
    semester: i64,
    entries: &[ConductEntry],
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Recorded, ApiError> {
    let Some(Account::Staff(teacher)) = access.principal().account else { return Err(ApiError::NotPermitted) };
    let class = access.reach(db, &readers::CLASS, Kind::Conduct, Action::Write, class).await?;
    super::semester_in_year(db, semester, class.school_year_id).await?;
    let reason = super::changes::reason(reason)?;
    let unexplained = reason.is_none();
    if unexplained && super::locks::school_in_force(db, class.school_id, semester).await?.is_some() {
        return Err(ApiError::Locked);
    }
    let named: Vec<i64> = entries.iter().map(|entry| entry.student).collect();
    let students = super::enrolled(db, class.id, access.principal().today, Some(&named)).await?;
    check(entries, &students)?;
    let provenance = Provenance { changed_by: Account::Staff(teacher), approved_by: None, reason, now };
    let txn = crate::db::begin_write(db).await?;
    // Checked again inside the transaction: a rollover may have locked the year meanwhile.
    let locked = super::locks::in_force_for_write(&txn, class.school_id, None, semester).await?.is_some();
    if locked && unexplained {
        return Err(ApiError::Locked);
    }
    let stored = stored(&txn, access, Action::Write, semester, named.iter().copied()).await?;
    let mut conflicts = Vec::new();
    let mut recorded = Recorded::default();
    for entry in entries {
        let old = stored.get(&entry.student);
        if old.map(|old| old.version) != entry.expected_version {
            conflicts.push(RecordRef::student(entry.student));
            continue;
        }
        let comment = entry.comment.as_deref().map(str::trim).filter(|comment| !comment.is_empty());
        if old.is_some_and(|old| old.level == entry.level.as_str() && old.comment.as_deref() == comment) {
            continue;
        }
        if locked {
            let asked = Asked { student: entry.student, level: entry.level, comment, expected: entry.expected_version };
            recorded.requests.push(request(&txn, &class, semester, old, &asked, &provenance).await?);
            continue;
        }
        if apply(&txn, &class, semester, entry.student, old, entry.level, comment, &provenance).await? {
            recorded.changed += 1;
        } else {
            conflicts.push(RecordRef::student(entry.student));
        }
    }
    if !conflicts.is_empty() {
        txn.rollback().await?;
        return Err(ApiError::Conflict { records: conflicts });
    }
    txn.commit().await?;
    Ok(recorded)
}

/// The conduct stored in `semester` for `students`, by student, each one the caller may
/// `action` (write for a recorded call, approve for an approved request);
/// [`ApiError::NotPermitted`] when the policy hides one (a level another class set).
pub async fn stored(
    txn: &DatabaseTransaction,
    access: &Access,
    action: Action,
    semester: i64,
    students: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, conduct::Model>, ApiError> {
    let rows = access
        .rows_for(action, &readers::CONDUCT)
        .narrow(conduct::Column::SemesterId, |stored| stored.eq(semester))
        .narrow(conduct::Column::StudentId, |stored| stored.is_in(students))
        .every(txn)
        .await?;
    Ok(rows.into_iter().map(|row| (row.student_id, row)).collect())
}

/// One student's level asked for under a lock.
struct Asked<'a> {
    student: i64,
    level: ConductLevel,
    comment: Option<&'a str>,
    expected: Option<i32>,
}

/// Keeps a change asked for under a lock as a pending request; its id.
async fn request(
    txn: &DatabaseTransaction,
    class: &homeroom_class::Model,
    semester: i64,
    old: Option<&conduct::Model>,
    asked: &Asked<'_>,
    provenance: &Provenance,
) -> Result<i64, ApiError> {
    let about = super::changes::Concerning {
        kind: KIND,
        school: class.school_id,
        student: asked.student,
        section: None,
        class: Some(class.id),
        semester,
    };
    let old_value = old.map(|old| shown(&old.level, old.comment.as_deref()));
    let mut row = super::changes::pending(about, old_value, shown(asked.level.as_str(), asked.comment), provenance)?;
    row.expected_version = Set(asked.expected);
    row.comment = Set(asked.comment.map(str::to_owned));
    row.level = Set(Some(asked.level.as_str().to_owned()));
    Ok(change_request::Entity::insert(row).exec(txn).await?.last_insert_id)
}

/// `record_change.kind` and `change_request.kind` of conduct.
pub const KIND: &str = "conduct";

/// Writes `student`'s level in `semester` over `old` (the row read at the version the
/// client asked against) and keeps the change in the history; `false` when the row changed
/// meanwhile (nothing written). Used for direct writes and for approved requests.
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    txn: &DatabaseTransaction,
    class: &homeroom_class::Model,
    semester: i64,
    student: i64,
    old: Option<&conduct::Model>,
    level: ConductLevel,
    comment: Option<&str>,
    provenance: &Provenance,
) -> Result<bool, ApiError> {
    let Account::Staff(teacher) = provenance.changed_by else { return Err(ApiError::NotPermitted) };
    let written = match old {
        Some(old) => update(txn, old, level, comment, teacher, provenance.now).await?,
        None => {
            let place = Place { class, semester, student, teacher };
            insert(txn, &place, level, comment, provenance.now).await?
        }
    };
    let Some(record_id) = written else { return Ok(false) };
    let change = super::Change {
        kind: KIND,
        school: class.school_id,
        student,
        record: record_id,
        section: None,
        class: Some(class.id),
        old_value: old.map(|old| shown(&old.level, old.comment.as_deref())),
        new_value: Some(shown(level.as_str(), comment)),
    };
    change.keep(txn, provenance).await?;
    Ok(true)
}

/// Changes the stored level `old` at the version read; its id, or `None` when the row
/// changed meanwhile.
async fn update(
    txn: &DatabaseTransaction,
    old: &conduct::Model,
    level: ConductLevel,
    comment: Option<&str>,
    teacher: i64,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let updated = conduct::Entity::update_many()
        .col_expr(conduct::Column::Level, Expr::value(level.as_str()))
        .col_expr(conduct::Column::Comment, Expr::value(comment))
        .col_expr(conduct::Column::Version, Expr::value(old.version + 1))
        .col_expr(conduct::Column::UpdatedById, Expr::value(teacher))
        .col_expr(conduct::Column::UpdatedAt, Expr::value(now))
        .filter(conduct::Column::Id.eq(old.id))
        .filter(conduct::Column::Version.eq(old.version))
        .exec(txn)
        .await?;
    Ok((updated.rows_affected == 1).then_some(old.id))
}

/// Whose level a first write stores, and who writes it.
struct Place<'a> {
    class: &'a homeroom_class::Model,
    semester: i64,
    student: i64,
    teacher: i64,
}

/// Stores a first level for the place; its id, or `None` when another writer stored one
/// first.
async fn insert(
    txn: &DatabaseTransaction,
    place: &Place<'_>,
    level: ConductLevel,
    comment: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, DbErr> {
    let row = conduct::ActiveModel {
        school_id: Set(place.class.school_id),
        student_id: Set(place.student),
        class_id: Set(place.class.id),
        semester_id: Set(place.semester),
        level: Set(level.as_str().to_owned()),
        comment: Set(comment.map(str::to_owned)),
        version: Set(1),
        updated_by_id: Set(place.teacher),
        updated_at: Set(now),
        ..Default::default()
    };
    match conduct::Entity::insert(row).exec(txn).await {
        Ok(inserted) => Ok(Some(inserted.last_insert_id)),
        Err(error) if crate::db::is_unique_violation(&error) => Ok(None),
        Err(error) => Err(error),
    }
}

/// A conduct level as the books show it: `Tốt — comment`.
fn shown(level: &str, comment: Option<&str>) -> String {
    let name = match level.parse::<ConductLevel>() {
        Ok(known) => vietnamese(known),
        Err(_) => level,
    };
    match comment {
        Some(comment) => format!("{name} — {comment}"),
        None => name.to_owned(),
    }
}

/// The level's name in the books.
pub fn vietnamese(level: ConductLevel) -> &'static str {
    match level {
        ConductLevel::Tot => "Tốt",
        ConductLevel::Kha => "Khá",
        ConductLevel::Dat => "Đạt",
        ConductLevel::ChuaDat => "Chưa đạt",
    }
}

/// Every wrong entry, naming the student and the field.
fn check(entries: &[ConductEntry], students: &BTreeSet<i64>) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    let mut membership = super::Membership::new(students);
    for entry in entries {
        let problem = |field, vi: &str, en: &str| EntryProblem::new(RecordRef::student(entry.student), field, vi, en);
        membership.check(entry.student, &mut problems);
        if entry.comment.as_ref().is_some_and(|comment| comment.chars().count() > super::scores::MAX_COMMENT) {
            problems.push(problem("comment", "nhận xét quá dài", "the comment is too long"));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(ApiError::InvalidEntries(problems)) }
}
