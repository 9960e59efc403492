//! Attachments as records: an upload (checked, kept, owned by its uploader until it is
//! attached), attaching uploads to an item (a notice or a message) in the item's own
//! transaction, the files of an item, opening one for download, and forgetting an item's
//! files with it. Who may open a file is decided by the item it is attached to
//! ([`crate::family::feed::attachments_open`] for a notice,
//! [`crate::family::messages::attachments_open`] for a message); an upload not yet attached
//! is its uploader's alone. A file out of reach is answered exactly like a missing one.

use super::kinds::{checked_type, clean_name};
use super::store::{Store, StoreError};
use crate::auth::Account;
use crate::error::ApiError;
use crate::privacy::Access;
use chrono::{DateTime, Duration, Utc};
use entity::{attachment, notice};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait as _, Order, PaginatorTrait as _, QueryFilter as _, QueryOrder as _,
};
use sha2::{Digest as _, Sha256};

/// Uploads an account may hold unattached at once.
pub const MAX_UNATTACHED: u64 = 20;
/// Files attached to one item at most.
pub const MAX_PER_ITEM: usize = 10;
/// How long an upload waits to be attached before it is forgotten.
pub fn unattached_for() -> Duration {
    Duration::hours(24)
}

/// What an attachment is attached to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    Notice(i64),
    Message(i64),
}

impl Owner {
    fn kind(self) -> &'static str {
        match self {
            Self::Notice(_) => "notice",
            Self::Message(_) => "message",
        }
    }

    fn id(self) -> i64 {
        match self {
            Self::Notice(id) | Self::Message(id) => id,
        }
    }
}

/// Keeps `bytes`, named `name` by the client, as an upload of the caller's, not yet
/// attached. Staff and guardians may upload; the type is read from the bytes.
pub async fn upload(
    db: &DatabaseConnection,
    store: &Store,
    access: &Access,
    name: &str,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<attachment::Model, ApiError> {
    let uploader = match access.principal().account {
        Some(account @ (Account::Staff(_) | Account::Guardian(_))) => account,
        _ => return Err(ApiError::NotPermitted),
    };
    let content_type = checked_type(&bytes)?;
    forget_unattached(db, store, Some(uploader), now - unattached_for()).await?;
    let waiting = unattached_of(uploader).count(db).await?;
    if waiting >= MAX_UNATTACHED {
        return Err(ApiError::bad_input(
            format!("đã có {MAX_UNATTACHED} tệp tải lên chưa được đính kèm; hãy dùng hoặc chờ chúng hết hạn (24 giờ)"),
            format!(
                "{MAX_UNATTACHED} uploads are waiting to be attached; use them or wait for them to lapse (24 hours)"
            ),
        ));
    }
    let key = format!("attachments/{:032x}", rand::random::<u128>());
    let row = attachment::ActiveModel {
        uploader_kind: Set(uploader.kind().to_owned()),
        uploader_id: Set(uploader.id()),
        owner_kind: Set(None),
        owner_id: Set(None),
        file_name: Set(clean_name(name)),
        content_type: Set(content_type.to_owned()),
        size_bytes: Set(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
        sha256: Set(format!("{:x}", Sha256::digest(&bytes))),
        storage: Set(store.name().to_owned()),
        storage_key: Set(key.clone()),
        created_at: Set(now),
        ..Default::default()
    };
    match store {
        Store::Database => {
            let txn = crate::db::begin_write(db).await?;
            let row = row.insert(&txn).await?;
            store.put(&txn, row.id, &row.storage_key, bytes).await.map_err(failed)?;
            txn.commit().await?;
            Ok(row)
        }
        Store::Objects { .. } => {
            store.put(db, 0, &key, bytes).await.map_err(failed)?;
            match row.insert(db).await {
                Ok(row) => Ok(row),
                Err(error) => {
                    // The bytes have no row: forget them rather than keep them unreachable.
                    let _ = store.delete(db, 0, &key).await;
                    Err(error.into())
                }
            }
        }
    }
}

/// Checks, before anything is written, that `ids` are uploads of the caller's not yet
/// attached (at most [`MAX_PER_ITEM`]); any other id — missing, someone else's, attached
/// already — is refused like a missing one.
pub async fn check_attachable(db: &impl ConnectionTrait, access: &Access, ids: &[i64]) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    let Some(uploader) = access.principal().account else { return Err(ApiError::NotPermitted) };
    let wanted = distinct(ids);
    let found = unattached_of(uploader).filter(attachment::Column::Id.is_in(wanted.iter().copied())).count(db).await?;
    if usize::try_from(found).ok() != Some(wanted.len()) {
        return Err(ApiError::NotPermitted);
    }
    if wanted.len() > MAX_PER_ITEM {
        return Err(ApiError::bad_input(
            format!("nhiều nhất {MAX_PER_ITEM} tệp đính kèm"),
            format!("at most {MAX_PER_ITEM} attachments"),
        ));
    }
    Ok(())
}

/// Attaches the caller's uploads `ids` (checked by [`check_attachable`]) to `owner`, in the
/// owner's transaction `txn`; refused like a missing file if one was attached meanwhile.
pub async fn attach(txn: &impl ConnectionTrait, access: &Access, ids: &[i64], owner: Owner) -> Result<(), ApiError> {
    if ids.is_empty() {
        return Ok(());
    }
    let Some(uploader) = access.principal().account else { return Err(ApiError::NotPermitted) };
    let wanted = distinct(ids);
    let attached = attachment::Entity::update_many()
        .col_expr(attachment::Column::OwnerKind, Expr::value(owner.kind()))
        .col_expr(attachment::Column::OwnerId, Expr::value(owner.id()))
        .filter(attachment::Column::UploaderKind.eq(uploader.kind()))
        .filter(attachment::Column::UploaderId.eq(uploader.id()))
        .filter(attachment::Column::OwnerKind.is_null())
        .filter(attachment::Column::Id.is_in(wanted.iter().copied()))
        .exec(txn)
        .await?;
    if usize::try_from(attached.rows_affected).ok() != Some(wanted.len()) {
        return Err(ApiError::NotPermitted);
    }
    Ok(())
}

/// The files attached to `owner`, in the order they were uploaded (the caller has been
/// found to reach `owner`'s attachments).
pub async fn of_owner(db: &impl ConnectionTrait, owner: Owner) -> Result<Vec<attachment::Model>, DbErr> {
    let rows = attachment::Entity::find()
        .filter(attachment::Column::OwnerKind.eq(owner.kind()))
        .filter(attachment::Column::OwnerId.eq(owner.id()))
        .order_by(attachment::Column::Id, Order::Asc)
        .all(db)
        .await?;
    Ok(rows)
}

/// Attachment `id` and its bytes, if the caller may open it: an upload not yet attached is
/// its uploader's; an attached one is opened by whoever may open its item's attachments.
pub async fn open(
    db: &DatabaseConnection,
    store: &Store,
    access: &Access,
    id: i64,
) -> Result<Option<(attachment::Model, Vec<u8>)>, ApiError> {
    let Some(row) = attachment::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let reachable = match (row.owner_kind.as_deref(), row.owner_id) {
        (None, _) => access
            .principal()
            .account
            .is_some_and(|account| account.kind() == row.uploader_kind && account.id() == row.uploader_id),
        (Some("notice"), Some(notice)) => match notice::Entity::find_by_id(notice).one(db).await? {
            Some(notice) => crate::family::feed::attachments_open(db, access, &notice).await?,
            None => false,
        },
        (Some("message"), Some(message)) => crate::family::messages::attachments_open(db, access, message).await?,
        _ => false,
    };
    if !reachable {
        return Ok(None);
    }
    let bytes = store.get(db, row.id, &row.storage_key).await.map_err(failed)?;
    Ok(bytes.map(|bytes| (row, bytes)))
}

/// Forgets the files attached to each of `owners`, rows and bytes: the rows (and bytes kept
/// in the database) in `txn`, the bytes kept elsewhere once it committed — by
/// [`forget_stored`] with what this answers.
pub async fn forget_attached(
    txn: &impl ConnectionTrait,
    store: &Store,
    owners: &[Owner],
) -> Result<Vec<attachment::Model>, DbErr> {
    let mut gone = Vec::new();
    for kind in ["notice", "message"] {
        let ids: Vec<i64> = owners.iter().filter(|owner| owner.kind() == kind).map(|owner| owner.id()).collect();
        if ids.is_empty() {
            continue;
        }
        for chunk in ids.chunks(crate::db::INSERT_BATCH_ROWS) {
            let which = Condition::all()
                .add(attachment::Column::OwnerKind.eq(kind))
                .add(attachment::Column::OwnerId.is_in(chunk.iter().copied()));
            let rows = attachment::Entity::find().filter(which.clone()).all(txn).await?;
            if let Store::Database = store {
                for row in &rows {
                    let deleted = store.delete(txn, row.id, &row.storage_key).await;
                    deleted.map_err(|error| DbErr::Custom(error.to_string()))?;
                }
            }
            attachment::Entity::delete_many().filter(which).exec(txn).await?;
            gone.extend(rows);
        }
    }
    Ok(gone)
}

/// Forgets the bytes of `gone` kept outside the database (after their rows' transaction
/// committed); a failure is logged, the rows being gone already.
pub async fn forget_stored(db: &impl ConnectionTrait, store: &Store, gone: &[attachment::Model]) {
    if let Store::Objects { .. } = store {
        for row in gone {
            if let Err(error) = store.delete(db, row.id, &row.storage_key).await {
                tracing::warn!(attachment_id = row.id, %error, "the bytes of a forgotten attachment stay in the store");
            }
        }
    }
}

/// `ids` without repeats.
fn distinct(ids: &[i64]) -> Vec<i64> {
    let mut distinct = ids.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    distinct
}

/// The caller's uploads not attached to anything.
fn unattached_of(uploader: Account) -> sea_orm::Select<attachment::Entity> {
    attachment::Entity::find()
        .filter(attachment::Column::UploaderKind.eq(uploader.kind()))
        .filter(attachment::Column::UploaderId.eq(uploader.id()))
        .filter(attachment::Column::OwnerKind.is_null())
}

/// Forgets the uploads left unattached since before `before` — `uploader`'s, or everyone's —
/// each in its own transaction, unless it was attached meanwhile; how many.
pub async fn forget_unattached(
    db: &DatabaseConnection,
    store: &Store,
    uploader: Option<Account>,
    before: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let stale = match uploader {
        Some(uploader) => unattached_of(uploader),
        None => attachment::Entity::find().filter(attachment::Column::OwnerKind.is_null()),
    };
    let stale = stale.filter(attachment::Column::CreatedAt.lt(before)).all(db).await?;
    let stored = |error: StoreError| DbErr::Custom(error.to_string());
    let mut forgotten = 0;
    for row in stale {
        let txn = crate::db::begin_write(db).await?;
        if let Store::Database = store {
            store.delete(&txn, row.id, &row.storage_key).await.map_err(stored)?;
        }
        let gone = attachment::Entity::delete_many()
            .filter(attachment::Column::Id.eq(row.id))
            .filter(attachment::Column::OwnerKind.is_null())
            .exec(&txn)
            .await?;
        if gone.rows_affected != 1 {
            continue; // attached meanwhile: the transaction rolls back
        }
        txn.commit().await?;
        if let Store::Objects { .. } = store {
            store.delete(db, row.id, &row.storage_key).await.map_err(stored)?;
        }
        forgotten += 1;
    }
    Ok(forgotten)
}

fn failed(error: StoreError) -> ApiError {
    ApiError::internal(error)
}
