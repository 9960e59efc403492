//! The mutations of private conversations: opening one (as a guardian with a teacher of the
//! child, as a teacher with the child's guardians), sending, editing and deleting messages,
//! closing, reporting, muting and marking read. Each reaches its conversation or message
//! through the policy first ([`crate::family`]); one out of reach answers like a missing one.

use super::context::{access, database, state};
use super::conversations::{Conversation, Message};
use super::ids;
use crate::error::{ApiError, ApiResult};
use crate::family::{conversations, messages, talk};
use async_graphql::{Context, ID, InputObject, Object};
use chrono::Utc;
use entity::message;

/// Whom to open a conversation with.
#[derive(InputObject)]
pub struct OpenConversationInput {
    /// The child it is about.
    pub student_id: ID,
    /// For a guardian: the teacher to write to (the child's homeroom teacher or a teacher of
    /// the child). A teacher names no one: the child's guardians are reached.
    pub with_staff_id: Option<ID>,
}

pub(super) fn conversation_of(id: &ID) -> ApiResult<i64> {
    ids::decode_as("Conversation", id).ok_or(ApiError::NotPermitted)
}

fn message_of(id: &ID) -> ApiResult<i64> {
    ids::decode_as("Message", id).ok_or(ApiError::NotPermitted)
}

fn member(conversation: entity::conversation::Model) -> Conversation {
    Conversation(talk::Held { conversation, moderated: false })
}

fn written(row: message::Model) -> Message {
    Message { row, mine: true }
}

/// Conversations.
#[derive(Default)]
pub struct ConversationMutations;

#[Object]
impl ConversationMutations {
    /// Opens a private conversation about a child: a guardian with the child's homeroom
    /// teacher or a teacher of the child (`withStaffId`), a teacher with the child's
    /// guardians. The policy decides who may (`message`/`write`); a child, or a teacher, out
    /// of reach is refused as `FORBIDDEN`, exactly like a missing one, and nothing is written.
    async fn open_conversation(&self, ctx: &Context<'_>, input: OpenConversationInput) -> ApiResult<Conversation> {
        let student = ids::decode_as("Student", &input.student_id).ok_or(ApiError::NotPermitted)?;
        let with_staff = match &input.with_staff_id {
            Some(id) => Some(ids::decode_as("Staff", id).ok_or(ApiError::NotPermitted)?),
            None => None,
        };
        let row = conversations::open(database(ctx)?, access(ctx)?, student, with_staff, Utc::now()).await?;
        Ok(member(row))
    }
    /// Sends a message (plain text, at most 10,000 characters) to a conversation the caller
    /// is in; refused once it is closed. Another conversation is refused as `FORBIDDEN`,
    /// like a missing one.
    /// `attachmentIds`: the caller's uploads (`POST /attachments`) to attach, at most 10;
    /// they open for the conversation's members until the message is deleted.
    async fn send_message(
        &self,
        ctx: &Context<'_>,
        conversation_id: ID,
        body: String,
        #[graphql(default, validator(max_items = 10))] attachment_ids: Vec<ID>,
    ) -> ApiResult<Message> {
        let id = conversation_of(&conversation_id)?;
        let attachments = attachment_ids
            .iter()
            .map(|id| ids::decode_as("Attachment", id).ok_or(ApiError::NotPermitted))
            .collect::<Result<Vec<_>, _>>()?;
        let sent = messages::send(database(ctx)?, access(ctx)?, id, &body, &attachments, Utc::now()).await?;
        Ok(written(sent))
    }
    /// Replaces the text of one of the caller's messages, within 5 minutes of sending it.
    async fn edit_message(&self, ctx: &Context<'_>, message_id: ID, body: String) -> ApiResult<Message> {
        let id = message_of(&message_id)?;
        Ok(written(messages::edit(database(ctx)?, access(ctx)?, id, &body, Utc::now()).await?))
    }
    /// Deletes one of the caller's messages: it stays in the conversation with `deletedAt`,
    /// its text erased.
    async fn delete_message(&self, ctx: &Context<'_>, message_id: ID) -> ApiResult<Message> {
        let id = message_of(&message_id)?;
        let server = state(ctx)?;
        Ok(written(messages::delete(&server.db, &server.attachments, access(ctx)?, id, Utc::now()).await?))
    }
    /// Closes a conversation the caller is in: still readable, no more messages.
    async fn close_conversation(&self, ctx: &Context<'_>, conversation_id: ID) -> ApiResult<Conversation> {
        let id = conversation_of(&conversation_id)?;
        Ok(member(conversations::close(database(ctx)?, access(ctx)?, id, Utc::now()).await?))
    }
    /// Reports a conversation the caller is in as abusive, with a reason (at most 1,000
    /// characters): the school's principal may then read it, and each reading is recorded in
    /// the child's disclosure log.
    async fn report_conversation(&self, ctx: &Context<'_>, conversation_id: ID, reason: String) -> ApiResult<bool> {
        let id = conversation_of(&conversation_id)?;
        conversations::report(database(ctx)?, access(ctx)?, id, &reason, Utc::now()).await?;
        Ok(true)
    }
    /// Mutes (or unmutes) a conversation for the caller: new messages in it still arrive in
    /// the app and count as unread, but no longer notify the caller or reach their phone.
    /// Another conversation is refused as `FORBIDDEN`, like a missing one.
    async fn mute_conversation(&self, ctx: &Context<'_>, conversation_id: ID, muted: bool) -> ApiResult<Conversation> {
        let id = conversation_of(&conversation_id)?;
        Ok(member(messages::mute(database(ctx)?, access(ctx)?, id, muted).await?))
    }
    /// Marks a conversation the caller is in read up to its newest message.
    async fn mark_conversation_read(&self, ctx: &Context<'_>, conversation_id: ID) -> ApiResult<Conversation> {
        let id = conversation_of(&conversation_id)?;
        Ok(member(messages::mark_read(database(ctx)?, access(ctx)?, id).await?))
    }
}
