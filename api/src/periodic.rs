//! A pass the running server repeats: run now, then every so often, until stopped — when
//! the pass in flight finishes first. Each pass reports its own errors.

use std::future::Future;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A running repeated pass.
pub struct Periodic {
    name: &'static str,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Periodic {
    /// Runs `pass` now and then every `every`; `name` names it in the log.
    pub fn spawn<F, Fut>(name: &'static str, every: Duration, mut pass: F) -> Self
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send,
    {
        let (stop, mut stopped) = watch::channel(false);
        let task = tokio::spawn(async move {
            loop {
                pass().await;
                tokio::select! {
                    _ = stopped.changed() => break,
                    () = tokio::time::sleep(every) => {}
                }
            }
        });
        Self { name, stop, task }
    }

    /// Stops after the pass in flight.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        if let Err(error) = self.task.await {
            tracing::error!(%error, pass = self.name, "a repeated pass ended abnormally");
        }
    }
}
