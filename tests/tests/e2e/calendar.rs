//! The school calendar: `schoolYears` lists the school years with their semesters, so a
//! client finds the `semesterId` that columns, locks, conduct and summaries take.

use emis_tests::{TestApp, error_code};
use serde_json::json;

const YEARS: &str = "{ schoolYears { id name startsOn endsOn semesters { id number startsOn endsOn } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calendar_lists_the_years_and_their_semesters() {
    let app = TestApp::spawn().await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let data = app.data(Some(&principal), YEARS, json!({})).await.unwrap();
    let years = data["schoolYears"].as_array().unwrap();
    let names: Vec<&str> = years.iter().map(|year| year["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["2025-2026", "2026-2027"], "by start date");
    let current = &years[1];
    assert_eq!(current["startsOn"], "2026-09-05");
    assert_eq!(current["endsOn"], "2027-05-31");
    let semesters = current["semesters"].as_array().unwrap();
    assert_eq!(semesters.iter().map(|s| s["number"].as_i64().unwrap()).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(semesters[0]["endsOn"], "2027-01-15");
    assert_eq!(semesters[1]["startsOn"], "2027-01-18");

    // The listed semester is the one the book's columns belong to.
    let teacher = app.sign_in("gvbm").await.unwrap();
    let sections =
        app.data(Some(&teacher), "{ me { sections { assessments { semesterId } } } }", json!({})).await.unwrap();
    let column_semester = &sections["me"]["sections"][0]["assessments"][0]["semesterId"];
    assert_eq!(column_semester, &semesters[0]["id"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_one_signed_out_reads_the_calendar() {
    let app = TestApp::spawn().await.unwrap();
    let body = app.graphql(None, "{ schoolYears { name } }", json!({})).await.unwrap();
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    assert!(body["data"].is_null() || body["data"]["schoolYears"].is_null(), "{body}");
}
