//! The account mutations a school runs (`issueActivationCodes`, `resetGuardianAccess`):
//! every person they name is reached through the policy's `account` kind for `write`
//! before anything else — a guardian through a guardianship in force at a school of the
//! caller, a staff member through their school, a class through its school, and each
//! guardian on a class's sheet once more — so a person out of reach answers exactly like
//! a missing one, and nothing is issued unless every one is reached. What a sheet or an
//! answer shows of the children and their guardians is noted in the disclosure log.

use crate::accounts::families::{self, Family};
use crate::accounts::issue::{self, Delivery, Issued, PassedOver, Slip};
use crate::accounts::{codes, events, holders, sheet, sms};
use crate::auth::{Account, session};
use crate::disclosure::Disclosures;
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{signed_in, state};
use crate::graphql::ids;
use crate::privacy::{Access, readers};
use async_graphql::{Context, Enum, ID, SimpleObject};
use base64::Engine as _;
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use entity::{SessionEnd, guardianship, org};
use sea_orm::{ColumnTrait as _, Condition, ConnectionTrait, EntityTrait as _, TransactionTrait as _};
use std::sync::Arc;

/// How activation codes reach their holders.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
#[graphql(name = "CodeDelivery")]
pub enum DeliveryInput {
    /// A printable XLSX sheet, one slip per family, returned in `sheet`.
    Sheet,
    /// An SMS to the phone on record (queued in the outbox).
    Sms,
    /// Shown once in the answer (`issued.code`).
    Show,
}

impl From<DeliveryInput> for Delivery {
    fn from(input: DeliveryInput) -> Self {
        match input {
            DeliveryInput::Sheet => Delivery::Sheet,
            DeliveryInput::Sms => Delivery::Sms,
            DeliveryInput::Show => Delivery::Show,
        }
    }
}

/// Why a person named got no code.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum PassedOverReason {
    /// The account has a password already.
    HasPassword,
    /// The account may not sign in (left the school, disabled).
    Inactive,
    /// The code was to go by SMS and no phone number is on record.
    NoPhone,
}

/// One account given a new activation code.
#[derive(SimpleObject)]
pub struct IssuedCode {
    /// The `Guardian`, `Staff` or `Student` id.
    pub account_id: ID,
    /// The holder's full name.
    pub name: String,
    /// What the holder signs in with: the username, else the phone number.
    pub sign_in_with: Option<String>,
    /// The code, only when asked to show it (`delivery: SHOW`); it is shown this once.
    pub code: Option<String>,
    /// When the code stops working.
    pub expires_at: DateTime<Utc>,
}

/// One person named who got no code, and why.
#[derive(SimpleObject)]
pub struct PassedOverAccount {
    /// The `Guardian`, `Staff` or `Student` id.
    pub account_id: ID,
    /// Why no code was issued.
    pub reason: PassedOverReason,
}

/// A printable sheet of activation slips.
#[derive(SimpleObject)]
pub struct ActivationSheet {
    /// A file name to save the sheet under.
    pub file_name: String,
    /// The sheet's media type (XLSX).
    pub content_type: String,
    /// The XLSX file, base64-encoded.
    pub content_base64: String,
}

/// What `issueActivationCodes` did.
#[derive(SimpleObject)]
pub struct ActivationCodes {
    /// The accounts given a new code.
    pub issued: Vec<IssuedCode>,
    /// The people named who got no code, and why.
    pub passed_over: Vec<PassedOverAccount>,
    /// The sheet, with `delivery: SHEET`.
    pub sheet: Option<ActivationSheet>,
}

/// What `resetGuardianAccess` did.
#[derive(SimpleObject)]
pub struct AccessReset {
    /// How many of the guardian's sessions were ended.
    pub sessions_ended: i32,
    /// The new activation code, when one was asked for.
    pub issued: Option<IssuedCode>,
}

/// Whom `issueActivationCodes` names: exactly one of the four.
pub struct Named {
    pub guardian_ids: Option<Vec<ID>>,
    pub staff_ids: Option<Vec<ID>>,
    pub student_ids: Option<Vec<ID>>,
    pub class_id: Option<ID>,
}

/// The people reached, with their families and the school (and class) a sheet is headed by.
struct Reached {
    accounts: Vec<Account>,
    families: Vec<Family>,
    school: i64,
    class: Option<String>,
}

/// Issues activation codes to the people `named`, delivered by `delivery`.
pub async fn issue_activation_codes(
    ctx: &Context<'_>,
    named: Named,
    delivery: DeliveryInput,
) -> ApiResult<ActivationCodes> {
    let access = signed_in(ctx)?;
    let state = state(ctx)?;
    let by = access.principal().account.ok_or(ApiError::Unauthenticated)?;
    let reached = reach_named(access, &state.db, named).await?;
    let people = holders::load(&state.db, &state.vault, &reached.accounts).await?;
    let now = Utc::now();
    let txn = state.db.begin().await?;
    let issued =
        issue::activation_codes(&txn, &state.vault, people, &reached.families, (Some(by), delivery.into()), now)
            .await?;
    if delivery == DeliveryInput::Sms {
        sms::queue_activation(&txn, &state.vault, reached.school, &issued.slips).await?;
    }
    let school_name = org::Entity::find_by_id(reached.school).one(&txn).await?.map(|row| row.name).unwrap_or_default();
    let sheet = match delivery {
        DeliveryInput::Sheet => Some(activation_sheet(&school_name, reached.class.as_deref(), &issued.slips)?),
        _ => None,
    };
    txn.commit().await?;
    note_shown(ctx, access, &issued.slips);
    Ok(ActivationCodes {
        issued: issued.slips.iter().map(|slip| issued_code(slip, delivery == DeliveryInput::Show)).collect(),
        passed_over: passed_over(&issued),
        sheet,
    })
}

/// Clears a guardian's password, ends all their sessions and withdraws their codes; with
/// `delivery`, issues a new activation code.
pub async fn reset_guardian_access(
    ctx: &Context<'_>,
    guardian_id: &ID,
    delivery: Option<DeliveryInput>,
) -> ApiResult<AccessReset> {
    let access = signed_in(ctx)?;
    let state = state(ctx)?;
    let by = access.principal().account.ok_or(ApiError::Unauthenticated)?;
    let guardian = ids::decode_as("Guardian", guardian_id).ok_or(ApiError::NotPermitted)?;
    let link = reach_guardian(access, &state.db, guardian).await?;
    let account = Account::Guardian(guardian);
    let families = families::of_guardians(&state.db, &[guardian], link.school_id, access.principal().today).await?;
    let mut people = holders::load(&state.db, &state.vault, &[account]).await?;
    let now = Utc::now();
    let txn = state.db.begin().await?;
    holders::set_password(&txn, account, None).await?;
    let ended = session::end_all_but(&txn, account, None, SessionEnd::AccessReset).await?;
    codes::withdraw(&txn, account, codes::Purpose::Reset).await?;
    events::record(&txn, account, events::Event::AccessReset, None, Some(by), now).await?;
    let issued = match delivery {
        Some(delivery) => {
            people.iter_mut().for_each(|holder| holder.has_password = false);
            let issued =
                issue::activation_codes(&txn, &state.vault, people, &families, (Some(by), delivery.into()), now)
                    .await?;
            if delivery == DeliveryInput::Sms {
                sms::queue_activation(&txn, &state.vault, link.school_id, &issued.slips).await?;
            }
            issued.slips.into_iter().next().map(|slip| (slip, delivery))
        }
        None => None,
    };
    txn.commit().await?;
    if let Some((slip, _)) = &issued {
        note_shown(ctx, access, std::slice::from_ref(slip));
    }
    Ok(AccessReset {
        sessions_ended: i32::try_from(ended).unwrap_or(i32::MAX),
        issued: issued.map(|(slip, delivery)| issued_code(&slip, delivery == DeliveryInput::Show)),
    })
}

/// Reaches everyone `named` names, for `account`/`write`; any one out of reach refuses the
/// whole call.
async fn reach_named(access: &Access, db: &impl ConnectionTrait, named: Named) -> Result<Reached, ApiError> {
    let today = access.principal().today;
    match (named.guardian_ids, named.staff_ids, named.student_ids, named.class_id) {
        (Some(named), None, None, None) if !named.is_empty() => {
            let mut accounts = Vec::new();
            let mut families = Vec::new();
            let mut school = None;
            for id in &named {
                let guardian = ids::decode_as("Guardian", id).ok_or(ApiError::NotPermitted)?;
                let link = reach_guardian(access, db, guardian).await?;
                school.get_or_insert(link.school_id);
                families.extend(families::of_guardians(db, &[guardian], link.school_id, today).await?);
                accounts.push(Account::Guardian(guardian));
            }
            Ok(Reached { accounts, families, school: school.unwrap_or_default(), class: None })
        }
        (None, Some(named), None, None) if !named.is_empty() => {
            let mut accounts = Vec::new();
            let mut school = None;
            for id in &named {
                let staff = ids::decode_as("Staff", id).ok_or(ApiError::NotPermitted)?;
                let row = access.reach(db, &readers::STAFF, Kind::Account, Action::Write, staff).await?;
                school.get_or_insert(row.school_id);
                accounts.push(Account::Staff(staff));
            }
            Ok(Reached { accounts, families: Vec::new(), school: school.unwrap_or_default(), class: None })
        }
        (None, None, Some(named), None) if !named.is_empty() => {
            let mut accounts = Vec::new();
            let mut school = None;
            for id in &named {
                let student = ids::decode_as("Student", id).ok_or(ApiError::NotPermitted)?;
                let row = access.reach(db, &readers::STUDENT, Kind::Account, Action::Write, student).await?;
                school.get_or_insert(row.school_id);
                accounts.push(Account::Student(student));
            }
            Ok(Reached { accounts, families: Vec::new(), school: school.unwrap_or_default(), class: None })
        }
        (None, None, None, Some(id)) => {
            let class = ids::decode_as("Class", &id).ok_or(ApiError::NotPermitted)?;
            let class = access.reach(db, &readers::CLASS, Kind::Account, Action::Write, class).await?;
            let families = families::of_class(db, class.id, today).await?;
            for family in &families {
                reach_guardian(access, db, family.guardian).await?;
            }
            let accounts = families.iter().map(|family| Account::Guardian(family.guardian)).collect();
            Ok(Reached { accounts, families, school: class.school_id, class: Some(class.name) })
        }
        _ => Err(ApiError::bad_input(
            "hãy nêu đúng một trong guardianIds, staffIds, studentIds hoặc classId",
            "name exactly one of guardianIds, staffIds, studentIds or classId",
        )),
    }
}

/// A guardianship in force of `guardian` through which the caller may write the guardian's
/// account (a child at the caller's school); [`ApiError::NotPermitted`] when there is none.
async fn reach_guardian(
    access: &Access,
    db: &impl ConnectionTrait,
    guardian: i64,
) -> Result<guardianship::Model, ApiError> {
    let today = access.principal().today;
    let which = Condition::all()
        .add(guardianship::Column::GuardianId.eq(guardian))
        .add(crate::auth::principal::active_on(guardianship::Column::StartsOn, guardianship::Column::EndsOn, today));
    access.reach_where(db, &readers::GUARDIANSHIP, Kind::Account, Action::Write, which).await
}

/// The sheet of `slips` for the school `school` (and `class`).
fn activation_sheet(school: &str, class: Option<&str>, slips: &[Slip]) -> Result<ActivationSheet, ApiError> {
    let heading = sheet::Heading { school, class: class.unwrap_or("EMIS") };
    let bytes = sheet::xlsx(&heading, slips).map_err(ApiError::internal)?;
    let name: String = heading.class.chars().filter(char::is_ascii_alphanumeric).collect();
    Ok(ActivationSheet {
        file_name: format!("activation-{}.xlsx", if name.is_empty() { "emis" } else { &name }),
        content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
        content_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

/// Notes in the disclosure log the children whose guardians' sign-in and codes were shown.
fn note_shown(ctx: &Context<'_>, access: &Access, slips: &[Slip]) {
    let Ok(disclosures) = ctx.data::<Arc<Disclosures>>() else { return };
    for child in slips.iter().filter_map(|slip| slip.family.as_ref()).flat_map(|family| &family.children) {
        disclosures.note(access.principal(), child.student, child.school, Kind::GuardianContact.as_str());
    }
}

fn account_id(account: Account) -> ID {
    match account {
        Account::Staff(id) => ids::encode("Staff", id),
        Account::Guardian(id) => ids::encode("Guardian", id),
        Account::Student(id) => ids::encode("Student", id),
    }
}

fn issued_code(slip: &Slip, show: bool) -> IssuedCode {
    IssuedCode {
        account_id: account_id(slip.holder.account),
        name: slip.holder.full_name.clone(),
        sign_in_with: slip.holder.sign_in_with().map(str::to_owned),
        code: show.then(|| slip.code.clone()),
        expires_at: slip.expires_at,
    }
}

fn passed_over(issued: &Issued) -> Vec<PassedOverAccount> {
    let reason = |why: PassedOver| match why {
        PassedOver::HasPassword => PassedOverReason::HasPassword,
        PassedOver::Inactive => PassedOverReason::Inactive,
        PassedOver::NoPhone => PassedOverReason::NoPhone,
    };
    issued
        .passed_over
        .iter()
        .map(|(account, why)| PassedOverAccount { account_id: account_id(*account), reason: reason(*why) })
        .collect()
}
