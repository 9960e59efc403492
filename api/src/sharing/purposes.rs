//! The purposes records may be shared with a vendor for: a list the privacy officer keeps in
//! `purposes.csv` beside the policy (code, Vietnamese, English, one per line; `#` starts a
//! comment). A sharing agreement names one code; the list is read when an agreement is made,
//! so a purpose added or withdrawn counts at once for new agreements.

use crate::error::ApiError;
use std::path::Path;

/// The file's name in the policy folder.
pub const FILE: &str = "purposes.csv";

/// One purpose of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purpose {
    pub code: String,
    pub vietnamese: String,
    pub english: String,
}

/// The purposes listed in `text`, or the first line that cannot be read (1-based).
pub fn parse(text: &str) -> Result<Vec<Purpose>, String> {
    let mut purposes: Vec<Purpose> = Vec::new();
    for (at, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.splitn(3, ',').map(str::trim).collect();
        let [code, vietnamese, english] = fields[..] else {
            return Err(format!(
                "{FILE} dòng {} phải có dạng mã, tiếng Việt, tiếng Anh / {FILE} line {} must read code, Vietnamese, English",
                at + 1,
                at + 1
            ));
        };
        let well_formed = !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        if !well_formed || vietnamese.is_empty() || english.is_empty() {
            return Err(format!(
                "{FILE} dòng {}: mã chỉ gồm chữ thường và dấu gạch dưới, kèm hai mô tả / {FILE} line {}: a code of \
                 lower-case letters and underscores, with both descriptions",
                at + 1,
                at + 1
            ));
        }
        if purposes.iter().any(|known| known.code == code) {
            return Err(format!("{FILE} dòng {}: mã {code} lặp lại / {FILE} line {}: {code} again", at + 1, at + 1));
        }
        purposes.push(Purpose {
            code: code.to_owned(),
            vietnamese: vietnamese.to_owned(),
            english: english.to_owned(),
        });
    }
    Ok(purposes)
}

/// The purposes listed in `dir`'s file; none when there is no file.
pub fn load(dir: &Path) -> Result<Vec<Purpose>, ApiError> {
    match std::fs::read_to_string(dir.join(FILE)) {
        Ok(text) => parse(&text).map_err(ApiError::internal),
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

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn the_list_in_the_repository_reads_and_bad_lines_are_named() {
        let shipped = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../policy/purposes.csv")).unwrap();
        let purposes = parse(&shipped).unwrap();
        assert!(purposes.iter().any(|purpose| purpose.code == "learning_platform"));
        assert!(parse("ok, Được, Fine\nbad line").unwrap_err().contains("line 2"));
        assert!(parse("Bad Code, x, y").unwrap_err().contains("line 1"));
        assert!(parse("a, x, y\na, x, y").unwrap_err().contains("again"));
    }
}
