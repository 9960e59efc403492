//! Private conversations between families and teachers in GraphQL: the mutations
//! (`openConversation`, `sendMessage`, `editMessage`, `deleteMessage`, `closeConversation`,
//! `reportConversation`, `markConversationRead`), the caller's conversations
//! (`me.conversations`) and one by id (`conversation`). What is shown comes from `family/`,
//! through the readers of conversations; a moderator's reading of a reported conversation's
//! messages is noted in the child's disclosure log. No phone number or other contact detail
//! is part of any type here.

use super::attachments::Attachment;
use super::context::{access, database, state};
use super::ids;
use crate::attachments::files;
use crate::disclosure::Disclosures;
use crate::error::{ApiError, ApiResult};
use crate::family::talk;
use crate::staffing::availability;
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use emis_authz::Kind;
use entity::message;
use std::sync::Arc;

/// A private conversation about one child between their guardians and a teacher.
pub struct Conversation(pub talk::Held);

#[Object]
impl Conversation {
    /// The conversation's global id.
    async fn id(&self) -> ID {
        ids::encode("Conversation", self.0.conversation.id)
    }
    /// The child it is about.
    async fn student_id(&self) -> ID {
        ids::encode("Student", self.0.conversation.student_id)
    }
    /// open | closed (closed: still readable, no more messages).
    async fn state(&self) -> &str {
        &self.0.conversation.state
    }
    /// When it was opened.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.conversation.created_at
    }
    /// When the newest message was written (when it was opened, before any).
    async fn last_message_at(&self) -> DateTime<Utc> {
        self.0.conversation.last_message_at
    }
    /// When it was closed; null while open.
    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.conversation.closed_at
    }
    /// Messages the caller has not read (written by others after the last one they marked
    /// read, deleted ones not counted); 0 for a moderator.
    async fn unread(&self, ctx: &Context<'_>) -> ApiResult<i32> {
        let unread = talk::unread(database(ctx)?, access(ctx)?, &self.0).await?;
        Ok(i32::try_from(unread).unwrap_or(i32::MAX))
    }
    /// The people in it: names and parts only.
    async fn members(&self, ctx: &Context<'_>) -> ApiResult<Vec<ConversationMember>> {
        let (db, access) = (database(ctx)?, access(ctx)?);
        let me = access.principal().account;
        let rows = talk::members(db, access, &self.0).await?;
        Ok(rows
            .into_iter()
            .map(|(row, name)| ConversationMember {
                is_me: me.is_some_and(|me| me.kind() == row.account_kind && me.id() == row.account_id),
                name,
                role: row.role,
            })
            .collect())
    }
    /// Its messages, newest first; `before`: only those older than that message (the next
    /// page).
    async fn messages(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
        before: Option<ID>,
    ) -> ApiResult<Vec<Message>> {
        let (db, access) = (database(ctx)?, access(ctx)?);
        let before = match before {
            Some(id) => Some(ids::decode_as("Message", &id).ok_or_else(|| {
                ApiError::bad_input("`before` không phải mã tin nhắn", "`before` is not a message id")
            })?),
            None => None,
        };
        let rows = talk::messages(db, access, &self.0, u64::try_from(first).unwrap_or(50), before).await?;
        if self.0.moderated
            && !rows.is_empty()
            && let Ok(disclosures) = ctx.data::<Arc<Disclosures>>()
        {
            let held = &self.0.conversation;
            disclosures.note(access.principal(), held.student_id, held.school_id, Kind::Message.as_str());
        }
        let me = access.principal().account;
        Ok(rows
            .into_iter()
            .map(|row| Message {
                mine: me.is_some_and(|me| me.kind() == row.author_kind && me.id() == row.author_id),
                row,
            })
            .collect())
    }
}

/// Someone in a conversation.
#[derive(SimpleObject)]
pub struct ConversationMember {
    /// Their full name.
    pub name: Option<String>,
    /// guardian | homeroom_teacher | subject_teacher
    pub role: String,
    /// Whether it is the caller.
    pub is_me: bool,
}

/// One message of a conversation, plain text.
pub struct Message {
    pub(super) row: message::Model,
    pub(super) mine: bool,
}

#[Object]
impl Message {
    /// The message's global id (what `editMessage` and `deleteMessage` take).
    async fn id(&self) -> ID {
        ids::encode("Message", self.row.id)
    }
    /// The conversation it belongs to.
    async fn conversation_id(&self) -> ID {
        ids::encode("Conversation", self.row.conversation_id)
    }
    /// The text, line breaks kept; null once deleted.
    async fn body(&self) -> Option<&str> {
        self.row.deleted_at.is_none().then_some(self.row.body.as_str())
    }
    /// Who wrote it: staff | guardian.
    async fn author_kind(&self) -> &str {
        &self.row.author_kind
    }
    /// Whether the caller wrote it.
    async fn mine(&self) -> bool {
        self.mine
    }
    /// When it was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }
    /// When its text was last changed; null: never.
    async fn edited_at(&self) -> Option<DateTime<Utc>> {
        self.row.edited_at
    }
    /// When its author deleted it; null while it stands.
    async fn deleted_at(&self) -> Option<DateTime<Utc>> {
        self.row.deleted_at
    }
    /// The files attached to it (at most 10); empty once deleted. Each downloads from its
    /// `url` with the same bearer token.
    async fn attachments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Attachment>> {
        if self.row.deleted_at.is_some() {
            return Ok(Vec::new());
        }
        let rows = files::of_owner(database(ctx)?, files::Owner::Message(self.row.id)).await?;
        Ok(rows.into_iter().map(Attachment::from).collect())
    }
}

/// A teacher a guardian may write to about a child.
#[derive(SimpleObject)]
pub struct Correspondent {
    /// The teacher's staff id (what `openConversation` takes as `withStaffId`).
    pub staff_id: ID,
    /// Their full name.
    pub name: String,
    /// homeroom_teacher | subject_teacher
    pub role: String,
    /// Whether the teacher's phone takes messages now (their hours, else the school's); a
    /// message written outside them waits in the app and reaches them when they open.
    pub available_now: bool,
    /// When the teacher's hours open next, if not now.
    pub next_available_at: Option<DateTime<Utc>>,
}

/// `Student.correspondents`.
pub async fn correspondents(ctx: &Context<'_>, student: i64) -> ApiResult<Vec<Correspondent>> {
    let server = state(ctx)?;
    let found = crate::family::correspondents::of_child(database(ctx)?, access(ctx)?, student).await?;
    let teachers: Vec<i64> = found.iter().map(|teacher| teacher.staff).collect();
    let own = availability::of(database(ctx)?, &teachers).await?;
    let now = Utc::now();
    Ok(found
        .into_iter()
        .map(|teacher| {
            let hours = availability::effective(own.get(&teacher.staff), &server.config.outbox.school_hours);
            let (available_now, next_available_at) = availability::open_at(&hours, now);
            Correspondent {
                staff_id: ids::encode("Staff", teacher.staff),
                name: teacher.name,
                role: teacher.role.to_owned(),
                available_now,
                next_available_at,
            }
        })
        .collect())
}

/// `me.conversations`: the caller's conversations, newest activity first.
pub async fn list(ctx: &Context<'_>, first: u64) -> ApiResult<Vec<Conversation>> {
    let rows = talk::list(database(ctx)?, access(ctx)?, first).await?;
    Ok(rows.into_iter().map(Conversation).collect())
}

/// `conversation(id)`: null when missing or out of reach alike.
pub async fn one(ctx: &Context<'_>, id: &ID) -> ApiResult<Option<Conversation>> {
    let Some(id) = ids::decode_as("Conversation", id) else { return Ok(None) };
    Ok(talk::held(database(ctx)?, access(ctx)?, id).await?.map(Conversation))
}
