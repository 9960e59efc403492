//! Families' consent, as GraphQL shows it to a guardian or to the child: what the school's own
//! purposes and the sharing agreements covering the child ask consent for
//! (`Student.sharingConsents`), and the decision (`decideSharingConsent`), which counts at
//! the next request. Both reach the child through the privacy layer (`consent`) first, so
//! another family's child answers like a missing one.

use super::context::{access, database, state};
use super::ids;
use crate::error::{ApiError, ApiResult};
use crate::sharing::consent::{self, Asked, Decision};
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

/// A purpose the family's consent is asked for: one of the school's own on the privacy
/// officer's list, or one a sharing agreement covering the child asks it for.
#[derive(SimpleObject)]
pub struct SharingConsent {
    /// The purpose's code, from the privacy officer's list.
    pub purpose: String,
    /// The purpose in Vietnamese.
    pub vietnamese: String,
    /// The purpose in English.
    pub english: String,
    /// The kinds of record the school's staff reach while consent stands (the school's own
    /// purposes).
    pub kinds: Vec<String>,
    /// The vendors whose agreements ask it (none for the school's own purposes).
    pub vendors: Vec<String>,
    /// The guardians' decision: given | refused | withdrawn; null while they have not
    /// decided (nothing is processed for the purpose until consent is given).
    pub decision: Option<String>,
    /// When the guardians' standing decision was made.
    pub decided_at: Option<DateTime<Utc>>,
    /// The version of the text the guardians' decision was made on.
    pub text_version: Option<String>,
    /// Whether the child is asked too (aged 7 or over, or the birth date unknown).
    pub child_asked: bool,
    /// The child's own decision: given | refused | withdrawn; null while undecided.
    pub child_decision: Option<String>,
    /// How the child's decision was given: app (their own) | guardian (through the
    /// guardian's app).
    pub child_channel: Option<String>,
    /// Whether consent stands: the guardians gave it and, where the child is asked, so did
    /// the child.
    pub in_force: bool,
}

impl From<Asked> for SharingConsent {
    fn from(asked: Asked) -> Self {
        let in_force = asked.in_force();
        Self {
            kinds: asked.purpose.kinds.iter().map(|kind| kind.as_str().to_owned()).collect(),
            child_asked: asked.child_asked,
            child_decision: asked.child_decision.as_ref().map(|decision| decision.decision.clone()),
            child_channel: asked.child_decision.as_ref().map(|decision| decision.channel.clone()),
            in_force,
            purpose: asked.purpose.code,
            vietnamese: asked.purpose.vietnamese,
            english: asked.purpose.english,
            vendors: asked.vendors,
            decided_at: asked.decision.as_ref().map(|decision| decision.decided_at),
            text_version: asked.decision.as_ref().map(|decision| decision.text_version.clone()),
            decision: asked.decision.map(|decision| decision.decision),
        }
    }
}

/// `Student.sharingConsents`.
pub async fn of_student(ctx: &Context<'_>, student: i64) -> ApiResult<Vec<SharingConsent>> {
    let asked = match consent::asked(database(ctx)?, access(ctx)?, student).await {
        Err(ApiError::NotPermitted) => return Ok(Vec::new()),
        asked => asked?,
    };
    Ok(asked.into_iter().take(super::sharing::PURPOSES_MAX).map(SharingConsent::from).collect())
}

#[derive(Default)]
pub struct ConsentMutations;

#[Object]
impl ConsentMutations {
    /// Gives (`given: true`) or refuses and withdraws (`false`) consent, for one child, to a
    /// purpose asked of the family: a guardian's decision, with `childAgrees` the answer of a
    /// child aged 7 or over given through the guardian's app; or, from the child's own
    /// account, the child's. It counts at the next request; every decision is kept as proof.
    async fn decide_sharing_consent(
        &self,
        ctx: &Context<'_>,
        student_id: ID,
        purpose: String,
        given: bool,
        child_agrees: Option<bool>,
    ) -> ApiResult<SharingConsent> {
        let student = ids::decode_as("Student", &student_id).ok_or(ApiError::NotPermitted)?;
        let server = state(ctx)?;
        let decision = Decision { given, child_agrees };
        let decided = consent::decide(&server.db, access(ctx)?, student, &purpose, decision, Utc::now()).await?;
        Ok(decided.into())
    }
}
