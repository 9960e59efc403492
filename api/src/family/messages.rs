//! Writing in a conversation: sending a message, editing it within [`EDIT_GRACE`], deleting
//! it (a tombstone stays: who and when, with `deleted_at`, the text erased), and marking the
//! conversation read up to its newest message. Every write reaches its conversation or
//! message first, as one of the conversation's members whom the policy lets write about the
//! child (`message`/`write`); only then is the text validated. A message of someone else is
//! answered like a missing one.

use super::conversations::{self, CLOSED, caller, own_member};
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use chrono::{DateTime, Duration, Utc};
use emis_authz::{Action, Kind};
use entity::{conversation, conversation_member, message};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, DatabaseConnection, EntityTrait as _, Order,
    QueryFilter as _,
};

/// How long after sending a message its author may still edit it.
pub const EDIT_GRACE: Duration = Duration::minutes(5);

/// Sends `text` to conversation `id` as the caller; refused once the conversation is closed.
pub async fn send(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<message::Model, ApiError> {
    let found = conversations::reach(db, access, id).await?;
    let me = caller(access)?;
    let text = conversations::body(text)?;
    refuse_closed(&found)?;
    let txn = crate::db::begin_write(db).await?;
    let sent = message::ActiveModel {
        conversation_id: Set(found.id),
        author_kind: Set(me.kind().to_owned()),
        author_id: Set(me.id()),
        body: Set(text),
        created_at: Set(now),
        edited_at: Set(None),
        deleted_at: Set(None),
        school_id: Set(found.school_id),
        student_id: Set(found.student_id),
        class_id: Set(found.class_id),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    conversation::Entity::update_many()
        .col_expr(conversation::Column::LastMessageAt, Expr::value(now))
        .filter(conversation::Column::Id.eq(found.id))
        .exec(&txn)
        .await?;
    conversation_member::Entity::update_many()
        .col_expr(conversation_member::Column::LastReadMessageId, Expr::value(sent.id))
        .filter(own_member(found.id, me))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(sent)
}

/// Replaces the text of the caller's message `id` with `text`, within [`EDIT_GRACE`] of
/// sending it and while the conversation is open.
pub async fn edit(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    text: &str,
    now: DateTime<Utc>,
) -> Result<message::Model, ApiError> {
    let (found, held) = own_message(db, access, id).await?;
    let text = conversations::body(text)?;
    refuse_closed(&held)?;
    if found.deleted_at.is_some() {
        return Err(ApiError::bad_input("tin nhắn đã bị xóa", "the message was deleted"));
    }
    if now - found.created_at > EDIT_GRACE {
        let minutes = EDIT_GRACE.num_minutes();
        return Err(ApiError::bad_input(
            format!("chỉ sửa được tin nhắn trong {minutes} phút sau khi gửi"),
            format!("a message can be edited only within {minutes} minutes of sending it"),
        ));
    }
    message::Entity::update_many()
        .col_expr(message::Column::Body, Expr::value(text.clone()))
        .col_expr(message::Column::EditedAt, Expr::value(now))
        .filter(message::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(message::Model { body: text, edited_at: Some(now), ..found })
}

/// Deletes the caller's message `id`: its row stays with `deleted_at`, its text erased.
/// Deleting again changes nothing.
pub async fn delete(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    now: DateTime<Utc>,
) -> Result<message::Model, ApiError> {
    let (found, _) = own_message(db, access, id).await?;
    if found.deleted_at.is_some() {
        return Ok(found);
    }
    message::Entity::update_many()
        .col_expr(message::Column::Body, Expr::value(String::new()))
        .col_expr(message::Column::DeletedAt, Expr::value(now))
        .filter(message::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(message::Model { body: String::new(), deleted_at: Some(now), ..found })
}

/// Marks conversation `id` read by the caller up to its newest message (never backwards).
pub async fn mark_read(db: &DatabaseConnection, access: &Access, id: i64) -> Result<conversation::Model, ApiError> {
    let which = sea_orm::Condition::all().add(conversation::Column::Id.eq(id));
    let found = access
        .reachable(db, &readers::CONVERSATION, Kind::Message, Action::Read, which)
        .await?
        .ok_or(ApiError::NotPermitted)?;
    let me = caller(access)?;
    let newest = access
        .read(&readers::MESSAGE)
        .narrow(message::Column::ConversationId, |column| column.eq(id))
        .order_by(message::Column::Id, Order::Desc)
        .one(db)
        .await?;
    if let Some(newest) = newest {
        conversation_member::Entity::update_many()
            .col_expr(conversation_member::Column::LastReadMessageId, Expr::value(newest.id))
            .filter(own_member(id, me))
            .filter(
                sea_orm::Condition::any()
                    .add(conversation_member::Column::LastReadMessageId.is_null())
                    .add(conversation_member::Column::LastReadMessageId.lt(newest.id)),
            )
            .exec(db)
            .await?;
    }
    Ok(found)
}

/// The caller's own message `id` and its conversation, reached for writing; someone else's
/// message is answered like a missing one.
async fn own_message(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
) -> Result<(message::Model, conversation::Model), ApiError> {
    let found = access.reach(db, &readers::MESSAGE, Kind::Message, Action::Write, id).await?;
    let me = caller(access)?;
    if found.author_kind != me.kind() || found.author_id != me.id() {
        return Err(ApiError::NotPermitted);
    }
    let held = conversations::reach(db, access, found.conversation_id).await?;
    Ok((found, held))
}

fn refuse_closed(held: &conversation::Model) -> Result<(), ApiError> {
    if held.state == CLOSED {
        return Err(ApiError::bad_input(
            "cuộc trò chuyện đã đóng, không nhận thêm tin nhắn",
            "the conversation is closed and takes no more messages",
        ));
    }
    Ok(())
}
