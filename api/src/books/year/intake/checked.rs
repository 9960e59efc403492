//! An intake's rows as checked before anything is written: names trimmed, gender, phone
//! and e-mail in their stored forms, the relationship a family wrote (`Bố`, `Mẹ`, `Bà
//! ngoại`, `father`…) mapped to the one EMIS keeps through the import's synonym table, and
//! each refusal naming the row (and guardian) it is about.

use super::{Mapped, NewGuardian, NewStudent};
use crate::error::ApiError;
use crate::person_values::{checked_email, checked_gender, checked_name, checked_phone};
use crate::text;
use chrono::NaiveDate;
use emis_oneroster::vocabulary::{Match, tables::RELATIONSHIP};

/// One student of an intake, checked.
pub(super) struct CheckedStudent {
    pub family_name: String,
    pub given_name: String,
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub identity_no: Option<String>,
    pub address: Option<String>,
    pub ethnicity: Option<String>,
    pub guardians: Vec<CheckedGuardian>,
}

/// One guardian of an intake's student, checked.
pub(super) struct CheckedGuardian {
    pub family_name: String,
    pub given_name: String,
    /// `father` | `mother` | `guardian`.
    pub relationship: &'static str,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl CheckedGuardian {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.family_name, self.given_name).trim().to_owned()
    }
}

impl CheckedStudent {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.family_name, self.given_name)
    }
}

/// `students` checked, with every relationship word mapped to another (in `mapped`); the
/// first row that cannot be understood refuses the whole intake, naming its position
/// (from 1, as the form shows it).
pub(super) fn check(students: &[NewStudent], mapped: &mut Vec<Mapped>) -> Result<Vec<CheckedStudent>, ApiError> {
    if students.is_empty() {
        return Err(ApiError::bad_input("danh sách học sinh trống", "the list of students is empty"));
    }
    let mut checked = Vec::with_capacity(students.len());
    for (index, student) in students.iter().enumerate() {
        let row = index + 1;
        checked.push(check_student(student, mapped).map_err(|error| in_row(error, row, None))?);
    }
    Ok(checked)
}

fn check_student(new: &NewStudent, mapped: &mut Vec<Mapped>) -> Result<CheckedStudent, ApiError> {
    let family_name = checked_name(&new.family_name, "họ không hợp lệ", "the family name is empty or too long")?;
    let given_name = checked_name(&new.given_name, "tên không hợp lệ", "the given name is empty or too long")?;
    let mut guardians = Vec::with_capacity(new.guardians.len());
    for (index, guardian) in new.guardians.iter().enumerate() {
        let guardian = check_guardian(guardian, mapped).map_err(|error| in_guardian(error, index + 1))?;
        guardians.push(guardian);
    }
    Ok(CheckedStudent {
        family_name,
        given_name,
        gender: checked_gender(new.gender.as_deref())?,
        birth_date: new.birth_date,
        identity_no: optional_text(
            new.identity_no.as_deref(),
            32,
            "mã định danh quá dài",
            "the identity number is too long",
        )?
        .map(|value| value.replace(' ', "")),
        address: optional_text(new.address.as_deref(), 300, "địa chỉ quá dài", "the address is too long")?,
        ethnicity: optional_text(new.ethnicity.as_deref(), 60, "dân tộc quá dài", "the ethnicity is too long")?,
        guardians,
    })
}

fn check_guardian(new: &NewGuardian, mapped: &mut Vec<Mapped>) -> Result<CheckedGuardian, ApiError> {
    let full =
        checked_name(&new.full_name, "họ tên phụ huynh không hợp lệ", "the guardian's name is empty or too long")?;
    let (family_name, given_name) = text::split_full_name(&full);
    let relationship = match RELATIONSHIP.lookup(&new.relationship) {
        Some(Match::Canonical(canonical)) => canonical,
        Some(Match::Mapped(canonical)) => {
            mapped.push(Mapped { given: new.relationship.trim().to_owned(), canonical });
            canonical
        }
        None => {
            let accepted = RELATIONSHIP.accepted().join(", ");
            return Err(ApiError::bad_input(
                format!("quan hệ \"{}\" không hiểu được; dùng một trong: {accepted}", new.relationship.trim()),
                format!("the relationship \"{}\" is not understood; use one of: {accepted}", new.relationship.trim()),
            ));
        }
    };
    Ok(CheckedGuardian {
        family_name,
        given_name,
        relationship,
        phone: checked_phone(new.phone.as_deref())?,
        email: checked_email(new.email.as_deref())?,
    })
}

/// `value` trimmed when given and not empty, at most `max` characters.
fn optional_text(value: Option<&str>, max: usize, vi: &str, en: &str) -> Result<Option<String>, ApiError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(value) if value.chars().count() > max => Err(ApiError::bad_input(vi, en)),
        Some(value) => Ok(Some(value.to_owned())),
    }
}

/// `error` said of the intake's row `row` (and its guardian `guardian`).
pub(super) fn in_row(error: ApiError, row: usize, guardian: Option<usize>) -> ApiError {
    let ApiError::BadInput { vi, en } = error else { return error };
    let (where_vi, where_en) = match guardian {
        Some(guardian) => {
            (format!("học sinh {row}, phụ huynh {guardian}"), format!("student {row}, guardian {guardian}"))
        }
        None => (format!("học sinh {row}"), format!("student {row}")),
    };
    ApiError::bad_input(format!("{where_vi}: {vi}"), format!("{where_en}: {en}"))
}

/// A guardian's `error` before its student's row is known: marked for [`in_row`] to place.
fn in_guardian(error: ApiError, guardian: usize) -> ApiError {
    let ApiError::BadInput { vi, en } = error else { return error };
    ApiError::bad_input(format!("phụ huynh {guardian}: {vi}"), format!("guardian {guardian}: {en}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn student(guardians: Vec<NewGuardian>) -> NewStudent {
        NewStudent { family_name: " Trần  Minh ".into(), given_name: "Khang".into(), guardians, ..Default::default() }
    }

    fn guardian(relationship: &str) -> NewGuardian {
        NewGuardian { full_name: "Trần Văn Hùng".into(), relationship: relationship.into(), ..Default::default() }
    }

    #[test]
    fn family_words_are_mapped_and_reported() {
        let mut mapped = Vec::new();
        let rows = [student(vec![guardian("Bố"), guardian("ba ngoai"), guardian("mother")])];
        let checked = check(&rows, &mut mapped).unwrap();
        let relationships: Vec<_> = checked[0].guardians.iter().map(|g| g.relationship).collect();
        assert_eq!(relationships, ["father", "guardian", "mother"]);
        assert_eq!(checked[0].family_name, "Trần Minh");
        assert_eq!(checked[0].guardians[0].family_name, "Trần Văn");
        assert_eq!(checked[0].guardians[0].given_name, "Hùng");
        let words: Vec<_> = mapped.iter().map(|m| (m.given.as_str(), m.canonical)).collect();
        assert_eq!(words, [("Bố", "father"), ("ba ngoai", "guardian")]);
    }

    #[test]
    fn a_word_nobody_can_map_names_its_row_and_the_accepted_words() {
        let rows = [student(vec![]), student(vec![guardian("Mẹ"), guardian("hàng xóm")])];
        let Err(ApiError::BadInput { vi, en }) = check(&rows, &mut Vec::new()) else { panic!("accepted") };
        assert!(en.starts_with("student 2: guardian 2: the relationship \"hàng xóm\""), "{en}");
        assert!(en.contains("Người giám hộ"), "{en}");
        assert!(vi.starts_with("học sinh 2: phụ huynh 2:"), "{vi}");
    }

    #[test]
    fn an_empty_intake_and_a_bad_phone_are_refused() {
        assert!(check(&[], &mut Vec::new()).is_err());
        let mut bad = guardian("Mẹ");
        bad.phone = Some("12".into());
        let Err(ApiError::BadInput { en, .. }) = check(&[student(vec![bad])], &mut Vec::new()) else { panic!() };
        assert!(en.starts_with("student 1: guardian 1: not a phone number"), "{en}");
    }
}
