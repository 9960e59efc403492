//! Personal-data breaches over GraphQL: `recordBreach` and `markBreachNotified` for a school's
//! privacy officer, `breaches` for whoever may read the school's (`crate::breaches`).

use super::context::{access, database};
use super::ids;
use crate::breaches::{self, Report};
use crate::error::{ApiError, ApiResult};
use async_graphql::{Context, ID, InputObject, Object};
use chrono::{DateTime, Utc};
use entity::breach;

/// A personal-data breach of a school.
pub struct Breach(pub breach::Model);

#[Object]
impl Breach {
    /// The breach's global id.
    async fn id(&self) -> ID {
        ids::encode("Breach", self.0.id)
    }
    /// The school it was recorded for.
    async fn school_id(&self) -> ID {
        ids::encode("School", self.0.org_id)
    }
    /// What happened, as the privacy officer wrote it.
    async fn description(&self) -> &str {
        &self.0.description
    }
    /// When it was found.
    async fn discovered_at(&self) -> DateTime<Utc> {
        self.0.discovered_at
    }
    /// The deadline to notify the authority: 72 hours after it was found.
    async fn notify_by(&self) -> DateTime<Utc> {
        self.0.notify_by
    }
    /// When the authority was notified; null until then.
    async fn notified_at(&self) -> Option<DateTime<Utc>> {
        self.0.notified_at
    }
    /// Hours left to notify (negative once overdue); null once notified.
    async fn hours_left(&self) -> Option<i64> {
        self.0.notified_at.is_none().then(|| (self.0.notify_by - Utc::now()).num_hours())
    }
    /// The reader whose reads the breach is, when it is one: a staff member's, a guardian's
    /// or a vendor client's global id.
    async fn reader_id(&self) -> Option<ID> {
        ids::actor(self.0.reader_kind.as_deref()?, self.0.reader_id?)
    }
    /// The students it affected that the caller may read it of (the disclosure log's
    /// students shown to the reader in the window), how many, and the first `first` ids.
    async fn affected(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
    ) -> ApiResult<AffectedStudents> {
        let (db, access) = (database(ctx)?, access(ctx)?);
        let (count, students) = breaches::affected(db, access, self.0.id, u64::try_from(first).unwrap_or(50)).await?;
        Ok(AffectedStudents { count, students })
    }
}

/// The students a breach affected.
pub struct AffectedStudents {
    count: u64,
    students: Vec<i64>,
}

#[Object]
impl AffectedStudents {
    /// How many.
    async fn count(&self) -> u64 {
        self.count
    }
    /// Their global ids, in id order (at most the `first` asked).
    async fn student_ids(&self) -> Vec<ID> {
        self.students.iter().map(|&id| ids::encode("Student", id)).collect()
    }
}

/// A breach as the privacy officer reports it.
#[derive(InputObject)]
pub struct RecordBreachInput {
    /// The school it happened at.
    pub school_id: ID,
    /// What happened (at most 4,000 characters).
    pub description: String,
    /// When it was found (now when omitted).
    pub discovered_at: Option<DateTime<Utc>>,
    /// The reader whose reads the breach is (a stolen account, a vendor's leak): a staff
    /// member's, a guardian's or a vendor client's global id. The students the disclosure
    /// log shows that reader was shown in the window become the affected students.
    pub reader_id: Option<ID>,
    /// The window's start (inclusive); the log's beginning when omitted.
    pub from: Option<DateTime<Utc>>,
    /// The window's end (exclusive); now when omitted.
    pub to: Option<DateTime<Utc>>,
}

/// The breach mutations.
#[derive(Default)]
pub struct BreachMutations;

#[Object]
impl BreachMutations {
    /// Records a personal-data breach of a school, with the students the disclosure log shows
    /// affected; the deadline to notify is 72 hours after it was found. Refused like a
    /// missing school when the caller may not record the school's breaches.
    async fn record_breach(&self, ctx: &Context<'_>, input: RecordBreachInput) -> ApiResult<Breach> {
        let access = access(ctx)?;
        let school = ids::decode_as("School", &input.school_id).ok_or(ApiError::NotPermitted)?;
        let reader = input.reader_id.as_ref().map(super::disclosures::reader_of);
        let now = Utc::now();
        let report = Report {
            school,
            description: input.description,
            discovered_at: input.discovered_at.unwrap_or(now),
            reader,
            from: input.from,
            to: input.to,
        };
        Ok(Breach(breaches::record(database(ctx)?, access, report, now).await?))
    }
    /// Records that the authority was notified of the breach (now; once).
    async fn mark_breach_notified(&self, ctx: &Context<'_>, breach_id: ID) -> ApiResult<Breach> {
        let id = ids::decode_as("Breach", &breach_id).ok_or(ApiError::NotPermitted)?;
        Ok(Breach(breaches::mark_notified(database(ctx)?, access(ctx)?, id, Utc::now()).await?))
    }
}

/// The breaches the caller may read, newest found first.
pub async fn list(ctx: &Context<'_>, first: u64) -> ApiResult<Vec<Breach>> {
    let rows = breaches::list(database(ctx)?, access(ctx)?, first).await?;
    Ok(rows.into_iter().map(Breach).collect())
}
