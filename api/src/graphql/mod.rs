//! The GraphQL schema, independent of HTTP: built once from the [`AppState`], executed per
//! request with that request's [`Access`] and fresh batchers of look-ups (never shared
//! between callers). Every request is weighed before any other work ([`cost`]): its cost,
//! depth and sign-ins are limited there; introspection is a per-deployment setting.

pub mod accounts;
pub mod attachments;
pub mod batch;
pub mod book_locks;
pub mod breaches;
pub mod calendar;
pub mod channels;
pub mod columns;
pub mod consent;
pub mod context;
pub mod conversation_mutations;
pub mod conversations;
pub mod cost;
pub mod disclosures;
pub mod documents;
pub mod errors;
pub mod exemptions;
pub mod field_order;
pub mod grade_entry;
pub mod ids;
pub mod loaders;
pub mod me;
pub mod movements;
pub mod mutation;
pub mod notice_mutations;
pub mod notices;
pub mod notifications;
pub mod nul_bytes;
pub mod operation;
pub mod outbox;
pub mod people;
pub mod primary;
pub mod query;
pub mod records;
pub mod roll_call;
pub mod roster;
pub mod school;
pub mod sensitive;
pub mod sharing;
pub mod sharing_mutations;
pub mod staff;
pub mod staff_alerts;
pub mod staff_history;
pub mod stream;
pub mod students;
pub mod subject_requests;
pub mod summary;
pub mod tracing;
pub mod years;

use crate::disclosure::Disclosures;
use crate::privacy::Access;
use crate::state::AppState;
use async_graphql::Schema;
use batch::Batcher;
use std::sync::Arc;

/// The EMIS schema type.
pub type EmisSchema = Schema<query::QueryRoot, mutation::MutationRoot, stream::SubscriptionRoot>;

/// Builds the schema over `state`.
pub fn build_schema(state: Arc<AppState>) -> EmisSchema {
    let mut builder = Schema::build(query::QueryRoot, mutation::MutationRoot::default(), stream::SubscriptionRoot);
    if tracing::wanted() {
        builder = builder.extension(tracing::SafeTracing);
    }
    if !state.config.introspection {
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.data(state).finish()
}

/// The schema's SDL, as checked in at `api/schema.graphql`.
pub fn sdl() -> String {
    Schema::build(query::QueryRoot, mutation::MutationRoot::default(), stream::SubscriptionRoot).finish().sdl()
}

/// Attaches the per-request data: the caller's access and fresh loaders.
pub fn request_data(
    request: async_graphql::Request,
    state: &AppState,
    access: Arc<Access>,
    disclosures: Arc<Disclosures>,
) -> async_graphql::Request {
    let db = access.db().clone();
    let keys = loaders::KeyLoader { db: db.clone(), vault: Arc::clone(&state.vault) };
    let guardians =
        loaders::GuardiansOfStudent { access: Arc::clone(&access), db: db.clone(), sealed: Default::default() };
    let results = loaders::ResultsOfStudent {
        access: Arc::clone(&access),
        db,
        disclosures: Arc::clone(&disclosures),
        columns: Arc::clone(&state.assessment_columns),
    };
    request
        .data(access)
        .data(disclosures)
        .data(Batcher::new(keys))
        .data(Batcher::new(guardians))
        .data(Batcher::new(results))
}
