//! What families and staff read of published notices, always through the deliveries the
//! caller may read (`notice`/`read`): a guardian's feed (the notices delivered for their
//! children, newest first, with whether they read them) or a staff member's (the notices
//! to their school's staff that reached them), marking one read, a notice by id, and how
//! many of a notice's deliveries were read. A notice with no delivery the caller may read
//! is answered exactly like a missing one — except to its author, who wrote it.

use crate::auth::Account;
use crate::error::ApiError;
use crate::graphql::cost::bounds::FAMILY;
use crate::privacy::{Access, readers};
use chrono::{DateTime, Utc};
use entity::{notice, notice_delivery, notice_read, notice_staff_delivery};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, DatabaseConnection, DbErr, EntityTrait as _, Order, QueryFilter as _,
};
use std::collections::{BTreeMap, BTreeSet};

/// A notice as one caller sees it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub notice: notice::Model,
    /// For a guardian: whether they read it for every child it was delivered for.
    pub read: Option<bool>,
}

/// The guardian's children's notices (or a staff member's own), newest first, not expired
/// at `now`, at most `first`.
pub async fn feed(
    db: &DatabaseConnection,
    access: &Access,
    first: u64,
    now: DateTime<Utc>,
) -> Result<Vec<Seen>, ApiError> {
    if let Some(staff) = access.principal().staff_id() {
        return staff_feed(db, access, staff, first, now).await;
    }
    let Some(Account::Guardian(guardian)) = access.principal().account else { return Ok(Vec::new()) };
    let children = access.principal().children.iter().copied();
    let deliveries = access
        .read(&readers::NOTICE_DELIVERY)
        .narrow(notice_delivery::Column::StudentId, |column| column.is_in(children))
        .order_by(notice_delivery::Column::NoticeId, Order::Desc)
        .limit(first.saturating_mul(FAMILY))
        .all(db)
        .await?;
    let read = read_by(db, access, guardian, &deliveries).await?;
    let mut delivered: BTreeMap<i64, bool> = BTreeMap::new();
    for delivery in &deliveries {
        let all_read = delivered.entry(delivery.notice_id).or_insert(true);
        *all_read &= read.contains(&delivery.id);
    }
    let notices = notices(db, delivered.keys().copied()).await?;
    let mut seen: Vec<Seen> = notices
        .into_iter()
        .filter(|row| row.expires_at.is_none_or(|expires| expires > now))
        .map(|row| Seen { read: delivered.get(&row.id).copied(), notice: row })
        .collect();
    seen.sort_by_key(|seen| std::cmp::Reverse((seen.notice.published_at, seen.notice.id)));
    seen.truncate(usize::try_from(first).unwrap_or(usize::MAX));
    Ok(seen)
}

/// The notices to the school's staff that reached staff member `staff`, newest first, not
/// expired at `now`, at most `first`.
async fn staff_feed(
    db: &DatabaseConnection,
    access: &Access,
    staff: i64,
    first: u64,
    now: DateTime<Utc>,
) -> Result<Vec<Seen>, ApiError> {
    let deliveries = access
        .read(&readers::NOTICE_STAFF_DELIVERY)
        .narrow(notice_staff_delivery::Column::StaffId, |column| column.eq(staff))
        .order_by(notice_staff_delivery::Column::NoticeId, Order::Desc)
        .limit(first)
        .all(db)
        .await?;
    let mut seen: Vec<Seen> = notices(db, deliveries.iter().map(|delivery| delivery.notice_id))
        .await?
        .into_iter()
        .filter(|row| row.expires_at.is_none_or(|expires| expires > now))
        .map(|row| Seen { notice: row, read: None })
        .collect();
    seen.sort_by_key(|seen| std::cmp::Reverse((seen.notice.published_at, seen.notice.id)));
    Ok(seen)
}

/// Marks notice `id` read by the guardian for each of their children it was delivered for,
/// with its notifications; how many deliveries were newly marked. A notice not delivered for their children is
/// answered like a missing one.
pub async fn mark_read(db: &DatabaseConnection, access: &Access, id: i64, now: DateTime<Utc>) -> Result<u64, ApiError> {
    let Some(Account::Guardian(guardian)) = access.principal().account else { return Err(ApiError::NotPermitted) };
    let deliveries = own_deliveries(db, access, id).await?;
    if deliveries.is_empty() {
        return Err(ApiError::NotPermitted);
    }
    let readings = deliveries.iter().map(|delivery| notice_read::ActiveModel {
        delivery_id: Set(delivery.id),
        notice_id: Set(delivery.notice_id),
        school_id: Set(delivery.school_id),
        class_id: Set(delivery.class_id),
        student_id: Set(delivery.student_id),
        guardian_id: Set(guardian),
        read_at: Set(now),
        ..Default::default()
    });
    let keep_first =
        OnConflict::columns([notice_read::Column::DeliveryId, notice_read::Column::GuardianId]).do_nothing().to_owned();
    let marked = notice_read::Entity::insert_many(readings).on_conflict(keep_first).exec_without_returning(db).await?;
    super::alerts::mark_read(db, access, &[], &[], &[super::alerts::Subject::Notice(id)], now).await?;
    Ok(marked)
}

/// Notice `id` as the caller sees it: through a delivery they may read, or as its author.
pub async fn notice(db: &DatabaseConnection, access: &Access, id: i64) -> Result<Option<Seen>, ApiError> {
    let Some(row) = notices(db, [id]).await?.pop() else { return Ok(None) };
    if let Some(Account::Guardian(guardian)) = access.principal().account {
        let deliveries = own_deliveries(db, access, id).await?;
        if deliveries.is_empty() {
            return Ok(None);
        }
        let read = read_by(db, access, guardian, &deliveries).await?;
        let all_read = deliveries.iter().all(|delivery| read.contains(&delivery.id));
        return Ok(Some(Seen { notice: row, read: Some(all_read) }));
    }
    let authored = access.principal().staff_id() == Some(row.author_staff_id);
    let reached = authored
        || !access
            .read(&readers::NOTICE_DELIVERY)
            .narrow(notice_delivery::Column::NoticeId, |column| column.eq(id))
            .limit(1)
            .all(db)
            .await?
            .is_empty()
        || !access
            .read(&readers::NOTICE_STAFF_DELIVERY)
            .narrow(notice_staff_delivery::Column::NoticeId, |column| column.eq(id))
            .limit(1)
            .all(db)
            .await?
            .is_empty();
    Ok(reached.then_some(Seen { notice: row, read: None }))
}

/// Whether the caller may open the files attached to notice `row`: it stands (a withdrawn
/// notice shows nothing of what it said), and the caller wrote it or may read one of its
/// deliveries — a guardian one for their own children — as `attachment` (a notice to the
/// staff: one of its staff deliveries, as `notice`).
pub async fn attachments_open(db: &DatabaseConnection, access: &Access, row: &notice::Model) -> Result<bool, DbErr> {
    let id = row.id;
    if row.withdrawn_at.is_some() {
        return Ok(false);
    }
    let mut deliveries =
        access.read(&readers::NOTICE_ATTACHMENT).narrow(notice_delivery::Column::NoticeId, |column| column.eq(id));
    match access.principal().account {
        Some(Account::Guardian(_)) => {
            let children = access.principal().children.iter().copied();
            deliveries = deliveries.narrow(notice_delivery::Column::StudentId, |column| column.is_in(children));
        }
        _ if access.principal().staff_id() == Some(row.author_staff_id) => return Ok(true),
        _ if row.audience == "staff" => {
            // A notice to the staff is about no child: its files open for those it reached.
            let reached = access
                .read(&readers::NOTICE_STAFF_DELIVERY)
                .narrow(notice_staff_delivery::Column::NoticeId, |column| column.eq(id))
                .limit(1)
                .all(db)
                .await?;
            return Ok(!reached.is_empty());
        }
        _ => {}
    }
    Ok(!deliveries.limit(1).all(db).await?.is_empty())
}

/// Of notice `id`'s deliveries the caller may read: how many were read by a guardian, and
/// how many by none.
pub async fn readings(db: &DatabaseConnection, access: &Access, id: i64) -> Result<(u64, u64), ApiError> {
    let (delivered, read) = receipts(db, access, id).await?;
    let read_count = delivered.iter().filter(|delivery| read.contains(&delivery.id)).count();
    let unread = delivered.len() - read_count;
    let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    Ok((count(read_count), count(unread)))
}

/// The students, by id, of notice `id`'s deliveries the caller may read that no guardian
/// has marked read, at most `first`.
pub async fn unread_students(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    first: usize,
) -> Result<Vec<i64>, ApiError> {
    let (delivered, read) = receipts(db, access, id).await?;
    let unread = delivered.into_iter().filter(|delivery| !read.contains(&delivery.id));
    Ok(unread.map(|delivery| delivery.student_id).take(first).collect())
}

/// Notice `id`'s deliveries the caller may read, by student, and which of them a guardian
/// has marked read (as far as the caller may read the readings).
async fn receipts(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
) -> Result<(Vec<notice_delivery::Model>, BTreeSet<i64>), DbErr> {
    let delivered = access
        .read(&readers::NOTICE_DELIVERY)
        .narrow(notice_delivery::Column::NoticeId, |column| column.eq(id))
        .order_by(notice_delivery::Column::StudentId, Order::Asc)
        .all(db)
        .await?;
    let read = access
        .read(&readers::NOTICE_READ)
        .narrow(notice_read::Column::NoticeId, |column| column.eq(id))
        .all(db)
        .await?;
    Ok((delivered, read.into_iter().map(|reading| reading.delivery_id).collect()))
}

/// The deliveries of notice `id` for the guardian's own children that they may read.
pub(super) async fn own_deliveries(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
) -> Result<Vec<notice_delivery::Model>, DbErr> {
    let children = access.principal().children.iter().copied();
    access
        .read(&readers::NOTICE_DELIVERY)
        .narrow(notice_delivery::Column::NoticeId, |column| column.eq(id))
        .narrow(notice_delivery::Column::StudentId, |column| column.is_in(children))
        .all(db)
        .await
}

/// Which of `deliveries` the guardian has read.
async fn read_by(
    db: &DatabaseConnection,
    access: &Access,
    guardian: i64,
    deliveries: &[notice_delivery::Model],
) -> Result<BTreeSet<i64>, DbErr> {
    let ids = deliveries.iter().map(|delivery| delivery.id);
    let read = access
        .read(&readers::NOTICE_READ)
        .narrow(notice_read::Column::GuardianId, |column| column.eq(guardian))
        .narrow(notice_read::Column::DeliveryId, |column| column.is_in(ids))
        .all(db)
        .await?;
    Ok(read.into_iter().map(|reading| reading.delivery_id).collect())
}

/// The notices `ids` (the notice table holds no one's personal data: who it reached is in
/// its deliveries, read above through their reader).
async fn notices(db: &DatabaseConnection, ids: impl IntoIterator<Item = i64>) -> Result<Vec<notice::Model>, DbErr> {
    notice::Entity::find().filter(notice::Column::Id.is_in(ids)).all(db).await
}
