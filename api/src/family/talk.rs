//! What the people in a conversation read of it: their conversations, newest activity first,
//! with how many messages they have not read; one conversation by id; its messages, newest
//! first, a page at a time; and who is in it (names and parts only). A conversation is read
//! by its members (`message`/`read`) or, once reported, by whoever moderates the school's
//! (`message`/`moderate`): such a reading is marked [`Held::moderated`] so that it is recorded
//! in the child's disclosure log. [`since`] lists a caller's new messages for a live feed.

use super::conversations::{caller, own_member};
use crate::error::ApiError;
use crate::privacy::{Access, Visible, readers};
use chrono::{DateTime, Utc};
use emis_authz::Action;
use entity::{conversation, conversation_member, message};
use sea_orm::{ColumnTrait as _, Condition, DatabaseConnection, DbErr, Order};

/// A conversation as one caller holds it.
#[derive(Clone, Debug)]
pub struct Held {
    pub conversation: conversation::Model,
    /// Read by someone not in it, because it was reported (a moderator).
    pub moderated: bool,
}

impl Held {
    /// The action the caller reads this conversation's rows under.
    fn action(&self) -> Action {
        if self.moderated { Action::Moderate } else { Action::Read }
    }

    /// The rows of `reader` belonging to this conversation, as the caller may read them.
    fn rows<'a, E>(
        &self,
        access: &'a Access,
        reader: &'static crate::privacy::Reader<E>,
        column: E::Column,
    ) -> Visible<'a, E>
    where
        E: sea_orm::EntityTrait,
        E::Model: Send + Sync,
    {
        let id = self.conversation.id;
        access.rows_for(self.action(), reader).narrow(column, |column| column.eq(id))
    }
}

/// The caller's conversations, newest activity first, at most `first`.
pub async fn list(db: &DatabaseConnection, access: &Access, first: u64) -> Result<Vec<Held>, DbErr> {
    let rows = access
        .read(&readers::CONVERSATION)
        .order_by(conversation::Column::LastMessageAt, Order::Desc)
        .order_by(conversation::Column::Id, Order::Desc)
        .limit(first)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|conversation| Held { conversation, moderated: false }).collect())
}

/// Conversation `id` as the caller may read it: as a member, or as a moderator once it was
/// reported; `None` when missing or out of reach alike.
pub async fn held(db: &DatabaseConnection, access: &Access, id: i64) -> Result<Option<Held>, DbErr> {
    if let Some(conversation) = access.read(&readers::CONVERSATION).by_id(id).one(db).await? {
        return Ok(Some(Held { conversation, moderated: false }));
    }
    let moderated = access.rows_for(Action::Moderate, &readers::CONVERSATION).by_id(id).one(db).await?;
    Ok(moderated.map(|conversation| Held { conversation, moderated: true }))
}

/// The messages of `held`, newest first, older than message `before` when given, at most
/// `first`.
pub async fn messages(
    db: &DatabaseConnection,
    access: &Access,
    held: &Held,
    first: u64,
    before: Option<i64>,
) -> Result<Vec<message::Model>, DbErr> {
    let mut rows = held.rows(access, &readers::MESSAGE, message::Column::ConversationId);
    if let Some(before) = before {
        rows = rows.narrow(message::Column::Id, |column| column.lt(before));
    }
    rows.order_by(message::Column::Id, Order::Desc).limit(first).all(db).await
}

/// The people in `held`, in the order they joined, each with their name.
pub async fn members(
    db: &DatabaseConnection,
    access: &Access,
    held: &Held,
) -> Result<Vec<(conversation_member::Model, Option<String>)>, DbErr> {
    let rows = held
        .rows(access, &readers::CONVERSATION_MEMBER, conversation_member::Column::ConversationId)
        .order_by(conversation_member::Column::Id, Order::Asc)
        .all(db)
        .await?;
    let mut names = super::members::names(db, &rows).await?;
    Ok(rows.into_iter().map(|row| (names.remove(&row.id), row)).map(|(name, row)| (row, name)).collect())
}

/// How many messages of `held` the caller has not read: those after the last one they
/// marked read, written by others and not deleted. Zero for a moderator.
pub async fn unread(db: &DatabaseConnection, access: &Access, held: &Held) -> Result<u64, ApiError> {
    if held.moderated {
        return Ok(0);
    }
    let me = caller(access)?;
    let id = held.conversation.id;
    let own = access.read(&readers::CONVERSATION_MEMBER).through(own_member(id, me)).one(db).await?;
    let Some(own) = own else { return Ok(0) };
    let mut rows = held
        .rows(access, &readers::MESSAGE, message::Column::ConversationId)
        .narrow(message::Column::DeletedAt, |column| column.is_null())
        .through(
            Condition::any().add(message::Column::AuthorKind.ne(me.kind())).add(message::Column::AuthorId.ne(me.id())),
        );
    if let Some(last) = own.last_read_message_id {
        rows = rows.narrow(message::Column::Id, |column| column.gt(last));
    }
    Ok(rows.count(db).await?)
}

/// The messages written after `after` in the conversations the caller is in, oldest first,
/// at most `first`: what a live feed delivers to them next.
pub async fn since(
    db: &DatabaseConnection,
    access: &Access,
    after: DateTime<Utc>,
    first: u64,
) -> Result<Vec<message::Model>, DbErr> {
    access
        .read(&readers::MESSAGE)
        .narrow(message::Column::CreatedAt, |column| column.gt(after))
        .order_by(message::Column::Id, Order::Asc)
        .limit(first)
        .all(db)
        .await
}
