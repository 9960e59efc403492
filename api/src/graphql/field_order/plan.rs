//! The plan of a result's order: the response keys of each selection set in the order
//! GraphQL collects them, worked out once per selection set, and the walk that sorts a
//! result's objects in place by it.

use crate::graphql::operation::included;
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::{ExecutableDocument, OperationDefinition, Selection, SelectionSet};
use async_graphql::{Name, Value, Variables};
use std::cell::OnceCell;
use std::collections::HashSet;

/// Where `key` comes in `keys` (after all of them when it is not there). A selection set
/// names a handful of keys, which a scan compares faster than a hash finds.
pub(super) fn position(keys: &IndexMap<&Name, Subfields<'_>>, key: &Name) -> usize {
    const SCANNED: usize = 16;
    if keys.len() <= SCANNED {
        keys.keys().position(|candidate| candidate.as_str() == key.as_str())
    } else {
        keys.get_index_of(key)
    }
    .unwrap_or(usize::MAX)
}

/// The subfields of `key` when its `value` holds objects whose selection sets they give.
pub(super) fn subfields<'p, 'a>(
    keys: &'p IndexMap<&'a Name, Subfields<'a>>,
    key: &Name,
    value: &Value,
) -> Option<&'p Subfields<'a>> {
    if !matches!(value, Value::Object(_) | Value::List(_)) {
        return None;
    }
    keys.get(key).filter(|sub| !sub.sets.is_empty())
}

/// What orders the objects that some selection sets shape.
pub(super) struct Walk<'a> {
    pub(super) document: &'a ExecutableDocument,
    pub(super) operation: &'a OperationDefinition,
    pub(super) variables: &'a Variables,
}

/// The response keys of some selection sets in order, each with the selection sets of its
/// fields (worked out when first needed).
#[derive(Default)]
pub(super) struct Plan<'a> {
    pub(super) keys: OnceCell<IndexMap<&'a Name, Subfields<'a>>>,
}

/// The selection sets of one response key's fields, and their plan.
#[derive(Default)]
pub(super) struct Subfields<'a> {
    pub(super) sets: Vec<&'a SelectionSet>,
    pub(super) plan: Plan<'a>,
}

impl<'a> Walk<'a> {
    pub(super) fn arrange(&self, value: &mut Value, plan: &Plan<'a>, sets: &[&'a SelectionSet]) {
        match value {
            Value::Object(object) => {
                let keys = plan.keys.get_or_init(|| self.collect(sets));
                let positions = object.keys().map(|key| position(keys, key));
                if !positions.is_sorted() {
                    object.sort_by_cached_key(|key, _| position(keys, key));
                }
                for (key, value) in object.iter_mut() {
                    if let Some(sub) = subfields(keys, key, value) {
                        self.arrange(value, &sub.plan, &sub.sets);
                    }
                }
            }
            Value::List(items) => items.iter_mut().for_each(|item| self.arrange(item, plan, sets)),
            _ => {}
        }
    }

    /// The response keys of `sets` in the order GraphQL collects them.
    pub(super) fn collect(&self, sets: &[&'a SelectionSet]) -> IndexMap<&'a Name, Subfields<'a>> {
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
