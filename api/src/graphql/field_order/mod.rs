//! Puts the fields of a result in the order the query asks for them. GraphQL orders each
//! object's fields as its selection set lists them (CollectFields: a fragment's fields where
//! the fragment is spread, an alias where it is written, a field asked for twice at its first
//! place). async-graphql 7.2 resolves an object's fields concurrently and keeps them in the
//! order they finish, so a field read through a batch (a student's guardians) lands after one
//! read from the row (the name) whatever the query said. The result is walked beside the
//! operation's selection sets, and each object's keys go in the query's order: as the body is
//! written ([`ResultOrder::ordered`], over HTTP: the walk that serialises does it), or in place
//! ([`ResultOrder::apply`], for the WebSocket, whose messages async-graphql writes).
//!
//! Each selection set's order is worked out once and shared by every object it shaped (the
//! items of a list), and a fragment spread twice in one selection set is expanded once; an
//! object already in order is only compared, key by key. A fragment's type condition is not
//! checked: on an object type every valid fragment applies; only where an interface's
//! fragments name the same key for different types could the order differ from the query's.

mod plan;
mod written;

use super::operation::selected;
use async_graphql::futures_util::stream::{BoxStream, StreamExt as _};
use async_graphql::parser::types::{ExecutableDocument, OperationDefinition};
use async_graphql::{Data, Executor, Request, Response, ServerError, Value, Variables};
use plan::{Plan, Walk};
use std::sync::Arc;
pub use written::Ordered;

/// The operation a result comes from, kept to put the result's fields in the query's order.
pub struct ResultOrder {
    document: ExecutableDocument,
    operation_name: Option<String>,
    variables: Variables,
}

impl ResultOrder {
    /// The order of `request`'s result; the parse error when its document does not parse.
    pub fn of(request: &mut Request) -> Result<Self, ServerError> {
        let document = request.parsed_query()?.clone();
        Ok(Self { document, operation_name: request.operation_name.clone(), variables: request.variables.clone() })
    }

    /// The operation the request runs, if it can be chosen.
    pub fn operation(&self) -> Option<&OperationDefinition> {
        selected(&self.document, self.operation_name.as_deref())
    }

    /// Sorts the fields of every object of `data` into the order the query asks for them.
    pub fn apply(&self, data: &mut Value) {
        if let Some(walk) = self.walk() {
            walk.arrange(data, &Plan::default(), &[&walk.operation.selection_set.node]);
        }
    }

    /// `data`, serialised with the fields of every object in the order the query asks for
    /// them.
    pub fn ordered<'a>(&'a self, data: &'a Value) -> Ordered<'a> {
        Ordered::new(self.walk(), data)
    }

    fn walk(&self) -> Option<Walk<'_>> {
        let operation = self.operation()?;
        Some(Walk { document: &self.document, operation, variables: &self.variables })
    }
}

/// An executor whose results have their fields in the query's order (for the WebSocket).
#[derive(Clone)]
pub struct InOrder<E>(pub E);

impl<E: Executor> Executor for InOrder<E> {
    async fn execute(&self, mut request: Request) -> Response {
        let order = ResultOrder::of(&mut request).ok();
        let mut response = self.0.execute(request).await;
        if let Some(order) = order {
            order.apply(&mut response.data);
        }
        response
    }

    fn execute_stream(&self, mut request: Request, session_data: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        let order = ResultOrder::of(&mut request).ok();
        self.0
            .execute_stream(request, session_data)
            .map(move |mut response| {
                if let Some(order) = &order {
                    order.apply(&mut response.data);
                }
                response
            })
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::ResultOrder;
    use async_graphql::{Value, Variables};

    /// The result ordered as the body is written, after checking that ordering it in place
    /// gives the same.
    fn ordered(query: &str, variables: serde_json::Value, result: serde_json::Value) -> String {
        let mut request = async_graphql::Request::new(query).variables(Variables::from_json(variables));
        let order = ResultOrder::of(&mut request).unwrap();
        let data = Value::from_json(result).unwrap();
        let written = serde_json::to_string(&order.ordered(&data)).unwrap();
        let mut in_place = data;
        order.apply(&mut in_place);
        assert_eq!(serde_json::to_string(&in_place).unwrap(), written);
        written
    }

    #[test]
    fn keys_follow_the_selection_set_through_aliases_fragments_and_merges() {
        let query = "query($no: Boolean = true) {
            list { b ...F c @skip(if: $no) a: x inner { y } ... on T { c } }
        }
        fragment F on T { inner { z } d ...F }";
        let result = serde_json::json!({ "list": [
            { "c": 1, "inner": { "z": 1, "y": 2 }, "a": 3, "d": 4, "b": 5 },
            { "d": 4, "b": 5, "a": 3, "inner": { "y": 2, "z": 1 }, "c": 1 },
        ] });
        let item = r#"{"b":5,"inner":{"z":1,"y":2},"d":4,"a":3,"c":1}"#;
        assert_eq!(ordered(query, serde_json::json!({}), result.clone()), format!(r#"{{"list":[{item},{item}]}}"#));
        // With `$no` false, `c` is collected where it is first written, before `a`.
        let item = r#"{"b":5,"inner":{"z":1,"y":2},"d":4,"c":1,"a":3}"#;
        let expected = format!(r#"{{"list":[{item},{item}]}}"#);
        assert_eq!(ordered(query, serde_json::json!({ "no": false }), result), expected);
    }
}
