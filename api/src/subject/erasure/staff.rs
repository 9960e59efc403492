//! Carrying out a staff member's deletion of their own data: their sealed fields
//! (identity number, address, phone, e-mail, and the earlier contacts kept in their history)
//! are crypto-shredded, their devices registered for push messages and their notifications
//! are removed; their employment records, the books they kept (which name who recorded each
//! entry), the messages they wrote in conversations with families (the families' records
//! too) and the accountability records are kept.

use super::{Fate, Rule, Step, rule};
use crate::retention;
use chrono::{DateTime, Utc};
use entity::{staff, staff_notification, staff_push_device};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait as _};

/// What a staff member's deletion does, part by part, in the order it is reported.
pub const RULES: &[Rule] = &[
    rule(
        "sealedFields",
        Fate::Shredded,
        "Số định danh, địa chỉ, điện thoại, thư điện tử và liên hệ cũ: khóa dữ liệu của cán bộ bị hủy, không ai mở lại \
         được",
        "Identity number, address, phone, e-mail and earlier contacts: the staff member's data key is destroyed, so no \
         one can open them again",
    ),
    rule(
        "pushDevices",
        Fate::Removed,
        "Các thiết bị đăng ký nhận thông báo đẩy",
        "The devices registered for push messages",
    ),
    rule("notifications", Fate::Removed, "Các thông báo trong ứng dụng", "In-app notifications"),
    rule(
        "employment",
        Fate::Kept,
        "Họ tên, vai trò, quá trình công tác và phân công giảng dạy: hồ sơ cán bộ nhà trường phải lưu",
        "Name, roles, employment history and teaching assignments: personnel records the school must keep",
    ),
    rule(
        "books",
        Fate::Kept,
        "Các sổ đã ghi (ai ghi từng mục) và tin nhắn đã gửi gia đình: hồ sơ giáo dục và của gia đình",
        "The books kept (who recorded each entry) and messages sent to families: education records, and the \
         families' own",
    ),
    rule(
        "accountability",
        Fate::Kept,
        "Nhật ký truy cập, sự cố và các yêu cầu: hồ sơ trách nhiệm luật yêu cầu",
        "The disclosure log, breaches and the requests: the accountability records the law asks for",
    ),
];

/// Erases in `txn` what a deletion erases about staff member `staff`: the steps carried out.
pub async fn erase(txn: &impl ConnectionTrait, staff: i64, now: DateTime<Utc>) -> Result<Vec<Step>, DbErr> {
    let fields = staff::Entity::find_by_id(staff).one(txn).await?.map_or(0, |row| {
        [row.identity_no_enc, row.address_enc, row.phone_enc, row.email_enc]
            .iter()
            .filter(|value| value.is_some())
            .count()
    });
    retention::destroy(txn, &[format!("staff:{staff}")], now).await?;
    let devices = retention::delete_among(txn, staff_push_device::Column::StaffId, &[staff]).await?;
    let notifications = retention::delete_among(txn, staff_notification::Column::StaffId, &[staff]).await?;
    let count = |part: &str| match part {
        "sealedFields" => Some(u64::try_from(fields).unwrap_or(u64::MAX)),
        "pushDevices" => Some(devices),
        "notifications" => Some(notifications),
        _ => None,
    };
    Ok(RULES.iter().map(|rule| rule.step(count(rule.part))).collect())
}
