//! The checks a person's values pass when the API writes them — names, gender, phone
//! numbers and e-mail addresses of staff, students and guardians — each refusing with a
//! bilingual message and giving the value as stored.

use crate::error::ApiError;
use entity::Gender;

/// A name part as stored: its words joined by single spaces, 1 to 100 characters; refused
/// with the message `(vi, en)` otherwise.
pub fn checked_name(value: &str, vi: &str, en: &str) -> Result<String, ApiError> {
    let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if value.is_empty() || value.chars().count() > 100 {
        return Err(ApiError::bad_input(vi, en));
    }
    Ok(value)
}

/// A gender as stored (`male` | `female`), when given and not empty.
pub fn checked_gender(gender: Option<&str>) -> Result<Option<String>, ApiError> {
    match gender.map(str::trim).filter(|g| !g.is_empty()) {
        None => Ok(None),
        Some(gender) => Ok(Some(
            gender
                .parse::<Gender>()
                .map_err(|_| ApiError::bad_input("giới tính là male hoặc female", "gender is male or female"))?
                .as_str()
                .to_owned(),
        )),
    }
}

/// A phone number as given (trimmed), when given and not empty: a leading `+` and 8 to 15
/// digits, spaces, dots and dashes allowed between them.
pub fn checked_phone(phone: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(phone) = phone.map(str::trim).filter(|p| !p.is_empty()) else { return Ok(None) };
    let body = phone.strip_prefix('+').unwrap_or(phone);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    let shaped = body.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-'));
    if !shaped || !(8..=15).contains(&digits) {
        return Err(ApiError::bad_input(
            "số điện thoại không hợp lệ (8 đến 15 chữ số)",
            "not a phone number (8 to 15 digits)",
        ));
    }
    Ok(Some(phone.to_owned()))
}

/// An e-mail address as given (trimmed), when given and not empty: one `@` with text on
/// both sides, a dot in the domain, no spaces.
pub fn checked_email(email: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(email) = email.map(str::trim).filter(|e| !e.is_empty()) else { return Ok(None) };
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !email.contains(char::is_whitespace)
                && email.len() <= 254
        }
        None => false,
    };
    if !valid {
        return Err(ApiError::bad_input("địa chỉ e-mail không hợp lệ", "not an e-mail address"));
    }
    Ok(Some(email.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::{checked_email, checked_gender, checked_name, checked_phone};

    #[test]
    fn phones_and_e_mails_are_checked_and_empty_means_none() {
        assert_eq!(checked_phone(Some(" 0901 234.567 ")).unwrap().as_deref(), Some("0901 234.567"));
        assert_eq!(checked_phone(Some("+84 901234567")).unwrap().as_deref(), Some("+84 901234567"));
        assert!(checked_phone(Some("")).unwrap().is_none());
        assert!(checked_phone(Some("090-abc-1234")).is_err());
        assert!(checked_phone(Some("12345")).is_err());
        assert_eq!(checked_email(Some("co.lan@truong.edu.vn")).unwrap().as_deref(), Some("co.lan@truong.edu.vn"));
        assert!(checked_email(Some("co lan@truong.vn")).is_err());
        assert!(checked_email(Some("colan@truong")).is_err());
        assert!(checked_email(Some("@truong.vn")).is_err());
        assert!(checked_email(None).unwrap().is_none());
    }

    #[test]
    fn names_are_trimmed_and_genders_stored_in_lower_case() {
        assert_eq!(checked_name("  Nguyễn   Văn ", "", "").unwrap(), "Nguyễn Văn");
        assert!(checked_name("   ", "", "").is_err());
        assert!(checked_name(&"a".repeat(101), "", "").is_err());
        assert_eq!(checked_gender(Some("female")).unwrap().as_deref(), Some("female"));
        assert!(checked_gender(Some(" ")).unwrap().is_none());
        assert!(checked_gender(Some("x")).is_err());
    }
}
