//! The assessment columns a school sets: the principal gives a section as many regular
//! assessments as the circular allows (from what its periods per year require to two more),
//! never fewer or more; a column that holds results is not removed; no one else may.

use super::grade_entry::{decode, scored_column};
use emis_tests::{TestApp, error_code};
use sea_orm::EntityTrait as _;
use serde_json::json;

const SET: &str = "mutation($section: ID!, $semester: ID!, $regular: Int!) {
    setAssessmentColumns(sectionId: $section, semesterId: $semester, regular: $regular) { kind sequence } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_principal_sets_a_sections_regular_columns_within_the_circulars_limits() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let column = scored_column(&app, &teacher).await;
    let section = entity::section::Entity::find_by_id(decode("Section", &column.section))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let required = match section.periods_per_year {
        0..=35 => 2,
        36..=70 => 3,
        _ => 4,
    };
    let set = |regular: i64| json!({ "section": column.section, "semester": column.semester, "regular": regular });

    let more = app.data(Some(&principal), SET, set(required + 1)).await.unwrap();
    let columns = more["setAssessmentColumns"].as_array().unwrap();
    let regular = columns.iter().filter(|c| c["kind"] == "regular").count() as i64;
    assert_eq!(regular, required + 1);
    assert_eq!(columns.iter().filter(|c| c["kind"] != "regular").count(), 2, "one mid-term, one end-of-term");
    for outside in [required - 1, required + 3] {
        let body = app.graphql(Some(&principal), SET, set(outside)).await.unwrap();
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{outside}: {body}");
    }
    // The added column may go again while it is empty, not once it holds a result.
    let fewer = app.data(Some(&principal), SET, set(required)).await.unwrap();
    assert_eq!(
        fewer["setAssessmentColumns"].as_array().unwrap().iter().filter(|c| c["kind"] == "regular").count() as i64,
        required
    );
    app.data(Some(&principal), SET, set(required + 1)).await.unwrap();
    let listed = app
        .data(
            Some(&teacher),
            "query($id: ID!) { section(id: $id) { assessments { id kind sequence } } }",
            json!({ "id": column.section }),
        )
        .await
        .unwrap();
    let added = listed["section"]["assessments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "regular" && c["sequence"].as_i64() == Some(required + 1))
        .unwrap()["id"]
        .clone();
    let entries = json!([{ "studentId": column.students[0].0, "score": 9.0, "version": null }]);
    app.data(Some(&teacher), super::grade_entry::RECORD, json!({ "column": added, "entries": entries })).await.unwrap();
    let kept = app.graphql(Some(&principal), SET, set(required)).await.unwrap();
    assert_eq!(error_code(&kept), Some("BAD_USER_INPUT"), "a column with results stays: {kept}");
    app.data(Some(&principal), SET, set(required + 1)).await.unwrap();
    for username in ["gvbm", "gvcn", "vanthu", "phuhuynh"] {
        let token = app.sign_in(username).await.unwrap();
        let body = app.graphql(Some(&token), SET, set(required + 1)).await.unwrap();
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{username}: {body}");
    }
    let sections = app
        .data(
            Some(&teacher),
            "query($id: ID!) { section(id: $id) { assessments { kind } } }",
            json!({ "id": column.section }),
        )
        .await
        .unwrap();
    let regular =
        sections["section"]["assessments"].as_array().unwrap().iter().filter(|c| c["kind"] == "regular").count() as i64;
    assert_eq!(regular, required + 1, "refused calls changed nothing");
    app.stop().await.unwrap();
}
