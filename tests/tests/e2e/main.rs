//! End-to-end tests of EMIS: the real server on a free loopback port over a fresh, seeded
//! database per test (SQLite, or PostgreSQL when `EMIS_TEST_POSTGRES_URL` is set).

mod agreement;
mod attacks;
mod book_locks;
mod columns;
mod disclosures;
mod edges;
mod grade_entry;
mod instances;
mod killed_import;
mod movements;
mod oneroster;
mod policy_reload;
mod primary_book;
mod primary_nomination;
mod roles;
mod roll_call;
mod rosters;
mod schema;
mod sessions;
mod startup;
mod subscriptions;
mod summary;
mod traces;
