//! The operation a request runs, found in its parsed document as execution finds it (the one
//! named by `operationName`, or the only one), and what can be told of it before it runs:
//! which fields `@skip` and `@include` leave in.

use async_graphql::parser::types::{Directive, DocumentOperations, ExecutableDocument, OperationDefinition};
use async_graphql::{Positioned, Value, Variables};

/// The operation of `document` that a request with `operation_name` runs; `None` when there
/// is no such operation or it is ambiguous (execution then reports it, and nothing runs).
pub fn selected<'a>(document: &'a ExecutableDocument, operation_name: Option<&str>) -> Option<&'a OperationDefinition> {
    let operation = match (&document.operations, operation_name) {
        (DocumentOperations::Single(operation), None) => operation,
        (DocumentOperations::Single(_), Some(_)) => return None,
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name)?,
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => operations.values().next()?,
        (DocumentOperations::Multiple(_), None) => return None,
    };
    Some(&operation.node)
}

/// Whether a selection with these directives is left in: not `@skip(if: true)` and not
/// `@include(if: false)`, the conditions read from the variables (or their defaults).
pub fn included(directives: &[Positioned<Directive>], operation: &OperationDefinition, variables: &Variables) -> bool {
    directives.iter().all(|directive| {
        let condition = || {
            let argument = directive.node.get_argument("if")?;
            let value = argument.node.clone().into_const_with(|name| variable(&name, operation, variables).ok_or(()));
            match value.ok()? {
                Value::Boolean(flag) => Some(flag),
                _ => None,
            }
        };
        match directive.node.name.node.as_str() {
            "skip" => condition() != Some(true),
            "include" => condition() != Some(false),
            _ => true,
        }
    })
}

/// The value of the variable `name`: given, or its definition's default.
fn variable(name: &str, operation: &OperationDefinition, variables: &Variables) -> Option<Value> {
    variables.get(name).cloned().or_else(|| {
        let definition = operation.variable_definitions.iter().find(|definition| definition.node.name.node == name)?;
        definition.node.default_value().cloned()
    })
}
