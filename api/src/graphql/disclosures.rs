//! The disclosure log as the API shows it: to a guardian, who was shown their child's
//! records; to a school's privacy officer and principal, the school's log. Read through the
//! privacy layer's disclosure-log read (`privacy/disclosures.rs`): a stored entry lists
//! every student one request was shown; the API shows it as one entry per student, and only
//! for the students the caller may read the log of. A privacy officer narrows it by student,
//! reader, purpose and time.

use super::context::{access, database};
use super::ids;
use crate::error::{ApiError, ApiResult};
use crate::privacy::{LogQuery, Shown};
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

/// What an entry showed of one student: who was shown which field groups, when and why.
pub struct DisclosureEntry(Shown);

#[Object]
impl DisclosureEntry {
    /// When the data was shown.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at()
    }
    /// The student whose data was shown.
    async fn student_id(&self) -> ID {
        ids::encode("Student", self.0.student())
    }
    /// staff | guardian | vendor
    async fn actor_kind(&self) -> &str {
        self.0.actor_kind()
    }
    /// The name of the staff member or the vendor who was shown the data (null for other
    /// kinds).
    async fn actor_name(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        Ok(self.0.recipient_name(database(ctx)?).await?)
    }
    /// Field groups shown, e.g. `result`, `student.identity`, `guardian.contact`.
    async fn fields(&self) -> Vec<&str> {
        self.0.fields().collect()
    }
    /// Why it was shown: as a person declared it (`X-EMIS-Purpose`; `education` by
    /// default), or for a vendor the purpose of each sharing agreement it was shown under,
    /// written `code#agreement` (e.g. `learning_platform#3`).
    async fn purpose(&self) -> &str {
        self.0.purpose()
    }
}

/// Entries about `student` (newest first, at most `first`) that the caller may read,
/// narrowed by `query`.
pub async fn of_student(
    ctx: &Context<'_>,
    student: i64,
    query: &LogQuery,
    first: u64,
) -> ApiResult<Vec<DisclosureEntry>> {
    let shown = access(ctx)?.disclosures_about(database(ctx)?, student, query, first.min(200)).await?;
    Ok(shown.into_iter().map(DisclosureEntry).collect())
}

/// The newest `first` entries, one per student, that the caller may read, narrowed by
/// `query`.
pub async fn entries(ctx: &Context<'_>, query: &LogQuery, first: u64) -> ApiResult<Vec<DisclosureEntry>> {
    let first = usize::try_from(first.min(200)).unwrap_or(200);
    let shown = access(ctx)?.disclosures(database(ctx)?, query, first).await?;
    Ok(shown.into_iter().map(DisclosureEntry).collect())
}

/// The reader a global id names, as the log records it: a staff member, a guardian or a
/// vendor's client; an error for any other id.
pub fn reader_of(id: &ID) -> ApiResult<(String, i64)> {
    ids::decode_actor(id).filter(|(kind, _)| *kind != "student").map(|(kind, row)| (kind.to_owned(), row)).ok_or_else(
        || {
            ApiError::bad_input(
                "`readerId` phải là mã cán bộ, phụ huynh hoặc ứng dụng đối tác",
                "`readerId` must be the id of a staff member, a guardian or a vendor's client",
            )
        },
    )
}
