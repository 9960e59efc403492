//! What a staff member is told and when it reaches their phone, as GraphQL shows it: their
//! notifications (`me.staffNotifications`, and the live `staffNotifications` stream in
//! [`super::stream`]), and their availability (`me.availability`, `setAvailability`): the
//! weekly hours when notifications are pushed to their phone, the school hours when they set
//! none. Outside them nothing is lost: notifications are in the app and on the live stream at
//! once, and are pushed when the next window opens (`heldUntil`).

use super::context::{access, database, state};
use super::ids;
use crate::error::{ApiError, ApiResult};
use crate::family::alerts::Wanted;
use crate::family::staff_alerts;
use crate::staffing::{availability, hours};
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::staff_notification;

/// Something a staff member is told of.
#[derive(SimpleObject)]
pub struct StaffNotification {
    /// The notification's global id (what `markRead` takes).
    pub id: ID,
    /// notice | message | sharing_cap
    pub kind: String,
    /// The notice a `notice` tells of (`notice(id)` shows it).
    pub notice_id: Option<ID>,
    /// The conversation a `message` was written in (`conversation(id)` shows it).
    pub conversation_id: Option<ID>,
    /// The child the conversation of a `message` is about.
    pub student_id: Option<ID>,
    /// The read a `sharing_cap` tells of: refused because it would have taken a sharing
    /// agreement past its daily cap of students (told to the privacy officers of the
    /// agreement's organisation and of the schools it covers).
    pub sharing_cap: Option<super::sharing::SharingCapAlert>,
    /// When the notification was made.
    pub created_at: DateTime<Utc>,
    /// When the staff member marked it read; null while unread.
    pub read_at: Option<DateTime<Utc>>,
    /// When it was handed to the outbox for their phone; null until then.
    pub dispatched_at: Option<DateTime<Utc>>,
    /// While not dispatched: held until this time, because it came outside their hours.
    pub held_until: Option<DateTime<Utc>>,
}

/// The notifications `rows` as GraphQL shows them, with the cap alerts they tell of: read as
/// the notification is, which the privacy layer let the caller read.
pub async fn as_shown(
    db: &impl sea_orm::ConnectionTrait,
    rows: Vec<staff_notification::Model>,
) -> Result<Vec<StaffNotification>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
    let alerts: std::collections::HashMap<i64, entity::sharing_cap_alert::Model> =
        entity::sharing_cap_alert::Entity::find()
            .filter(entity::sharing_cap_alert::Column::Id.is_in(rows.iter().filter_map(|row| row.cap_alert_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|alert| (alert.id, alert))
            .collect();
    Ok(rows
        .into_iter()
        .map(|row| StaffNotification {
            id: ids::encode("StaffNotification", row.id),
            sharing_cap: row.cap_alert_id.and_then(|alert| alerts.get(&alert)).cloned().map(Into::into),
            kind: row.kind,
            notice_id: row.notice_id.map(|notice| ids::encode("Notice", notice)),
            conversation_id: row.conversation_id.map(|conversation| ids::encode("Conversation", conversation)),
            student_id: row.student_id.map(|student| ids::encode("Student", student)),
            created_at: row.created_at,
            read_at: row.read_at,
            dispatched_at: row.dispatched_at,
            held_until: row.held_until.filter(|_| row.dispatched_at.is_none()),
        })
        .collect())
}

/// `me.staffNotifications`: the newest first, of the kinds asked (every kind when none).
pub async fn list(
    ctx: &Context<'_>,
    first: u64,
    unread_only: bool,
    kinds: &[String],
) -> ApiResult<Vec<StaffNotification>> {
    let wanted = Wanted { unread_only, kinds, limit: first, ..Wanted::default() };
    let db = database(ctx)?;
    let rows = staff_alerts::readable(db, access(ctx)?, wanted).await?;
    Ok(as_shown(db, rows).await?)
}

/// One weekly window of availability.
#[derive(SimpleObject)]
pub struct AvailabilityWindow {
    /// 1 (Monday) to 7 (Sunday).
    pub weekday: i32,
    /// HH:MM on Vietnam's clock, included.
    pub from: String,
    /// HH:MM on Vietnam's clock, excluded.
    pub to: String,
}

/// When a staff member's notifications reach their phone.
#[derive(SimpleObject)]
pub struct Availability {
    /// The staff member's own windows; empty when they follow the school hours.
    pub windows: Vec<AvailabilityWindow>,
    /// Whether the school hours apply (the staff member set none).
    pub school_hours: bool,
    /// The hours that apply now, own or the school's; empty with `always` true when the
    /// server sets no school hours.
    pub effective: Vec<AvailabilityWindow>,
    /// Whether notifications reach the phone at any time.
    pub always: bool,
    /// Whether notifications reach the phone now.
    pub available_now: bool,
    /// When the next window opens, if not now.
    pub next_available_at: Option<DateTime<Utc>>,
}

fn shown(week: &hours::Week) -> Vec<AvailabilityWindow> {
    week.shown()
        .into_iter()
        .map(|(weekday, from, to)| AvailabilityWindow { weekday: i32::try_from(weekday).unwrap_or(1), from, to })
        .collect()
}

/// The caller's staff id; anyone else is refused.
fn staff_caller(ctx: &Context<'_>) -> ApiResult<i64> {
    access(ctx)?.principal().staff_id().ok_or(ApiError::NotPermitted)
}

/// `me.availability`.
pub async fn availability_of(ctx: &Context<'_>) -> ApiResult<Availability> {
    let me = staff_caller(ctx)?;
    let server = state(ctx)?;
    let own = availability::of(database(ctx)?, &[me]).await?.remove(&me);
    let effective = availability::effective(own.as_ref(), &server.config.outbox.school_hours);
    let (available_now, next_available_at) = availability::open_at(&effective, Utc::now());
    Ok(Availability {
        windows: own.as_ref().map(shown).unwrap_or_default(),
        school_hours: own.is_none(),
        effective: effective.as_ref().map(shown).unwrap_or_default(),
        always: effective.is_none(),
        available_now,
        next_available_at,
    })
}

/// Windows as a staff member gives them.
#[derive(InputObject)]
pub struct AvailabilityInput {
    /// Days as schools write them: `t2-t6`, `thứ 2, thứ 4`, `CN`, `mon-fri`, …
    pub days: String,
    /// The start, HH:MM on Vietnam's clock (`7h`, `7h30` also read).
    pub from: String,
    /// The end, later the same day.
    pub to: String,
}

/// The mutations of a staff member's availability.
#[derive(Default)]
pub struct AvailabilityMutations;

#[Object]
impl AvailabilityMutations {
    /// Sets when the caller's notifications reach their phone: weekly windows on Vietnam's
    /// clock, replacing those set before; none follows the school hours again. Outside them
    /// notifications wait in the app and are pushed when the next window opens. Staff only.
    async fn set_availability(
        &self,
        ctx: &Context<'_>,
        #[graphql(validator(max_items = 14))] windows: Vec<AvailabilityInput>,
    ) -> ApiResult<Availability> {
        let me = staff_caller(ctx)?;
        let mut week = Vec::new();
        for window in &windows {
            week.extend(hours::windows(&window.days, &window.from, &window.to)?);
        }
        availability::set(database(ctx)?, me, &week).await?;
        availability_of(ctx).await
    }
}
