//! Movements on the API: `moveStudent` (chuyển lớp), `transferStudent` and `admitStudent`
//! (chuyển trường), and the `transfers` a school's principal follows — written by
//! [`crate::books::movements`], read through the privacy layer.

use super::context::{access, database, signed_in};
use super::ids;
use super::people::Student;
use super::records::EnrollmentRecord;
use super::school::{Class, class_by_id};
use super::students::student_by_id;
use crate::books::movements;
use crate::error::{ApiError, ApiResult};
use crate::privacy::TransferStudent;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, NaiveDate, Utc};
use entity::{org, transfer};
use sea_orm::EntityTrait as _;

/// A student's move to another school: released by the sending school, admitted by the
/// receiving one.
pub struct Transfer {
    row: transfer::Model,
    /// The student's name and identifier, read once through the privacy layer.
    student: tokio::sync::OnceCell<TransferStudent>,
}

#[Object]
impl Transfer {
    /// The transfer's global id (what `admitStudent` takes).
    async fn id(&self) -> ID {
        ids::encode("Transfer", self.row.id)
    }
    /// The student, when the caller may see the student record (the receiving school may
    /// once it has admitted them).
    async fn student(&self, ctx: &Context<'_>) -> ApiResult<Option<Student>> {
        student_by_id(ctx, self.row.student_id).await
    }
    /// The student's full name and sector-database identifier, part of the transfer: what
    /// the receiving school needs to admit the student.
    async fn student_name(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.named_student(ctx).await?.full_name.clone())
    }
    /// The student's identifier in the sector's database and in exchanges, part of the transfer like the name.
    async fn student_external_id(&self, ctx: &Context<'_>) -> ApiResult<String> {
        Ok(self.named_student(ctx).await?.external_id.clone())
    }
    /// The school the student leaves.
    async fn from_school_id(&self) -> ID {
        ids::encode("School", self.row.from_school_id)
    }
    /// The name of the school the student leaves.
    async fn from_school_name(&self, ctx: &Context<'_>) -> ApiResult<String> {
        school_name(ctx, self.row.from_school_id).await
    }
    /// The school the student goes to.
    async fn to_school_id(&self) -> ID {
        ids::encode("School", self.row.to_school_id)
    }
    /// The name of the school the student goes to.
    async fn to_school_name(&self, ctx: &Context<'_>) -> ApiResult<String> {
        school_name(ctx, self.row.to_school_id).await
    }
    /// The class the receiving school admitted the student into, if the caller may see it.
    async fn to_class(&self, ctx: &Context<'_>) -> ApiResult<Option<Class>> {
        match self.row.to_class_id {
            Some(class) => class_by_id(ctx, class).await,
            None => Ok(None),
        }
    }
    /// The first day at the receiving school; the enrollment at the sending school ended
    /// the day before.
    async fn arrives_on(&self) -> NaiveDate {
        self.row.arrives_on
    }
    /// Why the student moves, as the sending school wrote it.
    async fn reason(&self) -> &str {
        &self.row.reason
    }
    /// pending | admitted
    async fn status(&self) -> &str {
        &self.row.status
    }
    /// When the sending school released the student.
    async fn released_at(&self) -> DateTime<Utc> {
        self.row.released_at
    }
    /// When the receiving school admitted the student; null while pending.
    async fn admitted_at(&self) -> Option<DateTime<Utc>> {
        self.row.admitted_at
    }
}

impl Transfer {
    fn new(row: transfer::Model) -> Self {
        Self { row, student: tokio::sync::OnceCell::new() }
    }

    /// The student the transfer names, when the caller may read the transfer.
    async fn named_student(&self, ctx: &Context<'_>) -> ApiResult<&TransferStudent> {
        self.student
            .get_or_try_init(|| async {
                let named = access(ctx)?.transfer_student(database(ctx)?, &self.row).await?;
                named.ok_or(ApiError::NotPermitted)
            })
            .await
    }
}

async fn school_name(ctx: &Context<'_>, id: i64) -> ApiResult<String> {
    Ok(org::Entity::find_by_id(id).one(database(ctx)?).await?.ok_or(ApiError::Internal)?.name)
}

fn decode(kind: &str, id: &ID, vi: &str, en: &str) -> ApiResult<i64> {
    ids::decode_as(kind, id).ok_or_else(|| ApiError::bad_input(vi, en))
}

/// Moves a student to another class of the school from `on`.
pub async fn move_class(
    ctx: &Context<'_>,
    student_id: &ID,
    class_id: &ID,
    on: NaiveDate,
) -> ApiResult<EnrollmentRecord> {
    let access = signed_in(ctx)?;
    let student = decode("Student", student_id, "không phải mã học sinh", "not a student id")?;
    let class = decode("Class", class_id, "không phải mã lớp", "not a class id")?;
    let row = movements::move_class(database(ctx)?, access, student, class, on).await?;
    Ok(EnrollmentRecord(row))
}

/// Releases a student to another school from `on`.
pub async fn release(
    ctx: &Context<'_>,
    student_id: &ID,
    school_id: &ID,
    on: NaiveDate,
    reason: &str,
) -> ApiResult<Transfer> {
    let access = signed_in(ctx)?;
    let student = decode("Student", student_id, "không phải mã học sinh", "not a student id")?;
    let school = decode("School", school_id, "không phải mã trường", "not a school id")?;
    let row = movements::release(database(ctx)?, access, student, school, on, reason, Utc::now()).await?;
    Ok(Transfer::new(row))
}

/// Admits a released student into a class of the receiving school.
pub async fn admit(ctx: &Context<'_>, transfer_id: &ID, class_id: &ID) -> ApiResult<Transfer> {
    let access = signed_in(ctx)?;
    let transfer = ids::decode_as("Transfer", transfer_id).ok_or(ApiError::NotPermitted)?;
    let class = decode("Class", class_id, "không phải mã lớp", "not a class id")?;
    let row = movements::admit(database(ctx)?, access, transfer, class, Utc::now()).await?;
    Ok(Transfer::new(row))
}

/// The transfers the caller may read, newest first.
pub async fn transfers(ctx: &Context<'_>, status: Option<&str>, first: u64) -> ApiResult<Vec<Transfer>> {
    let access = signed_in(ctx)?;
    let rows = movements::transfers(database(ctx)?, access, status, first).await?;
    Ok(rows.into_iter().map(Transfer::new).collect())
}
