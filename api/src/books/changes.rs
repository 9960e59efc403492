//! Changes to a locked book. A teacher's change to a locked section is kept as a request,
//! with its reason and the version of the result it was made against; the principal (the
//! policy's `result`/`approve`) approves it — the result is changed, if it is still at that
//! version, and the change enters the history with its reason and approver — or rejects it,
//! changing nothing. A request is decided once. The homeroom teacher's conduct changes and
//! the roll calls corrected in a locked semester are requests too (`conduct::record`,
//! `roll_call::record`), approved through `conduct`/`approve` and `attendance`/`approve`.

use super::scores::{Applied, MAX_COMMENT, Mark, Provenance, apply, keep, stored};
use crate::auth::principal::Account;
use crate::error::{ApiError, RecordKind, RecordRef};
use crate::privacy::{Access, Target, readers};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use entity::{ConductLevel, assessment, change_request, homeroom_class, section};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _};

/// The status of a request waiting for a decision.
pub const PENDING: &str = "pending";
pub const APPROVED: &str = "approved";
pub const REJECTED: &str = "rejected";

/// One student's new value, asked for at the version the client read.
pub struct Proposal {
    pub student: i64,
    pub mark: Mark,
    pub expected: Option<i32>,
}

/// A reason as given: trimmed, `None` when empty; refused when too long.
pub fn reason(reason: Option<&str>) -> Result<Option<String>, ApiError> {
    let reason = reason.map(str::trim).filter(|reason| !reason.is_empty());
    if reason.is_some_and(|reason| reason.chars().count() > MAX_COMMENT) {
        return Err(ApiError::bad_input(
            format!("lý do dài quá {MAX_COMMENT} ký tự"),
            format!("the reason is longer than {MAX_COMMENT} characters"),
        ));
    }
    Ok(reason.map(str::to_owned))
}

/// What a request concerns: the kind of record, its student, school, section or class, and
/// the semester it falls in.
#[derive(Clone, Copy)]
pub(crate) struct Concerning {
    pub kind: &'static str,
    pub school: i64,
    pub student: i64,
    pub section: Option<i64>,
    pub class: Option<i64>,
    pub semester: i64,
}

/// A pending request about `about`, from the value shown as `old_value` to `new_value`, asked
/// for by the staff member of `provenance` with its reason; the caller adds what its kind
/// needs to apply it.
pub(crate) fn pending(
    about: Concerning,
    old_value: Option<String>,
    new_value: String,
    provenance: &Provenance,
) -> Result<change_request::ActiveModel, ApiError> {
    let Account::Staff(requester) = provenance.changed_by else { return Err(ApiError::NotPermitted) };
    Ok(change_request::ActiveModel {
        school_id: Set(about.school),
        student_id: Set(about.student),
        kind: Set(about.kind.to_owned()),
        section_id: Set(about.section),
        class_id: Set(about.class),
        semester_id: Set(about.semester),
        old_value: Set(old_value),
        new_value: Set(new_value),
        reason: Set(provenance.reason.clone().unwrap_or_default()),
        status: Set(PENDING.to_owned()),
        requested_by_id: Set(requester),
        requested_at: Set(provenance.now),
        ..Default::default()
    })
}

/// Stores a pending request for each proposal that differs from the stored result, all or
/// none: a proposal made against an older version than the stored one refuses the call.
pub async fn request(
    db: &DatabaseConnection,
    access: &Access,
    column: &assessment::Model,
    section: &section::Model,
    proposals: &[Proposal],
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, ApiError> {
    let account = access.principal().account.ok_or(ApiError::Unauthenticated)?;
    let provenance = Provenance { changed_by: account, approved_by: None, reason: Some(reason.to_owned()), now };
    let txn = crate::db::begin_write(db).await?;
    let students = proposals.iter().map(|proposal| proposal.student);
    let stored = stored(&txn, access, Action::Write, column.id, students).await?;
    let mut conflicts = Vec::new();
    let mut requests = Vec::new();
    for proposal in proposals {
        let old = stored.get(&proposal.student);
        if old.map(|old| old.version) != proposal.expected {
            conflicts.push(RecordRef::student(proposal.student));
            continue;
        }
        let old_mark = old.map(Mark::of);
        if old_mark.as_ref() == Some(&proposal.mark) {
            continue;
        }
        let about = Concerning {
            kind: "result",
            school: section.school_id,
            student: proposal.student,
            section: Some(section.id),
            class: Some(section.class_id),
            semester: column.semester_id,
        };
        let mut row = pending(about, old_mark.map(|mark| mark.shown()), proposal.mark.shown(), &provenance)?;
        row.assessment_id = Set(Some(column.id));
        row.expected_version = Set(proposal.expected);
        row.score_tenths = Set(proposal.mark.score_tenths);
        row.passed = Set(proposal.mark.passed);
        row.comment = Set(proposal.mark.comment.clone());
        requests.push(change_request::Entity::insert(row).exec(&txn).await?.last_insert_id);
    }
    if !conflicts.is_empty() {
        txn.rollback().await?;
        return Err(ApiError::Conflict { records: conflicts });
    }
    txn.commit().await?;
    Ok(requests)
}

/// Applies an approved conduct request at the version it was asked against; `false` when the
/// level changed meanwhile.
async fn apply_conduct(
    txn: &sea_orm::DatabaseTransaction,
    access: &Access,
    request: &change_request::Model,
    provenance: &Provenance,
) -> Result<bool, ApiError> {
    let class = match request.class_id {
        Some(class) => homeroom_class::Entity::find_by_id(class).one(txn).await?,
        None => None,
    };
    let level = request.level.as_deref().and_then(|level| level.parse::<ConductLevel>().ok());
    let (Some(class), Some(level)) = (class, level) else { return Err(ApiError::Internal) };
    let stored =
        super::conduct::stored(txn, access, Action::Approve, request.semester_id, [request.student_id]).await?;
    let old = stored.get(&request.student_id);
    if old.map(|old| old.version) != request.expected_version {
        return Ok(false);
    }
    let comment = request.comment.as_deref();
    super::conduct::apply(txn, &class, request.semester_id, request.student_id, old, level, comment, provenance).await
}

/// Applies an approved score request at the version it was asked against; `false` when the
/// result changed meanwhile.
async fn apply_result(
    txn: &sea_orm::DatabaseTransaction,
    access: &Access,
    request: &change_request::Model,
    provenance: &Provenance,
) -> Result<bool, ApiError> {
    let column = match request.assessment_id {
        Some(column) => assessment::Entity::find_by_id(column).one(txn).await?,
        None => None,
    };
    let section = match request.section_id {
        Some(section) => section::Entity::find_by_id(section).one(txn).await?,
        None => None,
    };
    let (Some(column), Some(section)) = (column, section) else { return Err(ApiError::Internal) };
    let mark = Mark {
        score_tenths: request.score_tenths,
        passed: request.passed,
        no_make_up: false,
        exempt: false,
        comment: request.comment.clone(),
    };
    let old = stored(txn, access, Action::Approve, column.id, [request.student_id]).await?;
    let old = old.get(&request.student_id);
    match apply(txn, &column, &section, request.student_id, old, &mark, request.expected_version, provenance).await? {
        Applied::Changed(change) => keep(txn, vec![*change]).await?,
        Applied::Unchanged => {}
        Applied::Conflict | Applied::Raced => return Ok(false),
    }
    Ok(true)
}

/// The record a request concerns, for checks.
pub fn target(row: &change_request::Model) -> Target {
    Target::Personal { student: row.student_id, school: row.school_id, section: row.section_id, class: row.class_id }
}

/// Approves (and applies) or rejects request `id`, with an optional note.
pub async fn decide(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    approve: bool,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<change_request::Model, ApiError> {
    let decider = super::locks::staff_account(access)?;
    let request = access.reach_mixed(db, &readers::CHANGE_DECISION, Action::Approve, id).await?;
    let kind = match request.kind.as_str() {
        super::conduct::KIND => Kind::Conduct,
        super::roll_call::KIND => Kind::Attendance,
        _ => Kind::Result,
    };
    if request.status != PENDING {
        return Err(ApiError::bad_input("yêu cầu đã được quyết định", "the request has already been decided"));
    }
    let note = reason(note)?;
    let txn = crate::db::begin_write(db).await?;
    let provenance = Provenance {
        changed_by: Account::Staff(request.requested_by_id),
        approved_by: Some(decider),
        reason: Some(request.reason.clone()),
        now,
    };
    if approve {
        let applied = match kind {
            Kind::Conduct => apply_conduct(&txn, access, &request, &provenance).await?,
            Kind::Attendance => super::roll_call::apply_request(&txn, access, &request, &provenance).await?,
            _ => apply_result(&txn, access, &request, &provenance).await?,
        };
        if !applied {
            txn.rollback().await?;
            return Err(ApiError::Conflict { records: vec![RecordRef::student(request.student_id)] });
        }
    }
    let decided = change_request::Entity::update_many()
        .col_expr(change_request::Column::Status, Expr::value(if approve { APPROVED } else { REJECTED }))
        .col_expr(change_request::Column::DecidedById, Expr::value(decider))
        .col_expr(change_request::Column::DecidedAt, Expr::value(now))
        .col_expr(change_request::Column::DecisionNote, Expr::value(note))
        .filter(change_request::Column::Id.eq(id))
        .filter(change_request::Column::Status.eq(PENDING))
        .exec(&txn)
        .await?;
    if decided.rows_affected != 1 {
        // Decided meanwhile by someone else.
        txn.rollback().await?;
        return Err(ApiError::Conflict { records: vec![RecordRef::Row { kind: RecordKind::ChangeRequest, id }] });
    }
    txn.commit().await?;
    // Read again as decided, through the same policy that let the caller decide it.
    access.reach_mixed(db, &readers::CHANGE_DECISION, Action::Approve, id).await.map_err(|error| match error {
        ApiError::NotPermitted => ApiError::Internal,
        other => other,
    })
}
