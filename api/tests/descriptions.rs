//! The public schema documents itself: every field of every object, interface and input
//! type carries a description, and that description is its own — no field's description
//! opens with another field's whole description, which is what a doc comment left above the
//! wrong resolver (or two merged ones) looks like to an app developer reading the SDL.

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

/// One field as the SDL shows it: `Type.field` and its description, if any.
struct Documented {
    place: String,
    name: String,
    description: Option<String>,
}

/// Every field and input field of the schema's own types (introspection types excluded).
fn fields() -> Vec<Documented> {
    let document = parse_schema(emis::graphql::sdl()).expect("the server's SDL parses");
    let mut found = Vec::new();
    for definition in document.definitions {
        let TypeSystemDefinition::Type(definition) = definition else { continue };
        let type_name = definition.node.name.node.to_string();
        if type_name.starts_with("__") {
            continue;
        }
        let mut add = |name: &str, description: Option<String>| {
            found.push(Documented { place: format!("{type_name}.{name}"), name: name.to_owned(), description });
        };
        match &definition.node.kind {
            TypeKind::Object(object) => object.fields.iter().for_each(|field| {
                add(&field.node.name.node, field.node.description.as_ref().map(|text| text.node.clone()))
            }),
            TypeKind::Interface(interface) => interface.fields.iter().for_each(|field| {
                add(&field.node.name.node, field.node.description.as_ref().map(|text| text.node.clone()))
            }),
            TypeKind::InputObject(input) => input.fields.iter().for_each(|field| {
                add(&field.node.name.node, field.node.description.as_ref().map(|text| text.node.clone()))
            }),
            _ => {}
        }
    }
    found
}

#[test]
fn every_field_of_the_schema_has_a_description() {
    let missing: Vec<String> =
        fields().into_iter().filter(|field| field.description.is_none()).map(|field| field.place).collect();
    assert!(missing.is_empty(), "{} fields have no description: {}", missing.len(), missing.join(", "));
}

#[test]
fn no_description_opens_with_another_fields_description() {
    let fields = fields();
    let mut borrowed = Vec::new();
    for field in &fields {
        let Some(text) = &field.description else { continue };
        for other in &fields {
            let Some(theirs) = &other.description else { continue };
            if other.name != field.name && text.len() > theirs.len() && text.starts_with(&format!("{theirs}\n")) {
                borrowed.push(format!("{} opens with the description of {}: {theirs:?}", field.place, other.place));
            }
        }
    }
    assert!(borrowed.is_empty(), "{}", borrowed.join("\n"));
}
