//! Exemptions on the API: the principal's `setExemption` (written by
//! [`crate::books::exemptions`]) and each student's exemptions, read through the privacy layer.

use super::context::{access, database, signed_in};
use super::ids;
use crate::books::exemptions::{self, Decision};
use crate::error::{ApiError, ApiResult};
use crate::privacy::readers;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::exemption;
use sea_orm::ColumnTrait as _;

/// A student's exemption (miễn) from a section's assessments.
pub struct Exemption(pub exemption::Model);

#[Object]
impl Exemption {
    /// The section of the exempted subject.
    async fn section_id(&self) -> ID {
        ids::encode("Section", self.0.section_id)
    }
    /// Null: the whole school year.
    async fn semester_id(&self) -> Option<ID> {
        self.0.semester_id.map(|semester| ids::encode("Semester", semester))
    }
    /// When the exemption was recorded.
    async fn granted_at(&self) -> DateTime<Utc> {
        self.0.granted_at
    }
    /// The part of the subject exempted (miễn một phần); null: the whole subject.
    async fn part(&self) -> Option<&str> {
        self.0.part.as_deref()
    }
    /// When it was lifted; null while it is in force.
    async fn lifted_at(&self) -> Option<DateTime<Utc>> {
        self.0.lifted_at
    }
}

/// Grants or lifts a student's exemption from a section, for a semester or the whole year.
pub async fn set(
    ctx: &Context<'_>,
    student_id: &ID,
    section_id: &ID,
    semester_id: Option<&ID>,
    exempt: bool,
    part: Option<String>,
) -> ApiResult<Option<Exemption>> {
    let access = signed_in(ctx)?;
    let student = ids::decode_as("Student", student_id).ok_or(ApiError::NotPermitted)?;
    let section = ids::decode_as("Section", section_id).ok_or(ApiError::NotPermitted)?;
    let semester = match semester_id {
        Some(id) => Some(
            ids::decode_as("Semester", id)
                .ok_or_else(|| ApiError::bad_input("không phải mã học kỳ", "not a semester id"))?,
        ),
        None => None,
    };
    let decision = Decision { student, section, semester, exempt, part };
    let row = exemptions::decide(database(ctx)?, access, decision, Utc::now()).await?;
    Ok(row.map(Exemption))
}

/// The exemptions of `student` the caller may read, in force or lifted (recorded in the
/// disclosure log: an exemption often has a health reason).
pub async fn of_student(ctx: &Context<'_>, student: i64) -> ApiResult<Vec<Exemption>> {
    let rows = access(ctx)?
        .read(&readers::EXEMPTION)
        .narrow(exemption::Column::StudentId, |column| column.eq(student))
        .order_by(exemption::Column::GrantedAt, sea_orm::Order::Asc)
        .all(database(ctx)?)
        .await?;
    for row in &rows {
        super::context::shown(ctx, row.student_id, row.school_id, emis_authz::Kind::Exemption);
    }
    Ok(rows.into_iter().map(Exemption).collect())
}
