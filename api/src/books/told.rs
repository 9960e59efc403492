//! What guardians are told about their children (`notification`): the kinds of notification,
//! the kind of channel choice each falls under, and writing a batch of them on the caller's
//! connection — in the transaction of the change that causes them, so a change and its
//! notifications commit or fail together. Who is told is decided by the caller; how each
//! reaches a phone is decided once, later, by the outbox.

use chrono::{DateTime, NaiveDate, Utc};
use entity::notification;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait as _};

/// A child marked absent (or late) in a roll call.
pub const ABSENCE: &str = "absence";
/// A notice published for the child.
pub const NOTICE: &str = "notice";
/// A reminder of a notice still unread or unanswered.
pub const NOTICE_REMINDER: &str = "notice_reminder";
/// A message in a conversation about the child.
pub const MESSAGE: &str = "message";
/// Scores recorded in one of the child's sections.
pub const SCORE: &str = "score";

/// Every kind, in the order lists show them.
pub const KINDS: [&str; 5] = [ABSENCE, NOTICE, NOTICE_REMINDER, MESSAGE, SCORE];

/// The kinds a family chooses a channel for: a reminder goes the way of its notice.
pub const CHANNEL_KINDS: [&str; 4] = [ABSENCE, NOTICE, MESSAGE, SCORE];

/// The channel choice notification kind `kind` falls under.
pub fn channel_kind(kind: &str) -> &str {
    if kind == NOTICE_REMINDER { NOTICE } else { kind }
}

/// Where the child a notification is about is placed: their school and the class they are
/// (or were, when the cause was written) in.
#[derive(Clone, Copy, Debug)]
pub struct About {
    pub student: i64,
    pub school: i64,
    pub class: i64,
}

/// What a notification refers to besides the child, for the app to open.
#[derive(Clone, Copy, Debug, Default)]
pub struct Refers {
    pub notice: Option<i64>,
    pub conversation: Option<i64>,
    pub section: Option<i64>,
}

/// One notification of `kind` to `guardian` about `about`, written at `now` for the day
/// `date`.
pub fn row(
    guardian: i64,
    about: About,
    kind: &'static str,
    refers: Refers,
    urgent: bool,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> notification::ActiveModel {
    notification::ActiveModel {
        guardian_id: Set(guardian),
        school_id: Set(about.school),
        student_id: Set(about.student),
        class_id: Set(about.class),
        kind: Set(kind.to_owned()),
        date: Set(date),
        created_at: Set(now),
        read_at: Set(None),
        notice_id: Set(refers.notice),
        conversation_id: Set(refers.conversation),
        section_id: Set(refers.section),
        urgent: Set(urgent),
        dispatched_at: Set(None),
        ..Default::default()
    }
}

/// Writes `rows` in statements of at most [`crate::db::INSERT_BATCH_ROWS`]; how many.
pub async fn write(db: &impl ConnectionTrait, rows: Vec<notification::ActiveModel>) -> Result<usize, DbErr> {
    let count = rows.len();
    for chunk in rows.chunks(crate::db::INSERT_BATCH_ROWS) {
        notification::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    Ok(count)
}
