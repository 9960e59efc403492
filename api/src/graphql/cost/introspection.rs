//! How introspection (`__schema`, `__type`) is weighed. Its answer is the schema itself, so
//! its lists are bounded by the schema's size: the constants below are upper bounds of this
//! schema's counts, checked by a test against a real introspection of it.
//!
//! Enumerating the schema (`__schema { types { fields { args } } }`) visits every type,
//! field and argument once, so there the lists weigh the schema's totals, spread over their
//! parents (fields per type on average, rounded up): the product of the multipliers is at
//! least the total. A type reached through a reference (`type`, `ofType`, `interfaces`,
//! `possibleTypes`, `__type(name:)`) may be any type, reached again and again, so there its
//! lists weigh the most any one type has. Recursing through references thus multiplies, as
//! its answer does.

use super::walk::Mode;

/// Types of the schema, introspection's own and the built-in scalars included.
pub const TYPES: u64 = 128;
/// Fields of all types together, and the most one type has.
pub const FIELDS: u64 = 960;
pub const FIELDS_PER_TYPE: u64 = 96;
/// Arguments of all fields together, and the most one field has.
pub const ARGUMENTS: u64 = 320;
pub const ARGUMENTS_PER_FIELD: u64 = 8;
/// Input fields of all input objects together, and the most one has.
pub const INPUT_FIELDS: u64 = 96;
pub const INPUT_FIELDS_PER_TYPE: u64 = 16;
/// Enum values of all enums together, and the most one has.
pub const ENUM_VALUES: u64 = 64;
pub const ENUM_VALUES_PER_TYPE: u64 = 24;
/// Interfaces implemented, and possible types of interfaces and unions, all together and
/// the most one type has.
pub const INTERFACES: u64 = 32;
pub const INTERFACES_PER_TYPE: u64 = 4;
pub const POSSIBLE_TYPES: u64 = 32;
pub const POSSIBLE_TYPES_PER_TYPE: u64 = 16;
/// Directives, their arguments and locations, all together and the most one has.
pub const DIRECTIVES: u64 = 8;
pub const DIRECTIVE_ARGUMENTS: u64 = 16;
pub const DIRECTIVE_ARGUMENTS_PER_DIRECTIVE: u64 = 4;
pub const LOCATIONS: u64 = 64;
pub const LOCATIONS_PER_DIRECTIVE: u64 = 19;

/// A field of an introspection type: the type it returns, its multiplier and the mode its
/// selection is weighed in.
pub struct Step {
    pub returns: &'static str,
    pub items: u64,
    pub mode: Mode,
}

/// The step of `field` of the introspection type `ty` weighed in `mode`; `None` for a leaf.
pub fn step(ty: &str, field: &str, mode: Mode) -> Option<Step> {
    let all = mode == Mode::Schema;
    let spread = |total: u64, parents: u64, most: u64| if all { total.div_ceil(parents) } else { most };
    let (returns, items, next) = match (ty, field) {
        ("__Schema", "types") => ("__Type", TYPES, Mode::Schema),
        ("__Schema", "directives") => ("__Directive", DIRECTIVES, Mode::Schema),
        ("__Schema", "queryType" | "mutationType" | "subscriptionType") => ("__Type", 1, Mode::Reference),
        ("__Type", "fields") => ("__Field", spread(FIELDS, TYPES, FIELDS_PER_TYPE), mode),
        ("__Type", "inputFields") => ("__InputValue", spread(INPUT_FIELDS, TYPES, INPUT_FIELDS_PER_TYPE), mode),
        ("__Type", "enumValues") => ("__EnumValue", spread(ENUM_VALUES, TYPES, ENUM_VALUES_PER_TYPE), mode),
        ("__Type", "interfaces") => ("__Type", spread(INTERFACES, TYPES, INTERFACES_PER_TYPE), Mode::Reference),
        ("__Type", "possibleTypes") => {
            ("__Type", spread(POSSIBLE_TYPES, TYPES, POSSIBLE_TYPES_PER_TYPE), Mode::Reference)
        }
        ("__Type" | "__Field" | "__InputValue", "ofType" | "type") => ("__Type", 1, Mode::Reference),
        ("__Field", "args") => ("__InputValue", spread(ARGUMENTS, FIELDS, ARGUMENTS_PER_FIELD), mode),
        ("__Directive", "args") => {
            ("__InputValue", spread(DIRECTIVE_ARGUMENTS, DIRECTIVES, DIRECTIVE_ARGUMENTS_PER_DIRECTIVE), mode)
        }
        ("__Directive", "locations") => {
            ("__DirectiveLocation", spread(LOCATIONS, DIRECTIVES, LOCATIONS_PER_DIRECTIVE), mode)
        }
        _ => return None,
    };
    Some(Step { returns, items, mode: next })
}
