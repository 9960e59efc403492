//! Notices from a school to its families and staff in GraphQL: the `Notice` object — its
//! words, audience and times, its read receipts (`readBy`, `unreadStudents`), an
//! invitation's replies (`replies`, `studentsByReply`, `myReplies`) and its earlier wordings
//! (`versions`) — the feed (`me.notices`) and a notice by id (`notice`). What is shown comes
//! from `family/`, through the deliveries the caller may read; the mutations are in
//! `notice_mutations.rs`.

use super::attachments::Attachment;
use super::context::{access, database};
use super::ids;
use super::people::Student;
use crate::attachments::files;
use crate::error::ApiResult;
use crate::family::invitations::{self, Reply};
use crate::family::{feed, versions};
use crate::privacy::readers;
use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::student;
use sea_orm::{ColumnTrait as _, Order};

/// A notice, document, news or invitation a school published to families or staff.
pub struct Notice(pub feed::Seen);

#[Object]
impl Notice {
    /// The notice's global id (what `markNoticeRead` and `notice` take).
    async fn id(&self) -> ID {
        ids::encode("Notice", self.0.notice.id)
    }
    /// notice | document | news | invitation
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
    /// Whether its author marked it urgent (it may then reach phones by SMS).
    async fn urgent(&self) -> bool {
        self.0.notice.urgent
    }
    /// school | grade | class | students | staff | schools (every school of an office)
    async fn audience(&self) -> &str {
        &self.0.notice.audience
    }
    /// The class a class's notice is for; null otherwise.
    async fn class_id(&self) -> Option<ID> {
        self.0.notice.class_id.map(|class| ids::encode("Class", class))
    }
    /// The grade level a grade's notice is for; null otherwise.
    async fn grade_level(&self) -> Option<i32> {
        self.0.notice.grade_level.map(i32::from)
    }
    /// When it was published (and its recipients resolved) — or, while `scheduled`, will be.
    async fn published_at(&self) -> DateTime<Utc> {
        self.0.notice.published_at
    }
    /// Whether it waits for its publishing time (seen only by its author until then).
    async fn scheduled(&self) -> bool {
        self.0.notice.scheduled_for.is_some()
    }
    /// After this time the notice leaves the feed; null: it stays.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.notice.expires_at
    }
    /// For an invitation: when the event takes place (replies close then).
    async fn event_at(&self) -> Option<DateTime<Utc>> {
        self.0.notice.event_at
    }
    /// For an invitation: where; null once withdrawn.
    async fn place(&self) -> Option<&str> {
        self.0.notice.place.as_deref().filter(|_| self.0.notice.withdrawn_at.is_none())
    }
    /// When its title, body or expiry were last edited; null if never.
    async fn edited_at(&self) -> Option<DateTime<Utc>> {
        self.0.notice.edited_at
    }
    /// Its earlier wordings, newest first (none once withdrawn).
    async fn versions(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20, validator(minimum = 1, maximum = 100))] first: i32,
    ) -> ApiResult<Vec<NoticeVersion>> {
        let rows = versions::versions(database(ctx)?, &self.0.notice, u64::try_from(first).unwrap_or(20)).await?;
        Ok(rows
            .into_iter()
            .map(|row| NoticeVersion {
                title: row.title,
                body: row.body,
                expires_at: row.expires_at,
                edited_at: row.edited_at,
            })
            .collect())
    }
    /// For a guardian: whether they have marked it read (for every child it reached); null
    /// for staff.
    async fn read(&self) -> Option<bool> {
        self.0.read
    }
    /// Of the families it reached that the caller may see (one per student): how many have
    /// read it and how many have not.
    async fn read_by(&self, ctx: &Context<'_>) -> ApiResult<ReadBy> {
        let (read, unread) = feed::readings(database(ctx)?, access(ctx)?, self.0.notice.id).await?;
        Ok(ReadBy { read: count(read), unread: count(unread) })
    }
    /// The files attached to it (at most 10), to whoever may open them (`attachment`/`read`);
    /// empty once withdrawn. Each downloads from its `url` with the same bearer token.
    async fn attachments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Attachment>> {
        let (db, access) = (database(ctx)?, access(ctx)?);
        if !feed::attachments_open(db, access, &self.0.notice).await? {
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
        let first = usize::try_from(first).unwrap_or(50);
        let unread = feed::unread_students(database(ctx)?, access(ctx)?, self.0.notice.id, first).await?;
        students(ctx, unread).await
    }
    /// For an invitation: of the families it reached that the caller may see (one per
    /// student), how many will attend, will not, or have not answered.
    async fn replies(&self, ctx: &Context<'_>) -> ApiResult<Replies> {
        let answers = invitations::answers(database(ctx)?, access(ctx)?, self.0.notice.id).await?;
        let with = |reply| count(u64::try_from(answers.iter().filter(|(_, r)| *r == reply).count()).unwrap_or(0));
        Ok(Replies {
            attending: with(Reply::Attending),
            not_attending: with(Reply::NotAttending),
            no_reply: with(Reply::None),
        })
    }
    /// For an invitation: the students whose families gave `reply`, as far as the caller may
    /// see them, by id.
    async fn students_by_reply(
        &self,
        ctx: &Context<'_>,
        reply: ReplyState,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
    ) -> ApiResult<Vec<Student>> {
        let wanted = match reply {
            ReplyState::Attending => Reply::Attending,
            ReplyState::NotAttending => Reply::NotAttending,
            ReplyState::NoReply => Reply::None,
        };
        let answers = invitations::answers(database(ctx)?, access(ctx)?, self.0.notice.id).await?;
        let first = usize::try_from(first).unwrap_or(50);
        let chosen = answers.into_iter().filter(|(_, reply)| *reply == wanted).map(|(student, _)| student).take(first);
        students(ctx, chosen.collect()).await
    }
    /// For a guardian: their family's reply for each child the invitation reached.
    async fn my_replies(&self, ctx: &Context<'_>) -> ApiResult<Vec<InvitationReply>> {
        let (db, access) = (database(ctx)?, access(ctx)?);
        if access.principal().guardian_id().is_none() {
            return Ok(Vec::new());
        }
        let own = invitations::own(db, access, self.0.notice.id).await?;
        Ok(own.into_iter().map(InvitationReply::from).collect())
    }
}

/// The students `ids` the caller may see, by id.
async fn students(ctx: &Context<'_>, ids: Vec<i64>) -> ApiResult<Vec<Student>> {
    let (db, access) = (database(ctx)?, access(ctx)?);
    let students = access
        .read(&readers::STUDENT)
        .narrow(student::Column::Id, |column| column.is_in(ids))
        .order_by(student::Column::Id, Order::Asc)
        .all(db)
        .await?;
    Ok(students.into_iter().map(Student::from).collect())
}

/// Read receipts of a notice, counted per student it reached.
#[derive(SimpleObject)]
pub struct ReadBy {
    /// Deliveries a guardian of the student has marked read.
    pub read: i32,
    /// Deliveries no guardian has marked read yet.
    pub unread: i32,
}

/// Replies to an invitation, counted per student it reached.
#[derive(SimpleObject)]
pub struct Replies {
    /// Deliveries whose family answered that they will attend.
    pub attending: i32,
    /// Deliveries whose family answered that they will not.
    pub not_attending: i32,
    /// Deliveries no guardian has answered yet.
    pub no_reply: i32,
}

/// A family's answer to an invitation.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ReplyState {
    Attending,
    NotAttending,
    NoReply,
}

/// A family's reply to an invitation for one child.
#[derive(SimpleObject)]
pub struct InvitationReply {
    /// The child the answer is for.
    pub student_id: ID,
    /// Whether the family will attend.
    pub attending: bool,
    /// The family's note, if any.
    pub note: Option<String>,
    /// When the family last answered.
    pub replied_at: DateTime<Utc>,
}

impl From<entity::notice_reply::Model> for InvitationReply {
    fn from(row: entity::notice_reply::Model) -> Self {
        Self {
            student_id: ids::encode("Student", row.student_id),
            attending: row.attending,
            note: row.note,
            replied_at: row.replied_at,
        }
    }
}

/// An earlier wording of an edited notice.
#[derive(SimpleObject)]
pub struct NoticeVersion {
    /// The title it had.
    pub title: String,
    /// The body it had.
    pub body: String,
    /// The expiry it had.
    pub expires_at: Option<DateTime<Utc>>,
    /// When this wording was replaced.
    pub edited_at: DateTime<Utc>,
}

pub(super) fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// `me.notices`: the caller's feed, newest first.
pub async fn list(ctx: &Context<'_>, first: u64) -> ApiResult<Vec<Notice>> {
    let rows = feed::feed(database(ctx)?, access(ctx)?, first, Utc::now()).await?;
    Ok(rows.into_iter().map(Notice).collect())
}

/// `notice(id)`: null when missing or out of reach alike.
pub async fn one(ctx: &Context<'_>, id: &ID) -> ApiResult<Option<Notice>> {
    let Some(id) = ids::decode_as("Notice", id) else { return Ok(None) };
    Ok(feed::notice(database(ctx)?, access(ctx)?, id).await?.map(Notice))
}
