//! The walk that weighs one operation of a parsed document as it will execute: fragments
//! expanded without materialising the expansion (each fragment weighed once per mode and
//! remembered), every list field multiplied by its bound, aliases counted as the separate
//! selections they are. On the way it refuses fragment cycles and Int literals out of
//! range. Its work is proportional to the document's size.

use super::shape::{self, Shape};
use super::{Refusal, bounds, introspection};
use async_graphql::parser::types::{
    BaseType, ExecutableDocument, OperationDefinition, OperationType, Selection, SelectionSet, Type,
};
use async_graphql::{Name, Positioned, Variables};
use async_graphql_value::{ConstValue, Value};
use std::collections::{HashMap, HashSet};

/// How a selection is weighed: as data (with the page of the enclosing connection, 0 when
/// none), or as introspection while enumerating the schema or through a type reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    Data(u64),
    Schema,
    Reference,
}

impl Mode {
    fn is_introspection(self) -> bool {
        !matches!(self, Mode::Data(_))
    }
}

/// What an operation weighs.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Weight {
    /// Fields of data the answer can hold, lists multiplied by their bounds.
    pub cost: u64,
    /// Deepest nesting of data fields.
    pub depth: u64,
    /// The same two for the introspection part.
    pub introspection: u64,
    pub introspection_depth: u64,
    /// Fields that check a password or code against the sign-in throttle (`signIn`,
    /// `activateAccount`, `resetPassword`, `requestPasswordReset`, `changePassword`), and
    /// `refreshSession` fields.
    pub sign_ins: u64,
    pub refreshes: u64,
}

impl Weight {
    fn add(self, other: Weight) -> Weight {
        Weight {
            cost: self.cost.saturating_add(other.cost),
            depth: self.depth.max(other.depth),
            introspection: self.introspection.saturating_add(other.introspection),
            introspection_depth: self.introspection_depth.max(other.introspection_depth),
            sign_ins: self.sign_ins.saturating_add(other.sign_ins),
            refreshes: self.refreshes.saturating_add(other.refreshes),
        }
    }

    /// The heavier of two operations, measure by measure.
    pub fn max(self, other: Weight) -> Weight {
        Weight {
            cost: self.cost.max(other.cost),
            depth: self.depth.max(other.depth),
            introspection: self.introspection.max(other.introspection),
            introspection_depth: self.introspection_depth.max(other.introspection_depth),
            sign_ins: self.sign_ins.max(other.sign_ins),
            refreshes: self.refreshes.max(other.refreshes),
        }
    }
}

/// Weighs the operations of one document.
pub struct Walk<'a> {
    shape: &'a Shape,
    document: &'a ExecutableDocument,
    variables: HashMap<Name, ConstValue>,
    weighed: HashMap<(Name, Mode), Weight>,
    open: HashSet<Name>,
    /// Selections visited, for tests of the walk's own cost.
    pub visits: u64,
}

impl<'a> Walk<'a> {
    pub fn new(shape: &'a Shape, document: &'a ExecutableDocument) -> Self {
        Self { shape, document, variables: HashMap::new(), weighed: HashMap::new(), open: HashSet::new(), visits: 0 }
    }

    /// The weight of `operation` with the request's `variables`.
    pub fn operation(&mut self, operation: &OperationDefinition, variables: &Variables) -> Result<Weight, Refusal> {
        self.variables = operation
            .variable_definitions
            .iter()
            .filter_map(|definition| {
                let default = definition.node.default_value.as_ref()?.node.clone();
                Some((definition.node.name.node.clone(), default))
            })
            .collect();
        self.variables.extend(variables.iter().map(|(name, value)| (name.clone(), value.clone())));
        self.weighed.clear();
        let root = match operation.ty {
            OperationType::Query => "QueryRoot",
            OperationType::Mutation => "MutationRoot",
            OperationType::Subscription => "SubscriptionRoot",
        };
        self.selection_set(&operation.selection_set.node, root, Mode::Data(0))
    }

    fn selection_set(&mut self, set: &SelectionSet, ty: &str, mode: Mode) -> Result<Weight, Refusal> {
        let mut weight = Weight::default();
        for selection in &set.items {
            self.visits += 1;
            let part = match &selection.node {
                Selection::Field(field) => self.field(&field.node, ty, mode)?,
                Selection::InlineFragment(inline) => {
                    let inline = &inline.node;
                    let on = inline.type_condition.as_ref().map_or(ty, |condition| condition.node.on.node.as_str());
                    self.selection_set(&inline.selection_set.node, on, mode)?
                }
                Selection::FragmentSpread(spread) => self.fragment(&spread.node.fragment_name.node, mode)?,
            };
            weight = weight.add(part);
        }
        Ok(weight)
    }

    /// A fragment's weight in `mode`, weighed at its first spread and remembered.
    fn fragment(&mut self, name: &Name, mode: Mode) -> Result<Weight, Refusal> {
        if let Some(weight) = self.weighed.get(&(name.clone(), mode)) {
            return Ok(*weight);
        }
        let Some(fragment) = self.document.fragments.get(name) else { return Ok(Weight::default()) };
        if !self.open.insert(name.clone()) {
            return Err(Refusal::FragmentCycle(name.to_string()));
        }
        let fragment = &fragment.node;
        let weight = self.selection_set(&fragment.selection_set.node, &fragment.type_condition.node.on.node, mode)?;
        self.open.remove(name);
        self.weighed.insert((name.clone(), mode), weight);
        Ok(weight)
    }

    fn field(&mut self, field: &async_graphql::parser::types::Field, ty: &str, mode: Mode) -> Result<Weight, Refusal> {
        let name = field.name.node.as_str();
        let (returns, items, next) = self.step(field, ty, name, mode)?;
        let inner = self.selection_set(&field.selection_set.node, &returns, next)?;
        let mut weight = Weight { cost: 0, depth: 0, ..inner };
        if mode.is_introspection() || next.is_introspection() {
            weight.introspection = items.saturating_mul(inner.introspection.saturating_add(1));
            weight.introspection_depth = inner.introspection_depth + 1;
        } else {
            weight.cost = items.saturating_mul(inner.cost.saturating_add(1));
            weight.depth = inner.depth + 1;
        }
        if ty == "MutationRoot" {
            weight.sign_ins += u64::from(crate::graphql::cost::SIGN_IN_FIELDS.contains(&name));
            weight.refreshes += u64::from(name == "refreshSession");
        }
        Ok(weight)
    }

    /// What the field `name` of `ty` returns, how many of it, and the mode of its selection.
    fn step(
        &self,
        field: &async_graphql::parser::types::Field,
        ty: &str,
        name: &str,
        mode: Mode,
    ) -> Result<(String, u64, Mode), Refusal> {
        if name == "__typename" {
            return Ok((String::new(), 1, mode));
        }
        if mode.is_introspection() {
            return Ok(introspection::step(ty, name, mode)
                .map_or((String::new(), 1, mode), |step| (step.returns.to_owned(), step.items, step.mode)));
        }
        match name {
            "__schema" => return Ok(("__Schema".to_owned(), 1, Mode::Reference)),
            "__type" => return Ok(("__Type".to_owned(), 1, Mode::Reference)),
            _ => {}
        }
        let Some(known) = self.shape.field(ty, name) else { return Ok((String::new(), 1, Mode::Data(0))) };
        self.check_arguments(field, known)?;
        let first = self.integer(field, known, "first");
        let items = if known.list { self.items(field, known, ty, name, mode) } else { 1 };
        let page = match first {
            Some(first) if !known.list => first,
            _ => 0,
        };
        Ok((known.returns.to_string(), items.max(1), Mode::Data(page)))
    }

    fn items(
        &self,
        field: &async_graphql::parser::types::Field,
        known: &shape::Field,
        ty: &str,
        name: &str,
        mode: Mode,
    ) -> u64 {
        match bounds::of(ty, name) {
            Some(bounds::Bound::Items(items)) => items,
            Some(bounds::Bound::First) => self.integer(field, known, "first").unwrap_or(bounds::STUDENT_PAGE),
            Some(bounds::Bound::ConnectionPage) => match mode {
                Mode::Data(page) if page > 0 => page,
                _ => bounds::STUDENT_PAGE,
            },
            Some(bounds::Bound::Narrowed { by, narrowed, whole }) => {
                if self.argument(field, known, by).is_some_and(|value| value != ConstValue::Null) {
                    narrowed
                } else {
                    whole
                }
            }
            Some(bounds::Bound::PerDay(per_day)) => self.days(field, known).saturating_mul(per_day),
            None => bounds::UNKNOWN,
        }
    }

    /// Days from the `from` argument to the `to` argument, both included.
    fn days(&self, field: &async_graphql::parser::types::Field, known: &shape::Field) -> u64 {
        let date = |name: &str| match self.argument(field, known, name) {
            Some(ConstValue::String(text)) => chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok(),
            _ => None,
        };
        match (date("from"), date("to")) {
            (Some(from), Some(to)) => u64::try_from((to - from).num_days() + 1).unwrap_or(1),
            _ => bounds::DAYS_UNKNOWN,
        }
    }

    /// A whole-number argument, at least 1.
    fn integer(&self, field: &async_graphql::parser::types::Field, known: &shape::Field, name: &str) -> Option<u64> {
        match self.argument(field, known, name)? {
            ConstValue::Number(number) => number.as_u64().map(|n| n.max(1)).or_else(|| number.as_i64().map(|_| 1)),
            _ => None,
        }
    }

    /// The value of argument `name`: given in the document, through a variable, or its default.
    fn argument(
        &self,
        field: &async_graphql::parser::types::Field,
        known: &shape::Field,
        name: &str,
    ) -> Option<ConstValue> {
        let given = field.arguments.iter().find(|(argument, _)| argument.node == name);
        match given {
            Some((_, value)) => self.constant(&value.node),
            None => known.arguments.get(name)?.default.clone(),
        }
    }

    fn constant(&self, value: &Value) -> Option<ConstValue> {
        value.clone().into_const_with(|variable| self.variables.get(&variable).cloned().ok_or(())).ok()
    }

    /// Refuses an Int literal out of range in any argument, in lists and input objects too.
    fn check_arguments(
        &self,
        field: &async_graphql::parser::types::Field,
        known: &shape::Field,
    ) -> Result<(), Refusal> {
        for (name, value) in &field.arguments {
            if let Some(input) = known.arguments.get(&name.node) {
                self.check_int(&value.node, &input.ty, name.node.as_str())?;
            }
        }
        Ok(())
    }

    fn check_int(&self, value: &Value, ty: &Type, argument: &str) -> Result<(), Refusal> {
        match (&ty.base, value) {
            (BaseType::List(inner), Value::List(items)) => {
                items.iter().try_for_each(|item| self.check_int(item, inner, argument))
            }
            (BaseType::List(inner), value) => self.check_int(value, inner, argument),
            (BaseType::Named(name), Value::Number(number)) if name == "Int" => {
                let fits = number.as_i64().is_some_and(|n| i32::try_from(n).is_ok());
                let integral = number.is_i64() || number.is_u64();
                if integral && !fits { Err(Refusal::IntOutOfRange(argument.to_owned())) } else { Ok(()) }
            }
            (BaseType::Named(name), Value::Object(fields)) => {
                let Some(input) = self.shape.inputs.get(name) else { return Ok(()) };
                fields.iter().try_for_each(|(field, value)| match input.get(field) {
                    Some(declared) => self.check_int(value, &declared.ty, &format!("{argument}.{field}")),
                    None => Ok(()),
                })
            }
            _ => Ok(()),
        }
    }
}

/// Every operation of `document`, weighed.
pub fn operations(document: &ExecutableDocument) -> impl Iterator<Item = &Positioned<OperationDefinition>> {
    document.operations.iter().map(|(_, operation)| operation)
}
