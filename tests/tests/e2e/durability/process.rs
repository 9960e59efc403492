//! The server as a child process (this test binary again, running the ignored helper below)
//! over a test's database, so that a test can kill it with SIGKILL, read what it logged, and
//! wait until the database has let go of its connections.

use emis_tests::TestApp;
use sea_orm::{ConnectionTrait as _, DbBackend, Statement};
use std::io::{BufRead as _, Read as _, Write as _};
use std::process::{Child, Command, Stdio};

/// What the child prints, followed by its address, once it listens.
const LISTENING: &str = "child server listening on ";
const DATABASE_URL: &str = "EMIS_CHILD_SERVER_DATABASE_URL";
const IDENTITY_FILE: &str = "EMIS_CHILD_SERVER_IDENTITY_FILE";
/// The name the child's PostgreSQL connections go by.
const APPLICATION_NAME: &str = "emis_child_server";

/// A server running in a child process.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub address: String,
    log: Option<std::thread::JoinHandle<String>>,
}

impl ServerProcess {
    /// Starts a server over `app`'s database and key, and waits until it listens.
    pub async fn start(app: &TestApp) -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["durability::process::child_server", "--exact", "--ignored", "--nocapture"])
            .env(DATABASE_URL, named(&app.database.url))
            .env(IDENTITY_FILE, app.database.dir().join("identity.txt"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let address = tokio::task::spawn_blocking(move || {
            std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .find_map(|line| line.strip_prefix(LISTENING).map(|address| format!("http://{address}")))
        })
        .await
        .unwrap()
        .expect("the child server ended before it listened");
        let mut stderr = child.stderr.take().unwrap();
        let log = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Self { child, address, log: Some(log) }
    }

    /// Kills the server with SIGKILL; what it logged until then.
    pub fn kill(mut self) -> String {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        self.log.take().and_then(|log| log.join().ok()).unwrap_or_default()
    }
}

/// The database URL with the child's connections named, on PostgreSQL.
fn named(url: &str) -> String {
    if !url.starts_with("postgres") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}application_name={APPLICATION_NAME}")
}

/// Waits until no connection of a killed child is left on the database: PostgreSQL may
/// still commit a transaction whose COMMIT the child sent just before it was killed.
pub async fn until_its_connections_are_gone(app: &TestApp) {
    if app.state.db.get_database_backend() != DbBackend::Postgres {
        return;
    }
    let count = format!("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE application_name = '{APPLICATION_NAME}'");
    loop {
        let row = app.state.db.query_one_raw(Statement::from_string(DbBackend::Postgres, count.clone())).await.unwrap();
        if row.unwrap().try_get::<i64>("", "n").unwrap() == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

impl Drop for ServerProcess {
    /// A test that failed half-way leaves no server running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the child process of ServerProcess::start"]
async fn child_server() {
    let url = std::env::var(DATABASE_URL).expect("run only by ServerProcess::start");
    tracing_subscriber::fmt().with_writer(std::io::stderr).with_max_level(tracing::Level::WARN).init();
    let mut config = emis::config::Config::for_database(url, emis_tests::policy_dir());
    config.identity_file = Some(std::env::var(IDENTITY_FILE).unwrap().into());
    let app = emis::startup::Application::build(config).await.unwrap();
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "\n{LISTENING}{}", app.local_addr().unwrap()).unwrap();
    stdout.flush().unwrap();
    drop(stdout);
    app.run().await.unwrap();
}
