//! Học sinh Tiêu biểu in the primary summary book: the homeroom teacher nominates a student
//! (an outstanding subject or clear progress, with a note) and may withdraw the nomination;
//! the award follows only a Hoàn thành tốt year (Hoàn thành xuất sắc stays Xuất sắc); a
//! subject teacher and a guardian are refused the write, a locked second semester refuses
//! it, and only those who may read the class's qualities see the nomination. The book
//! downloads as CSV and XLSX exactly as its reader sees it, and a class the caller may not
//! read answers 404 like one that does not exist.

use super::grade_entry::decode;
use super::primary_book::{PrimaryClass, primary_class, rate_year};
use super::roll_call::{guardian_of, homeroom_teacher_of};
use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use entity::{disclosure_log, homeroom_class, section, semester, staff, staff_role, teaching_assignment};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde_json::{Value, json};
use std::io::Read as _;

const NOMINATE: &str = "mutation($k: ID!, $s: ID!, $g: String!, $subject: ID, $note: String, $v: Int) {
    nominatePrimaryStudent(classId: $k, studentId: $s, ground: $g, subjectId: $subject, note: $note, version: $v) {
        studentId ground groundName subjectId note version } }";
const WITHDRAW: &str = "mutation($k: ID!, $s: ID!, $v: Int!) {
    withdrawPrimaryNomination(classId: $k, studentId: $s, version: $v) }";
const BOOK: &str = "query($id: ID!) { class(id: $id) { primaryBook(checkpoint: \"end_year\") {
    subjectIds lines { studentId yearResult award nomination { ground subjectId note version } } } } }";

/// The end-of-year lines of `class` as `token` reads them; empty when the class is hidden.
async fn lines(app: &TestApp, token: &str, class: &str) -> Vec<Value> {
    let book = app.data(Some(token), BOOK, json!({ "id": class })).await.unwrap();
    book["class"]["primaryBook"]["lines"].as_array().cloned().unwrap_or_default()
}

fn line<'a>(lines: &'a [Value], student: &str) -> &'a Value {
    lines.iter().find(|line| line["studentId"] == student).expect("the student's line")
}

fn nomination(class: &str, student: &str, ground: &str, subject: Option<&str>, version: Option<i64>) -> Value {
    json!({ "k": class, "s": student, "g": ground, "subject": subject, "note": "Đọc diễn cảm", "v": version })
}

/// A teacher of the seed's other primary class who teaches nothing in `class`.
async fn teacher_of_another_class(app: &TestApp, class: &homeroom_class::Model) -> String {
    let db = &app.state.db;
    let other = homeroom_class::Entity::find()
        .filter(homeroom_class::Column::SchoolId.eq(class.school_id))
        .filter(homeroom_class::Column::Id.ne(class.id))
        .one(db)
        .await
        .unwrap()
        .expect("a second primary class");
    let sections: Vec<i64> = section::Entity::find()
        .filter(section::Column::ClassId.eq(class.id))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.id)
        .collect();
    let here: Vec<i64> = teaching_assignment::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(teaching_assignment::Column::ClassId.eq(class.id))
                .add(teaching_assignment::Column::SectionId.is_in(sections)),
        )
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.staff_id)
        .collect();
    let homeroom = teaching_assignment::Entity::find()
        .filter(teaching_assignment::Column::ClassId.eq(other.id))
        .filter(teaching_assignment::Column::StaffId.is_not_in(here))
        .one(db)
        .await
        .unwrap()
        .expect("the other class's homeroom teacher teaches nothing here");
    staff::Entity::find_by_id(homeroom.staff_id).one(db).await.unwrap().unwrap().username.unwrap()
}

/// A token of the principal of the school of `class`.
async fn principal_of(app: &TestApp, class: &homeroom_class::Model) -> String {
    let role = staff_role::Entity::find()
        .filter(staff_role::Column::Role.eq("principal"))
        .filter(staff_role::Column::OrgId.eq(class.school_id))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the school has a principal");
    let person = staff::Entity::find_by_id(role.staff_id).one(&app.state.db).await.unwrap().unwrap();
    app.sign_in(&person.username.unwrap()).await.unwrap()
}

/// A student of `class` whose guardian is not one of `student`'s, and that guardian.
async fn another_family(app: &TestApp, class: &PrimaryClass, student: &str) -> (String, String) {
    let own = guardian_of(app, student).await;
    for other in &class.students[1..] {
        let guardian = guardian_of(app, other).await;
        if guardian != own {
            return (other.clone(), guardian);
        }
    }
    panic!("every student of the class shares one guardian")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_homeroom_teacher_nominates_and_tieu_bieu_follows_only_a_hoan_thanh_tot_year() {
    let app = TestApp::spawn().await.unwrap();
    let class = primary_class(&app).await;
    let homeroom = app.sign_in(&homeroom_teacher_of(&app, class.row.id).await).await.unwrap();
    let [good, fair, best, unnamed] = [0, 1, 2, 3].map(|i| class.students[i].clone());
    // Tests at 8: Hoàn thành tốt; one competency Đạt: Hoàn thành; tests at 10: xuất sắc.
    rate_year(&app, &class, &[(&good, 8, "tot"), (&fair, 8, "dat"), (&best, 10, "tot"), (&unnamed, 8, "tot")]).await;
    let subjects = lines(&app, &homeroom, &class.id).await;
    assert_eq!(line(&subjects, &good)["yearResult"], "Hoàn thành tốt");
    assert!(line(&subjects, &good)["award"].is_null(), "no award before the class nominates");
    let book = app.data(Some(&homeroom), BOOK, json!({ "id": class.id })).await.unwrap();
    let subject = book["class"]["primaryBook"]["subjectIds"][0].as_str().unwrap().to_owned();

    // A subject teacher of the class and the child's guardian may not nominate.
    let guardian = app.sign_in(&guardian_of(&app, &good).await).await.unwrap();
    let homeroom_name = homeroom_teacher_of(&app, class.row.id).await;
    let subject_teacher = class.taught.iter().find(|t| t.teacher != homeroom_name).expect("a subject teacher");
    let subject_teacher = app.sign_in(&subject_teacher.teacher).await.unwrap();
    for outsider in [&guardian, &subject_teacher] {
        let body = app.graphql(Some(outsider), NOMINATE, nomination(&class.id, &good, "progress", None, None)).await;
        assert_eq!(error_code(&body.unwrap()), Some("FORBIDDEN"));
    }
    // A ground needs its subject, and only the subject ground names one.
    for (ground, named) in [("subject", None), ("progress", Some(subject.as_str())), ("talent", None)] {
        let body = app.graphql(Some(&homeroom), NOMINATE, nomination(&class.id, &good, ground, named, None)).await;
        assert_eq!(error_code(&body.unwrap()), Some("BAD_USER_INPUT"), "{ground}");
    }

    let made = app.data(Some(&homeroom), NOMINATE, nomination(&class.id, &good, "subject", Some(&subject), None));
    let made = made.await.unwrap()["nominatePrimaryStudent"].clone();
    assert_eq!((made["groundName"].as_str(), made["version"].as_i64()), (Some("Môn học nổi bật"), Some(1)));
    for student in [&fair, &best] {
        app.data(Some(&homeroom), NOMINATE, nomination(&class.id, student, "progress", None, None)).await.unwrap();
    }
    let stale = app.graphql(Some(&homeroom), NOMINATE, nomination(&class.id, &good, "progress", None, None)).await;
    assert_eq!(error_code(&stale.unwrap()), Some("CONFLICT"), "a nomination stands at version 1");

    let book = lines(&app, &homeroom, &class.id).await;
    assert_eq!(line(&book, &good)["award"], "Học sinh Tiêu biểu");
    assert_eq!(
        line(&book, &good)["nomination"],
        json!({ "ground": "subject", "subjectId": subject, "note": "Đọc diễn cảm", "version": 1 })
    );
    assert_eq!(line(&book, &fair)["yearResult"], "Hoàn thành");
    assert!(line(&book, &fair)["award"].is_null(), "nominated, but only Hoàn thành");
    assert_eq!(line(&book, &fair)["nomination"]["ground"], "progress");
    assert_eq!(line(&book, &best)["award"], "Học sinh Xuất sắc", "xuất sắc, nominated or not");
    assert!(line(&book, &unnamed)["award"].is_null(), "Hoàn thành tốt without a nomination");

    // The child's guardian sees the nomination and the award; another family and a teacher
    // of another class see nothing; a subject teacher of the class not the nomination.
    let own = lines(&app, &guardian, &class.id).await;
    assert_eq!(own.len(), 1);
    assert_eq!(
        (own[0]["award"].as_str(), own[0]["nomination"]["version"].as_i64()),
        (Some("Học sinh Tiêu biểu"), Some(1))
    );
    let (neighbour, other_guardian) = another_family(&app, &class, &good).await;
    let other_guardian = app.sign_in(&other_guardian).await.unwrap();
    let theirs = lines(&app, &other_guardian, &class.id).await;
    assert!(theirs.iter().all(|l| l["studentId"] != good.as_str()), "{theirs:?}");
    assert!(theirs.iter().any(|l| l["studentId"] == neighbour.as_str()));
    let through_child = "query($id: ID!) { student(id: $id) { primaryBook(checkpoint: \"end_year\") {
        lines { award nomination { note } } } } }";
    let body = app.data(Some(&other_guardian), through_child, json!({ "id": good })).await.unwrap();
    assert!(body["student"].is_null(), "{body}");
    let stranger = app.sign_in(&teacher_of_another_class(&app, &class.row).await).await.unwrap();
    assert!(lines(&app, &stranger, &class.id).await.is_empty());
    let teacher_view = lines(&app, &subject_teacher, &class.id).await;
    assert!(teacher_view.iter().all(|l| l["nomination"].is_null() && l["award"].is_null()), "{teacher_view:?}");

    // Withdrawn: no award, and both changes are in the history.
    let withdrawn = app.data(Some(&homeroom), WITHDRAW, json!({ "k": class.id, "s": good, "v": 1 })).await.unwrap();
    assert_eq!(withdrawn["withdrawPrimaryNomination"], true);
    let book = lines(&app, &homeroom, &class.id).await;
    assert!(line(&book, &good)["award"].is_null() && line(&book, &good)["nomination"].is_null());
    let again = app.graphql(Some(&homeroom), WITHDRAW, json!({ "k": class.id, "s": good, "v": 2 })).await.unwrap();
    assert_eq!(error_code(&again), Some("BAD_USER_INPUT"), "nothing stands to withdraw");
    let history = "query($id: ID!) { student(id: $id) { history { kind oldValue newValue } } }";
    let principal = principal_of(&app, &class.row).await;
    let seen = app.data(Some(&principal), history, json!({ "id": good })).await.unwrap();
    let changes: Vec<&Value> =
        seen["student"]["history"].as_array().unwrap().iter().filter(|c| c["kind"] == "primary_nomination").collect();
    assert_eq!(changes.len(), 2, "{seen}");
    assert_eq!(changes[0]["newValue"], "Rút đề cử Học sinh Tiêu biểu");
    assert!(changes[1]["newValue"].as_str().unwrap().contains("Môn học nổi bật"), "{seen}");

    // Nominated again from nothing standing: the award is back.
    let renewed = nomination(&class.id, &good, "progress", None, None);
    assert_eq!(app.data(Some(&homeroom), NOMINATE, renewed).await.unwrap()["nominatePrimaryStudent"]["version"], 3);
    assert_eq!(line(&lines(&app, &homeroom, &class.id).await, &good)["award"], "Học sinh Tiêu biểu");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nomination_is_refused_while_the_second_semester_is_locked() {
    let app = TestApp::spawn().await.unwrap();
    let class = primary_class(&app).await;
    let homeroom = app.sign_in(&homeroom_teacher_of(&app, class.row.id).await).await.unwrap();
    let student = class.students[0].clone();
    app.data(Some(&homeroom), NOMINATE, nomination(&class.id, &student, "progress", None, None)).await.unwrap();
    let second = semester::Entity::find()
        .filter(semester::Column::SchoolYearId.eq(class.row.school_year_id))
        .filter(semester::Column::Number.eq(2_i16))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("a second semester");
    let lock = "mutation($semester: ID!, $school: ID) { lockBook(semesterId: $semester, schoolId: $school) { id } }";
    let vars = json!({ "semester": encode("Semester", second.id), "school": encode("School", class.row.school_id) });
    app.data(Some(&principal_of(&app, &class.row).await), lock, vars).await.unwrap();

    let changed = nomination(&class.id, &student, "progress", None, Some(1));
    let refused = app.graphql(Some(&homeroom), NOMINATE, changed).await.unwrap();
    assert_eq!(error_code(&refused), Some("LOCKED"), "{refused}");
    let other = nomination(&class.id, &class.students[1], "progress", None, None);
    assert_eq!(error_code(&app.graphql(Some(&homeroom), NOMINATE, other).await.unwrap()), Some("LOCKED"));
    let withdraw = app.graphql(Some(&homeroom), WITHDRAW, json!({ "k": class.id, "s": student, "v": 1 })).await;
    assert_eq!(error_code(&withdraw.unwrap()), Some("LOCKED"));
    let stored = entity::primary_nomination::Entity::find().all(&app.state.db).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].version, stored[0].withdrawn_at), (1, None), "nothing changed under the lock");
    app.stop().await.unwrap();
}

async fn download(app: &TestApp, token: &str, class: &str, format: &str) -> reqwest::Response {
    let url = format!("{}/exports/primary-book?classId={class}&checkpoint=end_year&format={format}", app.address);
    reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap()
}

/// The rows of a CSV download, after its byte-order mark: the header and the records.
async fn csv_rows(response: reqwest::Response) -> (Vec<String>, Vec<csv::StringRecord>) {
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark for spreadsheet software");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().iter().map(str::to_owned).collect();
    (header, reader.records().map(Result::unwrap).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_primary_book_downloads_as_csv_and_xlsx_exactly_as_its_reader_sees_it() {
    let app = TestApp::spawn().await.unwrap();
    let class = primary_class(&app).await;
    let homeroom = app.sign_in(&homeroom_teacher_of(&app, class.row.id).await).await.unwrap();
    let student = class.students[0].clone();
    rate_year(&app, &class, &[(&student, 8, "tot")]).await;
    app.data(Some(&homeroom), NOMINATE, nomination(&class.id, &student, "progress", None, None)).await.unwrap();
    let name = entity::student::Entity::find_by_id(decode("Student", &student))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .full_name;

    let (header, rows) = csv_rows(download(&app, &homeroom, &class.id, "csv").await).await;
    assert_eq!(&header[..2], ["STT / No.", "Họ và tên / Full name"]);
    let column = |title: &str| header.iter().position(|h| h == title).unwrap_or_else(|| panic!("{title}: {header:?}"));
    assert_eq!(rows.len(), class.students.len(), "one row per student");
    let row = rows.iter().find(|row| row[1] == *name).expect("the student's row");
    assert_eq!(&row[column("Yêu nước")], "Tốt");
    assert_eq!(&row[column("Thể chất")], "Tốt");
    assert_eq!(&row[column("Kết quả năm học / Year result")], "Hoàn thành tốt");
    assert_eq!(&row[column("Hoàn thành chương trình lớp học / Grade completed")], "Có");
    assert_eq!(&row[column("Đề cử Học sinh Tiêu biểu / Nomination")], "Tiến bộ rõ rệt — Đọc diễn cảm");
    assert_eq!(&row[column("Khen thưởng / Award")], "Học sinh Tiêu biểu");
    let tests: Vec<usize> =
        header.iter().enumerate().filter(|(_, h)| h.ends_with("KTĐK / test")).map(|(i, _)| i).collect();
    assert!(!tests.is_empty(), "{header:?}");
    for test in tests {
        assert_eq!((&row[test - 1], &row[test]), ("T", "8"), "{}", header[test]);
    }
    let unrated = rows.iter().find(|row| row[1] != *name).unwrap();
    assert_eq!(&unrated[column("Khen thưởng / Award")], "");

    let xlsx = download(&app, &homeroom, &class.id, "xlsx").await;
    assert_eq!(xlsx.status(), 200);
    let bytes = xlsx.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut strings = String::new();
    archive.by_name("xl/sharedStrings.xml").unwrap().read_to_string(&mut strings).unwrap();
    for expected in [name.as_str(), "Kết quả năm học / Year result", "Học sinh Tiêu biểu"] {
        assert!(strings.contains(expected), "{expected} is in the workbook");
    }

    // The guardian's download holds their child only; staff downloads are disclosed.
    let guardian = app.sign_in(&guardian_of(&app, &student).await).await.unwrap();
    let (_, own) = csv_rows(download(&app, &guardian, &class.id, "csv").await).await;
    assert!(own.iter().all(|row| row[1] == *name) && !own.is_empty(), "{own:?}");
    app.state.disclosures.flush().await;
    let student_id = decode("Student", &student);
    let logged = disclosure_log::Entity::find().all(&app.state.db).await.unwrap();
    assert!(
        logged.iter().any(|entry| entry.student_ids().any(|id| id == student_id)
            && entry.fields.contains("result")
            && entry.fields.contains("conduct")),
        "{logged:?}"
    );

    // Hidden or missing, it is the same 404; a wrong checkpoint or format is a 400.
    let missing = download(&app, &homeroom, &encode("Class", 999_999), "csv").await;
    let (missing_status, missing_body) = (missing.status(), missing.bytes().await.unwrap());
    assert_eq!(missing_status, 404);
    let stranger = app.sign_in(&teacher_of_another_class(&app, &class.row).await).await.unwrap();
    for outsider in [&stranger, &app.sign_in("phuhuynh").await.unwrap()] {
        let hidden = download(&app, outsider, &class.id, "csv").await;
        assert_eq!((hidden.status(), hidden.bytes().await.unwrap()), (missing_status, missing_body.clone()));
    }
    assert_eq!(download(&app, &homeroom, &class.id, "pdf").await.status(), 400);
    let url = format!("{}/exports/primary-book?classId={}&checkpoint=end_term", app.address, class.id);
    assert_eq!(reqwest::Client::new().get(url).bearer_auth(&homeroom).send().await.unwrap().status(), 400);
    app.stop().await.unwrap();
}
