//! The README's tour runs as written on the demo data: the documents of its sections
//! (recording scores and locking the book, student accounts, moving a student, the school
//! year, the school and the family) are read from
//! README.md itself, their `…` filled in order with ids the tour's earlier steps answered,
//! and sent to a server seeded like `serve --demo`.

use emis_tests::TestApp;
use serde_json::{Value, json};

const README: &str = include_str!("../../../README.md");

/// The ```graphql documents of the README section whose heading is `heading`, in order.
fn documents_of(heading: &str) -> Vec<&'static str> {
    let section = README.split(heading).nth(1).expect("the README has the section");
    let section = section.split("\n#").next().unwrap_or(section);
    section.split("```graphql").skip(1).map(|block| block.split("```").next().unwrap_or_default()).collect()
}

/// `document` with each `…` replaced by the next of `ids`.
fn filled(document: &str, ids: &[&Value]) -> String {
    let mut parts = document.split('…');
    let mut text = parts.next().unwrap_or_default().to_owned();
    for (part, id) in parts.zip(ids.iter().cycle()) {
        text.push_str(id.as_str().expect("an id"));
        text.push_str(part);
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_recording_scores_tour_runs_as_written_on_the_demo() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    let [sections, sheet, record] = documents_of("### Recording scores")[..] else { panic!("three documents") };

    let listed = app.data(Some(&teacher), sections, json!({})).await.unwrap();
    let section = listed["me"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|section| section["subject"]["name"] == "Toán")
        .expect("gvbm teaches Toán")
        .clone();
    let columns = section["assessments"].as_array().unwrap();
    let end_of_term = columns.iter().find(|column| column["kind"] == "final").expect("an end-of-term column");

    let read = app.data(Some(&teacher), &filled(sheet, &[&section["id"]]), json!({})).await.unwrap();
    let students = read["section"]["students"].as_array().unwrap();
    assert!(students.len() >= 2, "{read}");
    for student in &students[..2] {
        let results = student["results"].as_array().unwrap();
        assert!(results.iter().all(|result| result["assessmentId"] != end_of_term["id"]), "still empty: {student}");
    }

    let document = filled(record, &[&end_of_term["id"], &students[0]["id"], &students[1]["id"]]);
    let recorded = app.data(Some(&teacher), &document, json!({})).await.unwrap();
    assert_eq!(recorded["recordScores"]["changed"], 2, "{recorded}");
    let versions: Vec<&Value> =
        recorded["recordScores"]["results"].as_array().unwrap().iter().map(|r| &r["version"]).collect();
    assert_eq!(versions, [1, 1]);
    // The correction the README gives, at the version the call answered.
    let correction = format!(
        "mutation {{ recordScores(assessmentId: {}, entries: [{{ studentId: {}, score: 9, version: 1 }}]) {{ changed }} }}",
        end_of_term["id"], students[0]["id"]
    );
    let corrected = app.data(Some(&teacher), &correction, json!({})).await.unwrap();
    assert_eq!(corrected["recordScores"]["changed"], 1, "{corrected}");

    // The principal finds the semester in the calendar and sets the columns as the README does.
    let principal = app.sign_in("hieutruong").await.unwrap();
    let calendar =
        app.data(Some(&principal), "{ schoolYears { name semesters { id number } } }", json!({})).await.unwrap();
    let year = calendar["schoolYears"].as_array().unwrap().iter().find(|year| year["name"] == "2026-2027").unwrap();
    let set = format!(
        "mutation {{ setAssessmentColumns(sectionId: {}, semesterId: {}, regular: 5) {{ kind sequence }} }}",
        section["id"], year["semesters"][0]["id"]
    );
    let columns = app.data(Some(&principal), &set, json!({})).await.unwrap();
    let regular = columns["setAssessmentColumns"].as_array().unwrap().iter().filter(|c| c["kind"] == "regular").count();
    assert_eq!(regular, 5, "{columns}");

    // "Locking the grade book": the principal locks the section; the teacher's correction
    // with a reason becomes a request; the principal finds it and approves it.
    let [lock, request, waiting, decide] = documents_of("### Locking the grade book")[..] else {
        panic!("four documents")
    };
    let first_term = &year["semesters"][0]["id"];
    let locked = app.data(Some(&principal), &filled(lock, &[first_term, &section["id"]]), json!({})).await.unwrap();
    assert!(locked["lockBook"]["lockedAt"].is_string(), "{locked}");
    let asked = filled(request, &[&end_of_term["id"], &students[0]["id"]]);
    let asked = app.data(Some(&teacher), &asked, json!({})).await.unwrap();
    assert_eq!(asked["recordScores"]["changed"], 0, "{asked}");
    assert_eq!(asked["recordScores"]["requests"][0]["status"], "pending", "{asked}");
    let listed = app.data(Some(&principal), waiting, json!({})).await.unwrap();
    let found = &listed["changeRequests"][0];
    assert_eq!(found["id"], asked["recordScores"]["requests"][0]["id"], "{listed}");
    let decided = app.data(Some(&principal), &filled(decide, &[&found["id"]]), json!({})).await.unwrap();
    assert_eq!(decided["decideChange"]["status"], "approved", "{decided}");
}

/// The classes of the caller's school, with their grade and students.
async fn classes_of(app: &TestApp, token: &str) -> Vec<Value> {
    let data = app.data(
        Some(token),
        "{ me { staff { school { id classes { id name gradeLevel students { id } } } } } }",
        json!({}),
    );
    let data = data.await.unwrap();
    data["me"]["staff"]["school"]["classes"].as_array().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_student_accounts_tour_runs_as_written_on_the_demo() {
    let app = TestApp::spawn().await.unwrap();
    let [enable, read] = documents_of("### Student accounts")[..] else { panic!("two documents") };
    let principal = app.sign_in("hieutruong").await.unwrap();
    let classes = classes_of(&app, &principal).await;
    let first = classes.iter().find(|class| class["name"] == "6A1").expect("the demo school's 6A1");
    let given = app.data(Some(&principal), &filled(enable, &[&first["id"]]), json!({})).await.unwrap();
    let accounts = given["enableStudentAccounts"]["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), first["students"].as_array().unwrap().len(), "{given}");
    assert!(accounts.iter().any(|account| account["username"] == "hocsinh" && account["activated"] == true));

    let student = app.sign_in("hocsinh").await.unwrap();
    let mine = app.data(Some(&student), read, json!({})).await.unwrap();
    assert_eq!(mine["me"]["accountKind"], "student");
    assert!(!mine["me"]["student"]["results"].as_array().unwrap().is_empty(), "{mine}");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_moving_tour_runs_as_written_between_the_demo_schools() {
    let seed = emis::seed::SeedOptions { schools: 4, classes_per_grade: 2, ..emis::seed::SeedOptions::tiny() };
    let app = TestApp::spawn_seeded(seed).await.unwrap();
    let [move_class, transfer, pending, admit] = documents_of("### Moving a student")[..] else {
        panic!("four documents")
    };
    let sending = app.sign_in("hieutruong").await.unwrap();
    let classes = classes_of(&app, &sending).await;
    let (a1, a2) =
        (&classes.iter().find(|c| c["name"] == "6A1").unwrap(), &classes.iter().find(|c| c["name"] == "6A2").unwrap());
    let (moved, leaving) = (&a1["students"][1]["id"], &a1["students"][2]["id"]);
    let done = app.data(Some(&sending), &filled(move_class, &[moved, &a2["id"]]), json!({})).await.unwrap();
    assert_eq!(done["moveStudent"]["class"]["name"], "6A2", "{done}");

    let receiving = app.sign_in("hieutruong2").await.unwrap();
    let theirs = app.data(Some(&receiving), "{ me { schools { id name } } }", json!({})).await.unwrap();
    let school = &theirs["me"]["schools"][0]["id"];
    assert_eq!(theirs["me"]["schools"].as_array().unwrap().len(), 1, "{theirs}");
    let released = app.data(Some(&sending), &filled(transfer, &[leaving, school]), json!({})).await.unwrap();
    assert_eq!(released["transferStudent"]["status"], "pending", "{released}");

    let listed = app.data(Some(&receiving), pending, json!({})).await.unwrap();
    let found = &listed["transfers"][0];
    assert_eq!(found["id"], released["transferStudent"]["id"], "{listed}");
    let target = classes_of(&app, &receiving).await.into_iter().find(|c| c["gradeLevel"] == 6).unwrap();
    let admitted = app.data(Some(&receiving), &filled(admit, &[&found["id"], &target["id"]]), json!({})).await.unwrap();
    assert_eq!(admitted["admitStudent"]["status"], "admitted", "{admitted}");
    assert_eq!(admitted["admitStudent"]["toClass"]["name"], target["name"]);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_school_year_tour_opens_the_next_year_and_takes_in_a_family() {
    let app = TestApp::spawn().await.unwrap();
    let documents = documents_of("### The school year");
    let [open, create, admit, preview, ..] = documents[..] else { panic!("at least four documents") };
    let operator = app.sign_in("vanhanh").await.unwrap();
    let opened = app.data(Some(&operator), open, json!({})).await.unwrap();
    let year = &opened["openSchoolYear"]["id"];

    let principal = app.sign_in("hieutruong").await.unwrap();
    let mine = app.data(Some(&principal), "{ me { staff { school { id } } } }", json!({})).await.unwrap();
    let school = &mine["me"]["staff"]["school"]["id"];
    let teacher = app.sign_in("gvcn").await.unwrap();
    let homeroom = app.data(Some(&teacher), "{ me { staff { id } } }", json!({})).await.unwrap();
    let created = filled(create, &[school, year, &homeroom["me"]["staff"]["id"]]);
    let created = app.data(Some(&principal), &created, json!({})).await.unwrap();
    let classes = created["createClasses"].as_array().unwrap();
    assert_eq!(classes.len(), 2, "{created}");
    let sixth = classes.iter().find(|class| class["name"] == "6A1").expect("6A1 of the next year");

    let intake = app.data(Some(&principal), &filled(admit, &[&sixth["id"]]), json!({})).await.unwrap();
    let intake = &intake["admitNewStudents"];
    assert_eq!(intake["students"][0]["fullName"], "Trần Minh Khang", "{intake}");
    assert_eq!((intake["guardiansCreated"].as_u64(), intake["guardiansLinked"].as_u64()), (Some(2), Some(0)));
    assert_eq!(intake["mapped"].as_array().unwrap().len(), 2, "Bố and Mẹ are mapped: {intake}");

    let current = app.data(Some(&principal), "{ schoolYears { id name } }", json!({})).await.unwrap();
    let from = current["schoolYears"].as_array().unwrap().iter().find(|y| y["name"] == "2026-2027").unwrap();
    let plan = app.data(Some(&principal), &filled(preview, &[school, &from["id"], year]), json!({})).await.unwrap();
    let plan = &plan["previewRollover"];
    assert!(plan["digest"].is_string() && !plan["students"].as_array().unwrap().is_empty(), "{plan}");
    app.stop().await.unwrap();
}

/// The first semester of the demo's school year 2026-2027, as `token` reads the calendar.
async fn first_semester(app: &TestApp, token: &str) -> Value {
    let calendar = app.data(Some(token), "{ schoolYears { name semesters { id number } } }", json!({})).await.unwrap();
    let years = calendar["schoolYears"].as_array().unwrap();
    let year = years.iter().find(|year| year["name"] == "2026-2027").expect("the demo's school year");
    year["semesters"][0]["id"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_conduct_tour_runs_as_written_on_the_demo() {
    let app = TestApp::spawn().await.unwrap();
    let [record, summary] = documents_of("### Conduct and the class summary")[..] else { panic!("two documents") };
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = super::roll_call::homeroom_class(&app, &teacher).await;
    let (id, student) = (json!(class.id), json!(class.students[0]));
    let term = first_semester(&app, &teacher).await;
    let recorded = app.data(Some(&teacher), &filled(record, &[&id, &term, &student]), json!({})).await.unwrap();
    assert_eq!(recorded["recordConduct"]["changed"], 1, "{recorded}");
    let sheet = app.data(Some(&teacher), &filled(summary, &[&id]), json!({})).await.unwrap();
    let lines = sheet["class"]["summary"]["lines"].as_array().unwrap();
    assert_eq!(lines.len(), class.students.len(), "{sheet}");
    assert!(!sheet["class"]["summary"]["subjects"].as_array().unwrap().is_empty());
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_primary_book_tour_runs_as_written_on_the_demo() {
    let app = TestApp::spawn().await.unwrap();
    let [rate, nominate, withdraw, book] = documents_of("### The primary summary book")[..] else {
        panic!("four documents")
    };
    let teacher = app.sign_in("gvcn.th").await.unwrap();
    let class = super::roll_call::homeroom_class(&app, &teacher).await;
    let (id, student) = (json!(class.id), json!(class.students[0]));
    let listed = app.data(Some(&teacher), "{ me { sections { id subject { id name } } } }", json!({})).await.unwrap();
    let sections = listed["me"]["sections"].as_array().unwrap();
    let reading = sections.iter().find(|s| s["subject"]["name"] == "Tiếng Việt").expect("gvcn.th teaches Tiếng Việt");
    let rated = app.data(Some(&teacher), &filled(rate, &[&reading["id"], &student]), json!({})).await.unwrap();
    assert!(rated["recordPrimarySubject"].is_number(), "{rated}");
    let subject = &reading["subject"]["id"];
    let named = app.data(Some(&teacher), &filled(nominate, &[&id, &student, subject]), json!({})).await.unwrap();
    assert_eq!(named["nominatePrimaryStudent"]["version"], 1, "{named}");
    let shown = app.data(Some(&teacher), &filled(book, &[&id]), json!({})).await.unwrap();
    let lines = shown["class"]["primaryBook"]["lines"].as_array().unwrap();
    assert!(lines.iter().any(|line| line["nomination"]["ground"] == "subject"), "{shown}");
    let withdrawn = app.data(Some(&teacher), &filled(withdraw, &[&id, &student]), json!({})).await.unwrap();
    assert!(withdrawn["withdrawPrimaryNomination"].as_bool().is_some(), "{withdrawn}");
    let shown = app.data(Some(&teacher), &filled(book, &[&id]), json!({})).await.unwrap();
    let lines = shown["class"]["primaryBook"]["lines"].as_array().unwrap();
    assert!(lines.iter().all(|line| line["nomination"].is_null()), "{shown}");
    app.stop().await.unwrap();
}

/// The last weekday on or before today: the README's roll call is dated, and a test run on
/// another day takes it on a school day of its own.
fn last_school_day() -> chrono::NaiveDate {
    use chrono::Datelike as _;
    let mut day = emis::clock::today();
    while matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
        day = day.pred_opt().unwrap();
    }
    day
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_roll_call_tour_runs_on_the_demo_on_a_recent_school_day() {
    let app = TestApp::spawn().await.unwrap();
    let [roll_call, leave] = documents_of("### The roll call and leave requests")[..] else { panic!("two documents") };
    let (day, next) = (last_school_day(), last_school_day().succ_opt().unwrap());
    let dated =
        |document: &str| document.replace("2026-12-01", &day.to_string()).replace("2026-12-02", &next.to_string());
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = super::roll_call::homeroom_class(&app, &teacher).await;
    let [absent, late] = [json!(class.students[0]), json!(class.students[1])];
    let document = filled(&dated(roll_call), &[&json!(class.id), &absent, &late]);
    let taken = app.data(Some(&teacher), &document, json!({})).await.unwrap();
    assert_eq!(taken["recordAttendance"]["changed"], 2, "{taken}");
    assert!(taken["recordAttendance"]["notified"].as_u64().unwrap() >= 1, "{taken}");

    let guardian = app.sign_in(&super::roll_call::guardian_of(&app, class.students[0].as_str()).await).await.unwrap();
    let asked = app.data(Some(&guardian), &filled(&dated(leave), &[&absent]), json!({})).await.unwrap();
    assert_eq!(asked["requestLeave"]["status"], "pending", "{asked}");
    let told = app.data(Some(&guardian), "{ me { notifications { kind studentId } } }", json!({})).await.unwrap();
    let notes = told["me"]["notifications"].as_array().unwrap();
    assert!(notes.iter().any(|note| note["studentId"] == absent), "{told}");
    app.stop().await.unwrap();
}

/// The operations of `document`, each `mutation` on its own.
fn operations(document: &str) -> Vec<String> {
    let parts = document.split("\nmutation").enumerate();
    let parts = parts.map(|(at, part)| if at == 0 { part.to_owned() } else { format!("mutation{part}") });
    parts.filter(|part| !part.trim().is_empty()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_family_tour_runs_as_written_on_the_demo() {
    let app = TestApp::spawn().await.unwrap();
    let [invite, feed, write, answer] = documents_of("### The school and the family")[..] else {
        panic!("four documents")
    };
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = super::roll_call::homeroom_class(&app, &teacher).await;
    // The README's meeting is dated; a run after that day holds it a month ahead instead.
    let ahead = (emis::clock::today() + chrono::Duration::days(30)).to_string();
    let invite = invite.replace("2027-01-09", &ahead);
    let published = app.data(Some(&teacher), &filled(&invite, &[&json!(class.id)]), json!({})).await.unwrap();
    let notice = published["publishNotice"]["id"].clone();

    let parent = app.sign_in("phuhuynh").await.unwrap();
    let [read, reply] = &operations(feed)[..] else { panic!("a query and a reply") };
    let seen = app.data(Some(&parent), read, json!({})).await.unwrap();
    assert_eq!(seen["me"]["unread"]["notices"], 1, "{seen}");
    let listed = seen["me"]["notices"].as_array().unwrap();
    assert!(listed.iter().any(|n| n["id"] == notice && n["read"] == false), "{seen}");
    let child = seen["me"]["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|child| class.students.iter().any(|id| child["id"] == json!(id)))
        .expect("the demo guardian has a child in gvcn's class")
        .clone();
    let homeroom = &child["correspondents"][0];
    assert_eq!(homeroom["role"], "homeroom_teacher", "{child}");
    let teacher_id = homeroom["staffId"].clone();
    let replied = app.data(Some(&parent), &filled(reply, &[&notice, &child["id"]]), json!({})).await.unwrap();
    assert_eq!(replied["replyToInvitation"][0]["attending"], true, "{replied}");

    let [open, send] = &operations(write)[..] else { panic!("open and send") };
    let opened = app.data(Some(&parent), &filled(open, &[&child["id"], &teacher_id]), json!({})).await.unwrap();
    let conversation = opened["openConversation"]["id"].clone();
    app.data(Some(&parent), &filled(send, &[&conversation]), json!({})).await.unwrap();

    let [mine, back] = &operations(answer)[..] else { panic!("a query and an answer") };
    let waiting = app.data(Some(&teacher), &filled(mine, &[&notice]), json!({})).await.unwrap();
    let listed = waiting["me"]["conversations"].as_array().unwrap();
    assert!(listed.iter().any(|c| c["id"] == conversation && c["unread"] == 1), "{waiting}");
    assert_eq!(waiting["notice"]["replies"]["attending"], 1, "{waiting}");
    app.data(Some(&teacher), &filled(back, &[&conversation]), json!({})).await.unwrap();
    let told = app.data(Some(&parent), "{ me { unread { messages } } }", json!({})).await.unwrap();
    assert_eq!(told["me"]["unread"]["messages"], 1, "{told}");
    app.stop().await.unwrap();
}
