//! Tracing of GraphQL resolvers without personal data. async-graphql's own tracing extension
//! records the query text with its variables inlined (a searched name, an identity number, a
//! password), so EMIS uses this one instead: at DEBUG level, a span per resolver of an
//! object or list field (its path and types), never arguments, variables or values. The
//! request's span (with the operation name only) is opened by the HTTP handler.
//!
//! Any extension on the schema puts every field of every response through the extension
//! chain, so the schema carries this one only when DEBUG spans are wanted ([`wanted`]).

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo};
use async_graphql::registry::MetaTypeName;
use async_graphql::{ServerResult, Value};
use std::sync::Arc;
use tracing::Instrument as _;

/// Whether resolver spans are wanted: a subscriber listens at DEBUG level for this module
/// (for instance `EMIS_LOG=debug`) when the schema is built.
pub fn wanted() -> bool {
    tracing::enabled!(tracing::Level::DEBUG)
}

/// The extension factory to register on the schema when [`wanted`].
pub struct SafeTracing;

impl ExtensionFactory for SafeTracing {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(SafeTracingExtension)
    }
}

struct SafeTracingExtension;

#[async_trait::async_trait]
impl Extension for SafeTracingExtension {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let leaf = ctx
            .schema_env
            .registry
            .types
            .get(MetaTypeName::concrete_typename(info.return_type))
            .is_some_and(|ty| ty.is_leaf());
        if leaf || info.is_for_introspection {
            return next.run(ctx, info).await;
        }
        let span = tracing::debug_span!(
            "graphql.resolve",
            path = %info.path_node,
            parent_type = info.parent_type,
            return_type = info.return_type,
        );
        next.run(ctx, info).instrument(span).await
    }
}
