//! The disclosure log, read as the policy's `disclosure` kind. A stored entry lists every
//! student one request was shown; it is read as one record about each listed student, on
//! the entry's school. The SQL keeps the entries listing at least one student the caller
//! may read the log of (or, read about one student, the entries listing that student under
//! that student's condition); then each listed student is checked, and an entry leaves
//! only as the [`Shown`] parts the check permits. The name of the staff member an entry was
//! shown to is read only through a [`Shown`] part.
//!
//! [`super::readers::DISCLOSURE`] registers the read for the agreement test: the entries
//! the SQL keeps are those with a listed student the per-record check permits.

use super::Access;
use super::shape::{Shape, Target, col};
use super::visible::{Registered, Selected};
use emis_authz::{Action, Kind};
use entity::{disclosure_log, staff, vendor_client};
use futures::future::BoxFuture;
use sea_orm::sea_query::{Alias, Expr, Func, FunctionCall, LikeExpr, Query};
use sea_orm::{
    ColumnTrait as _, Condition, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use std::collections::BTreeSet;
use std::sync::Arc;

/// What one entry of the log showed of one student the caller may read the log of.
pub struct Shown {
    entry: Arc<disclosure_log::Model>,
    student: i64,
}

impl Shown {
    /// The student this part is about (never the entry's other students).
    pub fn student(&self) -> i64 {
        self.student
    }

    /// The school of the entry (the student's when they were shown).
    pub fn school(&self) -> i64 {
        self.entry.school_id
    }

    /// When the data was shown.
    pub fn at(&self) -> chrono::DateTime<chrono::Utc> {
        self.entry.at
    }

    /// Who was shown it: `staff`, `guardian` or `vendor`.
    pub fn actor_kind(&self) -> &str {
        &self.entry.actor_kind
    }

    /// The field groups shown, e.g. `result`, `student.identity`.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.entry.fields.split(' ').filter(|field| !field.is_empty())
    }

    /// Why it was shown, as the caller declared it.
    pub fn purpose(&self) -> &str {
        &self.entry.purpose
    }

    /// The name of the staff member or the vendor's client the entry was shown to: part of
    /// the entry (null when it was shown to someone else, or they are gone).
    pub async fn recipient_name(&self, db: &impl ConnectionTrait) -> Result<Option<String>, DbErr> {
        match self.entry.actor_kind.as_str() {
            "staff" => {
                staff::Entity::find_by_id(self.entry.actor_id)
                    .select_only()
                    .column(staff::Column::FullName)
                    .into_tuple()
                    .one(db)
                    .await
            }
            "vendor" => {
                vendor_client::Entity::find_by_id(self.entry.actor_id)
                    .select_only()
                    .column(vendor_client::Column::Name)
                    .into_tuple()
                    .one(db)
                    .await
            }
            _ => Ok(None),
        }
    }
}

/// The disclosure log's read, registered for the agreement test as
/// [`super::readers::DISCLOSURE`].
pub struct DisclosureLog;

/// The escape character of the purpose patterns.
const BACKSLASH: char = '\\';

/// What a privacy officer narrows the log to: one reader (`staff`, `guardian` or `vendor`
/// and the id), a purpose (a declared one, or a vendor's agreements' code), a time window.
/// They are facts of the entries themselves, each shown whole to whoever may read them, so
/// narrowing by them tests nothing the caller may not read.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    pub reader: Option<(String, i64)>,
    pub purpose: Option<String>,
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub to: Option<chrono::DateTime<chrono::Utc>>,
}

impl LogQuery {
    fn condition(&self) -> Condition {
        use disclosure_log::Column as C;
        let mut condition = Condition::all();
        if let Some((kind, id)) = &self.reader {
            condition = condition.add(C::ActorKind.eq(kind.as_str())).add(C::ActorId.eq(*id));
        }
        if let Some(purpose) = &self.purpose {
            // A vendor's entry names each agreement's purpose as `code#agreement`.
            let escaped = purpose.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            condition = condition.add(
                Condition::any()
                    .add(C::Purpose.eq(purpose.as_str()))
                    .add(C::Purpose.like(LikeExpr::new(format!("{escaped}#%")).escape(BACKSLASH)))
                    .add(C::Purpose.like(LikeExpr::new(format!("% {escaped}#%")).escape(BACKSLASH))),
            );
        }
        if let Some(from) = self.from {
            condition = condition.add(C::At.gte(from));
        }
        if let Some(to) = self.to {
            condition = condition.add(C::At.lt(to));
        }
        condition
    }
}

impl Access {
    /// The entries about `student` (newest first, at most `first`) the caller may read,
    /// each checked as a record about that student on its school.
    pub async fn disclosures_about(
        &self,
        db: &impl ConnectionTrait,
        student: i64,
        query: &LogQuery,
        first: u64,
    ) -> Result<Vec<Shown>, DbErr> {
        let shape = Shape::Personal {
            student: Expr::val(student),
            school: col(disclosure_log::Entity, disclosure_log::Column::SchoolId),
            section: None,
            class: None,
        };
        let rows = disclosure_log::Entity::find()
            .filter(lists(db.get_database_backend(), student))
            .filter(self.filter(Kind::Disclosure, Action::Read, &shape))
            .filter(query.condition())
            .order_by_desc(disclosure_log::Column::Id)
            .limit(first)
            .all(db)
            .await?;
        let rows = self.admit(Kind::Disclosure, rows, |row| Target::student(student, row.school_id)).await?;
        Ok(rows.into_iter().map(|entry| Shown { entry: Arc::new(entry), student }).collect())
    }

    /// The newest `first` parts, one per entry and listed student, the caller may read: the
    /// SQL keeps the entries listing at least one such student, and each listed student is
    /// checked; an entry with none permitted is an inconsistency.
    pub async fn disclosures(
        &self,
        db: &impl ConnectionTrait,
        query: &LogQuery,
        first: usize,
    ) -> Result<Vec<Shown>, DbErr> {
        let rows = disclosure_log::Entity::find()
            .filter(self.someone_readable(db.get_database_backend()))
            .filter(query.condition())
            .order_by_desc(disclosure_log::Column::Id)
            .limit(u64::try_from(first).unwrap_or(u64::MAX))
            .all(db)
            .await?;
        let mut shown = Vec::new();
        for row in rows {
            let entry = Arc::new(row);
            let readable = self.readable_students(&entry).await?;
            if readable.is_empty() {
                super::inconsistency(Kind::Disclosure);
            }
            shown.extend(readable.into_iter().map(|student| Shown { entry: Arc::clone(&entry), student }));
            if shown.len() >= first {
                break;
            }
        }
        shown.truncate(first);
        Ok(shown)
    }

    /// The condition keeping the entries that list a student the caller may read the log of.
    fn someone_readable(&self, backend: DatabaseBackend) -> Condition {
        let (listing, listed) = listed_students(backend);
        let shape = Shape::Personal {
            student: listed,
            school: col(disclosure_log::Entity, disclosure_log::Column::SchoolId),
            section: None,
            class: None,
        };
        let someone = Query::select()
            .expr(Expr::val(1))
            .from_function(listing, Alias::new("listed"))
            .cond_where(self.filter(Kind::Disclosure, Action::Read, &shape))
            .to_owned();
        Condition::all().add(Expr::exists(someone))
    }

    /// The students `entry` lists whom the per-record check lets the caller read the log of.
    async fn readable_students(&self, entry: &disclosure_log::Model) -> Result<Vec<i64>, DbErr> {
        let mut readable = Vec::new();
        for student in entry.student_ids() {
            if self.permits(Kind::Disclosure, Action::Read, Target::student(student, entry.school_id)).await? {
                readable.push(student);
            }
        }
        Ok(readable)
    }
}

/// Entries whose student list holds `student`: on PostgreSQL through the list's GIN index,
/// elsewhere by matching the space-separated text.
fn lists(backend: DatabaseBackend, student: i64) -> Condition {
    let condition = match backend {
        // The id is a number, written into the statement as one: sea-query reads `[…]` in a
        // custom expression as a quoted name, so a placeholder inside `ARRAY[…]` would stay
        // `$1` and take the statement's first value, whatever that is.
        DatabaseBackend::Postgres => {
            Expr::cust(format!("{} @> ARRAY[{student}]::bigint[]", migration::DISCLOSURE_STUDENTS_ARRAY))
        }
        _ => Expr::cust_with_values("(' ' || students || ' ') LIKE ?", [format!("% {student} %")]),
    };
    Condition::all().add(condition)
}

/// The stored entry's students as a table named `listed` (for a correlated sub-select), and
/// the expression of one of them.
fn listed_students(backend: DatabaseBackend) -> (FunctionCall, Expr) {
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

impl Registered for DisclosureLog {
    fn name(&self) -> &'static str {
        "disclosure"
    }

    fn kinds(&self) -> Vec<Kind> {
        vec![Kind::Disclosure]
    }

    /// The log is only ever read.
    fn actions(&self) -> &'static [Action] {
        &[Action::Read]
    }

    /// Compares entries: those the SQL keeps, and those listing a student the check permits.
    fn compare<'a>(
        &'a self,
        access: &'a Access,
        db: &'a DatabaseConnection,
        _kind: Kind,
        _action: Action,
    ) -> BoxFuture<'a, Result<Selected, DbErr>> {
        Box::pin(async move {
            let by_sql = disclosure_log::Entity::find()
                .filter(access.someone_readable(db.get_database_backend()))
                .all(db)
                .await?;
            let by_sql = by_sql.iter().map(|row| row.id).collect();
            let mut by_check = BTreeSet::new();
            for row in disclosure_log::Entity::find().all(db).await? {
                if !access.readable_students(&row).await?.is_empty() {
                    by_check.insert(row.id);
                }
            }
            Ok((by_sql, by_check))
        })
    }
}
