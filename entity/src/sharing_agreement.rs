//! `sharing_agreement`: what a school or an office agreed to share with a vendor's client —
//! for which purpose (a code of the privacy officer's list), on which legal basis, under
//! which signed agreement, from when to when, whether each family's consent is needed, and
//! which scopes and field groups; the places it covers are `sharing_agreement_place`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sharing_agreement")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub vendor_client_id: i64,
    /// The client's organisation.
    pub org_id: i64,
    pub purpose: String,
    pub legal_basis: String,
    /// Where the signed agreement is kept.
    pub reference: String,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub consent_required: bool,
    /// Space-separated OAuth scopes.
    pub scopes: String,
    /// Comma-separated policy kinds.
    pub field_groups: String,
    /// The staff member who made it.
    pub made_by: i64,
    pub created_at: DateTimeUtc,
    /// When it was ended before its end date, and why.
    pub ended_at: Option<DateTimeUtc>,
    pub ended_reason: Option<String>,
    /// Distinct students it may show a day; null: the server's default.
    pub daily_student_cap: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
