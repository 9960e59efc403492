//! Personal-data breaches (Decree 356/2025): a school's privacy officer records what happened
//! and when it was found; the deadline to notify is 72 hours later. When the breach is one
//! reader's reads (a stolen account, a vendor's leak), the students it affected are those the
//! disclosure log shows that reader was shown in the window — read through the privacy
//! layer's log read, so only students whose log the officer may read, of the school the
//! breach is recorded for. Recording and marking notified need the policy's `breach`/`write`
//! on the school; a school out of reach answers like a missing one.

use crate::error::{ApiError, ApiResult};
use crate::privacy::{Access, LogQuery, readers};
use chrono::{DateTime, Duration, Utc};
use emis_authz::{Action, Kind};
use entity::{breach, breach_student};
use sea_orm::{ActiveValue::Set, ColumnTrait as _, DatabaseConnection, EntityTrait as _, Order};
use std::collections::BTreeSet;

/// The time the law gives to notify the authority of a breach.
pub const NOTIFY_WITHIN: Duration = Duration::hours(72);
/// Longest description kept.
const DESCRIPTION_CHARS: usize = 4_000;
/// Most disclosure-log parts searched for one breach.
const MOST_SEARCHED: usize = 1_000_000;

/// What the privacy officer reports.
pub struct Report {
    pub school: i64,
    pub description: String,
    pub discovered_at: DateTime<Utc>,
    /// The reader whose reads the breach is (`staff`, `guardian` or `vendor` and the id), or
    /// why the id given names none — refused only once the policy let the caller write.
    pub reader: Option<ApiResult<(String, i64)>>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Records the breach `report` describes, with the students it affected.
pub async fn record(
    db: &DatabaseConnection,
    access: &Access,
    report: Report,
    now: DateTime<Utc>,
) -> ApiResult<breach::Model> {
    access.reach(db, &readers::SCHOOL, Kind::Breach, Action::Write, report.school).await?;
    let reader = report.reader.transpose()?;
    let description = report.description.trim();
    if description.is_empty() || description.chars().count() > DESCRIPTION_CHARS {
        return Err(ApiError::bad_input(
            "mô tả sự cố phải có, tối đa 4000 ký tự",
            "the description is required, at most 4000 characters",
        ));
    }
    if report.discovered_at > now {
        return Err(ApiError::bad_input("thời điểm phát hiện ở tương lai", "the discovery time is in the future"));
    }
    if let (Some(from), Some(to)) = (report.from, report.to)
        && from >= to
    {
        return Err(ApiError::bad_input("khoảng thời gian không hợp lệ", "the window ends before it starts"));
    }
    let affected: BTreeSet<i64> = match &reader {
        Some(reader) => {
            let query = LogQuery { reader: Some(reader.clone()), purpose: None, from: report.from, to: report.to };
            let shown = access.disclosures(db, &query, MOST_SEARCHED).await?;
            shown.iter().filter(|part| part.school() == report.school).map(|part| part.student()).collect()
        }
        None => BTreeSet::new(),
    };
    let staff = access.principal().staff_id().ok_or(ApiError::Unauthenticated)?;
    let txn = crate::db::begin_write(db).await?;
    let row = breach::ActiveModel {
        org_id: Set(report.school),
        recorded_by: Set(staff),
        description: Set(description.to_owned()),
        discovered_at: Set(report.discovered_at),
        notify_by: Set(report.discovered_at + NOTIFY_WITHIN),
        notified_at: Set(None),
        reader_kind: Set(reader.as_ref().map(|(kind, _)| kind.clone())),
        reader_id: Set(reader.as_ref().map(|(_, id)| *id)),
        window_from: Set(report.from),
        window_to: Set(report.to),
        created_at: Set(now),
        ..Default::default()
    };
    let row = breach::Entity::insert(row).exec_with_returning(&txn).await?;
    let students: Vec<i64> = affected.into_iter().collect();
    for chunk in students.chunks(500) {
        let rows = chunk.iter().map(|&student| breach_student::ActiveModel {
            breach_id: Set(row.id),
            student_id: Set(student),
            school_id: Set(report.school),
            ..Default::default()
        });
        breach_student::Entity::insert_many(rows).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(row)
}

/// Marks the breach `id` notified at `now` (once; a second time keeps the first).
pub async fn mark_notified(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    now: DateTime<Utc>,
) -> ApiResult<breach::Model> {
    let found = access.reach(db, &readers::BREACH, Kind::Breach, Action::Write, id).await?;
    if found.notified_at.is_some() {
        return Ok(found);
    }
    let updated = breach::ActiveModel { id: Set(id), notified_at: Set(Some(now)), ..Default::default() };
    Ok(breach::Entity::update(updated).exec(db).await?)
}

/// The breaches the caller may read, newest found first.
pub async fn list(db: &DatabaseConnection, access: &Access, first: u64) -> ApiResult<Vec<breach::Model>> {
    let rows = access
        .read(&readers::BREACH)
        .order_by(breach::Column::DiscoveredAt, Order::Desc)
        .order_by(breach::Column::Id, Order::Desc)
        .limit(first)
        .all(db)
        .await?;
    Ok(rows)
}

/// The students breach `id` affected that the caller may read it of: their count, and the
/// first `first` ids.
pub async fn affected(db: &DatabaseConnection, access: &Access, id: i64, first: u64) -> ApiResult<(u64, Vec<i64>)> {
    let of_breach = || access.read(&readers::BREACH_STUDENT).narrow(breach_student::Column::BreachId, |c| c.eq(id));
    let count = of_breach().count(db).await?;
    let rows = of_breach().order_by(breach_student::Column::StudentId, Order::Asc).limit(first).all(db).await?;
    Ok((count, rows.into_iter().map(|row| row.student_id).collect()))
}
