//! What a new password must be: at least [`MIN_LENGTH`] characters, at most [`MAX_LENGTH`],
//! and not among the passwords guessed first — the common passwords of the `zxcvbn`
//! estimator's frequency lists (tens of thousands of passwords, names and words, also
//! reversed, with digits for letters, or on keyboard runs), the Vietnamese favourites
//! below, and the account's own username, phone number and name. A password an attacker
//! would find within [`MIN_GUESSES_LOG10`] orders of magnitude of guesses is refused.

use crate::error::ApiError;

/// The fewest characters a password may have.
pub const MIN_LENGTH: usize = 10;
/// The most characters a password may have (argon2 hashes any length; this bounds the work).
pub const MAX_LENGTH: usize = 128;
/// A password must take more than 10^8 guesses (`zxcvbn` score 3 or 4).
pub const MIN_GUESSES_LOG10: u8 = 3;

/// Passwords and words Vietnamese users favour, checked as a dictionary of their own (the
/// estimator's lists are English): a password made of them is guessed early.
const VIETNAMESE: &[&str] = &[
    "matkhau",
    "mat khau",
    "anhyeuem",
    "emyeuanh",
    "yeuem",
    "yeuanh",
    "iloveyou",
    "vietnam",
    "hanoi",
    "saigon",
    "hochiminh",
    "danang",
    "haiphong",
    "nguyen",
    "tran",
    "truong",
    "hocsinh",
    "giaovien",
    "phuhuynh",
    "truonghoc",
    "conyeu",
    "concung",
    "giadinh",
    "baba",
    "mama",
    "bame",
    "chame",
    "matkhaumoi",
    "123456789",
    "1234567890",
    "0123456789",
    "1122334455",
    "11223344",
    "147258369",
    "123123123",
    "88888888",
    "66668888",
    "68686868",
    "99999999",
    "qwertyuiop",
    "asdfghjkl",
];

/// Whether `password` may be set on an account known by `own` (its username, phone number,
/// names); the refusal says why, in Vietnamese and English.
pub fn check(password: &str, own: &[&str]) -> Result<(), ApiError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(ApiError::bad_input(
            format!("mật khẩu phải có ít nhất {MIN_LENGTH} ký tự"),
            format!("the password must have at least {MIN_LENGTH} characters"),
        ));
    }
    if length > MAX_LENGTH {
        return Err(ApiError::bad_input(
            format!("mật khẩu không được dài quá {MAX_LENGTH} ký tự"),
            format!("the password must have at most {MAX_LENGTH} characters"),
        ));
    }
    let folded = crate::text::fold(password);
    let mut inputs: Vec<&str> = VIETNAMESE.to_vec();
    let own: Vec<String> = own.iter().filter(|word| !word.is_empty()).map(|word| crate::text::fold(word)).collect();
    inputs.extend(own.iter().map(String::as_str));
    let weakest = [password, folded.as_str()]
        .into_iter()
        .map(|candidate| u8::from(zxcvbn::zxcvbn(candidate, &inputs).score()))
        .min()
        .unwrap_or(0);
    if weakest < MIN_GUESSES_LOG10 {
        return Err(ApiError::bad_input(
            "mật khẩu quá phổ biến hoặc dễ đoán (như 123456789, matkhau, tên đăng nhập hay số điện thoại); \
             hãy chọn một cụm từ dài hơn",
            "the password is too common or easy to guess (like 123456789, matkhau, the username or phone \
             number); choose a longer phrase",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn short_and_common_passwords_are_refused_and_a_long_phrase_is_not() {
        for weak in ["ngan", "123456789", "1234567890", "matkhau123", "iloveyou12", "password123", "qwertyuiop"] {
            assert!(check(weak, &[]).is_err(), "{weak}");
        }
        assert!(check("Mùa thu Hà Nội lá vàng rơi", &[]).is_ok());
        assert!(check("con-meo-trèo-cây-cau-2026", &[]).is_ok());
    }

    #[test]
    fn the_accounts_own_username_and_phone_are_refused() {
        assert!(check("ph.nguyenvan.hung", &["ph.nguyenvan.hung"]).is_err());
        assert!(check("0903111222a", &["0903111222"]).is_err());
        assert!(check("Nguyễn Văn Hùng", &["Nguyễn Văn Hùng"]).is_err());
    }
}
