//! The operation a request runs, found in its parsed document as execution finds it (the one
//! named by `operationName`, or the only one), and what can be told of it before it runs: its
//! kind, so that a transport can refuse what it may not run (GET runs queries only); whether
//! every variable that needs a value has one (GraphQL's CoerceVariableValues: a non-null
//! variable without a default may be neither left out nor null), a request error with the
//! variable's place in the document; and which fields `@skip` and `@include` leave in.
//! Values of the wrong type are the schema's validation to report.

use crate::error::ApiError;
use async_graphql::parser::types::{
    Directive, DocumentOperations, ExecutableDocument, OperationDefinition, OperationType,
};
use async_graphql::{Positioned, ServerError, Value, Variables};

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

/// Whether the operation only reads (a query), as a safe method requires.
pub fn is_query(operation: &OperationDefinition) -> bool {
    operation.ty == OperationType::Query
}

/// Refuses an operation whose non-null variables without a default were given no value or
/// null: `BAD_USER_INPUT`, at the first such variable's definition.
pub fn check_variables(operation: &OperationDefinition, variables: &Variables) -> Result<(), ServerError> {
    for definition in &operation.variable_definitions {
        let variable = &definition.node;
        if variable.var_type.node.nullable {
            continue;
        }
        let missing = match variables.get(&variable.name.node) {
            Some(value) => *value == Value::Null,
            None => variable.default_value.is_none(),
        };
        if missing {
            let name = &variable.name.node;
            let of_type = &variable.var_type.node;
            let error = ApiError::bad_input(
                format!("biến ${name} (kiểu {of_type}) cần một giá trị khác null"),
                format!("the variable ${name} (of type {of_type}) needs a value other than null"),
            );
            return Err(async_graphql::Error::from(error).into_server_error(definition.pos));
        }
    }
    Ok(())
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
