//! Recording a decision on consent: a guardian's (with the answer of a child aged 7 or over
//! given through their app), or the child's own from their account. Each supersedes the same
//! decider's standing one in one transaction, so the proof keeps every decision.

use super::{Asked, BY_CHILD, BY_GUARDIAN, GIVEN, IN_THE_APP, REFUSED, THROUGH_GUARDIAN, WITHDRAWN};
use super::{asked_of, standing, text_version};
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use entity::{sharing_consent, student};
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, ActiveValue::Unchanged, DatabaseConnection};

/// A decision to record: given or not, and, from a guardian, the child's answer given
/// through their app.
#[derive(Debug, Clone, Copy)]
pub struct Decision {
    pub given: bool,
    pub child_agrees: Option<bool>,
}

/// Records the caller's decision on `purpose` for `student`: a guardian's (with the child's
/// answer when given), or the child's own. Each is given, or else refused (never given
/// before) or withdrawn. Refused when nothing asks the purpose for the child. One
/// transaction: each decision standing is superseded and the new one written.
pub async fn decide(
    db: &DatabaseConnection,
    access: &Access,
    student: i64,
    purpose: &str,
    decision: Decision,
    now: DateTime<Utc>,
) -> Result<Asked, ApiError> {
    let child = access.reach(db, &readers::STUDENT, Kind::Consent, Action::Write, student).await?;
    let principal = access.principal();
    let guardian = principal.guardian_id().filter(|_| principal.children.contains(&child.id));
    let by_child = principal.student_id() == Some(child.id);
    if guardian.is_none() && !by_child {
        return Err(ApiError::NotPermitted);
    }
    let code = purpose.trim().to_lowercase();
    let asked = asked_of(db, access, &child).await?;
    let Some(mut asked) = asked.into_iter().find(|asked| asked.purpose.code == code) else {
        return Err(ApiError::bad_input(
            format!("không có gì xin đồng ý cho mục đích {code:?} với học sinh này"),
            format!("nothing asks consent for the purpose {code:?} for this student"),
        ));
    };
    if decision.child_agrees.is_some() && (by_child || !asked.child_asked) {
        return Err(ApiError::bad_input(
            "chỉ cha mẹ của học sinh từ đủ 7 tuổi mới ghi ý kiến của con",
            "only a guardian of a child aged 7 or over gives the child's answer",
        ));
    }
    let version = text_version(&asked.purpose);
    let record = |by: &'static str, given: bool, channel: &'static str| Recorded {
        student: &child,
        purpose: &code,
        by,
        given,
        guardian,
        channel,
        text_version: &version,
        now,
    };
    let txn = crate::db::begin_write(db).await?;
    if by_child {
        asked.child_decision = Some(record(BY_CHILD, decision.given, IN_THE_APP).write(&txn, access).await?);
    } else {
        asked.decision = Some(record(BY_GUARDIAN, decision.given, IN_THE_APP).write(&txn, access).await?);
        if let Some(agrees) = decision.child_agrees {
            asked.child_decision = Some(record(BY_CHILD, agrees, THROUGH_GUARDIAN).write(&txn, access).await?);
        }
    }
    txn.commit().await?;
    Ok(asked)
}

/// One decision about to be written.
struct Recorded<'a> {
    student: &'a student::Model,
    purpose: &'a str,
    by: &'static str,
    given: bool,
    guardian: Option<i64>,
    channel: &'static str,
    text_version: &'a str,
    now: DateTime<Utc>,
}

impl Recorded<'_> {
    /// Supersedes the decision of the same decider standing and writes this one: given, or
    /// withdrawn when the one before gave it, or refused.
    async fn write(
        self,
        txn: &sea_orm::DatabaseTransaction,
        access: &Access,
    ) -> Result<sharing_consent::Model, ApiError> {
        let before = standing(txn, access, self.student.id, self.purpose, self.by).await?;
        let decision = match (&before, self.given) {
            (_, true) => GIVEN,
            (Some(before), false) if before.decision == GIVEN => WITHDRAWN,
            (_, false) => REFUSED,
        };
        if let Some(before) = &before {
            let superseded = sharing_consent::ActiveModel {
                id: Unchanged(before.id),
                superseded_at: Set(Some(self.now)),
                ..Default::default()
            };
            superseded.update(txn).await?;
        }
        let decided = sharing_consent::ActiveModel {
            student_id: Set(self.student.id),
            school_id: Set(self.student.school_id),
            purpose: Set(self.purpose.to_owned()),
            decision: Set(decision.to_owned()),
            guardian_id: Set(self.guardian),
            channel: Set(self.channel.to_owned()),
            text_version: Set(self.text_version.to_owned()),
            decided_at: Set(self.now),
            superseded_at: Set(None),
            decided_by: Set(self.by.to_owned()),
            ..Default::default()
        };
        Ok(decided.insert(txn).await?)
    }
}
