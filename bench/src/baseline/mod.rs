//! The reference server of issue 2's bar, measured beside EMIS in the same run: async-graphql
//! on axum with no privacy layer at all — one hand-written prepared statement per request,
//! no authentication statement (the bearer token is looked up in a map filled by the
//! benchmark), no policy, no disclosure log. It answers the same four documents as EMIS with
//! the same fields, on the same database, so the two can be compared on one machine.
//!
//! It runs on PostgreSQL and SQLite alike, its statements ([`statements`]) sent through
//! sea-orm's raw-statement API. The phone numbers exist only sealed in the data set, so this
//! server opens them with the same vault (≈ 2 µs each); everything else that EMIS does per
//! request is absent.

pub mod statements;

use async_graphql::{ComplexObject, Context, EmptyMutation, EmptySubscription, ID, Object, Schema, SimpleObject};
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use chrono::NaiveDate;
use emis::graphql::ids;
use emis::vault::Vault;
use sea_orm::{ConnectionTrait as _, QueryResult, Statement};
use statements::Statements;
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
    db: sea_orm::DatabaseConnection,
    vault: Arc<Vault>,
    statements: Statements,
    counters: Arc<Counters>,
}

impl Data {
    async fn fetch(&self, statement: Statement) -> async_graphql::Result<Vec<QueryResult>> {
        let started = Instant::now();
        let rows = self.db.query_all_raw(statement).await?;
        self.counters.statements.fetch_add(1, Ordering::Relaxed);
        self.counters.micros.fetch_add(started.elapsed().as_micros() as u64, Ordering::Relaxed);
        Ok(rows)
    }
}

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

/// Column `column` of a row of the reference's statements.
fn get<T: sea_orm::TryGetable>(row: &QueryResult, column: &str) -> async_graphql::Result<T> {
    Ok(row.try_get("", column)?)
}

/// A score of a row of the children's or the grade sheet's statement, if the row has one.
fn score(row: &QueryResult, subject: i64) -> async_graphql::Result<Option<Score>> {
    let Some(kind) = get::<Option<String>>(row, "kind")? else { return Ok(None) };
    Ok(Some(Score {
        subject_id: ids::encode("Subject", subject),
        kind,
        sequence: i32::from(get::<i16>(row, "sequence")?),
        score: get::<Option<i16>>(row, "score_tenths")?.map(|tenths| f64::from(tenths) / 10.0),
        passed: get(row, "passed")?,
    }))
}

struct Query;

#[Object]
impl Query {
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Me> {
        let data = ctx.data::<Data>()?;
        let guardian = ctx.data::<Caller>()?.0;
        let rows = data.fetch(data.statements.children(guardian)).await?;
        let mut children: Vec<(i64, Child)> = Vec::new();
        for row in &rows {
            let id: i64 = get(row, "id")?;
            if children.last().is_none_or(|(last, _)| *last != id) {
                children.push((id, Child { full_name: get(row, "full_name")?, results: Vec::new() }));
            }
            let subject: Option<i64> = get(row, "subject_id")?;
            if let (Some(subject), Some((_, child))) = (subject, children.last_mut()) {
                child.results.extend(score(row, subject)?);
            }
        }
        Ok(Me { children: children.into_iter().map(|(_, child)| child).collect() })
    }

    async fn section(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Section>> {
        let data = ctx.data::<Data>()?;
        let Some(section) = ids::decode_as("Section", &id) else { return Ok(None) };
        let rows = data.fetch(data.statements.grade_sheet(section)).await?;
        let Some(first) = rows.first() else { return Ok(None) };
        let mut students: Vec<(i64, SheetRow)> = Vec::new();
        for row in &rows {
            let id: i64 = get(row, "id")?;
            if students.last().is_none_or(|(last, _)| *last != id) {
                students.push((id, SheetRow { full_name: get(row, "full_name")?, scores: Vec::new() }));
            }
            if let Some((_, student)) = students.last_mut() {
                student.scores.extend(score(row, get(row, "subject_id")?)?);
            }
        }
        Ok(Some(Section {
            subject: SubjectName { name: get(first, "subject")? },
            students: students.into_iter().map(|(_, student)| student).collect(),
        }))
    }

    async fn class(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Class>> {
        let data = ctx.data::<Data>()?;
        let Some(class) = ids::decode_as("Class", &id) else { return Ok(None) };
        let rows = data.fetch(data.statements.roster(class)).await?;
        let Some(first) = rows.first() else { return Ok(None) };
        let sealed: Vec<Option<Vec<u8>>> = rows.iter().map(|row| get(row, "phone_enc")).collect::<Result<_, _>>()?;
        data.vault.preload(&data.db, sealed.iter().flatten().filter_map(|value| Vault::key_id_of(value))).await?;
        let mut students: Vec<(i64, RosterRow)> = Vec::new();
        for (row, phone) in rows.iter().zip(&sealed) {
            let id: i64 = get(row, "id")?;
            if students.last().is_none_or(|(last, _)| *last != id) {
                students.push((id, RosterRow { full_name: get(row, "full_name")?, guardians: Vec::new() }));
            }
            let guardian: Option<i64> = get(row, "guardian_id")?;
            if let (Some(guardian), Some((_, student))) = (guardian, students.last_mut()) {
                student.guardians.push(Guardian {
                    full_name: get(row, "guardian_name")?,
                    relationship: get(row, "relationship")?,
                    phone: phone
                        .as_deref()
                        .and_then(|sealed| data.vault.open_field("guardian", "phone_enc", guardian, sealed)),
                });
            }
        }
        Ok(Some(Class {
            name: get(first, "name")?,
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
        let rows = data.fetch(data.statements.search(school, folded, limit)).await?;
        let mut nodes = Vec::with_capacity(rows.len());
        for row in &rows {
            nodes.push(Found {
                id: ids::encode("Student", get(row, "id")?),
                full_name: get(row, "full_name")?,
                birth_date: get(row, "birth_date")?,
            });
        }
        Ok(Page { total_count: rows.first().map(|row| get(row, "total")).transpose()?.unwrap_or(0), nodes })
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
    let statements = Statements::today(state).await?;
    let counters = Arc::new(Counters::default());
    let data = Data { db: state.db.clone(), vault: state.vault.clone(), statements, counters: counters.clone() };
    let schema = Schema::build(Query, EmptyMutation, EmptySubscription).data(data).finish();
    let server = Arc::new(Server { schema, callers });
    let router = axum::Router::new().route("/graphql", post(graphql)).with_state(server);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}/graphql", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok((address, counters))
}
