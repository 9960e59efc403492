//! Tracing of GraphQL requests without personal data. async-graphql's own tracing extension
//! records the query text with its variables inlined (a searched name, an identity number, a
//! password), so EMIS uses this one instead: a span per request, per operation (its name
//! only) and, at DEBUG level, per resolver of an object or list field (its path and types),
//! never arguments, variables or values.

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextRequest, NextResolve, ResolveInfo,
};
use async_graphql::registry::MetaTypeName;
use async_graphql::{Response, ServerResult, Value};
use std::sync::Arc;
use tracing::Instrument as _;

/// The extension factory to register on the schema.
pub struct SafeTracing;

impl ExtensionFactory for SafeTracing {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(SafeTracingExtension)
    }
}

struct SafeTracingExtension;

#[async_trait::async_trait]
impl Extension for SafeTracingExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        next.run(ctx).instrument(tracing::info_span!("graphql.request")).await
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let span = tracing::info_span!("graphql.execute", operation = operation_name.unwrap_or(""));
        next.run(ctx, operation_name).instrument(span).await
    }

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
        // Field spans are many (one per object in a list): DEBUG, so they cost nothing unless
        // asked for (EMIS_LOG=debug).
        let span = tracing::debug_span!(
            "graphql.resolve",
            path = %info.path_node,
            parent_type = info.parent_type,
            return_type = info.return_type,
        );
        next.run(ctx, info).instrument(span).await
    }
}
