//! The filter rule: every filter and sort of the student list narrows only by facts the
//! caller may read. For a former homeroom teacher (after one student moved class and one
//! changed school), a subject teacher and a guardian, each filter answers exactly the
//! students of the unfiltered list whose fact, as the caller reads it, passes the filter —
//! the school by `school`, the class by the `enrollments` in force today, the identity
//! number by `identityNumber`, the search by the name — and either order lists the same
//! students, one the reverse of the other.

use super::movers::Cast;
use crate::movements::spawn;
use crate::roll_call::today;
use emis::graphql::ids::encode;
use emis_tests::TestApp;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const PAGE: &str = "query($after: String, $class: ID, $school: ID, $search: String, $identity: String,
    $order: StudentOrder) {
    students(first: 100, after: $after, classId: $class, schoolId: $school, search: $search,
        identityNumber: $identity, orderBy: $order) {
        totalCount
        nodes { id fullName identityNumber school { id } enrollments { startsOn endsOn class { id } } }
        pageInfo { hasNextPage endCursor } } }";

/// One student of a list, with the facts the filters test as the caller reads them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Listed {
    id: String,
    name: String,
    identity: Option<String>,
    school: Option<String>,
    /// Classes of the enrollments in force today that the caller reads.
    classes: BTreeSet<String>,
}

impl Listed {
    fn of(node: &Value) -> Self {
        let today = today();
        let in_force = |e: &&Value| {
            e["startsOn"].as_str().is_some_and(|from| *from <= *today)
                && e["endsOn"].as_str().is_none_or(|to| *to >= *today)
        };
        Listed {
            id: node["id"].as_str().unwrap().to_owned(),
            name: node["fullName"].as_str().unwrap().to_owned(),
            identity: node["identityNumber"].as_str().map(str::to_owned),
            school: node["school"]["id"].as_str().map(str::to_owned),
            classes: node["enrollments"]
                .as_array()
                .unwrap()
                .iter()
                .filter(in_force)
                .filter_map(|e| e["class"]["id"].as_str().map(str::to_owned))
                .collect(),
        }
    }
}

/// Every student `token` lists with `filter`, page after page, in order; and the total.
async fn list(app: &TestApp, token: &str, filter: &Value) -> (Vec<Listed>, u64) {
    let (mut all, mut after, mut total) = (Vec::new(), Value::Null, None);
    loop {
        let mut variables = filter.clone();
        variables["after"] = after;
        let page = app.data(Some(token), PAGE, variables).await.unwrap()["students"].clone();
        total = total.or(page["totalCount"].as_u64());
        all.extend(page["nodes"].as_array().unwrap().iter().map(Listed::of));
        if page["pageInfo"]["hasNextPage"] != true {
            return (all, total.unwrap());
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

/// `token`'s list with `filter` holds exactly the students of `everyone` that `passes`.
async fn narrows_by_what_is_read(
    app: &TestApp,
    token: &str,
    who: &str,
    everyone: &[Listed],
    filter: Value,
    passes: impl Fn(&Listed) -> bool,
) {
    let (got, total) = list(app, token, &filter).await;
    let got: BTreeSet<&str> = got.iter().map(|s| s.id.as_str()).collect();
    let expected: BTreeSet<&str> = everyone.iter().filter(|s| passes(s)).map(|s| s.id.as_str()).collect();
    assert_eq!(got, expected, "{who} filtering by {filter} narrows by a fact it cannot read");
    assert_eq!(total, expected.len() as u64, "{who}: totalCount with {filter}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_filter_and_sort_of_the_student_list_narrows_only_by_what_the_caller_reads() {
    let app = spawn().await;
    let cast = Cast::gather(&app).await;
    let (old, moved, transferred) = (&cast.old, &cast.moved, &cast.transferred);
    // Identity numbers and names as the principal reads them, before anyone moves.
    let (before, _) = list(&app, &cast.principal, &json!({})).await;
    cast.move_and_transfer(&app).await;

    let (new_class, elsewhere) = (&cast.new_class, &cast.elsewhere);
    let school = cast.receiving_school();
    let schools = [encode("School", new_class.school_id).0, school, encode("School", 987_654).0];
    let classes = [old.id.clone(), encode("Class", new_class.id).0, encode("Class", elsewhere.id).0];
    let named = |id: &str| before.iter().find(|s| s.id == id).unwrap().clone();
    let identities: Vec<String> =
        [named(moved), named(transferred), named(&old.students[2])].into_iter().filter_map(|s| s.identity).collect();
    assert!(!identities.is_empty(), "the seed gives students identity numbers");
    let searches = [named(moved).name, named(transferred).name, "Nguyễn".to_owned()];

    for (who, token) in cast.callers() {
        let (everyone, total) = list(&app, token, &json!({})).await;
        assert_eq!(total, everyone.len() as u64, "{who}: totalCount");
        for school in &schools {
            let filter = json!({ "school": school });
            narrows_by_what_is_read(&app, token, who, &everyone, filter, |s| s.school.as_ref() == Some(school)).await;
        }
        for class in &classes {
            let filter = json!({ "class": class });
            narrows_by_what_is_read(&app, token, who, &everyone, filter, |s| s.classes.contains(class)).await;
        }
        for number in &identities {
            let filter = json!({ "identity": number });
            narrows_by_what_is_read(&app, token, who, &everyone, filter, |s| s.identity.as_ref() == Some(number)).await;
        }
        for search in &searches {
            let folded = emis::text::fold(search);
            let passes = |s: &Listed| emis::text::fold(&s.name).contains(&folded);
            narrows_by_what_is_read(&app, token, who, &everyone, json!({ "search": search }), passes).await;
        }
        let (ascending, _) = list(&app, token, &json!({ "order": "NAME_ASC" })).await;
        let (mut descending, _) = list(&app, token, &json!({ "order": "NAME_DESC" })).await;
        descending.reverse();
        assert_eq!(ascending, descending, "{who}: one order is the other reversed");
        assert_eq!(ascending, everyone, "{who}: the default order is by name, and sorting hides no one");
    }
    app.stop().await.unwrap();
}
