//! The synonym tables, one per enumerated field a package writes in words of its own. The
//! README's table is generated from these (`cargo test -p emis-oneroster readme`).

use super::{Synonyms, Table};

const fn entry(canonical: &'static str, words: &'static [&'static str]) -> Synonyms {
    Synonyms { canonical, words }
}

/// `users.csv` `metadata.vn.relationship`: EMIS keeps father, mother or guardian; every other
/// relative who cares for the child — grandparents, siblings, aunts and uncles — is their
/// guardian.
pub const RELATIONSHIP: Table = Table {
    field: "`users.csv` `metadata.vn.relationship`",
    entries: &[
        entry("father", &["Bố", "Ba", "Cha", "Tía", "Bố đẻ", "Cha đẻ", "dad"]),
        entry("mother", &["Mẹ", "Má", "Mạ", "U", "Bầm", "Mế", "Mẹ đẻ", "mom"]),
        entry(
            "guardian",
            &[
                "Người giám hộ",
                "giám hộ",
                "Ông",
                "Ông nội",
                "Ông ngoại",
                "Bà",
                "Bà nội",
                "Bà ngoại",
                "Anh",
                "Chị",
                "Cô",
                "Chú",
                "Bác",
                "Dì",
                "Cậu",
                "Mợ",
                "Thím",
                "Dượng",
                "Người thân",
                "relative",
                "grandfather",
                "grandmother",
                "grandparent",
            ],
        ),
    ],
    note: "father and mother by their regional names; a grandparent or any other relative is stored as guardian",
};

/// `users.csv` `metadata.vn.employmentStatus`.
pub const EMPLOYMENT_STATUS: Table = Table {
    field: "`users.csv` `metadata.vn.employmentStatus`",
    entries: &[
        entry("active", &["Đang làm việc", "Đang công tác", "Làm việc", "working", "employed"]),
        entry("on_leave", &["Tạm nghỉ", "Nghỉ phép", "Nghỉ thai sản", "Nghỉ ốm", "leave"]),
        entry("transferred", &["Chuyển công tác", "Đã chuyển công tác", "Điều chuyển", "moved"]),
        entry("left", &["Nghỉ việc", "Đã nghỉ việc", "Thôi việc", "Nghỉ hưu", "retired", "resigned", "inactive"]),
    ],
    note: "",
};

/// `courses.csv` `metadata.vn.assessment`: how a subject is assessed.
pub const ASSESSMENT_MODE: Table = Table {
    field: "`courses.csv` `metadata.vn.assessment`",
    entries: &[
        entry("scored", &["score", "điểm", "Điểm số", "Tính điểm", "Đánh giá bằng điểm số", "numeric"]),
        entry("comment", &["nhận xét", "Đánh giá bằng nhận xét", "commented", "comments", "text"]),
    ],
    note: "",
};

/// `categories.csv` `metadata.vn.assessmentKind`.
pub const ASSESSMENT_KIND: Table = Table {
    field: "`categories.csv` `metadata.vn.assessmentKind`",
    entries: &[
        entry("regular", &["Thường xuyên", "ĐĐGtx", "TX", "Kiểm tra thường xuyên"]),
        entry("midterm", &["Giữa kỳ", "Giữa kì", "ĐĐGgk", "GK", "Kiểm tra giữa kỳ", "mid-term"]),
        entry("final", &["Cuối kỳ", "Cuối kì", "ĐĐGck", "CK", "Kiểm tra cuối kỳ", "end of term"]),
        entry("retest", &["Thi lại", "Kiểm tra lại", "re-test"]),
    ],
    note: "",
};

/// `orgs.csv` `metadata.vn.schoolLevel` (or `metadata.vn.level`).
pub const SCHOOL_LEVEL: Table = Table {
    field: "`orgs.csv` `metadata.vn.schoolLevel` / `metadata.vn.level`",
    entries: &[
        entry("TH", &["Tiểu học", "Cấp 1", "primary", "elementary"]),
        entry("THCS", &["Trung học cơ sở", "Cấp 2", "lower secondary", "middle school"]),
        entry("THPT", &["Trung học phổ thông", "Cấp 3", "upper secondary", "high school"]),
    ],
    note: "a school without a level takes it from its name (`Trường Tiểu học…`, `Trường THCS…`, `Trường THPT…`), else from the grades its courses and classes teach when they are all of one level",
};

/// `results.csv` `textScore` of a comment-only subject.
pub const COMMENT_RESULT: Table = Table {
    field: "`results.csv` `textScore`",
    entries: &[
        entry("Đạt", &["Đ", "pass", "passed", "achieved"]),
        entry("Chưa đạt", &["CĐ", "not passed", "not achieved", "fail", "failed"]),
    ],
    note: "",
};

/// `results.csv` `textScore` of a primary checkpoint's subject evaluation (Circular 27): the
/// level T, H or C.
pub const PRIMARY_SUBJECT_LEVEL: Table = Table {
    field: "`results.csv` `textScore` (primary checkpoint)",
    entries: &[
        entry("T", &["Hoàn thành tốt", "HTT", "completed well"]),
        entry("H", &["Hoàn thành", "HT", "completed"]),
        entry("C", &["Chưa hoàn thành", "CHT", "not completed"]),
    ],
    note: "the level of a primary subject at a checkpoint, on a line item with `metadata.vn.checkpoint`",
};

/// `lineItems.csv` `metadata.vn.checkpoint`: the checkpoint of the primary summary book a
/// line item is the subject evaluation of.
pub const PRIMARY_CHECKPOINT: Table = Table {
    field: "`lineItems.csv` `metadata.vn.checkpoint`",
    entries: &[
        entry("mid_1", &["Giữa học kỳ I", "Giữa học kì I", "Giữa kỳ I", "GHKI", "GK1", "mid-semester 1"]),
        entry("end_1", &["Cuối học kỳ I", "Cuối học kì I", "Cuối kỳ I", "CHKI", "CK1", "end of semester 1"]),
        entry("mid_2", &["Giữa học kỳ II", "Giữa học kì II", "Giữa kỳ II", "GHKII", "GK2", "mid-semester 2"]),
        entry("end_year", &["Cuối năm học", "Cuối năm", "CN", "end of year"]),
    ],
    note: "",
};

/// `attendance.csv` `session`.
pub const DAY_SESSION: Table = Table {
    field: "`attendance.csv` `session`",
    entries: &[entry("morning", &["Sáng", "Buổi sáng", "AM"]), entry("afternoon", &["Chiều", "Buổi chiều", "PM"])],
    note: "",
};

/// `attendance.csv` `attendanceStatus`.
pub const ATTENDANCE_STATUS: Table = Table {
    field: "`attendance.csv` `attendanceStatus`",
    entries: &[
        entry("present", &["Có mặt", "Đi học"]),
        entry("excused", &["Có phép", "Vắng có phép", "P"]),
        entry("unexcused", &["Không phép", "Vắng không phép", "K"]),
        entry("late", &["Đi muộn", "Muộn", "Đi trễ", "Trễ"]),
        entry("left_period", &["Bỏ tiết", "Bỏ giờ"]),
    ],
    note: "",
};

/// Every table, in the README's order.
pub const ALL: [&Table; 10] = [
    &RELATIONSHIP,
    &EMPLOYMENT_STATUS,
    &ASSESSMENT_MODE,
    &ASSESSMENT_KIND,
    &SCHOOL_LEVEL,
    &COMMENT_RESULT,
    &PRIMARY_SUBJECT_LEVEL,
    &PRIMARY_CHECKPOINT,
    &DAY_SESSION,
    &ATTENDANCE_STATUS,
];

/// The school level a school's name states (`Trường Tiểu học…` → `TH`, `Trường THCS…` →
/// `THCS`), when it states exactly one.
pub fn school_level_in_name(name: &str) -> Option<&'static str> {
    let words: Vec<String> = name.split(|c: char| !c.is_alphanumeric()).map(super::folded_key).collect();
    let phrase = |wanted: &[&str]| words.windows(wanted.len()).any(|window| window == wanted);
    let levels: Vec<&'static str> = [
        ("TH", phrase(&["th"]) || phrase(&["tieu", "hoc"])),
        ("THCS", phrase(&["thcs"]) || phrase(&["trung", "hoc", "co", "so"])),
        ("THPT", phrase(&["thpt"]) || phrase(&["trung", "hoc", "pho", "thong"])),
    ]
    .into_iter()
    .filter_map(|(level, named)| named.then_some(level))
    .collect();
    match levels[..] {
        [level] => Some(level),
        _ => None,
    }
}
