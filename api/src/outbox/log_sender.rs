//! The sender for development and tests: writes to the log that a message of a purpose went to
//! a recipient id (never the phone or the body) and keeps the last messages in memory, so a
//! test can read what was "sent" — an activation code, say.

use super::sender::{Delivery, SendError, Sender};
use std::collections::VecDeque;
use std::sync::Mutex;

/// How many sent messages are kept in memory.
const KEPT: usize = 200;

/// Logs instead of sending; keeps the last [`KEPT`] messages for tests to read.
#[derive(Default)]
pub struct LogSender {
    sent: Mutex<VecDeque<Delivery>>,
}

impl LogSender {
    /// The messages "sent", oldest first.
    pub fn sent(&self) -> Vec<Delivery> {
        self.sent.lock().map(|sent| sent.iter().cloned().collect()).unwrap_or_default()
    }
}

#[async_trait::async_trait]
impl Sender for LogSender {
    async fn send(&self, delivery: &Delivery) -> Result<(), SendError> {
        tracing::info!(
            message_id = delivery.message_id,
            purpose = delivery.purpose.as_str(),
            recipient_kind = %delivery.recipient_kind,
            recipient_id = delivery.recipient_id,
            "a message was written to the log instead of being sent (no SMS gateway configured)"
        );
        if let Ok(mut sent) = self.sent.lock() {
            if sent.len() == KEPT {
                sent.pop_front();
            }
            sent.push_back(delivery.clone());
        }
        Ok(())
    }
}
