//! Writing in a conversation: sending a message, editing it within [`EDIT_GRACE`], deleting
//! it (a tombstone stays: who and when, with `deleted_at`, the text erased), and marking the
//! conversation read up to its newest message. Every write reaches its conversation or
//! message first, as one of the conversation's members whom the policy lets write about the
//! child (`message`/`write`); only then is the text validated. A message of someone else is
//! answered like a missing one. A message may carry the sender's uploads, opened by the
//! members who may read it until it is deleted (its files are erased with its text). A
//! message sent tells the conversation's other members (a `message` notification to each
//! guardian, a staff `message` notification to each teacher), unless they muted it
//! ([`mute`]).

use super::conversations::{self, CLOSED, caller, own_member};
use crate::attachments::files::{self, Owner};
use crate::attachments::store::Store;
use crate::auth::Account;
use crate::books::{told, told_staff};
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use chrono::{DateTime, Duration, Utc};
use emis_authz::{Action, Kind};
use entity::{conversation, conversation_member, message};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, DatabaseConnection, DatabaseTransaction, DbErr,
    EntityTrait as _, Order, QueryFilter as _,
};

/// How a guardian member's `account_kind` reads.
const GUARDIAN: &str = "guardian";
/// How a staff member's `account_kind` reads.
const STAFF: &str = "staff";

/// How long after sending a message its author may still edit it.
pub const EDIT_GRACE: Duration = Duration::minutes(5);

/// Sends `text` to conversation `id` as the caller, with the caller's uploads `attachments`;
/// refused once the conversation is closed.
pub async fn send(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    text: &str,
    attachments: &[i64],
    now: DateTime<Utc>,
) -> Result<message::Model, ApiError> {
    let found = conversations::reach(db, access, id).await?;
    let me = caller(access)?;
    let text = conversations::body(text)?;
    refuse_closed(&found)?;
    files::check_attachable(db, access, attachments).await?;
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
    files::attach(&txn, access, attachments, Owner::Message(sent.id)).await?;
    tell_members(&txn, access, &found, me, now).await?;
    txn.commit().await?;
    Ok(sent)
}

/// Whether the caller may open the files of message `id`: whoever may read it (a member, or
/// a moderator once the conversation was reported), while it is not deleted.
pub async fn attachments_open(db: &DatabaseConnection, access: &Access, id: i64) -> Result<bool, DbErr> {
    for action in [Action::Read, Action::Moderate] {
        let which = sea_orm::Condition::all().add(message::Column::Id.eq(id));
        if let Some(found) = access.reachable(db, &readers::MESSAGE, Kind::Message, action, which).await? {
            return Ok(found.deleted_at.is_none());
        }
    }
    Ok(false)
}

/// Tells the conversation's members other than the sender, who have not muted it, of a new
/// message: each guardian by a `message` notification (never urgent), each staff member by a
/// staff `message` notification. The members are read as the sender, who is one of them.
async fn tell_members(
    txn: &DatabaseTransaction,
    access: &Access,
    held: &conversation::Model,
    me: Account,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let members = access
        .read(&readers::CONVERSATION_MEMBER)
        .narrow(conversation_member::Column::ConversationId, |column| column.eq(held.id))
        .all(txn)
        .await?;
    let about = told::About { student: held.student_id, school: held.school_id, class: held.class_id };
    let refers = told::Refers { conversation: Some(held.id), ..told::Refers::default() };
    let today = crate::clock::date_in_vietnam(now);
    let others: Vec<&conversation_member::Model> = members
        .iter()
        .filter(|member| !member.muted)
        .filter(|member| !(member.account_kind == me.kind() && member.account_id == me.id()))
        .collect();
    let guardians = others.iter().filter(|member| member.account_kind == GUARDIAN);
    let guardians =
        guardians.map(|member| told::row(member.account_id, about, told::MESSAGE, refers, false, today, now));
    told::write(txn, guardians.collect()).await?;
    let staff = others.iter().filter(|member| member.account_kind == STAFF);
    let staff = staff.map(|member| told_staff::message(member.account_id, about, held.id, now));
    told_staff::write(txn, staff.collect()).await?;
    Ok(())
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

/// Deletes the caller's message `id`: its row stays with `deleted_at`, its text and files
/// erased. Deleting again changes nothing.
pub async fn delete(
    db: &DatabaseConnection,
    store: &Store,
    access: &Access,
    id: i64,
    now: DateTime<Utc>,
) -> Result<message::Model, ApiError> {
    let (found, _) = own_message(db, access, id).await?;
    if found.deleted_at.is_some() {
        return Ok(found);
    }
    let txn = crate::db::begin_write(db).await?;
    message::Entity::update_many()
        .col_expr(message::Column::Body, Expr::value(String::new()))
        .col_expr(message::Column::DeletedAt, Expr::value(now))
        .filter(message::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let gone = files::forget_attached(&txn, store, &[Owner::Message(id)]).await?;
    txn.commit().await?;
    files::forget_stored(db, store, &gone).await;
    Ok(message::Model { body: String::new(), deleted_at: Some(now), ..found })
}

/// Marks conversation `id` read by the caller up to its newest message (never backwards),
/// with its `message` notifications.
pub async fn mark_read(db: &DatabaseConnection, access: &Access, id: i64) -> Result<conversation::Model, ApiError> {
    let found = conversations::readable(db, access, id).await?;
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
    let read = [super::alerts::Subject::Conversation(id)];
    super::alerts::mark_read(db, access, &[], &[], &read, Utc::now()).await?;
    Ok(found)
}

/// Mutes conversation `id` for the caller (`muted`), or unmutes it: a muted member is not
/// told of new messages, which still arrive and count as unread.
pub async fn mute(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    muted: bool,
) -> Result<conversation::Model, ApiError> {
    let found = conversations::readable(db, access, id).await?;
    let me = caller(access)?;
    conversation_member::Entity::update_many()
        .col_expr(conversation_member::Column::Muted, Expr::value(muted))
        .filter(own_member(id, me))
        .exec(db)
        .await?;
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
