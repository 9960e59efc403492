//! The mutations of notices: `publishNotice` (to a school, a grade, a class, chosen
//! students or the staff; now or at a later time), `withdrawNotice`, `editNotice`,
//! `remindNotice`, and a guardian's `markNoticeRead` and `replyToInvitation`. Each asks the
//! policy first, in `family/`; a notice out of reach is refused exactly like a missing one.

use super::context::{access, database};
use super::ids;
use super::notices::{InvitationReply, Notice, count};
use crate::error::{ApiError, ApiResult};
use crate::family::drafting::{Audience, Draft};
use crate::family::{feed, invitations, notices, reminders, versions};
use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};

/// What to publish.
#[derive(InputObject)]
pub struct PublishNoticeInput {
    /// notice | document | news | invitation
    pub kind: String,
    /// One line, at most 200 characters.
    pub title: String,
    /// Plain text, at most 10,000 characters.
    pub body: String,
    /// school | grade | class | students | staff | schools (a district officer: every school of
    /// their office); omitted: `class` when `classId` is given,
    /// else `school`.
    pub audience: Option<String>,
    /// The class whose families it is for (audience `class`).
    pub class_id: Option<ID>,
    /// The grade level (1–12) of the caller's school whose families it is for (audience `grade`).
    pub grade_level: Option<i32>,
    /// The students whose families it is for (audience `students`; at most 200).
    pub student_ids: Option<Vec<ID>>,
    /// When it leaves the feed; omitted: never.
    pub expires_at: Option<DateTime<Utc>>,
    /// For an invitation: when the event takes place.
    pub event_at: Option<DateTime<Utc>>,
    /// For an invitation: where (one line).
    pub place: Option<String>,
    /// When to publish it, in the future; omitted: now. Not for chosen students.
    pub publish_at: Option<DateTime<Utc>>,
    /// Files the caller uploaded (`POST /attachments`) to attach, at most 10; each may be
    /// attached once.
    #[graphql(default)]
    pub attachment_ids: Vec<ID>,
    /// Urgent (a school closed by a storm, say): families with no push device, or who chose
    /// SMS for notices, are also texted. Everything else reaches phones by push only.
    #[graphql(default)]
    pub urgent: bool,
}

impl PublishNoticeInput {
    /// The audience the input names; an id of another kind answers like a missing record.
    fn audience(&self) -> ApiResult<Audience> {
        let name = self.audience.as_deref().unwrap_or(if self.class_id.is_some() { "class" } else { "school" });
        let given = (self.class_id.is_some(), self.grade_level.is_some(), self.student_ids.is_some());
        let fits = match name {
            "class" => given == (true, false, false),
            "grade" => given == (false, true, false),
            "students" => given == (false, false, true),
            "school" | "staff" | "schools" => given == (false, false, false),
            _ => false,
        };
        if !fits {
            return Err(ApiError::bad_input(
                "đối tượng nhận là school, grade (với gradeLevel), class (với classId), students (với studentIds), \
                 staff hoặc schools",
                "the audience is school, grade (with gradeLevel), class (with classId), students (with studentIds), \
                 staff or schools",
            ));
        }
        Ok(match name {
            "class" => {
                let id = self.class_id.as_ref().and_then(|id| ids::decode_as("Class", id));
                Audience::Class(id.ok_or(ApiError::NotPermitted)?)
            }
            "grade" => Audience::Grade(self.grade_level.and_then(|grade| i16::try_from(grade).ok()).unwrap_or(0)),
            "students" => {
                let given = self.student_ids.as_deref().unwrap_or_default();
                let decoded: Option<Vec<i64>> = given.iter().map(|id| ids::decode_as("Student", id)).collect();
                Audience::Students(decoded.ok_or(ApiError::NotPermitted)?)
            }
            "staff" => Audience::Staff,
            "schools" => Audience::Schools,
            _ => Audience::School,
        })
    }
}

fn notice_id(id: &ID) -> ApiResult<i64> {
    ids::decode_as("Notice", id).ok_or(ApiError::NotPermitted)
}

fn shown(row: entity::notice::Model) -> Notice {
    Notice(feed::Seen { notice: row, read: None })
}

/// Notices.
#[derive(Default)]
pub struct NoticeMutations;

#[Object]
impl NoticeMutations {
    /// Publishes a notice, document, news or invitation to the families of the caller's
    /// whole school, of one grade of it, of one class or of chosen students, or to the
    /// school's staff. Who it reaches is resolved when it is published — the students
    /// enrolled there that day (or the staff working there) — and kept: a family that
    /// arrives later does not see it, one that leaves keeps it. With `publishAt` it waits,
    /// seen by its author only, until then. The policy decides who may (`notice`/`write`): by
    /// default the principal and the clerk for their school, a homeroom teacher for their
    /// class only. A place or a student out of reach is refused as `FORBIDDEN`, exactly like
    /// a missing one, and nothing is written.
    async fn publish_notice(&self, ctx: &Context<'_>, input: PublishNoticeInput) -> ApiResult<Notice> {
        let attachments = input
            .attachment_ids
            .iter()
            .map(|id| ids::decode_as("Attachment", id).ok_or(ApiError::NotPermitted))
            .collect::<Result<Vec<_>, _>>()?;
        let draft = Draft {
            attachments,
            audience: input.audience()?,
            kind: input.kind,
            title: input.title,
            body: input.body,
            expires_at: input.expires_at,
            event_at: input.event_at,
            place: input.place,
            publish_at: input.publish_at,
            urgent: input.urgent,
        };
        Ok(shown(notices::publish(database(ctx)?, access(ctx)?, &draft, Utc::now()).await?))
    }
    /// Withdraws a notice: it stays in the feed with `withdrawnAt`, its title and body no
    /// longer shown. Whoever may publish to every family it reached may (a homeroom teacher
    /// their class's notices, the principal and clerk their school's); another notice is
    /// refused as `FORBIDDEN`, like a missing one.
    async fn withdraw_notice(&self, ctx: &Context<'_>, notice_id: ID) -> ApiResult<Notice> {
        let id = self::notice_id(&notice_id)?;
        Ok(shown(notices::withdraw(database(ctx)?, access(ctx)?, id, Utc::now()).await?))
    }
    /// Changes a notice's title, body or expiry (what is omitted stays); its earlier wording
    /// is kept (`versions`).
    /// Whoever may withdraw it may; a withdrawn notice is not edited.
    async fn edit_notice(
        &self,
        ctx: &Context<'_>,
        notice_id: ID,
        title: Option<String>,
        body: Option<String>,
        expires_at: Option<DateTime<Utc>>,
    ) -> ApiResult<Notice> {
        let id = self::notice_id(&notice_id)?;
        let change = versions::Edit { title, body, expires_at };
        Ok(shown(versions::edit(database(ctx)?, access(ctx)?, id, &change, Utc::now()).await?))
    }
    /// Reminds the families who have not read a notice (for an invitation: not answered
    /// it): each of their guardians finds a `notice_reminder` in `me.notifications`. Whoever
    /// may withdraw it may, at most once an hour; returns how many guardians were told.
    async fn remind_notice(&self, ctx: &Context<'_>, notice_id: ID) -> ApiResult<i32> {
        let id = self::notice_id(&notice_id)?;
        Ok(count(reminders::remind(database(ctx)?, access(ctx)?, id, Utc::now()).await?))
    }
    /// A guardian marks a notice read for each of their children it reached; returns how
    /// many were unread. A notice not sent to their family is refused like a missing one.
    async fn mark_notice_read(&self, ctx: &Context<'_>, notice_id: ID) -> ApiResult<i32> {
        let id = self::notice_id(&notice_id)?;
        Ok(count(feed::mark_read(database(ctx)?, access(ctx)?, id, Utc::now()).await?))
    }
    /// A guardian answers an invitation — attending or not, with an optional note — for
    /// one child it reached or all of them; the answer can change until the event. Returns
    /// the family's replies. An invitation not sent to their family (or not for the child
    /// named) is refused like a missing one.
    /// `note`: at most 500 characters; `studentId`: the child it answers for, omitted: every
    /// child of the family it reached.
    async fn reply_to_invitation(
        &self,
        ctx: &Context<'_>,
        notice_id: ID,
        attending: bool,
        note: Option<String>,
        student_id: Option<ID>,
    ) -> ApiResult<Vec<InvitationReply>> {
        let id = self::notice_id(&notice_id)?;
        let student = match &student_id {
            Some(given) => Some(ids::decode_as("Student", given).ok_or(ApiError::NotPermitted)?),
            None => None,
        };
        let answer = invitations::Answer { attending, note, student };
        let replies = invitations::reply(database(ctx)?, access(ctx)?, id, &answer, Utc::now()).await?;
        Ok(replies.into_iter().map(InvitationReply::from).collect())
    }
}
