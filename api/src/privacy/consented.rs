//! Consent in the privacy layer. A family's consent to a purpose stands
//! ([`crate::sharing::consent::consenting`]) while a guardian's decision giving it is not
//! superseded and, for a child aged 7 or more (or whose birth date is unknown), the child's
//! own decision giving it stands too.
//!
//! It narrows two relationships: `shared`, under an agreement that asks for consent
//! (`shared.rs`), and `consented_for`, which relates a member of the school's staff to a
//! record about a student enrolled today in one of their classes (or schools, as for
//! `current_student`) while consent stands to a purpose of the privacy officer's list that
//! covers the record's kind. [`condition`] renders that for the SQL and [`holds`] decides
//! one record for the per-record check, from the same sub-select ([`consenting`]).

use super::check::{DerivedSets, is_enrolled};
use super::enrolment::{enrolled, students_of};
use super::shape::{Shape, Target};
use crate::auth::Principal;
use crate::sharing::consent;
use emis_authz::{Relationship, Role};
use sea_orm::sea_query::{ExprTrait as _, SelectStatement};
use sea_orm::{Condition, DatabaseConnection, DbErr, FromQueryResult};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The rows of `shape` that `consented_for` relates to the caller acting as `role`, given
/// the purposes needing consent that cover the kind; `None` when none can be.
pub(super) fn condition(principal: &Principal, role: Role, consents: &[String], shape: &Shape) -> Option<Condition> {
    let Shape::Personal { student, .. } = shape else { return None };
    let form = enrolled(principal, role, Relationship::CurrentStudent)?;
    if consents.is_empty() || form.places.is_empty() || principal.vendor.is_some() {
        return None;
    }
    let consenting = consents.iter().fold(Condition::any(), |any, purpose| {
        any.add(student.clone().in_subquery(consent::consenting(purpose, principal.today)))
    });
    Some(Condition::all().add(student.clone().in_subquery(students_of(&[form], principal.today))).add(consenting))
}

/// Whether `consented_for` relates the caller acting as `role` to `target`.
pub(super) async fn holds(
    db: &DatabaseConnection,
    principal: &Principal,
    sets: &DerivedSets,
    role: Role,
    consents: &[String],
    target: Target,
) -> Result<bool, DbErr> {
    let Target::Personal { student, .. } = target.as_record() else { return Ok(false) };
    let Some(form) = enrolled(principal, role, Relationship::CurrentStudent) else { return Ok(false) };
    if consents.is_empty() || principal.vendor.is_some() || !is_enrolled(db, principal, sets, form, student).await? {
        return Ok(false);
    }
    for purpose in consents {
        if consenting(db, principal, sets, purpose).await?.contains(&student) {
            return Ok(true);
        }
    }
    Ok(false)
}

#[derive(FromQueryResult)]
struct Student {
    student_id: i64,
}

/// The children whose family's consent to `purpose` stands today, loaded once per request
/// with the very sub-select the SQL conditions use.
pub(super) async fn consenting(
    db: &DatabaseConnection,
    principal: &Principal,
    sets: &DerivedSets,
    purpose: &str,
) -> Result<Arc<BTreeSet<i64>>, DbErr> {
    let mut cache = sets.consented.lock().await;
    if let Some(found) = cache.get(purpose) {
        return Ok(Arc::clone(found));
    }
    let select: SelectStatement = consent::consenting(purpose, principal.today);
    let rows = Student::find_by_statement(db.get_database_backend().build(&select)).all(db).await?;
    let found: Arc<BTreeSet<i64>> = Arc::new(rows.into_iter().map(|row| row.student_id).collect());
    cache.insert(purpose.to_owned(), Arc::clone(&found));
    Ok(found)
}
