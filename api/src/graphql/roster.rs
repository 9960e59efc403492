//! A class roster read together with its students' guardians in one statement, for a
//! response that asks for both (a homeroom teacher's class list with the parents' phones).
//! The guardianships join the roster under the same conditions the guardians loader adds to
//! its own statement, the rows are checked as the loader checks them, and the result is
//! handed to the loader's batcher, so the students' `guardians` fields cost no statement.

use super::batch::Batcher;
use super::context::{access, database};
use super::loaders::{GuardianCard, GuardianLink, GuardiansKey, GuardiansOfStudent, by_student};
use crate::books::roster::roster_select;
use crate::error::{ApiError, ApiResult};
use entity::{guardian, guardianship, student};
use sea_orm::{FromQueryResult, QueryOrder as _, QuerySelect as _};

/// A roster row: the student, and one of their guardianships with its guardian (all NULL
/// for a student with none the caller may read). Guardian columns are prefixed so they do
/// not meet the student's own.
#[derive(FromQueryResult)]
struct RosterRow {
    #[sea_orm(nested)]
    student: student::Model,
    link_school_id: Option<i64>,
    link_relationship: Option<String>,
    guardian_id: Option<i64>,
    guardian_full_name: Option<String>,
    guardian_phone_enc: Option<Vec<u8>>,
    guardian_email_enc: Option<Vec<u8>>,
    guardian_identity_no_enc: Option<Vec<u8>>,
    guardian_address_enc: Option<Vec<u8>>,
}

impl RosterRow {
    /// The student of the row, and its guardianship if it has one.
    fn into_parts(self, class: i64) -> (student::Model, Option<GuardianLink>) {
        let RosterRow {
            student,
            link_school_id,
            link_relationship,
            guardian_id,
            guardian_full_name,
            guardian_phone_enc: phone_enc,
            guardian_email_enc: email_enc,
            guardian_identity_no_enc: identity_no_enc,
            guardian_address_enc: address_enc,
        } = self;
        let link = match (link_school_id, link_relationship, guardian_id, guardian_full_name) {
            (Some(school_id), Some(relationship), Some(id), Some(full_name)) => Some(GuardianLink {
                student_id: student.id,
                school_id,
                relationship,
                guardian: GuardianCard { id, full_name, phone_enc, email_enc, identity_no_enc, address_enc },
                class: Some(class),
            }),
            _ => None,
        };
        (student, link)
    }
}

/// The students of `class`'s roster the caller may see, as [`crate::books::roster::roster_rows`]
/// reads them, with their guardians read in the same statement and primed in the batcher.
pub async fn with_guardians(
    ctx: &async_graphql::Context<'_>,
    class: i64,
    sealed: bool,
) -> ApiResult<Vec<student::Model>> {
    let access = access(ctx)?;
    let batcher = ctx.data::<Batcher<GuardiansKey, GuardiansOfStudent>>().map_err(|_| ApiError::Internal)?;
    let guardians = batcher.loader();
    guardians.sealed.ask_for(&ctx.look_ahead().field("guardians"));
    let (select, checker) = roster_select(access, class, sealed).into_statement();
    let (select, links_checker) = access.with_guardian_links(select);
    let select = select
        .column_as(guardianship::Column::SchoolId, "link_school_id")
        .column_as(guardianship::Column::Relationship, "link_relationship")
        .column_as(guardian::Column::Id, "guardian_id")
        .column_as(guardian::Column::FullName, "guardian_full_name");
    let rows = guardians
        .sealed
        .select(select, "guardian_")
        .order_by_asc(guardian::Column::Id)
        .into_model::<RosterRow>()
        .all(database(ctx)?)
        .await?;

    let mut students: Vec<student::Model> = Vec::new();
    let mut links = Vec::new();
    for row in rows {
        let (student, link) = row.into_parts(class);
        if students.last().is_none_or(|last| last.id != student.id) {
            students.push(student);
        }
        links.extend(link);
    }
    let students = checker.admit(students).await?;
    let mut by_student = by_student(links_checker.admit(links, GuardianLink::target).await?);
    batcher.prime(students.iter().map(|student| {
        (GuardiansKey { student: student.id, class: Some(class) }, by_student.remove(&student.id).unwrap_or_default())
    }));
    Ok(students)
}
