//! Recording a call of the primary book: who may write where (the policy decides first,
//! before the class's kind, its lock or an empty call are looked at), then the call checked
//! whole ([`super::entries`]) and written whole ([`super::write`]).

use super::write::{Place, write};
use super::{checkpoint_code, has_test, primary_rules, semester_of};
use crate::auth::principal::Account;
use crate::books::scores::Provenance;
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use emis_rules::primary::Checkpoint;
use entity::{homeroom_class, section, subject};
use sea_orm::{DatabaseConnection, EntityTrait as _};

/// What one call rates: one section's subject, or the class's qualities and competencies.
#[derive(Clone, Copy, Debug)]
pub enum Scope {
    Section(i64),
    Class(i64),
}

/// One entry: for a section, `area` is unused; for a class, it names the quality or
/// competency.
#[derive(Clone, Debug)]
pub struct Entry {
    pub student: i64,
    pub area: Option<String>,
    pub level: String,
    pub test_score: Option<i16>,
    pub comment: Option<String>,
    /// The version the client last read; `None` when it read none.
    pub expected_version: Option<i32>,
}

/// The section (for a subject) and the class `scope` writes in, once the policy lets the
/// caller write there at all (`result`/`write` on the section, `conduct`/`write` on the
/// class) — decided before anything else, so a scope that does not exist and one out of
/// reach, of whatever kind or state, are refused alike.
async fn scope_permitted(
    db: &DatabaseConnection,
    access: &Access,
    scope: Scope,
) -> Result<(Option<section::Model>, homeroom_class::Model), ApiError> {
    match scope {
        Scope::Section(id) => {
            let section = access.reach(db, &readers::SECTION, Kind::Result, Action::Write, id).await?;
            let class = homeroom_class::Entity::find_by_id(section.class_id).one(db).await?;
            Ok((Some(section), class.ok_or(ApiError::Internal)?))
        }
        Scope::Class(id) => Ok((None, access.reach(db, &readers::CLASS, Kind::Conduct, Action::Write, id).await?)),
    }
}

/// Records `entries` at `checkpoint` for `scope`; how many changed.
pub async fn record(
    db: &DatabaseConnection,
    access: &Access,
    scope: Scope,
    checkpoint: Checkpoint,
    entries: &[Entry],
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let teacher = crate::books::locks::staff_account(access)?;
    let provenance = Provenance { changed_by: Account::Staff(teacher), approved_by: None, reason: None, now };
    let (section, class) = scope_permitted(db, access, scope).await?;
    students_permitted(access, section.as_ref(), &class, entries).await?;
    if entries.is_empty() {
        return Err(ApiError::bad_input("cần ít nhất một mục", "at least one entry is needed"));
    }
    let grade = primary_rules(db, &class).await?;
    let semester = refuse_locked(db, &class, section.as_ref(), checkpoint).await?;
    let subject = match &section {
        Some(section) => subject::Entity::find_by_id(section.subject_id).one(db).await?,
        None => None,
    };
    let test_expected = subject.as_ref().is_some_and(|subject| has_test(&subject.code, grade, checkpoint));
    let named: Vec<i64> = entries.iter().map(|entry| entry.student).collect();
    let students = crate::books::enrolled(db, class.id, access.principal().today, Some(&named)).await?;
    let items: Vec<String> = entries
        .iter()
        .map(|entry| match &subject {
            Some(subject) => subject.code.clone(),
            None => entry.area.clone().unwrap_or_default(),
        })
        .collect();
    super::entries::check(entries, &items, &students, subject.is_some(), test_expected)?;
    let code = checkpoint_code(checkpoint);
    let place = Place { class: &class, section: section.as_ref(), checkpoint: code, semester, teacher };
    write(db, access, &place, entries, &items, &provenance).await
}

/// Refuses the call unless the policy lets the caller write each student's item: their
/// subject in `section` (`result`/`write`), or their qualities and competencies in `class`
/// (`conduct`/`write`).
async fn students_permitted(
    access: &Access,
    section: Option<&section::Model>,
    class: &homeroom_class::Model,
    entries: &[Entry],
) -> Result<(), ApiError> {
    // Writing needs the policy's leave for every student named.
    let students: Vec<i64> = entries.iter().map(|entry| entry.student).collect();
    let allowed = match section {
        Some(section) => {
            access.may_about_each(&readers::SECTION, section, &students, Kind::Result, Action::Write).await?
        }
        None => access.may_about_each(&readers::CLASS, class, &students, Kind::Conduct, Action::Write).await?,
    };
    if allowed { Ok(()) } else { Err(ApiError::NotPermitted) }
}

/// Refuses the call when the book is locked in the semester `checkpoint` falls in: the
/// section's (or its school's) lock for a subject, the school's for the class's ratings;
/// that semester.
async fn refuse_locked(
    db: &DatabaseConnection,
    class: &homeroom_class::Model,
    section: Option<&section::Model>,
    checkpoint: Checkpoint,
) -> Result<Option<i64>, ApiError> {
    let Some(semester) = semester_of(db, class.school_year_id, checkpoint).await? else { return Ok(None) };
    let locked = match section {
        Some(section) => crate::books::locks::in_force(db, class.school_id, section.id, semester).await?,
        None => crate::books::locks::school_in_force(db, class.school_id, semester).await?,
    };
    if locked.is_some() {
        return Err(ApiError::Locked);
    }
    Ok(Some(semester))
}
