//! CPU time spent by the server, the load generator and PostgreSQL, read from Linux's
//! `/proc`: the benchmark's own threads are told apart by name (the load generator's are
//! named `load-…`), PostgreSQL's by process name. Throughput on a shared machine moves with
//! the neighbours; CPU time per request is the steadier figure for comparing changes.

use std::fs;

/// Prefix of the load generator's thread names.
pub const LOAD_THREAD_PREFIX: &str = "load-";

/// CPU seconds used so far, split by who used them.
#[derive(Debug, Default, Clone, Copy)]
pub struct CpuSplit {
    pub server: f64,
    pub load: f64,
    pub postgres: f64,
}

impl CpuSplit {
    /// The CPU used since `earlier`.
    pub fn since(self, earlier: CpuSplit) -> CpuSplit {
        CpuSplit {
            server: self.server - earlier.server,
            load: self.load - earlier.load,
            postgres: self.postgres - earlier.postgres,
        }
    }
}

/// Reads the current totals; zero where `/proc` is not available.
pub fn sample() -> CpuSplit {
    let mut split = CpuSplit::default();
    // The process's own total counts threads that have exited too (a blocking-pool thread
    // that ends after idling would otherwise take its CPU time out of the sum); the load
    // generator's threads live as long as the benchmark.
    let process = stat(std::path::Path::new("/proc/self/stat")).map_or(0.0, |(_, seconds)| seconds);
    if let Ok(tasks) = fs::read_dir("/proc/self/task") {
        for task in tasks.flatten() {
            let Some((name, seconds)) = stat(&task.path().join("stat")) else { continue };
            if name.starts_with(LOAD_THREAD_PREFIX) {
                split.load += seconds;
            }
        }
    }
    split.server = process - split.load;
    if let Ok(processes) = fs::read_dir("/proc") {
        for process in processes.flatten() {
            if let Some((name, seconds)) = stat(&process.path().join("stat"))
                && name.starts_with("postgres")
            {
                split.postgres += seconds;
            }
        }
    }
    split
}

/// The command name and user + system CPU seconds of one `/proc/…/stat` file.
fn stat(path: &std::path::Path) -> Option<(String, f64)> {
    let text = fs::read_to_string(path).ok()?;
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let name = text[open + 1..close].to_owned();
    let fields: Vec<&str> = text[close + 2..].split_whitespace().collect();
    // After the name: state is field 3 of stat(5), utime 14 and stime 15.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some((name, ticks / TICKS_PER_SECOND))
}

/// `/proc` counts CPU time in USER_HZ ticks, 100 per second on every Linux architecture
/// this runs on.
const TICKS_PER_SECOND: f64 = 100.0;
