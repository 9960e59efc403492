//! Crypto-shredding at the end of retention: the sealed fields of a student whose every
//! enrollment ended before the cutoff (identity number, address, ethnicity, religion, health
//! notes), of a guardian whose every guardianship did, and of a staff member who left the
//! service before it (identity number, address, phone, email), are erased by destroying the
//! person's data key — its wrapped form is wiped and the row marked destroyed, so no identity
//! file, nor the `age` tool, opens those values again — and the blind index of the identity
//! number is cleared. Names, birth dates, enrollments, results and the other education
//! records stay, as the books must keep them. Each server forgets destroyed keys from its
//! cache within a minute ([`forgetter`]).

use chrono::{DateTime, NaiveDate, Utc};
use entity::{StaffStatus, data_key, enrollment, guardian, guardianship, staff, staff_status_history, student};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait as _,
    QueryFilter as _, QuerySelect as _,
};

/// Scopes whose keys are destroyed per statement.
const BATCH: usize = 500;

/// The people whose sealed fields a sweep erases: students, guardians and staff members past
/// the cutoff (a staff member: `left` before it, with no change of status since).
async fn due(db: &DatabaseConnection, before: NaiveDate) -> Result<Vec<String>, DbErr> {
    let open_enrollments = Query::select()
        .column(enrollment::Column::StudentId)
        .from(enrollment::Entity)
        .cond_where(
            Condition::any().add(enrollment::Column::EndsOn.is_null()).add(enrollment::Column::EndsOn.gte(before)),
        )
        .to_owned();
    let ever_enrolled = Query::select().column(enrollment::Column::StudentId).from(enrollment::Entity).to_owned();
    let students: Vec<i64> = student::Entity::find()
        .select_only()
        .column(student::Column::Id)
        .filter(student::Column::Id.in_subquery(ever_enrolled))
        .filter(student::Column::Id.not_in_subquery(open_enrollments))
        .into_tuple()
        .all(db)
        .await?;
    let open_links = Query::select()
        .column(guardianship::Column::GuardianId)
        .from(guardianship::Entity)
        .cond_where(
            Condition::any().add(guardianship::Column::EndsOn.is_null()).add(guardianship::Column::EndsOn.gte(before)),
        )
        .to_owned();
    let ever_linked = Query::select().column(guardianship::Column::GuardianId).from(guardianship::Entity).to_owned();
    let guardians: Vec<i64> = guardian::Entity::find()
        .select_only()
        .column(guardian::Column::Id)
        .filter(guardian::Column::Id.in_subquery(ever_linked))
        .filter(guardian::Column::Id.not_in_subquery(open_links))
        .into_tuple()
        .all(db)
        .await?;
    let recent_changes = Query::select()
        .column(staff_status_history::Column::StaffId)
        .from(staff_status_history::Entity)
        .and_where(staff_status_history::Column::EffectiveFrom.gte(before))
        .to_owned();
    let left_before = Query::select()
        .column(staff_status_history::Column::StaffId)
        .from(staff_status_history::Entity)
        .and_where(staff_status_history::Column::Status.eq(StaffStatus::Left.as_str()))
        .and_where(staff_status_history::Column::EffectiveFrom.lt(before))
        .to_owned();
    let staff: Vec<i64> = staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .filter(staff::Column::Status.eq(StaffStatus::Left.as_str()))
        .filter(staff::Column::Id.in_subquery(left_before))
        .filter(staff::Column::Id.not_in_subquery(recent_changes))
        .into_tuple()
        .all(db)
        .await?;
    let scopes = students.iter().map(|id| format!("student:{id}"));
    let scopes = scopes.chain(guardians.iter().map(|id| format!("guardian:{id}")));
    Ok(scopes.chain(staff.iter().map(|id| format!("staff:{id}"))).collect())
}

/// Destroys the live data keys of the people past `before` (with `dry`, only counts them);
/// how many people's keys.
pub async fn shred(db: &DatabaseConnection, before: NaiveDate, now: DateTime<Utc>, dry: bool) -> Result<u64, DbErr> {
    let mut people = 0;
    for scopes in due(db, before).await?.chunks(BATCH) {
        let live = || {
            data_key::Entity::find()
                .filter(data_key::Column::Scope.is_in(scopes.iter().cloned()))
                .filter(data_key::Column::DestroyedAt.is_null())
        };
        let found: Vec<String> =
            live().select_only().column(data_key::Column::Scope).distinct().into_tuple().all(db).await?;
        people += found.len() as u64;
        if dry || found.is_empty() {
            continue;
        }
        let txn = crate::db::begin_write(db).await?;
        destroy(&txn, &found, now).await?;
        txn.commit().await?;
    }
    Ok(people)
}

/// Destroys the live data keys of `scopes` (`student:ID`, `guardian:ID`, `staff:ID`) inside `txn`: each
/// wrapped key wiped and marked destroyed at `now`, and the people's blind indexes cleared.
pub(crate) async fn destroy(txn: &impl ConnectionTrait, scopes: &[String], now: DateTime<Utc>) -> Result<(), DbErr> {
    data_key::Entity::update_many()
        .set(data_key::ActiveModel { wrapped: Set(Vec::new()), destroyed_at: Set(Some(now)), ..Default::default() })
        .filter(data_key::Column::Scope.is_in(scopes.iter().cloned()))
        .filter(data_key::Column::DestroyedAt.is_null())
        .exec(txn)
        .await?;
    let ids = |prefix: &str| -> Vec<i64> {
        scopes.iter().filter_map(|scope| scope.strip_prefix(prefix)?.parse().ok()).collect()
    };
    student::Entity::update_many()
        .col_expr(student::Column::IdentityNoBlind, Expr::value(Option::<String>::None))
        .filter(student::Column::Id.is_in(ids("student:")))
        .exec(txn)
        .await?;
    guardian::Entity::update_many()
        .col_expr(guardian::Column::IdentityNoBlind, Expr::value(Option::<String>::None))
        .col_expr(guardian::Column::PhoneBlind, Expr::value(Option::<String>::None))
        .filter(guardian::Column::Id.is_in(ids("guardian:")))
        .exec(txn)
        .await?;
    staff::Entity::update_many()
        .col_expr(staff::Column::IdentityNoBlind, Expr::value(Option::<String>::None))
        .col_expr(staff::Column::PhoneBlind, Expr::value(Option::<String>::None))
        .filter(staff::Column::Id.is_in(ids("staff:")))
        .exec(txn)
        .await?;
    Ok(())
}

/// Forgets destroyed keys from `vault`'s cache every minute while the server runs, so a key
/// another instance (or `emis retention`) crypto-shredded stops opening here too.
pub fn forgetter(db: DatabaseConnection, vault: std::sync::Arc<crate::vault::Vault>) -> crate::periodic::Periodic {
    crate::periodic::Periodic::spawn("destroyed keys", std::time::Duration::from_secs(60), move || {
        let (db, vault) = (db.clone(), std::sync::Arc::clone(&vault));
        async move {
            if let Err(error) = vault.forget_destroyed(&db).await {
                tracing::warn!(%error, "destroyed keys could not be read; trying again later");
            }
        }
    })
}
