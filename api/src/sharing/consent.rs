//! Families' consent to sharing that needs it. An agreement that asks for consent shares a
//! child's records only while a guardian's consent to its purpose stands
//! ([`standing_given`], which the privacy layer's `shared` relationship reads). A guardian
//! sees what is asked for their child ([`asked`]: each purpose an agreement in force covering
//! the child's school or class asks consent for, with the vendors and the decision standing)
//! and gives, refuses or withdraws it ([`decide`]); the decision counts at the next request.
//! Every decision is kept as proof — who, when, through which channel, on which text — and a
//! later one supersedes, never erases, the earlier.

use super::agreements;
use super::purposes::{self, Purpose};
use crate::auth::principal::active_on;
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use entity::{enrollment, sharing_agreement, sharing_agreement_place, sharing_consent, vendor_client};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ActiveValue::Unchanged, ColumnTrait as _, Condition, DatabaseConnection,
    DbErr, EntityTrait as _, QueryFilter as _,
};
use std::collections::BTreeMap;
use std::path::Path;

/// A decision: consent given.
pub const GIVEN: &str = "given";
/// Consent refused before it was ever given.
pub const REFUSED: &str = "refused";
/// Consent given before, now taken back.
pub const WITHDRAWN: &str = "withdrawn";
/// Decided by the guardian in the app.
pub const IN_THE_APP: &str = "app";
/// Most vendors named for one purpose (the first registered).
pub const VENDORS_NAMED: usize = 50;

/// The standing decisions giving consent to `purpose`.
pub fn standing_given(purpose: &str) -> Condition {
    Condition::all()
        .add(sharing_consent::Column::Purpose.eq(purpose))
        .add(sharing_consent::Column::Decision.eq(GIVEN))
        .add(sharing_consent::Column::SupersededAt.is_null())
}

/// The children whose guardian's consent to `purpose` stands, as a sub-select of their ids.
pub fn consenting(purpose: &str) -> SelectStatement {
    Query::select()
        .column(sharing_consent::Column::StudentId)
        .from(sharing_consent::Entity)
        .cond_where(standing_given(purpose))
        .to_owned()
}

/// One purpose consent is asked for about a child.
#[derive(Debug, Clone)]
pub struct Asked {
    pub purpose: Purpose,
    /// The vendors whose agreements ask it, by name.
    pub vendors: Vec<String>,
    /// The decision standing, if any.
    pub decision: Option<sharing_consent::Model>,
}

/// What is asked of the families of `student` (reached as the caller may `action` consent):
/// one entry per purpose.
pub async fn asked(
    db: &DatabaseConnection,
    access: &Access,
    policy_dir: &Path,
    student: i64,
) -> Result<Vec<Asked>, ApiError> {
    let child = access.reach(db, &readers::STUDENT, Kind::Consent, Action::Read, student).await?;
    asked_of(db, access, policy_dir, &child).await
}

async fn asked_of(
    db: &DatabaseConnection,
    access: &Access,
    policy_dir: &Path,
    child: &entity::student::Model,
) -> Result<Vec<Asked>, ApiError> {
    let today = access.principal().today;
    let stay = access
        .read(&readers::ENROLLMENT)
        .narrow(enrollment::Column::StudentId, |column| column.eq(child.id))
        .through(active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, today))
        .one(db)
        .await?;
    let Some(stay) = stay else { return Ok(Vec::new()) };
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
    let listed = purposes::load(policy_dir)?;
    let mut asked = Vec::new();
    for (code, vendors) in vendors {
        let purpose = listed.iter().find(|purpose| purpose.code == code).cloned().unwrap_or_else(|| Purpose {
            vietnamese: code.clone(),
            english: code.clone(),
            code: code.clone(),
        });
        let decision = standing(db, access, child.id, &code).await?;
        asked.push(Asked { purpose, vendors, decision });
    }
    Ok(asked)
}

/// The decision standing on `purpose` for `student`, as the caller may read it.
async fn standing(
    db: &impl sea_orm::ConnectionTrait,
    access: &Access,
    student: i64,
    purpose: &str,
) -> Result<Option<sharing_consent::Model>, DbErr> {
    access
        .read(&readers::CONSENT)
        .narrow(sharing_consent::Column::StudentId, |column| column.eq(student))
        .narrow(sharing_consent::Column::Purpose, |column| column.eq(purpose))
        .narrow(sharing_consent::Column::SupersededAt, |column| column.is_null())
        .one(db)
        .await
}

/// The version of the text a guardian is shown for `purpose`: a digest of its wording, so
/// the proof names exactly what was agreed to.
fn text_version(purpose: &Purpose) -> String {
    let digest = crate::auth::token::digest(&format!("{}\n{}\n{}", purpose.code, purpose.vietnamese, purpose.english));
    digest[..16].to_owned()
}

/// Records the caller's (a guardian's) decision on `purpose` for `student`: given, or else
/// refused (never given before) or withdrawn; refused when no agreement asks it for the
/// child. One transaction: the decision standing is superseded and the new one written.
pub async fn decide(
    db: &DatabaseConnection,
    access: &Access,
    policy_dir: &Path,
    student: i64,
    purpose: &str,
    given: bool,
    now: DateTime<Utc>,
) -> Result<Asked, ApiError> {
    let child = access.reach(db, &readers::STUDENT, Kind::Consent, Action::Write, student).await?;
    let guardian = access.principal().guardian_id().ok_or(ApiError::NotPermitted)?;
    let code = purpose.trim().to_lowercase();
    let asked = asked_of(db, access, policy_dir, &child).await?;
    let Some(mut asked) = asked.into_iter().find(|asked| asked.purpose.code == code) else {
        return Err(ApiError::bad_input(
            format!("không có thỏa thuận nào xin đồng ý cho mục đích {code:?} với học sinh này"),
            format!("no agreement asks consent for the purpose {code:?} for this student"),
        ));
    };
    let txn = crate::db::begin_write(db).await?;
    let before = standing(&txn, access, child.id, &code).await?;
    let decision = match (&before, given) {
        (_, true) => GIVEN,
        (Some(before), false) if before.decision == GIVEN => WITHDRAWN,
        (_, false) => REFUSED,
    };
    if let Some(before) = &before {
        let superseded = sharing_consent::ActiveModel {
            id: Unchanged(before.id),
            superseded_at: Set(Some(now)),
            ..Default::default()
        };
        superseded.update(&txn).await?;
    }
    let decided = sharing_consent::ActiveModel {
        student_id: Set(child.id),
        school_id: Set(child.school_id),
        purpose: Set(code),
        decision: Set(decision.to_owned()),
        guardian_id: Set(guardian),
        channel: Set(IN_THE_APP.to_owned()),
        text_version: Set(text_version(&asked.purpose)),
        decided_at: Set(now),
        superseded_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    asked.decision = Some(decided);
    Ok(asked)
}
