//! The record of the policy's changes (`policy_change`), and the check at start: what the
//! running server's policy store reports (applied, held, refused) is written once per
//! change (from one version to another) and outcome, however many instances report it; a server starting on files that
//! add a sensitive grant to the version last applied, without the privacy officer's
//! confirmation, does not start. Also what `emis policy diff --against running`, `impact`
//! and `explain` read (`impact.rs`, `explain.rs`).

pub mod explain;
pub mod impact;

use chrono::Utc;
use emis_authz::{Outcome, Policy, PolicyChange, PolicyDiff, PolicyFiles, PolicyStore};
use entity::policy_change;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _, QueryOrder as _,
};

/// Records `change` unless the same outcome of the same change (from the same version to
/// the same version) is recorded already.
pub async fn record(db: &impl ConnectionTrait, change: &PolicyChange) -> Result<(), DbErr> {
    let diff = serde_json::json!({ "grants": change.grants, "lines": change.lines });
    let row = policy_change::ActiveModel {
        at: Set(Utc::now()),
        outcome: Set(change.outcome.as_str().to_owned()),
        previous_version: Set(change.previous_version.clone()),
        version: Set(change.version.clone()),
        confirmed_by: Set(change.confirmed_by.clone()),
        diff: Set(diff.to_string()),
        reason: Set(change.reason.clone()),
        model_text: Set(change.model.clone()),
        policy_text: Set(change.text.clone()),
        ..Default::default()
    };
    // The unique index on (previous_version, version, outcome) keeps the first report; a later
    // one from another instance is the same change, already recorded.
    match policy_change::Entity::insert(row).exec_without_returning(db).await {
        Err(error) if !crate::db::is_unique_violation(&error) => Err(error),
        _ => Ok(()),
    }
}

/// The version last applied, with its texts.
pub async fn last_applied(db: &impl ConnectionTrait) -> Result<Option<policy_change::Model>, DbErr> {
    policy_change::Entity::find()
        .filter(policy_change::Column::Outcome.eq(Outcome::Applied.as_str()))
        .order_by_desc(policy_change::Column::Id)
        .one(db)
        .await
}

/// The policy of a recorded version, loaded as `files` would be (`None` when its text no
/// longer loads, the vocabulary having changed since).
pub async fn policy_of(files: &PolicyFiles, row: &policy_change::Model) -> Option<Policy> {
    Policy::from_texts(files, &row.model_text, &row.policy_text).await.ok()
}

/// Judges the policy the store opened against the version last applied and records it. An
/// error when it adds a sensitive grant its version's confirmation does not cover: the
/// server must not start on it.
pub async fn at_start(db: &impl ConnectionTrait, store: &PolicyStore) -> anyhow::Result<()> {
    let running = store.current();
    let last = last_applied(db).await?;
    if last.as_ref().is_some_and(|row| row.version == running.version()) {
        return Ok(());
    }
    let previous = match &last {
        Some(row) => policy_of(store.files(), row).await,
        None => None,
    };
    let change = match &previous {
        Some(previous) => store.judge_against(previous).await,
        None => first(&running, last.map(|row| row.version)),
    };
    record(db, &change).await?;
    if change.outcome == Outcome::Held {
        anyhow::bail!(
            "chính sách chưa được xác nhận, máy chủ không khởi động / the policy is not confirmed, the server does not start: {}\n{}",
            change.reason.unwrap_or_default(),
            change.grants
        );
    }
    Ok(())
}

/// The first recorded version (or one whose predecessor no longer loads): every grant is new.
fn first(running: &Policy, previous: Option<String>) -> PolicyChange {
    PolicyChange {
        outcome: Outcome::Applied,
        previous_version: previous.unwrap_or_default(),
        version: running.version().to_owned(),
        confirmed_by: None,
        grants: PolicyDiff { added: running.grants().into_iter().collect(), removed: Vec::new() },
        lines: emis_authz::LineDiff::between("", running.text()),
        reason: None,
        text: running.text().to_owned(),
        model: running.model_text().to_owned(),
    }
}

/// Records every change the store's watcher reports, in the background.
pub fn recorder(db: sea_orm::DatabaseConnection) -> impl Fn(PolicyChange) + Send + Sync + 'static {
    move |change| {
        let db = db.clone();
        tokio::spawn(async move {
            if let Err(error) = record(&db, &change).await {
                tracing::error!(%error, version = %change.version, "recording a policy change failed");
            }
        });
    }
}
