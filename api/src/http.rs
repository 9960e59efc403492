//! The HTTP transport: `POST`/`GET /graphql` (GraphQL over HTTP), `/graphql/ws`
//! (subscriptions over WebSocket, graphql-ws or the older graphql-transport-ws; the access
//! token comes in `connection_init` as `{"Authorization": "Bearer …"}`), `/graphiql` (served
//! offline from embedded assets), `/healthz` (the process
//! runs), `/readyz` (the database answers), `/metrics` (counters, no personal data). This
//! layer only authenticates the bearer token and hands the request to the schema; a
//! response that discloses leaves only once the disclosure log holds its entries, and one
//! whose error says the service is unavailable answers HTTP 503.

use crate::auth::{Principal, session};
use crate::disclosure::{Disclosures, Recipient, purpose_from_header};
use crate::error::ApiError;
use crate::graphql::documents::DocumentCache;
use crate::graphql::notifications::ConnectionToken;
use crate::graphql::{EmisSchema, request_data};
use crate::privacy::{Access, INCONSISTENCIES};
use crate::state::AppState;
use async_graphql_axum::{GraphQLProtocol, GraphQLRequest, GraphQLResponse, GraphQLWebSocket};
use axum::Router;
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sea_orm::ConnectionTrait as _;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tracing::Instrument as _;

/// Shared by the handlers.
#[derive(Clone)]
struct Http {
    state: Arc<AppState>,
    schema: EmisSchema,
    documents: Arc<DocumentCache>,
}

/// The router of the whole API.
pub fn router(state: Arc<AppState>, schema: EmisSchema) -> Router {
    Router::new()
        .route("/graphql", get(graphql).post(graphql))
        .route("/graphql/ws", get(subscriptions))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .merge(crate::graphiql::routes())
        .merge(crate::exports::routes(Arc::clone(&state)))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(1024 * 1024))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(Http { state, schema, documents: Arc::default() })
}

/// The span of an HTTP request: method and path only. The query string is left out, since a
/// GraphQL request over GET carries its variables there.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::info_span!("http.request", method = %request.method(), path = request.uri().path())
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(str::trim)
}

/// The caller of a request with these headers: anonymous without a bearer token; an error
/// when the token does not sign in.
pub(crate) async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Principal, ApiError> {
    match bearer(headers) {
        None => Ok(Principal::anonymous(crate::clock::today())),
        Some(token) => match session::authenticate(&state.db, token).await {
            Ok(Some(principal)) => Ok(principal),
            Ok(None) => Err(ApiError::Unauthenticated),
            Err(error) => Err(ApiError::from(error)),
        },
    }
}

/// Whom the disclosure log names for what this request is shown (signed-in callers); an
/// error for a purpose header that cannot be recorded as given, whoever asks.
pub(crate) fn recipient(principal: &Principal, headers: &HeaderMap) -> Result<Option<Recipient>, ApiError> {
    let purpose = purpose_from_header(headers.get("x-emis-purpose").map(|value| value.as_bytes()))?;
    Ok(principal.account.map(|account| Recipient {
        actor_kind: account.kind(),
        actor_id: account.id(),
        session_id: principal.session_id,
        purpose,
    }))
}

async fn graphql(State(http): State<Http>, headers: HeaderMap, request: GraphQLRequest) -> Response {
    let principal = match caller(&http.state, &headers).await {
        Ok(principal) => principal,
        Err(error) => return error_response(error),
    };
    let recipient = match recipient(&principal, &headers) {
        Ok(recipient) => recipient,
        Err(error) => return error_response(error),
    };
    let access = Arc::new(Access::new(Arc::new(principal), http.state.policy.current(), http.state.db.clone()));
    let disclosures = Arc::new(Disclosures::default());
    let mut request = http.documents.prepare(request.into_inner());
    if let Err(error) = crate::graphql::nul_bytes::refuse(&mut request) {
        return error_response(error);
    }
    let request = request_data(request, &http.state, access, Arc::clone(&disclosures));
    let span = tracing::info_span!("graphql.request", operation = request.operation_name.as_deref().unwrap_or(""));
    let response = http.schema.execute(request).instrument(span).await;
    if let Some(recipient) = recipient
        && http.state.disclosures.append(recipient, disclosures.take()).await.is_err()
    {
        return error_response(ApiError::Unrecorded);
    }
    respond(response)
}

/// A WebSocket for subscriptions: it opens only for a token that signs in, and each
/// subscription checks the token and the caller's access again as it runs.
async fn subscriptions(State(http): State<Http>, protocol: GraphQLProtocol, upgrade: WebSocketUpgrade) -> Response {
    let Http { state, schema, .. } = http;
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            GraphQLWebSocket::new(stream, schema, protocol)
                .on_connection_init(move |payload| connection_init(state, payload))
                .serve()
        })
        .into_response()
}

/// Accepts a connection whose `connection_init` payload carries a token that signs in.
async fn connection_init(
    state: Arc<AppState>,
    payload: serde_json::Value,
) -> async_graphql::Result<async_graphql::Data> {
    let header = ["Authorization", "authorization"].iter().find_map(|name| payload.get(*name)?.as_str());
    let token = header.and_then(|value| value.strip_prefix("Bearer ")).map(str::trim);
    let Some(token) = token else { return Err(ApiError::Unauthenticated.into()) };
    match session::authenticate(&state.db, token).await {
        Ok(Some(_)) => {}
        Ok(None) => return Err(ApiError::Unauthenticated.into()),
        Err(error) => return Err(ApiError::from(error).into()),
    }
    let mut data = async_graphql::Data::default();
    data.insert(ConnectionToken(Arc::from(token)));
    Ok(data)
}

fn error_response(error: ApiError) -> Response {
    respond(async_graphql::Response::from_errors(vec![
        async_graphql::Error::from(error).into_server_error(async_graphql::Pos::default()),
    ]))
}

/// The HTTP response of a GraphQL response: 503 when an error says the service is
/// unavailable (so that clients and load balancers may try again later), else 200.
fn respond(response: async_graphql::Response) -> Response {
    let unavailable = response.errors.iter().any(|error| {
        let code = error.extensions.as_ref().and_then(|extensions| extensions.get("code"));
        code == Some(&async_graphql::Value::from(ApiError::Unavailable.code()))
    });
    let mut response = GraphQLResponse::from(response).into_response();
    if unavailable {
        *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    }
    response
}

async fn ready(State(http): State<Http>) -> Response {
    match http.state.db.execute_unprepared("SELECT 1").await {
        Ok(_) => (StatusCode::OK, "ready").into_response(),
        Err(error) => {
            tracing::warn!(%error, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

async fn metrics(State(http): State<Http>) -> String {
    let (statements, micros) = http.state.sql_metrics.snapshot();
    let failures = http.state.sql_metrics.failures.load(Ordering::Relaxed);
    let inconsistencies = INCONSISTENCIES.load(Ordering::Relaxed);
    format!(
        "emis_sql_statements_total {statements}\nemis_sql_failures_total {failures}\nemis_sql_micros_total {micros}\nemis_privacy_inconsistencies_total {inconsistencies}\n"
    )
}
