//! The SQL floor: the reference's statements ([`crate::baseline::statements`]) run straight
//! on the server's connection pool at the same concurrency — no HTTP, GraphQL, policy or
//! decryption — so a table can show what the database alone costs each request shape.

use crate::baseline::statements::Statements;
use crate::scenarios::Request;
use anyhow::Context as _;
use emis::graphql::ids;
use sea_orm::{ConnectionTrait as _, DatabaseConnection, Statement};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The reference's statement for each of a scenario's requests; `None` for a scenario the
/// reference does not answer. `callers` maps a token to the guardian (a) or the
/// principal's school (d).
pub fn statements(
    scenario: &str,
    requests: &[Request],
    callers: &HashMap<String, i64>,
    reference: &Statements,
) -> anyhow::Result<Option<Vec<Statement>>> {
    let caller = |request: &Request| callers.get(&request.token).copied().context("a known caller");
    let variable = |request: &Request, name: &str| {
        request.body["variables"][name].as_str().map(str::to_owned).with_context(|| format!("variable {name}"))
    };
    let id =
        |request: &Request, kind: &str| ids::decode_as(kind, &variable(request, "id")?).context("an id of the kind");
    let one = |request: &Request| -> anyhow::Result<Statement> {
        Ok(match &scenario[..3] {
            "(a)" => reference.children(caller(request)?),
            "(b)" => reference.grade_sheet(id(request, "Section")?),
            "(c)" => reference.roster(id(request, "Class")?),
            _ => reference.search(caller(request)?, emis::text::fold(&variable(request, "s")?), 50),
        })
    };
    if !["(a)", "(b)", "(c)", "(d)"].contains(&&scenario[..3]) {
        return Ok(None);
    }
    requests.iter().map(one).collect::<anyhow::Result<Vec<_>>>().map(Some)
}

/// Runs `statements` round-robin on `connections` concurrent tasks for `duration`, fetching
/// every row; the latency of each statement.
pub async fn run(
    db: &DatabaseConnection,
    statements: &[Statement],
    connections: usize,
    duration: Duration,
) -> anyhow::Result<(Vec<Duration>, f64)> {
    for statement in statements {
        db.query_all_raw(statement.clone()).await?;
    }
    let deadline = Instant::now() + duration;
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..connections {
        let db = db.clone();
        let statements = statements.to_vec();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut index = worker;
            while Instant::now() < deadline {
                let sent = Instant::now();
                db.query_all_raw(statements[index % statements.len()].clone()).await?;
                latencies.push(sent.elapsed());
                index += connections;
            }
            Ok::<_, anyhow::Error>(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for handle in workers {
        latencies.extend(handle.await.context("worker panicked")??);
    }
    Ok((latencies, started.elapsed().as_secs_f64()))
}
