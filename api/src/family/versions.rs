//! Editing a notice after it was published: whoever manages it ([`super::notices::managed`])
//! changes its title, body or expiry; the wording it had is kept as a `notice_version`, and
//! the notice says when it was last edited. A withdrawn notice is not edited. Its earlier
//! wordings are shown with it, newest first, to whoever sees it — none once withdrawn.

use super::drafting;
use super::notices::managed;
use crate::error::ApiError;
use crate::privacy::Access;
use chrono::{DateTime, Utc};
use entity::{notice, notice_version};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, DatabaseConnection, DbErr, EntityTrait as _, Order,
    QueryFilter as _, QueryOrder as _, QuerySelect as _,
};

/// What an edit changes; `None`: kept.
#[derive(Clone, Debug, Default)]
pub struct Edit {
    pub title: Option<String>,
    pub body: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Edits notice `id`, keeping the wording it had; the notice as it now stands.
pub async fn edit(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    change: &Edit,
    now: DateTime<Utc>,
) -> Result<notice::Model, ApiError> {
    let by = crate::books::locks::staff_account(access)?;
    let (found, _) = managed(db, access, id).await?;
    if found.withdrawn_at.is_some() {
        return Err(ApiError::bad_input("tin đã thu hồi, không sửa được", "a withdrawn notice cannot be edited"));
    }
    if change.title.is_none() && change.body.is_none() && change.expires_at.is_none() {
        return Err(ApiError::bad_input("không có gì để sửa", "nothing to change"));
    }
    let title = change.title.as_deref().map(drafting::title).transpose()?;
    let body = change.body.as_deref().map(drafting::body).transpose()?;
    drafting::expiry(change.expires_at, now.max(found.published_at))?;
    let txn = crate::db::begin_write(db).await?;
    // Read again in the transaction, so two edits each keep the wording they replaced.
    let current = notice::Entity::find_by_id(id).lock_exclusive().one(&txn).await?.ok_or(ApiError::Internal)?;
    if current.withdrawn_at.is_some() {
        return Err(ApiError::bad_input("tin đã thu hồi, không sửa được", "a withdrawn notice cannot be edited"));
    }
    notice_version::ActiveModel {
        notice_id: Set(id),
        title: Set(current.title.clone()),
        body: Set(current.body.clone()),
        expires_at: Set(current.expires_at),
        edited_at: Set(now),
        edited_by_id: Set(by),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut row: notice::ActiveModel = current.clone().into();
    row.title = Set(title.unwrap_or(current.title));
    row.body = Set(body.unwrap_or(current.body));
    row.expires_at = Set(change.expires_at.or(current.expires_at));
    row.edited_at = Set(Some(now));
    let edited = row.update(&txn).await?;
    txn.commit().await?;
    Ok(edited)
}

/// The earlier wordings of `notice`, newest first, at most `first`; none once withdrawn.
pub async fn versions(
    db: &DatabaseConnection,
    notice: &notice::Model,
    first: u64,
) -> Result<Vec<notice_version::Model>, DbErr> {
    if notice.withdrawn_at.is_some() {
        return Ok(Vec::new());
    }
    notice_version::Entity::find()
        .filter(notice_version::Column::NoticeId.eq(notice.id))
        .order_by(notice_version::Column::EditedAt, Order::Desc)
        .order_by(notice_version::Column::Id, Order::Desc)
        .limit(first)
        .all(db)
        .await
}
