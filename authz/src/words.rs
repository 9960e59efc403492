//! The kinds of record in words, for people reading what a policy change does: what each
//! kind covers, in Vietnamese and English, and which kinds hold sensitive personal data
//! (identity numbers, health notes, contact details, ethnicity and religion, grades) whose
//! new grants a privacy officer must confirm before they take effect.

use crate::vocab::Kind;

/// Why a kind of record is sensitive, in Vietnamese and English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sensitive {
    pub vietnamese: &'static str,
    pub english: &'static str,
}

const fn sensitive(vietnamese: &'static str, english: &'static str) -> Option<Sensitive> {
    Some(Sensitive { vietnamese, english })
}

impl Kind {
    /// What this kind covers, in Vietnamese and English.
    pub const fn words(self) -> (&'static str, &'static str) {
        match self {
            Kind::Org => ("tổ chức", "organisations"),
            Kind::School => ("trường", "schools"),
            Kind::Class => ("lớp", "homeroom classes"),
            Kind::Section => ("lớp học phần (môn × lớp)", "sections (subject × class)"),
            Kind::Subject => ("môn học", "subjects"),
            Kind::Staff => ("hồ sơ cán bộ", "staff records"),
            Kind::StaffContact => ("điện thoại, e-mail cán bộ", "staff phone and e-mail"),
            Kind::StaffIdentity => ("số định danh cán bộ", "staff identity numbers"),
            Kind::StaffAddress => ("địa chỉ cán bộ", "staff home addresses"),
            Kind::Student => ("hồ sơ học sinh", "student records"),
            Kind::StudentIdentity => ("số định danh học sinh", "student identity numbers"),
            Kind::StudentAddress => ("địa chỉ học sinh", "student home addresses"),
            Kind::StudentHealth => ("ghi chú sức khỏe, khuyết tật", "health and disability notes"),
            Kind::StudentBackground => ("dân tộc, tôn giáo", "ethnicity and religion"),
            Kind::Guardian => ("hồ sơ cha mẹ, người giám hộ", "guardian records"),
            Kind::GuardianContact => ("điện thoại, e-mail phụ huynh", "guardian phone and e-mail"),
            Kind::GuardianIdentity => ("số định danh phụ huynh", "guardian identity numbers"),
            Kind::GuardianAddress => ("địa chỉ phụ huynh", "guardian home addresses"),
            Kind::Guardianship => ("quan hệ giám hộ", "who is whose guardian"),
            Kind::Enrollment => ("ghi danh lớp, trường", "enrollments in classes and schools"),
            Kind::Result => ("điểm, mức đánh giá", "scores and assessment levels"),
            Kind::Attendance => ("điểm danh", "attendance"),
            Kind::RecordChange => ("lịch sử sửa sổ", "history of changes to the books"),
            Kind::ChangeRequest => ("đề nghị sửa sổ đã khóa", "changes asked for in locked books"),
            Kind::LeaveRequest => ("đơn xin phép", "leave requests and their reasons"),
            Kind::Conduct => ("kết quả rèn luyện", "conduct"),
            Kind::ClassSummary => ("bảng tổng hợp của lớp", "class summary sheets"),
            Kind::Exemption => ("miễn môn", "exemptions from subjects"),
            Kind::Transfer => ("chuyển trường", "transfers between schools"),
            Kind::Disclosure => ("nhật ký tiết lộ", "the disclosure log"),
            Kind::Outbox => ("tin nhắn đã gửi", "messages sent by SMS"),
            Kind::Account => ("tài khoản", "accounts"),
            Kind::SchoolYear => ("năm học", "school years"),
            Kind::Rollover => ("chuyển năm học", "year-end rollover"),
            Kind::Notice => ("thông báo", "notices"),
            Kind::Attachment => ("tệp đính kèm", "attached files"),
            Kind::Message => ("trao đổi riêng", "private conversations"),
            Kind::Sharing => ("chia sẻ với nhà cung cấp", "sharing with vendors"),
            Kind::Consent => ("đồng ý của gia đình", "families' consent"),
            Kind::Breach => ("sự cố lộ dữ liệu", "personal-data breaches"),
            Kind::SubjectRequest => ("yêu cầu của chủ thể dữ liệu", "data-subject requests"),
        }
    }

    /// Why this kind holds sensitive personal data, if it does: a new grant of it waits for
    /// the privacy officer's confirmation.
    pub const fn sensitive(self) -> Option<Sensitive> {
        match self {
            Kind::StaffIdentity | Kind::StudentIdentity | Kind::GuardianIdentity => {
                sensitive("số định danh", "identity number")
            }
            Kind::StudentHealth => sensitive("sức khỏe", "health"),
            Kind::StaffContact | Kind::GuardianContact => sensitive("liên lạc", "contact"),
            Kind::StudentBackground => sensitive("dân tộc, tôn giáo", "ethnicity, religion"),
            Kind::Result | Kind::ClassSummary | Kind::Conduct => sensitive("kết quả học tập", "grades"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_groups_the_law_calls_sensitive_are_flagged() {
        for kind in [Kind::StudentHealth, Kind::StudentBackground, Kind::GuardianContact, Kind::StudentIdentity] {
            assert!(kind.sensitive().is_some(), "{kind}");
        }
        assert!(Kind::Result.sensitive().is_some());
        assert!(Kind::School.sensitive().is_none());
    }
}
