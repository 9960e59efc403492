//! Notifications to guardians, as GraphQL shows them: the list (`me.notifications`), the
//! unread counts by kind (`me.unread`), marking read (`markRead`, `markNotificationsRead`),
//! and how each went out to the family's phones (`deliveries`). Every row passes the privacy
//! layer as the record it tells of ([`crate::family::alerts`]); the live stream of the same
//! rows is [`super::stream`].

use super::context::{access, database};
use super::ids;
use crate::error::{ApiError, ApiResult};
use crate::family::alerts::{self, Subject, Wanted};
use crate::family::{feed, messages};
use async_graphql::{Context, ID, InputObject, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::notification;

/// Something a guardian is told about their child.
#[derive(SimpleObject)]
pub struct Notification {
    /// The notification's global id (what `markRead` takes).
    pub id: ID,
    /// absence | notice | notice_reminder | message | score
    pub kind: String,
    /// The child the notification is about.
    pub student_id: ID,
    /// The day the notification is about.
    pub date: NaiveDate,
    /// For an absence: morning | afternoon
    pub session: Option<String>,
    /// For an absence: the lesson period, for a mark on one period; null for a whole session.
    pub period: Option<i32>,
    /// For an absence: the attendance status told: excused | unexcused | late | left_period
    pub status: Option<String>,
    /// When the notification was made.
    pub created_at: DateTime<Utc>,
    /// When the guardian marked it read; null while unread.
    pub read_at: Option<DateTime<Utc>>,
    /// The notice a `notice` or `notice_reminder` tells of (`notice(id)` shows it).
    pub notice_id: Option<ID>,
    /// The conversation a `message` was written in (`conversation(id)` shows it).
    pub conversation_id: Option<ID>,
    /// The section whose scores a `score` tells of.
    pub section_id: Option<ID>,
    /// Whether the school marked it urgent (it may then reach the family by SMS).
    pub urgent: bool,
    /// How it went out to the family's phones, by push or SMS; empty until the outbox has
    /// decided, or when the family chose none for its kind.
    pub deliveries: Vec<NotificationDelivery>,
}

/// One message the outbox sends about a notification.
#[derive(SimpleObject)]
pub struct NotificationDelivery {
    /// push | sms
    pub channel: String,
    /// pending | sending | sent | failed
    pub state: String,
    /// When the gateway accepted it; null until then.
    pub sent_at: Option<DateTime<Utc>>,
}

impl Notification {
    /// The notification `row`, with the deliveries the outbox made of it.
    pub fn new(row: notification::Model, deliveries: Vec<crate::outbox::NotificationSent>) -> Self {
        Self {
            id: ids::encode("Notification", row.id),
            kind: row.kind,
            student_id: ids::encode("Student", row.student_id),
            date: row.date,
            session: row.session,
            period: row.period,
            status: row.status,
            created_at: row.created_at,
            read_at: row.read_at,
            notice_id: row.notice_id.map(|notice| ids::encode("Notice", notice)),
            conversation_id: row.conversation_id.map(|conversation| ids::encode("Conversation", conversation)),
            section_id: row.section_id.map(|section| ids::encode("Section", section)),
            urgent: row.urgent,
            deliveries: deliveries
                .into_iter()
                .map(|sent| NotificationDelivery { channel: sent.channel, state: sent.state, sent_at: sent.sent_at })
                .collect(),
        }
    }
}

/// `rows` shown, each with its deliveries (read in one statement).
pub async fn shown(db: &sea_orm::DatabaseConnection, rows: Vec<notification::Model>) -> ApiResult<Vec<Notification>> {
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let mut sent = crate::outbox::sent_for_notifications(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let deliveries = sent.remove(&row.id).unwrap_or_default();
            Notification::new(row, deliveries)
        })
        .collect())
}

/// `me.notifications`: the newest first, of the kinds asked (every kind when none).
pub async fn list(ctx: &Context<'_>, first: u64, unread_only: bool, kinds: &[String]) -> ApiResult<Vec<Notification>> {
    let wanted = Wanted { unread_only, kinds, limit: first, ..Wanted::default() };
    let db = database(ctx)?;
    let rows = alerts::readable(db, access(ctx)?, wanted).await?;
    shown(db, rows).await
}

/// How many notifications the caller has not read, in all and by kind (conversations also
/// count theirs: `me.conversations { unread }`). A staff member is told of notices and
/// messages, and a privacy officer of reads refused at a sharing agreement's cap.
#[derive(SimpleObject)]
pub struct Unread {
    /// Every kind together.
    pub total: i32,
    /// Vendors' reads refused at a sharing agreement's daily cap (privacy officers).
    pub sharing_caps: i32,
    /// Absences and late arrivals.
    pub absences: i32,
    /// Notices, documents, news and invitations, with their reminders.
    pub notices: i32,
    /// New messages in conversations.
    pub messages: i32,
    /// Scores recorded.
    pub scores: i32,
}

/// `me.unread`.
pub async fn unread(ctx: &Context<'_>) -> ApiResult<Unread> {
    let (db, access) = (database(ctx)?, access(ctx)?);
    let counts = if access.principal().staff_id().is_some() {
        crate::family::staff_alerts::unread(db, access).await?
    } else {
        alerts::unread(db, access).await?
    };
    let of = |kinds: &[&str]| {
        let sum: u64 = kinds.iter().map(|kind| counts.get(kind).copied().unwrap_or_default()).sum();
        i32::try_from(sum).unwrap_or(i32::MAX)
    };
    use crate::books::told::{ABSENCE, KINDS, MESSAGE, NOTICE, NOTICE_REMINDER, SCORE};
    use crate::books::told_staff::SHARING_CAP;
    Ok(Unread {
        total: of(&KINDS) + of(&[SHARING_CAP]),
        sharing_caps: of(&[SHARING_CAP]),
        absences: of(&[ABSENCE]),
        notices: of(&[NOTICE, NOTICE_REMINDER]),
        messages: of(&[MESSAGE]),
        scores: of(&[SCORE]),
    })
}

/// What `markRead` marks.
#[derive(InputObject, Default)]
pub struct MarkReadInput {
    /// Notifications (a staff member's: staff notifications) by id; a notice's id marks the
    /// notice read (as `markNoticeRead`; for staff, its notifications only), a
    /// conversation's id marks it read (as `markConversationRead`), each with its
    /// notifications.
    #[graphql(default)]
    pub ids: Vec<ID>,
    /// Every unread notification of these kinds: absence | notice | notice_reminder |
    /// message | score (a staff member's: notice | message | sharing_cap).
    #[graphql(default)]
    pub kinds: Vec<String>,
}

/// `markRead`: marks what `input` names read and answers the unread counts after. A notice
/// or conversation the caller may not read is refused like a missing one, before anything
/// is written. A staff member's ids are of staff notifications.
pub async fn mark_read(ctx: &Context<'_>, input: MarkReadInput) -> ApiResult<Unread> {
    let access = access(ctx)?;
    let staff = access.principal().staff_id().is_some();
    if access.principal().guardian_id().is_none() && !staff {
        return Err(ApiError::NotPermitted);
    }
    for kind in &input.kinds {
        let staff_kind = staff && crate::books::told_staff::KINDS.contains(&kind.as_str());
        if !crate::books::told::KINDS.contains(&kind.as_str()) && !staff_kind {
            return Err(ApiError::bad_input(
                "loại thông báo phải là absence, notice, notice_reminder, message, score hoặc (nhân viên) sharing_cap",
                "the kind must be absence, notice, notice_reminder, message, score or (staff) sharing_cap",
            ));
        }
    }
    let db = database(ctx)?;
    let now = Utc::now();
    let mut notifications = Vec::new();
    let mut subjects = Vec::new();
    for id in &input.ids {
        let own_kind = if staff { "StaffNotification" } else { "Notification" };
        if let Some(row) = ids::decode_as(own_kind, id) {
            notifications.push(row);
        } else if let Some(notice) = ids::decode_as("Notice", id) {
            subjects.push(Subject::Notice(notice));
        } else if let Some(conversation) = ids::decode_as("Conversation", id) {
            subjects.push(Subject::Conversation(conversation));
        } else {
            return Err(ApiError::NotPermitted);
        }
    }
    // Every notice and conversation is reached before anything is written.
    for subject in &subjects {
        match *subject {
            Subject::Notice(notice) => {
                feed::notice(db, access, notice).await?.ok_or(ApiError::NotPermitted)?;
            }
            Subject::Conversation(conversation) => {
                crate::family::conversations::readable(db, access, conversation).await?;
            }
        }
    }
    for subject in &subjects {
        match *subject {
            // Staff keep no read receipts of notices: their notifications of it are marked below.
            Subject::Notice(_) if staff => {}
            Subject::Notice(notice) => {
                feed::mark_read(db, access, notice, now).await?;
            }
            Subject::Conversation(conversation) => {
                messages::mark_read(db, access, conversation).await?;
            }
        }
    }
    let with = if staff { subjects.as_slice() } else { &[] };
    alerts::mark_read(db, access, &notifications, &input.kinds, with, now).await?;
    unread(ctx).await
}

/// `markNotificationsRead`: marks the caller's notifications `ids` read; how many were marked.
pub async fn mark_notifications_read(ctx: &Context<'_>, given: &[ID]) -> ApiResult<i32> {
    if access(ctx)?.principal().guardian_id().is_none() {
        return Err(ApiError::NotPermitted);
    }
    let rows: Vec<i64> = given.iter().filter_map(|id| ids::decode_as("Notification", id)).collect();
    let marked = alerts::mark_read(database(ctx)?, access(ctx)?, &rows, &[], &[], Utc::now()).await?;
    Ok(i32::try_from(marked).unwrap_or(i32::MAX))
}
