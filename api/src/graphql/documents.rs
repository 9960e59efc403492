//! A bounded cache of parsed GraphQL documents, keyed by the query text. Mobile apps send
//! the same few queries over and over; parsing one costs tens of microseconds, a cache hit
//! a clone. Validation still runs on every request. The cache holds query texts only (apps
//! pass values as variables), lives in one process, and is cleared when full.

use async_graphql::parser::types::ExecutableDocument;
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

#[cfg(test)]
mod tests {
    use super::DocumentCache;

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
