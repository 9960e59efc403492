//! The words generated packages are made of: Vietnamese names with their diacritics, places,
//! backgrounds, comments, and lower secondary subjects as the Ministry's list names them.

pub const FAMILY: [&str; 16] = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
    "Lý",
];

pub const MIDDLE: [&str; 16] = [
    "Văn", "Thị", "Minh", "Ngọc", "Thu", "Anh", "Hữu", "Đức", "Thanh", "Quốc", "Bảo", "Gia", "Khánh", "Phương", "Xuân",
    "Tường",
];

pub const GIVEN: [&str; 24] = [
    "Khôi", "Ánh", "Thư", "Hùng", "Hoa", "Hà", "Nam", "Lan", "Dũng", "Nhung", "Phúc", "Quỳnh", "Tuấn", "Yến", "Đạt",
    "Hạnh", "Lộc", "Mỹ", "Sơn", "Trâm", "Vy", "Ý", "Ân", "Ưng",
];

pub const SCHOOLS: [&str; 8] = [
    "Lê Lợi",
    "Nguyễn Du",
    "Trần Hưng Đạo",
    "Chu Văn An",
    "Đoàn Thị Điểm",
    "Lương Thế Vinh",
    "Hai Bà Trưng",
    "Tô Hiến Thành",
];

/// Addresses: commas and quotes, which a CSV cell must carry.
pub const ADDRESSES: [&str; 8] = [
    "12 Hai Bà Trưng, Phường Tân Định",
    "45 Trần Quang Khải, Phường Tân Định",
    "Số 7, ngõ 3 \"Hẻm Đỏ\", Xã Phước Kiển",
    "Thôn Đông, Xã Ea Kar",
    "88/2 Lý Thường Kiệt, Phường 14",
    "Tổ 5, Khu phố 2, Phường Linh Trung",
    "Bản Nà Phặc, Xã Ngân Sơn",
    "1A Nguyễn Văn Cừ; Phường Cầu Kho",
];

pub const ETHNICITIES: [&str; 8] = ["Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "H'Mông"];

pub const RELIGIONS: [&str; 4] = ["Không", "Phật giáo", "Công giáo", "Cao Đài"];

pub const HEALTH: [&str; 4] = ["Dị ứng hải sản", "Hen suyễn", "Cận thị, ngồi bàn đầu", "Tim bẩm sinh"];

pub const COMMENTS: [&str; 6] = [
    "Tiến bộ tốt",
    "Cần cố gắng hơn",
    "Làm bài cẩn thận, trình bày đẹp",
    "Chưa nộp đủ \"vở bài tập\"",
    "Tích cực phát biểu",
    "Ốm, kiểm tra bù",
];

/// A staff member's `metadata.vn.employmentStatus` and the `enabledUser` it goes with.
pub const STAFF_STATUSES: [(&str, bool); 4] =
    [("active", true), ("on_leave", true), ("transferred", false), ("left", false)];

/// A guardian's relationship and the role their row has in `roles.csv`.
pub const RELATIONSHIPS: [(&str, &str); 3] = [("father", "parent"), ("mother", "parent"), ("guardian", "guardian")];

/// A subject: EMIS's code, the Ministry's name, assessed by score or by comment, sort order.
pub struct Subject {
    pub code: &'static str,
    pub name: &'static str,
    pub scored: bool,
    pub sort_order: u8,
}

const fn subject(code: &'static str, name: &'static str, scored: bool, sort_order: u8) -> Subject {
    Subject { code, name, scored, sort_order }
}

pub const SUBJECTS: [Subject; 6] = [
    subject("toan", "Toán", true, 1),
    subject("ngu_van", "Ngữ văn", true, 2),
    subject("tieng_anh", "Tiếng Anh", true, 3),
    subject("gdtc", "Giáo dục thể chất", false, 9),
    subject("nghe_thuat", "Nghệ thuật", false, 10),
    subject("hdtn", "Hoạt động trải nghiệm hướng nghiệp", false, 11),
];
