//! A staff member's notifications ([`crate::books::told_staff`]): read through the privacy
//! layer as what each tells of, and only their own; counted unread by kind; marked read one
//! by one, a kind at once, or with what they tell of (reading a notice or a conversation
//! marks its notifications read too).

use super::alerts::{Columns, Subject, Wanted};
use crate::books::told_staff;
use crate::privacy::{Access, readers};
use chrono::{DateTime, Utc};
use entity::staff_notification::{self, Column as C};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _};
use std::collections::BTreeMap;

/// The columns of a staff member's notifications.
const COLUMNS: Columns<C> = Columns {
    id: C::Id,
    owner: C::StaffId,
    kind: C::Kind,
    created_at: C::CreatedAt,
    read_at: C::ReadAt,
    notice: C::NoticeId,
    conversation: C::ConversationId,
};

/// The notifications addressed to the caller, a staff member, that the policy lets them read.
pub async fn readable(
    db: &impl ConnectionTrait,
    access: &Access,
    wanted: Wanted<'_>,
) -> Result<Vec<staff_notification::Model>, DbErr> {
    let Some(staff) = access.principal().staff_id() else { return Ok(Vec::new()) };
    COLUMNS.read(db, access, &readers::STAFF_NOTIFICATION, staff, &wanted).await
}

/// How many of the caller's notifications they may read are unread, by kind (every kind of
/// [`told_staff::KINDS`], zero when none).
pub async fn unread(db: &impl ConnectionTrait, access: &Access) -> Result<BTreeMap<&'static str, u64>, DbErr> {
    let staff = access.principal().staff_id();
    COLUMNS.unread(db, access, &readers::STAFF_NOTIFICATION, staff, &told_staff::KINDS).await
}

/// Marks read the caller's unread notifications among `ids`, of the kinds `kinds`, or about
/// `subjects`; how many. Only the caller's own rows are written, whatever ids are given.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    access: &Access,
    ids: &[i64],
    kinds: &[String],
    subjects: &[Subject],
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let Some(staff) = access.principal().staff_id() else { return Ok(0) };
    let Some(which) = COLUMNS.marked(ids, kinds, subjects) else { return Ok(0) };
    let marked = staff_notification::Entity::update_many()
        .col_expr(C::ReadAt, Expr::value(now))
        .filter(C::StaffId.eq(staff))
        .filter(C::ReadAt.is_null())
        .filter(which)
        .exec(db)
        .await?;
    Ok(marked.rows_affected)
}
