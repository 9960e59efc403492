//! Personal-data breaches: the privacy officer records a breach that is one reader's reads,
//! and the students affected are exactly those the disclosure log shows that reader was
//! shown at the school; the deadline to notify is 72 hours after discovery, and marking it
//! notified stops the clock. The principal reads the record but writes nothing; a teacher and
//! another school's principal see nothing, and a school out of reach answers like a missing
//! one; a bad report writes nothing.

use super::disclosures::staff_named;
use emis::graphql::ids::encode;
use emis_tests::error_code;
use entity::{breach, disclosure_log};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::json;
use std::collections::BTreeSet;

const RECORD: &str = "mutation($input: RecordBreachInput!) { recordBreach(input: $input) {
    id discoveredAt notifyBy hoursLeft notifiedAt readerId affected(first: 200) { count studentIds } } }";
const LIST: &str = "{ breaches { id description affected { count } } }";
const NOTIFIED: &str = "mutation($id: ID!) { markBreachNotified(breachId: $id) { notifiedAt hoursLeft } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_readers_breach_affects_exactly_the_students_the_log_shows_them_shown() {
    let app = super::movements::spawn().await;
    let principal = app.sign_in("hieutruong").await.unwrap();
    app.data(Some(&principal), "{ students(first: 7) { nodes { identityNumber } } }", json!({})).await.unwrap();
    app.state.disclosures.flush().await;
    let reader = staff_named(&app, "hieutruong").await;
    let school = staff_named(&app, "baomat").await.school_id;
    let entries = disclosure_log::Entity::find()
        .filter(disclosure_log::Column::ActorId.eq(reader.id))
        .filter(disclosure_log::Column::ActorKind.eq("staff"))
        .filter(disclosure_log::Column::SchoolId.eq(school))
        .all(&app.state.db)
        .await
        .unwrap();
    let shown: BTreeSet<String> =
        entries.iter().flat_map(|row| row.student_ids().map(|id| encode("Student", id).to_string())).collect();
    assert!(shown.len() >= 5, "{shown:?}");

    let officer = app.sign_in("baomat").await.unwrap();
    let input = json!({ "schoolId": encode("School", school), "description": "Tài khoản hiệu trưởng bị lộ mật khẩu",
        "readerId": encode("Staff", reader.id) });
    let recorded = app.data(Some(&officer), RECORD, json!({ "input": input })).await.unwrap()["recordBreach"].clone();
    let affected: BTreeSet<String> = recorded["affected"]["studentIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(affected, shown);
    assert_eq!(recorded["affected"]["count"], shown.len());
    let found = chrono::DateTime::parse_from_rfc3339(recorded["discoveredAt"].as_str().unwrap()).unwrap();
    let due = chrono::DateTime::parse_from_rfc3339(recorded["notifyBy"].as_str().unwrap()).unwrap();
    assert_eq!(due - found, chrono::Duration::hours(72));
    assert!(matches!(recorded["hoursLeft"].as_i64(), Some(71 | 72)), "{recorded}");
    assert_eq!(recorded["readerId"], encode("Staff", reader.id).to_string());

    // A window that ends before the reads finds nobody.
    let before = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let input = json!({ "schoolId": encode("School", school), "description": "Cửa sổ trước đó",
        "readerId": encode("Staff", reader.id), "to": before });
    let earlier = app.data(Some(&officer), RECORD, json!({ "input": input })).await.unwrap();
    assert_eq!(earlier["recordBreach"]["affected"]["count"], 0);

    let read = app.data(Some(&principal), LIST, json!({})).await.unwrap();
    assert_eq!(read["breaches"].as_array().unwrap().len(), 2, "the principal reads the school's breaches");
    let id = recorded["id"].clone();
    let refused = app.graphql(Some(&principal), NOTIFIED, json!({ "id": id })).await.unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "the principal only reads them");
    let notified = app.data(Some(&officer), NOTIFIED, json!({ "id": id })).await.unwrap();
    assert!(notified["markBreachNotified"]["notifiedAt"].is_string());
    assert!(notified["markBreachNotified"]["hoursLeft"].is_null());

    for outsider in ["gvbm", "hieutruong2"] {
        let token = app.sign_in(outsider).await.unwrap();
        let seen = app.data(Some(&token), LIST, json!({})).await.unwrap();
        assert_eq!(seen["breaches"].as_array().unwrap().len(), 0, "{outsider}");
        let poke = app.graphql(Some(&token), NOTIFIED, json!({ "id": id })).await.unwrap();
        assert_eq!(error_code(&poke), Some("FORBIDDEN"), "{outsider}");
    }
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_breach_out_of_reach_or_badly_reported_writes_nothing() {
    let app = super::movements::spawn().await;
    let officer = app.sign_in("baomat").await.unwrap();
    let school = staff_named(&app, "baomat").await.school_id;
    let other = staff_named(&app, "hieutruong2").await.school_id;
    let report = |school: i64, description: &str, discovered: Option<String>| json!({ "input": { "schoolId": encode("School", school), "description": description, "discoveredAt": discovered } });
    let elsewhere = app.graphql(Some(&officer), RECORD, report(other, "Ở trường khác", None)).await.unwrap();
    let missing = app.graphql(Some(&officer), RECORD, report(999_999, "Không có trường", None)).await.unwrap();
    assert_eq!(error_code(&elsewhere), Some("FORBIDDEN"));
    assert_eq!(elsewhere["errors"][0]["message"], missing["errors"][0]["message"], "like a missing school");
    let teacher = app.sign_in("gvbm").await.unwrap();
    let by_teacher = app.graphql(Some(&teacher), RECORD, report(school, "Giáo viên ghi", None)).await.unwrap();
    assert_eq!(error_code(&by_teacher), Some("FORBIDDEN"));
    // The policy is asked first: a teacher's report naming no reader is refused as out of
    // reach, not as bad input; the officer's, as bad input.
    let mut no_reader = report(school, "Giáo viên ghi", None);
    no_reader["input"]["readerId"] = json!(encode("School", school));
    let by_teacher = app.graphql(Some(&teacher), RECORD, no_reader.clone()).await.unwrap();
    assert_eq!(error_code(&by_teacher), Some("FORBIDDEN"), "{by_teacher}");
    let by_officer = app.graphql(Some(&officer), RECORD, no_reader).await.unwrap();
    assert_eq!(error_code(&by_officer), Some("BAD_USER_INPUT"), "{by_officer}");
    let empty = app.graphql(Some(&officer), RECORD, report(school, "   ", None)).await.unwrap();
    assert_eq!(error_code(&empty), Some("BAD_USER_INPUT"));
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let future = app.graphql(Some(&officer), RECORD, report(school, "Ngày mai", Some(tomorrow))).await.unwrap();
    assert_eq!(error_code(&future), Some("BAD_USER_INPUT"));
    assert_eq!(breach::Entity::find().count(&app.state.db).await.unwrap(), 0, "nothing was written");
    app.stop().await.unwrap();
}
