//! Exemptions (miễn giảm): the principal excuses a student from a section's assessments for
//! a semester or the whole year (the policy's `exemption`/`write`). An exempt student's
//! scores are not taken in that section, and the subject is left out of their learning
//! result on the class summary. An exemption from part of a subject (`part`, e.g. the running
//! in physical education) keeps the student assessed on the rest, and the subject counting.
//! Lifting an exemption keeps it on record. Who may know of an exemption is the policy's
//! `exemption`/`read`: the summary shows only those the caller may read, and a write the
//! exemption refuses names it only to a caller who may read it.

use crate::error::ApiError;
use crate::privacy::{Access, Target, readers};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use entity::{exemption, section};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait as _, QueryFilter as _,
};
use std::collections::HashSet;

/// What the principal decides for one student and section.
#[derive(Clone, Debug)]
pub struct Decision {
    pub student: i64,
    pub section: i64,
    /// `None`: the whole school year.
    pub semester: Option<i64>,
    /// Grant (true) or lift (false).
    pub exempt: bool,
    /// The part of the subject exempted; `None`: the whole subject.
    pub part: Option<String>,
}

/// Grants or lifts an exemption; the exemption as it now stands, if any was ever granted.
pub async fn decide(
    db: &DatabaseConnection,
    access: &Access,
    decision: Decision,
    now: DateTime<Utc>,
) -> Result<Option<exemption::Model>, ApiError> {
    let decider = super::locks::staff_account(access)?;
    let section = access
        .reach_about(db, &readers::SECTION, decision.student, Kind::Exemption, Action::Write, decision.section)
        .await?;
    let part = checked_part(db, access, &section, &decision).await?;
    let txn = crate::db::begin_write(db).await?;
    let existing = standing(&txn, access, &section, &decision).await?;
    let id = match (existing, decision.exempt) {
        (Some(existing), true) if existing.part.as_deref() == part => existing.id,
        (Some(existing), true) => {
            exemption::Entity::update_many()
                .col_expr(exemption::Column::Part, Expr::value(part))
                .filter(exemption::Column::Id.eq(existing.id))
                .exec(&txn)
                .await?;
            existing.id
        }
        (Some(existing), false) => {
            exemption::Entity::update_many()
                .col_expr(exemption::Column::LiftedById, Expr::value(decider))
                .col_expr(exemption::Column::LiftedAt, Expr::value(now))
                .filter(exemption::Column::Id.eq(existing.id))
                .exec(&txn)
                .await?;
            existing.id
        }
        (None, true) => grant(&txn, &section, &decision, part, decider, now).await?,
        (None, false) => {
            txn.commit().await?;
            return Ok(None);
        }
    };
    let row = access.rows_for(Action::Write, &readers::EXEMPTION).by_id(id).one(&txn).await?;
    txn.commit().await?;
    Ok(row)
}

/// The exempted part of `decision`, trimmed, once the student is found in the section's
/// class and the semester in its year.
async fn checked_part<'a>(
    db: &DatabaseConnection,
    access: &Access,
    section: &section::Model,
    decision: &'a Decision,
) -> Result<Option<&'a str>, ApiError> {
    let today = access.principal().today;
    let enrolled = super::enrolled(db, section.class_id, today, Some(&[decision.student])).await?;
    if enrolled.is_empty() {
        return Err(ApiError::bad_input("học sinh không học lớp này", "the student is not in this class"));
    }
    if let Some(semester) = decision.semester {
        super::semester_in_year(db, semester, section.school_year_id).await?;
    }
    let part = decision.part.as_deref().map(str::trim).filter(|part| !part.is_empty());
    if part.is_some_and(|part| part.chars().count() > super::scores::MAX_COMMENT) {
        return Err(ApiError::bad_input(
            "phần được miễn mô tả quá dài",
            "the exempted part is described at too much length",
        ));
    }
    Ok(part)
}

/// The exemption in force that `decision` grants again or lifts, in the write's
/// transaction, under the caller's `exemption`/`write` ([`ApiError::NotPermitted`] when
/// the policy hides it: the write would otherwise grant a second one beside it).
async fn standing(
    txn: &DatabaseTransaction,
    access: &Access,
    section: &section::Model,
    decision: &Decision,
) -> Result<Option<exemption::Model>, ApiError> {
    let standing = access
        .rows_for(Action::Write, &readers::EXEMPTION)
        .narrow(exemption::Column::StudentId, |column| column.eq(decision.student))
        .narrow(exemption::Column::SectionId, |column| column.eq(section.id))
        .narrow(exemption::Column::SemesterId, |column| match decision.semester {
            Some(semester) => column.eq(semester),
            None => column.is_null(),
        })
        .narrow(exemption::Column::LiftedAt, |column| column.is_null())
        .every(txn)
        .await?;
    Ok(standing.into_iter().next())
}

/// Grants a new exemption; its id.
async fn grant(
    txn: &DatabaseTransaction,
    section: &section::Model,
    decision: &Decision,
    part: Option<&str>,
    decider: i64,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let row = exemption::ActiveModel {
        school_id: Set(section.school_id),
        student_id: Set(decision.student),
        section_id: Set(section.id),
        class_id: Set(section.class_id),
        semester_id: Set(decision.semester),
        part: Set(part.map(str::to_owned)),
        granted_by_id: Set(decider),
        granted_at: Set(now),
        lifted_by_id: Set(None),
        lifted_at: Set(None),
        ..Default::default()
    };
    Ok(exemption::Entity::insert(row).exec(txn).await?.last_insert_id)
}

/// The (student, section) pairs of `students` exempt from the whole subject, in force, for
/// any of `semesters` (a whole-year exemption covers each of its year's semesters), as far
/// as the caller may read them (`exemption`/`read`). A partial exemption is not among them:
/// the student is assessed on the rest of the subject. What decides a write sees every
/// exemption instead ([`crate::privacy::integrity::exempt_among`]).
pub async fn exempt(
    db: &impl ConnectionTrait,
    access: &Access,
    sections: &[i64],
    semesters: &[i64],
    students: &[i64],
) -> Result<HashSet<(i64, i64)>, DbErr> {
    if sections.is_empty() || students.is_empty() {
        return Ok(HashSet::new());
    }
    let which = in_force(sections, semesters, students);
    let rows = access.read(&readers::EXEMPTION).through(which).all(db).await?;
    Ok(rows.into_iter().map(|row| (row.student_id, row.section_id)).collect())
}

/// The whole-subject exemptions in force of `students` from `sections` in any of `semesters`.
pub(crate) fn in_force(sections: &[i64], semesters: &[i64], students: &[i64]) -> Condition {
    let covering = Condition::any()
        .add(exemption::Column::SemesterId.is_null())
        .add(exemption::Column::SemesterId.is_in(semesters.iter().copied()));
    Condition::all()
        .add(exemption::Column::SectionId.is_in(sections.iter().copied()))
        .add(exemption::Column::StudentId.is_in(students.iter().copied()))
        .add(exemption::Column::LiftedAt.is_null())
        .add(exemption::Column::Part.is_null())
        .add(covering)
}

/// The record an exemption concerns, for checks.
pub fn target(row: &exemption::Model) -> Target {
    Target::Personal { student: row.student_id, school: row.school_id, section: Some(row.section_id), class: None }
}
