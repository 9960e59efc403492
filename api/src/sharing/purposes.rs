//! The purposes personal data is processed for: the list the privacy officer keeps in
//! `purposes.csv` beside the policy (parsed by `emis_authz`, which also reads it with the
//! policy for the `consented_for` relationship). A sharing agreement names one code; the
//! list is read when an agreement is made, so a purpose added or withdrawn counts at once for
//! new agreements.

use crate::error::ApiError;
use std::path::Path;

pub use emis_authz::{Basis, PURPOSES as FILE, Purpose};

/// The purposes listed in `dir`'s file; none when there is no file.
pub fn load(dir: &Path) -> Result<Vec<Purpose>, ApiError> {
    let path = dir.join(FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => emis_authz::parse_purposes(&path, &text).map_err(ApiError::internal),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(error) => Err(ApiError::internal(error)),
    }
}

/// The purpose `code` of `dir`'s list, refused when it is not listed.
pub fn find(dir: &Path, code: &str) -> Result<Purpose, ApiError> {
    let code = code.trim().to_lowercase();
    let purposes = load(dir)?;
    purposes.iter().find(|purpose| purpose.code == code).cloned().ok_or_else(|| {
        let known: Vec<&str> = purposes.iter().map(|purpose| purpose.code.as_str()).collect();
        ApiError::bad_input(
            format!("mục đích {code:?} không có trong danh sách của cán bộ bảo vệ dữ liệu ({})", known.join(", ")),
            format!("the purpose {code:?} is not on the privacy officer's list ({})", known.join(", ")),
        )
    })
}
