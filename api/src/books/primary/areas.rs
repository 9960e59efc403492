//! The book's qualities and competencies (phẩm chất, năng lực) and the ratings the
//! homeroom teacher gives them: Tốt, Đạt, Cần cố gắng.

use emis_rules::primary::{self as rules, Rating};

/// The qualities' (`pc.*`) and competencies' (`nl.*`) codes, in the order of
/// [`rules::QUALITIES`] then [`rules::COMPETENCIES`].
pub const AREAS: [&str; 15] = [
    "pc.yeu_nuoc",
    "pc.nhan_ai",
    "pc.cham_chi",
    "pc.trung_thuc",
    "pc.trach_nhiem",
    "nl.tu_chu_tu_hoc",
    "nl.giao_tiep_hop_tac",
    "nl.giai_quyet_van_de_sang_tao",
    "nl.ngon_ngu",
    "nl.tinh_toan",
    "nl.khoa_hoc",
    "nl.cong_nghe",
    "nl.tin_hoc",
    "nl.tham_mi",
    "nl.the_chat",
];

/// An area's name in the book.
pub fn area_name(code: &str) -> Option<&'static str> {
    let index = AREAS.iter().position(|area| *area == code)?;
    rules::QUALITIES.iter().chain(rules::COMPETENCIES.iter()).nth(index).copied()
}

/// A rating's code as the book writes it: Tốt, Đạt, Cần cố gắng.
pub fn rating_name(code: &str) -> Option<&'static str> {
    rating(code).map(Rating::vietnamese)
}

/// The rating coded `code`.
pub(super) fn rating(code: &str) -> Option<Rating> {
    Some(match code {
        "tot" => Rating::Tot,
        "dat" => Rating::Dat,
        "can_co_gang" => Rating::CanCoGang,
        _ => return None,
    })
}
