//! The server as a child process (this test binary again, running the ignored helper below)
//! over a test's database, so that a test can kill it with SIGKILL and read what it logged.

use emis_tests::TestApp;
use std::io::{BufRead as _, Read as _, Write as _};
use std::process::{Child, Command, Stdio};

/// What the child prints, followed by its address, once it listens.
const LISTENING: &str = "child server listening on ";
const DATABASE_URL: &str = "EMIS_CHILD_SERVER_DATABASE_URL";
const IDENTITY_FILE: &str = "EMIS_CHILD_SERVER_IDENTITY_FILE";

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
            .env(DATABASE_URL, &app.database.url)
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
