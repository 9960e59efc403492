//! A bounded cache of parsed GraphQL documents, keyed by the query text. Mobile apps send
//! the same few queries over and over; parsing one costs tens of microseconds, a cache hit
//! a clone. Validation still runs on every request. The cache lives in one process and is
//! cleared when full.
//!
//! It never keeps a secret: a document holding a string literal anywhere (an argument, an
//! input object's field, a variable's default, a directive) is parsed for its request and
//! not kept, so a `signIn` with a literal password, a `refreshSession` with a literal token
//! or a search for a literal identity number leaves nothing behind. Apps pass values as
//! variables, and their documents are kept.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql_value::Value;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// Most documents kept.
const CAPACITY: usize = 512;
/// Longest query text cached.
const LONGEST: usize = 16 * 1024;

/// Parsed documents by query text.
#[derive(Default)]
pub struct DocumentCache {
    documents: RwLock<HashMap<Arc<str>, ExecutableDocument>>,
}

impl DocumentCache {
    /// Gives `request` its parsed document from the cache, parsing and caching it first
    /// when needed. A query that does not parse is left for the schema to report.
    pub fn prepare(&self, mut request: async_graphql::Request) -> async_graphql::Request {
        if request.query.len() > LONGEST {
            return request;
        }
        let cached = self.documents.read().ok().and_then(|documents| documents.get(request.query.as_str()).cloned());
        if let Some(document) = cached {
            request.set_parsed_query(document);
            return request;
        }
        if let Ok(document) = async_graphql::parser::parse_query(&request.query) {
            if holds_string_literal(&document) {
                request.set_parsed_query(document);
                return request;
            }
            if let Ok(mut documents) = self.documents.write() {
                if documents.len() >= CAPACITY {
                    documents.clear();
                }
                documents.insert(Arc::from(request.query.as_str()), document.clone());
            }
            request.set_parsed_query(document);
        }
        request
    }
}

/// Whether `document` holds a string literal anywhere.
fn holds_string_literal(document: &ExecutableDocument) -> bool {
    let operations = document.operations.iter().any(|(_, operation)| {
        let operation = &operation.node;
        let defaults =
            operation.variable_definitions.iter().filter_map(|definition| definition.node.default_value.as_ref());
        defaults.into_iter().any(|value| has_string(&value.node.clone().into_value()))
            || operation
                .directives
                .iter()
                .any(|directive| directive.node.arguments.iter().any(|(_, v)| has_string(&v.node)))
            || set_has_string(&operation.selection_set.node)
    });
    operations || document.fragments.values().any(|fragment| set_has_string(&fragment.node.selection_set.node))
}

fn set_has_string(set: &SelectionSet) -> bool {
    set.items.iter().any(|selection| {
        let (directives, inner) = match &selection.node {
            Selection::Field(field) => {
                if field.node.arguments.iter().any(|(_, value)| has_string(&value.node)) {
                    return true;
                }
                (&field.node.directives, Some(&field.node.selection_set.node))
            }
            Selection::InlineFragment(inline) => (&inline.node.directives, Some(&inline.node.selection_set.node)),
            Selection::FragmentSpread(spread) => (&spread.node.directives, None),
        };
        directives.iter().any(|directive| directive.node.arguments.iter().any(|(_, value)| has_string(&value.node)))
            || inner.is_some_and(set_has_string)
    })
}

fn has_string(value: &Value) -> bool {
    match value {
        Value::String(_) => true,
        Value::List(items) => items.iter().any(has_string),
        Value::Object(fields) => fields.values().any(has_string),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::DocumentCache;

    #[test]
    fn a_document_holding_a_secret_is_not_kept() {
        let cache = DocumentCache::default();
        let literal = r#"mutation { signIn(identifier: "gvcn", password: "mat-khau-bi-mat") { accessToken } }"#;
        let _ = cache.prepare(async_graphql::Request::new(literal));
        let nested = r#"{ students(first: 5) @include(if: true) { nodes { ... on Student { results(sectionId: "x") { score } } } } }"#;
        let _ = cache.prepare(async_graphql::Request::new(nested));
        let default = r#"query($p: String = "mat-khau") { me { roles } }"#;
        let _ = cache.prepare(async_graphql::Request::new(default));
        let kept = cache.documents.read().unwrap();
        assert!(kept.keys().all(|query| !query.contains("mat-khau")), "no secret is kept");
        assert!(kept.is_empty(), "no document with a string literal is kept: {:?}", kept.keys().collect::<Vec<_>>());
        drop(kept);
        let variables = "mutation($i: String!, $p: String!) { signIn(identifier: $i, password: $p) { accessToken } }";
        let _ = cache.prepare(async_graphql::Request::new(variables));
        assert_eq!(cache.documents.read().unwrap().len(), 1, "a document with variables is kept");
    }

    #[test]
    fn a_cached_document_is_reused_and_a_broken_query_is_left_alone() {
        let cache = DocumentCache::default();
        let mut first = cache.prepare(async_graphql::Request::new("{ me { roles } }"));
        assert!(first.parsed_query().is_ok());
        assert_eq!(cache.documents.read().unwrap().len(), 1);
        let _ = cache.prepare(async_graphql::Request::new("{ me { roles } }"));
        assert_eq!(cache.documents.read().unwrap().len(), 1);
        let _ = cache.prepare(async_graphql::Request::new("{ me { "));
        assert_eq!(cache.documents.read().unwrap().len(), 1);
    }
}
