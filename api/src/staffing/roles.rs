//! A staff member's school roles (principal, vice principal, clerk): set from a date,
//! optionally until one, and ended on a day — the last day they hold it. The role counts
//! from the first request on a day it is held and stops counting at the first after.

use super::people::SCHOOL_ROLES;
use super::{in_order, must_be_active, writable_staff};
use crate::error::ApiError;
use crate::privacy::{Access, integrity};
use chrono::NaiveDate;
use entity::{RoleKind, staff_role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, Condition, DatabaseConnection, EntityTrait as _,
    QueryFilter as _,
};

/// Gives staff member `staff` the school role `role` at their school from `from` until `to`
/// (still held when `None`); returns the new role.
pub async fn set_role(
    db: &DatabaseConnection,
    access: &Access,
    staff: i64,
    role: &str,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> Result<staff_role::Model, ApiError> {
    let person = writable_staff(db, access, staff).await?;
    let role = role.trim().parse::<RoleKind>().ok().filter(|role| SCHOOL_ROLES.contains(role)).ok_or_else(|| {
        ApiError::bad_input("vai trò không hợp lệ", "not a school role (principal, vice_principal, clerk)")
    })?;
    must_be_active(&person)?;
    in_order(from, to)?;
    let txn = crate::db::begin_write(db).await?;
    let created = staff_role::ActiveModel {
        external_id: Set(None),
        staff_id: Set(person.id),
        org_id: Set(person.school_id),
        role: Set(role.as_str().to_owned()),
        starts_on: Set(from),
        ends_on: Set(to),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Ends role `role` on `on`, its last day; returns the role as it now stands.
pub async fn end_role(
    db: &DatabaseConnection,
    access: &Access,
    role: i64,
    on: NaiveDate,
) -> Result<staff_role::Model, ApiError> {
    let staff = integrity::staff_of_role(db, role).await?.ok_or(ApiError::NotPermitted)?;
    let person = writable_staff(db, access, staff).await?;
    let txn = crate::db::begin_write(db).await?;
    let ended = staff_role::Entity::update_many()
        .col_expr(staff_role::Column::EndsOn, Expr::value(on))
        .filter(staff_role::Column::Id.eq(role))
        .filter(staff_role::Column::StaffId.eq(person.id))
        .filter(staff_role::Column::OrgId.eq(person.school_id))
        .filter(staff_role::Column::StartsOn.lte(on))
        .filter(Condition::any().add(staff_role::Column::EndsOn.is_null()).add(staff_role::Column::EndsOn.gte(on)))
        .exec_with_returning(&txn)
        .await?;
    let Some(row) = ended.into_iter().next() else {
        return Err(ApiError::bad_input(
            "vai trò này bắt đầu sau ngày đó, đã kết thúc trước ngày đó, hoặc không thuộc trường",
            "this role starts after that day, ended before it, or is not held at the staff member's school",
        ));
    };
    txn.commit().await?;
    Ok(row)
}
