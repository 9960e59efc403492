//! Loading the facts a principal is made of in one SQL statement: the account's status, and
//! for staff their roles and teaching assignments, for guardians their children, for students
//! whether an enrollment of theirs is open — all as of one date. One statement per request keeps authentication cheap; it runs on every request,
//! so revocations count at once.

use super::principal::active_on;
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    auth_session, enrollment, guardian, guardianship, section, staff, staff_role, student, teaching_assignment,
};
use sea_orm::sea_query::{
    Alias, CommonTableExpression, Expr, ExprTrait as _, Func, Query, SelectStatement, UnionType, WithClause, WithQuery,
};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseBackend, DbErr, QueryResult, Statement, Value};
use std::sync::{Arc, Mutex};

/// Whose facts to load: a known account, or the account behind a live session.
#[derive(Debug, Clone, Copy)]
pub enum Who {
    /// The account with this id.
    Account(i64),
    /// The account of the live session that [`token_query`] reads once, as the common
    /// table [`ME`], for all the facts it unions.
    Session,
}

/// The common table holding the live session of the token (none when the token is
/// unknown, revoked or expired).
const ME: &str = "me";

impl Who {
    /// `column` names this account, of kind `kind` (`staff`, `guardian` or `student`).
    fn matches(&self, column: impl ColumnTrait, kind: &str) -> Expr {
        match self {
            Self::Account(id) => column.eq(*id),
            Self::Session => column.in_subquery(
                Query::select()
                    .column(auth_session::Column::AccountId)
                    .from(Alias::new(ME))
                    .and_where(Expr::col(auth_session::Column::AccountKind).eq(kind))
                    .to_owned(),
            ),
        }
    }
}

/// Everything a request's principal is made of, from its access token, in one statement:
/// the session, and the facts of whichever account it belongs to — of `kind` only (`staff`,
/// `guardian` or `student`) when the token names its kind, which spares the database the rest.
/// The session is looked up once, as the common table [`ME`] that the facts read.
pub fn token_query(access_hash: &str, now: DateTime<Utc>, today: NaiveDate, kind: Option<&str>) -> WithQuery {
    let live = Query::select()
        .columns([
            auth_session::Column::Id,
            auth_session::Column::AccountKind,
            auth_session::Column::AccountId,
            auth_session::Column::WroteLsn,
        ])
        .from(auth_session::Entity)
        .and_where(auth_session::Column::AccessHash.eq(access_hash))
        .and_where(auth_session::Column::RevokedAt.is_null())
        .and_where(auth_session::Column::AccessExpiresAt.gt(now))
        .to_owned();
    // The session row: `fact = session`, `name` the account kind, `a` the session id, `b`
    // the account id, `c` where its last write ended in the primary's log.
    let mut query = row(
        literal("session"),
        Expr::col(auth_session::Column::AccountKind),
        Expr::col(auth_session::Column::Id),
        Expr::col(auth_session::Column::AccountId),
        Expr::col(auth_session::Column::WroteLsn),
    );
    query.from(Alias::new(ME));
    let wanted = |name: &str| kind.is_none_or(|kind| kind == name);
    if wanted("staff") {
        query.union(UnionType::All, staff_query(Who::Session, today));
    }
    if wanted("guardian") {
        query.union(UnionType::All, guardian_query(Who::Session, today));
    }
    if wanted("student") {
        query.union(UnionType::All, student_query(Who::Session, today));
    }
    let me = CommonTableExpression::new().query(live).table_name(Alias::new(ME)).to_owned();
    query.with(WithClause::new().cte(me).to_owned())
}

/// One row of the fact query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// `status`, `role`, `child`, `enrolled`, a teaching kind (`subject`, `homeroom`), or
    /// `homeroom_section` (a section of a class the staff member is homeroom teacher of).
    pub fact: String,
    /// The status, or the role's name.
    pub name: String,
    /// The organisation (role), the school (assignment), the account (status) or the child.
    pub a: Option<i64>,
    /// The section of a subject assignment.
    pub b: Option<i64>,
    /// The class of an assignment.
    pub c: Option<i64>,
}

fn literal(text: &str) -> Expr {
    Expr::cust(format!("'{text}'"))
}

fn no_id() -> Expr {
    Expr::cust("CAST(NULL AS BIGINT)")
}

/// `SELECT fact, name, a, b, c` with the given expressions.
fn row(fact: Expr, name: Expr, a: Expr, b: Expr, c: Expr) -> SelectStatement {
    Query::select()
        .expr_as(fact, Alias::new("fact"))
        .expr_as(name, Alias::new("name"))
        .expr_as(a, Alias::new("a"))
        .expr_as(b, Alias::new("b"))
        .expr_as(c, Alias::new("c"))
        .to_owned()
}

/// Facts of the staff member `who` names, on `today`.
pub fn staff_query(who: Who, today: NaiveDate) -> SelectStatement {
    let mut status =
        row(literal("status"), Expr::col(staff::Column::Status), Expr::col(staff::Column::Id), no_id(), no_id());
    status.from(staff::Entity).and_where(who.matches(staff::Column::Id, "staff"));
    let mut roles = row(
        literal("role"),
        Expr::col(staff_role::Column::Role),
        Expr::col(staff_role::Column::OrgId),
        no_id(),
        no_id(),
    );
    roles.from(staff_role::Entity).and_where(who.matches(staff_role::Column::StaffId, "staff")).cond_where(active_on(
        staff_role::Column::StartsOn,
        staff_role::Column::EndsOn,
        today,
    ));
    let class = Func::coalesce([
        Expr::col((section::Entity, section::Column::ClassId)),
        Expr::col((teaching_assignment::Entity, teaching_assignment::Column::ClassId)),
    ]);
    let mut assignments = row(
        Expr::col((teaching_assignment::Entity, teaching_assignment::Column::Kind)),
        literal(""),
        Expr::col((teaching_assignment::Entity, teaching_assignment::Column::SchoolId)),
        Expr::col((teaching_assignment::Entity, teaching_assignment::Column::SectionId)),
        Expr::from(class),
    );
    assignments
        .from(teaching_assignment::Entity)
        .left_join(
            section::Entity,
            Expr::col((section::Entity, section::Column::Id))
                .equals((teaching_assignment::Entity, teaching_assignment::Column::SectionId)),
        )
        .and_where(who.matches(teaching_assignment::Column::StaffId, "staff"))
        .cond_where(active_on(teaching_assignment::Column::StartsOn, teaching_assignment::Column::EndsOn, today));
    let mut homeroom_sections = row(
        literal("homeroom_section"),
        literal(""),
        Expr::col((section::Entity, section::Column::SchoolId)),
        Expr::col((section::Entity, section::Column::Id)),
        Expr::col((section::Entity, section::Column::ClassId)),
    );
    homeroom_sections
        .from(section::Entity)
        .inner_join(
            teaching_assignment::Entity,
            Expr::col((teaching_assignment::Entity, teaching_assignment::Column::ClassId))
                .equals((section::Entity, section::Column::ClassId)),
        )
        .and_where(who.matches(teaching_assignment::Column::StaffId, "staff"))
        .and_where(teaching_assignment::Column::Kind.eq("homeroom"))
        .cond_where(active_on(teaching_assignment::Column::StartsOn, teaching_assignment::Column::EndsOn, today));
    status
        .union(UnionType::All, roles)
        .union(UnionType::All, assignments)
        .union(UnionType::All, homeroom_sections)
        .to_owned()
}

/// Facts of the guardian `who` names, on `today`.
pub fn guardian_query(who: Who, today: NaiveDate) -> SelectStatement {
    let mut status =
        row(literal("status"), Expr::col(guardian::Column::Status), Expr::col(guardian::Column::Id), no_id(), no_id());
    status.from(guardian::Entity).and_where(who.matches(guardian::Column::Id, "guardian"));
    let mut children = row(literal("child"), literal(""), Expr::col(guardianship::Column::StudentId), no_id(), no_id());
    children
        .from(guardianship::Entity)
        .and_where(who.matches(guardianship::Column::GuardianId, "guardian"))
        .and_where(guardianship::Column::AccessStatus.eq("active"))
        .cond_where(active_on(guardianship::Column::StartsOn, guardianship::Column::EndsOn, today));
    status.union(UnionType::All, children).to_owned()
}

/// Facts of the student `who` names, on `today`: their status, and one `enrolled` row per
/// enrollment of theirs open today.
pub fn student_query(who: Who, today: NaiveDate) -> SelectStatement {
    let mut status =
        row(literal("status"), Expr::col(student::Column::Status), Expr::col(student::Column::Id), no_id(), no_id());
    status.from(student::Entity).and_where(who.matches(student::Column::Id, "student"));
    let mut enrolled = row(
        literal("enrolled"),
        literal(""),
        Expr::col(enrollment::Column::SchoolId),
        no_id(),
        Expr::col(enrollment::Column::ClassId),
    );
    enrolled
        .from(enrollment::Entity)
        .and_where(who.matches(enrollment::Column::StudentId, "student"))
        .cond_where(active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, today));
    status.union(UnionType::All, enrolled).to_owned()
}

/// Runs a fact query.
pub async fn load(db: &impl ConnectionTrait, query: &SelectStatement) -> Result<Vec<Fact>, DbErr> {
    decode(&db.query_all(query).await?)
}

/// Runs the [`token_query`] for this token, time and date. The statement is the same every
/// time but for those three values, so its text is built once per backend and kind
/// ([`TokenStatement`]) and only the values are bound per request.
pub async fn load_for_token(
    db: &impl ConnectionTrait,
    access_hash: &str,
    now: DateTime<Utc>,
    today: NaiveDate,
    kind: Option<&'static str>,
) -> Result<Vec<Fact>, DbErr> {
    let statement = TokenStatement::cached(db.get_database_backend(), kind).bind(access_hash, now, today);
    decode(&db.query_all_raw(statement).await?)
}

/// Where a value of the token statement comes from.
#[derive(Debug, Clone, PartialEq)]
enum Slot {
    Hash,
    Now,
    Today,
    Fixed(Value),
}

/// The token statement's text for one backend and kind, and what each of its values is.
#[derive(Debug)]
pub struct TokenStatement {
    backend: DatabaseBackend,
    kind: Option<&'static str>,
    sql: String,
    slots: Vec<Slot>,
}

/// Values that no real request binds, marking where the request's own go.
const MARK_HASH: &str = "\u{0}access-hash";
const MARK_NOW: DateTime<Utc> = DateTime::<Utc>::MIN_UTC;
const MARK_TODAY: NaiveDate = NaiveDate::MIN;

impl TokenStatement {
    /// Builds the statement with marker values and notes where each value comes from.
    fn build(backend: DatabaseBackend, kind: Option<&'static str>) -> Self {
        let built = backend.build(&token_query(MARK_HASH, MARK_NOW, MARK_TODAY, kind));
        let (hash, now, today) = (Value::from(MARK_HASH), Value::from(MARK_NOW), Value::from(MARK_TODAY));
        let slots = built
            .values
            .map(|values| values.0)
            .unwrap_or_default()
            .into_iter()
            .map(|value| match value {
                v if v == hash => Slot::Hash,
                v if v == now => Slot::Now,
                v if v == today => Slot::Today,
                v => Slot::Fixed(v),
            })
            .collect();
        Self { backend, kind, sql: built.sql, slots }
    }

    /// The statement for `backend` and `kind`, built on first use.
    fn cached(backend: DatabaseBackend, kind: Option<&'static str>) -> Arc<Self> {
        static BUILT: Mutex<Vec<Arc<TokenStatement>>> = Mutex::new(Vec::new());
        let Ok(mut built) = BUILT.lock() else {
            return Arc::new(Self::build(backend, kind));
        };
        let key = |statement: &TokenStatement| statement.backend == backend && statement.kind == kind;
        if let Some(found) = built.iter().find(|statement| key(statement)) {
            return Arc::clone(found);
        }
        let statement = Arc::new(Self::build(backend, kind));
        built.push(Arc::clone(&statement));
        statement
    }

    /// The statement with this request's values.
    fn bind(&self, access_hash: &str, now: DateTime<Utc>, today: NaiveDate) -> Statement {
        let values = self.slots.iter().map(|slot| match slot {
            Slot::Hash => Value::from(access_hash),
            Slot::Now => Value::from(now),
            Slot::Today => Value::from(today),
            Slot::Fixed(value) => value.clone(),
        });
        Statement::from_sql_and_values(self.backend, self.sql.clone(), values)
    }
}

fn decode(rows: &[QueryResult]) -> Result<Vec<Fact>, DbErr> {
    rows.iter()
        .map(|row| {
            Ok(Fact {
                fact: row.try_get("", "fact")?,
                name: row.try_get("", "name")?,
                a: row.try_get("", "a")?,
                b: row.try_get("", "b")?,
                c: row.try_get("", "c")?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Slot, TokenStatement, token_query};
    use chrono::{NaiveDate, TimeZone as _, Utc};
    use sea_orm::DatabaseBackend;

    #[test]
    fn the_cached_token_statement_binds_exactly_what_a_fresh_build_would() {
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 7, 30, 0).unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let hash = "4ff8d27b1770eeafe0b246f2ca9a6a2595f7fd1dfa4f6bad9dbc9d9f2620b951";
        for backend in [DatabaseBackend::Postgres, DatabaseBackend::Sqlite] {
            for kind in [None, Some("staff"), Some("guardian"), Some("student")] {
                let fresh = backend.build(&token_query(hash, now, today, kind));
                let cached = TokenStatement::cached(backend, kind).bind(hash, now, today);
                assert_eq!(cached.sql, fresh.sql, "{backend:?} {kind:?}");
                assert_eq!(cached.values, fresh.values, "{backend:?} {kind:?}");
                let slots = &TokenStatement::cached(backend, kind).slots;
                assert!([Slot::Hash, Slot::Now, Slot::Today].iter().all(|slot| slots.contains(slot)));
            }
        }
    }
}
