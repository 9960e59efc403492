//! The schema's shape as the weighing needs it, read from the schema's own SDL: for every
//! object and interface type its fields (what each returns, whether a list, its arguments
//! with their types and defaults), and for every input object its fields' types. Built once
//! per schema, so a field added to the schema is known here without a hand-kept list.

use async_graphql::Name;
use async_graphql::parser::types::{BaseType, InputValueDefinition, Type, TypeKind, TypeSystemDefinition};
use async_graphql_value::ConstValue;
use std::collections::HashMap;

/// An argument or input field: its type and default.
#[derive(Debug, Clone)]
pub struct Input {
    pub ty: Type,
    pub default: Option<ConstValue>,
}

/// A field of an output type.
#[derive(Debug, Clone)]
pub struct Field {
    /// The named type it returns, without list or non-null wrappers.
    pub returns: Name,
    /// Whether it returns a list.
    pub list: bool,
    pub arguments: HashMap<Name, Input>,
}

/// Output types' fields and input objects' fields, by type name.
#[derive(Debug, Default)]
pub struct Shape {
    pub outputs: HashMap<Name, HashMap<Name, Field>>,
    pub inputs: HashMap<Name, HashMap<Name, Input>>,
}

impl Shape {
    /// The shape of the schema whose SDL is `sdl`; empty when it does not parse.
    pub fn from_sdl(sdl: &str) -> Self {
        let mut shape = Self::default();
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else { return shape };
        for definition in document.definitions {
            let TypeSystemDefinition::Type(ty) = definition else { continue };
            let ty = ty.node;
            match ty.kind {
                TypeKind::Object(object) => {
                    shape.outputs.insert(ty.name.node, object.fields.into_iter().map(|f| field(f.node)).collect());
                }
                TypeKind::Interface(interface) => {
                    shape.outputs.insert(ty.name.node, interface.fields.into_iter().map(|f| field(f.node)).collect());
                }
                TypeKind::InputObject(input) => {
                    shape.inputs.insert(ty.name.node, inputs(input.fields));
                }
                _ => {}
            }
        }
        shape
    }

    /// The field `name` of the output type `ty`.
    pub fn field(&self, ty: &str, name: &str) -> Option<&Field> {
        self.outputs.get(ty)?.get(name)
    }

    /// Every list field, as `Type.field`.
    pub fn list_fields(&self) -> impl Iterator<Item = String> + '_ {
        self.outputs.iter().flat_map(|(ty, fields)| {
            fields.iter().filter(|(_, field)| field.list).map(move |(name, _)| format!("{ty}.{name}"))
        })
    }
}

fn field(definition: async_graphql::parser::types::FieldDefinition) -> (Name, Field) {
    let ty = definition.ty.node;
    let field = Field { returns: named(&ty).clone(), list: is_list(&ty), arguments: inputs(definition.arguments) };
    (definition.name.node, field)
}

fn inputs(definitions: Vec<async_graphql::Positioned<InputValueDefinition>>) -> HashMap<Name, Input> {
    definitions
        .into_iter()
        .map(|definition| {
            let definition = definition.node;
            (definition.name.node, Input { ty: definition.ty.node, default: definition.default_value.map(|v| v.node) })
        })
        .collect()
}

/// The named type under any list and non-null wrappers.
pub fn named(ty: &Type) -> &Name {
    match &ty.base {
        BaseType::Named(name) => name,
        BaseType::List(inner) => named(inner),
    }
}

fn is_list(ty: &Type) -> bool {
    matches!(ty.base, BaseType::List(_))
}
