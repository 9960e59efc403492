//! What staff are told (`staff_notification`): a guardian's message in a conversation they are
//! in, a notice to the school's staff that reached them, and — to a privacy officer — a
//! vendor's read refused at a sharing agreement's daily cap. Written on the caller's
//! connection, in the transaction of the change that causes them; how each reaches a phone is
//! decided once, later, by the outbox, which holds it while the staff member is not available.

use super::told::{About, MESSAGE, NOTICE};
use chrono::{DateTime, Utc};
use entity::staff_notification;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait as _};

/// A vendor's read refused at a sharing agreement's daily cap, told to a privacy officer.
pub const SHARING_CAP: &str = "sharing_cap";

/// Every kind a staff member is told of, in the order lists show them.
pub const KINDS: [&str; 3] = [NOTICE, MESSAGE, SHARING_CAP];

/// A notification of `kind` to `staff` at `school`, telling of nothing yet.
fn told(staff: i64, school: i64, kind: &str, now: DateTime<Utc>) -> staff_notification::ActiveModel {
    staff_notification::ActiveModel {
        staff_id: Set(staff),
        school_id: Set(school),
        kind: Set(kind.to_owned()),
        student_id: Set(None),
        class_id: Set(None),
        conversation_id: Set(None),
        notice_id: Set(None),
        cap_alert_id: Set(None),
        created_at: Set(now),
        read_at: Set(None),
        dispatched_at: Set(None),
        held_until: Set(None),
        ..Default::default()
    }
}

/// A `message` notification to `staff` of a message in `conversation`, about `about`.
pub fn message(staff: i64, about: About, conversation: i64, now: DateTime<Utc>) -> staff_notification::ActiveModel {
    staff_notification::ActiveModel {
        student_id: Set(Some(about.student)),
        class_id: Set(Some(about.class)),
        conversation_id: Set(Some(conversation)),
        ..told(staff, about.school, MESSAGE, now)
    }
}

/// A `notice` notification to `staff` at `school` of notice `notice`.
pub fn notice(staff: i64, school: i64, notice: i64, now: DateTime<Utc>) -> staff_notification::ActiveModel {
    staff_notification::ActiveModel { notice_id: Set(Some(notice)), ..told(staff, school, NOTICE, now) }
}

/// A `sharing_cap` notification to `staff`, judged on their organisation `org`, of the cap
/// alert `alert`.
pub fn cap_alert(staff: i64, org: i64, alert: i64, now: DateTime<Utc>) -> staff_notification::ActiveModel {
    staff_notification::ActiveModel { cap_alert_id: Set(Some(alert)), ..told(staff, org, SHARING_CAP, now) }
}

/// Writes `rows` in statements of at most [`crate::db::INSERT_BATCH_ROWS`]; how many.
pub async fn write(db: &impl ConnectionTrait, rows: Vec<staff_notification::ActiveModel>) -> Result<usize, DbErr> {
    let count = rows.len();
    for chunk in rows.chunks(crate::db::INSERT_BATCH_ROWS) {
        staff_notification::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    Ok(count)
}
