//! Families' consent to sharing, as GraphQL shows it to a guardian: what the sharing
//! agreements covering their child ask consent for (`Student.sharingConsents`), and their
//! decision (`decideSharingConsent`), which counts at the vendor's next request. Both reach
//! the child through the privacy layer (`consent`) first, so another family's child answers
//! like a missing one.

use super::context::{access, state};
use super::ids;
use crate::error::{ApiError, ApiResult};
use crate::sharing::consent::{self, Asked};
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};

/// A purpose a sharing agreement covering the child asks the family's consent for.
#[derive(SimpleObject)]
pub struct SharingConsent {
    /// The purpose's code, from the privacy officer's list.
    pub purpose: String,
    /// The purpose in Vietnamese.
    pub vietnamese: String,
    /// The purpose in English.
    pub english: String,
    /// The vendors whose agreements ask it.
    pub vendors: Vec<String>,
    /// given | refused | withdrawn; null while the family has not decided (nothing is
    /// shared until consent is given).
    pub decision: Option<String>,
    /// When the standing decision was made.
    pub decided_at: Option<DateTime<Utc>>,
    /// The version of the text the decision was made on.
    pub text_version: Option<String>,
}

impl From<Asked> for SharingConsent {
    fn from(asked: Asked) -> Self {
        Self {
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
    let server = state(ctx)?;
    let asked = match consent::asked(&server.db, access(ctx)?, &server.config.policy_dir, student).await {
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
    /// purpose a sharing agreement covering the child asks it for. It counts at the
    /// vendor's next request; every decision is kept as proof.
    async fn decide_sharing_consent(
        &self,
        ctx: &Context<'_>,
        student_id: ID,
        purpose: String,
        given: bool,
    ) -> ApiResult<SharingConsent> {
        let student = ids::decode_as("Student", &student_id).ok_or(ApiError::NotPermitted)?;
        let server = state(ctx)?;
        let decided =
            consent::decide(&server.db, access(ctx)?, &server.config.policy_dir, student, &purpose, given, Utc::now())
                .await?;
        Ok(decided.into())
    }
}
