//! Reminding families of a notice: whoever manages it ([`super::notices::managed`]) sends a
//! reminder, at most one per notice per [`SPACING`]; each active guardian of a student whose
//! delivery no guardian has read — for an invitation, not answered — is told in their
//! notifications (`notice_reminder`, naming the notice). The reminder and its notifications
//! are written in one transaction.

use super::notices::managed;
use crate::books::{recipients, told};
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use chrono::{DateTime, Duration, Utc};
use emis_authz::Action;
use entity::{notice, notice_delivery, notice_read, notice_reminder, notice_reply, notification};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _,
    QuerySelect as _,
};
use std::collections::{BTreeMap, BTreeSet};

/// The least time between two reminders of one notice.
pub const SPACING: Duration = Duration::hours(1);

/// Reminds the families who have not read (or answered) notice `id`; how many guardians were
/// told.
pub async fn remind(db: &DatabaseConnection, access: &Access, id: i64, now: DateTime<Utc>) -> Result<u64, ApiError> {
    let by = crate::books::locks::staff_account(access)?;
    let (found, deliveries) = managed(db, access, id).await?;
    if found.withdrawn_at.is_some() || found.scheduled_for.is_some() || found.audience == "staff" {
        return Err(ApiError::bad_input(
            "chỉ nhắc được tin đang gửi tới gia đình",
            "only a notice standing with families can be reminded of",
        ));
    }
    let invitation = found.kind == "invitation";
    if invitation && found.event_at.is_some_and(|event| event <= now) {
        return Err(ApiError::bad_input("thư mời đã đóng", "the invitation is closed"));
    }
    let done = settled(db, access, id, invitation).await?;
    let waiting: BTreeMap<i64, &notice_delivery::Model> = deliveries
        .iter()
        .filter(|delivery| !done.contains(&delivery.id))
        .map(|delivery| (delivery.student_id, delivery))
        .collect();
    let students: Vec<i64> = waiting.keys().copied().collect();
    let today = access.principal().today;
    let txn = crate::db::begin_write(db).await?;
    // The notice's row is locked, so two reminders at once cannot both pass the check.
    notice::Entity::find_by_id(id).lock_exclusive().one(&txn).await?;
    let last = notice_reminder::Entity::find()
        .filter(notice_reminder::Column::NoticeId.eq(id))
        .filter(notice_reminder::Column::RemindedAt.gt(now - SPACING))
        .one(&txn)
        .await?;
    if last.is_some() {
        return Err(ApiError::bad_input(
            "tin này vừa được nhắc; mỗi giờ chỉ nhắc một lần",
            "this notice was reminded of lately; at most one reminder an hour",
        ));
    }
    notice_reminder::ActiveModel { notice_id: Set(id), staff_id: Set(by), reminded_at: Set(now), ..Default::default() }
        .insert(&txn)
        .await?;
    let told = recipients::guardians_of(&txn, &students, today).await?;
    let rows: Vec<notification::ActiveModel> = told
        .iter()
        .filter_map(|&(guardian, student)| waiting.get(&student).map(|delivery| (guardian, *delivery)))
        .map(|(guardian, delivery)| {
            let about =
                told::About { student: delivery.student_id, school: delivery.school_id, class: delivery.class_id };
            let refers = told::Refers { notice: Some(id), ..told::Refers::default() };
            told::row(guardian, about, told::NOTICE_REMINDER, refers, found.urgent, today, now)
        })
        .collect();
    let count = u64::try_from(told::write(&txn, rows).await?).unwrap_or(u64::MAX);
    txn.commit().await?;
    Ok(count)
}

/// The deliveries of notice `id` that need no reminder: read by a guardian, or for an
/// invitation answered — as far as the caller may act on them.
async fn settled(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    invitation: bool,
) -> Result<BTreeSet<i64>, ApiError> {
    Ok(if invitation {
        let replies = access
            .rows_for(Action::Write, &readers::NOTICE_REPLY)
            .narrow(notice_reply::Column::NoticeId, |column| column.eq(id))
            .all(db)
            .await?;
        replies.into_iter().map(|reply| reply.delivery_id).collect()
    } else {
        let readings = access
            .rows_for(Action::Write, &readers::NOTICE_READ)
            .narrow(notice_read::Column::NoticeId, |column| column.eq(id))
            .all(db)
            .await?;
        readings.into_iter().map(|reading| reading.delivery_id).collect()
    })
}
