//! Relationships that hold through a student's enrollments: where the student must be
//! enrolled (in which classes or schools) and when (today, or in an enrollment that has
//! ended) for a relationship to hold for a role. Both layers read this one table — the SQL
//! renders it as a sub-select of `enrollment`, the per-record check loads the same
//! students once per request — so a move between classes or schools changes what both see
//! on the day it takes effect.

use crate::auth::Principal;
use crate::auth::principal::active_on;
use emis_authz::{Relationship, Role};
use entity::enrollment;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait as _, Condition};
use std::collections::BTreeSet;

/// Which column of an enrollment names the caller's places.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum By {
    Class,
    School,
}

/// Which enrollments count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum When {
    /// Active today.
    Today,
    /// Ended before today (the student moved on).
    Ended,
}

/// The students a relationship reaches: those with an enrollment `when`, in one of
/// `places` (classes or schools, `by`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Enrolled {
    pub by: By,
    pub when: When,
    pub places: BTreeSet<i64>,
}

impl Enrolled {
    /// Whether another set of the same form can be merged into this one.
    pub fn same_form(&self, other: &Enrolled) -> bool {
        self.by == other.by && self.when == other.when
    }

    /// The enrollments this set counts.
    pub fn condition(&self, today: chrono::NaiveDate) -> Condition {
        let place = match self.by {
            By::Class => enrollment::Column::ClassId,
            By::School => enrollment::Column::SchoolId,
        };
        Condition::all().add(place.is_in(self.places.iter().copied())).add(self.when.condition(today))
    }
}

impl When {
    /// The enrollments this counts on `today`.
    pub fn condition(self, today: chrono::NaiveDate) -> Condition {
        match self {
            When::Today => active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, today),
            When::Ended => Condition::all().add(enrollment::Column::EndsOn.lt(today)),
        }
    }
}

/// `student_id` of the enrollments any of `sets` counts, in one sub-select.
pub fn students_of(sets: &[Enrolled], today: chrono::NaiveDate) -> SelectStatement {
    let any = sets.iter().fold(Condition::any(), |any, set| any.add(set.condition(today)));
    Query::select().column(enrollment::Column::StudentId).from(enrollment::Entity).cond_where(any).to_owned()
}

/// The students whose student record (with no class or section to judge by) `rel` relates
/// to the caller acting as `role`, when it is one of the relationships that hold through
/// enrollments.
pub fn enrolled(principal: &Principal, role: Role, rel: Relationship) -> Option<Enrolled> {
    let when = match rel {
        Relationship::HomeroomOf | Relationship::TeachesSection | Relationship::CurrentStudent => When::Today,
        Relationship::FormerStudent => When::Ended,
        _ => return None,
    };
    let (by, places) = match (rel, role) {
        (Relationship::HomeroomOf, _) => (By::Class, principal.homeroom_classes.clone()),
        (Relationship::TeachesSection, _) => (By::Class, principal.taught_classes.clone()),
        (_, Role::HomeroomTeacher) => (By::Class, principal.homeroom_classes.clone()),
        (_, Role::SubjectTeacher) => (By::Class, principal.taught_classes.clone()),
        (_, role) => (By::School, principal.orgs_of(role).collect()),
    };
    Some(Enrolled { by, when, places })
}
