//! A policy version applied by another instance, applied here too: the version last
//! recorded as applied (`policy_change`, with its texts) replaces the running one when they
//! differ. The instance that applied it judged it (cases, confirmation); the texts are the
//! ones it ran.

use crate::policy_changes;
use crate::state::AppState;

/// Applies the version last recorded as applied, unless it runs already (`signalled`, when
/// a signal named it, saves reading the record when it is the running one).
pub(super) async fn adopt_applied(state: &AppState, signalled: Option<&str>) {
    if signalled.is_some_and(|version| version == state.policy.current().version()) {
        return;
    }
    let last = match policy_changes::last_applied(&state.db).await {
        Ok(Some(last)) => last,
        Ok(None) => return,
        Err(error) => {
            tracing::warn!(%error, "reading the policy applied by another instance failed");
            return;
        }
    };
    if last.version == state.policy.current().version() {
        return;
    }
    match policy_changes::policy_of(state.policy.files(), &last).await {
        Some(policy) => {
            state.policy.adopt(policy).await;
        }
        None => tracing::error!(
            version = %last.version,
            "chính sách do máy chủ khác áp dụng không nạp được ở đây, giữ chính sách đang chạy \
             / the policy another instance applied does not load here; keeping the running policy"
        ),
    }
}
