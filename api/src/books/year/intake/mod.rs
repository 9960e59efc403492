//! Taking in new students (tuyển sinh): the school's grade 1 or grade 6 intake, or a child
//! arriving from outside the system, written into a class of a school year that has not
//! ended — each student with their enrollment from the class's first day (or today, once
//! the year has begun) and their guardians. A guardian is matched by phone: a phone that
//! already signs in as a guardian of the same name links the child to that account (and the
//! guardian is told by message), a phone held under another name refuses the row, and a
//! guardian with a new phone or none gets a new account without a password (activation
//! codes give it one). Sensitive values are sealed under each person's own key.
//!
//! The policy decides first (`enrollment`/`write` on the class: the principal), so another
//! school's class answers like a missing one; a student already studying at the school
//! under the same name and birth date, or with the same identity number, is refused (a
//! retried intake does not take a child in twice); the whole intake is written in one
//! transaction or not at all.

mod checked;
mod write;

use crate::error::ApiError;
use crate::privacy::{Access, Visible, readers};
use crate::vault::Vault;
use checked::CheckedStudent;
use chrono::NaiveDate;
use emis_authz::{Action, Kind};
use entity::{StudentStatus, homeroom_class, school_year, student};
use sea_orm::{ColumnTrait as _, ConnectionTrait, DatabaseConnection, EntityTrait as _};

/// A student to take in, as the school's form gives them.
#[derive(Clone, Debug, Default)]
pub struct NewStudent {
    pub family_name: String,
    pub given_name: String,
    /// `male` | `female`.
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    /// The personal identification number (mã định danh cá nhân).
    pub identity_no: Option<String>,
    pub address: Option<String>,
    pub ethnicity: Option<String>,
    pub guardians: Vec<NewGuardian>,
}

/// A student's guardian as the form gives them.
#[derive(Clone, Debug, Default)]
pub struct NewGuardian {
    pub full_name: String,
    /// In the family's words: `Bố`, `Mẹ`, `Ông ngoại`, `father`, `guardian`…
    pub relationship: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A word the intake mapped to the one EMIS keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapped {
    pub given: String,
    pub canonical: &'static str,
}

/// What an intake did.
#[derive(Debug, Default)]
pub struct Intake {
    /// The students taken in, in the order given.
    pub students: Vec<student::Model>,
    /// Guardian accounts opened.
    pub guardians_created: usize,
    /// Guardians whose existing account (matched by phone and name) the children were linked to.
    pub guardians_linked: usize,
    /// The relationship words mapped.
    pub mapped: Vec<Mapped>,
}

/// Takes `students` into class `class` on `today`.
pub async fn admit_new_students(
    db: &DatabaseConnection,
    vault: &Vault,
    access: &Access,
    class: i64,
    students: &[NewStudent],
    today: NaiveDate,
) -> Result<Intake, ApiError> {
    let class = access.reach(db, &readers::CLASS, Kind::Enrollment, Action::Write, class).await?;
    let year = school_year::Entity::find_by_id(class.school_year_id).one(db).await?.ok_or(ApiError::Internal)?;
    if year.ends_on < today {
        return Err(ApiError::bad_input("năm học của lớp đã kết thúc", "the class's school year has ended"));
    }
    let mut mapped = Vec::new();
    let checked = checked::check(students, &mut mapped)?;
    let starts_on = today.max(year.starts_on);
    let written = write::write(db, vault, access, &class, &checked, starts_on).await?;
    Ok(Intake { mapped, ..written })
}

/// Refuses a student already studying at the class's school under the same name and birth
/// date, or with the same identity number (the caller reads the school's students), or
/// given twice. Asked inside the intake's transaction, once intakes of the school are
/// serialised, so two identical intakes at once cannot both pass.
async fn not_yet_studying(
    db: &impl ConnectionTrait,
    vault: &Vault,
    access: &Access,
    class: &homeroom_class::Model,
    students: &[CheckedStudent],
) -> Result<(), ApiError> {
    let vault_blind = |value: &str| crate::sealing::blind(vault, "student", "identity_no", Some(value));
    for (index, new) in students.iter().enumerate() {
        let row = index + 1;
        let folded = crate::text::fold(&new.full_name());
        let twice = students[..index]
            .iter()
            .any(|earlier| crate::text::fold(&earlier.full_name()) == folded && earlier.birth_date == new.birth_date);
        if twice {
            return Err(checked::in_row(
                ApiError::bad_input("học sinh được nhập hai lần", "the student is given twice"),
                row,
                None,
            ));
        }
        // A name alone is shared by many children; with the birth date it is the same child.
        let mut found = false;
        if let Some(born) = new.birth_date {
            let same_child = studying_at(access, class.school_id)
                .narrow(student::Column::SearchName, |column| column.eq(folded.clone()))
                .narrow(student::Column::BirthDate, |column| column.eq(born));
            found = same_child.count(db).await? > 0;
        }
        if let Some(blind) = new.identity_no.as_deref().and_then(vault_blind) {
            let same_number = studying_at(access, class.school_id)
                .narrow(student::Column::IdentityNoBlind, |column| column.eq(blind));
            found |= same_number.count(db).await? > 0;
        }
        if found {
            return Err(checked::in_row(
                ApiError::bad_input(
                    format!("{} đã là học sinh của trường", new.full_name()),
                    format!("{} already studies at the school", new.full_name()),
                ),
                row,
                None,
            ));
        }
    }
    Ok(())
}

/// The students studying at `school` whom the caller reads.
fn studying_at(access: &Access, school: i64) -> Visible<'_, student::Entity> {
    access
        .read(&readers::STUDENT)
        .narrow(student::Column::SchoolId, |column| column.eq(school))
        .narrow(student::Column::Status, |column| column.eq(StudentStatus::Studying.as_str()))
}
