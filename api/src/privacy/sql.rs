//! The policy compiled into SQL: one condition per relationship and shape of record. The
//! privacy layer ORs together the conditions of the relationships the policy grants the
//! caller's roles, and adds them to every list, look-up, count and relation.
//!
//! The caller's own ids (children, classes, sections, schools) come with the principal;
//! what follows from them (the students enrolled today in those classes, the classes and
//! schools of those children) is derived here in SQL, and separately in Rust by the
//! per-record check in `check.rs`. The agreement test compares the two over whole tables.

use super::enrolment::{Enrolled, enrolled, students_of};
use super::shape::Shape;
use super::{consented, shared};
use crate::auth::Principal;
use crate::auth::principal::active_on;
use emis_authz::{Kind, Relationship, Role};
use entity::enrollment;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait as _, Condition, DbBackend};
use std::collections::BTreeSet;

/// A condition that holds for no row.
pub fn never() -> Condition {
    Condition::all().add(ExprTrait::eq(Expr::val(1), 2))
}

/// One relationship's condition before it is rendered. Clauses of the same form on the
/// same column merge into one (`x IN a OR x IN b` becomes `x IN a∪b`, and every
/// enrollment sub-select on one column becomes one sub-select whose condition is the OR of
/// theirs), so the database gets one index walk or one semi-join per column instead of an
/// OR it cannot plan well (an OR of two sub-selects makes PostgreSQL scan the whole table).
#[derive(Debug, Clone, PartialEq)]
enum Clause {
    /// Every row.
    Everything,
    /// `column IN ids`.
    Among(Expr, BTreeSet<i64>),
    /// `column IN (students with an enrollment of any of the given forms)`.
    Enrolled(Expr, Vec<Enrolled>),
    /// Any other condition.
    Other(Expr),
}

impl Clause {
    /// Folds `other` into `self` when both have the same form and column.
    fn absorb(&mut self, other: &Clause) -> bool {
        match (self, other) {
            (Clause::Among(column, ids), Clause::Among(other_column, other_ids)) if column == other_column => {
                ids.extend(other_ids);
                true
            }
            (Clause::Enrolled(column, sets), Clause::Enrolled(other_column, others)) if column == other_column => {
                for other in others {
                    match sets.iter_mut().find(|set| set.same_form(other)) {
                        Some(set) => set.places.extend(&other.places),
                        None => sets.push(other.clone()),
                    }
                }
                true
            }
            (this, other) => this == other,
        }
    }

    fn render(self, principal: &Principal, backend: DbBackend) -> Expr {
        match self {
            Clause::Everything => ExprTrait::eq(Expr::val(1), 1),
            Clause::Among(column, ids) => column.is_in(ids),
            Clause::Enrolled(column, sets) => {
                let students = students_of(&sets, principal.today);
                match backend {
                    // `= ANY(ARRAY(…))` is an index condition evaluated once per statement,
                    // so an OR with another column's condition becomes two index scans
                    // (a BitmapOr) instead of a filter over the whole table.
                    DbBackend::Postgres => Expr::cust_with_exprs(
                        "$1 = ANY(ARRAY($2))",
                        [column, Expr::SubQuery(None, Box::new(students.into()))],
                    ),
                    _ => column.in_subquery(students),
                }
            }
            Clause::Other(expr) => expr,
        }
    }
}

/// The rows of `shape` (records of `kind`) that any of the `grants` relates to the caller:
/// the OR of each (role, relationship)'s condition, with like conditions merged. `consents`
/// are the purposes needing consent that cover `kind` (for `consented_for`).
pub fn granted(
    principal: &Principal,
    backend: DbBackend,
    kind: Kind,
    grants: &[(Role, Relationship)],
    consents: &[String],
    shape: &Shape,
) -> Condition {
    branches(principal, backend, kind, grants, consents, shape).any()
}

/// A compiled privacy condition kept as its branches, one per merged clause; empty when
/// nothing is granted.
pub struct Branches {
    backend: DbBackend,
    branches: Vec<Condition>,
}

impl Branches {
    /// The condition itself: the OR of the branches.
    pub fn any(&self) -> Condition {
        if self.branches.is_empty() {
            return never();
        }
        self.branches.iter().cloned().fold(Condition::any(), |any, branch| any.add(branch))
    }

    /// Each branch also requiring `condition` (a conversation's membership).
    pub fn each_with(self, condition: &Condition) -> Branches {
        let branches = self.branches.into_iter().map(|branch| Condition::all().add(branch).add(condition.clone()));
        Branches { backend: self.backend, branches: branches.collect() }
    }

    /// The branches made disjoint, each also requiring that no earlier one holds; their OR
    /// is [`Branches::any`]. A list can read each from its own index and append the results
    /// (`UNION ALL`) instead of handing the database an OR across columns, which no single
    /// index serves. Empty when nothing is granted.
    pub fn disjoint(&self) -> Vec<Condition> {
        let mut disjoint = Vec::with_capacity(self.branches.len());
        for (index, branch) in self.branches.iter().enumerate() {
            let earlier = self.branches[..index].iter().map(|earlier| is_not_true(self.backend, earlier.clone()));
            disjoint.push(earlier.fold(Condition::all().add(branch.clone()), |all, not_earlier| all.add(not_earlier)));
        }
        disjoint
    }
}

/// `condition` is false or unknown: the complement that keeps rows where it is NULL.
fn is_not_true(backend: DbBackend, condition: Condition) -> Expr {
    let template = match backend {
        DbBackend::Postgres => "($1) IS NOT TRUE",
        _ => "(?) IS NOT TRUE",
    };
    Expr::cust_with_exprs(template, [Expr::from(condition)])
}

/// The merged clauses of `grants` for `shape` (records of `kind`), each rendered as a
/// condition of its own.
pub fn branches(
    principal: &Principal,
    backend: DbBackend,
    kind: Kind,
    grants: &[(Role, Relationship)],
    consents: &[String],
    shape: &Shape,
) -> Branches {
    let mut clauses: Vec<Clause> = Vec::new();
    for &(role, rel) in grants {
        let clause = match rel {
            Relationship::Shared => {
                shared::condition(principal, kind, shape).map(|shared| Clause::Other(shared.into()))
            }
            Relationship::ConsentedFor => {
                consented::condition(principal, role, consents, shape).map(|consented| Clause::Other(consented.into()))
            }
            _ => relationship(principal, role, rel, shape),
        };
        let Some(clause) = clause else { continue };
        if !clauses.iter_mut().any(|existing| existing.absorb(&clause)) {
            clauses.push(clause);
        }
    }
    if clauses.contains(&Clause::Everything) {
        return Branches {
            backend,
            branches: vec![Condition::all().add(Clause::Everything.render(principal, backend))],
        };
    }
    clauses.retain_mut(|clause| match clause {
        Clause::Among(_, ids) => !ids.is_empty(),
        Clause::Enrolled(_, sets) => {
            sets.retain(|set| !set.places.is_empty());
            !sets.is_empty()
        }
        _ => true,
    });
    let branches = clauses.into_iter().map(|clause| Condition::all().add(clause.render(principal, backend))).collect();
    Branches { backend, branches }
}

/// The rows of `shape` that `rel` relates to the caller acting as `role`; `None` when
/// the relationship cannot hold for such rows.
fn relationship(principal: &Principal, role: Role, rel: Relationship, shape: &Shape) -> Option<Clause> {
    match shape {
        Shape::Personal { student, school, section, class } => {
            personal(principal, role, rel, student, school, section.as_ref(), class.as_ref())
        }
        Shape::Guardian { guardian } => match rel {
            Relationship::SelfRecord => principal.guardian_id().map(|me| among(guardian, [me])),
            _ => None,
        },
        Shape::Staff { staff, school } => match rel {
            Relationship::SelfRecord => principal.staff_id().map(|me| among(staff, [me])),
            _ => place(principal, role, rel, school),
        },
        Shape::Org { org } => match rel {
            Relationship::Any => Some(Clause::Everything),
            Relationship::GuardianOf => {
                Some(Clause::Other(org.clone().in_subquery(child_enrollments(principal, enrollment::Column::SchoolId))))
            }
            Relationship::HomeroomOf => Some(among(org, principal.orgs_of(Role::HomeroomTeacher))),
            Relationship::TeachesSection => Some(among(org, principal.orgs_of(Role::SubjectTeacher))),
            _ => place(principal, role, rel, org),
        },
        Shape::Class { class, school } => classlike(principal, role, rel, class, school),
        Shape::Conversation { student, school, class, .. } => {
            personal(principal, role, rel, student, school, None, Some(class))
        }
        Shape::Section { section, class, school } => match rel {
            Relationship::TeachesSection => Some(among(section, principal.taught_sections.iter().copied())),
            _ => classlike(principal, role, rel, class, school),
        },
    }
}

fn among(column: &Expr, ids: impl IntoIterator<Item = i64>) -> Clause {
    Clause::Among(column.clone(), ids.into_iter().collect())
}

fn personal(
    principal: &Principal,
    role: Role,
    rel: Relationship,
    student: &Expr,
    school: &Expr,
    section: Option<&Expr>,
    class: Option<&Expr>,
) -> Option<Clause> {
    let (sections, classes) = match rel {
        // Meaningful for a personal kind only where the policy's vocabulary allows it (the
        // disclosure log): every record.
        Relationship::Any => return Some(Clause::Everything),
        Relationship::SelfRecord => return principal.student_id().map(|me| among(student, [me])),
        Relationship::GuardianOf => return Some(among(student, principal.children.iter().copied())),
        // Wherever the record was made: by the student's enrollments alone.
        Relationship::CurrentStudent | Relationship::FormerStudent => {
            return enrolled(principal, role, rel).map(|set| Clause::Enrolled(student.clone(), vec![set]));
        }
        Relationship::HomeroomOf => (&principal.homeroom_sections, &principal.homeroom_classes),
        Relationship::TeachesSection => (&principal.taught_sections, &principal.taught_classes),
        _ => return place(principal, role, rel, school),
    };
    Some(match (section, class) {
        (Some(section), _) => among(section, sections.iter().copied()),
        (None, Some(class)) => among(class, classes.iter().copied()),
        (None, None) => Clause::Enrolled(student.clone(), vec![enrolled(principal, role, rel)?]),
    })
}

fn classlike(principal: &Principal, role: Role, rel: Relationship, class: &Expr, school: &Expr) -> Option<Clause> {
    match rel {
        Relationship::GuardianOf => {
            Some(Clause::Other(class.clone().in_subquery(child_enrollments(principal, enrollment::Column::ClassId))))
        }
        Relationship::HomeroomOf => Some(among(class, principal.homeroom_classes.iter().copied())),
        Relationship::TeachesSection => Some(among(class, principal.taught_classes.iter().copied())),
        _ => place(principal, role, rel, school),
    }
}

/// Relationships judged on where a record belongs: the caller's schools for the role, or
/// the schools the caller oversees.
fn place(principal: &Principal, role: Role, rel: Relationship, school: &Expr) -> Option<Clause> {
    match rel {
        Relationship::InSchool => Some(among(school, principal.orgs_of(role))),
        Relationship::Oversees => Some(among(school, principal.overseen_schools.iter().copied())),
        _ => None,
    }
}

fn ids(set: &BTreeSet<i64>) -> Vec<i64> {
    set.iter().copied().collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privacy::shapes;
    use chrono::NaiveDate;
    use sea_orm::sea_query::{PostgresQueryBuilder, Query, SqliteQueryBuilder};

    fn teacher() -> Principal {
        let mut principal = Principal::anonymous(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
        principal.roles.insert(Role::HomeroomTeacher, BTreeSet::from([7]));
        principal.roles.insert(Role::SubjectTeacher, BTreeSet::from([7]));
        principal.homeroom_classes = BTreeSet::from([11]);
        principal.taught_classes = BTreeSet::from([11, 12]);
        principal
    }

    fn sql(condition: Condition) -> String {
        Query::select().expr(Expr::val(1)).cond_where(condition).to_owned().to_string(PostgresQueryBuilder)
    }

    #[test]
    fn like_relationships_on_one_column_become_one_condition() {
        let grants = [
            (Role::HomeroomTeacher, Relationship::HomeroomOf),
            (Role::SubjectTeacher, Relationship::TeachesSection),
            (Role::HomeroomTeacher, Relationship::InSchool),
            (Role::SubjectTeacher, Relationship::InSchool),
        ];
        let rendered = sql(granted(&teacher(), DbBackend::Postgres, Kind::Student, &grants, &[], &shapes::student()));
        assert_eq!(rendered.matches("= ANY(ARRAY((SELECT").count(), 1, "{rendered}");
        assert!(rendered.contains(r#""class_id" IN (11, 12)"#), "{rendered}");
        assert_eq!(rendered.matches(r#""school_id" IN (7)"#).count(), 1, "{rendered}");
    }

    #[test]
    fn enrollments_of_every_form_on_one_column_become_one_sub_select() {
        let mut principal = teacher();
        principal.roles.insert(Role::Principal, BTreeSet::from([7]));
        let grants = [
            (Role::HomeroomTeacher, Relationship::HomeroomOf),
            (Role::HomeroomTeacher, Relationship::CurrentStudent),
            (Role::HomeroomTeacher, Relationship::FormerStudent),
            (Role::Principal, Relationship::CurrentStudent),
            (Role::Principal, Relationship::FormerStudent),
        ];
        let rendered = sql(granted(&principal, DbBackend::Postgres, Kind::Student, &grants, &[], &shapes::student()));
        assert_eq!(rendered.matches("= ANY(ARRAY((SELECT").count(), 1, "{rendered}");
        assert_eq!(rendered.matches(r#""class_id" IN (11)"#).count(), 2, "today and ended: {rendered}");
        assert_eq!(rendered.matches(r#""school_id" IN (7)"#).count(), 2, "today and ended: {rendered}");
        assert_eq!(rendered.matches(r#""ends_on" < "#).count(), 2, "{rendered}");
    }

    #[test]
    fn enrollment_sub_selects_are_arrays_on_postgresql_and_sub_selects_elsewhere() {
        let grants =
            [(Role::HomeroomTeacher, Relationship::HomeroomOf), (Role::HomeroomTeacher, Relationship::InSchool)];
        let condition = granted(&teacher(), DbBackend::Postgres, Kind::Student, &grants, &[], &shapes::student());
        let (text, values) =
            Query::select().expr(Expr::val(1)).cond_where(condition).to_owned().build(PostgresQueryBuilder);
        assert!(text.contains(r#""student"."id" = ANY(ARRAY((SELECT "student_id" FROM "enrollment" WHERE"#), "{text}");
        let placeholders = (1..=values.0.len()).filter(|n| text.contains(&format!("${n}"))).count();
        assert_eq!(placeholders, values.0.len(), "every value bound once, in order: {text}");
        let sqlite = granted(&teacher(), DbBackend::Sqlite, Kind::Student, &grants, &[], &shapes::student());
        let text = Query::select().expr(Expr::val(1)).cond_where(sqlite).to_owned().to_string(SqliteQueryBuilder);
        assert!(text.contains(r#""student"."id" IN (SELECT "student_id" FROM "enrollment" WHERE"#), "{text}");
    }

    #[test]
    fn no_grant_or_only_empty_sets_select_nothing_and_any_selects_everything() {
        let principal = Principal::anonymous(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
        assert_eq!(granted(&principal, DbBackend::Sqlite, Kind::Student, &[], &[], &shapes::student()), never());
        let empty = [(Role::Guardian, Relationship::GuardianOf), (Role::Principal, Relationship::InSchool)];
        assert_eq!(granted(&principal, DbBackend::Sqlite, Kind::Student, &empty, &[], &shapes::student()), never());
        let any = [(Role::Guardian, Relationship::Any)];
        assert!(
            sql(granted(&principal, DbBackend::Sqlite, Kind::Student, &any, &[], &shapes::org())).contains("1 = 1")
        );
        let everyone = [(Role::PrivacyOfficer, Relationship::Any), (Role::PrivacyOfficer, Relationship::InSchool)];
        let personal = sql(granted(&principal, DbBackend::Sqlite, Kind::Student, &everyone, &[], &shapes::student()));
        assert!(personal.contains("1 = 1"), "any record about anyone: {personal}");
    }
}
