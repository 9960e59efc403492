//! The policy compiled into SQL: one condition per relationship and shape of record. The
//! privacy layer ORs together the conditions of the relationships the policy grants the
//! caller's roles, and adds them to every list, look-up, count and relation.
//!
//! The caller's own ids (children, classes, sections, schools) come with the principal;
//! what follows from them (the students enrolled today in those classes, the classes and
//! schools of those children) is derived here in SQL, and separately in Rust by the
//! per-record check in `check.rs`. The agreement test compares the two over whole tables.

use super::shape::Shape;
use crate::auth::Principal;
use crate::auth::principal::active_on;
use emis_authz::{Relationship, Role};
use entity::enrollment;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait as _, Condition};
use std::collections::BTreeSet;

/// A condition that holds for no row.
pub fn never() -> Condition {
    Condition::all().add(ExprTrait::eq(Expr::val(1), 2))
}

/// The rows of `shape` that `rel` relates to the caller acting as `role`.
pub fn relationship(principal: &Principal, role: Role, rel: Relationship, shape: &Shape) -> Condition {
    let condition = match shape {
        Shape::Personal { student, school, section, class } => {
            personal(principal, role, rel, student, school, section.as_ref(), class.as_ref())
        }
        Shape::Guardian { guardian } => match rel {
            Relationship::SelfRecord => principal.guardian_id().map(|me| ExprTrait::eq(guardian.clone(), me)),
            _ => None,
        },
        Shape::Staff { staff, school } => match rel {
            Relationship::SelfRecord => principal.staff_id().map(|me| ExprTrait::eq(staff.clone(), me)),
            _ => place(principal, role, rel, school),
        },
        Shape::Org { org } => match rel {
            Relationship::Any => Some(ExprTrait::eq(Expr::val(1), 1)),
            Relationship::GuardianOf => {
                Some(org.clone().in_subquery(child_enrollments(principal, enrollment::Column::SchoolId)))
            }
            Relationship::HomeroomOf => Some(org.clone().is_in(principal.orgs_of(Role::HomeroomTeacher))),
            Relationship::TeachesSection => Some(org.clone().is_in(principal.orgs_of(Role::SubjectTeacher))),
            _ => place(principal, role, rel, org),
        },
        Shape::Class { class, school } => classlike(principal, role, rel, class, school),
        Shape::Section { section, class, school } => match rel {
            Relationship::TeachesSection => Some(section.clone().is_in(ids(&principal.taught_sections))),
            _ => classlike(principal, role, rel, class, school),
        },
    };
    condition.map_or_else(never, |expr| Condition::all().add(expr))
}

fn personal(
    principal: &Principal,
    role: Role,
    rel: Relationship,
    student: &Expr,
    school: &Expr,
    section: Option<&Expr>,
    class: Option<&Expr>,
) -> Option<Expr> {
    match rel {
        Relationship::GuardianOf => Some(student.clone().is_in(ids(&principal.children))),
        Relationship::HomeroomOf => Some(match (section, class) {
            (Some(section), _) => section.clone().is_in(ids(&principal.homeroom_sections)),
            (None, Some(class)) => class.clone().is_in(ids(&principal.homeroom_classes)),
            (None, None) => student.clone().in_subquery(enrolled_in(principal, &principal.homeroom_classes)),
        }),
        Relationship::TeachesSection => Some(match (section, class) {
            (Some(section), _) => section.clone().is_in(ids(&principal.taught_sections)),
            (None, Some(class)) => class.clone().is_in(ids(&principal.taught_classes)),
            (None, None) => student.clone().in_subquery(enrolled_in(principal, &principal.taught_classes)),
        }),
        _ => place(principal, role, rel, school),
    }
}

fn classlike(principal: &Principal, role: Role, rel: Relationship, class: &Expr, school: &Expr) -> Option<Expr> {
    match rel {
        Relationship::GuardianOf => {
            Some(class.clone().in_subquery(child_enrollments(principal, enrollment::Column::ClassId)))
        }
        Relationship::HomeroomOf => Some(class.clone().is_in(ids(&principal.homeroom_classes))),
        Relationship::TeachesSection => Some(class.clone().is_in(ids(&principal.taught_classes))),
        _ => place(principal, role, rel, school),
    }
}

/// Relationships judged on where a record belongs: the caller's schools for the role, or
/// the schools the caller oversees.
fn place(principal: &Principal, role: Role, rel: Relationship, school: &Expr) -> Option<Expr> {
    match rel {
        Relationship::InSchool => Some(school.clone().is_in(principal.orgs_of(role))),
        Relationship::Oversees => Some(school.clone().is_in(ids(&principal.overseen_schools))),
        _ => None,
    }
}

fn ids(set: &BTreeSet<i64>) -> Vec<i64> {
    set.iter().copied().collect()
}

/// Students with an enrollment active today in one of `classes`.
fn enrolled_in(principal: &Principal, classes: &BTreeSet<i64>) -> SelectStatement {
    Query::select()
        .column(enrollment::Column::StudentId)
        .from(enrollment::Entity)
        .and_where(enrollment::Column::ClassId.is_in(ids(classes)))
        .cond_where(active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, principal.today))
        .to_owned()
}

/// `column` of the caller's children's enrollments active today.
fn child_enrollments(principal: &Principal, column: enrollment::Column) -> SelectStatement {
    Query::select()
        .column(column)
        .from(enrollment::Entity)
        .and_where(enrollment::Column::StudentId.is_in(ids(&principal.children)))
        .cond_where(active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, principal.today))
        .to_owned()
}
