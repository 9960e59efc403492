//! The disclosure log as the API shows it: to a guardian, who was shown their child's
//! records; to a school's privacy officer and principal, the school's log. Read through the
//! policy's `disclosure` kind like every other record. A stored entry lists every student
//! one request was shown; the API shows it as one entry per student, and only for the
//! students the caller may read the log of.

use super::context::{access, state};
use super::ids;
use crate::error::ApiResult;
use crate::privacy::{Shape, Target, inconsistency, shape::col};
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use entity::{disclosure_log, staff};
use sea_orm::sea_query::{Alias, Expr, Func, Query};
use sea_orm::{Condition, DatabaseBackend, EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _};
use std::sync::Arc;

/// What an entry showed of one student: who was shown which field groups, when and why.
pub struct DisclosureEntry {
    entry: Arc<disclosure_log::Model>,
    student: i64,
}

#[Object]
impl DisclosureEntry {
    /// When the data was shown.
    async fn at(&self) -> DateTime<Utc> {
        self.entry.at
    }
    /// The student whose data was shown.
    async fn student_id(&self) -> ID {
        ids::encode("Student", self.student)
    }
    /// staff | guardian | vendor
    async fn actor_kind(&self) -> &str {
        &self.entry.actor_kind
    }
    /// The name of the staff member who was shown the data (null for other kinds).
    async fn actor_name(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        if self.entry.actor_kind != "staff" {
            return Ok(None);
        }
        let name: Option<String> = staff::Entity::find_by_id(self.entry.actor_id)
            .select_only()
            .column(staff::Column::FullName)
            .into_tuple()
            .one(&state(ctx)?.db)
            .await?;
        Ok(name)
    }
    /// Field groups shown, e.g. `result`, `student.identity`, `guardian.contact`.
    async fn fields(&self) -> Vec<&str> {
        self.entry.fields.split(' ').filter(|f| !f.is_empty()).collect()
    }
    /// Why it was shown, as the caller declared it (`X-EMIS-Purpose`; `education` by default).
    async fn purpose(&self) -> &str {
        &self.entry.purpose
    }
}

/// Entries about `student` (newest first, at most `first`) that the caller may read.
pub async fn of_student(ctx: &Context<'_>, student: i64, first: u64) -> ApiResult<Vec<DisclosureEntry>> {
    let backend = state(ctx)?.db.get_database_backend();
    let shape = Shape::Personal {
        student: Expr::val(student),
        school: col(disclosure_log::Entity, disclosure_log::Column::SchoolId),
        section: None,
        class: None,
    };
    let select = disclosure_log::Entity::find()
        .filter(lists(backend, student))
        .order_by_desc(disclosure_log::Column::Id)
        .limit(first.min(200));
    let access = access(ctx)?;
    let rows = select.filter(access.filter(Kind::Disclosure, Action::Read, &shape)).all(&state(ctx)?.db).await?;
    let rows = access.admit(Kind::Disclosure, rows, |row| Target::student(student, row.school_id)).await?;
    Ok(rows.into_iter().map(|entry| DisclosureEntry { entry: Arc::new(entry), student }).collect())
}

/// The newest `first` entries, one per student, that the caller may read: SQL keeps the
/// stored entries listing at least one such student, and each listed student is checked.
pub async fn entries(ctx: &Context<'_>, first: u64) -> ApiResult<Vec<DisclosureEntry>> {
    let access = access(ctx)?;
    let db = &state(ctx)?.db;
    let backend = db.get_database_backend();
    let first = usize::try_from(first.min(200)).unwrap_or(200);
    let (listing, listed) = listed_students(backend);
    let shape = Shape::Personal {
        student: listed,
        school: col(disclosure_log::Entity, disclosure_log::Column::SchoolId),
        section: None,
        class: None,
    };
    let someone_readable = Query::select()
        .expr(Expr::val(1))
        .from_function(listing, Alias::new("listed"))
        .cond_where(access.filter(Kind::Disclosure, Action::Read, &shape))
        .to_owned();
    let rows = disclosure_log::Entity::find()
        .filter(Condition::all().add(Expr::exists(someone_readable)))
        .order_by_desc(disclosure_log::Column::Id)
        .limit(u64::try_from(first).unwrap_or(200))
        .all(db)
        .await?;
    let mut shown = Vec::new();
    for row in rows {
        let entry = Arc::new(row);
        let before = shown.len();
        for student in entry.student_ids() {
            if access.permits(Kind::Disclosure, Action::Read, Target::student(student, entry.school_id)).await? {
                shown.push(DisclosureEntry { entry: Arc::clone(&entry), student });
            }
        }
        if shown.len() == before {
            inconsistency(Kind::Disclosure);
        }
        if shown.len() >= first {
            break;
        }
    }
    shown.truncate(first);
    Ok(shown)
}

/// Entries whose student list holds `student`: on PostgreSQL through the list's GIN index,
/// elsewhere by matching the space-separated text.
fn lists(backend: DatabaseBackend, student: i64) -> Condition {
    let condition = match backend {
        DatabaseBackend::Postgres => Expr::cust_with_values(
            format!("{} @> ARRAY[$1]::bigint[]", migration::DISCLOSURE_STUDENTS_ARRAY),
            [student],
        ),
        _ => Expr::cust_with_values("(' ' || students || ' ') LIKE ?", [format!("% {student} %")]),
    };
    Condition::all().add(condition)
}

/// The stored entry's students as a table named `listed` (for a correlated sub-select), and
/// the expression of one of them.
fn listed_students(backend: DatabaseBackend) -> (sea_orm::sea_query::FunctionCall, Expr) {
    match backend {
        DatabaseBackend::Postgres => (
            Func::cust("unnest").arg(Expr::cust("string_to_array(\"disclosure_log\".\"students\", ' ')::bigint[]")),
            Expr::cust("\"listed\".\"listed\""),
        ),
        _ => (
            Func::cust("json_each").arg(Expr::cust("'[' || replace(\"disclosure_log\".\"students\", ' ', ',') || ']'")),
            Expr::cust("\"listed\".\"value\""),
        ),
    }
}
