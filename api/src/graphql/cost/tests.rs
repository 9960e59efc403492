//! Tests of the weighing on documents: the attacks of issue 15 refused, the README tour's
//! documents and GraphiQL's introspection accepted.

use super::walk::{Walk, Weight};
use super::{Refusal, Weigher};
use crate::config::Config;
use async_graphql::Variables;
use std::path::PathBuf;

/// The weigher of a server with the default ceilings.
fn weigher() -> Weigher {
    let mut config = Config::for_database("sqlite::memory:", PathBuf::new());
    config.max_complexity = crate::config::DEFAULT_MAX_COMPLEXITY;
    Weigher::new(&config)
}

fn weigh(query: &str) -> Result<Weight, Refusal> {
    weigh_with(query, serde_json::json!({}))
}

fn weigh_with(query: &str, variables: serde_json::Value) -> Result<Weight, Refusal> {
    let document = async_graphql::parser::parse_query(query).expect("the test's query parses");
    weigher().weigh(&document, &Variables::from_json(variables))
}

fn judged(query: &str, signed_in: bool) -> Result<Weight, Refusal> {
    let weight = weigh(query)?;
    weigher().judge(weight, signed_in).map(|()| weight)
}

/// Fragments nesting `levels` deep, each spreading the one below twice.
fn nested_fragments(levels: usize) -> String {
    let mut query = String::from("query { ...F0 } fragment F0 on QueryRoot { a0: __typename }");
    for level in 1..=levels {
        let below = level - 1;
        query.push_str(&format!(" fragment F{level} on QueryRoot {{ ...F{below} a{level}: __typename ...F{below} }}"));
    }
    query.replace("query { ...F0 }", &format!("query {{ ...F{levels} }}"))
}

/// `count` aliases of the roster with identity numbers.
fn roster_aliases(count: usize) -> String {
    let one = |i: usize| format!("r{i}: schools {{ classes {{ students {{ fullName identityNumber }} }} }}");
    format!("{{ {} }}", (0..count).map(one).collect::<Vec<_>>().join(" "))
}

#[test]
fn nested_fragments_are_weighed_without_their_expansion() {
    for levels in [21, 24] {
        let query = nested_fragments(levels);
        let document = async_graphql::parser::parse_query(&query).unwrap();
        let shape = super::Shape::from_sdl(&crate::graphql::sdl());
        let mut walk = Walk::new(&shape, &document);
        let operation = &super::walk::operations(&document).next().unwrap().node;
        let weight = walk.operation(operation, &Variables::default()).unwrap();
        assert_eq!(weight.cost, (1u64 << (levels + 1)) - 1, "every __typename of the expansion counts");
        assert_eq!(walk.visits, 3 * levels as u64 + 2, "each selection of the document is visited once");
        let refused = weigher().judge(weight, false).unwrap_err();
        assert_eq!(refused.code(), "TOO_COSTLY");
        assert_eq!(weigher().judge(weight, true).unwrap_err().code(), "TOO_COSTLY");
    }
}

#[test]
fn a_thousand_roster_aliases_are_refused_and_one_weighs_its_lists() {
    let one = weigh(&roster_aliases(1)).unwrap();
    let per_roster = super::bounds::SCHOOLS * (1 + super::bounds::CLASSES * (1 + super::bounds::CLASS_SIZE * 3));
    assert_eq!(one.cost, per_roster);
    let thousand = weigh(&roster_aliases(1000)).unwrap();
    assert_eq!(thousand.cost, 1000 * per_roster, "aliases count as the selections they are");
    assert!(matches!(weigher().judge(thousand, true), Err(Refusal::TooCostly { .. })));
}

#[test]
fn a_list_weighs_its_page() {
    let page = |first: u64| weigh(&format!("{{ students(first: {first}) {{ nodes {{ fullName }} }} }}")).unwrap().cost;
    assert_eq!(page(10), 1 + 10 * 2);
    assert_eq!(page(1000), 1 + 1000 * 2);
    let variable =
        weigh_with("query($n: Int) { me { notifications(first: $n) { id } } }", serde_json::json!({ "n": 150 }))
            .unwrap();
    assert_eq!(variable.cost, 1 + 150 * 2, "a variable's value is the page");
    let default = weigh("{ me { notifications { id } } }").unwrap();
    assert_eq!(default.cost, 1 + 50 * 2, "the argument's default is the page");
    let days = weigh(r#"{ student(id: "x") { attendance(from: "2026-11-01", to: "2026-11-30") { date } } }"#).unwrap();
    assert_eq!(days.cost, 1 + 30 * super::bounds::ATTENDANCE_PER_DAY * 2);
}

#[test]
fn one_sign_in_per_request_counted_through_aliases_and_fragments() {
    let aliases: Vec<String> =
        (0..40).map(|i| format!(r#"s{i}: signIn(identifier: "a", password: "b") {{ accessToken }}"#)).collect();
    let refused = judged(&format!("mutation {{ {} }}", aliases.join(" ")), false).unwrap_err();
    assert_eq!(refused, Refusal::TooManySignIns);
    let through_fragment = "mutation { ...S ...S } fragment S on MutationRoot { signIn(identifier: \"a\", password: \"b\") { accessToken } }";
    assert_eq!(judged(through_fragment, false).unwrap_err(), Refusal::TooManySignIns);
    let refreshes = "mutation { a: refreshSession(refreshToken: \"x\") { accessToken } b: refreshSession(refreshToken: \"y\") { accessToken } }";
    assert_eq!(judged(refreshes, false).unwrap_err(), Refusal::TooManySignIns);
    let one = "mutation { signIn(identifier: \"a\", password: \"b\") { accessToken refreshToken accessExpiresAt refreshExpiresAt } }";
    assert_eq!(judged(one, false).unwrap().cost, 5);
}

#[test]
fn int_literals_out_of_range_are_refused_wherever_they_are() {
    let refused = |query: &str| matches!(weigh(query), Err(Refusal::IntOutOfRange(_)));
    assert!(refused("{ students(first: 2147483648) { totalCount } }"));
    assert!(refused("{ students(first: -2147483649) { totalCount } }"));
    assert!(!refused("{ students(first: 2147483647) { totalCount } }"));
    assert!(refused(
        r#"mutation { recordScores(assessmentId: "a", entries: [{ studentId: "s", version: 9999999999 }]) { changed } }"#
    ));
    assert!(refused(
        r#"mutation { recordConduct(classId: "c", semesterId: "s", entries: { studentId: "s", level: "tot", version: 4294967296 }) { changed } }"#
    ));
    assert!(!refused(
        r#"mutation { recordScores(assessmentId: "a", entries: [{ studentId: "s", score: 9999999999 }]) { changed } }"#
    ));
}

#[test]
fn fragment_cycles_are_refused() {
    let cycle = "{ ...A } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A }";
    assert!(matches!(weigh(cycle), Err(Refusal::FragmentCycle(_))));
}

#[test]
fn graphiql_introspection_passes_before_sign_in_and_recursion_through_references_does_not() {
    let weight = judged(super::GRAPHIQL_INTROSPECTION, false).unwrap();
    assert_eq!(weight.cost, 0, "introspection is weighed on its own");
    assert_eq!(weight.introspection_depth, 15);
    let recursing = String::from(
        "{ __schema { types { fields { type { ofType { fields { type { ofType { fields { type { ofType { fields { name } } } } } } } } } } } } }",
    );
    assert!(matches!(judged(&recursing, true), Err(Refusal::TooCostly { .. })), "{:?}", weigh(&recursing));
    let typenames = |n: usize| (0..n).map(|i| format!("b{i}: __typename")).collect::<Vec<_>>().join(" ");
    let beside = format!("{{ a: __schema {{ types {{ name }} }} {} }}", typenames(51));
    assert_eq!(judged(&beside, false), Err(Refusal::SignInNeeded), "data beside introspection is weighed as data");
    assert!(judged(&beside, true).is_ok());
}

#[test]
fn the_readme_tour_passes_for_signed_in_callers() {
    let readme = include_str!("../../../../README.md");
    let mut blocks = 0;
    for block in readme.split("```graphql").skip(1) {
        let text = block.split("```").next().unwrap_or_default();
        let text: String =
            text.lines().map(|line| line.split(" # ").next().unwrap_or(line)).collect::<Vec<_>>().join("\n");
        let parts = text.split("\nmutation").enumerate();
        let documents = parts.map(|(i, part)| if i == 0 { part.to_owned() } else { format!("mutation{part}") });
        for document in documents.filter(|document| !document.trim().is_empty()) {
            let weight = judged(&document, true);
            println!(
                "{:>8?} {}",
                weight.as_ref().map(|w| w.cost),
                document.split_whitespace().collect::<Vec<_>>().join(" ")
            );
            assert!(weight.is_ok(), "{document}: {weight:?}");
            blocks += 1;
        }
    }
    assert!(blocks > 15, "the tour's documents were read: {blocks}");
}

/// The most and the total of the lengths of the list `key` of each of `items`.
fn counts(items: &[serde_json::Value], key: &str) -> (u64, u64) {
    let lengths = items.iter().map(|item| item[key].as_array().map_or(0, Vec::len) as u64);
    lengths.fold((0, 0), |(most, total), length| (most.max(length), total + length))
}

#[tokio::test]
async fn the_introspection_bounds_hold_for_this_schema() {
    use super::introspection as bound;
    use crate::graphql::{mutation::MutationRoot, query::QueryRoot, stream::SubscriptionRoot};
    let schema = async_graphql::Schema::build(QueryRoot, MutationRoot::default(), SubscriptionRoot).finish();
    let answer = schema.execute(super::GRAPHIQL_INTROSPECTION).await.into_result().unwrap().data.into_json().unwrap();
    let types = answer["__schema"]["types"].as_array().unwrap().clone();
    let directives = answer["__schema"]["directives"].as_array().unwrap().clone();
    let fields: Vec<serde_json::Value> =
        types.iter().flat_map(|ty| ty["fields"].as_array().cloned().unwrap_or_default()).collect();
    let within = |(most, total): (u64, u64), most_bound: u64, total_bound: u64, what: &str| {
        assert!(most <= most_bound && total <= total_bound, "{what}: {most} at most, {total} in all");
    };
    assert!(types.len() as u64 <= bound::TYPES, "{} types", types.len());
    assert!(directives.len() as u64 <= bound::DIRECTIVES);
    within(counts(&types, "fields"), bound::FIELDS_PER_TYPE, bound::FIELDS, "fields");
    within(counts(&fields, "args"), bound::ARGUMENTS_PER_FIELD, bound::ARGUMENTS, "arguments");
    within(counts(&types, "inputFields"), bound::INPUT_FIELDS_PER_TYPE, bound::INPUT_FIELDS, "input fields");
    within(counts(&types, "enumValues"), bound::ENUM_VALUES_PER_TYPE, bound::ENUM_VALUES, "enum values");
    within(counts(&types, "interfaces"), bound::INTERFACES_PER_TYPE, bound::INTERFACES, "interfaces");
    within(counts(&types, "possibleTypes"), bound::POSSIBLE_TYPES_PER_TYPE, bound::POSSIBLE_TYPES, "possible types");
    within(
        counts(&directives, "args"),
        bound::DIRECTIVE_ARGUMENTS_PER_DIRECTIVE,
        bound::DIRECTIVE_ARGUMENTS,
        "directive arguments",
    );
    within(counts(&directives, "locations"), bound::LOCATIONS_PER_DIRECTIVE, bound::LOCATIONS, "locations");
    println!("{} types, fields {:?}, arguments {:?}", types.len(), counts(&types, "fields"), counts(&fields, "args"));
}
