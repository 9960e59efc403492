//! Data-subject requests over GraphQL: `askSubjectRequest` for a guardian about their child,
//! `subjectRequests` (the family's own, or the school's queue for its privacy officer, most
//! urgent first), `handleSubjectRequest` and `completeSubjectRequest` for the privacy
//! officer (`crate::subject::requests`), who carries a deletion out by completing it;
//! `liftSubjectRestriction` ends a restriction of processing.

use super::context::{access, database, state};
use super::ids;
use crate::error::{ApiError, ApiResult};
use crate::privacy::readers;
use crate::subject::erasure::{self, Fate};
use crate::subject::requests::{self, Carrier, RequestKind, is_closed};
use crate::subject::restriction;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use emis_authz::Action;
use entity::subject_request;
use sea_orm::{ColumnTrait as _, Condition, Order};

/// A guardian's request about their child's data.
pub struct SubjectRequest(pub subject_request::Model);

#[Object]
impl SubjectRequest {
    /// The request's global id.
    async fn id(&self) -> ID {
        ids::encode("SubjectRequest", self.0.id)
    }
    /// The child it is about, for a guardian's request.
    async fn student_id(&self) -> Option<ID> {
        self.0.student_id.map(|student| ids::encode("Student", student))
    }
    /// The staff member it is about, who asked, for a staff member's request about themself.
    async fn staff_id(&self) -> Option<ID> {
        self.0.staff_id.map(|staff| ids::encode("Staff", staff))
    }
    /// access | correction | restriction | deletion.
    async fn kind(&self) -> &str {
        &self.0.kind
    }
    /// What the family wrote (what to correct, for a correction).
    async fn details(&self) -> &str {
        &self.0.details
    }
    /// When it was received.
    async fn received_at(&self) -> DateTime<Utc> {
        self.0.received_at
    }
    /// The deadline to acknowledge it: two working days after it was received.
    async fn acknowledge_by(&self) -> DateTime<Utc> {
        self.0.acknowledge_by
    }
    /// The deadline to carry it out: 10 days after it was received, 20 for a deletion.
    async fn complete_by(&self) -> DateTime<Utc> {
        self.0.complete_by
    }
    /// When it was acknowledged; null until then.
    async fn acknowledged_at(&self) -> Option<DateTime<Utc>> {
        self.0.acknowledged_at
    }
    /// The staff member handling it (a privacy officer of the school).
    async fn assigned_to_id(&self) -> Option<ID> {
        self.0.assigned_to.map(|staff| ids::encode("Staff", staff))
    }
    /// received | acknowledged | completed | refused.
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// What was done, or why it was refused, for the family.
    async fn outcome(&self) -> Option<&str> {
        self.0.outcome.as_deref()
    }
    /// When it was completed or refused.
    async fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.0.completed_at
    }
    /// For a restriction: whether it is in force (completed and not lifted). While it is,
    /// no consent counts for the child and no vendor's agreement shares anything about them.
    async fn in_force(&self) -> bool {
        restriction::stands(&self.0)
    }
    /// For a restriction: when it was lifted.
    async fn lifted_at(&self) -> Option<DateTime<Utc>> {
        self.0.lifted_at
    }
    /// For a deletion: what it erases and what it keeps, part by part, with why — as planned
    /// while the request is open, as carried out (with how many records each step touched)
    /// once completed; empty for the other kinds and for a refused deletion.
    async fn steps(&self) -> ApiResult<Vec<ErasureStep>> {
        if self.0.kind != RequestKind::Deletion.as_str() || self.0.status == requests::REFUSED {
            return Ok(Vec::new());
        }
        let steps = match &self.0.carried_out {
            Some(report) => serde_json::from_str(report).map_err(ApiError::internal)?,
            None => erasure::plan(self.0.staff_id.is_some()),
        };
        Ok(steps.into_iter().map(ErasureStep).collect())
    }
    /// Whether a deadline passed with the request still open (not acknowledged by its
    /// deadline, or not completed by its own).
    async fn overdue(&self) -> bool {
        let now = Utc::now();
        !is_closed(&self.0)
            && (now > self.0.complete_by || (self.0.acknowledged_at.is_none() && now > self.0.acknowledge_by))
    }
}

/// One part of a child's data and what a deletion does to it.
pub struct ErasureStep(erasure::Step);

#[Object]
impl ErasureStep {
    /// The part: for a child sealedFields, leaveReasons, conversations, noticesDelivered,
    /// notifications, register, books, consents, accountability; for a staff member
    /// sealedFields, pushDevices, notifications, employment, books, accountability.
    async fn part(&self) -> &str {
        &self.0.part
    }
    /// shredded (its key destroyed) | erased (some columns emptied) | removed | kept.
    async fn fate(&self) -> &str {
        match self.0.fate {
            Fate::Shredded => "shredded",
            Fate::Erased => "erased",
            Fate::Removed => "removed",
            Fate::Kept => "kept",
        }
    }
    /// Once carried out, how many records (for the sealed fields: how many fields) the step
    /// touched; null while planned and for what is kept.
    async fn count(&self) -> Option<u64> {
        self.0.count
    }
    /// What and why, in Vietnamese.
    async fn vi(&self) -> &str {
        &self.0.vi
    }
    /// What and why, in English.
    async fn en(&self) -> &str {
        &self.0.en
    }
}

/// The data-subject request mutations.
#[derive(Default)]
pub struct SubjectRequestMutations;

#[Object]
impl SubjectRequestMutations {
    /// Asks, as a guardian of the child `studentId` — or, naming no student, as a staff
    /// member about themself — for a copy of the data (`access`), a `correction` (say what
    /// in `details`), a `restriction` of processing or a `deletion`. The deadlines start now.
    /// Another family's child answers like a missing one.
    async fn ask_subject_request(
        &self,
        ctx: &Context<'_>,
        student_id: Option<ID>,
        kind: String,
        details: Option<String>,
    ) -> ApiResult<SubjectRequest> {
        let student = match &student_id {
            Some(id) => Some(ids::decode_as("Student", id).ok_or(ApiError::NotPermitted)?),
            None => None,
        };
        let details = details.unwrap_or_default();
        let asked = requests::ask(database(ctx)?, access(ctx)?, student, &kind, &details, Utc::now()).await?;
        Ok(SubjectRequest(asked))
    }
    /// Acknowledges the request (the first time) and hands it to `assigneeId`, a privacy
    /// officer of its school — the caller when omitted.
    async fn handle_subject_request(
        &self,
        ctx: &Context<'_>,
        request_id: ID,
        assignee_id: Option<ID>,
    ) -> ApiResult<SubjectRequest> {
        let id = ids::decode_as("SubjectRequest", &request_id).ok_or(ApiError::NotPermitted)?;
        // An id of another kind names no staff member: refused after the policy is asked.
        let assignee = assignee_id.as_ref().map(|staff| ids::decode_as("Staff", staff).unwrap_or(0));
        let handled = requests::handle(database(ctx)?, access(ctx)?, id, assignee, Utc::now()).await?;
        Ok(SubjectRequest(handled))
    }
    /// Completes the request with its `outcome` for the family, or refuses it
    /// (`refused: true`) saying why; it then ends.
    async fn complete_subject_request(
        &self,
        ctx: &Context<'_>,
        request_id: ID,
        outcome: String,
        refused: Option<bool>,
    ) -> ApiResult<SubjectRequest> {
        let refused = refused.unwrap_or(false);
        let id = ids::decode_as("SubjectRequest", &request_id).ok_or(ApiError::NotPermitted)?;
        let state = state(ctx)?;
        let carrier = Carrier { db: &state.db, store: &state.attachments, vault: &state.vault };
        let completed = requests::complete(&carrier, access(ctx)?, id, &outcome, refused, Utc::now()).await?;
        Ok(SubjectRequest(completed))
    }
    /// Lifts a restriction of processing in force (the family about their child, or the
    /// school's privacy officer): consents and vendors' agreements count again for the child
    /// at the next request.
    async fn lift_subject_restriction(&self, ctx: &Context<'_>, request_id: ID) -> ApiResult<SubjectRequest> {
        let id = ids::decode_as("SubjectRequest", &request_id).ok_or(ApiError::NotPermitted)?;
        let lifted = restriction::lift(database(ctx)?, access(ctx)?, id, Utc::now()).await?;
        Ok(SubjectRequest(lifted))
    }
}

/// The requests the caller may read, the open ones only with `open`, the earliest deadline
/// first.
pub async fn list(ctx: &Context<'_>, open: bool, first: u64) -> ApiResult<Vec<SubjectRequest>> {
    let mut rows = access(ctx)?.read_mixed(&readers::SUBJECT_REQUEST, Action::Read);
    if open {
        let status = subject_request::Column::Status.is_in([requests::RECEIVED, requests::ACKNOWLEDGED]);
        rows = rows.through(Condition::all().add(status));
    }
    let rows = rows
        .order_by(subject_request::Column::CompleteBy, Order::Asc)
        .order_by(subject_request::Column::Id, Order::Asc)
        .limit(first)
        .all(database(ctx)?)
        .await?;
    Ok(rows.into_iter().map(SubjectRequest).collect())
}
