//! Conduct (kết quả rèn luyện): the homeroom teacher sets each student's level for a semester
//! — Tốt, Khá, Đạt or Chưa đạt, with a comment — for the whole class in one call (the
//! policy's `conduct`/`write` through `homeroom_of`). Checked whole, written whole or not at
//! all, each entry at the version its client read; every change kept in `record_change`. In
//! a semester the principal locked for the whole school, conduct is not changed.

use crate::auth::principal::Account;
use crate::error::{ApiError, EntryProblem};
use crate::graphql::ids;
use crate::privacy::{Access, Target};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use entity::{ConductLevel, conduct, homeroom_class, record_change};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _};
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

/// Records `entries` for class `class` in `semester`; how many changed.
pub async fn record(
    db: &DatabaseConnection,
    access: &Access,
    class: i64,
    semester: i64,
    entries: &[ConductEntry],
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let Some(Account::Staff(teacher)) = access.principal().account else { return Err(ApiError::NotPermitted) };
    let Some(class) = homeroom_class::Entity::find_by_id(class).one(db).await? else {
        return Err(ApiError::NotPermitted);
    };
    let target = Target::Class { class: class.id, school: class.school_id };
    if !access.permits(Kind::Conduct, Action::Write, target).await? {
        return Err(ApiError::NotPermitted);
    }
    super::semester_in_year(db, semester, class.school_year_id).await?;
    if super::locks::school_in_force(db, class.school_id, semester).await?.is_some() {
        return Err(ApiError::Locked);
    }
    let named: Vec<i64> = entries.iter().map(|entry| entry.student).collect();
    let students = super::enrolled(db, class.id, access.principal().today, Some(&named)).await?;
    check(entries, &students)?;
    let txn = crate::db::begin_write(db).await?;
    let stored: HashMap<i64, conduct::Model> = conduct::Entity::find()
        .filter(conduct::Column::SemesterId.eq(semester))
        .filter(conduct::Column::StudentId.is_in(entries.iter().map(|entry| entry.student)))
        .all(&txn)
        .await?
        .into_iter()
        .map(|row| (row.student_id, row))
        .collect();
    let mut conflicts = Vec::new();
    let mut changed = 0;
    for entry in entries {
        let old = stored.get(&entry.student);
        if old.map(|old| old.version) != entry.expected_version {
            conflicts.push(ids::encode("Student", entry.student));
            continue;
        }
        let comment = entry.comment.as_deref().map(str::trim).filter(|comment| !comment.is_empty());
        if old.is_some_and(|old| old.level == entry.level.as_str() && old.comment.as_deref() == comment) {
            continue;
        }
        let record_id = match old {
            Some(old) => {
                let updated = conduct::Entity::update_many()
                    .col_expr(conduct::Column::Level, Expr::value(entry.level.as_str()))
                    .col_expr(conduct::Column::Comment, Expr::value(comment))
                    .col_expr(conduct::Column::Version, Expr::value(old.version + 1))
                    .col_expr(conduct::Column::UpdatedById, Expr::value(teacher))
                    .col_expr(conduct::Column::UpdatedAt, Expr::value(now))
                    .filter(conduct::Column::Id.eq(old.id))
                    .filter(conduct::Column::Version.eq(old.version))
                    .exec(&txn)
                    .await?;
                if updated.rows_affected != 1 {
                    conflicts.push(ids::encode("Student", entry.student));
                    continue;
                }
                old.id
            }
            None => {
                let row = conduct::ActiveModel {
                    school_id: Set(class.school_id),
                    student_id: Set(entry.student),
                    class_id: Set(class.id),
                    semester_id: Set(semester),
                    level: Set(entry.level.as_str().to_owned()),
                    comment: Set(comment.map(str::to_owned)),
                    version: Set(1),
                    updated_by_id: Set(teacher),
                    updated_at: Set(now),
                    ..Default::default()
                };
                match conduct::Entity::insert(row).exec(&txn).await {
                    Ok(inserted) => inserted.last_insert_id,
                    Err(error) if matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
                        conflicts.push(ids::encode("Student", entry.student));
                        break;
                    }
                    Err(error) => return Err(error.into()),
                }
            }
        };
        let change = record_change::ActiveModel {
            school_id: Set(class.school_id),
            student_id: Set(entry.student),
            kind: Set("conduct".to_owned()),
            record_id: Set(record_id),
            section_id: Set(None),
            class_id: Set(Some(class.id)),
            old_value: Set(old.map(|old| shown(&old.level, old.comment.as_deref()))),
            new_value: Set(Some(shown(entry.level.as_str(), comment))),
            reason: Set(None),
            changed_by_kind: Set("staff".to_owned()),
            changed_by_id: Set(teacher),
            changed_at: Set(now),
            approved_by_id: Set(None),
            ..Default::default()
        };
        record_change::Entity::insert(change).exec(&txn).await?;
        changed += 1;
    }
    if !conflicts.is_empty() {
        txn.rollback().await?;
        return Err(ApiError::Conflict { records: conflicts });
    }
    txn.commit().await?;
    Ok(changed)
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
        let problem =
            |field, vi: &str, en: &str| EntryProblem::new(ids::encode("Student", entry.student), field, vi, en);
        membership.check(entry.student, &mut problems);
        if entry.comment.as_ref().is_some_and(|comment| comment.chars().count() > super::scores::MAX_COMMENT) {
            problems.push(problem("comment", "nhận xét quá dài", "the comment is too long"));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(ApiError::InvalidEntries(problems)) }
}
