//! The `shared` relationship: a record in a school or class that a sharing agreement in
//! force today shares with the caller, a vendor's client, for the record's kind
//! ([`crate::auth::vendor::Share`], one per agreement and kind). A record about a child
//! under an agreement that needs families' consent is shared only while the family's consent
//! to the agreement's purpose is in force (`consented.rs` says when it is), and no record
//! about a child is shared while a restriction of processing stands for the child
//! ([`crate::subject::restriction`]); nor, then, a staff member whose restriction stands.
//!
//! Per shape of record, a share covers:
//! - a record about a student: its school among the whole schools covered, or its section
//!   (or class) among the covered classes' — or, for a record of neither (the student, a
//!   guardianship), the student enrolled today in a covered class;
//! - a staff member: their school among the whole schools covered;
//! - a school: among the schools covered, whole or by a class;
//! - a class or section: its school among the whole schools, or its class among the classes.
//!
//! Guardians as people and conversations are never shared. [`condition`] renders this for
//! the SQL and [`holds`] decides one record for the per-record check; the agreement test
//! compares the two.

use super::check::{DerivedSets, is_enrolled};
use super::consented;
use super::enrolment::{By, Enrolled, When, students_of};
use super::shape::{Shape, Target};
use crate::auth::Principal;
use crate::auth::vendor::Share;
use crate::sharing::consent;
use crate::subject::restriction::{restricted, restricted_staff};
use emis_authz::Kind;
use sea_orm::sea_query::{Expr, ExprTrait as _};
use sea_orm::{Condition, DatabaseConnection, DbErr, FromQueryResult as _};
use std::collections::BTreeSet;

/// The rows of `shape`, records of `kind`, that an agreement in force shares with the
/// caller; `None` when none can be.
pub fn condition(principal: &Principal, kind: Kind, shape: &Shape) -> Option<Condition> {
    let vendor = principal.vendor.as_ref()?;
    let mut any = Condition::any();
    let mut some = false;
    for share in vendor.shares(kind) {
        if let Some(covered) = covered(principal, share, shape) {
            any = any.add(covered);
            some = true;
        }
    }
    some.then_some(any)
}

/// What `share` covers of `shape`.
fn covered(principal: &Principal, share: &Share, shape: &Shape) -> Option<Condition> {
    let mut places = Condition::any();
    let schools = |column: &Expr| column.clone().is_in(share.schools.iter().copied());
    let classes = |column: &Expr| column.clone().is_in(share.classes.iter().copied());
    let whole = !share.schools.is_empty();
    let parts = !share.classes.is_empty();
    match shape {
        Shape::Personal { student, school, section, class } => {
            if whole {
                places = places.add(schools(school));
            }
            if parts {
                places = places.add(match (section, class) {
                    (Some(section), _) => section.clone().is_in(share.sections.iter().copied()),
                    (None, Some(class)) => classes(class),
                    (None, None) => student.clone().in_subquery(students_of(&[in_classes(share)], principal.today)),
                });
            }
            if !(whole || parts) {
                return None;
            }
            let unrestricted = Condition::all().add(places).add(student.clone().not_in_subquery(restricted()));
            let Some(purpose) = &share.consent else { return Some(unrestricted) };
            return Some(unrestricted.add(student.clone().in_subquery(consent::consenting(purpose, principal.today))));
        }
        Shape::Staff { staff, school } if whole => {
            return Some(Condition::all().add(schools(school)).add(staff.clone().not_in_subquery(restricted_staff())));
        }
        Shape::Org { org } => {
            let covered: BTreeSet<i64> = share.schools.union(&share.class_schools).copied().collect();
            if covered.is_empty() {
                return None;
            }
            places = places.add(org.clone().is_in(covered));
        }
        Shape::Class { class, school } | Shape::Section { class, school, .. } if whole || parts => {
            if whole {
                places = places.add(schools(school));
            }
            if parts {
                places = places.add(classes(class));
            }
        }
        _ => return None,
    }
    Some(places)
}

/// The students enrolled today in the classes `share` covers.
fn in_classes(share: &Share) -> Enrolled {
    Enrolled { by: By::Class, when: When::Today, places: share.classes.clone() }
}

/// Whether an agreement in force shares `target`, a record of `kind`, with the caller.
pub async fn holds(
    db: &DatabaseConnection,
    principal: &Principal,
    sets: &DerivedSets,
    kind: Kind,
    target: Target,
) -> Result<bool, DbErr> {
    let Some(vendor) = principal.vendor.as_ref() else { return Ok(false) };
    for share in vendor.shares(kind) {
        let place = match target.as_record() {
            Target::Personal { student, school, section, class } => {
                share.schools.contains(&school)
                    || match (section, class) {
                        (Some(section), _) => share.sections.contains(&section),
                        (None, Some(class)) => share.classes.contains(&class),
                        (None, None) => is_enrolled(db, principal, sets, in_classes(share), student).await?,
                    }
            }
            Target::Staff { staff, school } => {
                share.schools.contains(&school) && !restricted_now(db, sets).await?.1.contains(&staff)
            }
            Target::Org { org } => share.schools.contains(&org) || share.class_schools.contains(&org),
            Target::Class { class, school } | Target::Section { class, school, .. } => {
                share.schools.contains(&school) || share.classes.contains(&class)
            }
            Target::Guardian { .. } | Target::Conversation { .. } => false,
        };
        if !place {
            continue;
        }
        let consented = match (&share.consent, target.as_record()) {
            (_, Target::Personal { student, .. }) if restricted_now(db, sets).await?.0.contains(&student) => false,
            (Some(purpose), Target::Personal { student, .. }) => {
                consented::consenting(db, principal, sets, purpose).await?.contains(&student)
            }
            _ => true,
        };
        if consented {
            return Ok(true);
        }
    }
    Ok(false)
}

#[derive(sea_orm::FromQueryResult)]
struct Restricted {
    student_id: i64,
}

#[derive(sea_orm::FromQueryResult)]
struct RestrictedStaff {
    staff_id: i64,
}

/// The children and the staff members whose restriction of processing stands, loaded once
/// per request with the very sub-selects the SQL conditions use.
async fn restricted_now<'a>(
    db: &DatabaseConnection,
    sets: &'a DerivedSets,
) -> Result<&'a (BTreeSet<i64>, BTreeSet<i64>), DbErr> {
    sets.restricted
        .get_or_try_init(|| async {
            let backend = db.get_database_backend();
            let children = Restricted::find_by_statement(backend.build(&restricted())).all(db).await?;
            let staff = RestrictedStaff::find_by_statement(backend.build(&restricted_staff())).all(db).await?;
            Ok((
                children.into_iter().map(|row| row.student_id).collect(),
                staff.into_iter().map(|row| row.staff_id).collect(),
            ))
        })
        .await
}
