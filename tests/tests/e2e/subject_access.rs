//! The family's copy of everything about their child (`GET /exports/subject-access`): every
//! record kept about the child that the policy lets the guardian read — as many rows, table by
//! table, as the database holds about the child — with the child's sealed fields opened, the
//! kinds the guardian may not read listed as withheld, and nothing about another child; the
//! same copy as a workbook to read holds the same rows.
//! Another family's child answers like a missing one.

use crate::roll_call::guardian_of;
use emis::graphql::ids::encode;
use emis_tests::TestApp;
use entity::student;
use sea_orm::{ColumnTrait as _, ConnectionTrait as _, EntityTrait as _, QueryFilter as _, Statement};
use serde_json::{Value, json};

/// The table each section of the copy is read from.
const SECTIONS: [(&str, &str); 25] = [
    ("guardianships", "guardianship"),
    ("enrollments", "enrollment"),
    ("results", "result"),
    ("attendance", "attendance"),
    ("missedAssessments", "missed_assessment"),
    ("exemptions", "exemption"),
    ("conduct", "conduct"),
    ("nominations", "primary_nomination"),
    ("leaveRequests", "leave_request"),
    ("changeRequests", "change_request"),
    ("recordChanges", "record_change"),
    ("transfers", "transfer"),
    ("noticesDelivered", "notice_delivery"),
    ("consents", "sharing_consent"),
    ("primaryEvaluations", "primary_evaluation"),
    ("subjectRequests", "subject_request"),
    ("noticeReadings", "notice_read"),
    ("noticeReplies", "notice_reply"),
    ("notifications", "notification"),
    ("staffNotifications", "staff_notification"),
    ("conversations", "conversation"),
    ("conversationMembers", "conversation_member"),
    ("messages", "message"),
    ("messageReports", "message_report"),
    ("breaches", "breach_student"),
];

/// The tables with a `student_id` column the copy has no section of, each for a reason: a
/// vendor's daily count of the children it was shown (each read is in the disclosure log),
/// and the identifiers an imported package gave section enrollments (which follow from the
/// enrollments).
const NOT_COPIED: [&str; 2] = ["vendor_student_read", "section_enrollment"];

/// Every table of the database with a `student_id` column.
async fn tables_naming_a_student(app: &TestApp) -> Vec<String> {
    let db = &app.state.db;
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Sqlite => {
            "SELECT m.name AS t FROM sqlite_master m JOIN pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND c.name = 'student_id'"
        }
        _ => {
            "SELECT table_name::text AS t FROM information_schema.columns \
             WHERE column_name = 'student_id' AND table_schema = current_schema()"
        }
    };
    let rows = db.query_all_raw(Statement::from_string(backend, sql)).await.unwrap();
    let mut tables: Vec<String> = rows.iter().map(|row| row.try_get::<String>("", "t").unwrap()).collect();
    tables.sort();
    tables
}

/// The number of rows of each worksheet of an XLSX workbook, in order.
fn workbook_rows(bytes: &[u8]) -> Vec<usize> {
    use std::io::Read as _;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut counts = Vec::new();
    for sheet in 1.. {
        let Ok(mut file) = archive.by_name(&format!("xl/worksheets/sheet{sheet}.xml")) else { return counts };
        let mut xml = String::new();
        file.read_to_string(&mut xml).unwrap();
        counts.push(xml.matches("<row ").count());
    }
    counts
}

async fn rows_about(app: &TestApp, table: &str, student: i64) -> usize {
    let backend = app.state.db.get_database_backend();
    let sql = format!("SELECT COUNT(*) AS n FROM {table} WHERE student_id = {student}");
    let row = app.state.db.query_one_raw(Statement::from_string(backend, sql)).await.unwrap().unwrap();
    usize::try_from(row.try_get::<i64>("", "n").unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_familys_copy_holds_every_record_of_the_child_and_nothing_of_anyone_else() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    let child = student::Entity::find().filter(student::Column::Username.eq("hocsinh")).one(db).await.unwrap().unwrap();
    let child_id = encode("Student", child.id).0;
    let guardian = app.sign_in(&guardian_of(&app, &child_id).await).await.unwrap();
    let decide =
        "mutation($s: ID!) { decideSharingConsent(studentId: $s, purpose: \"news_photos\", given: true) { decision } }";
    app.data(Some(&guardian), decide, json!({ "s": child_id })).await.unwrap();
    // A request of the family's own, and a conversation with a teacher of the child.
    let ask = "mutation($s: ID!) { askSubjectRequest(studentId: $s, kind: \"access\") { id } }";
    app.data(Some(&guardian), ask, json!({ "s": child_id })).await.unwrap();
    let teachers = "{ me { children { id correspondents { staffId } } } }";
    let teachers = app.data(Some(&guardian), teachers, json!({})).await.unwrap();
    let mine = teachers["me"]["children"].as_array().unwrap().iter().find(|c| c["id"] == child_id.as_str());
    let teacher = mine.unwrap()["correspondents"][0]["staffId"].clone();
    let opened = app.data(Some(&guardian), crate::conversations::OPEN, json!({ "s": child_id, "with": teacher }));
    let conversation = opened.await.unwrap()["openConversation"]["id"].clone();
    let sent = json!({ "c": conversation, "b": "Con bị ho" });
    app.data(Some(&guardian), crate::conversations::SEND, sent).await.unwrap();

    let client = reqwest::Client::new();
    let download = |token: String, student: String| {
        client.get(format!("{}/exports/subject-access?studentId={student}", app.address)).bearer_auth(token).send()
    };
    let file = download(guardian.clone(), child_id.clone()).await.unwrap();
    assert_eq!(file.status(), 200);
    let text = file.text().await.unwrap();
    let copy: Value = serde_json::from_str(&text).unwrap();
    let sections = &copy["sections"];

    let own = "query($s: ID!) { student(id: $s) { identityNumber healthNotes } }";
    let shown = app.data(Some(&guardian), own, json!({ "s": child_id })).await.unwrap();
    assert_eq!(sections["student"]["id"], child.id);
    assert_eq!(sections["student"]["identity_no"], shown["student"]["identityNumber"], "sealed fields opened");
    assert!(sections["student"].get("identity_no_enc").is_none() && !text.contains("_bidx"), "nothing sealed copied");

    // Every table naming a student is a section of the copy, or left out for its reason.
    let mut covered: Vec<String> = SECTIONS.iter().map(|(_, table)| (*table).to_owned()).collect();
    covered.extend(NOT_COPIED.iter().map(|table| (*table).to_owned()));
    covered.sort();
    assert_eq!(tables_naming_a_student(&app).await, covered, "a new table about students needs its section");

    let mut withheld = Vec::new();
    for (section, table) in SECTIONS {
        let found = &sections[section];
        if found["withheld"] == true {
            withheld.push(section);
            continue;
        }
        let rows = found["rows"].as_array().unwrap_or_else(|| panic!("{section}: {found}"));
        assert_eq!(rows.len(), rows_about(&app, table, child.id).await, "{section}: every row about the child");
        assert!(rows.iter().all(|row| row["student_id"] == child.id), "{section}: only the child's rows");
    }
    assert_eq!(
        withheld,
        ["changeRequests", "recordChanges", "breaches"],
        "the kinds the policy gives guardians no read of"
    );
    let compared = ["guardianships", "enrollments", "results", "consents", "subjectRequests", "conversations"];
    for section in compared.into_iter().chain(["conversationMembers", "messages"]) {
        assert!(!sections[section]["rows"].as_array().unwrap().is_empty(), "{section} has rows to compare");
    }
    // No other child's name anywhere in the records (the disclosure log names staff, whose
    // names may be a child's too, so it is left out of this search).
    let mut records = sections.as_object().unwrap().clone();
    records.remove("disclosures");
    let records = Value::Object(records).to_string();
    let others = student::Entity::find().filter(student::Column::Id.ne(child.id)).all(db).await.unwrap();
    for other in others.iter().filter(|other| other.full_name != child.full_name) {
        assert!(!records.contains(&other.full_name), "{}", other.full_name);
    }

    // The same copy as a workbook to read: a contents sheet, the record, then a sheet per
    // part with a header and exactly the JSON's rows (one line for a withheld part).
    let url = format!("{}/exports/subject-access?studentId={child_id}&format=xlsx", app.address);
    let book = client.get(&url).bearer_auth(&guardian).send().await.unwrap();
    assert_eq!(book.status(), 200);
    assert!(book.headers()["content-disposition"].to_str().unwrap().ends_with(".xlsx\""));
    let sheets = workbook_rows(&book.bytes().await.unwrap());
    let parts = sections.as_object().unwrap();
    assert_eq!(sheets.len(), 1 + parts.len(), "contents and one sheet per part");
    assert_eq!(sheets[0], 1 + parts.len(), "the contents list every part");
    assert_eq!(sheets[1], 1 + sections["student"].as_object().unwrap().len(), "the record, field by field");
    let others_parts = parts.iter().filter(|(name, _)| name.as_str() != "student");
    for (sheet, (name, part)) in sheets[2..].iter().zip(others_parts) {
        // A header and the rows, or one line saying the part is empty or withheld.
        let expected = part["rows"].as_array().filter(|rows| !rows.is_empty()).map_or(1, |rows| 1 + rows.len());
        assert_eq!(*sheet, expected, "{name}");
    }
    let bad_format = client.get(url.replace("xlsx", "pdf")).bearer_auth(&guardian).send().await.unwrap();
    assert_eq!(bad_format.status(), reqwest::StatusCode::BAD_REQUEST);

    // Another family's child, and a child that does not exist, answer alike.
    let another = encode("Student", others[0].id).0;
    let not_theirs = download(guardian.clone(), another).await.unwrap();
    let missing = download(guardian, encode("Student", 999_999).0).await.unwrap();
    assert_eq!(
        (not_theirs.status(), missing.status()),
        (reqwest::StatusCode::NOT_FOUND, reqwest::StatusCode::NOT_FOUND)
    );
    assert_eq!(not_theirs.text().await.unwrap(), missing.text().await.unwrap());
    let anonymous = client.get(format!("{}/exports/subject-access?studentId={child_id}", app.address)).send();
    assert_eq!(anonymous.await.unwrap().status(), reqwest::StatusCode::UNAUTHORIZED);
    app.stop().await.unwrap();
}
