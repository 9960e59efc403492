//! What is kept about a staff member besides their record, on the API: the school roles
//! they held, their teaching and homeroom assignments (phân công chuyên môn), their status
//! history (leave, transfer, departure) and the changes of their contact details — each
//! newest first, read through its reader, so a staff member the caller may not read shows
//! nothing and the contact history needs `staff.contact`.

use super::context::{database, signed_in};
use super::ids;
use super::sensitive::{Sealed, reveal};
use crate::error::ApiResult;
use crate::privacy::{Target, readers};
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use emis_authz::Kind;
use entity::{staff, staff_contact_history, staff_role, staff_status_history, teaching_assignment};
use sea_orm::{
    ColumnTrait as _, Condition, EntityTrait as _, Order, QueryFilter as _, QueryOrder as _, QuerySelect as _,
};

/// A school role a staff member holds, dated.
#[derive(SimpleObject)]
pub struct StaffRoleRecord {
    /// The role's id (what `endStaffRole` takes).
    pub id: ID,
    /// The staff member holding it.
    pub staff_id: ID,
    /// principal | vice_principal | clerk
    pub role: String,
    /// Its first day.
    pub starts_on: NaiveDate,
    /// Its last day; null while held.
    pub ends_on: Option<NaiveDate>,
}

impl From<staff_role::Model> for StaffRoleRecord {
    fn from(row: staff_role::Model) -> Self {
        Self {
            id: ids::encode("StaffRole", row.id),
            staff_id: ids::encode("Staff", row.staff_id),
            role: row.role,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
        }
    }
}

/// An assignment (phân công chuyên môn): homeroom teacher of a class, or teacher of a
/// section, dated.
#[derive(SimpleObject)]
pub struct AssignmentRecord {
    /// The assignment's id (what `endAssignment` takes).
    pub id: ID,
    /// The staff member assigned.
    pub staff_id: ID,
    /// homeroom | subject
    pub kind: String,
    /// The class of a homeroom assignment.
    pub class_id: Option<ID>,
    /// The section of a subject assignment.
    pub section_id: Option<ID>,
    /// Its first day.
    pub starts_on: NaiveDate,
    /// Its last day; null while assigned.
    pub ends_on: Option<NaiveDate>,
}

impl From<teaching_assignment::Model> for AssignmentRecord {
    fn from(row: teaching_assignment::Model) -> Self {
        Self {
            id: ids::encode("Assignment", row.id),
            staff_id: ids::encode("Staff", row.staff_id),
            kind: row.kind,
            class_id: row.class_id.map(|id| ids::encode("Class", id)),
            section_id: row.section_id.map(|id| ids::encode("Section", id)),
            starts_on: row.starts_on,
            ends_on: row.ends_on,
        }
    }
}

/// A change of a staff member's status.
#[derive(SimpleObject)]
pub struct StaffStatusRecord {
    /// active | on_leave | transferred | left
    pub status: String,
    /// The day it took effect.
    pub effective_from: NaiveDate,
    /// The note recorded with it.
    pub note: Option<String>,
    /// The school a transfer went to.
    pub to_school_id: Option<ID>,
    /// Who recorded it.
    pub recorded_by_id: Option<ID>,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// A change of a staff member's contact details (field group `staff.contact`).
pub struct ContactChangeRecord(staff_contact_history::Model);

#[Object]
impl ContactChangeRecord {
    /// When it was changed.
    async fn changed_at(&self) -> DateTime<Utc> {
        self.0.changed_at
    }
    /// Who changed it (the staff member themself).
    async fn changed_by_id(&self) -> ID {
        ids::encode("Staff", self.0.changed_by_id)
    }
    /// The phone before.
    async fn old_phone(&self, ctx: &Context<'_>) -> Option<String> {
        self.open(ctx, "phone_enc", &self.0.old_phone_enc).await
    }
    /// The phone after.
    async fn new_phone(&self, ctx: &Context<'_>) -> Option<String> {
        self.open(ctx, "phone_enc", &self.0.new_phone_enc).await
    }
    /// The e-mail before.
    async fn old_email(&self, ctx: &Context<'_>) -> Option<String> {
        self.open(ctx, "email_enc", &self.0.old_email_enc).await
    }
    /// The e-mail after.
    async fn new_email(&self, ctx: &Context<'_>) -> Option<String> {
        self.open(ctx, "email_enc", &self.0.new_email_enc).await
    }
}

impl ContactChangeRecord {
    /// A value sealed like the staff row's own `column` (its key, its row id).
    async fn open(&self, ctx: &Context<'_>, column: &'static str, value: &Option<Vec<u8>>) -> Option<String> {
        let targets = [Target::Staff { staff: self.0.staff_id, school: self.0.school_id }];
        let sealed = Sealed { table: "staff", column, row_id: self.0.staff_id, value: value.as_deref() };
        reveal(ctx, Kind::StaffContact, &targets, sealed).await
    }
}

/// What is kept about one staff member, whom the caller reads.
pub struct StaffHistory(pub staff::Model);

#[Object]
impl StaffHistory {
    /// The school roles held (principal, vice principal, clerk, district roles), newest first.
    async fn roles(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(maximum = 200))] first: u64,
    ) -> ApiResult<Vec<StaffRoleRecord>> {
        let read = signed_in(ctx)?
            .read(&readers::STAFF_ROLE)
            .through(Condition::all().add(staff_role::Column::StaffId.eq(self.0.id)))
            .order_by(staff_role::Column::StartsOn, Order::Desc)
            .limit(first);
        Ok(read.all(database(ctx)?).await?.into_iter().map(StaffRoleRecord::from).collect())
    }
    /// Homeroom and teaching assignments, newest first (for those who read the staff
    /// member's record under `staff`).
    async fn assignments(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(maximum = 200))] first: u64,
    ) -> ApiResult<Vec<AssignmentRecord>> {
        let db = database(ctx)?;
        if signed_in(ctx)?.read(&readers::STAFF).by_id(self.0.id).count(db).await? == 0 {
            return Ok(Vec::new());
        }
        let rows = teaching_assignment::Entity::find()
            .filter(teaching_assignment::Column::StaffId.eq(self.0.id))
            .order_by_desc(teaching_assignment::Column::StartsOn)
            .order_by_desc(teaching_assignment::Column::Id)
            .limit(first)
            .all(db)
            .await?;
        Ok(rows.into_iter().map(AssignmentRecord::from).collect())
    }
    /// The status changes (active, on leave, transferred, left), newest first.
    async fn statuses(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(maximum = 200))] first: u64,
    ) -> ApiResult<Vec<StaffStatusRecord>> {
        let read = signed_in(ctx)?
            .read(&readers::STAFF_STATUS)
            .through(Condition::all().add(staff_status_history::Column::StaffId.eq(self.0.id)))
            .order_by(staff_status_history::Column::EffectiveFrom, Order::Desc)
            .limit(first);
        let rows = read.all(database(ctx)?).await?;
        Ok(rows
            .into_iter()
            .map(|row| StaffStatusRecord {
                status: row.status,
                effective_from: row.effective_from,
                note: row.note,
                to_school_id: row.to_school_id.map(|id| ids::encode("School", id)),
                recorded_by_id: row.recorded_by_id.map(|id| ids::encode("Staff", id)),
                recorded_at: row.recorded_at,
            })
            .collect())
    }
    /// The changes of contact details, newest first (field group `staff.contact`: the
    /// principal, and the staff member themself).
    async fn contact_changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(maximum = 200))] first: u64,
    ) -> ApiResult<Vec<ContactChangeRecord>> {
        let read = signed_in(ctx)?
            .read(&readers::STAFF_CONTACT)
            .through(Condition::all().add(staff_contact_history::Column::StaffId.eq(self.0.id)))
            .order_by(staff_contact_history::Column::ChangedAt, Order::Desc)
            .limit(first);
        Ok(read.all(database(ctx)?).await?.into_iter().map(ContactChangeRecord).collect())
    }
}
