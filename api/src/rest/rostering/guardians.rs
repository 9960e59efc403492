//! Guardians as users: a guardian is listed only through a link to a child that the caller
//! may read together with the guardian (`crate::privacy::Access::links_of_guardians`), names
//! as agents only those children, and shows an e-mail or phone only where the caller may
//! read the guardian's contact as that child's record — for a vendor, only under an
//! agreement that shares `guardian.contact`.

use super::super::Asked;
use super::super::objects::{self, Contact};
use super::super::refs::{org_ids, preload_keys, student_ids};
use super::super::reply::Refusal;
use crate::privacy::Target;
use emis_authz::Kind;
use entity::{guardian, guardianship};
use sea_orm::{ColumnTrait as _, EntityTrait as _, FromQueryResult, QueryFilter as _, QuerySelect as _};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A guardian's link to a child, as far as a user needs it.
#[derive(Debug, FromQueryResult)]
struct Link {
    id: i64,
    guardian_id: i64,
    student_id: i64,
    school_id: i64,
    relationship: String,
    starts_on: chrono::NaiveDate,
}

impl Link {
    fn target(&self) -> Target {
        Target::student(self.student_id, self.school_id)
    }
}

/// The users of the guardians `ids` the caller may read, by guardian id: each with the
/// links that pass the check, and none without one.
pub(super) async fn guardian_objects(asked: &Asked, ids: &[i64]) -> Result<HashMap<i64, Map<String, Value>>, Refusal> {
    let db = &asked.state.db;
    let access = &asked.access;
    let (select, checker) = access.links_of_guardians(ids.iter().copied(), |select| {
        select.columns([
            guardianship::Column::Id,
            guardianship::Column::GuardianId,
            guardianship::Column::StudentId,
            guardianship::Column::SchoolId,
            guardianship::Column::Relationship,
            guardianship::Column::StartsOn,
        ])
    });
    let links = checker.admit(select.into_model::<Link>().all(db).await?, Link::target).await?;
    let mut by_guardian: HashMap<i64, Vec<&Link>> = HashMap::new();
    for link in &links {
        by_guardian.entry(link.guardian_id).or_default().push(link);
    }
    let rows = guardian::Entity::find().filter(guardian::Column::Id.is_in(by_guardian.keys().copied())).all(db).await?;
    let children = student_ids(asked, links.iter().map(|link| link.student_id)).await?;
    let schools = org_ids(asked, links.iter().map(|link| link.school_id)).await?;
    let contact_asked = asked.wants("email") || asked.wants("phone");
    if contact_asked {
        let sealed: Vec<&Vec<u8>> = rows.iter().flat_map(|row| [&row.email_enc, &row.phone_enc]).flatten().collect();
        preload_keys(asked, &sealed).await?;
    }
    let mut found = HashMap::new();
    for row in &rows {
        let Some(own) = by_guardian.get_mut(&row.id) else { continue };
        own.sort_by_key(|link| (link.starts_on, link.id));
        let first = own[0];
        let mut agents: Vec<&str> =
            own.iter().filter_map(|link| children.get(&link.student_id).map(String::as_str)).collect();
        agents.sort_unstable();
        agents.dedup();
        let mut contact = Contact::default();
        let targets: Vec<Target> = own.iter().map(|link| link.target()).collect();
        if contact_asked
            && (row.email_enc.is_some() || row.phone_enc.is_some())
            && access.shows(Kind::GuardianContact, &targets).await
        {
            let open = |column: &str, value: &Option<Vec<u8>>| {
                value.as_deref().and_then(|sealed| asked.state.vault.open_field("guardian", column, row.id, sealed))
            };
            contact = Contact { email: open("email_enc", &row.email_enc), phone: open("phone_enc", &row.phone_enc) };
        }
        let school = schools.get(&first.school_id).map_or("", String::as_str);
        found.insert(row.id, objects::guardian(row, &first.relationship, school, &agents, contact, &asked.here));
    }
    Ok(found)
}
