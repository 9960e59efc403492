//! Puts the fields of a result in the order the query asks for them. GraphQL orders each
//! object's fields as its selection set lists them (CollectFields: a fragment's fields where
//! the fragment is spread, an alias where it is written, a field asked for twice at its first
//! place). async-graphql 7.2 resolves an object's fields concurrently and keeps them in the
//! order they finish, so a field read through a batch (a student's guardians) lands after one
//! read from the row (the name) whatever the query said. This walks the result beside the
//! operation's selection sets and sorts each object's keys back into the query's order.
//!
//! Each selection set's order is worked out once and shared by every object it shaped (the
//! items of a list), and a fragment spread twice in one selection set is expanded once. A
//! fragment's type condition is not checked: on an object type every valid fragment
//! applies; only where an interface's fragments name the same key for different types could
//! the order differ from the query's.

use super::operation::{included, selected};
use async_graphql::futures_util::stream::{BoxStream, StreamExt as _};
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{ExecutableDocument, OperationDefinition, Selection, SelectionSet};
use async_graphql::{Data, Executor, Name, Request, Response, ServerError, Value, Variables};
use std::cell::OnceCell;
use std::collections::HashSet;
use std::sync::Arc;

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
        if let Some(operation) = self.operation() {
            order_fields(data, &self.document, operation, &self.variables);
        }
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

/// Sorts the keys of every object in `data` (the result of `operation` in `document`) into
/// the order the query asks for them.
pub fn order_fields(
    data: &mut Value,
    document: &ExecutableDocument,
    operation: &OperationDefinition,
    variables: &Variables,
) {
    let walk = Walk { document, operation, variables };
    let plan = Plan::default();
    walk.arrange(data, &plan, &[&operation.selection_set.node]);
}

/// What orders the objects that some selection sets shape.
struct Walk<'a> {
    document: &'a ExecutableDocument,
    operation: &'a OperationDefinition,
    variables: &'a Variables,
}

/// The response keys of some selection sets in order, each with the selection sets of its
/// fields (worked out when first needed).
#[derive(Default)]
struct Plan<'a> {
    keys: OnceCell<IndexMap<&'a Name, Subfields<'a>>>,
}

/// The selection sets of one response key's fields, and their plan.
#[derive(Default)]
struct Subfields<'a> {
    sets: Vec<&'a SelectionSet>,
    plan: Plan<'a>,
}

impl<'a> Walk<'a> {
    fn arrange(&self, value: &mut Value, plan: &Plan<'a>, sets: &[&'a SelectionSet]) {
        match value {
            Value::Object(object) => {
                let keys = plan.keys.get_or_init(|| self.collect(sets));
                object.sort_by_cached_key(|key, _| keys.get_index_of(key).unwrap_or(usize::MAX));
                for (key, value) in object.iter_mut() {
                    if let Some(subfields) = keys.get(key).filter(|subfields| !subfields.sets.is_empty()) {
                        self.arrange(value, &subfields.plan, &subfields.sets);
                    }
                }
            }
            Value::List(items) => items.iter_mut().for_each(|item| self.arrange(item, plan, sets)),
            _ => {}
        }
    }

    /// The response keys of `sets` in the order GraphQL collects them.
    fn collect(&self, sets: &[&'a SelectionSet]) -> IndexMap<&'a Name, Subfields<'a>> {
        let mut keys = IndexMap::new();
        let mut expanded = HashSet::new();
        for set in sets {
            self.collect_set(set, &mut keys, &mut expanded);
        }
        keys
    }

    fn collect_set(
        &self,
        set: &'a SelectionSet,
        keys: &mut IndexMap<&'a Name, Subfields<'a>>,
        expanded: &mut HashSet<&'a Name>,
    ) {
        for selection in &set.items {
            if !included(selection.node.directives(), self.operation, self.variables) {
                continue;
            }
            match &selection.node {
                Selection::Field(field) => {
                    let subfields = keys.entry(&field.node.response_key().node).or_default();
                    if !field.node.selection_set.node.items.is_empty() {
                        subfields.sets.push(&field.node.selection_set.node);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if let Some(fragment) = self.document.fragments.get(name)
                        && expanded.insert(name)
                    {
                        self.collect_set(&fragment.node.selection_set.node, keys, expanded);
                    }
                }
                Selection::InlineFragment(fragment) => {
                    self.collect_set(&fragment.node.selection_set.node, keys, expanded);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::order_fields;
    use crate::graphql::operation::selected;
    use async_graphql::{Value, Variables};

    fn ordered(query: &str, variables: serde_json::Value, result: serde_json::Value) -> String {
        let document = async_graphql::parser::parse_query(query).unwrap();
        let operation = selected(&document, None).unwrap();
        let mut data = Value::from_json(result).unwrap();
        order_fields(&mut data, &document, operation, &Variables::from_json(variables));
        serde_json::to_string(&data).unwrap()
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
