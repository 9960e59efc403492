//! The primary summary book (Circular 27/2020): at each checkpoint the subject teacher rates
//! the section's students T/H/C, with the periodic test's whole-number score where the
//! subject has a test then (the policy's `result`/`write`), and the homeroom teacher rates
//! the five qualities and ten competencies Tốt/Đạt/Cần cố gắng (`conduct`/`write`). The
//! policy decides first, before the class's kind, its lock or an empty call are looked at;
//! each call is checked whole and written whole or not at all, each entry at the version its
//! client read; every change kept in `record_change`. The book reads each item through the
//! privacy condition of its kind, and works out the year result, grade and programme
//! completion and the award with the Circular 27 rule set.//!
//! What the submodules own: `areas` the qualities and competencies and their ratings;
//! `subjects` the subject levels and periodic tests; `checkpoints` the checkpoints;
//! `record` who may record what; `entries` the checks of a call; `write` its
//! transaction; `book` the book as its readers see it.

mod areas;
mod book;
mod checkpoints;
mod entries;
mod record;
mod subjects;
mod write;

pub use areas::{AREAS, area_name, rating_name};
pub use book::{Book, Line, book, target};
pub(super) use checkpoints::semester_of;
pub use checkpoints::{checkpoint_code, parse_checkpoint, semester_number};
pub use entries::{SubjectProblem, subject_problems};
pub use record::{Entry, Scope, record};
pub use subjects::has_test;

use crate::error::ApiError;
use chrono::Datelike as _;
use emis_rules::RuleSet;
use entity::{homeroom_class, school_year};
use sea_orm::{DatabaseConnection, EntityTrait as _};

/// The grade of `class`, refusing classes the Circular 27 rule set does not cover.
pub(super) async fn primary_rules(db: &DatabaseConnection, class: &homeroom_class::Model) -> Result<u8, ApiError> {
    let year = school_year::Entity::find_by_id(class.school_year_id).one(db).await?.ok_or(ApiError::Internal)?;
    let grade = u8::try_from(class.grade_level).unwrap_or(0);
    if RuleSet::for_class(year.starts_on.year(), grade) != Some(RuleSet::Circular27) {
        return Err(ApiError::bad_input(
            "sổ theo dõi này dành cho lớp tiểu học (Thông tư 27)",
            "this book is for primary classes (Circular 27)",
        ));
    }
    Ok(grade)
}
