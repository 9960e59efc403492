//! The writing side of the school books: what teachers, homeroom teachers, principals and
//! guardians record, each write decided by the same privacy layer as reads (the policy's
//! `write`, `approve` and `lock` actions) and kept in the books' history (`record_change`).

use crate::auth::principal::active_on;
use crate::error::{ApiError, RecordRef};
use chrono::NaiveDate;
use entity::{enrollment, record_change};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait as _, QueryFilter as _,
    QuerySelect as _,
};
use std::collections::BTreeSet;

pub mod changes;
pub mod columns;
pub mod conduct;
pub mod exemptions;
pub mod leave;
pub mod locks;
pub mod missing;
pub mod movements;
pub mod nomination;
pub mod primary;
pub mod primary_sheet;
pub mod recipients;
pub mod roll_call;
pub mod roster;
pub mod scores;
pub mod student_accounts;
pub mod summary;
pub mod table;
pub mod told;
pub mod told_staff;
pub mod year;

/// What a batch of scores or conduct levels did: records created or changed, or — in a
/// locked book, with a reason — the change requests made instead.
#[derive(Debug, Default)]
pub struct Recorded {
    /// Records created or changed.
    pub changed: usize,
    /// Change requests made instead, because the book is locked.
    pub requests: Vec<i64>,
}

/// A change to one student's record as the books' history (`record_change`) keeps it; who
/// made it, on what authority and why come with its [`scores::Provenance`].
pub(crate) struct Change {
    /// The kind of record changed, e.g. `result`, `attendance`, `primary_rating`.
    pub kind: &'static str,
    pub school: i64,
    pub student: i64,
    /// The changed row of that kind's table.
    pub record: i64,
    pub section: Option<i64>,
    pub class: Option<i64>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

impl Change {
    /// The history row of this change.
    pub(crate) fn row(self, provenance: &scores::Provenance) -> record_change::ActiveModel {
        record_change::ActiveModel {
            school_id: Set(self.school),
            student_id: Set(self.student),
            kind: Set(self.kind.to_owned()),
            record_id: Set(self.record),
            section_id: Set(self.section),
            class_id: Set(self.class),
            old_value: Set(self.old_value),
            new_value: Set(self.new_value),
            reason: Set(provenance.reason.clone()),
            changed_by_kind: Set(provenance.changed_by.kind().to_owned()),
            changed_by_id: Set(provenance.changed_by.id()),
            changed_at: Set(provenance.now),
            approved_by_id: Set(provenance.approved_by),
            ..Default::default()
        }
    }

    /// Keeps the change in the history.
    pub(crate) async fn keep(self, txn: &impl ConnectionTrait, provenance: &scores::Provenance) -> Result<(), DbErr> {
        record_change::Entity::insert(self.row(provenance)).exec(txn).await?;
        Ok(())
    }
}

/// The students enrolled in `class` on `date` — of `among` only, when given.
pub(crate) async fn enrolled(
    db: &DatabaseConnection,
    class: i64,
    date: NaiveDate,
    among: Option<&[i64]>,
) -> Result<BTreeSet<i64>, DbErr> {
    let mut select = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::StudentId)
        .filter(enrollment::Column::ClassId.eq(class))
        .filter(active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, date));
    if let Some(among) = among {
        select = select.filter(enrollment::Column::StudentId.is_in(among.iter().copied()));
    }
    let students: Vec<i64> = select.into_tuple().all(db).await?;
    Ok(students.into_iter().collect())
}

/// The students enrolled on `date` in `school` (in `class` only, when given), each with
/// the class they are in, by student id.
pub(crate) async fn placed(
    db: &impl ConnectionTrait,
    school: i64,
    class: Option<i64>,
    date: NaiveDate,
) -> Result<Vec<(i64, i64)>, DbErr> {
    let mut select = enrollment::Entity::find()
        .select_only()
        .columns([enrollment::Column::StudentId, enrollment::Column::ClassId])
        .filter(enrollment::Column::SchoolId.eq(school))
        .filter(active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, date));
    if let Some(class) = class {
        select = select.filter(enrollment::Column::ClassId.eq(class));
    }
    let mut placed: Vec<(i64, i64)> = select.into_tuple().all(db).await?;
    placed.sort_unstable();
    placed.dedup_by_key(|(student, _)| *student);
    Ok(placed)
}

/// The sections of `class` in its school year with their subjects, in report order (the
/// subjects' order, then id).
pub(crate) async fn subjects_of(
    db: &DatabaseConnection,
    class: &entity::homeroom_class::Model,
) -> Result<Vec<(entity::section::Model, entity::subject::Model)>, DbErr> {
    use entity::{section, subject};
    let sections = section::Entity::find()
        .filter(section::Column::ClassId.eq(class.id))
        .filter(section::Column::SchoolYearId.eq(class.school_year_id))
        .all(db)
        .await?;
    let subjects: std::collections::HashMap<i64, subject::Model> = subject::Entity::find()
        .filter(subject::Column::Id.is_in(sections.iter().map(|section| section.subject_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|subject| (subject.id, subject))
        .collect();
    let mut ordered: Vec<(section::Model, subject::Model)> = sections
        .into_iter()
        .filter_map(|section| subjects.get(&section.subject_id).cloned().map(|subject| (section, subject)))
        .collect();
    ordered.sort_by_key(|(section, subject)| (subject.sort_order, subject.id, section.id));
    Ok(ordered)
}

/// Checks each student a batch names: named once, and one of the class's `members`.
pub(crate) struct Membership<'m> {
    members: &'m BTreeSet<i64>,
    seen: BTreeSet<i64>,
    /// Why a student who is not a member is refused, in Vietnamese and English.
    not_member: (&'static str, &'static str),
}

impl<'m> Membership<'m> {
    /// Students not in the class are refused as "not in this class".
    pub(crate) fn new(members: &'m BTreeSet<i64>) -> Self {
        Self::refusing(members, ("học sinh không học lớp này", "the student is not in this class"))
    }

    /// Students not in the class are refused with `not_member`.
    pub(crate) fn refusing(members: &'m BTreeSet<i64>, not_member: (&'static str, &'static str)) -> Self {
        Self { members, seen: BTreeSet::new(), not_member }
    }

    /// The problems of naming `student`, added to `problems`.
    pub(crate) fn check(&mut self, student: i64, problems: &mut Vec<crate::error::EntryProblem>) {
        let record = || RecordRef::student(student);
        if !self.seen.insert(student) {
            problems.push(crate::error::EntryProblem::new(
                record(),
                "studentId",
                "học sinh có mặt hai lần",
                "the student is listed twice",
            ));
        }
        if !self.members.contains(&student) {
            let (vi, en) = self.not_member;
            problems.push(crate::error::EntryProblem::new(record(), "studentId", vi, en));
        }
    }
}

/// Refuses a semester that is not one of school year `year`'s.
pub(crate) async fn semester_in_year(db: &DatabaseConnection, semester: i64, year: i64) -> Result<(), ApiError> {
    let found = entity::semester::Entity::find_by_id(semester).one(db).await?;
    if found.is_none_or(|row| row.school_year_id != year) {
        return Err(ApiError::bad_input(
            "học kỳ không thuộc năm học của lớp",
            "the semester is not in the class's year",
        ));
    }
    Ok(())
}
