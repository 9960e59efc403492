//! `emis policy explain --as ACCOUNT --student ID`: which relationships hold today between
//! an account and a student, and for each kind of the student's records (or the one asked),
//! which policy line allows it or why nothing does. The relationships are the per-record
//! check's own (`Access::relationships_holding`), the lines the policy's explanation.

use crate::auth::principal::{Account, Principal};
use crate::privacy::{Access, Target};
use chrono::NaiveDate;
use emis_authz::{Action, Kind, Policy};
use entity::{guardian, staff, student};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _};
use std::fmt::Write as _;
use std::sync::Arc;

/// The kinds of a student's records explained when no kind is asked.
const STUDENT_KINDS: &[Kind] = &[
    Kind::Student,
    Kind::StudentIdentity,
    Kind::StudentAddress,
    Kind::StudentHealth,
    Kind::StudentBackground,
    Kind::Guardianship,
    Kind::GuardianContact,
    Kind::Enrollment,
    Kind::Result,
    Kind::Attendance,
    Kind::Conduct,
    Kind::Exemption,
    Kind::LeaveRequest,
];

/// What to explain.
pub struct Question<'a> {
    /// The account's username.
    pub account: &'a str,
    /// The student's exchange identifier (OneRoster `sourcedId`).
    pub student: &'a str,
    pub kind: Option<Kind>,
    pub action: Option<Action>,
}

/// Finds the account signing in as `username`: staff first, then guardians, then students.
async fn account(db: &DatabaseConnection, username: &str) -> anyhow::Result<Option<Account>> {
    if let Some(row) = staff::Entity::find().filter(staff::Column::Username.eq(username)).one(db).await? {
        return Ok(Some(Account::Staff(row.id)));
    }
    if let Some(row) = guardian::Entity::find().filter(guardian::Column::Username.eq(username)).one(db).await? {
        return Ok(Some(Account::Guardian(row.id)));
    }
    let row = student::Entity::find().filter(student::Column::Username.eq(username)).one(db).await?;
    Ok(row.map(|row| Account::Student(row.id)))
}

/// The explanation, as text for the privacy officer.
pub async fn explain(
    db: &DatabaseConnection,
    policy: Arc<Policy>,
    question: &Question<'_>,
    today: NaiveDate,
) -> anyhow::Result<String> {
    let Some(account) = account(db, question.account).await? else {
        anyhow::bail!("không có tài khoản {0:?} / no account {0:?}", question.account);
    };
    let Some(student) =
        student::Entity::find().filter(student::Column::ExternalId.eq(question.student)).one(db).await?
    else {
        anyhow::bail!("không có học sinh {0:?} / no student {0:?}", question.student);
    };
    let mut out = format!(
        "{} → {} ({}), {today}, chính sách / policy {}\n",
        question.account,
        question.student,
        account.kind(),
        policy.version()
    );
    let Some(principal) = Principal::load(db, account, None, today).await? else {
        let _ = writeln!(
            out,
            "tài khoản không hoạt động hôm nay: không được gì / the account may not act today: nothing is allowed"
        );
        return Ok(out);
    };
    let access = Access::new(Arc::new(principal), Arc::clone(&policy), db.clone());
    let target = Target::student(student.id, student.school_id);
    let kinds: Vec<Kind> = question.kind.map_or_else(|| STUDENT_KINDS.to_vec(), |kind| vec![kind]);
    let action = question.action.unwrap_or(Action::Read);
    for kind in kinds {
        let (vi, en) = kind.words();
        let _ = writeln!(out, "\n{kind}, {action} ({vi} / {en})");
        let holding = access.relationships_holding(kind, target).await?;
        if holding.is_empty() {
            let _ =
                writeln!(out, "  không quan hệ nào có hôm nay: không được / no relationship holds today: not allowed");
            continue;
        }
        let mut allowed = false;
        for (role, rel) in holding {
            let why = policy.explain(role, kind, action, rel);
            allowed |= why.allowed;
            let _ = writeln!(out, "  {role}, {rel}: {why}");
        }
        let verdict = if allowed { "ĐƯỢC / ALLOWED" } else { "KHÔNG / NOT ALLOWED" };
        let _ = writeln!(out, "  → {verdict}");
    }
    Ok(out)
}
