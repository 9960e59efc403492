//! The copy of a person's data as a workbook people read ([`xlsx`]): a contents sheet naming
//! each part in Vietnamese and English with its kind and how many rows it holds (or that the
//! policy withholds it), the child's or staff member's record as field–value lines, then one worksheet per
//! part, a header row of its columns and a row per record (a line saying so when it holds
//! none or is withheld). It renders exactly the JSON copy
//! (`access.rs`, `staff_copy.rs`), so the two never disagree: a sealed value withheld or destroyed says so in
//! both languages, and nothing is added.

use anyhow::Context as _;
use rust_xlsxwriter::{Format, Workbook, Worksheet};
use serde_json::{Map, Value};

/// Each part's title, in Vietnamese and English.
const TITLES: &[(&str, &str, &str)] = &[
    ("student", "Học sinh", "The child's record"),
    ("staff", "Cán bộ", "The staff member's record"),
    ("roles", "Vai trò", "Roles"),
    ("employment", "Quá trình công tác", "Employment history"),
    ("contactChanges", "Thay đổi liên hệ", "Contact changes"),
    ("pushDevices", "Thiết bị", "Devices"),
    ("guardianships", "Người giám hộ", "Guardianships"),
    ("enrollments", "Quá trình học", "Enrollments"),
    ("results", "Điểm", "Results"),
    ("attendance", "Điểm danh", "Attendance"),
    ("missedAssessments", "Bài kiểm tra vắng", "Missed assessments"),
    ("exemptions", "Miễn học", "Exemptions"),
    ("conduct", "Rèn luyện", "Conduct"),
    ("nominations", "Khen thưởng", "Nominations"),
    ("leaveRequests", "Đơn xin phép", "Leave requests"),
    ("changeRequests", "Yêu cầu sửa sổ", "Change requests"),
    ("recordChanges", "Lịch sử sửa sổ", "History of changes"),
    ("transfers", "Chuyển trường", "Transfers"),
    ("noticesDelivered", "Thông báo", "Notices delivered"),
    ("consents", "Đồng ý", "Consent decisions"),
    ("primaryEvaluations", "Đánh giá tiểu học", "Primary evaluations"),
    ("subjectRequests", "Yêu cầu về dữ liệu", "Data-subject requests"),
    ("noticeReadings", "Đã đọc thông báo", "Notices read"),
    ("noticeReplies", "Trả lời thông báo", "Notice replies"),
    ("notifications", "Thông báo ứng dụng", "Notifications"),
    ("staffNotifications", "Thông báo cho cán bộ", "Staff notifications"),
    ("conversations", "Trò chuyện", "Conversations"),
    ("conversationMembers", "Người trò chuyện", "Conversation members"),
    ("messages", "Tin nhắn", "Messages"),
    ("messageReports", "Báo cáo tin nhắn", "Message reports"),
    ("breaches", "Sự cố dữ liệu", "Breaches"),
    ("disclosures", "Nhật ký truy cập", "Disclosure log"),
];

const WITHHELD: &str = "không được cung cấp / withheld by the policy";

/// The Vietnamese and English titles of part `name` (its own name when unknown).
fn title(name: &str) -> (&str, &str) {
    TITLES.iter().find(|(part, ..)| *part == name).map_or((name, name), |(_, vi, en)| (*vi, *en))
}

/// A value as a cell's text: a sealed value withheld or destroyed in words, a list joined.
fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(true) => "có / yes".to_owned(),
        Value::Bool(false) => "không / no".to_owned(),
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        Value::Object(object) if object.contains_key("withheld") => WITHHELD.to_owned(),
        Value::Object(object) if object.contains_key("unreadable") => {
            "đã hủy, không mở được / destroyed, cannot be opened".to_owned()
        }
        Value::Object(_) => value.to_string(),
    }
}

/// Writes `value` at (`row`, `col`): numbers as numbers, everything else as text.
fn write(sheet: &mut Worksheet, row: u32, col: u16, value: &Value) -> anyhow::Result<()> {
    match value.as_f64() {
        Some(number) if value.is_number() => sheet.write_number(row, col, number)?,
        _ => sheet.write_string(row, col, text(value))?,
    };
    Ok(())
}

/// The rows of a part, or `None` when it is withheld.
fn rows(section: &Value) -> Option<&Vec<Value>> {
    section.get("rows").and_then(Value::as_array)
}

/// The copy `document` (`access::ChildCopy::document`) as an XLSX workbook.
pub fn xlsx(document: &Value) -> anyhow::Result<Vec<u8>> {
    let sections = document["sections"].as_object().context("a copy has sections")?;
    let person = document["subject"]["kind"].as_str().context("a copy names its subject")?;
    let record = sections.get(person).and_then(Value::as_object).context("a copy has the person's record")?;
    let bold = Format::new().set_bold();
    let mut workbook = Workbook::new();

    let contents = workbook.add_worksheet().set_name("Mục lục")?;
    let headers = ["Phần", "Part", "Loại dữ liệu / Kind", "Số dòng / Rows"];
    for (col, header) in (0u16..).zip(headers) {
        contents.write_string_with_format(0, col, header, &bold)?;
    }
    for (row, (name, section)) in (1u32..).zip(sections) {
        let (vi, en) = title(name);
        contents.write_string(row, 0, vi)?.write_string(row, 1, en)?;
        contents.write_string(row, 2, section.get("kind").and_then(Value::as_str).unwrap_or(person))?;
        match (name == person, rows(section)) {
            (true, _) => contents.write_number(row, 3, 1.0)?,
            (false, Some(rows)) => contents.write_number(row, 3, rows.len() as f64)?,
            (false, None) => contents.write_string(row, 3, WITHHELD)?,
        };
    }
    contents.autofit();

    let sheet = workbook.add_worksheet().set_name(title(person).0)?;
    sheet.write_string_with_format(0, 0, "Trường / Field", &bold)?;
    sheet.write_string_with_format(0, 1, "Giá trị / Value", &bold)?;
    for (row, (field, value)) in (1u32..).zip(record) {
        sheet.write_string(row, 0, field)?;
        write(sheet, row, 1, value)?;
    }
    sheet.autofit();

    for (name, section) in sections.iter().filter(|(name, _)| name.as_str() != person) {
        let sheet = workbook.add_worksheet().set_name(title(name).0)?;
        let Some(rows) = rows(section) else {
            sheet.write_string(0, 0, WITHHELD)?;
            continue;
        };
        if rows.is_empty() {
            sheet.write_string(0, 0, "không có / none")?;
            continue;
        }
        let columns: Vec<&String> =
            rows.first().and_then(Value::as_object).map(Map::keys).into_iter().flatten().collect();
        for (col, column) in (0u16..).zip(&columns) {
            sheet.write_string_with_format(0, col, column.as_str(), &bold)?;
        }
        for (at, row) in (1u32..).zip(rows) {
            for (col, column) in (0u16..).zip(&columns) {
                write(sheet, at, col, row.get(column.as_str()).unwrap_or(&Value::Null))?;
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofit();
    }
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_part_of_the_copy_has_a_sheet_and_sealed_values_say_why_they_are_missing() {
        let copy = json!({ "subject": { "kind": "student" }, "sections": {
            "student": { "full_name": "Nguyễn Văn An", "identity_no": { "unreadable": true },
                         "health": { "withheld": true } },
            "results": { "kind": "result", "rows": [{ "score_tenths": 85, "passed": null }] },
            "changeRequests": { "kind": "change_request", "withheld": true },
        } });
        let bytes = xlsx(&copy).unwrap();
        assert!(bytes.starts_with(b"PK"));
        assert_eq!(text(&json!({ "withheld": true })), WITHHELD);
        assert!(text(&json!({ "unreadable": true })).contains("destroyed"));
        assert_eq!(text(&json!(["student", "result"])), "student, result");
        assert_eq!(title("leaveRequests"), ("Đơn xin phép", "Leave requests"));
        assert!(TITLES.iter().all(|(_, vi, _)| vi.chars().count() <= 31), "Excel's sheet names are short");
        assert!(xlsx(&json!({})).is_err());
    }
}
