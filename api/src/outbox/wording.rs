//! What a notification says on a phone, in Vietnamese (what families read), short enough for
//! one SMS where it can be: who (the child's given name only), what kind of news, and where
//! to read more. Never an absence's note or reason, never a message's text, never a score.

use chrono::NaiveDate;

/// At most this many characters of a notice's title are quoted.
const TITLE_CHARS: usize = 80;

/// An absence: who, when, and where to read more.
pub fn absence(given_name: &str, date: NaiveDate, session: Option<&str>, period: Option<i32>) -> String {
    let when = match (period, session) {
        (Some(period), _) => format!("tiết {period}"),
        (None, Some("afternoon")) => "buổi chiều".to_owned(),
        (None, _) => "buổi sáng".to_owned(),
    };
    let day = date.format("%d/%m/%Y");
    format!("EMIS: Con {given_name} vắng không phép {when} ngày {day}. Xem chi tiết trong ứng dụng EMIS.")
}

/// A notice published, quoting (the start of) its title.
pub fn notice(title: &str) -> String {
    format!("EMIS: Nhà trường có thông báo mới: {}. Xem trong ứng dụng EMIS.", shortened(title))
}

/// A reminder of a notice, quoting (the start of) its title.
pub fn notice_reminder(title: &str) -> String {
    format!("EMIS: Nhắc phụ huynh xem thông báo: {}. Xem trong ứng dụng EMIS.", shortened(title))
}

/// A new message in a conversation about the child (never its text).
pub fn message(given_name: &str) -> String {
    format!("EMIS: Có tin nhắn mới về con {given_name}. Mở ứng dụng EMIS để đọc.")
}

/// A vendor's read refused at a sharing agreement's daily cap (never which vendor or child).
pub fn sharing_cap() -> String {
    "EMIS: Một bên nhận dữ liệu đã chạm giới hạn học sinh mỗi ngày và bị chặn. Xem trong ứng dụng EMIS.".to_owned()
}

/// Scores recorded in a subject (never the score).
pub fn score(given_name: &str, subject: &str) -> String {
    format!("EMIS: Con {given_name} có điểm mới môn {subject}. Xem trong ứng dụng EMIS.")
}

/// `title` trimmed to [`TITLE_CHARS`] characters, with an ellipsis when cut.
fn shortened(title: &str) -> String {
    let title = title.trim();
    if title.chars().count() <= TITLE_CHARS {
        return title.to_owned();
    }
    let cut: String = title.chars().take(TITLE_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default()
    }

    #[test]
    fn an_absence_names_the_child_and_the_time_and_nothing_else() {
        let morning = absence("An", day(), Some("morning"), None);
        assert_eq!(
            morning,
            "EMIS: Con An vắng không phép buổi sáng ngày 07/12/2026. Xem chi tiết trong ứng dụng EMIS."
        );
        assert!(absence("An", day(), Some("afternoon"), None).contains("buổi chiều"));
        assert!(absence("An", day(), Some("morning"), Some(3)).contains("tiết 3 ngày"));
    }

    #[test]
    fn a_long_title_is_cut_on_a_character_boundary() {
        let title = "Thông báo nghỉ học do bão ".repeat(10);
        let text = notice(&title);
        assert!(text.contains('…'), "{text}");
        assert!(text.chars().count() < 160, "{text}");
        assert_eq!(
            notice(" Họp phụ huynh "),
            "EMIS: Nhà trường có thông báo mới: Họp phụ huynh. Xem trong ứng dụng EMIS."
        );
        assert!(!message("Bình").contains("điểm"));
        assert!(score("Bình", "Toán").contains("môn Toán"));
    }
}
