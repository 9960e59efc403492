//! Carrying out a deletion (Law 91/2025): what about a child can be erased is erased, and
//! what education law requires the school to keep is kept, each with the reason the family
//! reads (a staff member's deletion of their own data: [`staff`]). The rules ([`RULES`])
//! are the same for every child, so the officer sees them before completing a deletion;
//! once carried out, each step also says how many records it touched.
//!
//! - Crypto-shredded: the sealed fields (identity number, address, ethnicity, religion,
//!   health notes) — the child's data key is destroyed, so neither the server nor the `age`
//!   tool opens them again, and the identity number's blind index is cleared.
//! - Erased: the reasons and decision notes of leave requests (often about health); the
//!   dates and decisions stay, as they excuse absences in the roll-call book.
//! - Removed: conversations about the child (messages, files, members, reports), the
//!   deliveries, readings and replies of notices about the child, and the family's and
//!   staff's notifications about the child.
//! - Kept: the register (name, birth date, gender, code), guardianships, enrollments, the
//!   grade, evaluation, roll-call and conduct books, transfers, the books' history of
//!   changes, consent decisions (the proof the law asks for) and the records of
//!   accountability (disclosure log, vendors' reads, breaches, the requests themselves).
//!
//! Everything is erased in the caller's transaction ([`erase`]), which also completes the
//! request, so a failure leaves the request open with nothing erased; the bytes of removed
//! files go once it commits.

use crate::attachments::store::Store;
use crate::retention;
use chrono::{DateTime, Utc};
use entity::{attachment, conversation, leave_request, notice_delivery, notice_read, notice_reply, notification};
use entity::{staff_notification, student};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use serde::{Deserialize, Serialize};

mod staff;

pub use staff::{RULES as STAFF_RULES, erase as erase_staff};

/// What a deletion does to one part of a person's data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fate {
    /// Made unreadable for ever by destroying the key it is sealed under.
    Shredded,
    /// Some columns emptied, the record kept.
    Erased,
    /// Deleted.
    Removed,
    /// Kept, as a law requires.
    Kept,
}

/// One part of a child's data and what a deletion does to it, with why.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// The part, as named in the API.
    pub part: &'static str,
    pub fate: Fate,
    pub vi: &'static str,
    pub en: &'static str,
}

/// One step carried out: a rule with how many records it touched (none counted for what is
/// kept).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub part: String,
    pub fate: Fate,
    pub count: Option<u64>,
    pub vi: String,
    pub en: String,
}

impl Rule {
    fn step(&self, count: Option<u64>) -> Step {
        Step { part: self.part.to_owned(), fate: self.fate, count, vi: self.vi.to_owned(), en: self.en.to_owned() }
    }
}

const fn rule(part: &'static str, fate: Fate, vi: &'static str, en: &'static str) -> Rule {
    Rule { part, fate, vi, en }
}

/// What a deletion does, part by part, in the order it is reported.
pub const RULES: &[Rule] = &[
    rule(
        "sealedFields",
        Fate::Shredded,
        "Số định danh, địa chỉ, dân tộc, tôn giáo, ghi chú sức khỏe: khóa dữ liệu của học sinh bị hủy, không ai mở lại được",
        "Identity number, address, ethnicity, religion, health notes: the child's data key is destroyed, so no one can \
         open them again",
    ),
    rule(
        "leaveReasons",
        Fate::Erased,
        "Lý do và ghi chú của đơn xin phép bị xóa; ngày nghỉ và quyết định được giữ vì chúng là căn cứ nghỉ có phép \
         trong sổ điểm danh",
        "The reasons and notes of leave requests are erased; their days and decisions are kept, as they excuse absences \
         in the roll-call book",
    ),
    rule(
        "conversations",
        Fate::Removed,
        "Các cuộc trò chuyện về học sinh, cùng tin nhắn, tệp và báo cáo",
        "Conversations about the child, with their messages, files and reports",
    ),
    rule(
        "noticesDelivered",
        Fate::Removed,
        "Việc gửi, đọc và trả lời thông báo về học sinh",
        "The deliveries, readings and replies of notices about the child",
    ),
    rule(
        "notifications",
        Fate::Removed,
        "Các thông báo trong ứng dụng về học sinh, gửi gia đình và cán bộ",
        "In-app notifications about the child, to the family and to staff",
    ),
    rule(
        "register",
        Fate::Kept,
        "Họ tên, ngày sinh, giới tính, mã học sinh, người giám hộ và quá trình học: sổ đăng bộ và học bạ phải lưu \
         (Thông tư 22/2021, 27/2020)",
        "Name, birth date, gender, student code, guardians and enrollments: the register and the transcript must keep \
         them (Circulars 22/2021 and 27/2020)",
    ),
    rule(
        "books",
        Fate::Kept,
        "Điểm, đánh giá, khen thưởng, điểm danh, miễn học, rèn luyện, chuyển trường và lịch sử sửa sổ: hồ sơ giáo dục \
         nhà trường phải lưu",
        "Results, evaluations, nominations, attendance, exemptions, conduct, transfers and the books' history of \
         changes: education records the school must keep",
    ),
    rule(
        "consents",
        Fate::Kept,
        "Các quyết định đồng ý: bằng chứng luật yêu cầu (Luật 91/2025)",
        "Consent decisions: the proof the law asks for (Law 91/2025)",
    ),
    rule(
        "accountability",
        Fate::Kept,
        "Nhật ký truy cập, lượt đọc của nhà cung cấp, sự cố và các yêu cầu: hồ sơ trách nhiệm luật yêu cầu",
        "The disclosure log, vendors' reads, breaches and the requests: the accountability records the law asks for",
    ),
];

/// The steps as planned, before anything is counted: a child's, or (`staff`) a staff
/// member's.
pub fn plan(staff: bool) -> Vec<Step> {
    let rules = if staff { STAFF_RULES } else { RULES };
    rules.iter().map(|rule| rule.step(None)).collect()
}

/// Erases in `txn` what a deletion erases about `student`: the steps carried out, in
/// [`RULES`]' order, and the files whose bytes go once `txn` commits
/// ([`crate::attachments::files::forget_stored`]).
pub async fn erase(
    txn: &impl ConnectionTrait,
    store: &Store,
    student: i64,
    now: DateTime<Utc>,
) -> Result<(Vec<Step>, Vec<attachment::Model>), DbErr> {
    let about: Vec<i64> = conversation::Entity::find()
        .select_only()
        .column(conversation::Column::Id)
        .filter(conversation::Column::StudentId.eq(student))
        .into_tuple()
        .all(txn)
        .await?;
    let (_, gone) = retention::forget_conversations_in(txn, store, &about).await?;
    let conversations = u64::try_from(about.len()).unwrap_or(u64::MAX);
    let fields = student::Entity::find_by_id(student).one(txn).await?.map_or(0, |row| {
        [row.identity_no_enc, row.address_enc, row.ethnicity_enc, row.religion_enc, row.health_enc]
            .iter()
            .filter(|value| value.is_some())
            .count()
    });
    retention::destroy(txn, &[format!("student:{student}")], now).await?;
    let leave = leave_request::Entity::update_many()
        .col_expr(leave_request::Column::Reason, Expr::value(String::new()))
        .col_expr(leave_request::Column::DecisionNote, Expr::value(Option::<String>::None))
        .filter(leave_request::Column::StudentId.eq(student))
        .exec(txn)
        .await?
        .rows_affected;
    let about = [student];
    let deliveries = retention::delete_among(txn, notice_read::Column::StudentId, &about).await?
        + retention::delete_among(txn, notice_reply::Column::StudentId, &about).await?
        + retention::delete_among(txn, notice_delivery::Column::StudentId, &about).await?;
    let notifications = retention::delete_among(txn, notification::Column::StudentId, &about).await?
        + retention::delete_among(txn, staff_notification::Column::StudentId, &about).await?;
    let fields = u64::try_from(fields).unwrap_or(u64::MAX);
    let count = |part: &str| match part {
        "sealedFields" => Some(fields),
        "leaveReasons" => Some(leave),
        "conversations" => Some(conversations),
        "noticesDelivered" => Some(deliveries),
        "notifications" => Some(notifications),
        _ => None,
    };
    Ok((RULES.iter().map(|rule| rule.step(count(rule.part))).collect(), gone))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_is_named_once_and_what_is_kept_comes_last() {
        let parts: std::collections::BTreeSet<_> = RULES.iter().map(|rule| rule.part).collect();
        assert_eq!(parts.len(), RULES.len());
        let first_kept = RULES.iter().position(|rule| rule.fate == Fate::Kept).unwrap();
        assert!(RULES[first_kept..].iter().all(|rule| rule.fate == Fate::Kept));
        let json = serde_json::to_string(&plan(false)).unwrap();
        assert_eq!(serde_json::from_str::<Vec<Step>>(&json).unwrap(), plan(false));
        let staff: std::collections::BTreeSet<_> = STAFF_RULES.iter().map(|rule| rule.part).collect();
        assert_eq!(staff.len(), STAFF_RULES.len());
        assert!(json.contains(r#""fate":"shredded""#));
    }
}
