//! Integrity questions a write must ask of every row, not only of the rows the caller may
//! read or write: whether a column still holds anything before it is removed, whether a
//! student already has a later move or a transfer waiting, which students a score names
//! are exempt from the subject. A condition would hide rows and let the write break what
//! it cannot see, so these look at the whole table — and answer only yes or no (or which
//! of the ids the caller named), never a row; what the write then says about it is its own
//! to guard. Each is asked only after the policy allowed the write it serves.

use entity::{change_request, enrollment, exemption, result, transfer};
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, PaginatorTrait as _, QueryFilter as _, QuerySelect as _,
};
use std::collections::BTreeSet;

/// Whether any result or change request, whoever may read it, names assessment `column`.
pub async fn column_holds_records(db: &impl ConnectionTrait, column: i64) -> Result<bool, DbErr> {
    let results = result::Entity::find().filter(result::Column::AssessmentId.eq(column)).count(db).await?;
    if results > 0 {
        return Ok(true);
    }
    let requests =
        change_request::Entity::find().filter(change_request::Column::AssessmentId.eq(column)).count(db).await?;
    Ok(requests > 0)
}

/// Whether `student` has an enrollment, at any school, that begins after `on`.
pub async fn enrolled_after(db: &impl ConnectionTrait, student: i64, on: chrono::NaiveDate) -> Result<bool, DbErr> {
    let later = enrollment::Entity::find()
        .filter(enrollment::Column::StudentId.eq(student))
        .filter(enrollment::Column::StartsOn.gt(on))
        .count(db)
        .await?;
    Ok(later > 0)
}

/// Whether a transfer of `student` in `status`, to any school, exists.
pub async fn transfer_in(db: &impl ConnectionTrait, student: i64, status: &str) -> Result<bool, DbErr> {
    let open = transfer::Entity::find()
        .filter(transfer::Column::StudentId.eq(student))
        .filter(transfer::Column::Status.eq(status))
        .count(db)
        .await?;
    Ok(open > 0)
}

/// Which of `students` (ids the caller named) are exempt from the whole subject of
/// `section` in `semester`, whoever may read the exemption: a score is never written for
/// them. The caller says so only to whom may read the exemption.
pub async fn exempt_among(
    db: &impl ConnectionTrait,
    section: i64,
    semester: i64,
    students: &[i64],
) -> Result<BTreeSet<i64>, DbErr> {
    if students.is_empty() {
        return Ok(BTreeSet::new());
    }
    let exempt: Vec<i64> = exemption::Entity::find()
        .select_only()
        .column(exemption::Column::StudentId)
        .filter(crate::books::exemptions::in_force(&[section], &[semester], students))
        .into_tuple()
        .all(db)
        .await?;
    Ok(exempt.into_iter().collect())
}

/// The staff member `role` (a `staff_role` id) belongs to, whoever may read it: only for a
/// write to ask the policy about that staff member next, and to answer a role outside the
/// caller's reach exactly like a missing one.
pub async fn staff_of_role(db: &impl ConnectionTrait, role: i64) -> Result<Option<i64>, DbErr> {
    entity::staff_role::Entity::find()
        .select_only()
        .column(entity::staff_role::Column::StaffId)
        .filter(entity::staff_role::Column::Id.eq(role))
        .into_tuple()
        .one(db)
        .await
}

/// Whether any account, staff or guardian, whoever may read it, already has `username`.
pub async fn username_taken(db: &impl ConnectionTrait, username: &str) -> Result<bool, DbErr> {
    let staff = entity::staff::Entity::find().filter(entity::staff::Column::Username.eq(username)).count(db).await?;
    let guardians =
        entity::guardian::Entity::find().filter(entity::guardian::Column::Username.eq(username)).count(db).await?;
    Ok(staff + guardians > 0)
}

/// Who already signs in with a guardian's phone, as intake asks before giving it to a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneHolder {
    /// Nobody: the phone is free for a new account.
    Nobody,
    /// The guardian of that id, under the very name given: the same person.
    Same(i64),
    /// A guardian under another name.
    Other,
}

/// Who holds the guardian phone whose blind index is `phone_blind`, whoever may read them,
/// compared with the folded full name `search_name`: intake links a family to the account
/// its phone already signs in to rather than open a second one the phone could not sign in
/// to. Answers only with the id of a guardian whose phone and name the caller gave.
pub async fn guardian_phone_holder(
    db: &impl ConnectionTrait,
    phone_blind: &str,
    search_name: &str,
) -> Result<PhoneHolder, DbErr> {
    let holders: Vec<(i64, String)> = entity::guardian::Entity::find()
        .select_only()
        .column(entity::guardian::Column::Id)
        .column(entity::guardian::Column::SearchName)
        .filter(entity::guardian::Column::PhoneBlind.eq(phone_blind))
        .into_tuple()
        .all(db)
        .await?;
    Ok(match holders.iter().find(|(_, name)| name == search_name) {
        Some((id, _)) => PhoneHolder::Same(*id),
        None if holders.is_empty() => PhoneHolder::Nobody,
        None => PhoneHolder::Other,
    })
}

/// Whether staff member `staff` holds `role` at `school` on `today`, whoever may read their
/// roles: for a write to refuse a staff member who could not take the work it hands them.
pub async fn holds_role_at(
    db: &impl ConnectionTrait,
    staff: i64,
    school: i64,
    role: emis_authz::Role,
    today: chrono::NaiveDate,
) -> Result<bool, DbErr> {
    use entity::staff_role::Column;
    let found = entity::staff_role::Entity::find()
        .filter(Column::StaffId.eq(staff))
        .filter(Column::OrgId.eq(school))
        .filter(Column::Role.eq(role.as_str()))
        .filter(crate::auth::principal::active_on(Column::StartsOn, Column::EndsOn, today))
        .count(db)
        .await?;
    Ok(found > 0)
}
