//! The administrators' mutations of sharing with vendors: registering a client (its secret
//! shown once), rotating its secret, suspending it; making and ending agreements. Each
//! reaches its client, agreement, school or class first, so what is out of reach answers
//! like what is missing. The types they return are [`super::sharing`]'s.

use super::context::{access, database, state};
use super::ids;
use super::sharing::{SharingAgreement, VendorClient, VendorClientSecret};
use crate::error::{ApiError, ApiResult};
use crate::sharing::agreements::{self, Place, Terms};
use crate::sharing::clients;
use async_graphql::{Context, ID, InputObject, Object};
use chrono::{NaiveDate, Utc};

/// A new client.
#[derive(InputObject)]
pub struct RegisterVendorClientInput {
    /// The vendor's name.
    pub name: String,
    /// The school that registers it; left out, the office of a district officer.
    pub school_id: Option<ID>,
}

/// A school or a class an agreement covers: give one.
#[derive(InputObject)]
pub struct SharingPlaceInput {
    /// A whole school.
    pub school_id: Option<ID>,
    /// One class.
    pub class_id: Option<ID>,
}

/// A new agreement's terms.
#[derive(InputObject)]
pub struct MakeSharingAgreementInput {
    /// The client it is made with.
    pub client_id: ID,
    /// A code of `sharingPurposes`.
    pub purpose: String,
    /// The legal basis (say, the article of Decree 356/2025 it rests on).
    pub legal_basis: String,
    /// Where the signed agreement is kept (its number, or a document reference).
    pub reference: String,
    /// The first day it is in force.
    pub starts_on: NaiveDate,
    /// The last day it is in force; none for no end date.
    pub ends_on: Option<NaiveDate>,
    /// Whether each family's consent is needed before their child is shared.
    #[graphql(default)]
    pub consent_required: bool,
    /// OAuth scopes: the OneRoster 1.2 scope names (or their short forms, say
    /// `roster-core.readonly`), `emis.attendance.readonly`, `emis.notices.readonly`.
    #[graphql(validator(max_items = 7))]
    pub scopes: Vec<String>,
    /// The policy's kinds shared (say `student`, `enrollment`, `result`).
    #[graphql(validator(max_items = 17))]
    pub field_groups: Vec<String>,
    /// The schools and classes covered.
    #[graphql(validator(max_items = 100))]
    pub places: Vec<SharingPlaceInput>,
    /// Distinct students it may show a day (1–10000000); left out, the server's default. A
    /// read that would cross it is refused and alerts, and the agreement shares nothing more
    /// that day.
    #[graphql(validator(minimum = 1, maximum = 10_000_000))]
    pub daily_student_cap: Option<i32>,
}

/// The places of `input`; an id of another kind answers like a missing one.
fn places_of(input: &[SharingPlaceInput]) -> ApiResult<Vec<Place>> {
    let decoded = |id: &Option<ID>, kind: &str| match id {
        Some(id) => ids::decode_as(kind, id).map(Some).ok_or(ApiError::NotPermitted),
        None => Ok(None),
    };
    input
        .iter()
        .map(|place| {
            Ok(Place { school: decoded(&place.school_id, "School")?, class: decoded(&place.class_id, "Class")? })
        })
        .collect()
}

/// The mutations of sharing with vendors.
#[derive(Default)]
pub struct SharingMutations;

#[Object]
impl SharingMutations {
    /// Registers a vendor's client at a school (or a district officer's office) and answers
    /// its secret, shown this once. Refused like a missing school when the caller may not
    /// manage the school's sharing.
    async fn register_vendor_client(
        &self,
        ctx: &Context<'_>,
        input: RegisterVendorClientInput,
    ) -> ApiResult<VendorClientSecret> {
        let access = access(ctx)?;
        let school = match &input.school_id {
            Some(school) => Some(ids::decode_as("School", school).ok_or(ApiError::NotPermitted)?),
            None => None,
        };
        let org = clients::home(access, school)?;
        Ok(clients::register(database(ctx)?, access, org, &input.name, Utc::now()).await?.into())
    }
    /// Gives a client a new secret, shown this once; the old secret and every token it
    /// obtained stop at once.
    async fn rotate_vendor_client_secret(&self, ctx: &Context<'_>, client_id: ID) -> ApiResult<VendorClientSecret> {
        let id = ids::decode_as("VendorClient", &client_id).ok_or(ApiError::NotPermitted)?;
        Ok(clients::rotate(database(ctx)?, access(ctx)?, id, Utc::now()).await?.into())
    }
    /// Suspends a client (its tokens stop at once and it obtains no more), or with
    /// `suspended: false` makes it active again.
    async fn suspend_vendor_client(
        &self,
        ctx: &Context<'_>,
        client_id: ID,
        #[graphql(default = true)] suspended: bool,
    ) -> ApiResult<VendorClient> {
        let id = ids::decode_as("VendorClient", &client_id).ok_or(ApiError::NotPermitted)?;
        Ok(clients::set_suspended(database(ctx)?, access(ctx)?, id, suspended, Utc::now()).await?.into())
    }
    /// Makes a sharing agreement with a client. The client, and every school and class it
    /// covers, must be within the caller's reach (else refused like missing ones); then the
    /// terms are checked. Nothing is written unless all holds.
    async fn make_sharing_agreement(
        &self,
        ctx: &Context<'_>,
        input: MakeSharingAgreementInput,
    ) -> ApiResult<SharingAgreement> {
        let server = state(ctx)?;
        let client = ids::decode_as("VendorClient", &input.client_id).ok_or(ApiError::NotPermitted)?;
        let terms = Terms {
            places: places_of(&input.places)?,
            purpose: input.purpose,
            legal_basis: input.legal_basis,
            reference: input.reference,
            starts_on: input.starts_on,
            ends_on: input.ends_on,
            consent_required: input.consent_required,
            scopes: input.scopes,
            field_groups: input.field_groups,
            daily_student_cap: input.daily_student_cap,
        };
        let (row, places) =
            agreements::make(&server.db, access(ctx)?, &server.config.policy_dir, client, terms, Utc::now()).await?;
        Ok(SharingAgreement::new(row, &places))
    }
    /// Ends an agreement now, with the reason; its client reaches nothing more through it.
    async fn end_sharing_agreement(
        &self,
        ctx: &Context<'_>,
        agreement_id: ID,
        reason: String,
    ) -> ApiResult<SharingAgreement> {
        let id = ids::decode_as("SharingAgreement", &agreement_id).ok_or(ApiError::NotPermitted)?;
        let row = agreements::end(database(ctx)?, access(ctx)?, id, &reason, Utc::now()).await?;
        Ok(SharingAgreement::new(row, &[]))
    }
}
