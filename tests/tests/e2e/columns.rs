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

const RETEST: &str = "mutation($section: ID!) { openRetest(sectionId: $section) { id kind sequence semesterId } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_principal_opens_a_re_test_column_its_teacher_fills_and_the_year_sheet_shows() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let column = scored_column(&app, &teacher).await;
    let vars = json!({ "section": column.section });
    for username in ["gvbm", "gvcn", "phuhuynh"] {
        let token = app.sign_in(username).await.unwrap();
        let body = app.graphql(Some(&token), RETEST, vars.clone()).await.unwrap();
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{username}: {body}");
    }
    let opened = app.data(Some(&principal), RETEST, vars.clone()).await.unwrap()["openRetest"].clone();
    assert_eq!((opened["kind"].as_str(), opened["sequence"].as_i64()), (Some("retest"), Some(1)));
    assert_ne!(opened["semesterId"], column.semester.as_str(), "kept in the year's last semester");
    let again = app.data(Some(&principal), RETEST, vars).await.unwrap()["openRetest"].clone();
    assert_eq!(again["id"], opened["id"], "opened once");

    let student = column.students[0].0.clone();
    let entries = json!([{ "studentId": student, "score": 6.5, "version": null }]);
    let recorded = app
        .data(Some(&teacher), super::grade_entry::RECORD, json!({ "column": opened["id"], "entries": entries }))
        .await;
    assert_eq!(recorded.unwrap()["recordScores"]["changed"], 1);
    let section = entity::section::Entity::find_by_id(decode("Section", &column.section))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let homeroom = app.sign_in(&super::roll_call::homeroom_teacher_of(&app, section.class_id).await).await.unwrap();
    let query = "query($id: ID!) { class(id: $id) { summary(year: true) { subjects { id }
        lines { studentId subjects { subjectId retestScore } } } } }";
    let class = emis::graphql::ids::encode("Class", section.class_id);
    let sheet = app.data(Some(&homeroom), query, json!({ "id": class })).await.unwrap();
    let line =
        sheet["class"]["summary"]["lines"].as_array().unwrap().iter().find(|l| l["studentId"] == student).unwrap();
    let subject = emis::graphql::ids::encode("Subject", section.subject_id);
    let outcome = line["subjects"].as_array().unwrap().iter().find(|s| s["subjectId"] == subject.0.as_str()).unwrap();
    assert_eq!(outcome["retestScore"], 6.5, "{line}");
    let others = line["subjects"].as_array().unwrap().iter().filter(|s| !s["retestScore"].is_null()).count();
    assert_eq!(others, 1, "only the re-tested subject shows a re-test");
    app.stop().await.unwrap();
}
