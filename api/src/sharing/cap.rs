//! The daily cap on what leaves under an agreement: every student a vendor is shown under an
//! agreement — the agreements in force covering the student's school — is counted once a
//! day. A read that would bring an agreement past its cap (its own, or the server's default)
//! is refused before anything is shown, and recorded as an alert on the agreement's
//! organisation, which its administrators and privacy officer read; the privacy officers of
//! that organisation and of every school the agreement covers are told (a `sharing_cap`
//! staff notification, pushed to their phones like any other); the agreement then shares
//! nothing more until the next day (`reach.rs` leaves it out).

use crate::auth::principal::active_on;
use crate::auth::vendor::Vendor;
use crate::books::told_staff;
use crate::disclosure::Disclosed;
use chrono::{DateTime, NaiveDate, Utc};
use emis_authz::Role;
use entity::{sharing_agreement, sharing_agreement_place, sharing_cap_alert, staff_role, vendor_student_read};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait as _,
    PaginatorTrait as _, QueryFilter as _, QuerySelect as _, TransactionTrait as _,
};
use std::collections::BTreeSet;

/// Rows inserted per statement.
const BATCH: usize = 1000;

/// A read refused because it would cross an agreement's cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crossed {
    pub agreement: i64,
    pub cap: u64,
}

/// The agreements blocked on `day` (their cap was crossed), of those in `agreements`.
pub async fn blocked(db: &impl ConnectionTrait, agreements: &[i64], day: NaiveDate) -> Result<BTreeSet<i64>, DbErr> {
    if agreements.is_empty() {
        return Ok(BTreeSet::new());
    }
    let alerts = sharing_cap_alert::Entity::find()
        .filter(sharing_cap_alert::Column::AgreementId.is_in(agreements.iter().copied()))
        .filter(sharing_cap_alert::Column::Day.eq(day))
        .all(db)
        .await?;
    Ok(alerts.into_iter().map(|alert| alert.agreement_id).collect())
}

/// Counts what `vendor` is about to be shown (`shown`), agreement by agreement, at `now`:
/// `Ok(Err(crossed))` when it would take an agreement past its cap — nothing is counted then,
/// and the crossing is recorded.
pub async fn count(
    db: &DatabaseConnection,
    vendor: &Vendor,
    shown: &[Disclosed],
    default_cap: u32,
    now: DateTime<Utc>,
) -> Result<Result<(), Crossed>, DbErr> {
    let day = crate::clock::date_in_vietnam(now);
    let txn = db.begin().await?;
    for agreement in &vendor.agreements {
        let students: BTreeSet<i64> = shown
            .iter()
            .filter(|entry| agreement.schools.contains(&entry.school))
            .flat_map(|entry| entry.students.iter().copied())
            .collect();
        if students.is_empty() {
            continue;
        }
        let rows: Vec<vendor_student_read::ActiveModel> = students
            .iter()
            .map(|&student| vendor_student_read::ActiveModel {
                agreement_id: Set(agreement.id),
                day: Set(day),
                student_id: Set(student),
                ..Default::default()
            })
            .collect();
        for batch in rows.chunks(BATCH) {
            vendor_student_read::Entity::insert_many(batch.to_vec())
                .on_conflict_do_nothing_on([
                    vendor_student_read::Column::AgreementId,
                    vendor_student_read::Column::Day,
                    vendor_student_read::Column::StudentId,
                ])
                .exec(&txn)
                .await?;
        }
        let reached = vendor_student_read::Entity::find()
            .filter(vendor_student_read::Column::AgreementId.eq(agreement.id))
            .filter(vendor_student_read::Column::Day.eq(day))
            .count(&txn)
            .await?;
        let cap = agreement.cap.map_or(u64::from(default_cap), u64::from);
        if reached > cap {
            txn.rollback().await?;
            alert(db, agreement.id, cap, reached, day, now).await?;
            return Ok(Err(Crossed { agreement: agreement.id, cap }));
        }
    }
    txn.commit().await?;
    Ok(Ok(()))
}

/// Records that a read under `agreement` would have reached `reached` students on `day`,
/// past `cap` (once a day), tells the privacy officers it concerns, and says so in the
/// server's log.
async fn alert(
    db: &DatabaseConnection,
    agreement: i64,
    cap: u64,
    reached: u64,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let Some(found) = sharing_agreement::Entity::find_by_id(agreement).one(db).await? else { return Ok(()) };
    tracing::warn!(agreement, cap, reached, %day, "a vendor's read would cross the agreement's daily cap: refused and blocked");
    let row = sharing_cap_alert::ActiveModel {
        agreement_id: Set(agreement),
        org_id: Set(found.org_id),
        day: Set(day),
        cap: Set(i64::try_from(cap).unwrap_or(i64::MAX)),
        reached: Set(i64::try_from(reached).unwrap_or(i64::MAX)),
        created_at: Set(now),
        ..Default::default()
    };
    let txn = db.begin().await?;
    let inserted = sharing_cap_alert::Entity::insert(row)
        .on_conflict_do_nothing_on([sharing_cap_alert::Column::AgreementId, sharing_cap_alert::Column::Day])
        .exec(&txn)
        .await?;
    let sea_orm::TryInsertResult::Inserted(inserted) = inserted else {
        // Told once a day: the first crossing blocked the agreement.
        return txn.commit().await;
    };
    let officers = privacy_officers(&txn, &found, day).await?;
    let told = officers.into_iter().map(|(staff, org)| told_staff::cap_alert(staff, org, inserted.last_insert_id, now));
    told_staff::write(&txn, told.collect()).await?;
    txn.commit().await
}

/// The privacy officers on `day` of the agreement's organisation and of every school it
/// covers, each with the organisation they hold the role at (once per person and place).
async fn privacy_officers(
    db: &impl ConnectionTrait,
    agreement: &sharing_agreement::Model,
    day: NaiveDate,
) -> Result<BTreeSet<(i64, i64)>, DbErr> {
    let places: Vec<i64> = sharing_agreement_place::Entity::find()
        .select_only()
        .column(sharing_agreement_place::Column::SchoolId)
        .filter(sharing_agreement_place::Column::AgreementId.eq(agreement.id))
        .into_tuple()
        .all(db)
        .await?;
    let orgs: BTreeSet<i64> = places.into_iter().chain([agreement.org_id]).collect();
    let roles = staff_role::Entity::find()
        .filter(staff_role::Column::Role.eq(Role::PrivacyOfficer.as_str()))
        .filter(staff_role::Column::OrgId.is_in(orgs))
        .filter(active_on(staff_role::Column::StartsOn, staff_role::Column::EndsOn, day))
        .all(db)
        .await?;
    Ok(roles.into_iter().map(|role| (role.staff_id, role.org_id)).collect())
}
