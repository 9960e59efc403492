//! Locking the books: the principal locks one section's semester, or every section of the
//! school in a semester (the policy's `result`/`lock`, through the privacy layer). While a
//! lock is in force, scores are not written directly: a change needs a reason and the
//! principal's approval ([`super::changes`]). Lifting a lock keeps it on record. A writer
//! that found a book open checks again inside its write transaction
//! ([`in_force_for_write`]), after any rollover holding the books has committed its locks.

use crate::auth::principal::Account;
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use entity::{OrgKind, book_lock, org, section, semester};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, EntityTrait as _, QueryFilter as _,
};

/// What a lock covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// One section.
    Section(i64),
    /// Every section of one school.
    School(i64),
}

/// The locks in force in `school` and `semester`.
fn open_locks(school: i64, semester: i64) -> sea_orm::Select<book_lock::Entity> {
    book_lock::Entity::find()
        .filter(book_lock::Column::SchoolId.eq(school))
        .filter(book_lock::Column::SemesterId.eq(semester))
        .filter(book_lock::Column::UnlockedAt.is_null())
}

/// The lock in force on `section` (of `school`) in `semester`: its own, or its school's.
pub async fn in_force(
    db: &impl ConnectionTrait,
    school: i64,
    section: i64,
    semester: i64,
) -> Result<Option<book_lock::Model>, DbErr> {
    let own_or_school =
        Condition::any().add(book_lock::Column::SectionId.is_null()).add(book_lock::Column::SectionId.eq(section));
    open_locks(school, semester).filter(own_or_school).one(db).await
}

/// The lock in force on the whole of `school` in `semester`, if any.
pub async fn school_in_force(
    db: &impl ConnectionTrait,
    school: i64,
    semester: i64,
) -> Result<Option<book_lock::Model>, DbErr> {
    open_locks(school, semester).filter(book_lock::Column::SectionId.is_null()).one(db).await
}

/// Inside a write transaction: the lock in force on `section` of `school` (`None`: the
/// school-wide lock) in `semester`, read once a rollover that holds the books has ended. On
/// PostgreSQL the transaction first takes `book_lock`'s `ROW EXCLUSIVE` lock, which waits
/// for a rollover's `SHARE ROW EXCLUSIVE` one; on SQLite the write transaction already
/// waited at `BEGIN`. So a mark found open before the rollover is not written into the
/// books the rollover locked.
pub async fn in_force_for_write(
    txn: &DatabaseTransaction,
    school: i64,
    section: Option<i64>,
    semester: i64,
) -> Result<Option<book_lock::Model>, DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE book_lock IN ROW EXCLUSIVE MODE").await?;
    }
    match section {
        Some(section) => in_force(txn, school, section, semester).await,
        None => school_in_force(txn, school, semester).await,
    }
}

/// Locks `scope` in `semester`; locking what is already locked returns the lock in force.
pub async fn lock(
    db: &DatabaseConnection,
    access: &Access,
    semester: i64,
    scope: Scope,
    now: DateTime<Utc>,
) -> Result<book_lock::Model, ApiError> {
    let locker = staff_account(access)?;
    let Some((school, section)) = permitted(db, access, scope).await? else {
        return Err(ApiError::NotPermitted);
    };
    if semester::Entity::find_by_id(semester).one(db).await?.is_none() {
        return Err(ApiError::bad_input("học kỳ không tồn tại", "no such semester"));
    }
    let txn = crate::db::begin_write(db).await?;
    let existing = open_locks(school, semester)
        .filter(match section {
            Some(section) => book_lock::Column::SectionId.eq(section),
            None => book_lock::Column::SectionId.is_null(),
        })
        .one(&txn)
        .await?;
    if let Some(existing) = existing {
        txn.commit().await?;
        return Ok(existing);
    }
    let id = insert(&txn, (school, section), semester, locker, now).await?;
    let locked = book_lock::Entity::find_by_id(id).one(&txn).await?.ok_or(ApiError::Internal)?;
    txn.commit().await?;
    Ok(locked)
}

/// Locks `section` of `school` (`None`: the whole school) in `semester` as staff member
/// `locker` at `now`, after the caller was allowed to; returns the lock's id.
pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    (school, section): (i64, Option<i64>),
    semester: i64,
    locker: i64,
    now: DateTime<Utc>,
) -> Result<i64, DbErr> {
    let row = book_lock::ActiveModel {
        school_id: Set(school),
        semester_id: Set(semester),
        section_id: Set(section),
        locked_by_id: Set(locker),
        locked_at: Set(now),
        unlocked_by_id: Set(None),
        unlocked_at: Set(None),
        ..Default::default()
    };
    Ok(book_lock::Entity::insert(row).exec(db).await?.last_insert_id)
}

/// Lifts lock `id`; the lock stays on record with who lifted it and when.
pub async fn unlock(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    now: DateTime<Utc>,
) -> Result<book_lock::Model, ApiError> {
    let unlocker = staff_account(access)?;
    let Some(row) = book_lock::Entity::find_by_id(id).one(db).await? else {
        return Err(ApiError::NotPermitted);
    };
    let scope = row.section_id.map_or(Scope::School(row.school_id), Scope::Section);
    if permitted(db, access, scope).await?.is_none() {
        return Err(ApiError::NotPermitted);
    }
    if row.unlocked_at.is_none() {
        book_lock::Entity::update_many()
            .col_expr(book_lock::Column::UnlockedById, Expr::value(unlocker))
            .col_expr(book_lock::Column::UnlockedAt, Expr::value(now))
            .filter(book_lock::Column::Id.eq(id))
            .filter(book_lock::Column::UnlockedAt.is_null())
            .exec(db)
            .await?;
    }
    book_lock::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::Internal)
}

/// The school and section of `scope` when the caller may lock it; `None` when it does not
/// exist or may not be locked (never told apart).
async fn permitted(
    db: &DatabaseConnection,
    access: &Access,
    scope: Scope,
) -> Result<Option<(i64, Option<i64>)>, DbErr> {
    Ok(match scope {
        Scope::Section(id) => {
            let which = Condition::all().add(section::Column::Id.eq(id));
            let section = access.reachable(db, &readers::SECTION, Kind::Result, Action::Lock, which).await?;
            section.map(|row| (row.school_id, Some(row.id)))
        }
        Scope::School(id) => {
            let which =
                Condition::all().add(org::Column::Id.eq(id)).add(org::Column::Kind.eq(OrgKind::School.as_str()));
            let school = access.reachable(db, &readers::SCHOOL, Kind::Result, Action::Lock, which).await?;
            school.map(|_| (id, None))
        }
    })
}

/// The caller's staff id: only staff lock, unlock and approve.
pub fn staff_account(access: &Access) -> Result<i64, ApiError> {
    match access.principal().account {
        Some(Account::Staff(id)) => Ok(id),
        Some(Account::Guardian(_) | Account::Student(_)) => Err(ApiError::NotPermitted),
        None => Err(ApiError::Unauthenticated),
    }
}
