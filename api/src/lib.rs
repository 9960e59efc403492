//! EMIS: the GraphQL API of a school information system whose every answer obeys a casbin
//! privacy policy.
//!
//! The library holds everything; the `emis` binary only parses the command line and calls in.
//! Map of the crate:
//! - [`config`]: the one typed configuration, from flags and environment.
//! - [`startup`]: builds the [`state::AppState`] and the HTTP [`startup::Application`].
//! - [`db`]: database connection, pool settings and migrations.
//! - [`vault`]: sealing and opening of sensitive fields with age-wrapped data keys.
//! - [`auth`]: passwords, sessions, sign-in throttling and the per-request [`auth::Principal`].
//! - [`privacy`]: the one privacy layer: policy compiled into SQL conditions, and the
//!   per-record and per-field checks with the casbin enforcer.
//! - [`disclosure`]: the append-only, hash-chained log of who was shown which records.
//! - [`reference`]: subjects and semesters, cached briefly per process.
//! - [`graphql`]: the schema (independent of HTTP), its types, loaders and resolvers.
//! - [`outbox`]: messages to people (codes, absence notices), queued and sent with retries.
//! - [`family`]: the school–family link: notices and what families read of them.
//! - [`attachments`]: files attached to notices: checked, stored, opened through their item.
//! - [`sharing`]: vendors' clients and the sharing agreements that say what each may reach.
//! - [`http`]: the axum router: `/graphql`, health checks, metrics.
//! - [`graphiql`]: the GraphiQL page with its assets embedded (works offline).
//! - [`seed`]: deterministic demo data.
//! - [`cli`]: the command line.
//! - [`clock`]: the date in Vietnam that effective dates are judged on.
#![cfg_attr(not(test), warn(clippy::unwrap_used, clippy::expect_used))]

pub mod accounts;
pub mod attachments;
pub mod auth;
pub mod books;
pub mod breaches;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod disclosure;
pub mod error;
pub mod exchange;
pub mod exports;
pub mod family;
pub mod graphiql;
pub mod graphql;
pub mod http;
pub mod keys;
pub mod outbox;
pub mod periodic;
pub mod person_values;
pub mod policy_changes;
pub mod privacy;
pub mod reference;
pub mod replicas;
pub mod rest;
pub mod retention;
pub mod sealing;
pub mod seed;
pub mod sharing;
pub mod signals;
pub mod staffing;
pub mod startup;
pub mod state;
pub mod subject;
pub mod telemetry;
pub mod text;
pub mod vault;
