//! A result serialised in the query's order, in the walk that writes the body: an object
//! whose keys are in order already is written as it is, another through a sorted list of its
//! entries.

use super::plan::{Plan, Walk, position, subfields};
use async_graphql::parser::types::SelectionSet;
use async_graphql::{Name, Value};
use serde::ser::{Serialize, SerializeMap as _, SerializeSeq as _, Serializer};

/// A result that serialises with its fields in the query's order.
pub struct Ordered<'a> {
    walk: Option<Walk<'a>>,
    plan: Plan<'a>,
    data: &'a Value,
}

impl<'a> Ordered<'a> {
    /// `data`, to be written in the order `walk` gives (as it is without one).
    pub(super) fn new(walk: Option<Walk<'a>>, data: &'a Value) -> Self {
        Self { walk, plan: Plan::default(), data }
    }
}

impl Serialize for Ordered<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.walk {
            Some(walk) => {
                let sets = [&walk.operation.selection_set.node];
                InPlan { walk, value: self.data, plan: &self.plan, sets: &sets }.serialize(serializer)
            }
            None => self.data.serialize(serializer),
        }
    }
}

/// A value of the result, with the plan of the selection sets that shaped it.
struct InPlan<'w, 'a> {
    walk: &'w Walk<'a>,
    value: &'w Value,
    plan: &'w Plan<'a>,
    sets: &'w [&'a SelectionSet],
}

impl Serialize for InPlan<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.value {
            Value::Object(object) => {
                let keys = self.plan.keys.get_or_init(|| self.walk.collect(self.sets));
                let mut map = serializer.serialize_map(Some(object.len()))?;
                let mut write = |key: &Name, value: &Value| match subfields(keys, key, value) {
                    Some(sub) => {
                        let value = InPlan { walk: self.walk, value, plan: &sub.plan, sets: &sub.sets };
                        map.serialize_entry(key, &value)
                    }
                    None => map.serialize_entry(key, value),
                };
                if object.keys().map(|key| position(keys, key)).is_sorted() {
                    object.iter().try_for_each(|(key, value)| write(key, value))?;
                } else {
                    let mut entries: Vec<(&Name, &Value)> = object.iter().collect();
                    entries.sort_by_cached_key(|(key, _)| position(keys, key));
                    entries.into_iter().try_for_each(|(key, value)| write(key, value))?;
                }
                map.end()
            }
            Value::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for value in items {
                    seq.serialize_element(&InPlan { value, ..*self })?;
                }
                seq.end()
            }
            other => other.serialize(serializer),
        }
    }
}
