//! A PostgreSQL primary and a streaming replica of it, made for one test on free loopback
//! ports in a temporary folder (`initdb`, `pg_basebackup`, `pg_ctl`, run as the `postgres`
//! user when the test runs as root), and stopped and removed when dropped — whatever the
//! test's outcome. Nothing of the machine's own PostgreSQL is touched.

use anyhow::{Context as _, bail};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A running server of a cluster made by the test.
pub struct Server {
    data: PathBuf,
    pub port: u16,
}

/// A primary and its replica.
pub struct Pair {
    pub primary: Server,
    pub replica: Server,
    _root: tempfile::TempDir,
}

impl Pair {
    /// Makes and starts both.
    pub fn start() -> anyhow::Result<Self> {
        let root = tempfile::Builder::new().prefix("emis-replica").tempdir_in("/tmp")?;
        as_postgres_owner(root.path())?;
        let primary = Server { data: root.path().join("primary"), port: free_port()? };
        run(&[&binary("initdb")?, "-D", &path(&primary.data), "--auth=trust", "-U", "postgres", "--no-sync"])?;
        configure(&primary, root.path())?;
        primary.start()?;
        let replica = Server { data: root.path().join("replica"), port: free_port()? };
        let port = primary.port.to_string();
        run(&[
            &binary("pg_basebackup")?,
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-U",
            "postgres",
            "-D",
            &path(&replica.data),
            "--write-recovery-conf",
            "--wal-method=stream",
            "--no-sync",
        ])?;
        configure(&replica, root.path())?;
        replica.start()?;
        Ok(Self { primary, replica, _root: root })
    }
}

impl Server {
    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server and waits until it accepts connections.
    pub fn start(&self) -> anyhow::Result<()> {
        let log = path(&self.data.join("server.log"));
        run(&[&binary("pg_ctl")?, "-D", &path(&self.data), "-l", &log, "-w", "-t", "60", "start"])
    }

    /// Stops the server at once, as a crash would.
    pub fn kill(&self) -> anyhow::Result<()> {
        run(&[&binary("pg_ctl")?, "-D", &path(&self.data), "-m", "immediate", "-w", "stop"])
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.data.join("postmaster.pid").exists() {
            let _ = self.kill();
        }
    }
}

/// Settings for a server of the pair: its port, loopback only, its socket in `root`, the
/// log kept for replication, no waiting for the disk.
fn configure(server: &Server, root: &Path) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut conf = std::fs::OpenOptions::new().append(true).open(server.data.join("postgresql.conf"))?;
    writeln!(
        conf,
        "\nport = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\nwal_level = replica\n\
         max_wal_senders = 4\nfsync = off\nsynchronous_commit = off\nhot_standby = on",
        server.port,
        root.display()
    )?;
    Ok(())
}

/// The newest installed PostgreSQL's program `name`.
fn binary(name: &str) -> anyhow::Result<String> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL's programs are not installed in /usr/lib/postgresql")?
        .filter_map(|entry| entry.ok().map(|entry| entry.path().join("bin").join(name)))
        .filter(|candidate| candidate.exists())
        .collect();
    found.sort_by_key(|candidate| {
        candidate.components().nth(4).and_then(|version| version.as_os_str().to_str()?.parse::<u32>().ok())
    });
    found.pop().map(|found| path(&found)).with_context(|| format!("no {name} in /usr/lib/postgresql"))
}

/// Whether the test runs as root (PostgreSQL's programs then run as `postgres`).
fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// Gives `dir` to the `postgres` user when running as root.
fn as_postgres_owner(dir: &Path) -> anyhow::Result<()> {
    if is_root() {
        run_plain(&["chown", "postgres:postgres", &path(dir)])?;
    }
    Ok(())
}

/// Runs a PostgreSQL program (as `postgres` when root), failing with its output.
fn run(args: &[&str]) -> anyhow::Result<()> {
    if is_root() {
        let mut all = vec!["runuser", "-u", "postgres", "--"];
        all.extend_from_slice(args);
        return run_plain(&all);
    }
    run_plain(args)
}

fn run_plain(args: &[&str]) -> anyhow::Result<()> {
    let out = Command::new(args[0]).args(&args[1..]).output().with_context(|| format!("cannot run {}", args[0]))?;
    if !out.status.success() {
        bail!(
            "{} failed: {}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn path(path: &Path) -> String {
    path.display().to_string()
}
