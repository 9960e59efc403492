//! Replies to an invitation: a guardian answers for each child it was delivered for —
//! attending or not, with an optional note — and may change the answer until the event.
//! A reply is a record about the child in the class the invitation reached them in, read
//! through its reader (`notice`/`read`): staff who may read the deliveries see how many
//! families will come, will not, or have not answered, and which; a guardian sees their own.

use super::drafting;
use crate::auth::Account;
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use chrono::{DateTime, Utc};
use entity::{notice, notice_delivery, notice_reply};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait as _, DatabaseConnection, DbErr, EntityTrait as _, Order};
use std::collections::BTreeMap;

/// A guardian's answer.
#[derive(Clone, Debug)]
pub struct Answer {
    pub attending: bool,
    pub note: Option<String>,
    /// The one child it answers for; `None`: every child the invitation reached.
    pub student: Option<i64>,
}

/// Records the guardian's answer to invitation `id` for their children it reached; the
/// replies as they now stand. An invitation not delivered for their children (or not for
/// the child named) is answered like a missing one.
pub async fn reply(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    answer: &Answer,
    now: DateTime<Utc>,
) -> Result<Vec<notice_reply::Model>, ApiError> {
    let Some(Account::Guardian(guardian)) = access.principal().account else { return Err(ApiError::NotPermitted) };
    let mut deliveries = super::feed::own_deliveries(db, access, id).await?;
    if let Some(student) = answer.student {
        deliveries.retain(|delivery| delivery.student_id == student);
    }
    if deliveries.is_empty() {
        return Err(ApiError::NotPermitted);
    }
    let invitation = notice::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotPermitted)?;
    if invitation.kind != "invitation" {
        return Err(ApiError::bad_input("tin này không phải thư mời", "this notice is not an invitation"));
    }
    if invitation.withdrawn_at.is_some() || invitation.event_at.is_some_and(|event| event <= now) {
        return Err(ApiError::bad_input("thư mời đã đóng", "the invitation is closed"));
    }
    let note = drafting::note(answer.note.as_deref())?;
    let replies = deliveries.iter().map(|delivery| notice_reply::ActiveModel {
        delivery_id: Set(delivery.id),
        notice_id: Set(delivery.notice_id),
        school_id: Set(delivery.school_id),
        class_id: Set(delivery.class_id),
        student_id: Set(delivery.student_id),
        guardian_id: Set(guardian),
        attending: Set(answer.attending),
        note: Set(note.clone()),
        replied_at: Set(now),
        ..Default::default()
    });
    use notice_reply::Column as C;
    let replace = OnConflict::column(C::DeliveryId)
        .update_columns([C::GuardianId, C::Attending, C::Note, C::RepliedAt])
        .to_owned();
    notice_reply::Entity::insert_many(replies).on_conflict(replace).exec_without_returning(db).await?;
    Ok(replies_to(db, access, id, &deliveries).await?)
}

/// The replies the caller may read to `deliveries` of notice `id`.
pub async fn replies_to(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    deliveries: &[notice_delivery::Model],
) -> Result<Vec<notice_reply::Model>, DbErr> {
    let ids = deliveries.iter().map(|delivery| delivery.id);
    access
        .read(&readers::NOTICE_REPLY)
        .narrow(notice_reply::Column::NoticeId, |column| column.eq(id))
        .narrow(notice_reply::Column::DeliveryId, |column| column.is_in(ids))
        .order_by(notice_reply::Column::StudentId, Order::Asc)
        .all(db)
        .await
}

/// The answer of one delivery: attending, not attending, or none yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    Attending,
    NotAttending,
    None,
}

/// Of notice `id`'s deliveries the caller may read, each student with its family's answer
/// (as far as the caller may read the replies), by student.
pub async fn answers(db: &DatabaseConnection, access: &Access, id: i64) -> Result<Vec<(i64, Reply)>, DbErr> {
    let delivered = access
        .read(&readers::NOTICE_DELIVERY)
        .narrow(notice_delivery::Column::NoticeId, |column| column.eq(id))
        .order_by(notice_delivery::Column::StudentId, Order::Asc)
        .all(db)
        .await?;
    let replied: BTreeMap<i64, bool> = access
        .read(&readers::NOTICE_REPLY)
        .narrow(notice_reply::Column::NoticeId, |column| column.eq(id))
        .all(db)
        .await?
        .into_iter()
        .map(|reply| (reply.delivery_id, reply.attending))
        .collect();
    Ok(delivered
        .into_iter()
        .map(|delivery| {
            let reply = match replied.get(&delivery.id) {
                Some(true) => Reply::Attending,
                Some(false) => Reply::NotAttending,
                None => Reply::None,
            };
            (delivery.student_id, reply)
        })
        .collect())
}

/// The guardian's replies to invitation `id` for their children it reached.
pub async fn own(db: &DatabaseConnection, access: &Access, id: i64) -> Result<Vec<notice_reply::Model>, DbErr> {
    let deliveries = super::feed::own_deliveries(db, access, id).await?;
    if deliveries.is_empty() {
        return Ok(Vec::new());
    }
    replies_to(db, access, id, &deliveries).await
}
