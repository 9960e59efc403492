//! The fixed Vietnamese content the demo data is drawn from: names, streets, schools,
//! subjects with their yearly periods, and the free-text notes.

use entity::AssessmentMode;

/// Family names, most common first (Nguyễn is about four in ten Vietnamese).
pub const FAMILY_NAMES: &[(&str, u32)] = &[
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 4),
    ("Phan", 4),
    ("Vũ", 3),
    ("Võ", 4),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 1),
    ("Lý", 1),
    ("Trương", 1),
    ("Đinh", 1),
    ("Lâm", 1),
];

/// Middle names for boys and men.
pub const MIDDLE_MALE: &[&str] = &["Văn", "Minh", "Gia", "Bảo", "Quốc", "Thanh", "Đức", "Hữu", "Hoàng", "Anh"];
/// Middle names for girls and women.
pub const MIDDLE_FEMALE: &[&str] = &["Thị", "Ngọc", "Minh", "Gia", "Bảo", "Thanh", "Khánh", "Thu", "Kim", "Mỹ"];

/// Given names of boys.
pub const GIVEN_BOY: &[&str] = &[
    "An", "Bình", "Dũng", "Duy", "Hải", "Hiếu", "Khánh", "Khoa", "Long", "Minh", "Nam", "Phúc", "Quân", "Tâm", "Tuấn",
    "Huy", "Đạt", "Khang", "Kiệt", "Phát", "Sơn", "Thịnh",
];
/// Given names of girls.
pub const GIVEN_GIRL: &[&str] = &[
    "An", "Châu", "Giang", "Hà", "Hân", "Khánh", "Linh", "Mai", "Ngân", "Nhi", "Quỳnh", "Tâm", "Thảo", "Trang",
    "Tuyết", "Uyên", "Vy", "Yến", "Anh", "Ngọc", "Thư", "Hương",
];
/// Given names of adult men (guardians, staff).
pub const GIVEN_MAN: &[&str] = &[
    "Hùng", "Dũng", "Tuấn", "Minh", "Hải", "Sơn", "Thắng", "Phong", "Quang", "Tâm", "Trung", "Cường", "Hòa", "Lộc",
    "Nghĩa", "Vinh",
];
/// Given names of adult women (guardians, staff).
pub const GIVEN_WOMAN: &[&str] = &[
    "Lan",
    "Hương",
    "Hoa",
    "Thu",
    "Mai",
    "Ngọc",
    "Hạnh",
    "Trang",
    "Thủy",
    "Linh",
    "Phượng",
    "Dung",
    "Loan",
    "Nga",
    "Hằng",
    "Tuyết",
];

/// Streets of the former District 3, Ho Chi Minh City.
pub const STREETS: &[&str] = &[
    "Nguyễn Đình Chiểu",
    "Võ Văn Tần",
    "Lý Chính Thắng",
    "Trần Quốc Thảo",
    "Nam Kỳ Khởi Nghĩa",
    "Điện Biên Phủ",
    "Cách Mạng Tháng Tám",
    "Bà Huyện Thanh Quan",
    "Trương Định",
    "Nguyễn Thị Minh Khai",
    "Lê Quý Đôn",
    "Hai Bà Trưng",
    "Pasteur",
    "Võ Thị Sáu",
    "Kỳ Đồng",
];
/// Wards that replaced the District 3 wards in 2025.
pub const WARDS: &[&str] = &["Phường Xuân Hòa", "Phường Nhiêu Lộc", "Phường Bàn Cờ"];

/// Ethnicities with weights: mostly Kinh.
pub const ETHNICITIES: &[(&str, u32)] = &[("Kinh", 90), ("Hoa", 6), ("Khmer", 2), ("Chăm", 2)];
/// Religions with weights; "Không" records no religion.
pub const RELIGIONS: &[(&str, u32)] = &[("Không", 80), ("Phật giáo", 12), ("Công giáo", 8)];
/// Health notes, for about one student in twenty.
pub const HEALTH_NOTES: &[&str] = &[
    "Hen suyễn nhẹ",
    "Miễn giảm thể dục",
    "Dị ứng hải sản",
    "Cận thị, ngồi bàn đầu",
    "Dị ứng phấn hoa",
    "Tim bẩm sinh, đã phẫu thuật",
];

/// Names of primary schools (after "Trường Tiểu học ").
pub const PRIMARY_SCHOOLS: &[&str] = &[
    "Lê Ngọc Hân",
    "Nguyễn Thái Sơn",
    "Trần Quốc Thảo",
    "Kỳ Đồng",
    "Phan Văn Hân",
    "Mê Linh",
    "Nguyễn Việt Hồng",
    "Lương Định Của",
    "Trương Quyền",
    "Nguyễn Thanh Tuyền",
];
/// Names of lower-secondary schools (after "Trường THCS ").
pub const SECONDARY_SCHOOLS: &[&str] = &[
    "Colette",
    "Bàn Cờ",
    "Lê Quý Đôn",
    "Đoàn Thị Điểm",
    "Kiến Thiết",
    "Lê Lợi",
    "Phan Sào Nam",
    "Thăng Long",
    "Bạch Đằng",
    "Hai Bà Trưng",
];

/// A subject of the national list.
#[derive(Clone, Copy, Debug)]
pub struct SubjectDef {
    pub code: &'static str,
    pub name: &'static str,
    pub mode: AssessmentMode,
}

const fn scored(code: &'static str, name: &'static str) -> SubjectDef {
    SubjectDef { code, name, mode: AssessmentMode::Scored }
}

const fn comment(code: &'static str, name: &'static str) -> SubjectDef {
    SubjectDef { code, name, mode: AssessmentMode::Comment }
}

/// The subject list, in `sort_order`. Primary-only subjects are assessed by levels under
/// Circular 27; they are stored as `comment` for now.
pub const SUBJECTS: &[SubjectDef] = &[
    scored("toan", "Toán"),
    scored("ngu_van", "Ngữ văn"),
    scored("tieng_anh", "Tiếng Anh"),
    scored("khtn", "Khoa học tự nhiên"),
    scored("lsdl", "Lịch sử và Địa lí"),
    scored("gdcd", "Giáo dục công dân"),
    scored("cong_nghe", "Công nghệ"),
    scored("tin_hoc", "Tin học"),
    comment("gdtc", "Giáo dục thể chất"),
    comment("nghe_thuat", "Nghệ thuật"),
    comment("hdtn", "Hoạt động trải nghiệm hướng nghiệp"),
    comment("gddp", "Giáo dục địa phương"),
    comment("tieng_viet", "Tiếng Việt"),
    comment("tnxh", "Tự nhiên và Xã hội"),
    comment("dao_duc", "Đạo đức"),
];

/// The subject a homeroom teacher of a secondary class teaches, rotating by class.
pub const HOMEROOM_SUBJECTS: &[&str] =
    &["ngu_van", "tieng_anh", "khtn", "lsdl", "toan", "tin_hoc", "cong_nghe", "gdcd"];

/// Teachers' remarks on results, used sparingly.
pub const SCORE_REMARKS: &[&str] =
    &["Tiến bộ rõ rệt", "Cần cẩn thận hơn khi trình bày", "Nắm vững kiến thức", "Cần ôn tập thêm"];
/// Remarks on comment-only subjects.
pub const PASS_REMARKS: &[&str] = &["Tích cực tham gia", "Hoàn thành tốt nhiệm vụ"];
/// Remarks on failed comment-only assessments.
pub const FAIL_REMARKS: &[&str] = &["Chưa hoàn thành bài tập", "Cần tham gia đầy đủ hơn"];
/// Reasons given with excused absences.
pub const ABSENCE_NOTES: &[&str] =
    &["Ốm, phụ huynh xin phép", "Việc gia đình, có đơn xin phép", "Khám bệnh theo lịch hẹn"];

#[cfg(test)]
mod tests {
    use super::SUBJECTS;
    use emis_oneroster::vocabulary::subjects::identify;

    #[test]
    fn every_seeded_subject_is_the_ministry_subject_of_its_code_and_name() {
        for subject in SUBJECTS {
            assert_eq!(identify(subject.code).map(|found| found.code), Some(subject.code), "{}", subject.code);
            assert_eq!(identify(subject.name).map(|found| found.code), Some(subject.code), "{}", subject.name);
        }
    }
}
