//! Keeping the staff current (the principal's, as the policy decides): adding a staff
//! member, setting and ending their roles, assigning homerooms and teaching (phân công
//! chuyên môn), recording a leave, a transfer or a departure, and a staff member's own
//! contact details with their history. Every write asks the policy about its target first
//! (`staff`/`write` at the target's school, `staff.contact`/`write` for oneself), so a
//! target outside the caller's reach answers exactly like a missing one, and writes in one
//! transaction. A staff member also sets their own availability ([`availability`], in weekly
//! [`hours`]). Access follows on its own: the principal's facts are loaded on every
//! request, so an ended role or assignment and a status other than active stop counting at
//! the next request.

mod assignments;
pub mod availability;
mod contact;
pub mod hours;
mod people;
mod roles;
mod status;

pub use assignments::{Term, assign_homeroom, assign_teaching, end_assignment};
pub use contact::{ContactChange, update_my_contact};
pub use people::{NewStaff, add_staff};
pub use roles::{end_role, set_role};
pub use status::{StatusChange, record_status};

use crate::error::ApiError;
use crate::privacy::{Access, readers};
use chrono::NaiveDate;
use emis_authz::{Action, Kind};
use entity::{StaffStatus, staff};
use sea_orm::DatabaseConnection;

/// The staff member `id`, when the caller may write their record (`staff`/`write`);
/// [`ApiError::NotPermitted`] when missing or forbidden alike.
async fn writable_staff(db: &DatabaseConnection, access: &Access, id: i64) -> Result<staff::Model, ApiError> {
    access.reach(db, &readers::STAFF, Kind::Staff, Action::Write, id).await
}

/// Refuses a staff member who is not active (on leave, transferred, left): no new role or
/// assignment for them.
fn must_be_active(person: &staff::Model) -> Result<(), ApiError> {
    if person.status == StaffStatus::Active.as_str() {
        return Ok(());
    }
    Err(ApiError::bad_input(
        "cán bộ này hiện không công tác tại trường (nghỉ, chuyển trường hoặc đã nghỉ việc)",
        "this staff member is not working at the school now (on leave, transferred or left)",
    ))
}

/// Refuses an end before a start.
fn in_order(starts: NaiveDate, ends: Option<NaiveDate>) -> Result<(), ApiError> {
    match ends {
        Some(ends) if ends < starts => {
            Err(ApiError::bad_input("ngày kết thúc trước ngày bắt đầu", "the end date is before the start date"))
        }
        _ => Ok(()),
    }
}

/// The day before `on`: the last day of what ends when something new starts on `on`.
fn day_before(on: NaiveDate) -> Result<NaiveDate, ApiError> {
    on.pred_opt().ok_or_else(|| ApiError::bad_input("ngày không hợp lệ", "not a valid date"))
}
