//! Families' consent to the purposes that need it: the school's own (the privacy officer's
//! list names them, with the kinds staff reach under `consented_for` while consent stands)
//! and those of vendors' sharing agreements that ask for it. A child's records are processed
//! for such a purpose only while the family's consent stands ([`consenting`], the sub-select
//! the privacy layer reads for `consented_for` and `shared`): a guardian's decision giving it
//! and, from the age of 7 (or when the birth date is unknown), the child's own — given in the
//! child's app, or through the guardian's. A guardian (or the child) sees what is asked
//! ([`asked`]: each purpose with the vendors and the decisions standing) and gives, refuses
//! or withdraws it ([`decide`]); the decision counts at the next request. Every decision is
//! kept as proof — who, when, through which channel, on which text — and a later one
//! supersedes, never erases, the earlier.

use super::agreements;
use super::purposes::Purpose;
use crate::auth::principal::active_on;
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use crate::subject::restriction::{restricted, standing_restrictions};
use chrono::{Months, NaiveDate};
use emis_authz::{Action, Kind};
use entity::vendor_client;
use entity::{enrollment, sharing_agreement, sharing_agreement_place, sharing_consent, student, subject_request};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait as _, Condition, DatabaseConnection, DbErr, EntityTrait as _, QueryFilter as _};
use std::collections::BTreeMap;

mod decide;

pub use decide::{Decision, decide};

/// A decision: consent given.
pub const GIVEN: &str = "given";
/// Consent refused before it was ever given.
pub const REFUSED: &str = "refused";
/// Consent given before, now taken back.
pub const WITHDRAWN: &str = "withdrawn";
/// Decided in the decider's own app.
pub const IN_THE_APP: &str = "app";
/// The child's answer, given through the guardian's app.
pub const THROUGH_GUARDIAN: &str = "guardian";
/// Decided by a guardian.
pub const BY_GUARDIAN: &str = "guardian";
/// Decided by the child.
pub const BY_CHILD: &str = "child";
/// The age from which a child is asked too.
pub const CHILD_ASKED_FROM_YEARS: u32 = 7;
/// Most vendors named for one purpose (the first registered).
pub const VENDORS_NAMED: usize = 50;

/// The standing decisions of `by` (a guardian or the child) giving consent to `purpose`.
fn standing_given(purpose: &str, by: &str) -> Condition {
    Condition::all()
        .add(sharing_consent::Column::Purpose.eq(purpose))
        .add(sharing_consent::Column::Decision.eq(GIVEN))
        .add(sharing_consent::Column::DecidedBy.eq(by))
        .add(sharing_consent::Column::SupersededAt.is_null())
}

/// The last birth date of a child not yet 7 on `today` is after this day.
fn seventh_birthday_cutoff(today: NaiveDate) -> NaiveDate {
    today.checked_sub_months(Months::new(12 * CHILD_ASKED_FROM_YEARS)).unwrap_or(NaiveDate::MIN)
}

/// Whether a child born on `birth_date` is asked too on `today` (from 7, or when unknown).
pub fn child_is_asked(birth_date: Option<NaiveDate>, today: NaiveDate) -> bool {
    birth_date.is_none_or(|born| born <= seventh_birthday_cutoff(today))
}

/// The children whose family's consent to `purpose` stands on `today`, as a sub-select of
/// their ids: a guardian's standing decision gives it, the child is under 7 or their own
/// standing decision gives it too, and no restriction of processing stands for the child.
pub fn consenting(purpose: &str, today: NaiveDate) -> SelectStatement {
    let under_seven = Query::select()
        .column(student::Column::Id)
        .from(student::Entity)
        .and_where(student::Column::BirthDate.gt(seventh_birthday_cutoff(today)))
        .to_owned();
    let child_gave = Query::select()
        .column(sharing_consent::Column::StudentId)
        .from(sharing_consent::Entity)
        .cond_where(standing_given(purpose, BY_CHILD))
        .to_owned();
    let child = Condition::any()
        .add(sharing_consent::Column::StudentId.in_subquery(under_seven))
        .add(sharing_consent::Column::StudentId.in_subquery(child_gave));
    Query::select()
        .column(sharing_consent::Column::StudentId)
        .from(sharing_consent::Entity)
        .cond_where(standing_given(purpose, BY_GUARDIAN))
        .cond_where(child)
        .and_where(sharing_consent::Column::StudentId.not_in_subquery(restricted()))
        .to_owned()
}

/// One purpose consent is asked for about a child.
#[derive(Debug, Clone)]
pub struct Asked {
    pub purpose: Purpose,
    /// The vendors whose agreements ask it, by name (none for the school's own purposes).
    pub vendors: Vec<String>,
    /// The guardians' decision standing, if any.
    pub decision: Option<sharing_consent::Model>,
    /// Whether the child is asked too (7 or older, or the birth date unknown).
    pub child_asked: bool,
    /// The child's own decision standing, if any.
    pub child_decision: Option<sharing_consent::Model>,
    /// Whether a restriction of processing stands for the child, as far as the caller may
    /// read the child's requests: no consent counts then.
    pub restricted: bool,
}

impl Asked {
    /// Whether consent stands: the guardians gave it, if the child is asked so did the
    /// child, and no restriction of processing stands. Records are processed for the
    /// purpose only then.
    pub fn in_force(&self) -> bool {
        let given = |decision: &Option<sharing_consent::Model>| decision.as_ref().is_some_and(|d| d.decision == GIVEN);
        given(&self.decision) && (!self.child_asked || given(&self.child_decision)) && !self.restricted
    }
}

/// What is asked of the family of `student` about them: one entry per purpose.
pub async fn asked(db: &DatabaseConnection, access: &Access, student: i64) -> Result<Vec<Asked>, ApiError> {
    let child = access.reach(db, &readers::STUDENT, Kind::Consent, Action::Read, student).await?;
    asked_of(db, access, &child).await
}

/// The vendors' names per purpose that the agreements in force covering the child's school
/// or class today ask consent for.
async fn asked_by_agreements(
    db: &DatabaseConnection,
    today: NaiveDate,
    stay: &enrollment::Model,
) -> Result<BTreeMap<String, Vec<String>>, DbErr> {
    let covering = Condition::all().add(sharing_agreement_place::Column::SchoolId.eq(stay.school_id)).add(
        Condition::any()
            .add(sharing_agreement_place::Column::ClassId.is_null())
            .add(sharing_agreement_place::Column::ClassId.eq(stay.class_id)),
    );
    let places = sharing_agreement_place::Entity::find().filter(covering).all(db).await?;
    let agreements = sharing_agreement::Entity::find()
        .filter(sharing_agreement::Column::Id.is_in(places.iter().map(|place| place.agreement_id)))
        .filter(sharing_agreement::Column::ConsentRequired.eq(true))
        .all(db)
        .await?;
    let agreements: Vec<_> =
        agreements.into_iter().filter(|agreement| agreements::in_force(agreement, today)).collect();
    let clients = vendor_client::Entity::find()
        .filter(vendor_client::Column::Id.is_in(agreements.iter().map(|agreement| agreement.vendor_client_id)))
        .all(db)
        .await?;
    let mut vendors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for agreement in &agreements {
        let names = vendors.entry(agreement.purpose.clone()).or_default();
        if let Some(client) = clients.iter().find(|client| client.id == agreement.vendor_client_id)
            && !names.contains(&client.name)
            && names.len() < VENDORS_NAMED
        {
            names.push(client.name.clone());
        }
    }
    Ok(vendors)
}

async fn asked_of(db: &DatabaseConnection, access: &Access, child: &student::Model) -> Result<Vec<Asked>, ApiError> {
    let today = access.principal().today;
    let stay = access
        .read(&readers::ENROLLMENT)
        .narrow(enrollment::Column::StudentId, |column| column.eq(child.id))
        .through(active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, today))
        .one(db)
        .await?;
    let Some(stay) = stay else { return Ok(Vec::new()) };
    let mut vendors = asked_by_agreements(db, today, &stay).await?;
    for purpose in access.purposes().iter().filter(|purpose| purpose.needs_consent()) {
        vendors.entry(purpose.code.clone()).or_default();
    }
    let child_asked = child_is_asked(child.birth_date, today);
    let restriction = Condition::all()
        .add(subject_request::Column::StudentId.eq(child.id))
        .add(subject_request::Column::Id.in_subquery(standing_restrictions()));
    let restricted =
        access.read_mixed(&readers::SUBJECT_REQUEST, Action::Read).through(restriction).one(db).await?.is_some();
    let mut asked = Vec::new();
    for (code, vendors) in vendors {
        let listed = access.purposes().iter().find(|purpose| purpose.code == code).cloned();
        let purpose = listed.unwrap_or_else(|| Purpose {
            basis: emis_authz::Basis::Consent,
            kinds: Vec::new(),
            vietnamese: code.clone(),
            english: code.clone(),
            code: code.clone(),
        });
        let decision = standing(db, access, child.id, &code, BY_GUARDIAN).await?;
        let child_decision = standing(db, access, child.id, &code, BY_CHILD).await?;
        asked.push(Asked { purpose, vendors, decision, child_asked, child_decision, restricted });
    }
    Ok(asked)
}

/// The decision of `by` standing on `purpose` for `student`, as the caller may read it.
async fn standing(
    db: &impl sea_orm::ConnectionTrait,
    access: &Access,
    student: i64,
    purpose: &str,
    by: &str,
) -> Result<Option<sharing_consent::Model>, DbErr> {
    access
        .read(&readers::CONSENT)
        .narrow(sharing_consent::Column::StudentId, |column| column.eq(student))
        .narrow(sharing_consent::Column::Purpose, |column| column.eq(purpose))
        .narrow(sharing_consent::Column::DecidedBy, |column| column.eq(by))
        .narrow(sharing_consent::Column::SupersededAt, |column| column.is_null())
        .one(db)
        .await
}

/// The version of the text shown for `purpose`: a digest of its wording and of the kinds it
/// covers, so the proof names exactly what was agreed to.
fn text_version(purpose: &Purpose) -> String {
    let mut text = format!("{}\n{}\n{}", purpose.code, purpose.vietnamese, purpose.english);
    if !purpose.kinds.is_empty() {
        let kinds: Vec<&str> = purpose.kinds.iter().map(|kind| kind.as_str()).collect();
        text.push_str(&format!("\n{}", kinds.join("|")));
    }
    crate::auth::token::digest(&text)[..16].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_child_is_asked_from_the_seventh_birthday_or_when_the_birth_date_is_unknown() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert!(child_is_asked(NaiveDate::from_ymd_opt(2019, 12, 7), today));
        assert!(!child_is_asked(NaiveDate::from_ymd_opt(2019, 12, 8), today));
        assert!(child_is_asked(None, today));
        let leap = NaiveDate::from_ymd_opt(2027, 2, 28).unwrap();
        assert!(child_is_asked(NaiveDate::from_ymd_opt(2020, 2, 28), leap));
        assert!(!child_is_asked(NaiveDate::from_ymd_opt(2020, 2, 29), leap));
    }
}
