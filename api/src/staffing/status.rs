//! A staff member's employment status: a leave (on_leave), a return (active), a transfer
//! to another school (transferred) or a departure (left), each kept in
//! `staff_status_history`. Any status but active ends their access at the next request
//! (the principal's facts require an active status) and ends their sessions at once; a
//! transfer or a departure also ends their roles and assignments at the school the day
//! before. They leave the staff directory; their record, the results they entered and the
//! history that names them stay.

use super::{day_before, writable_staff};
use crate::auth::{Account, session};
use crate::error::ApiError;
use crate::privacy::Access;
use chrono::{NaiveDate, Utc};
use entity::{OrgKind, SessionEnd, StaffStatus, org, staff, staff_role, staff_status_history, teaching_assignment};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, DatabaseConnection,
    EntityTrait as _, IntoActiveModel as _, QueryFilter as _,
};

/// A change of status as the principal records it.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub status: StaffStatus,
    /// The first day of the new status (today or earlier).
    pub on: NaiveDate,
    pub note: Option<String>,
    /// The school a transferred staff member goes to.
    pub to_school: Option<i64>,
}

/// Records `change` for staff member `staff` on `today`; returns their record as it now
/// stands.
pub async fn record_status(
    db: &DatabaseConnection,
    access: &Access,
    staff: i64,
    change: StatusChange,
    today: NaiveDate,
) -> Result<staff::Model, ApiError> {
    let person = writable_staff(db, access, staff).await?;
    if change.on > today {
        return Err(ApiError::bad_input(
            "chỉ ghi nhận từ ngày có hiệu lực (hôm nay hoặc trước đó)",
            "record the change once it takes effect (today or earlier)",
        ));
    }
    if person.status == change.status.as_str() {
        return Err(ApiError::bad_input("cán bộ đã ở trạng thái này", "the staff member already has this status"));
    }
    let note = change.note.as_deref().map(str::trim).filter(|note| !note.is_empty()).map(str::to_owned);
    if note.as_ref().is_some_and(|note| note.chars().count() > 500) {
        return Err(ApiError::bad_input(
            "ghi chú quá dài (tối đa 500 ký tự)",
            "the note is too long (500 characters at most)",
        ));
    }
    let to_school = destination(db, &person, &change).await?;
    let ends_here = matches!(change.status, StaffStatus::Transferred | StaffStatus::Left);
    let txn = crate::db::begin_write(db).await?;
    staff_status_history::ActiveModel {
        staff_id: Set(person.id),
        school_id: Set(person.school_id),
        status: Set(change.status.as_str().to_owned()),
        effective_from: Set(change.on),
        recorded_at: Set(Utc::now()),
        note: Set(note),
        to_school_id: Set(to_school),
        recorded_by_id: Set(access.principal().staff_id()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if ends_here {
        end_at_school(&txn, &person, day_before(change.on)?).await?;
    }
    if change.status != StaffStatus::Active {
        session::end_all(&txn, Account::Staff(person.id), SessionEnd::StaffStatus).await?;
    }
    let mut active = person.into_active_model();
    active.status = Set(change.status.as_str().to_owned());
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

/// The school a transfer goes to: required for a transfer, and another school than the
/// staff member's; refused for any other status.
async fn destination(
    db: &DatabaseConnection,
    person: &staff::Model,
    change: &StatusChange,
) -> Result<Option<i64>, ApiError> {
    match (change.status, change.to_school) {
        (StaffStatus::Transferred, Some(school)) => {
            let found = org::Entity::find_by_id(school).one(db).await?;
            match found {
                Some(found) if found.kind == OrgKind::School.as_str() && found.id != person.school_id => {
                    Ok(Some(found.id))
                }
                _ => Err(ApiError::bad_input(
                    "trường chuyển đến không hợp lệ (phải là một trường khác)",
                    "not a school to transfer to (another school is needed)",
                )),
            }
        }
        (StaffStatus::Transferred, None) => {
            Err(ApiError::bad_input("hãy cho biết trường chuyển đến", "give the school the staff member goes to"))
        }
        (_, Some(_)) => Err(ApiError::bad_input(
            "chỉ ghi trường chuyển đến khi chuyển trường",
            "a school to go to is only given with a transfer",
        )),
        (_, None) => Ok(None),
    }
}

/// Ends every role and assignment of `person` at their school on `last` (one that was to
/// start later is withdrawn).
async fn end_at_school(db: &impl ConnectionTrait, person: &staff::Model, last: NaiveDate) -> Result<(), ApiError> {
    let roles_in_force =
        Condition::any().add(staff_role::Column::EndsOn.is_null()).add(staff_role::Column::EndsOn.gt(last));
    staff_role::Entity::update_many()
        .col_expr(staff_role::Column::EndsOn, Expr::value(last))
        .filter(staff_role::Column::StaffId.eq(person.id))
        .filter(staff_role::Column::OrgId.eq(person.school_id))
        .filter(roles_in_force)
        .exec(db)
        .await?;
    let assignments_in_force = Condition::any()
        .add(teaching_assignment::Column::EndsOn.is_null())
        .add(teaching_assignment::Column::EndsOn.gt(last));
    teaching_assignment::Entity::update_many()
        .col_expr(teaching_assignment::Column::EndsOn, Expr::value(last))
        .filter(teaching_assignment::Column::StaffId.eq(person.id))
        .filter(teaching_assignment::Column::SchoolId.eq(person.school_id))
        .filter(assignments_in_force)
        .exec(db)
        .await?;
    Ok(())
}
