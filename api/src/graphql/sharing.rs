//! Sharing with vendors, as GraphQL shows it to the administrators who manage it: the
//! clients a school or an office registered (`vendorClients`), each with its agreements and
//! the places they cover; registering a client (its secret shown once), rotating its secret,
//! suspending it; making and ending agreements; and the privacy officer's list of purposes
//! (`sharingPurposes`). Every row is read through the privacy layer (`sharing`/`read`). The
//! mutations are [`super::sharing_mutations`]'.

use super::context::{access, database, signed_in, state};
use super::ids;
use crate::error::ApiResult;
use crate::privacy::readers;
use crate::sharing::agreements;
use crate::sharing::{clients, purposes};
use async_graphql::{ComplexObject, Context, ID, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{sharing_agreement, sharing_agreement_place, vendor_client};
use sea_orm::{ColumnTrait as _, Order};

/// A vendor's client, registered by a school or an office.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct VendorClient {
    /// The client's global id.
    pub id: ID,
    /// The vendor's name.
    pub name: String,
    /// The public client id the vendor obtains tokens with (with its secret).
    pub client_id: String,
    /// active | suspended
    pub status: String,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// When its secret was last made or rotated.
    pub secret_rotated_at: DateTime<Utc>,
    /// When it was suspended; null while active.
    pub suspended_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    pub row_id: i64,
}

impl From<vendor_client::Model> for VendorClient {
    fn from(row: vendor_client::Model) -> Self {
        Self {
            id: ids::encode("VendorClient", row.id),
            name: row.name,
            client_id: row.client_id,
            status: row.status,
            created_at: row.created_at,
            secret_rotated_at: row.secret_rotated_at,
            suspended_at: row.suspended_at,
            row_id: row.id,
        }
    }
}

#[ComplexObject]
impl VendorClient {
    /// Its sharing agreements, newest first, at most `first`, as the caller may read them.
    async fn agreements(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10, validator(minimum = 1, maximum = 50))] first: i32,
    ) -> ApiResult<Vec<SharingAgreement>> {
        let db = database(ctx)?;
        let rows = access(ctx)?
            .read(&readers::SHARING_AGREEMENT)
            .narrow(sharing_agreement::Column::VendorClientId, |column| column.eq(self.row_id))
            .order_by(sharing_agreement::Column::Id, Order::Desc)
            .limit(u64::try_from(first).unwrap_or(10))
            .all(db)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
        let places = access(ctx)?
            .read(&readers::SHARING_PLACE)
            .narrow(sharing_agreement_place::Column::AgreementId, |column| column.is_in(ids))
            .order_by(sharing_agreement_place::Column::Id, Order::Asc)
            .all(db)
            .await?;
        Ok(rows.into_iter().map(|row| SharingAgreement::new(row, &places)).collect())
    }
}

/// A school, or one class of it, that an agreement covers.
#[derive(SimpleObject)]
pub struct SharingPlace {
    /// The school.
    pub school_id: ID,
    /// One class of it; null for the whole school.
    pub class_id: Option<ID>,
}

/// What a school or an office agreed to share with a vendor's client.
#[derive(SimpleObject)]
pub struct SharingAgreement {
    /// The agreement's global id.
    pub id: ID,
    /// A code of the privacy officer's list (`sharingPurposes`).
    pub purpose: String,
    /// The legal basis of the sharing.
    pub legal_basis: String,
    /// Where the signed agreement is kept.
    pub reference: String,
    /// The first day it is in force.
    pub starts_on: NaiveDate,
    /// The last day it is in force; null for no end date.
    pub ends_on: Option<NaiveDate>,
    /// Whether each family's consent is needed before their child is shared.
    pub consent_required: bool,
    /// The OAuth scopes a token of the client may carry under it.
    pub scopes: Vec<String>,
    /// The policy's kinds (field groups) it shares.
    pub field_groups: Vec<String>,
    /// The schools and classes it covers (those the caller may read).
    pub places: Vec<SharingPlace>,
    /// Whether it is in force today.
    pub in_force: bool,
    /// When it was ended early, and why; null otherwise.
    pub ended_at: Option<DateTime<Utc>>,
    /// Why it was ended early.
    pub ended_reason: Option<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Distinct students it may show a day; null: the server's default
    /// (`EMIS_SHARING_DAILY_STUDENT_CAP`).
    pub daily_student_cap: Option<i32>,
}

impl SharingAgreement {
    /// `row`, with those of `places` that are its own.
    pub(super) fn new(row: sharing_agreement::Model, places: &[sharing_agreement_place::Model]) -> Self {
        let today = crate::clock::today();
        let in_force = agreements::in_force(&row, today);
        let split = |text: &str, by: char| {
            text.split(by).map(str::trim).filter(|word| !word.is_empty()).map(str::to_owned).collect()
        };
        Self {
            id: ids::encode("SharingAgreement", row.id),
            places: places
                .iter()
                .filter(|place| place.agreement_id == row.id)
                .map(|place| SharingPlace {
                    school_id: ids::encode("School", place.school_id),
                    class_id: place.class_id.map(|class| ids::encode("Class", class)),
                })
                .collect(),
            scopes: split(&row.scopes, ' '),
            field_groups: split(&row.field_groups, ','),
            purpose: row.purpose,
            legal_basis: row.legal_basis,
            reference: row.reference,
            starts_on: row.starts_on,
            ends_on: row.ends_on,
            consent_required: row.consent_required,
            in_force,
            ended_at: row.ended_at,
            ended_reason: row.ended_reason,
            created_at: row.created_at,
            daily_student_cap: row.daily_student_cap,
        }
    }
}

/// A client with its secret: the only time the secret is shown.
#[derive(SimpleObject)]
pub struct VendorClientSecret {
    /// The client.
    pub client: VendorClient,
    /// The secret, shown this once; give it to the vendor with the client id.
    pub client_secret: String,
}

impl From<clients::WithSecret> for VendorClientSecret {
    fn from(made: clients::WithSecret) -> Self {
        Self { client: made.client.into(), client_secret: made.secret }
    }
}

/// A read refused because it would have taken an agreement past its daily cap of students;
/// the agreement shared nothing more that day.
#[derive(SimpleObject)]
pub struct SharingCapAlert {
    /// The alert's global id.
    pub id: ID,
    /// The agreement.
    pub agreement_id: ID,
    /// The day (in Vietnam) it was blocked.
    pub day: NaiveDate,
    /// Its cap.
    pub cap: i64,
    /// Distinct students the refused read would have brought the day to.
    pub reached: i64,
    /// When the read was refused.
    pub created_at: DateTime<Utc>,
}

impl From<entity::sharing_cap_alert::Model> for SharingCapAlert {
    fn from(row: entity::sharing_cap_alert::Model) -> Self {
        SharingCapAlert {
            id: ids::encode("SharingCapAlert", row.id),
            agreement_id: ids::encode("SharingAgreement", row.agreement_id),
            day: row.day,
            cap: row.cap,
            reached: row.reached,
            created_at: row.created_at,
        }
    }
}

/// `sharingCapAlerts`: the alerts the caller may read, newest first.
pub async fn cap_alerts(ctx: &Context<'_>, first: u64) -> ApiResult<Vec<SharingCapAlert>> {
    signed_in(ctx)?;
    let rows = access(ctx)?
        .read(&readers::SHARING_CAP_ALERT)
        .order_by(entity::sharing_cap_alert::Column::Id, Order::Desc)
        .limit(first)
        .all(database(ctx)?)
        .await?;
    Ok(rows.into_iter().map(SharingCapAlert::from).collect())
}

/// A purpose personal data is processed for, from the privacy officer's list.
#[derive(SimpleObject)]
pub struct SharingPurpose {
    /// The code an agreement or a consent names.
    pub code: String,
    /// In Vietnamese.
    pub vietnamese: String,
    /// In English.
    pub english: String,
    /// The legal basis: consent | task | obligation | contract.
    pub basis: String,
    /// For a purpose needing consent, the kinds of record the school's staff reach under
    /// `consented_for` while a family's consent stands.
    pub kinds: Vec<String>,
}

impl From<purposes::Purpose> for SharingPurpose {
    fn from(purpose: purposes::Purpose) -> Self {
        Self {
            basis: purpose.basis.to_string(),
            kinds: purpose.kinds.iter().map(|kind| kind.as_str().to_owned()).collect(),
            code: purpose.code,
            vietnamese: purpose.vietnamese,
            english: purpose.english,
        }
    }
}

/// Most purposes listed.
pub const PURPOSES_MAX: usize = 100;

/// `vendorClients`: the clients the caller may read, of school `school` when given, newest
/// first.
pub async fn list(ctx: &Context<'_>, school: Option<&ID>, first: u64) -> ApiResult<Vec<VendorClient>> {
    signed_in(ctx)?;
    let mut rows = access(ctx)?.read(&readers::VENDOR_CLIENT);
    if let Some(school) = school {
        let Some(school) = ids::decode_as("School", school) else { return Ok(Vec::new()) };
        rows = rows.narrow(vendor_client::Column::OrgId, |column| column.eq(school));
    }
    let rows = rows.order_by(vendor_client::Column::Id, Order::Desc).limit(first).all(database(ctx)?).await?;
    Ok(rows.into_iter().map(VendorClient::from).collect())
}

/// `sharingPurposes`.
pub fn purposes_listed(ctx: &Context<'_>) -> ApiResult<Vec<SharingPurpose>> {
    signed_in(ctx)?;
    let listed = purposes::load(&state(ctx)?.config.policy_dir)?;
    Ok(listed.into_iter().take(PURPOSES_MAX).map(SharingPurpose::from).collect())
}
