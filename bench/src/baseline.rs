//! The reference server of issue 2's bar, measured beside EMIS in the same run: async-graphql
//! on axum with no privacy layer at all — one hand-written prepared statement per request,
//! no authentication statement (the bearer token is looked up in a map filled by the
//! benchmark), no policy, no disclosure log. It answers the same four documents as EMIS with
//! the same fields, on the same database, so the two can be compared on one machine.
//!
//! Only PostgreSQL. The phone numbers exist only sealed in the data set, so this server opens
//! them with the same vault (≈ 2 µs each); everything else that EMIS does per request is
//! absent.

use async_graphql::{ComplexObject, Context, EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use chrono::NaiveDate;
use emis::graphql::ids;
use emis::vault::Vault;
use sea_orm::sqlx::{self, PgPool, Row as _, postgres::PgRow};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// What the server knows of a caller, which it does not authenticate: the guardian's id for
/// `me`, the principal's school for `students`.
#[derive(Clone, Copy)]
struct Caller(i64);

/// Statements run and the microseconds spent in them, like EMIS's `/metrics` counters.
#[derive(Default)]
pub struct Counters {
    statements: AtomicU64,
    micros: AtomicU64,
}

impl Counters {
    pub fn snapshot(&self) -> (u64, u64) {
        (self.statements.load(Ordering::Relaxed), self.micros.load(Ordering::Relaxed))
    }
}

struct Data {
    pool: PgPool,
    /// For the vault's data-key look-up, which runs only when a key is not yet cached.
    db: sea_orm::DatabaseConnection,
    vault: Arc<Vault>,
    today: NaiveDate,
    semester: i64,
    counters: Arc<Counters>,
}

impl Data {
    async fn fetch<'q>(
        &self,
        query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> async_graphql::Result<Vec<PgRow>> {
        let started = Instant::now();
        let rows = query.fetch_all(&self.pool).await?;
        self.counters.statements.fetch_add(1, Ordering::Relaxed);
        self.counters.micros.fetch_add(started.elapsed().as_micros() as u64, Ordering::Relaxed);
        Ok(rows)
    }
}

const CHILDREN: &str = "SELECT s.id, s.full_name, sec.subject_id, a.kind, a.sequence, r.score_tenths, r.passed \
     FROM guardianship g JOIN student s ON s.id = g.student_id \
     LEFT JOIN result r ON r.student_id = s.id AND r.semester_id = $3 \
     LEFT JOIN assessment a ON a.id = r.assessment_id \
     LEFT JOIN section sec ON sec.id = r.section_id \
     WHERE g.guardian_id = $1 AND g.starts_on <= $2 AND (g.ends_on IS NULL OR g.ends_on >= $2) \
     ORDER BY s.id";
const GRADE_SHEET: &str = "SELECT subj.name AS subject, sec.subject_id, st.id, st.full_name, a.kind, a.sequence, r.score_tenths, r.passed \
     FROM section sec JOIN subject subj ON subj.id = sec.subject_id \
     JOIN enrollment e ON e.class_id = sec.class_id AND e.starts_on <= $2 AND (e.ends_on IS NULL OR e.ends_on >= $2) \
     JOIN student st ON st.id = e.student_id \
     LEFT JOIN result r ON r.student_id = st.id AND r.section_id = sec.id AND r.semester_id = $3 \
     LEFT JOIN assessment a ON a.id = r.assessment_id \
     WHERE sec.id = $1 ORDER BY st.sort_name, st.id";
const ROSTER: &str = "SELECT c.name, st.id, st.full_name, gd.id AS guardian_id, gd.full_name AS guardian_name, \
     g.relationship, gd.phone_enc \
     FROM homeroom_class c \
     JOIN enrollment e ON e.class_id = c.id AND e.starts_on <= $2 AND (e.ends_on IS NULL OR e.ends_on >= $2) \
     JOIN student st ON st.id = e.student_id \
     LEFT JOIN guardianship g ON g.student_id = st.id AND g.starts_on <= $2 AND (g.ends_on IS NULL OR g.ends_on >= $2) \
     LEFT JOIN guardian gd ON gd.id = g.guardian_id \
     WHERE c.id = $1 ORDER BY st.sort_name, st.id";
const SEARCH: &str = "SELECT id, full_name, birth_date, COUNT(*) OVER () AS total FROM student \
     WHERE school_id = $1 AND strpos(search_name, $2) > 0 ORDER BY sort_name, id LIMIT $3";

#[derive(SimpleObject, Clone)]
struct Score {
    subject_id: ID,
    kind: String,
    sequence: i32,
    score: Option<f64>,
    passed: Option<bool>,
}

#[derive(SimpleObject)]
struct Me {
    children: Vec<Child>,
}

#[derive(SimpleObject)]
struct Child {
    full_name: String,
    results: Vec<Score>,
}

#[derive(SimpleObject)]
struct SubjectName {
    name: String,
}

#[derive(SimpleObject)]
struct Section {
    subject: SubjectName,
    students: Vec<SheetRow>,
}

#[derive(SimpleObject)]
#[graphql(complex)]
struct SheetRow {
    full_name: String,
    #[graphql(skip)]
    scores: Vec<Score>,
}

#[ComplexObject]
impl SheetRow {
    async fn results(&self, #[graphql(name = "sectionId")] _section: Option<ID>) -> &Vec<Score> {
        &self.scores
    }
}

#[derive(SimpleObject)]
struct Class {
    name: String,
    students: Vec<RosterRow>,
}

#[derive(SimpleObject)]
struct RosterRow {
    full_name: String,
    guardians: Vec<Guardian>,
}

#[derive(SimpleObject)]
struct Guardian {
    full_name: String,
    relationship: String,
    phone: Option<String>,
}

#[derive(SimpleObject)]
struct Page {
    total_count: i64,
    nodes: Vec<Found>,
}

#[derive(SimpleObject)]
struct Found {
    id: ID,
    full_name: String,
    birth_date: Option<NaiveDate>,
}

/// A score of a row of `CHILDREN` or `GRADE_SHEET`, if the row has one.
fn score(row: &PgRow, subject: i64) -> Option<Score> {
    let kind: Option<String> = row.get("kind");
    Some(Score {
        subject_id: ids::encode("Subject", subject),
        kind: kind?,
        sequence: i32::from(row.get::<i16, _>("sequence")),
        score: row.get::<Option<i16>, _>("score_tenths").map(|tenths| f64::from(tenths) / 10.0),
        passed: row.get("passed"),
    })
}

struct Query;

#[Object]
impl Query {
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Me> {
        let data = ctx.data::<Data>()?;
        let guardian = ctx.data::<Caller>()?.0;
        let rows = data.fetch(sqlx::query(CHILDREN).bind(guardian).bind(data.today).bind(data.semester)).await?;
        let mut children: Vec<(i64, Child)> = Vec::new();
        for row in &rows {
            let id: i64 = row.get("id");
            if children.last().is_none_or(|(last, _)| *last != id) {
                children.push((id, Child { full_name: row.get("full_name"), results: Vec::new() }));
            }
            let subject: Option<i64> = row.get("subject_id");
            if let (Some(subject), Some((_, child))) = (subject, children.last_mut()) {
                child.results.extend(score(row, subject));
            }
        }
        Ok(Me { children: children.into_iter().map(|(_, child)| child).collect() })
    }

    async fn section(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Section>> {
        let data = ctx.data::<Data>()?;
        let Some(section) = ids::decode_as("Section", &id) else { return Ok(None) };
        let rows = data.fetch(sqlx::query(GRADE_SHEET).bind(section).bind(data.today).bind(data.semester)).await?;
        let Some(first) = rows.first() else { return Ok(None) };
        let mut students: Vec<(i64, SheetRow)> = Vec::new();
        for row in &rows {
            let id: i64 = row.get("id");
            if students.last().is_none_or(|(last, _)| *last != id) {
                students.push((id, SheetRow { full_name: row.get("full_name"), scores: Vec::new() }));
            }
            if let Some((_, student)) = students.last_mut() {
                student.scores.extend(score(row, row.get("subject_id")));
            }
        }
        Ok(Some(Section {
            subject: SubjectName { name: first.get("subject") },
            students: students.into_iter().map(|(_, student)| student).collect(),
        }))
    }

    async fn class(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Class>> {
        let data = ctx.data::<Data>()?;
        let Some(class) = ids::decode_as("Class", &id) else { return Ok(None) };
        let rows = data.fetch(sqlx::query(ROSTER).bind(class).bind(data.today)).await?;
        let Some(first) = rows.first() else { return Ok(None) };
        let sealed: Vec<&[u8]> = rows.iter().filter_map(|row| row.get::<Option<&[u8]>, _>("phone_enc")).collect();
        data.vault.preload(&data.db, sealed.iter().filter_map(|value| Vault::key_id_of(value))).await?;
        let mut students: Vec<(i64, RosterRow)> = Vec::new();
        for row in &rows {
            let id: i64 = row.get("id");
            if students.last().is_none_or(|(last, _)| *last != id) {
                students.push((id, RosterRow { full_name: row.get("full_name"), guardians: Vec::new() }));
            }
            let guardian: Option<i64> = row.get("guardian_id");
            if let (Some(guardian), Some((_, student))) = (guardian, students.last_mut()) {
                let phone: Option<&[u8]> = row.get("phone_enc");
                student.guardians.push(Guardian {
                    full_name: row.get("guardian_name"),
                    relationship: row.get("relationship"),
                    phone: phone.and_then(|sealed| data.vault.open_field("guardian", "phone_enc", guardian, sealed)),
                });
            }
        }
        Ok(Some(Class {
            name: first.get("name"),
            students: students.into_iter().map(|(_, student)| student).collect(),
        }))
    }

    async fn students(
        &self,
        ctx: &Context<'_>,
        search: Option<String>,
        first: Option<i32>,
    ) -> async_graphql::Result<Page> {
        let data = ctx.data::<Data>()?;
        let school = ctx.data::<Caller>()?.0;
        let folded = emis::text::fold(search.as_deref().unwrap_or_default());
        let limit = i64::from(first.unwrap_or(50).clamp(1, 100));
        let rows = data.fetch(sqlx::query(SEARCH).bind(school).bind(folded).bind(limit)).await?;
        Ok(Page {
            total_count: rows.first().map_or(0, |row| row.get("total")),
            nodes: rows
                .iter()
                .map(|row| Found {
                    id: ids::encode("Student", row.get("id")),
                    full_name: row.get("full_name"),
                    birth_date: row.get("birth_date"),
                })
                .collect(),
        })
    }
}

struct Server {
    schema: Schema<Query, EmptyMutation, EmptySubscription>,
    callers: HashMap<String, i64>,
}

async fn graphql(State(server): State<Arc<Server>>, headers: HeaderMap, request: GraphQLRequest) -> GraphQLResponse {
    let caller = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .and_then(|token| server.callers.get(token).copied());
    let mut request = request.into_inner();
    if let Some(caller) = caller {
        request = request.data(Caller(caller));
    }
    server.schema.execute(request).await.into()
}

/// Starts the reference server on a loopback port; returns its `/graphql` address and its
/// statement counters. `callers` maps each benchmark token to what the server needs of it.
pub async fn start(
    state: &emis::state::AppState,
    callers: HashMap<String, i64>,
) -> anyhow::Result<(String, Arc<Counters>)> {
    anyhow::ensure!(
        state.db.get_database_backend() == sea_orm::DatabaseBackend::Postgres,
        "the reference server runs on PostgreSQL only"
    );
    let pool = state.db.get_postgres_connection_pool().clone();
    let today = emis::clock::today();
    let semester: i64 = sqlx::query_scalar("SELECT id FROM semester WHERE starts_on <= $1 AND ends_on >= $1")
        .bind(today)
        .fetch_one(&pool)
        .await?;
    let counters = Arc::new(Counters::default());
    let data =
        Data { pool, db: state.db.clone(), vault: state.vault.clone(), today, semester, counters: counters.clone() };
    let schema = Schema::build(Query, EmptyMutation, EmptySubscription).data(data).finish();
    let server = Arc::new(Server { schema, callers });
    let router = axum::Router::new().route("/graphql", post(graphql)).with_state(server);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}/graphql", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok((address, counters))
}
