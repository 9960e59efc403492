//! Retention: what the school–family link holds is kept as long as its kind's setting says
//! ([`Settings`]) and then forgotten, rows and files alike — a notice with its deliveries,
//! readings, replies, reminders, earlier wordings, attachments and notifications; a
//! conversation with its messages, attachments, members, reports and notifications; a
//! notification; an outbox message once sent or given up; an upload never attached, a day
//! after it was made. A pass ([`sweep`]) forgets one
//! batch of each kind per transaction, so a large backlog never holds long locks and a
//! failure loses nothing but the batch's progress; any instance may run it, and two at once
//! forget each row once. The server runs it at start and every [`EVERY`]
//! ([`sweeper`]); `emis retention` runs it by hand, or tells what it would forget
//! (`--dry-run`). The disclosure log is never swept here: it is kept as the law requires.
//! People's sealed fields are crypto-shredded once their time is over (`shred.rs`).

mod settings;
mod shred;

pub(crate) use shred::destroy;
pub use shred::forgetter;

pub use settings::Settings;

use crate::attachments::files::{self, Owner};
use crate::attachments::store::Store;
use crate::books::told;
use crate::periodic::Periodic;
use chrono::{DateTime, Duration, Utc};
use entity::{
    attachment, conversation, conversation_member, message, message_report, notice, notice_delivery, notice_read,
    notice_reminder, notice_reply, notice_staff_delivery, notice_version, notification, outbox_message,
    staff_notification,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait as _,
    QueryFilter as _, QuerySelect as _, QueryTrait as _,
};

/// How often the running server sweeps.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(6 * 3600);
/// Records of one kind forgotten per transaction.
const BATCH: u64 = 200;

/// What a pass forgot (or, dry, would forget).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub notices: u64,
    pub conversations: u64,
    pub notifications: u64,
    pub outbox_messages: u64,
    pub attachments: u64,
    /// People whose sealed fields were crypto-shredded.
    pub shredded: u64,
}

impl std::ops::AddAssign for Swept {
    fn add_assign(&mut self, other: Self) {
        self.notices += other.notices;
        self.conversations += other.conversations;
        self.notifications += other.notifications;
        self.outbox_messages += other.outbox_messages;
        self.attachments += other.attachments;
        self.shredded += other.shredded;
    }
}

/// The time before which records kept `days` days are forgotten; `None` keeps them for ever.
fn cutoff(now: DateTime<Utc>, days: u32) -> Option<DateTime<Utc>> {
    (days > 0).then(|| now - Duration::days(i64::from(days)))
}

/// Forgets what `settings` no longer keep at `now`; with `dry`, only counts it.
pub async fn sweep(
    db: &DatabaseConnection,
    store: &Store,
    settings: &Settings,
    now: DateTime<Utc>,
    dry: bool,
) -> Result<Swept, DbErr> {
    let mut swept = Swept::default();
    if let Some(before) = cutoff(now, settings.notices_days) {
        let old =
            Condition::all().add(notice::Column::PublishedAt.lt(before)).add(notice::Column::ScheduledFor.is_null());
        if dry {
            swept.notices = notice::Entity::find().filter(old.clone()).count(db).await?;
            let ids = notice::Entity::find().select_only().column(notice::Column::Id).filter(old).into_query();
            swept.attachments += files_of("notice", ids).count(db).await?;
        } else {
            while let Some(batch) = forget_notices(db, store, old.clone()).await? {
                swept += batch;
            }
        }
    }
    if let Some(before) = cutoff(now, settings.messages_days) {
        let old = Condition::all().add(conversation::Column::LastMessageAt.lt(before));
        if dry {
            swept.conversations = conversation::Entity::find().filter(old.clone()).count(db).await?;
            let ids = conversation::Entity::find().select_only().column(conversation::Column::Id).filter(old);
            let messages = message::Entity::find()
                .select_only()
                .column(message::Column::Id)
                .filter(message::Column::ConversationId.in_subquery(ids.into_query()));
            swept.attachments += files_of("message", messages.into_query()).count(db).await?;
        } else {
            while let Some(batch) = forget_conversations(db, store, old.clone()).await? {
                swept += batch;
            }
        }
    }
    if let Some(before) = cutoff(now, settings.notifications_days) {
        let old = Condition::all().add(notification::Column::CreatedAt.lt(before));
        swept.notifications += forget_rows::<notification::Entity>(db, dry, old).await?;
        let old = Condition::all().add(staff_notification::Column::CreatedAt.lt(before));
        swept.notifications += forget_rows::<staff_notification::Entity>(db, dry, old).await?;
    }
    if let Some(before) = cutoff(now, settings.outbox_days) {
        let done = [crate::outbox::State::Sent.as_str(), crate::outbox::State::Failed.as_str()];
        let old = Condition::all()
            .add(outbox_message::Column::CreatedAt.lt(before))
            .add(outbox_message::Column::State.is_in(done));
        swept.outbox_messages = forget_rows::<outbox_message::Entity>(db, dry, old).await?;
    }
    if let Some(before) = cutoff(now, settings.sealed_days) {
        swept.shredded = shred::shred(db, before.date_naive(), now, dry).await?;
    }
    let stale = now - files::unattached_for();
    swept.attachments += if dry {
        let unattached = attachment::Column::OwnerKind.is_null();
        attachment::Entity::find().filter(unattached).filter(attachment::Column::CreatedAt.lt(stale)).count(db).await?
    } else {
        files::forget_unattached(db, store, None, stale).await?
    };
    if !dry && swept != Swept::default() {
        tracing::info!(
            notices = swept.notices,
            conversations = swept.conversations,
            notifications = swept.notifications,
            outbox_messages = swept.outbox_messages,
            attachments = swept.attachments,
            shredded = swept.shredded,
            "records past their retention were forgotten"
        );
    }
    Ok(swept)
}

/// Forgets one batch of the notices `old` selects, with everything kept about them, in one
/// transaction; what it forgot, or `None` when none is left.
async fn forget_notices(db: &DatabaseConnection, store: &Store, old: Condition) -> Result<Option<Swept>, DbErr> {
    let batch = || notice::Entity::find().select_only().column(notice::Column::Id).filter(old.clone()).limit(BATCH);
    // Looked for before the write transaction, so a pass with nothing to do takes no lock.
    if batch().into_tuple::<i64>().one(db).await?.is_none() {
        return Ok(None);
    }
    let txn = crate::db::begin_write(db).await?;
    let ids: Vec<i64> = batch().into_tuple().all(&txn).await?;
    if ids.is_empty() {
        return Ok(None);
    }
    let told_of = Condition::all()
        .add(notification::Column::NoticeId.is_in(ids.iter().copied()))
        .add(notification::Column::Kind.is_in([told::NOTICE, told::NOTICE_REMINDER]));
    let notifications = notification::Entity::delete_many().filter(told_of).exec(&txn).await?.rows_affected;
    let staff_told = Condition::all()
        .add(staff_notification::Column::NoticeId.is_in(ids.iter().copied()))
        .add(staff_notification::Column::Kind.eq(told::NOTICE));
    let notifications =
        notifications + staff_notification::Entity::delete_many().filter(staff_told).exec(&txn).await?.rows_affected;
    delete_among(&txn, notice_read::Column::NoticeId, &ids).await?;
    delete_among(&txn, notice_reply::Column::NoticeId, &ids).await?;
    delete_among(&txn, notice_reminder::Column::NoticeId, &ids).await?;
    delete_among(&txn, notice_version::Column::NoticeId, &ids).await?;
    delete_among(&txn, notice_staff_delivery::Column::NoticeId, &ids).await?;
    delete_among(&txn, notice_delivery::Column::NoticeId, &ids).await?;
    let owners: Vec<Owner> = ids.iter().map(|&id| Owner::Notice(id)).collect();
    let gone = files::forget_attached(&txn, store, &owners).await?;
    delete_among(&txn, notice::Column::Id, &ids).await?;
    txn.commit().await?;
    files::forget_stored(db, store, &gone).await;
    Ok(Some(Swept { notices: count(ids.len()), notifications, attachments: count(gone.len()), ..Swept::default() }))
}

/// Forgets one batch of the conversations `old` selects, with everything kept about them,
/// in one transaction; what it forgot, or `None` when none is left.
async fn forget_conversations(db: &DatabaseConnection, store: &Store, old: Condition) -> Result<Option<Swept>, DbErr> {
    let batch =
        || conversation::Entity::find().select_only().column(conversation::Column::Id).filter(old.clone()).limit(BATCH);
    // Looked for before the write transaction, so a pass with nothing to do takes no lock.
    if batch().into_tuple::<i64>().one(db).await?.is_none() {
        return Ok(None);
    }
    let txn = crate::db::begin_write(db).await?;
    let ids: Vec<i64> = batch().into_tuple().all(&txn).await?;
    if ids.is_empty() {
        return Ok(None);
    }
    let (notifications, gone) = forget_conversations_in(&txn, store, &ids).await?;
    txn.commit().await?;
    files::forget_stored(db, store, &gone).await;
    let conversations = count(ids.len());
    Ok(Some(Swept { conversations, notifications, attachments: count(gone.len()), ..Swept::default() }))
}

/// Forgets the conversations `ids` in `txn`, with their messages, files, members, reports
/// and notifications: how many notifications, and the files whose bytes go once `txn`
/// commits ([`files::forget_stored`]).
pub(crate) async fn forget_conversations_in(
    txn: &impl ConnectionTrait,
    store: &Store,
    ids: &[i64],
) -> Result<(u64, Vec<attachment::Model>), DbErr> {
    let told_of = Condition::all()
        .add(notification::Column::ConversationId.is_in(ids.iter().copied()))
        .add(notification::Column::Kind.eq(told::MESSAGE));
    let notifications = notification::Entity::delete_many().filter(told_of).exec(txn).await?.rows_affected;
    let staff_told = Condition::all()
        .add(staff_notification::Column::ConversationId.is_in(ids.iter().copied()))
        .add(staff_notification::Column::Kind.eq(told::MESSAGE));
    let notifications =
        notifications + staff_notification::Entity::delete_many().filter(staff_told).exec(txn).await?.rows_affected;
    let messages: Vec<i64> = message::Entity::find()
        .select_only()
        .column(message::Column::Id)
        .filter(message::Column::ConversationId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(txn)
        .await?;
    let owners: Vec<Owner> = messages.iter().map(|&id| Owner::Message(id)).collect();
    let gone = files::forget_attached(txn, store, &owners).await?;
    delete_among(txn, message_report::Column::ConversationId, ids).await?;
    delete_among(txn, message::Column::ConversationId, ids).await?;
    delete_among(txn, conversation_member::Column::ConversationId, ids).await?;
    delete_among(txn, conversation::Column::Id, ids).await?;
    Ok((notifications, gone))
}

/// Deletes the rows of `E` matching `old` (only counts them when `dry`); how many.
async fn forget_rows<E>(db: &DatabaseConnection, dry: bool, old: Condition) -> Result<u64, DbErr>
where
    E: EntityTrait,
    E::Model: Sync,
{
    let found = E::find().filter(old.clone()).count(db).await?;
    if dry || found == 0 {
        return Ok(found);
    }
    Ok(E::delete_many().filter(old).exec(db).await?.rows_affected)
}

/// Deletes the rows of `column`'s table whose `column` is among `ids`.
pub(crate) async fn delete_among<C: ColumnTrait>(
    txn: &impl ConnectionTrait,
    column: C,
    ids: &[i64],
) -> Result<u64, DbErr>
where
    C::EntityName: EntityTrait<Column = C>,
{
    let rows =
        <C::EntityName as EntityTrait>::delete_many().filter(column.is_in(ids.iter().copied())).exec(txn).await?;
    Ok(rows.rows_affected)
}

/// The files attached to the items of `kind` whose ids `ids` selects.
fn files_of(kind: &str, ids: sea_orm::sea_query::SelectStatement) -> sea_orm::Select<attachment::Entity> {
    attachment::Entity::find()
        .filter(attachment::Column::OwnerKind.eq(kind))
        .filter(attachment::Column::OwnerId.in_subquery(ids))
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// Sweeps now and then every [`EVERY`], while the server runs.
pub fn sweeper(db: DatabaseConnection, store: std::sync::Arc<Store>, settings: Settings) -> Periodic {
    Periodic::spawn("retention", EVERY, move || {
        let (db, store, settings) = (db.clone(), std::sync::Arc::clone(&store), settings.clone());
        async move {
            if let Err(error) = sweep(&db, &store, &settings, Utc::now(), false).await {
                tracing::warn!(%error, "records past their retention could not be forgotten; trying again later");
            }
        }
    })
}

/// How a pass is reported on the command line, in Vietnamese and English.
pub fn report(swept: Swept, dry: bool) -> String {
    let (vi, en) = if dry { ("sẽ xóa", "would forget") } else { ("đã xóa", "forgot") };
    format!(
        "{vi} {} tin của trường, {} cuộc trò chuyện, {} thông báo, {} tin nhắn gửi đi, {} tệp, dữ liệu mã hóa của {} \
         người / {en} {} notices, {} conversations, {} notifications, {} outbox messages, {} files, the sealed fields \
         of {} people",
        swept.notices,
        swept.conversations,
        swept.notifications,
        swept.outbox_messages,
        swept.attachments,
        swept.shredded,
        swept.notices,
        swept.conversations,
        swept.notifications,
        swept.outbox_messages,
        swept.attachments,
        swept.shredded,
    )
}
