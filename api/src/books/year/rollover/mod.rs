//! The year-end rollover of one school: [`preview`] works out, for every student of the
//! school's classes of the old year, what happens to them — promoted to the next grade's
//! class, kept back in their grade, graduated from the school's final grade, or pending
//! while their promotion is not decided — from the computed promotion of the class summary
//! (Circular 22) or the primary book's year result (Circular 27); [`apply`] carries out
//! exactly a previewed plan in one transaction. The plan's digest ties the two: a plan that
//! changed since its preview is refused. A plan covers only the students still enrolled in
//! an old-year class with no end, so the rollover can be run again for the students an
//! earlier run left out (excluded or pending) without touching those it moved. For the
//! principal (the policy's `rollover`).

mod apply;
mod decide;

pub use apply::{Applied, Decided, apply};
pub use decide::not_for_decision;

use super::classes::{level_of, reach_school};
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use emis_authz::{Action, Kind};
use entity::{enrollment, homeroom_class, org, school_year};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _, QueryOrder as _};
use sha2::{Digest as _, Sha256};
use std::collections::{BTreeSet, HashMap};

/// What happens to one student.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Lên lớp: into the next grade's class.
    Promote,
    /// Ở lại lớp: stays in the grade, in the new year's class of the same name.
    KeepBack,
    /// Completes the school's final grade (grade 5 completes primary, 9 lower secondary).
    Graduate,
    /// Not decided yet (re-tests or summer training not recorded, results missing) or with
    /// no class to go to: the rollover waits, or leaves the student out when told to.
    Pending,
}

impl Decision {
    fn code(self) -> &'static str {
        match self {
            Decision::Promote => "promote",
            Decision::KeepBack => "keep_back",
            Decision::Graduate => "graduate",
            Decision::Pending => "pending",
        }
    }
}

/// Why a student is pending, in Vietnamese and English.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    pub vi: String,
    pub en: String,
}

/// One student's line of the plan.
#[derive(Clone, Debug)]
pub struct Entry {
    pub student: i64,
    pub full_name: String,
    pub from_class: homeroom_class::Model,
    /// The student's open enrollment in `from_class`, which the rollover ends.
    pub enrollment: i64,
    pub decision: Decision,
    /// The new year's class (promoted and kept back).
    pub to_class: Option<homeroom_class::Model>,
    /// Why the student is pending.
    pub reason: Option<Reason>,
}

/// A school's rollover plan.
#[derive(Clone, Debug)]
pub struct Plan {
    pub school: org::Model,
    pub from_year: school_year::Model,
    pub to_year: school_year::Model,
    /// In class order, then roster order.
    pub entries: Vec<Entry>,
    /// The plan's digest: what `apply` must be given.
    pub digest: String,
}

/// An explicit mapping of an old class to the new year's class its promoted students go to,
/// instead of the class named after it (6A → 7A).
pub type ClassMap = HashMap<i64, i64>;

/// Which rollover: the school, the years (from, to), the class mapping, and the students
/// who have not completed their grade that the principal decided to keep back.
#[derive(Clone, Copy, Debug)]
pub struct Which<'a> {
    pub school: i64,
    pub years: (i64, i64),
    pub mapping: &'a ClassMap,
    pub keep_back: &'a BTreeSet<i64>,
}

/// The plan of rollover `which` (the policy's `rollover`/`read` on the school).
pub async fn preview(db: &DatabaseConnection, access: &Access, which: Which<'_>) -> Result<Plan, ApiError> {
    plan(db, access, Action::Read, which).await
}

/// The plan as the caller may `action` the school's rollover: every student still enrolled,
/// with no end, in one of the school's classes of the old year.
async fn plan(db: &DatabaseConnection, access: &Access, action: Action, which: Which<'_>) -> Result<Plan, ApiError> {
    let Which { school, years: (from, to), mapping, keep_back } = which;
    let school = reach_school(db, access, school, Kind::Rollover, action).await?;
    let level = level_of(&school)?;
    let from_year = year(db, from).await?;
    let to_year = year(db, to).await?;
    if to_year.starts_on <= from_year.ends_on {
        return Err(ApiError::bad_input(
            "năm học mới phải bắt đầu sau khi năm học cũ kết thúc",
            "the new school year must start after the old one ends",
        ));
    }
    let old = classes(db, school.id, from_year.id).await?;
    let new = classes(db, school.id, to_year.id).await?;
    for (from, to) in mapping {
        let known_from = old.iter().any(|class| class.id == *from);
        if !known_from || !new.iter().any(|class| class.id == *to) {
            return Err(ApiError::bad_input(
                "ánh xạ lớp phải từ một lớp năm cũ tới một lớp năm mới của trường",
                "a class mapping must go from a class of the old year to one of the new year, of the school",
            ));
        }
    }
    let final_grade = *level.grades().end();
    let open = open_enrollments(db, access, &old).await?;
    let mut entries = Vec::new();
    let mut decided = BTreeSet::new();
    for class in &old {
        for (student, full_name, outcome) in decide::outcomes(db, access, class).await? {
            let Some(&enrollment) = open.get(&(student, class.id)) else { continue };
            let outcome = if keep_back.contains(&student) {
                decided.insert(student);
                decide::kept_back_by_decision(&outcome)?
            } else {
                outcome
            };
            let targets = decide::Targets { new: &new, mapping, final_grade };
            entries.push(decide::entry((class, enrollment), student, &full_name, outcome, &targets));
        }
    }
    if decided.len() != keep_back.len() {
        return Err(not_for_decision());
    }
    let digest = digest(&school, &from_year, &to_year, &entries);
    Ok(Plan { school, from_year, to_year, entries, digest })
}

async fn year(db: &DatabaseConnection, id: i64) -> Result<school_year::Model, ApiError> {
    school_year::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::bad_input("năm học không tồn tại", "no such school year"))
}

/// The school's classes of the year, by grade and name.
async fn classes(db: &DatabaseConnection, school: i64, year: i64) -> Result<Vec<homeroom_class::Model>, ApiError> {
    Ok(homeroom_class::Entity::find()
        .filter(homeroom_class::Column::SchoolId.eq(school))
        .filter(homeroom_class::Column::SchoolYearId.eq(year))
        .order_by_asc(homeroom_class::Column::GradeLevel)
        .order_by_asc(homeroom_class::Column::Name)
        .order_by_asc(homeroom_class::Column::Id)
        .all(db)
        .await?)
}

/// The open enrollment (no end) of each student in each of `classes`, by (student, class),
/// read through the privacy layer: who the rollover still has to move.
async fn open_enrollments(
    db: &DatabaseConnection,
    access: &Access,
    classes: &[homeroom_class::Model],
) -> Result<HashMap<(i64, i64), i64>, ApiError> {
    let rows = access
        .read(&readers::ENROLLMENT)
        .narrow(enrollment::Column::ClassId, |column| column.is_in(classes.iter().map(|class| class.id)))
        .narrow(enrollment::Column::EndsOn, |column| column.is_null())
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| ((row.student_id, row.class_id), row.id)).collect())
}

/// The digest of what the plan does: for every student, from which class, what, to which
/// class.
fn digest(school: &org::Model, from: &school_year::Model, to: &school_year::Model, entries: &[Entry]) -> String {
    let mut hash = Sha256::new();
    hash.update(format!("{}|{}|{}\n", school.id, from.id, to.id));
    for entry in entries {
        let to = entry.to_class.as_ref().map_or(0, |class| class.id);
        hash.update(format!("{}|{}|{}|{}\n", entry.student, entry.from_class.id, entry.decision.code(), to));
    }
    hash.finalize().iter().map(|byte| format!("{byte:02x}")).collect()
}
