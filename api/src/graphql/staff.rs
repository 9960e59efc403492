//! Staff as the API shows them: a staff member's record, its sealed contact, identity and
//! address opened only after the policy allowed the field group, and what is kept about
//! them ([`super::staff_history`]).

use super::ids;
use super::school::School;
use super::sensitive::{Sealed, reveal};
use crate::error::ApiResult;
use crate::privacy::{Target, Visible};
use async_graphql::{Context, ID, Object};
use emis_authz::Kind;
use entity::staff;

/// A staff member.
pub struct Staff(pub staff::Model);

impl Staff {
    fn targets(&self) -> [Target; 1] {
        [Target::Staff { staff: self.0.id, school: self.0.school_id }]
    }

    fn sealed<'a>(&'a self, column: &'static str, value: &'a Option<Vec<u8>>) -> Sealed<'a> {
        Sealed { table: "staff", column, row_id: self.0.id, value: value.as_deref() }
    }
}

#[Object]
impl Staff {
    /// The staff member's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Staff", self.0.id)
    }
    /// The staff member's identifier in exchanges (OneRoster `sourcedId`).
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// The staff member's full name.
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }
    /// active | on_leave | transferred | left
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// Work phone (field group `staff.contact`).
    async fn phone(&self, ctx: &Context<'_>) -> Option<String> {
        reveal(ctx, Kind::StaffContact, &self.targets(), self.sealed("phone_enc", &self.0.phone_enc)).await
    }
    /// E-mail (field group `staff.contact`).
    async fn email(&self, ctx: &Context<'_>) -> Option<String> {
        reveal(ctx, Kind::StaffContact, &self.targets(), self.sealed("email_enc", &self.0.email_enc)).await
    }
    /// Citizen identity number (field group `staff.identity`).
    async fn identity_number(&self, ctx: &Context<'_>) -> Option<String> {
        reveal(ctx, Kind::StaffIdentity, &self.targets(), self.sealed("identity_no_enc", &self.0.identity_no_enc)).await
    }
    /// Home address (field group `staff.address`).
    async fn address(&self, ctx: &Context<'_>) -> Option<String> {
        reveal(ctx, Kind::StaffAddress, &self.targets(), self.sealed("address_enc", &self.0.address_enc)).await
    }
    /// The staff member's school, if the caller may see it.
    async fn school(&self, ctx: &Context<'_>) -> ApiResult<Option<School>> {
        super::school::school_by_id(ctx, self.0.school_id).await
    }
    /// What is kept about the staff member: roles, assignments, status and contact history.
    async fn history(&self) -> super::staff_history::StaffHistory {
        super::staff_history::StaffHistory(self.0.clone())
    }
}

/// The staff rows of `select` the caller may see.
pub async fn staff_where(ctx: &Context<'_>, staff: Visible<'_, staff::Entity>) -> ApiResult<Vec<Staff>> {
    let rows = staff.all(super::context::database(ctx)?).await?;
    Ok(rows.into_iter().map(Staff).collect())
}
