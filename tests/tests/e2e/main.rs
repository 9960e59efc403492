//! End-to-end tests of EMIS: the real server on a free loopback port over a fresh, seeded
//! database per test (SQLite, or PostgreSQL when `EMIS_TEST_POSTGRES_URL` is set).

mod agreement;
mod attacks;
mod book_locks;
mod calendar;
mod columns;
mod cost;
mod disclosures;
mod durability;
mod edges;
mod errors;
mod grade_entry;
mod http_spec;
mod instances;
mod killed_import;
mod missing;
mod movements;
mod oneroster;
mod oneroster_words;
mod policy_reload;
mod primary_book;
mod primary_nomination;
mod roles;
mod roll_call;
mod rosters;
mod schema;
mod sessions;
mod sign_in;
mod startup;
mod student_accounts;
mod subscriptions;
mod summary;
mod tour;
mod traces;
