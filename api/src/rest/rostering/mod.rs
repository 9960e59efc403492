//! The rostering service's reads: each collection and record, and the nested collections
//! of a school, a class, a course or a term, read through the registered readers (schools,
//! classes — homeroom classes and sections —, students, teachers, enrollments; users, which
//! are students, teachers and guardians together; a student's demographics; the courses the
//! readable classes follow) — or, for the national calendar, which is nobody's data, from its tables.
//! A parent out of reach answers like a missing one.

mod classes;
mod courses;
mod demographics;
mod enrollments;
mod guardians;
mod orgs;
mod people;
mod teachers;
mod users;

pub(super) use classes::{Reached, reached_class};

use super::Asked;
use super::objects::ROSTERING;
use super::reply::Refusal;
use super::served;
use crate::state::AppState;
use axum::Router;
use futures::FutureExt as _;
use std::sync::Arc;

/// The rostering routes.
pub fn routes() -> Router<Arc<AppState>> {
    let at = |path: &str| format!("{ROSTERING}{path}");
    Router::new()
        .route(&at("/orgs"), served(|asked| orgs::orgs(asked).boxed()))
        .route(&at("/orgs/{id}"), served(|asked| orgs::org_by_id(asked).boxed()))
        .route(&at("/schools"), served(|asked| orgs::schools(asked).boxed()))
        .route(&at("/schools/{id}"), served(|asked| orgs::school_by_id(asked).boxed()))
        .route(&at("/schools/{id}/classes"), served(|asked| classes::classes_of_school(asked).boxed()))
        .route(&at("/schools/{id}/students"), served(|asked| people::students_of_school(asked).boxed()))
        .route(&at("/schools/{id}/enrollments"), served(|asked| enrollments::enrollments_of_school(asked).boxed()))
        .route(&at("/academicSessions"), served(|asked| orgs::sessions(asked).boxed()))
        .route(&at("/academicSessions/{id}"), served(|asked| orgs::session_by_id(asked).boxed()))
        .route(&at("/classes"), served(|asked| classes::classes(asked).boxed()))
        .route(&at("/classes/{id}"), served(|asked| classes::class_by_id(asked).boxed()))
        .route(&at("/classes/{id}/students"), served(|asked| people::students_of_class(asked).boxed()))
        .route(&at("/classes/{id}/teachers"), served(|asked| teachers::teachers_of_class(asked).boxed()))
        .route(&at("/courses"), served(|asked| courses::courses(asked).boxed()))
        .route(&at("/courses/{id}"), served(|asked| courses::course_by_id(asked).boxed()))
        .route(&at("/courses/{id}/classes"), served(|asked| courses::classes_of_course(asked).boxed()))
        .route(&at("/schools/{id}/courses"), served(|asked| courses::courses_of_school(asked).boxed()))
        .route(&at("/terms"), served(|asked| orgs::terms(asked).boxed()))
        .route(&at("/terms/{id}"), served(|asked| orgs::term_by_id(asked).boxed()))
        .route(&at("/schools/{id}/terms"), served(|asked| orgs::terms_of_school(asked).boxed()))
        .route(&at("/terms/{id}/gradingPeriods"), served(|asked| orgs::grading_periods_of_term(asked).boxed()))
        .route(&at("/gradingPeriods"), served(|asked| orgs::grading_periods(asked).boxed()))
        .route(&at("/gradingPeriods/{id}"), served(|asked| orgs::grading_period_by_id(asked).boxed()))
        .route(&at("/students"), served(|asked| people::students(asked).boxed()))
        .route(&at("/students/{id}"), served(|asked| people::student_by_id(asked).boxed()))
        .route(&at("/teachers"), served(|asked| teachers::teachers(asked).boxed()))
        .route(&at("/teachers/{id}"), served(|asked| teachers::teacher_by_id(asked).boxed()))
        .route(&at("/schools/{id}/teachers"), served(|asked| teachers::teachers_of_school(asked).boxed()))
        .route(&at("/users"), served(|asked| users::users(asked).boxed()))
        .route(&at("/users/{id}"), served(|asked| users::user_by_id(asked).boxed()))
        .route(&at("/demographics"), served(|asked| demographics::demographics(asked).boxed()))
        .route(&at("/demographics/{id}"), served(|asked| demographics::demographics_by_id(asked).boxed()))
        .route(&at("/enrollments"), served(|asked| enrollments::enrollments(asked).boxed()))
        .route(&at("/enrollments/{id}"), served(|asked| enrollments::enrollment_by_id(asked).boxed()))
}

/// The id of school `id` (a `sourcedId`) the caller may read.
pub(super) async fn reached_school(asked: &Asked, id: &str) -> Result<i64, Refusal> {
    Ok(orgs::reached_org(asked, id, true).await?.id)
}
