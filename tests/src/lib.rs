//! Test harness for the end-to-end tests: a fresh database per test (a SQLite file in a
//! temporary folder, or a new PostgreSQL database when `EMIS_TEST_POSTGRES_URL` is set),
//! migrated and seeded with the tiny demo data set, and the real server on a free loopback
//! port, driven over HTTP like a mobile app would.

pub mod cluster;

use anyhow::Context as _;
use emis::config::Config;
use emis::seed::{SeedOptions, SeedReport};
use emis::startup::Application;
use emis::state::AppState;
use sea_orm::{ConnectionTrait as _, Database};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;

/// The password of every seeded account.
pub const DEMO_PASSWORD: &str = "emis-demo";

/// Where a test's database lives; dropped (and the PostgreSQL database deleted) at the end.
pub struct TestDatabase {
    pub url: String,
    postgres: Option<(String, String)>,
    _dir: tempfile::TempDir,
}

impl TestDatabase {
    /// A new, empty database on the backend the environment selects.
    pub async fn create() -> anyhow::Result<Self> {
        match std::env::var("EMIS_TEST_POSTGRES_URL") {
            Ok(admin_url) if !admin_url.is_empty() => Self::create_on(&admin_url).await,
            _ => {
                let dir = tempfile::tempdir()?;
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("emis.db").display());
                Ok(Self { url, postgres: None, _dir: dir })
            }
        }
    }

    /// A new, empty database on the PostgreSQL server that `admin_url` connects to.
    pub async fn create_on(admin_url: &str) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let name = format!("emis_test_{}", random_suffix());
        let admin = Database::connect(admin_url.to_owned()).await?;
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
        admin.close().await?;
        let base = admin_url.rsplit_once('/').map_or(admin_url, |(base, _)| base);
        let url = format!("{base}/{name}");
        Ok(Self { url, postgres: Some((admin_url.to_owned(), name)), _dir: dir })
    }

    /// A folder that lives as long as the database (for identity files and the like).
    pub fn dir(&self) -> PathBuf {
        self._dir.path().to_path_buf()
    }

    /// Deletes a PostgreSQL database (SQLite files go with the temporary folder).
    pub async fn drop_database(&mut self) -> anyhow::Result<()> {
        if let Some((admin_url, name)) = self.postgres.take() {
            drop_postgres(&admin_url, &name).await?;
        }
        Ok(())
    }
}

async fn drop_postgres(admin_url: &str, name: &str) -> anyhow::Result<()> {
    let admin = Database::connect(admin_url.to_owned()).await?;
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
    admin.close().await?;
    Ok(())
}

impl Drop for TestDatabase {
    /// A test that failed half-way still leaves no database behind: the database is dropped
    /// on a thread of its own (`drop` cannot wait on the test's runtime).
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.postgres.take() {
            let dropped = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
                runtime.block_on(drop_postgres(&admin_url, &name))
            })
            .join();
            if !matches!(dropped, Ok(Ok(()))) {
                eprintln!("could not drop a test database");
            }
        }
    }
}

fn random_suffix() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or_default();
    format!("{}_{}_{}", std::process::id(), nanos, COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The repository's policy folder.
pub fn policy_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../policy")
}

/// A copy of the shipped policy files in a new temporary folder, for a test to edit.
pub fn policy_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for file in ["model.conf", "policy.csv", "cases.csv", "purposes.csv"] {
        std::fs::copy(policy_dir().join(file), dir.path().join(file)).expect("the policy files copy");
    }
    dir
}

/// A running server over a seeded database.
pub struct TestApp {
    pub address: String,
    pub state: Arc<AppState>,
    pub seed: SeedReport,
    pub database: TestDatabase,
    client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TestApp {
    /// Starts the server on a fresh database seeded with the tiny data set.
    pub async fn spawn() -> anyhow::Result<Self> {
        Self::spawn_with(|_| {}).await
    }

    /// Like [`TestApp::spawn`], with a chance to change the configuration first.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> anyhow::Result<Self> {
        Self::start(adjust, Some(SeedOptions::tiny())).await
    }

    /// Starts the server on a fresh database seeded with `seed` instead of the tiny data set.
    pub async fn spawn_seeded(seed: SeedOptions) -> anyhow::Result<Self> {
        Self::start(|_| {}, Some(seed)).await
    }

    /// Starts the server on a fresh, migrated database with no data.
    pub async fn spawn_empty() -> anyhow::Result<Self> {
        Self::start(|_| {}, None).await
    }

    /// Like [`TestApp::spawn_with`], on `database` (made with [`TestDatabase::create_on`]).
    pub async fn spawn_on(database: TestDatabase, adjust: impl FnOnce(&mut Config)) -> anyhow::Result<Self> {
        Self::start_on(database, adjust, Some(SeedOptions::tiny())).await
    }

    async fn start(adjust: impl FnOnce(&mut Config), seed: Option<SeedOptions>) -> anyhow::Result<Self> {
        Self::start_on(TestDatabase::create().await?, adjust, seed).await
    }

    async fn start_on(
        database: TestDatabase,
        adjust: impl FnOnce(&mut Config),
        seed: Option<SeedOptions>,
    ) -> anyhow::Result<Self> {
        let identity = database.dir().join("identity.txt");
        emis_crypto_identity(&identity)?;
        let mut config = Config::for_database(database.url.clone(), policy_dir());
        config.identity_file = Some(identity);
        adjust(&mut config);
        let app = Application::build(config).await?;
        let state = app.state();
        let seed = match seed {
            Some(options) => emis::seed::seed(&state.db, state.vault.as_ref(), &options).await?,
            None => SeedReport::default(),
        };
        let address = format!("http://{}", app.local_addr()?);
        let (shutdown, signal) = oneshot::channel();
        let server = tokio::spawn(app.run_until(async move {
            let _ = signal.await;
        }));
        let test_app = Self {
            address,
            state,
            seed,
            database,
            client: reqwest::Client::new(),
            shutdown: Some(shutdown),
            server: Some(server),
        };
        test_app.wait_until_healthy().await?;
        Ok(test_app)
    }

    async fn wait_until_healthy(&self) -> anyhow::Result<()> {
        for _ in 0..200 {
            let response = self.client.get(format!("{}/healthz", self.address)).send().await;
            if response.is_ok_and(|response| response.status().is_success()) {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        anyhow::bail!("the server did not become healthy")
    }

    /// Stops the server and deletes the database.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            server.await??;
        }
        self.state.db.clone().close().await?;
        self.database.drop_database().await
    }

    /// Runs a GraphQL request, with a bearer token when given; the whole response body.
    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> anyhow::Result<Value> {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await?;
        Ok(response.json().await?)
    }

    /// Like [`TestApp::graphql`], failing on any GraphQL error; the `data` member.
    pub async fn data(&self, token: Option<&str>, query: &str, variables: Value) -> anyhow::Result<Value> {
        let body = self.graphql(token, query, variables).await?;
        if let Some(errors) = body.get("errors") {
            anyhow::bail!("unexpected errors: {errors}");
        }
        body.get("data").cloned().context("no data in the response")
    }

    /// Signs in and returns the access token.
    pub async fn sign_in(&self, identifier: &str) -> anyhow::Result<String> {
        let data = self
            .data(
                None,
                "mutation($i: String!, $p: String!) { signIn(identifier: $i, password: $p) { accessToken } }",
                json!({ "i": identifier, "p": DEMO_PASSWORD }),
            )
            .await?;
        data["signIn"]["accessToken"].as_str().map(str::to_owned).context("no access token")
    }

    /// A plain GET of `path` on the server.
    pub async fn get(&self, path: &str) -> anyhow::Result<reqwest::Response> {
        Ok(self.client.get(format!("{}{path}", self.address)).send().await?)
    }

    /// The number of SQL statements the server has run so far (from `/metrics`).
    pub async fn sql_statements(&self) -> anyhow::Result<u64> {
        let text = self.get("/metrics").await?.text().await?;
        text.lines()
            .find_map(|line| line.strip_prefix("emis_sql_statements_total "))
            .context("no statement counter")?
            .trim()
            .parse()
            .context("bad statement counter")
    }
}

/// Writes a new server identity file.
pub fn emis_crypto_identity(path: &std::path::Path) -> anyhow::Result<()> {
    emis_crypto::ServerIdentity::write_new_file(path)?;
    Ok(())
}

/// The error code of the first error of a response, if any.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}
