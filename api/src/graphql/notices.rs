//! Notices from a school to its families in GraphQL: `publishNotice` and `markNoticeRead`,
//! a guardian's feed (`me.notices`), a notice by id (`notice`), and its read receipts
//! (`Notice.readBy`), and its attachments (`Notice.attachments`). What is shown comes from
//! `family/`, through the deliveries the caller may read.

use super::context::{access, state};
use super::ids;
use super::people::Student;
use crate::attachments::files;
use crate::error::{ApiError, ApiResult};
use crate::family::{feed, notices};
use crate::privacy::readers;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{attachment, student};
use sea_orm::{ColumnTrait as _, Order};

/// A notice, document or news a school published to families.
pub struct Notice(pub feed::Seen);

#[Object]
impl Notice {
    /// The notice's global id (what `markNoticeRead` and `notice` take).
    async fn id(&self) -> ID {
        ids::encode("Notice", self.0.notice.id)
    }
    /// notice | document | news
    async fn kind(&self) -> &str {
        &self.0.notice.kind
    }
    /// One line; null once withdrawn.
    async fn title(&self) -> Option<&str> {
        self.0.notice.withdrawn_at.is_none().then_some(self.0.notice.title.as_str())
    }
    /// Plain text, line breaks kept; null once withdrawn.
    async fn body(&self) -> Option<&str> {
        self.0.notice.withdrawn_at.is_none().then_some(self.0.notice.body.as_str())
    }
    /// When it was withdrawn; null while it stands.
    async fn withdrawn_at(&self) -> Option<DateTime<Utc>> {
        self.0.notice.withdrawn_at
    }
    /// school | class
    async fn audience(&self) -> &str {
        &self.0.notice.audience
    }
    /// The class a class's notice is for; null for the whole school.
    async fn class_id(&self) -> Option<ID> {
        self.0.notice.class_id.map(|class| ids::encode("Class", class))
    }
    /// When it was published (and its recipients resolved).
    async fn published_at(&self) -> DateTime<Utc> {
        self.0.notice.published_at
    }
    /// After this time the notice leaves the families' feed; null: it stays.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.notice.expires_at
    }
    /// For a guardian: whether they have marked it read (for every child it reached); null
    /// for staff.
    async fn read(&self) -> Option<bool> {
        self.0.read
    }
    /// Of the families it reached that the caller may see (one per student): how many have
    /// read it and how many have not.
    async fn read_by(&self, ctx: &Context<'_>) -> ApiResult<ReadBy> {
        let (read, unread) = feed::readings(&state(ctx)?.db, access(ctx)?, self.0.notice.id).await?;
        Ok(ReadBy { read: count(read), unread: count(unread) })
    }
    /// The files attached to it (at most 10), to whoever may open them (`attachment`/`read`);
    /// empty once withdrawn. Each downloads from its `url` with the same bearer token.
    async fn attachments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Attachment>> {
        let (db, access) = (&state(ctx)?.db, access(ctx)?);
        if !feed::attachments_open(db, access, self.0.notice.id).await? {
            return Ok(Vec::new());
        }
        let rows = files::of_owner(db, files::Owner::Notice(self.0.notice.id)).await?;
        Ok(rows.into_iter().map(Attachment::from).collect())
    }
    /// The students it reached whose families have not marked it read, as far as the caller
    /// may see them, by id; their guardians' names are `guardians { fullName }`.
    async fn unread_students(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
    ) -> ApiResult<Vec<Student>> {
        let (db, access) = (&state(ctx)?.db, access(ctx)?);
        let first = usize::try_from(first).unwrap_or(50);
        let unread = feed::unread_students(db, access, self.0.notice.id, first).await?;
        let students = access
            .read(&readers::STUDENT)
            .narrow(student::Column::Id, |column| column.is_in(unread))
            .order_by(student::Column::Id, Order::Asc)
            .all(db)
            .await?;
        Ok(students.into_iter().map(Student::from).collect())
    }
}

/// A file attached to a notice.
#[derive(SimpleObject)]
pub struct Attachment {
    /// The attachment's global id.
    pub id: ID,
    /// The name it was uploaded under.
    pub file_name: String,
    /// The media type read from its bytes.
    pub content_type: String,
    /// Its size in bytes.
    pub size: i64,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
    /// Where to download it (`GET`, with the bearer token), relative to the server.
    pub url: String,
}

impl From<attachment::Model> for Attachment {
    fn from(row: attachment::Model) -> Self {
        let id = ids::encode("Attachment", row.id);
        let url = format!("/attachments/{}", id.0);
        Self {
            id,
            file_name: row.file_name,
            content_type: row.content_type,
            size: row.size_bytes,
            sha256: row.sha256,
            url,
        }
    }
}

/// Read receipts of a notice, counted per student it reached.
#[derive(SimpleObject)]
pub struct ReadBy {
    /// Deliveries a guardian of the student has marked read.
    pub read: i32,
    /// Deliveries no guardian has marked read yet.
    pub unread: i32,
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// What to publish.
#[derive(InputObject)]
pub struct PublishNoticeInput {
    /// notice | document | news
    pub kind: String,
    /// One line, at most 200 characters.
    pub title: String,
    /// Plain text, at most 10,000 characters.
    pub body: String,
    /// The class whose families it is for; omitted: the caller's whole school.
    pub class_id: Option<ID>,
    /// When it leaves the families' feed; omitted: never.
    pub expires_at: Option<DateTime<Utc>>,
    /// Files the caller uploaded (`POST /attachments`) to attach, at most 10; each may be
    /// attached once.
    #[graphql(default)]
    pub attachment_ids: Vec<ID>,
}

/// Publishes a notice (see `MutationRoot.publishNotice`).
pub async fn publish(ctx: &Context<'_>, input: PublishNoticeInput) -> ApiResult<Notice> {
    let class = match &input.class_id {
        Some(id) => Some(ids::decode_as("Class", id).ok_or(ApiError::NotPermitted)?),
        None => None,
    };
    let attachments = input
        .attachment_ids
        .iter()
        .map(|id| ids::decode_as("Attachment", id).ok_or(ApiError::NotPermitted))
        .collect::<Result<Vec<_>, _>>()?;
    let draft = notices::Draft {
        kind: input.kind,
        title: input.title,
        body: input.body,
        class,
        expires_at: input.expires_at,
        attachments,
    };
    let row = notices::publish(&state(ctx)?.db, access(ctx)?, &draft, Utc::now()).await?;
    Ok(Notice(feed::Seen { notice: row, read: None }))
}

/// Marks a notice read (see `MutationRoot.markNoticeRead`).
pub async fn mark_read(ctx: &Context<'_>, notice_id: &ID) -> ApiResult<i32> {
    let id = ids::decode_as("Notice", notice_id).ok_or(ApiError::NotPermitted)?;
    Ok(count(feed::mark_read(&state(ctx)?.db, access(ctx)?, id, Utc::now()).await?))
}

/// `me.notices`: the guardian's feed, newest first.
pub async fn list(ctx: &Context<'_>, first: u64) -> ApiResult<Vec<Notice>> {
    let rows = feed::feed(&state(ctx)?.db, access(ctx)?, first, Utc::now()).await?;
    Ok(rows.into_iter().map(Notice).collect())
}

/// `notice(id)`: null when missing or out of reach alike.
pub async fn one(ctx: &Context<'_>, id: &ID) -> ApiResult<Option<Notice>> {
    let Some(id) = ids::decode_as("Notice", id) else { return Ok(None) };
    Ok(feed::notice(&state(ctx)?.db, access(ctx)?, id).await?.map(Notice))
}

/// Notices.
#[derive(Default)]
pub struct NoticeMutations;

#[Object]
impl NoticeMutations {
    /// Publishes a notice, document or news to the families of one class (`classId`) or of
    /// the caller's whole school. Who it reaches is resolved now — the students enrolled
    /// there today — and kept: a family that arrives later does not see it, one that leaves
    /// keeps it. The policy decides who may (`notice`/`write`): by default the principal and
    /// the clerk for their school or any of its classes, a homeroom teacher for their class
    /// only. A class out of reach is refused as `FORBIDDEN`, exactly like a missing one, and
    /// nothing is written.
    async fn publish_notice(&self, ctx: &Context<'_>, input: PublishNoticeInput) -> ApiResult<Notice> {
        publish(ctx, input).await
    }
    /// Withdraws a notice: it stays in the families' feed with `withdrawnAt`, its title and
    /// body no longer shown. Whoever may publish to every family it reached may (a homeroom
    /// teacher their class's notices, the principal and clerk their school's); another
    /// notice is refused as `FORBIDDEN`, like a missing one.
    async fn withdraw_notice(&self, ctx: &Context<'_>, notice_id: ID) -> ApiResult<Notice> {
        let id = ids::decode_as("Notice", &notice_id).ok_or(ApiError::NotPermitted)?;
        let row = notices::withdraw(&state(ctx)?.db, access(ctx)?, id, Utc::now()).await?;
        Ok(Notice(feed::Seen { notice: row, read: None }))
    }
    /// A guardian marks a notice read for each of their children it reached; returns how
    /// many were unread. A notice not sent to their family is refused like a missing one.
    async fn mark_notice_read(&self, ctx: &Context<'_>, notice_id: ID) -> ApiResult<i32> {
        mark_read(ctx, &notice_id).await
    }
}
