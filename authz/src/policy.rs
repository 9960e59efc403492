//! One loaded, validated policy ([`Policy`]) and its decision cache.
//!
//! Decisions come from the casbin enforcer and are remembered in a table
//! with one byte per possible request (roles × kinds × actions ×
//! relationships, under 9,000 entries), filled lazily. Readers only do an
//! atomic load, so concurrent callers never wait on each other, and the table
//! can never grow beyond the vocabulary.

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};

use casbin::{CoreApi, Enforcer};

use crate::error::{Notice, PolicyError};
use crate::files::{PolicyFiles, read_text};
use crate::lines::{Line, Rule, never_apply, parse_policy};
use crate::model::{Sources, build_enforcer};
use crate::purposes::{Purpose, parse_purposes};
use crate::vocab::{Action, Kind, Relationship, Role};

const UNKNOWN: u8 = 0;
const DENY: u8 = 1;
const ALLOW: u8 = 2;

const TABLE_SIZE: usize = Role::ALL.len() * Kind::ALL.len() * Action::ALL.len() * Relationship::ALL.len();

/// The cache slot of one request.
fn slot(role: Role, kind: Kind, action: Action, rel: Relationship) -> usize {
    let i = role.index();
    let i = i * Kind::ALL.len() + kind.index();
    let i = i * Action::ALL.len() + action.index();
    i * Relationship::ALL.len() + rel.index()
}

/// One loaded, validated policy. Decisions are cached per request.
pub struct Policy {
    enforcer: Enforcer,
    file: std::path::PathBuf,
    lines: Vec<Line>,
    version: String,
    model_text: String,
    text: String,
    notices: Vec<Notice>,
    purposes: Vec<Purpose>,
    /// Per kind (by index), the codes of the purposes needing consent that cover it.
    consents: Vec<Vec<String>>,
    decisions: Box<[AtomicU8]>,
}

impl fmt::Debug for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cached = self.decisions.iter().filter(|d| d.load(Ordering::Relaxed) != UNKNOWN).count();
        f.debug_struct("Policy")
            .field("version", &self.version)
            .field("line_count", &self.lines.len())
            .field("cached_decisions", &cached)
            .finish_non_exhaustive()
    }
}

impl Policy {
    /// Reads the model and policy files, validates every policy line (all
    /// invalid lines are reported together) and loads them into casbin.
    /// The cases file is not read here: see [`crate::read_cases`] and
    /// [`Policy::check_cases`].
    pub async fn load(files: &PolicyFiles) -> Result<Self, PolicyError> {
        let model = read_text(&files.model).await?;
        let policy = read_text(&files.policy).await?;
        Self::from_texts(files, &model, &policy).await
    }

    /// Validates and loads texts already read (`files` names them in messages): a policy
    /// kept elsewhere, such as the version a server last ran. The purposes list is read from
    /// `files` (none when the file is missing).
    pub async fn from_texts(files: &PolicyFiles, model_text: &str, policy_text: &str) -> Result<Self, PolicyError> {
        let rules = parse_policy(&files.policy, policy_text).map_err(|problems| PolicyError::Invalid { problems })?;
        let probe = rules.iter().find_map(|line| match line.rule {
            Rule::Permission { request, .. } => Some(request),
            Rule::Inherit { .. } => None,
        });
        let sources = Sources { model_file: &files.model, model_text, policy_file: &files.policy, policy_text };
        let enforcer = build_enforcer(sources, probe).await?;
        let purposes = match crate::files::read_optional(&files.purposes).await? {
            Some(text) => parse_purposes(&files.purposes, &text)?,
            None => Vec::new(),
        };
        Ok(Self {
            enforcer,
            file: files.policy.clone(),
            lines: rules,
            version: version(model_text, policy_text),
            model_text: model_text.to_owned(),
            text: policy_text.to_owned(),
            notices: never_apply(&files.policy, policy_text),
            consents: Kind::ALL.iter().map(|kind| covering(&purposes, *kind)).collect(),
            purposes,
            decisions: (0..TABLE_SIZE).map(|_| AtomicU8::new(UNKNOWN)).collect(),
        })
    }

    /// Whether `role` may `action` a `kind` of record it is related to by
    /// `rel`. Asks casbin the first time, then answers from the cache.
    pub fn decide(&self, role: Role, kind: Kind, action: Action, rel: Relationship) -> bool {
        let Some(cell) = self.decisions.get(slot(role, kind, action, rel)) else {
            return self.decide_uncached(role, kind, action, rel);
        };
        match cell.load(Ordering::Relaxed) {
            ALLOW => true,
            DENY => false,
            _ => match self.evaluate(role, kind, action, rel) {
                Some(allow) => {
                    cell.store(if allow { ALLOW } else { DENY }, Ordering::Relaxed);
                    allow
                }
                None => false,
            },
        }
    }

    /// The same decision as [`Policy::decide`], always asking casbin and
    /// leaving the cache alone (for tests and diagnostics).
    pub fn decide_uncached(&self, role: Role, kind: Kind, action: Action, rel: Relationship) -> bool {
        self.evaluate(role, kind, action, rel).unwrap_or(false)
    }

    /// Asks casbin; `None` (treated as deny, never cached) if it fails.
    fn evaluate(&self, role: Role, kind: Kind, action: Action, rel: Relationship) -> Option<bool> {
        let request = (role.as_str(), kind.as_str(), action.as_str(), rel.as_str());
        match self.enforcer.enforce(request) {
            Ok(allow) => Some(allow),
            Err(error) => {
                tracing::error!(%error, ?request, "casbin failed to decide; denying");
                None
            }
        }
    }

    /// The relationships meaningful for `kind` under which `role` may
    /// `action` it, in the order of [`Kind::relationships`].
    pub fn allowed_relationships(&self, role: Role, kind: Kind, action: Action) -> Vec<Relationship> {
        kind.relationships().iter().copied().filter(|rel| self.decide(role, kind, action, *rel)).collect()
    }

    /// The number of `p` and `g` lines in the policy file.
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// The valid lines, in file order.
    pub(crate) fn lines(&self) -> &[Line] {
        &self.lines
    }

    /// The policy file it was read from.
    pub fn file(&self) -> &std::path::Path {
        &self.file
    }

    /// The version of this policy: the first 16 hex digits of the SHA-256 of the model and
    /// policy texts. Two servers running the same files run the same version, and each
    /// disclosure entry names the version it was decided under.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The model text as loaded.
    pub fn model_text(&self) -> &str {
        &self.model_text
    }

    /// The policy text as loaded.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The lines that can never apply (a relationship that never holds for their role), each
    /// with its file and line.
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// The purposes list read beside the policy.
    pub fn purposes(&self) -> &[Purpose] {
        &self.purposes
    }

    /// The codes of the purposes needing consent that cover `kind`: under `consented_for`, a
    /// record of `kind` is reached while consent to any of them stands.
    pub fn consent_purposes(&self, kind: Kind) -> &[String] {
        self.consents.get(kind.index()).map_or(&[], Vec::as_slice)
    }
}

/// The codes of `purposes` needing consent that cover `kind`, worked out once per policy so
/// the privacy layer's every check reads them without allocating.
fn covering(purposes: &[Purpose], kind: Kind) -> Vec<String> {
    let covering = purposes.iter().filter(|purpose| purpose.needs_consent() && purpose.kinds.contains(&kind));
    covering.map(|purpose| purpose.code.clone()).collect()
}

/// The version of a model and policy text (see [`Policy::version`]).
pub(crate) fn version(model_text: &str, policy_text: &str) -> String {
    use sha2::{Digest as _, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(model_text.as_bytes());
    hasher.update([0]);
    hasher.update(policy_text.as_bytes());
    hasher.finalize().iter().take(8).map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_request_has_its_own_slot_in_the_table() {
        let mut seen = vec![false; TABLE_SIZE];
        for &role in Role::ALL {
            for &kind in Kind::ALL {
                for &action in Action::ALL {
                    for &rel in Relationship::ALL {
                        let i = slot(role, kind, action, rel);
                        assert!(!seen[i], "slot {i} reused");
                        seen[i] = true;
                    }
                }
            }
        }
        assert!(seen.iter().all(|s| *s));
    }

    #[test]
    fn a_policy_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Policy>();
        shareable::<Enforcer>();
    }
}
