//! The request shapes of the benchmark and the users that send them: (a) a guardian's
//! children with this semester's results, (b) a subject teacher's section grade sheet, (c) a
//! homeroom teacher's roster with guardians' phone numbers, (d) a principal's name search
//! with `totalCount`, first page of 50; the school books' (e)–(g) from [`crate::books`]; and
//! the school–family link's (h) and (i) from [`crate::family`].

use anyhow::Context as _;
use emis::graphql::ids;
use emis::state::AppState;
use entity::{guardian, staff, staff_role, teaching_assignment};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The seeded accounts' password.
const PASSWORD: &str = "emis-demo";

/// One prepared request: who sends it and what.
#[derive(Clone)]
pub struct Request {
    pub token: String,
    pub body: Value,
    /// For a request that writes: what it sends next. Such a request is sent by one
    /// connection only.
    pub writes: Option<crate::books::Writes>,
}

/// A named set of requests, sent round-robin.
pub struct Scenario {
    pub name: &'static str,
    pub requests: Vec<Request>,
    /// Whether the reference server without a privacy layer answers it too.
    pub has_baseline: bool,
}

const GUARDIAN: &str = "{ me { children { fullName results { subjectId kind sequence score passed } } } }";
const GRADE_SHEET: &str = "query($id: ID!) { section(id: $id) { subject { name } students { fullName results(sectionId: $id) { kind sequence score passed } } } }";
const ROSTER: &str =
    "query($id: ID!) { class(id: $id) { name students { fullName guardians { fullName relationship phone } } } }";
const SEARCH: &str =
    "query($s: String) { students(search: $s, first: 50) { totalCount nodes { id fullName birthDate } } }";
const NAMES: [&str; 8] = ["nguyen", "tran", "anh", "minh", "thi", "ngoc", "le", "hoang"];

pub async fn token(state: &AppState, username: &str) -> anyhow::Result<String> {
    let tokens = emis::auth::sign_in::sign_in(state, username, PASSWORD, emis::auth::ClientAddress::UNKNOWN)
        .await
        .with_context(|| format!("signing in {username}"))?;
    Ok(tokens.access_token)
}

/// The scenarios, and for the reference server what it needs to know of each token's
/// caller: a guardian's id, a principal's school.
pub struct Prepared {
    pub scenarios: Vec<Scenario>,
    pub callers: HashMap<String, i64>,
}

/// Signs in the users and builds the scenarios.
pub async fn prepare(state: &AppState) -> anyhow::Result<Prepared> {
    let mut callers = HashMap::new();
    let a = guardians(state, &mut callers).await?;
    let b = assignments(state, "subject", GRADE_SHEET, "Section").await?;
    let c = assignments(state, "homeroom", ROSTER, "Class").await?;
    let d = searches(state, &mut callers).await?;
    let (published, reached) = crate::family::notices(state).await?;
    eprintln!("(h) publishes to the largest schools first: {reached} students in the largest");
    let scenarios = vec![
        Scenario { name: "(a) guardian: children + results", requests: a, has_baseline: true },
        Scenario { name: "(b) subject teacher: grade sheet", requests: b, has_baseline: true },
        Scenario { name: "(c) homeroom: roster + guardian phones", requests: c, has_baseline: true },
        Scenario { name: "(d) principal: search + totalCount", requests: d, has_baseline: true },
        Scenario {
            name: "(e) subject teacher: whole-column score entry",
            requests: crate::books::columns(state).await?,
            has_baseline: false,
        },
        Scenario {
            name: "(f) homeroom: class roll call",
            requests: crate::books::roll_calls(state).await?,
            has_baseline: false,
        },
        Scenario {
            name: "(g) homeroom: class summary sheet",
            requests: crate::books::summaries(state).await?,
            has_baseline: false,
        },
        Scenario { name: "(h) principal: notice to the whole school", requests: published, has_baseline: false },
        Scenario {
            name: "(i) guardian: feed (notices, notifications, unread)",
            requests: crate::family::feeds(state).await?,
            has_baseline: false,
        },
    ];
    Ok(Prepared { scenarios, callers })
}

/// Up to 100 active guardians' requests for (a), each signed in; `callers` learns each
/// token's guardian.
async fn guardians(state: &AppState, callers: &mut HashMap<String, i64>) -> anyhow::Result<Vec<Request>> {
    let db = &state.db;
    let guardians: Vec<(i64, Option<String>)> = guardian::Entity::find()
        .select_only()
        .column(guardian::Column::Id)
        .column(guardian::Column::Username)
        .filter(guardian::Column::Username.is_not_null())
        .filter(guardian::Column::Status.eq("active"))
        .limit(100)
        .into_tuple()
        .all(db)
        .await?;
    let mut a = Vec::new();
    for (id, username) in guardians {
        let Some(username) = username else { continue };
        let token = token(state, &username).await?;
        callers.insert(token.clone(), id);
        a.push(Request { token, body: json!({ "query": GUARDIAN }), writes: None });
    }
    Ok(a)
}

/// Every principal's name searches for (d), each signed in; `callers` learns each token's
/// school.
async fn searches(state: &AppState, callers: &mut HashMap<String, i64>) -> anyhow::Result<Vec<Request>> {
    let db = &state.db;
    let principals: Vec<i64> = staff_role::Entity::find()
        .select_only()
        .column(staff_role::Column::StaffId)
        .filter(staff_role::Column::Role.eq("principal"))
        .into_tuple()
        .all(db)
        .await?;
    let mut d = Vec::new();
    for (n, staff_id) in principals.iter().enumerate() {
        let principal = staff::Entity::find_by_id(*staff_id).one(db).await?.context("principal exists")?;
        let token = token(state, &principal.username.context("principal has a username")?).await?;
        callers.insert(token.clone(), principal.school_id);
        for name in NAMES.iter().skip(n % 2).step_by(2) {
            let body = json!({ "query": SEARCH, "variables": { "s": name } });
            d.push(Request { token: token.clone(), body, writes: None });
        }
    }
    Ok(d)
}

async fn username_of(state: &AppState, staff_id: i64) -> anyhow::Result<String> {
    let row = staff::Entity::find_by_id(staff_id).one(&state.db).await?.context("staff exists")?;
    row.username.context("staff has a username")
}

/// Up to 50 active assignments of `kind`, each signed in as its teacher.
async fn assignments(state: &AppState, kind: &str, query: &str, id_kind: &str) -> anyhow::Result<Vec<Request>> {
    let today = emis::clock::today();
    let rows = teaching_assignment::Entity::find()
        .filter(teaching_assignment::Column::Kind.eq(kind))
        .filter(teaching_assignment::Column::StartsOn.lte(today))
        .filter(teaching_assignment::Column::EndsOn.is_null())
        .limit(50)
        .all(&state.db)
        .await?;
    let mut requests = Vec::new();
    for row in rows {
        let target = if kind == "subject" { row.section_id } else { row.class_id };
        let Some(target) = target else { continue };
        let Ok(username) = username_of(state, row.staff_id).await else {
            continue;
        };
        let token = token(state, &username).await?;
        let variables = json!({ "id": ids::encode(id_kind, target) });
        requests.push(Request { token, body: json!({ "query": query, "variables": variables }), writes: None });
    }
    Ok(requests)
}

/// Sends one request; fails on HTTP or GraphQL errors. The body is read in full but not
/// parsed (a GraphQL error always has a top-level `"errors"` member), so the load generator
/// takes little of the machine's CPU.
pub async fn send(client: &reqwest::Client, address: &str, token: &str, body: &Value) -> anyhow::Result<Vec<u8>> {
    let response = client.post(address).bearer_auth(token).json(body).send().await?;
    let status = response.status();
    let body = response.bytes().await?;
    if !status.is_success() || body.windows(9).any(|window| window == b"\"errors\":") {
        anyhow::bail!("request failed: {}", String::from_utf8_lossy(&body));
    }
    Ok(body.to_vec())
}
