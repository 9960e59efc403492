//! Which files may be attached: the type is read from the file's first bytes (never taken
//! from the name or the client's `Content-Type`), and only documents (PDF, Word, Excel,
//! PowerPoint, OpenDocument) and photos (JPEG, PNG, WebP, GIF, HEIF) are taken — nothing a
//! browser would run (HTML, SVG, scripts). The file name is kept for the download, cleaned
//! of folders and control characters.

use crate::error::ApiError;

/// The media types an attachment may have.
pub const ACCEPTED: [&str; 15] = [
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "image/heif",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
];

/// Longest file name kept, in characters.
pub const MAX_NAME: usize = 200;

/// The media type of `bytes`, if it is one an attachment may have.
pub fn checked_type(bytes: &[u8]) -> Result<&'static str, ApiError> {
    if bytes.is_empty() {
        return Err(ApiError::bad_input("tệp rỗng", "the file is empty"));
    }
    let sniffed = infer::get(bytes).map(|kind| kind.mime_type());
    sniffed.and_then(|found| ACCEPTED.into_iter().find(|accepted| *accepted == found)).ok_or_else(|| {
        ApiError::bad_input(
            "chỉ nhận tệp PDF, Word, Excel, PowerPoint, OpenDocument hoặc ảnh (JPEG, PNG, WebP, GIF, HEIF)",
            "only PDF, Word, Excel, PowerPoint, OpenDocument files or pictures (JPEG, PNG, WebP, GIF, HEIF) are taken",
        )
    })
}

/// The name to keep for a file the client called `given`: its last path component, without
/// control characters, trimmed and at most [`MAX_NAME`] characters; `tệp` when nothing is left.
pub fn clean_name(given: &str) -> String {
    let last = given.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last.chars().filter(|c| !c.is_control()).take(MAX_NAME).collect();
    let kept = kept.trim().trim_start_matches('.').trim();
    if kept.is_empty() { "tệp".to_owned() } else { kept.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_and_photos_are_taken_by_their_bytes() {
        assert_eq!(checked_type(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj").ok(), Some("application/pdf"));
        assert_eq!(checked_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").ok(), Some("image/png"));
        assert_eq!(checked_type(b"\xff\xd8\xff\xe0\0\x10JFIF\0").ok(), Some("image/jpeg"));
    }

    #[test]
    fn pages_scripts_archives_and_empty_files_are_refused() {
        for bad in [
            &b""[..],
            b"<html><script>alert(1)</script></html>",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>",
            b"MZ\x90\0\x03\0\0\0\x04\0\0\0",
            b"PK\x03\x04\x14\0\0\0\0\0",
            b"plain words",
        ] {
            assert!(matches!(checked_type(bad), Err(ApiError::BadInput { .. })), "{bad:?}");
        }
    }

    #[test]
    fn a_name_keeps_only_its_last_part_without_control_characters() {
        assert_eq!(clean_name("C:\\Users\\cô\\Thư mời họp.pdf"), "Thư mời họp.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\r\n.pdf"), "ab.pdf");
        assert_eq!(clean_name("  "), "tệp");
        assert_eq!(clean_name(".hidden"), "hidden");
        assert_eq!(clean_name(&"x".repeat(500)).chars().count(), MAX_NAME);
    }
}
