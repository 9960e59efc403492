//! Prints how long checking one hostile document takes, weighed (`after`) or handed to the
//! schema to validate as before weighing existed (`before`); run under `/usr/bin/time -v`
//! for the peak memory. `cargo run -q -p emis --example weigh -- after fragments 24`, or
//! `before aliases 1000`.

use async_graphql::{Schema, Variables};
use emis::config::Config;
use emis::graphql::cost::Weigher;
use emis::graphql::{mutation::MutationRoot, query::QueryRoot, stream::SubscriptionRoot};
use std::time::Instant;

fn document(shape: &str, size: usize) -> String {
    if shape == "aliases" {
        let one = |i: usize| format!("r{i}: schools {{ classes {{ students {{ fullName identityNumber }} }} }}");
        return format!("{{ {} }}", (0..size).map(one).collect::<Vec<_>>().join(" "));
    }
    let mut query = format!("query {{ ...F{size} }} fragment F0 on QueryRoot {{ a0: __typename }}");
    for level in 1..=size {
        let below = level - 1;
        query.push_str(&format!(" fragment F{level} on QueryRoot {{ ...F{below} a{level}: __typename ...F{below} }}"));
    }
    query
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let [when, shape, size] = arguments.as_slice() else { return eprintln!("weigh before|after fragments|aliases N") };
    let query = document(shape, size.parse().unwrap_or(21));
    let started = Instant::now();
    let outcome = if when == "before" {
        let schema = Schema::build(QueryRoot, MutationRoot::default(), SubscriptionRoot)
            .limit_depth(12)
            .limit_complexity(5000)
            .finish();
        let response = schema.execute(query.as_str()).await;
        response.errors.first().map_or_else(|| "answered".to_owned(), |error| error.message.clone())
    } else {
        let mut config = Config::for_database("sqlite::memory:", std::path::PathBuf::new());
        config.max_complexity = emis::config::DEFAULT_MAX_COMPLEXITY;
        let weigher = Weigher::new(&config);
        let Ok(document) = async_graphql::parser::parse_query(&query) else { return eprintln!("does not parse") };
        match weigher.weigh(&document, &Variables::default()).and_then(|weight| weigher.judge(weight, false)) {
            Ok(()) => "accepted".to_owned(),
            Err(refusal) => refusal.code().to_owned(),
        }
    };
    println!("{when} {shape} {size} ({} bytes): {outcome} in {:?}", query.len(), started.elapsed());
}
