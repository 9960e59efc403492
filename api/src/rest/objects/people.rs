//! People as OneRoster users — students, teachers and guardians — and a student's
//! demographics. What only another grant shows comes in already decided: a guardian's
//! contact ([`Contact`]) is given only where the caller may read it, a student's ethnicity
//! and religion only where their background is shown; a staff member's contact never is.

use super::{Here, base, day};
use crate::exchange::names::split_name;
use serde_json::{Map, Value, json};

/// The name fields of a user.
fn names(object: &mut Map<String, Value>, family_name: &str, given_name: &str) {
    let (family, middle, given) = split_name(family_name, given_name);
    object.insert("givenName".to_owned(), Value::String(given.to_owned()));
    object.insert("familyName".to_owned(), Value::String(family.to_owned()));
    if !middle.is_empty() {
        object.insert("middleName".to_owned(), Value::String(middle.to_owned()));
    }
}

/// A user of one role, primarily at school `school` (its `sourcedId`).
fn user(sourced_id: &str, enabled: bool, role: &str, school: &str, here: &Here) -> Map<String, Value> {
    let mut object = base(sourced_id.to_owned(), here.now);
    object.insert("enabledUser".to_owned(), Value::String(enabled.to_string()));
    let role = json!({ "roleType": "primary", "role": role, "org": here.guid("orgs", "org", school) });
    object.insert("roles".to_owned(), json!([role]));
    object.insert("primaryOrg".to_owned(), here.guid("orgs", "org", school));
    object
}

/// A student as a user, primarily at school `school` (its `sourcedId`), with `guardians`
/// (their `sourcedId`s) as agents.
pub fn student(row: &entity::student::Model, school: &str, guardians: &[String], here: &Here) -> Map<String, Value> {
    let enabled = row.status != entity::StudentStatus::DroppedOut.as_str();
    let mut object = user(&row.external_id, enabled, "student", school, here);
    names(&mut object, &row.family_name, &row.given_name);
    let agents: Vec<Value> = guardians.iter().map(|guardian| here.guid("users", "user", guardian)).collect();
    object.insert("agents".to_owned(), Value::Array(agents));
    object
}

/// A teacher as a user, primarily at school `school` (its `sourcedId`). Never their phone or
/// e-mail: a staff member's contact is not shared with vendors.
pub fn teacher(row: &entity::staff::Model, school: &str, here: &Here) -> Map<String, Value> {
    use entity::StaffStatus;
    let status = row.status.parse::<StaffStatus>().unwrap_or(StaffStatus::Active);
    let enabled = matches!(status, StaffStatus::Active | StaffStatus::OnLeave);
    let mut object = user(&row.external_id, enabled, "teacher", school, here);
    names(&mut object, &row.family_name, &row.given_name);
    object
}

/// A guardian's contact, opened where the caller may read it.
#[derive(Default)]
pub struct Contact {
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A guardian as a user of role `parent` (a father or mother) or `guardian`, primarily at
/// `school`, the school of their earliest link the caller may read; `children` are the
/// `sourcedId`s of the children the caller reached them through (their `agents`).
pub fn guardian(
    row: &entity::guardian::Model,
    relationship: &str,
    school: &str,
    children: &[&str],
    contact: Contact,
    here: &Here,
) -> Map<String, Value> {
    let role = if relationship == entity::Relationship::Guardian.as_str() { "guardian" } else { "parent" };
    let enabled = row.status == entity::GuardianStatus::Active.as_str();
    let mut object = user(&row.external_id, enabled, role, school, here);
    names(&mut object, &row.family_name, &row.given_name);
    let agents: Vec<Value> = children.iter().map(|child| here.guid("users", "user", child)).collect();
    object.insert("agents".to_owned(), Value::Array(agents));
    if let Some(email) = contact.email {
        object.insert("email".to_owned(), Value::String(email));
    }
    if let Some(phone) = contact.phone {
        object.insert("phone".to_owned(), Value::String(phone));
    }
    object
}

/// A student's demographics (`sourcedId` that of the student): birth date and sex, and —
/// having no place in the specification's categories, which are those of another country —
/// the ethnicity and religion in `metadata` (`vn.ethnicity`, `vn.religion`) when known.
pub fn demographics(
    row: &entity::student::Model,
    ethnicity: Option<String>,
    religion: Option<String>,
    here: &Here,
) -> Map<String, Value> {
    let mut object = base(row.external_id.clone(), here.now);
    if let Some(born) = row.birth_date {
        object.insert("birthDate".to_owned(), day(born));
    }
    if let Some(sex) = &row.gender {
        let sex = match sex.parse::<entity::Gender>() {
            Ok(entity::Gender::Male) => "male",
            Ok(entity::Gender::Female) => "female",
            Err(_) => "unspecified",
        };
        object.insert("sex".to_owned(), Value::String(sex.to_owned()));
    }
    let mut metadata = Map::new();
    for (key, value) in [("vn.ethnicity", ethnicity), ("vn.religion", religion)] {
        if let Some(value) = value {
            metadata.insert(key.to_owned(), Value::String(value));
        }
    }
    if !metadata.is_empty() {
        object.insert("metadata".to_owned(), Value::Object(metadata));
    }
    object
}
