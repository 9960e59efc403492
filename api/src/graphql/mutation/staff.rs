//! Mutations that keep the staff current: adding a staff member, their roles, their
//! assignments (phân công chuyên môn), their status (leave, transfer, departure) — the
//! principal's, as the policy decides — and a staff member's own contact details. Written
//! by [`crate::staffing`]; a staff member, class, section or role outside the caller's
//! reach answers `FORBIDDEN` exactly like a missing one, and nothing is written.

use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{database, signed_in, state};
use crate::graphql::ids;
use crate::graphql::people::{Staff, staff_where};
use crate::graphql::staff_history::{AssignmentRecord, StaffRoleRecord};
use crate::privacy::readers;
use crate::staffing::{self, ContactChange, NewStaff, StatusChange, Term};
use async_graphql::{Context, Enum, ID, InputObject, Object};
use chrono::NaiveDate;
use entity::StaffStatus;

/// A new staff member.
#[derive(InputObject)]
pub struct NewStaffInput {
    /// Family name (họ), with any middle names.
    #[graphql(validator(max_length = 100))]
    pub family_name: String,
    /// Given name (tên).
    #[graphql(validator(max_length = 100))]
    pub given_name: String,
    /// male | female
    pub gender: Option<String>,
    /// Date of birth.
    pub birth_date: Option<NaiveDate>,
    /// Work phone (field group `staff.contact`, sealed).
    #[graphql(validator(max_length = 32))]
    pub phone: Option<String>,
    /// E-mail (field group `staff.contact`, sealed).
    #[graphql(validator(max_length = 254))]
    pub email: Option<String>,
    /// The sign-in name; the account has no password until it is activated.
    #[graphql(validator(max_length = 64))]
    pub username: Option<String>,
    /// School roles held from today: principal | vice_principal | clerk. Teaching comes from
    /// `assignHomeroom` and `assignTeaching`.
    #[graphql(default, validator(max_items = 3))]
    pub roles: Vec<String>,
}

/// A staff member's employment status.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum StaffStatusChoice {
    /// Working at the school.
    Active,
    /// On leave: no access until back.
    OnLeave,
    /// Transferred to another school (`toSchoolId`).
    Transferred,
    /// Left the service.
    Left,
}

impl From<StaffStatusChoice> for StaffStatus {
    fn from(choice: StaffStatusChoice) -> Self {
        match choice {
            StaffStatusChoice::Active => Self::Active,
            StaffStatusChoice::OnLeave => Self::OnLeave,
            StaffStatusChoice::Transferred => Self::Transferred,
            StaffStatusChoice::Left => Self::Left,
        }
    }
}

/// The id of kind `kind`, or `FORBIDDEN` like a missing record.
fn target(kind: &str, id: &ID) -> ApiResult<i64> {
    ids::decode_as(kind, id).ok_or(ApiError::NotPermitted)
}

/// Staff member `id` as the caller reads them after a write.
async fn reread(ctx: &Context<'_>, id: i64) -> ApiResult<Staff> {
    let read = signed_in(ctx)?.read(&readers::STAFF).by_id(id);
    staff_where(ctx, read).await?.pop().ok_or(ApiError::NotPermitted)
}

/// Keeping the staff current.
#[derive(Default)]
pub struct StaffMutations;

#[Object]
impl StaffMutations {
    /// Adds a staff member to a school, active from today, with the school roles given;
    /// phone and e-mail are sealed. The account has no password until it is activated. For
    /// the school's principal (the policy's `staff`/`write`).
    async fn add_staff(&self, ctx: &Context<'_>, school_id: ID, input: NewStaffInput) -> ApiResult<Staff> {
        let access = signed_in(ctx)?;
        let school = target("School", &school_id)?;
        let new = NewStaff {
            family_name: input.family_name,
            given_name: input.given_name,
            gender: input.gender,
            birth_date: input.birth_date,
            phone: input.phone,
            email: input.email,
            username: input.username,
            roles: input.roles,
        };
        let state = state(ctx)?;
        let today = access.principal().today;
        let row = staffing::add_staff(&state.db, &state.vault, access, school, &new, today).await?;
        reread(ctx, row.id).await
    }
    /// Gives a staff member a school role (principal | vice_principal | clerk) at their school
    /// from `from` until `to` (its last day; open when null). It counts from the first
    /// request on a day it is held. For the principal (`staff`/`write`).
    async fn set_staff_role(
        &self,
        ctx: &Context<'_>,
        staff_id: ID,
        role: String,
        from: NaiveDate,
        to: Option<NaiveDate>,
    ) -> ApiResult<StaffRoleRecord> {
        let access = signed_in(ctx)?;
        let staff = target("Staff", &staff_id)?;
        Ok(staffing::set_role(database(ctx)?, access, staff, &role, from, to).await?.into())
    }
    /// Ends a role on `on`, its last day: from the next day it no longer counts.
    async fn end_staff_role(&self, ctx: &Context<'_>, role_id: ID, on: NaiveDate) -> ApiResult<StaffRoleRecord> {
        let access = signed_in(ctx)?;
        let role = target("StaffRole", &role_id)?;
        Ok(staffing::end_role(database(ctx)?, access, role, on).await?.into())
    }
    /// Makes a staff member the homeroom teacher of a class from `from` (today when null)
    /// to the end of the class's school year. The previous homeroom teacher's assignment ends
    /// the day before; the class's homeroom powers move at the next request. For the
    /// principal (`staff`/`write` at the class's school).
    async fn assign_homeroom(
        &self,
        ctx: &Context<'_>,
        class_id: ID,
        staff_id: ID,
        from: Option<NaiveDate>,
    ) -> ApiResult<AssignmentRecord> {
        let access = signed_in(ctx)?;
        let class = target("Class", &class_id)?;
        let staff = target("Staff", &staff_id)?;
        let from = from.unwrap_or(access.principal().today);
        Ok(staffing::assign_homeroom(database(ctx)?, access, class, staff, from).await?.into())
    }
    /// Makes a staff member the teacher of a section for a semester of its year
    /// (`semesterId`: the semester's dates), or from `from` (today when null) until `to`
    /// (the end of the year when null). The section's previous teacher is assigned until the
    /// day before. For the principal (`staff`/`write` at the section's school).
    async fn assign_teaching(
        &self,
        ctx: &Context<'_>,
        section_id: ID,
        staff_id: ID,
        semester_id: Option<ID>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> ApiResult<AssignmentRecord> {
        let access = signed_in(ctx)?;
        let section = target("Section", &section_id)?;
        let staff = target("Staff", &staff_id)?;
        let term = match (semester_id, from, to) {
            (Some(semester), None, None) => Term::Semester(
                ids::decode_as("Semester", &semester)
                    .ok_or_else(|| ApiError::bad_input("không phải mã học kỳ", "not a semester id"))?,
            ),
            (Some(_), ..) => {
                return Err(ApiError::bad_input(
                    "hãy cho học kỳ hoặc ngày, không cả hai",
                    "give a semester or dates, not both",
                ));
            }
            (None, from, to) => Term::Days { from, to },
        };
        let today = access.principal().today;
        Ok(staffing::assign_teaching(database(ctx)?, access, section, staff, term, today).await?.into())
    }
    /// Ends an assignment on `on`, its last day: the powers it gives stop at the first
    /// request after.
    async fn end_assignment(&self, ctx: &Context<'_>, assignment_id: ID, on: NaiveDate) -> ApiResult<AssignmentRecord> {
        let access = signed_in(ctx)?;
        let assignment = target("Assignment", &assignment_id)?;
        Ok(staffing::end_assignment(database(ctx)?, access, assignment, on).await?.into())
    }
    /// Records a staff member's leave (ON_LEAVE), return (ACTIVE), transfer to another
    /// school (TRANSFERRED, with `toSchoolId`) or departure (LEFT) from `on` (today or
    /// earlier), kept in their status history with `note`. Any status but ACTIVE ends their
    /// access at the next request and their sessions at once; a transfer or a departure also
    /// ends their roles and assignments at the school the day before `on`. They leave the
    /// staff directory; their record, the results they entered and the history naming them
    /// stay. For the principal (`staff`/`write`).
    async fn record_staff_status(
        &self,
        ctx: &Context<'_>,
        staff_id: ID,
        status: StaffStatusChoice,
        on: NaiveDate,
        #[graphql(validator(max_length = 500))] note: Option<String>,
        to_school_id: Option<ID>,
    ) -> ApiResult<Staff> {
        let access = signed_in(ctx)?;
        let staff = target("Staff", &staff_id)?;
        let to_school = match to_school_id {
            Some(id) => Some(
                ids::decode_as("School", &id)
                    .ok_or_else(|| ApiError::bad_input("không phải mã trường", "not a school id"))?,
            ),
            None => None,
        };
        let change = StatusChange { status: status.into(), on, note, to_school };
        let today = access.principal().today;
        let row = staffing::record_status(database(ctx)?, access, staff, change, today).await?;
        reread(ctx, row.id).await
    }
    /// Changes the caller's own work phone and e-mail (null keeps a value, an empty text
    /// removes it); each change is kept in the contact history, sealed like the values. For
    /// every staff member about themselves (`staff.contact`/`write` for `self`).
    async fn update_my_contact(
        &self,
        ctx: &Context<'_>,
        #[graphql(validator(max_length = 32))] phone: Option<String>,
        #[graphql(validator(max_length = 254))] email: Option<String>,
    ) -> ApiResult<Staff> {
        let access = signed_in(ctx)?;
        let state = state(ctx)?;
        let row = staffing::update_my_contact(&state.db, &state.vault, access, ContactChange { phone, email }).await?;
        reread(ctx, row.id).await
    }
}
