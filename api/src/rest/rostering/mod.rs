//! The rostering service's reads: each collection and record, and the nested collections
//! of a school or a class, read through the registered readers (schools, classes, students,
//! teachers, enrollments) — or, for the national calendar, which is nobody's data, from its tables.
//! A parent out of reach answers like a missing one.

mod classes;
mod orgs;
mod people;
mod teachers;

use super::objects::ROSTERING;
use super::reply::Refusal;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use std::sync::Arc;

type Reply = Result<Response, Refusal>;
type Server = State<Arc<AppState>>;

/// The rostering routes.
pub fn routes() -> Router<Arc<AppState>> {
    let at = |path: &str| format!("{ROSTERING}{path}");
    Router::new()
        .route(&at("/orgs"), get(orgs::orgs))
        .route(&at("/orgs/{id}"), get(orgs::org_by_id))
        .route(&at("/schools"), get(orgs::schools))
        .route(&at("/schools/{id}"), get(orgs::school_by_id))
        .route(&at("/schools/{id}/classes"), get(classes::classes_of_school))
        .route(&at("/schools/{id}/students"), get(people::students_of_school))
        .route(&at("/schools/{id}/enrollments"), get(people::enrollments_of_school))
        .route(&at("/academicSessions"), get(orgs::sessions))
        .route(&at("/academicSessions/{id}"), get(orgs::session_by_id))
        .route(&at("/classes"), get(classes::classes))
        .route(&at("/classes/{id}"), get(classes::class_by_id))
        .route(&at("/classes/{id}/students"), get(people::students_of_class))
        .route(&at("/students"), get(people::students))
        .route(&at("/students/{id}"), get(people::student_by_id))
        .route(&at("/teachers"), get(teachers::teachers))
        .route(&at("/teachers/{id}"), get(teachers::teacher_by_id))
        .route(&at("/schools/{id}/teachers"), get(teachers::teachers_of_school))
        .route(&at("/enrollments"), get(people::enrollments))
        .route(&at("/enrollments/{id}"), get(people::enrollment_by_id))
}
