//! A staff member's own availability: the weekly windows when notifications reach their
//! phone ([`super::hours`]). They set only their own; with none set, the school hours apply.
//! Messages are never lost to it: what comes outside the hours is in the app and on the live
//! stream at once, and is pushed when the next window opens.

use super::hours::{Hours, Week, Window, hhmm};
use crate::error::ApiError;
use chrono::{DateTime, NaiveTime, Utc};
use entity::staff_availability::{self, Column as C};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait as _, QueryFilter as _,
};
use std::collections::HashMap;

/// Most windows one staff member keeps.
pub const MAX_WINDOWS: usize = 42;

/// Replaces staff member `staff`'s windows with `windows` (none: follow the school hours),
/// in one transaction; their notifications held for the old hours are looked at again.
pub async fn set(db: &DatabaseConnection, staff: i64, windows: &[Window]) -> Result<(), ApiError> {
    if windows.len() > MAX_WINDOWS {
        return Err(ApiError::bad_input(
            format!("tối đa {MAX_WINDOWS} khung giờ"),
            format!("at most {MAX_WINDOWS} windows"),
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    staff_availability::Entity::delete_many().filter(C::StaffId.eq(staff)).exec(&txn).await?;
    let rows: Vec<_> = windows
        .iter()
        .map(|window| staff_availability::ActiveModel {
            staff_id: Set(staff),
            weekday: Set(i32::try_from(window.weekday).unwrap_or(1)),
            starts: Set(hhmm(window.starts)),
            ends: Set(hhmm(window.ends)),
            ..Default::default()
        })
        .collect();
    if !rows.is_empty() {
        staff_availability::Entity::insert_many(rows).exec_without_returning(&txn).await?;
    }
    // Held notifications wait for the next dispatch pass to weigh them against the new hours.
    entity::staff_notification::Entity::update_many()
        .col_expr(entity::staff_notification::Column::HeldUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(entity::staff_notification::Column::StaffId.eq(staff))
        .filter(entity::staff_notification::Column::DispatchedAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(())
}

/// The windows each of `staff` set, for those who set any.
pub async fn of(db: &impl ConnectionTrait, staff: &[i64]) -> Result<HashMap<i64, Week>, DbErr> {
    let rows = staff_availability::Entity::find().filter(C::StaffId.is_in(staff.iter().copied())).all(db).await?;
    let mut weeks: HashMap<i64, Week> = HashMap::new();
    for row in rows {
        let time = |text: &str| NaiveTime::parse_from_str(text, "%H:%M").ok();
        let (Some(starts), Some(ends), Ok(weekday)) = (time(&row.starts), time(&row.ends), u32::try_from(row.weekday))
        else {
            continue;
        };
        weeks.entry(row.staff_id).or_default().0.push(Window { weekday, starts, ends });
    }
    Ok(weeks)
}

/// The hours that hold for a staff member: their own windows, else the school's.
pub fn effective(own: Option<&Week>, school: &Hours) -> Hours {
    own.cloned().or_else(|| school.clone())
}

/// Whether `hours` are open at `now`, and when they open next if not (`None` for hours that
/// never open).
pub fn open_at(hours: &Hours, now: DateTime<Utc>) -> (bool, Option<DateTime<Utc>>) {
    match hours {
        None => (true, None),
        Some(week) if week.contains(now) => (true, None),
        Some(week) => (false, week.next_open(now)),
    }
}
