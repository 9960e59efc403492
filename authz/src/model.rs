//! Building the casbin [`Enforcer`] from the model and policy texts, after
//! checking that the model has the shape the code relies on:
//! `r = sub, obj, act, rel`, `p = sub, obj, act, rel, eft`, `g = _, _`, a
//! matcher, and the allow-and-deny effect.
//!
//! The enforcer is fed the very texts that were validated (not the files
//! again), so an edit saved mid-load cannot slip past validation.

use std::path::Path;

use casbin::{CoreApi, DefaultModel, Enforcer, Model, StringAdapter};

use crate::error::PolicyError;
use crate::lines::Request;
use crate::vocab::{Action, Kind, Relationship, Role};

/// The only effect accepted, as casbin stores it (`p.eft` escaped to
/// `p_eft`). casbin-rs compares effects as exact strings and panics at the
/// first decision on any other; deny-overrides with default deny is also the
/// one this design wants.
const ALLOW_AND_DENY: &str = "some(where (p_eft == allow)) && !some(where (p_eft == deny))";
const REQUEST_TOKENS: &[&str] = &["r_sub", "r_obj", "r_act", "r_rel"];
const POLICY_TOKENS: &[&str] = &["p_sub", "p_obj", "p_act", "p_rel", "p_eft"];

fn model_error(file: &Path, reason: impl Into<String>) -> PolicyError {
    PolicyError::Model { file: file.to_path_buf(), reason: reason.into() }
}

/// casbin's reason without the Debug wrapping its `Display` adds.
fn casbin_reason(error: casbin::Error) -> String {
    match error {
        casbin::Error::IoError(e) => e.to_string(),
        casbin::Error::ModelError(e) => e.to_string(),
        casbin::Error::PolicyError(e) => e.to_string(),
        casbin::Error::RhaiError(e) => e.to_string(),
        casbin::Error::RhaiParseError(e) => e.to_string(),
        other => other.to_string(),
    }
}

/// Every way the parsed model differs from the shape the code needs.
fn shape_problems(model: &dyn Model) -> Vec<String> {
    let sections = model.get_model();
    let assertion = |sec: &str| sections.get(sec).and_then(|map| map.get(sec));
    let mut problems = Vec::new();
    if assertion("r").is_none_or(|a| a.tokens != REQUEST_TOKENS) {
        problems.push(
            "[request_definition] phải là r = sub, obj, act, rel \
             / [request_definition] must be r = sub, obj, act, rel"
                .to_owned(),
        );
    }
    if assertion("p").is_none_or(|a| a.tokens != POLICY_TOKENS) {
        problems.push(
            "[policy_definition] phải là p = sub, obj, act, rel, eft \
             / [policy_definition] must be p = sub, obj, act, rel, eft"
                .to_owned(),
        );
    }
    if assertion("g").is_none_or(|a| a.value.matches('_').count() != 2) {
        problems.push("[role_definition] phải là g = _, _ / [role_definition] must be g = _, _".to_owned());
    }
    match assertion("m") {
        None => problems.push("thiếu [matchers] m / missing [matchers] m".to_owned()),
        Some(m) => problems.extend(unknown_fields(&m.value).into_iter().map(|name| {
            let name = name.replacen('_', ".", 1);
            format!("[matchers] dùng trường không xác định {name} / [matchers] uses unknown field {name}")
        })),
    }
    if assertion("e").is_none_or(|a| a.value != ALLOW_AND_DENY) {
        let wanted = ALLOW_AND_DENY.replace("p_eft", "p.eft");
        problems
            .push(format!("[policy_effect] phải đúng là e = {wanted} / [policy_effect] must be exactly e = {wanted}"));
    }
    problems
}

/// The `r_*` and `p_*` names in a matcher that are not request or policy
/// fields (a typo there would otherwise only fail, or silently never match,
/// on some later request: rhai does not check names when compiling).
fn unknown_fields(matcher: &str) -> Vec<String> {
    let mut unknown = Vec::new();
    let mut in_string = false;
    let words = matcher.split(|c: char| {
        if c == '"' {
            in_string = !in_string;
        }
        in_string || !(c.is_ascii_alphanumeric() || c == '_')
    });
    for word in words {
        let known = REQUEST_TOKENS.contains(&word) || POLICY_TOKENS.contains(&word);
        if (word.starts_with("r_") || word.starts_with("p_")) && !known {
            unknown.push(word.to_owned());
        }
    }
    unknown
}

/// Where the texts come from (for messages) and what they say.
pub(crate) struct Sources<'a> {
    pub(crate) model_file: &'a Path,
    pub(crate) model_text: &'a str,
    pub(crate) policy_file: &'a Path,
    pub(crate) policy_text: &'a str,
}

/// Parses the model text and loads the policy text into a casbin enforcer.
/// The policy text must already have been validated line by line; `probe`
/// is a request that one of its lines matches, if any (see below).
pub(crate) async fn build_enforcer(sources: Sources<'_>, probe: Option<Request>) -> Result<Enforcer, PolicyError> {
    let Sources { model_file, model_text, policy_file, policy_text } = sources;
    let model = DefaultModel::from_str(model_text).await.map_err(|e| model_error(model_file, casbin_reason(e)))?;
    let problems = shape_problems(&model);
    if !problems.is_empty() {
        return Err(model_error(model_file, problems.join("; ")));
    }
    // new_raw compiles the matcher; load_policy then reads the lines.
    let mut enforcer = Enforcer::new_raw(model, StringAdapter::new(policy_text))
        .await
        .map_err(|e| model_error(model_file, casbin_reason(e)))?;
    enforcer
        .load_policy()
        .await
        .map_err(|e| PolicyError::Casbin { file: policy_file.to_path_buf(), reason: casbin_reason(e) })?;
    // A matcher can compile yet fail when evaluated (an unknown function,
    // say). One trial decision for a request a line matches evaluates the
    // whole matcher now rather than on a live request.
    let (role, kind, action, rel) =
        probe.unwrap_or((Role::Guardian, Kind::Student, Action::Read, Relationship::GuardianOf));
    enforcer
        .enforce((role.as_str(), kind.as_str(), action.as_str(), rel.as_str()))
        .map_err(|e| model_error(model_file, casbin_reason(e)))?;
    Ok(enforcer)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STANDARD: &str = include_str!("../../policy/model.conf");

    async fn reason(model_text: &str) -> String {
        let sources = Sources {
            model_file: Path::new("m.conf"),
            model_text,
            policy_file: Path::new("p.csv"),
            policy_text: "p, guardian, result, read, guardian_of, allow",
        };
        let probe = (Role::Guardian, Kind::Result, Action::Read, Relationship::GuardianOf);
        let built = build_enforcer(sources, Some(probe)).await;
        match built {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    #[tokio::test]
    async fn the_shipped_model_has_the_required_shape() {
        assert_eq!(reason(STANDARD).await, "");
    }

    #[tokio::test]
    async fn an_effect_casbin_rs_does_not_support_is_refused_instead_of_panicking() {
        let text = STANDARD.replace("p.eft == allow))", "p.eft==allow))");
        assert!(reason(&text).await.contains("[policy_effect]"));
    }

    #[tokio::test]
    async fn a_default_allow_effect_is_refused() {
        let text = STANDARD
            .replace("some(where (p.eft == allow)) && !some(where (p.eft == deny))", "!some(where (p.eft == deny))");
        assert!(reason(&text).await.contains("[policy_effect]"));
    }

    #[tokio::test]
    async fn a_request_without_the_relationship_is_refused() {
        let text = STANDARD
            .replace("r = sub, obj, act, rel", "r = sub, obj, act")
            .replace("(r.rel == p.rel || p.eft == \"deny\" && p.rel == \"any\") && ", "");
        assert!(reason(&text).await.contains("[request_definition]"));
    }

    #[tokio::test]
    async fn a_matcher_naming_an_unknown_field_is_refused() {
        let text = STANDARD.replace("r.rel == p.rel", "r.rel == p.relation");
        assert!(reason(&text).await.contains("p.relation"), "{}", reason(&text).await);
    }

    #[tokio::test]
    async fn a_matcher_calling_an_unknown_function_is_refused() {
        let text = STANDARD.replace("g(r.sub, p.sub)", "g(r.sub, p.sub) && later(r.sub)");
        assert!(reason(&text).await.contains("later"), "{}", reason(&text).await);
    }
}
