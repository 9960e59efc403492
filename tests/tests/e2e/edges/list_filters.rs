//! The filter rule for the lists on the query root and on `me`: leave requests, change
//! requests and transfers by `status` and `first`, the notifications by `unreadOnly` and
//! `first`, the disclosure log by `first` and the staff directory by `schoolId` and
//! `search`. For the former homeroom teacher (after one student moved class and one changed
//! school), a subject teacher and the guardians of both students, each filtered answer is
//! exactly the unfiltered answer's items that pass the filter as the caller reads them (see
//! `narrowing`), so a record out of reach answers like one that does not exist.

use super::lived_in::lived_in;
use super::narrowing::{Expect, List, Under, by_first, leading, narrows_within, passing, with};
use super::world::schools_of;
use crate::movements::spawn;
use emis::graphql::ids::encode;
use emis_tests::TestApp;
use serde_json::Value;

/// Cases for a list filtered by `status` (null: all) and limited by `first`: every status
/// the list knows and one it does not, the default (pending), and the first few items.
fn by_status_and_first(statuses: &[&'static str]) -> Vec<(String, Expect)> {
    let mut cases: Vec<(String, Expect)> = Vec::new();
    for status in statuses.iter().copied().chain(["withdrawn"]) {
        cases.push((format!("status: \"{status}\", first: 200"), with("status", status, 200)));
        cases.push((format!("status: \"{status}\", first: 1"), with("status", status, 1)));
    }
    cases.push(("first: 200".to_owned(), with("status", "pending", 200)));
    for count in 1..=3 {
        cases.push((format!("status: null, first: {count}"), leading(count)));
    }
    cases
}

/// `who`'s leave requests, change requests and transfers narrow only by what it reads; the
/// unfiltered answers.
async fn requests_and_transfers(app: &TestApp, token: &str, who: &str) -> [Vec<Value>; 3] {
    let everything = "status: null, first: 200";
    let lists = [
        ("leaveRequests", "id status studentId classId from to", &["pending", "accepted", "rejected"][..]),
        ("changeRequests", "id status kind student { id } sectionId classId", &["pending", "approved", "rejected"]),
        ("transfers", "id status studentName student { id } toClass { id }", &["pending", "admitted"]),
    ];
    let mut all = [Vec::new(), Vec::new(), Vec::new()];
    for (index, (field, selection, statuses)) in lists.into_iter().enumerate() {
        let list = List { under: Under::Root, field, selection, everything, alone_too: true };
        all[index] = narrows_within(app, token, who, &list, by_status_and_first(statuses)).await;
    }
    all
}

/// `who`'s notifications and disclosure log narrow only by what it reads; the unfiltered
/// notifications.
async fn notifications_and_log(app: &TestApp, token: &str, who: &str) -> Vec<Value> {
    let selection = "id studentId date session status readAt";
    let list = List { under: Under::Me, field: "notifications", selection, everything: "first: 200", alone_too: true };
    let mut cases = by_first();
    cases.push(("unreadOnly: true, first: 200".to_owned(), passing(|n| n["readAt"].is_null())));
    cases.push(("unreadOnly: true, first: 1".to_owned(), Box::new(|all| unread(all).take(1).collect())));
    let told = narrows_within(app, token, who, &list, cases).await;
    let selection = "at studentId actorKind actorName fields purpose";
    let list =
        List { under: Under::Root, field: "disclosureLog", selection, everything: "first: 200", alone_too: false };
    narrows_within(app, token, who, &list, by_first()).await;
    told
}

/// The unread notifications of a list.
fn unread(all: &[Value]) -> impl Iterator<Item = Value> + '_ {
    all.iter().filter(|n| n["readAt"].is_null()).cloned()
}

/// `who`'s staff directory by school (each school of the seed and one that does not exist)
/// and by search holds exactly the staff of the whole directory whose school, as read, or
/// whose name matches.
async fn staff_directory(app: &TestApp, token: &str, who: &str, schools: &[String], searches: &[String]) {
    let list = List {
        under: Under::Root,
        field: "staffDirectory",
        selection: "id fullName school { id }",
        everything: "search: null",
        alone_too: true,
    };
    let mut cases: Vec<(String, Expect)> = Vec::new();
    for school in schools {
        let wanted = school.clone();
        cases.push((format!("schoolId: \"{school}\""), passing(move |s| s["school"]["id"] == wanted.as_str())));
    }
    for search in searches {
        let folded = emis::text::fold(search);
        let matches = move |s: &Value| emis::text::fold(s["fullName"].as_str().unwrap()).contains(&folded);
        cases.push((format!("search: \"{search}\""), passing(matches)));
    }
    narrows_within(app, token, who, &list, cases).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_filter_and_limit_of_the_request_transfer_notification_log_and_staff_lists_narrows_only_by_what_the_caller_reads()
 {
    let app = spawn().await;
    let lived = lived_in(&app).await;
    let cast = &lived.cast;
    let mut schools: Vec<String> = schools_of(&app, "TH")
        .await
        .into_iter()
        .chain(schools_of(&app, "THCS").await)
        .map(|id| encode("School", id).0)
        .collect();
    schools.push(encode("School", 987_654).0);
    let principal_list = List {
        under: Under::Root,
        field: "staffDirectory",
        selection: "fullName",
        everything: "search: null",
        alone_too: false,
    };
    let staff = narrows_within(&app, &cast.principal, "the principal", &principal_list, Vec::new()).await;
    let mut searches: Vec<String> = staff.iter().take(2).map(|s| s["fullName"].as_str().unwrap().to_owned()).collect();
    searches.push("Nguyễn".to_owned());

    let mut callers = cast.callers().to_vec();
    callers.push(("the guardian of the student who changed school", &lived.transferred_guardian));
    // How many items the callers read unfiltered: leave requests, change requests,
    // transfers, notifications — none may be empty, or its filters were not put to the test.
    let mut read = [0; 4];
    for (who, token) in callers {
        let [leave, changes, transfers] = requests_and_transfers(&app, token, who).await;
        let told = notifications_and_log(&app, token, who).await;
        for (count, list) in read.iter_mut().zip([leave, changes, transfers, told]) {
            *count += list.len();
        }
        staff_directory(&app, token, who, &schools, &searches).await;
    }
    assert!(read.iter().all(|count| *count > 0), "every list had items to filter: {read:?}");
    app.stop().await.unwrap();
}
