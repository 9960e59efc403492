//! Building and running the server: check that the policy folder exists, connect, migrate,
//! open the vault and the policy, bind the listener (port 0 picks a free one, which tests
//! use), serve (with the outbox worker) until SIGINT/SIGTERM and drain requests in flight.

use crate::config::Config;
use crate::state::AppState;
use crate::vault::Vault;
use anyhow::Context as _;
use emis_authz::{PolicyFiles, PolicyStore};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Opens everything the server needs: database (migrated), policy, vault.
pub async fn build_state(config: Config) -> anyhow::Result<Arc<AppState>> {
    let files = PolicyFiles::in_dir(config.checked_policy_dir()?);
    let (db, sql_metrics) =
        crate::db::connect(&config.database_url, config.db_max_connections, config.db_acquire_timeout()).await?;
    crate::db::migrate(&db).await?;
    let replicas =
        crate::replicas::Replicas::open(&config.replicas, &db, config.db_max_connections, config.db_acquire_timeout())
            .await?;
    let policy = Arc::new(PolicyStore::open(files).await.map_err(|error| anyhow::anyhow!("{error}"))?);
    crate::policy_changes::at_start(&db, &policy).await?;
    let identity = config.identity()?;
    let vault = Arc::new(Vault::open(&db, identity).await?);
    let chain = crate::disclosure::chain_key(&db, &vault).await?;
    let (disclosures, _) = crate::disclosure::DisclosureWriter::spawn(db.clone(), chain);
    let reference = crate::reference::Reference::new(db.clone(), crate::reference::Reference::TTL);
    let assessment_columns = Arc::new(crate::reference::AssessmentColumns::new(db.clone()));
    let passwords = crate::auth::password::Verifier::new(usize::from(config.sign_in.queue));
    let outbox = Arc::new(crate::outbox::Outbox::from_settings(config.outbox.clone())?);
    let attachments = Arc::new(crate::attachments::store::Store::from_settings(&config.attachments)?);
    let vendor_rate = crate::sharing::limits::RateLimiter::new(config.sharing.requests_per_minute);
    Ok(Arc::new(AppState {
        config,
        db,
        replicas: Arc::new(replicas),
        sql_metrics,
        policy,
        vault,
        disclosures,
        reference,
        assessment_columns,
        passwords,
        outbox,
        attachments,
        vendor_rate,
        signals: crate::signals::Hub::default(),
    }))
}

/// A server bound to its address, ready to run.
pub struct Application {
    listener: TcpListener,
    state: Arc<AppState>,
}

impl Application {
    /// Builds the state and binds the configured address.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let bind = config.bind;
        let state = build_state(config).await?;
        let listener = TcpListener::bind(bind).await.with_context(|| format!("cannot listen on {bind}"))?;
        Ok(Self { listener, state })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// The shared state (for embedding and tests).
    pub fn state(&self) -> Arc<AppState> {
        Arc::clone(&self.state)
    }

    /// Serves until `shutdown` completes, then drains requests in flight.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let watcher = self.state.config.policy_reload_interval().map(|every| {
            self.state.policy.spawn_watcher(every, crate::policy_changes::recorder(self.state.db.clone()))
        });
        let schema = crate::graphql::build_schema(Arc::clone(&self.state));
        let app = crate::http::router(Arc::clone(&self.state), schema);
        let app = app.into_make_service_with_connect_info::<SocketAddr>();
        let state = &self.state;
        let outbox =
            crate::outbox::Worker::spawn(Arc::clone(&state.outbox), state.db.clone(), Arc::clone(&state.vault));
        let releaser = crate::family::schedule::releaser(state.db.clone(), Arc::clone(&state.policy));
        let retention = state.config.retention.clone();
        let sweeper = retention
            .sweep
            .then(|| crate::retention::sweeper(state.db.clone(), Arc::clone(&state.attachments), retention));
        let forgetter = crate::retention::forgetter(state.db.clone(), Arc::clone(&state.vault));
        let signals = crate::signals::Source::spawn(state);
        let monitor = state.replicas.spawn_monitor(state.db.clone());
        let served = axum::serve(self.listener, app).with_graceful_shutdown(shutdown).await;
        forgetter.stop().await;
        signals.stop().await;
        if let Some(monitor) = monitor {
            monitor.stop().await;
        }
        if let Some(outbox) = outbox {
            outbox.stop().await;
        }
        releaser.stop().await;
        if let Some(sweeper) = sweeper {
            sweeper.stop().await;
        }
        served?;
        self.state.disclosures.flush().await;
        if let Some(watcher) = watcher {
            watcher.abort();
        }
        Ok(())
    }

    /// Serves until SIGINT or SIGTERM.
    pub async fn run(self) -> anyhow::Result<()> {
        self.run_until(shutdown_signal()).await
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for SIGINT");
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => tracing::error!(%error, "cannot listen for SIGTERM"),
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: draining requests in flight");
}
