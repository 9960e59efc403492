//! The HTTP transport: `POST`/`GET /graphql` (GraphQL over HTTP), `/graphql/ws`
//! (subscriptions over WebSocket, graphql-ws or the older graphql-transport-ws; the access
//! token comes in `connection_init` as `{"Authorization": "Bearer …"}`), `/graphiql` (served
//! offline from embedded assets), `/healthz` (the process
//! runs), `/readyz` (the database answers), `/metrics` (counters, no personal data),
//! `/exports/…` (downloads of the books), `/attachments` (files attached to notices) and
//! `/oauth/token` (vendors' tokens). This
//! layer weighs the request (before anything else), authenticates the bearer token, notes
//! the client's address (the TCP peer, which sign-in throttling counts by) and hands the
//! request to the schema; a response that discloses leaves only once the disclosure log holds
//! its entries.
//!
//! `/graphql` follows the GraphQL over HTTP specification: [`request`] takes a request apart
//! (methods, media types, parameters), [`checked`] refuses what may not run (a mutation over
//! GET), [`reply`] answers with the statuses and media types of [`media`] (503 when the
//! service is unavailable).

mod checked;
mod media;
mod reply;
mod request;

use crate::auth::{ClientAddress, Principal, session};
use crate::disclosure::{Recipient, purpose_from_header};
use crate::error::ApiError;
use crate::graphql::cost::Weigher;
use crate::graphql::cost::weighed::Weighed;
use crate::graphql::documents::DocumentCache;
use crate::graphql::field_order::InOrder;
use crate::graphql::stream::ConnectionToken;
use crate::graphql::{EmisSchema, request_data};
use crate::privacy::{Access, INCONSISTENCIES};
use crate::state::AppState;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::Router;
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use checked::Checked;
use media::ResponseMedia;
use reply::{Refusal, RequestError};
use request::GraphqlHttpRequest;
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
    weigher: Arc<Weigher>,
}

/// The router of the whole API.
pub fn router(state: Arc<AppState>, schema: EmisSchema) -> Router {
    let weigher = Arc::new(Weigher::new(&state.config));
    Router::new()
        .route(
            "/graphql",
            get(graphql)
                .post(graphql)
                .fallback(async || reply::refused(StatusCode::METHOD_NOT_ALLOWED, ApiError::MethodNotAllowed)),
        )
        .route("/graphql/ws", get(subscriptions))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .merge(crate::graphiql::routes())
        .merge(crate::exports::routes(Arc::clone(&state)))
        .merge(crate::attachments::routes::routes(Arc::clone(&state)))
        .merge(crate::sharing::oauth::routes(Arc::clone(&state)))
        .merge(crate::rest::routes(Arc::clone(&state)))
        .layer(axum::extract::DefaultBodyLimit::max(request::MAX_BODY))
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(Http { state, schema, documents: Arc::default(), weigher })
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
            Ok(None) => Err(refusal(state, token).await),
            Err(error) => Err(ApiError::from(error)),
        },
    }
}

/// Why `token` does not sign in, as the client is told.
async fn refusal(state: &AppState, token: &str) -> ApiError {
    session::refusal(&state.db, token).await.map_or_else(ApiError::from, ApiError::from)
}

/// The client's address: the TCP peer (`ClientAddress::UNKNOWN` when served without one).
fn client_address(extensions: &axum::http::Extensions) -> ClientAddress {
    let peer = extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
    peer.map_or(ClientAddress::UNKNOWN, |info| ClientAddress(info.0.ip()))
}

/// Whom the disclosure log names for what this request is shown (signed-in callers); an
/// error for a purpose header that cannot be recorded as given, whoever asks.
pub(crate) fn recipient(
    principal: &Principal,
    headers: &HeaderMap,
    policy: &emis_authz::Policy,
) -> Result<Option<Recipient>, ApiError> {
    let purpose = purpose_from_header(headers.get("x-emis-purpose").map(|value| value.as_bytes()))?;
    Ok(Recipient::of(principal, purpose, policy))
}

async fn graphql(
    State(http): State<Http>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    request: GraphqlHttpRequest,
) -> Response {
    let GraphqlHttpRequest { media, safe_method, request } = request;
    let mut request = http.documents.prepare(request);
    if let Err(error) = http.weigher.check(&mut request, bearer(&headers).is_some()) {
        return Refusal::weighed(error).answer(media);
    }
    if let Err(error) = crate::graphql::nul_bytes::refuse(&mut request) {
        return error_response(media, error);
    }
    let Checked { request, order } = match checked::check(request, safe_method) {
        Ok(checked) => checked,
        Err(refusal) => return refusal.answer(media),
    };
    let principal = match caller(&http.state, &headers).await {
        Ok(principal) => principal,
        Err(error) => return error_response(media, error),
    };
    if let Err(error) = crate::sharing::guard::before(&http.state, &principal) {
        return error_response(media, error);
    }
    let policy = http.state.policy.current();
    let recipient = match recipient(&principal, &headers, &policy) {
        Ok(recipient) => recipient,
        Err(error) => return error_response(media, error),
    };
    let reads = order.operation().map(crate::graphql::operation::is_query);
    let writer = principal.session_id.filter(|_| reads == Some(false) && http.state.replicas.any());
    let db = match reads {
        Some(true) => http.state.replicas.for_read(principal.wrote_lsn),
        _ => None,
    };
    let db = db.unwrap_or_else(|| http.state.db.clone());
    let access = Arc::new(Access::new(Arc::new(principal), policy, db));
    let disclosures = access.shown();
    let asking = Arc::clone(&access);
    let request =
        request_data(request, &http.state, access, Arc::clone(&disclosures)).data(client_address(&extensions));
    let span = tracing::info_span!("graphql.request", operation = request.operation_name.as_deref().unwrap_or(""));
    let response = http.schema.execute(request).instrument(span).await;
    if let Some(session) = writer
        && let Err(error) = http.state.replicas.record_write(&http.state.db, session).await
    {
        // The write stands; the session's next queries may read a replica that lags it.
        tracing::warn!(%error, "recording where a session's write ended failed");
    }
    let shown = disclosures.take();
    if let Err(error) = crate::sharing::guard::after(&http.state, asking.principal(), &shown).await {
        return error_response(media, error);
    }
    if let Some(recipient) = recipient
        && http.state.disclosures.append(recipient, shown).await.is_err()
    {
        return error_response(media, ApiError::Unrecorded);
    }
    reply::result(media, response, &order)
}

/// A WebSocket for subscriptions: it opens only for a token that signs in, and each
/// subscription checks the token and the caller's access again as it runs.
async fn subscriptions(State(http): State<Http>, protocol: GraphQLProtocol, upgrade: WebSocketUpgrade) -> Response {
    let Http { state, schema, weigher, .. } = http;
    let executor = Weighed { schema, weigher };
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            GraphQLWebSocket::new(stream, InOrder(executor), protocol)
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
        Ok(None) => return Err(refusal(&state, token).await.into()),
        Err(error) => return Err(ApiError::from(error).into()),
    }
    let mut data = async_graphql::Data::default();
    data.insert(ConnectionToken(Arc::from(token)));
    Ok(data)
}

/// A request that did not run: its caller could not be found (a token that does not sign
/// in, a database that does not answer), its input is refused, or what it showed could not
/// be recorded.
fn error_response(media: ResponseMedia, error: ApiError) -> Response {
    let kind = match error {
        ApiError::VendorLimited { retry_after_secs } => RequestError::Throttled { retry_after_secs },
        ApiError::SharingCapReached => RequestError::Refused,
        ApiError::Unauthenticated | ApiError::SessionEndedByReuse => RequestError::Unauthenticated,
        ApiError::Unavailable | ApiError::Unrecorded => RequestError::Unavailable,
        ApiError::BadInput { .. } => RequestError::Invalid,
        _ => RequestError::Failed,
    };
    Refusal::new(kind, error.without_location()).answer(media)
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
    let verifications = http.state.passwords.checked();
    let waiting = http.state.signals.watching();
    let (replica_statements, fresh) = (http.state.replicas.statements(), http.state.replicas.fresh());
    format!(
        "emis_sql_statements_total {statements}\nemis_sql_failures_total {failures}\nemis_sql_micros_total {micros}\nemis_privacy_inconsistencies_total {inconsistencies}\nemis_password_verifications_total {verifications}\nemis_subscriptions_open {waiting}\nemis_sql_replica_statements_total {replica_statements}\nemis_replicas_fresh {fresh}\n"
    )
}
