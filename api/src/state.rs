//! The application state shared by every request.

use crate::config::Config;
use crate::db::SqlMetrics;
use crate::vault::Vault;
use emis_authz::PolicyStore;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Everything a request needs, built once at start and shared behind an `Arc`.
pub struct AppState {
    /// The configuration the server started with.
    pub config: Config,
    /// The database pool (the primary).
    pub db: DatabaseConnection,
    /// Streaming replicas that serve queries, if any.
    pub replicas: Arc<crate::replicas::Replicas>,
    /// SQL statement counters.
    pub sql_metrics: Arc<SqlMetrics>,
    /// The running privacy policy, swapped atomically when its files change.
    pub policy: Arc<PolicyStore>,
    /// Sealing and opening of sensitive fields.
    pub vault: Arc<Vault>,
    /// Appends to the disclosure log in the background.
    pub disclosures: crate::disclosure::DisclosureWriter,
    /// Subjects and semesters, cached briefly.
    pub reference: crate::reference::Reference,
    /// Assessment columns, cached for the life of the process.
    pub assessment_columns: Arc<crate::reference::AssessmentColumns>,
    /// Checks sign-in passwords off the async workers, a bounded number at once.
    pub passwords: crate::auth::password::Verifier,
    /// Sends messages to people (the gateway's sender, or the log's).
    pub outbox: Arc<crate::outbox::Outbox>,
    /// Where attachments' bytes are kept.
    pub attachments: Arc<crate::attachments::store::Store>,
    /// Requests a minute of each vendor's client, in this server.
    pub vendor_rate: crate::sharing::limits::RateLimiter,
    /// The open subscriptions of this instance, waiting for their signals.
    pub signals: crate::signals::Hub,
}

impl AppState {
    /// Token lifetimes from the configuration.
    pub fn token_lifetimes(&self) -> crate::auth::TokenLifetimes {
        crate::auth::TokenLifetimes {
            access: chrono::Duration::minutes(self.config.access_token_minutes),
            refresh: chrono::Duration::days(self.config.refresh_token_days),
            session: chrono::Duration::days(self.config.session_max_days),
        }
    }
}
