//! Restriction of processing (Law 91/2025): once the privacy officer completes a family's
//! `restriction` request, the child's records are kept and processed for the school's own
//! task and legal obligations only — the books go on — until the restriction is lifted.
//! While it stands, no consent counts for the child (so `consented_for` reaches none of the
//! child's records, nor does a share that needs consent), and no vendor's agreement shares
//! anything about the child. [`restricted`] is the sub-select the privacy layer reads for
//! both its SQL conditions and its per-record checks. The family or the privacy officer
//! lifts a restriction ([`lift`]); the processing resumes at the next request.

use super::requests::{COMPLETED, RequestKind};
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use chrono::{DateTime, Utc};
use emis_authz::Action;
use entity::subject_request;
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, ActiveValue::Unchanged, ColumnTrait as _, DatabaseConnection};

/// The restrictions standing, as a sub-select of `column` of their requests (never null).
fn standing(column: subject_request::Column) -> SelectStatement {
    Query::select()
        .column(column)
        .from(subject_request::Entity)
        .and_where(column.is_not_null())
        .and_where(subject_request::Column::Kind.eq(RequestKind::Restriction.as_str()))
        .and_where(subject_request::Column::Status.eq(COMPLETED))
        .and_where(subject_request::Column::LiftedAt.is_null())
        .to_owned()
}

/// The children whose restriction of processing stands, as a sub-select of their ids.
pub fn restricted() -> SelectStatement {
    standing(subject_request::Column::StudentId)
}

/// The staff members whose restriction of processing stands, as a sub-select of their ids.
pub fn restricted_staff() -> SelectStatement {
    standing(subject_request::Column::StaffId)
}

/// The requests that are restrictions standing, as a sub-select of their ids.
pub fn standing_restrictions() -> SelectStatement {
    standing(subject_request::Column::Id)
}

/// Whether `request` is a restriction standing now.
pub fn stands(request: &subject_request::Model) -> bool {
    request.kind == RequestKind::Restriction.as_str() && request.status == COMPLETED && request.lifted_at.is_none()
}

/// Lifts the restriction `id` (the policy's `subject_request`/`write`: the family about their
/// child, the school's privacy officer); processing resumes at the next request. Only a
/// standing restriction can be lifted.
pub async fn lift(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    now: DateTime<Utc>,
) -> Result<subject_request::Model, ApiError> {
    let request = access.reach_mixed(db, &readers::SUBJECT_REQUEST, Action::Write, id).await?;
    if !stands(&request) {
        return Err(ApiError::bad_input(
            "chỉ gỡ được một yêu cầu hạn chế xử lý đang có hiệu lực",
            "only a restriction of processing in force can be lifted",
        ));
    }
    let lifted =
        subject_request::ActiveModel { id: Unchanged(request.id), lifted_at: Set(Some(now)), ..Default::default() };
    Ok(lifted.update(db).await?)
}
