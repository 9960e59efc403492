//! The per-record check: which relationships hold between the caller and one record,
//! computed in Rust from the principal and a few sets loaded once per request (lazily, one
//! query each), independently of the SQL in `sql.rs`.

use super::enrolment::{Enrolled, enrolled};
use super::shape::Target;
use super::{consented, shared};
use crate::auth::Principal;
use crate::auth::principal::active_on;
use emis_authz::{Kind, Relationship, Role};
use entity::enrollment;
use sea_orm::{ColumnTrait as _, DatabaseConnection, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use tokio::sync::{Mutex, OnceCell};

/// Sets derived from the principal, loaded at most once per request.
#[derive(Default)]
pub struct DerivedSets {
    /// Students reached through enrollments, per form of enrollment (`enrolment.rs`).
    enrolled: Mutex<HashMap<Enrolled, Arc<BTreeSet<i64>>>>,
    child_classes: OnceCell<BTreeSet<i64>>,
    child_schools: OnceCell<BTreeSet<i64>>,
    /// The conversations the caller is a member of (`conversations.rs`).
    pub(super) member_of: OnceCell<BTreeSet<i64>>,
    /// The conversations reported as abusive (`conversations.rs`).
    pub(super) reported: OnceCell<BTreeSet<i64>>,
    /// The children whose family's consent to a purpose is in force, per purpose
    /// (`consented.rs`).
    pub(super) consented: Mutex<HashMap<String, Arc<BTreeSet<i64>>>>,
    /// The children, and the staff members, whose restriction of processing stands
    /// (`shared.rs`).
    pub(super) restricted: OnceCell<(BTreeSet<i64>, BTreeSet<i64>)>,
}

/// Whether `rel` holds between the caller (acting as `role`) and `target`, a record of
/// `kind`; with the kind come the purposes needing consent that cover it (for
/// `consented_for`).
pub async fn holds(
    db: &DatabaseConnection,
    principal: &Principal,
    sets: &DerivedSets,
    (kind, consents): (Kind, &[String]),
    role: Role,
    rel: Relationship,
    target: Target,
) -> Result<bool, DbErr> {
    match rel {
        Relationship::Shared => return shared::holds(db, principal, sets, kind, target).await,
        Relationship::ConsentedFor => return consented::holds(db, principal, sets, role, consents, target).await,
        _ => {}
    }
    Ok(match target.as_record() {
        Target::Personal { student, school, section, class } => match rel {
            Relationship::Any => true,
            Relationship::SelfRecord => principal.student_id() == Some(student),
            Relationship::GuardianOf => principal.children.contains(&student),
            Relationship::HomeroomOf => match (section, class) {
                (Some(section), _) => principal.homeroom_sections.contains(&section),
                (None, Some(class)) => principal.homeroom_classes.contains(&class),
                (None, None) => reached(db, principal, sets, role, rel, student).await?,
            },
            Relationship::TeachesSection => match (section, class) {
                (Some(section), _) => principal.taught_sections.contains(&section),
                (None, Some(class)) => principal.taught_classes.contains(&class),
                (None, None) => reached(db, principal, sets, role, rel, student).await?,
            },
            Relationship::CurrentStudent | Relationship::FormerStudent => {
                reached(db, principal, sets, role, rel, student).await?
            }
            _ => place(principal, role, rel, school),
        },
        Target::Guardian { guardian } => rel == Relationship::SelfRecord && principal.guardian_id() == Some(guardian),
        Target::Staff { staff, school } => match rel {
            Relationship::SelfRecord => principal.staff_id() == Some(staff),
            _ => place(principal, role, rel, school),
        },
        Target::Org { org } => match rel {
            Relationship::Any => true,
            Relationship::GuardianOf => {
                child_places(db, principal, sets, enrollment::Column::SchoolId).await?.contains(&org)
            }
            Relationship::HomeroomOf => principal.orgs_of(Role::HomeroomTeacher).any(|id| id == org),
            Relationship::TeachesSection => principal.orgs_of(Role::SubjectTeacher).any(|id| id == org),
            _ => place(principal, role, rel, org),
        },
        Target::Class { class, school } => classlike(db, principal, sets, role, rel, class, school).await?,
        // Judged as its record (`as_record` above); membership is asked apart.
        Target::Conversation { .. } => false,
        Target::Section { section, class, school } => match rel {
            Relationship::TeachesSection => principal.taught_sections.contains(&section),
            _ => classlike(db, principal, sets, role, rel, class, school).await?,
        },
    })
}

async fn classlike(
    db: &DatabaseConnection,
    principal: &Principal,
    sets: &DerivedSets,
    role: Role,
    rel: Relationship,
    class: i64,
    school: i64,
) -> Result<bool, DbErr> {
    Ok(match rel {
        Relationship::GuardianOf => {
            child_places(db, principal, sets, enrollment::Column::ClassId).await?.contains(&class)
        }
        Relationship::HomeroomOf => principal.homeroom_classes.contains(&class),
        Relationship::TeachesSection => principal.taught_classes.contains(&class),
        _ => place(principal, role, rel, school),
    })
}

fn place(principal: &Principal, role: Role, rel: Relationship, school: i64) -> bool {
    match rel {
        Relationship::InSchool => principal.orgs_of(role).any(|id| id == school),
        Relationship::Oversees => principal.overseen_schools.contains(&school),
        _ => false,
    }
}

/// Whether `student` is among the students `rel` reaches through enrollments for `role`.
async fn reached(
    db: &DatabaseConnection,
    principal: &Principal,
    sets: &DerivedSets,
    role: Role,
    rel: Relationship,
    student: i64,
) -> Result<bool, DbErr> {
    let Some(form) = enrolled(principal, role, rel) else { return Ok(false) };
    is_enrolled(db, principal, sets, form, student).await
}

/// Whether `student` has an enrollment of `form`; each form is loaded once per request.
pub(super) async fn is_enrolled(
    db: &DatabaseConnection,
    principal: &Principal,
    sets: &DerivedSets,
    form: Enrolled,
    student: i64,
) -> Result<bool, DbErr> {
    if form.places.is_empty() {
        return Ok(false);
    }
    let mut cache = sets.enrolled.lock().await;
    if let Some(students) = cache.get(&form) {
        return Ok(students.contains(&student));
    }
    let students: Vec<i64> = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::StudentId)
        .filter(form.condition(principal.today))
        .into_tuple()
        .all(db)
        .await?;
    let students: Arc<BTreeSet<i64>> = Arc::new(students.into_iter().collect());
    let found = students.contains(&student);
    cache.insert(form, students);
    Ok(found)
}

/// Classes (or schools) of the caller's children's enrollments active today.
async fn child_places<'a>(
    db: &DatabaseConnection,
    principal: &Principal,
    sets: &'a DerivedSets,
    column: enrollment::Column,
) -> Result<&'a BTreeSet<i64>, DbErr> {
    let cell = if matches!(column, enrollment::Column::ClassId) { &sets.child_classes } else { &sets.child_schools };
    cell.get_or_try_init(|| async {
        if principal.children.is_empty() {
            return Ok(BTreeSet::new());
        }
        let places: Vec<i64> = enrollment::Entity::find()
            .select_only()
            .column(column)
            .filter(enrollment::Column::StudentId.is_in(principal.children.iter().copied()))
            .filter(active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, principal.today))
            .into_tuple()
            .all(db)
            .await?;
        Ok(places.into_iter().collect())
    })
    .await
}
