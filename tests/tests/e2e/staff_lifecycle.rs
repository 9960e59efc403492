//! Keeping the staff current through the API: the principal adds staff, assigns homerooms
//! and teaching, and records a departure, which ends the person's access at their next
//! request and removes them from the directory while what they recorded still names them;
//! staff keep their own contact details, with history. No one else may, another school's
//! principal is answered exactly as for a missing record, and a refused call writes nothing.

use super::grade_entry::{RECORD, decode, scored_column};
use super::roll_call::{homeroom_class, today};
use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use entity::{staff, staff_contact_history, staff_role, staff_status_history, teaching_assignment};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};

const DIRECTORY: &str = "{ staffDirectory { id fullName } }";
const STATUS: &str = "mutation($s: ID!, $status: StaffStatusChoice!, $on: NaiveDate!, $note: String, $to: ID) {
    recordStaffStatus(staffId: $s, status: $status, on: $on, note: $note, toSchoolId: $to) { id status } }";
const ADD: &str = "mutation($school: ID!, $input: NewStaffInput!) {
    addStaff(schoolId: $school, input: $input) { id fullName status phone email school { id } } }";
const HOMEROOM: &str = "mutation($c: ID!, $s: ID!) {
    assignHomeroom(classId: $c, staffId: $s) { id kind classId startsOn endsOn } }";
const TEACHING: &str = "mutation($sec: ID!, $s: ID!, $sem: ID) {
    assignTeaching(sectionId: $sec, staffId: $s, semesterId: $sem) { id kind sectionId startsOn endsOn } }";
const SET_ROLE: &str = "mutation($s: ID!, $role: String!, $from: NaiveDate!) {
    setStaffRole(staffId: $s, role: $role, from: $from) { id role startsOn endsOn } }";
const END_ROLE: &str = "mutation($r: ID!, $on: NaiveDate!) { endStaffRole(roleId: $r, on: $on) { id endsOn } }";
const END_ASSIGNMENT: &str =
    "mutation($a: ID!, $on: NaiveDate!) { endAssignment(assignmentId: $a, on: $on) { id endsOn } }";
const CONTACT: &str = "mutation($phone: String, $email: String) {
    updateMyContact(phone: $phone, email: $email) { id phone email } }";

/// The staff row of `username`.
async fn staff_named(app: &TestApp, username: &str) -> staff::Model {
    let row = staff::Entity::find().filter(staff::Column::Username.eq(username)).one(&app.state.db).await.unwrap();
    row.expect("a seeded account")
}

/// The staff ids in the directory as `token` reads it.
async fn directory(app: &TestApp, token: &str) -> Vec<String> {
    let data = app.data(Some(token), DIRECTORY, json!({})).await.unwrap();
    data["staffDirectory"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect()
}

/// How many guardians of `student` `token` reads the phone of.
async fn guardian_phones(app: &TestApp, token: &str, student: &str) -> usize {
    let query = "query($id: ID!) { student(id: $id) { guardians { phone } } }";
    let data = app.data(Some(token), query, json!({ "id": student })).await.unwrap();
    data["student"]["guardians"].as_array().into_iter().flatten().filter(|g| g["phone"].is_string()).count()
}

/// Every row of the staff tables a refused call must leave as they were.
async fn staff_tables(app: &TestApp) -> Value {
    let db = &app.state.db;
    let people: Vec<_> = staff::Entity::find().all(db).await.unwrap().into_iter().map(|s| (s.id, s.status)).collect();
    let roles: Vec<_> =
        staff_role::Entity::find().all(db).await.unwrap().into_iter().map(|r| (r.id, r.starts_on, r.ends_on)).collect();
    let assignments: Vec<_> = teaching_assignment::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.id, a.staff_id, a.starts_on, a.ends_on))
        .collect();
    let history = staff_status_history::Entity::find().count(db).await.unwrap();
    let contacts = staff_contact_history::Entity::find().count(db).await.unwrap();
    json!({ "people": people, "roles": roles, "assignments": assignments, "history": history, "contacts": contacts })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_departure_ends_access_at_the_next_request_and_leaves_the_directory_while_the_history_names_them() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let person = staff_named(&app, "gvbm").await;
    let id = encode("Staff", person.id);
    // The teacher records a score: the history names them.
    let column = scored_column(&app, &teacher).await;
    let (student, version) = column.students[0].clone();
    let entries = json!([{ "studentId": student, "score": 7.5, "version": version }]);
    app.data(Some(&teacher), RECORD, json!({ "column": column.id, "entries": entries })).await.unwrap();
    assert!(directory(&app, &principal).await.contains(&id), "listed while working");
    assert!(app.data(Some(&teacher), "{ me { staff { id } } }", json!({})).await.is_ok());

    let vars = json!({ "s": id, "status": "LEFT", "on": today(), "note": "Nghỉ hưu" });
    let left = app.data(Some(&principal), STATUS, vars.clone()).await.unwrap();
    assert_eq!(left["recordStaffStatus"]["status"], "left");

    // The next request of the teacher, with the token they still hold, is refused.
    let after = app.graphql(Some(&teacher), "{ me { staff { id } } }", json!({})).await.unwrap();
    assert_eq!(error_code(&after), Some("UNAUTHENTICATED"), "{after}");
    let loaded =
        emis::auth::Principal::load(&app.state.db, emis::auth::Account::Staff(person.id), None, emis::clock::today())
            .await
            .unwrap();
    assert!(loaded.is_none(), "a staff member who left is no principal, whatever their session");
    assert!(!directory(&app, &principal).await.contains(&id), "gone from the directory");
    let named = app
        .data(
            Some(&principal),
            "query($id: ID!) { node(id: $id) { ... on Staff { fullName status } } }",
            json!({"id": id}),
        )
        .await
        .unwrap();
    assert_eq!(named["node"]["status"], "left", "the record stays: {named}");
    assert_eq!(named["node"]["fullName"], person.full_name.as_str());
    let history = app
        .data(
            Some(&principal),
            "query($id: ID!) { student(id: $id) { history { changedBy } } }",
            json!({"id": student}),
        )
        .await
        .unwrap();
    let entries = history["student"]["history"].as_array().unwrap();
    assert!(entries.iter().any(|entry| entry["changedBy"] == id.as_str()), "the history still names them: {history}");

    // Their assignments at the school ended yesterday; the change is in the status history.
    let yesterday = emis::clock::today().pred_opt().unwrap();
    let assignments = teaching_assignment::Entity::find()
        .filter(teaching_assignment::Column::StaffId.eq(person.id))
        .all(&app.state.db)
        .await
        .unwrap();
    assert!(!assignments.is_empty());
    assert!(assignments.iter().all(|a| a.ends_on.is_some_and(|ends| ends <= yesterday)), "{assignments:?}");
    let recorded = staff_status_history::Entity::find()
        .filter(staff_status_history::Column::StaffId.eq(person.id))
        .filter(staff_status_history::Column::Status.eq("left"))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the departure is in the history");
    assert_eq!(recorded.note.as_deref(), Some("Nghỉ hưu"));
    assert_eq!(recorded.recorded_by_id, Some(staff_named(&app, "hieutruong").await.id));
    // Recording it again is refused and writes nothing.
    let before = staff_tables(&app).await;
    let again = app.graphql(Some(&principal), STATUS, vars).await.unwrap();
    assert_eq!(error_code(&again), Some("BAD_USER_INPUT"), "{again}");
    assert_eq!(staff_tables(&app).await, before);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_homeroom_teacher_has_the_class_from_the_next_request_and_the_previous_one_no_longer() {
    let app = TestApp::spawn().await.unwrap();
    let previous = app.sign_in("gvcn").await.unwrap();
    let next = app.sign_in("gvbm").await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let class = homeroom_class(&app, &previous).await;
    let homerooms = "{ me { homeroomClasses { id } } }";
    assert!(
        guardian_phones(&app, &previous, &class.students[0]).await > 0,
        "the homeroom teacher reaches the guardians"
    );
    assert_eq!(guardian_phones(&app, &next, &class.students[0]).await, 0);
    let before = app.data(Some(&next), homerooms, json!({})).await.unwrap();
    assert!(!before.to_string().contains(&class.id), "not yet the homeroom teacher");
    let vars = json!({ "c": class.id, "s": encode("Staff", staff_named(&app, "gvbm").await.id) });
    let assigned = app.data(Some(&principal), HOMEROOM, vars).await.unwrap();
    assert_eq!(assigned["assignHomeroom"]["kind"], "homeroom");
    assert_eq!(assigned["assignHomeroom"]["startsOn"], today());

    let now = app.data(Some(&next), homerooms, json!({})).await.unwrap();
    assert_eq!(now["me"]["homeroomClasses"][0]["id"], class.id.as_str(), "{now}");
    let gone = app.data(Some(&previous), homerooms, json!({})).await.unwrap();
    assert_eq!(gone["me"]["homeroomClasses"], json!([]), "{gone}");
    // How to reach the students' guardians is the homeroom teacher's: now the new one's.
    assert_eq!(
        guardian_phones(&app, &previous, &class.students[0]).await,
        0,
        "the previous homeroom teacher no longer reaches the guardians"
    );
    assert!(guardian_phones(&app, &next, &class.students[0]).await > 0, "the new one does");
    let previous_id = staff_named(&app, "gvcn").await.id;
    let ended = teaching_assignment::Entity::find()
        .filter(teaching_assignment::Column::StaffId.eq(previous_id))
        .filter(teaching_assignment::Column::ClassId.eq(decode("Class", &class.id)))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ended.ends_on, emis::clock::today().pred_opt(), "the previous assignment ended yesterday");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_member_added_by_the_principal_is_in_the_directory_with_sealed_contact_and_no_password() {
    let app = TestApp::spawn().await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let clerk = app.sign_in("vanthu").await.unwrap();
    let school = encode("School", staff_named(&app, "hieutruong").await.school_id);
    let input = json!({
        "familyName": "Trần Thị", "givenName": "Mai", "gender": "female", "birthDate": "1990-04-12",
        "phone": "0912 345 678", "email": "tt.mai@truong.edu.vn", "username": "TT.Mai", "roles": ["clerk"],
    });
    let added = app.data(Some(&principal), ADD, json!({ "school": school, "input": input.clone() })).await.unwrap();
    let added = &added["addStaff"];
    assert_eq!(added["fullName"], "Trần Thị Mai");
    assert_eq!(added["status"], "active");
    assert_eq!(added["phone"], "0912 345 678");
    assert_eq!(added["school"]["id"], school.as_str());
    let id = added["id"].as_str().unwrap().to_owned();
    assert!(directory(&app, &principal).await.contains(&id));
    assert!(directory(&app, &clerk).await.contains(&id), "the clerk's directory too");
    let row = staff::Entity::find_by_id(decode("Staff", &id)).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(row.username.as_deref(), Some("tt.mai"));
    assert!(row.password_hash.is_none(), "no password until activation");
    let sealed = row.phone_enc.clone().unwrap();
    assert!(!String::from_utf8_lossy(&sealed).contains("345"), "the phone is sealed");
    assert!(row.phone_blind.is_some());
    let roles = staff_role::Entity::find().filter(staff_role::Column::StaffId.eq(row.id)).all(&app.state.db).await;
    let roles: Vec<_> = roles.unwrap().into_iter().map(|r| (r.role, r.org_id, r.ends_on)).collect();
    assert_eq!(roles, vec![("clerk".to_owned(), row.school_id, None)]);
    // The same username again, or a role that is not a school's, writes nothing.
    let before = staff_tables(&app).await;
    let taken = app.graphql(Some(&principal), ADD, json!({ "school": school, "input": input })).await.unwrap();
    assert_eq!(error_code(&taken), Some("BAD_USER_INPUT"), "{taken}");
    let officer = json!({ "familyName": "Lê", "givenName": "An", "roles": ["district_officer"] });
    let refused = app.graphql(Some(&principal), ADD, json!({ "school": school, "input": officer })).await.unwrap();
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    // Neither a clerk nor a teacher adds staff.
    let plain = json!({ "familyName": "Lê", "givenName": "An" });
    for token in [&clerk, &app.sign_in("gvbm").await.unwrap()] {
        let body = app.graphql(Some(token), ADD, json!({ "school": school, "input": plain })).await.unwrap();
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    }
    assert_eq!(staff_tables(&app).await, before);
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_schools_principal_and_other_roles_are_refused_like_a_missing_record_and_nothing_is_written() {
    let app = TestApp::spawn().await.unwrap();
    let own = app.sign_in("hieutruong").await.unwrap();
    let gvcn = app.sign_in("gvcn").await.unwrap();
    let school = staff_named(&app, "hieutruong").await.school_id;
    let elsewhere = app.sign_in(&super::book_locks::principal_elsewhere(&app, school).await).await.unwrap();
    let teacher = staff_named(&app, "gvbm").await;
    let class = homeroom_class(&app, &gvcn).await;
    let column = scored_column(&app, &app.sign_in("gvbm").await.unwrap()).await;
    let role = staff_role::Entity::find()
        .filter(staff_role::Column::OrgId.eq(school))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("a role at the school");
    let assignment = teaching_assignment::Entity::find()
        .filter(teaching_assignment::Column::StaffId.eq(teacher.id))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("an assignment at the school");
    let staff_id = encode("Staff", teacher.id);
    // Each call as another school's principal, and the same call naming a missing record.
    let calls: Vec<(&str, Value, Value)> = vec![
        (
            STATUS,
            json!({ "s": staff_id, "status": "LEFT", "on": today() }),
            json!({ "s": encode("Staff", 987_654), "status": "LEFT", "on": today() }),
        ),
        (
            SET_ROLE,
            json!({ "s": staff_id, "role": "clerk", "from": today() }),
            json!({ "s": encode("Staff", 987_654), "role": "clerk", "from": today() }),
        ),
        (
            END_ROLE,
            json!({ "r": encode("StaffRole", role.id), "on": today() }),
            json!({ "r": encode("StaffRole", 987_654), "on": today() }),
        ),
        (HOMEROOM, json!({ "c": class.id, "s": staff_id }), json!({ "c": encode("Class", 987_654), "s": staff_id })),
        (
            TEACHING,
            json!({ "sec": column.section, "s": staff_id }),
            json!({ "sec": encode("Section", 987_654), "s": staff_id }),
        ),
        (
            END_ASSIGNMENT,
            json!({ "a": encode("Assignment", assignment.id), "on": today() }),
            json!({ "a": encode("Assignment", 987_654), "on": today() }),
        ),
        (
            ADD,
            json!({ "school": encode("School", school), "input": { "familyName": "Lê", "givenName": "An" } }),
            json!({ "school": encode("School", 987_654), "input": { "familyName": "Lê", "givenName": "An" } }),
        ),
    ];
    let before = staff_tables(&app).await;
    for (query, theirs, missing) in &calls {
        let refused = app.graphql(Some(&elsewhere), query, theirs.clone()).await.unwrap();
        let absent = app.graphql(Some(&elsewhere), query, missing.clone()).await.unwrap();
        assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{query}: {refused}");
        assert_eq!(refused["errors"][0]["message"], absent["errors"][0]["message"], "{query}");
        assert_eq!(refused["errors"][0]["extensions"], absent["errors"][0]["extensions"], "{query}");
        assert_eq!(refused["data"], absent["data"], "{query}");
    }
    // Nor may the school's teachers, clerk or a guardian.
    for username in ["gvcn", "gvbm", "vanthu", "phuhuynh"] {
        let token = app.sign_in(username).await.unwrap();
        for (query, theirs, _) in &calls {
            let refused = app.graphql(Some(&token), query, theirs.clone()).await.unwrap();
            assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{username} {query}: {refused}");
        }
    }
    assert_eq!(staff_tables(&app).await, before, "nothing written");
    // The school's own principal is let through to the validation that follows.
    let bad = app.graphql(Some(&own), SET_ROLE, json!({ "s": staff_id, "role": "guardian", "from": today() })).await;
    assert_eq!(error_code(&bad.unwrap()), Some("BAD_USER_INPUT"));
    let set = app.data(Some(&own), SET_ROLE, json!({ "s": staff_id, "role": "clerk", "from": today() })).await.unwrap();
    assert_eq!(set["setStaffRole"]["role"], "clerk");
    let ended = app.data(Some(&own), END_ROLE, json!({ "r": set["setStaffRole"]["id"], "on": today() })).await.unwrap();
    assert_eq!(ended["endStaffRole"]["endsOn"], today());
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_staff_member_keeps_their_own_contact_current_and_each_change_is_kept_sealed() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvbm").await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let person = staff_named(&app, "gvbm").await;
    let vars = json!({ "phone": "0987 654 321", "email": "gvbm.moi@truong.edu.vn" });
    let changed = app.data(Some(&teacher), CONTACT, vars).await.unwrap();
    assert_eq!(changed["updateMyContact"]["phone"], "0987 654 321");
    let read = app
        .data(
            Some(&principal),
            "query($id: ID!) { node(id: $id) { ... on Staff { phone email } } }",
            json!({"id": encode("Staff", person.id)}),
        )
        .await
        .unwrap();
    assert_eq!(read["node"]["email"], "gvbm.moi@truong.edu.vn", "the principal reads the new value");
    let history = staff_contact_history::Entity::find()
        .filter(staff_contact_history::Column::StaffId.eq(person.id))
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    let entry = &history[0];
    assert_eq!(entry.old_phone_enc, person.phone_enc, "the value before is kept");
    let sealed = entry.new_phone_enc.clone().unwrap();
    assert!(!String::from_utf8_lossy(&sealed).contains("654"), "kept sealed");
    let key = emis::vault::Vault::key_id_of(&sealed).unwrap();
    app.state.vault.preload(&app.state.db, [key]).await.unwrap();
    let opened = app.state.vault.open_field("staff", "phone_enc", person.id, &sealed);
    assert_eq!(opened.as_deref(), Some("0987 654 321"));
    // Only the phone this time: the e-mail is kept.
    app.data(Some(&teacher), CONTACT, json!({ "phone": "0987 000 111" })).await.unwrap();
    let row = staff::Entity::find_by_id(person.id).one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(row.email_enc, history[0].new_email_enc);
    // A wrong value, or a guardian, writes nothing.
    let before = staff_tables(&app).await;
    let bad = app.graphql(Some(&teacher), CONTACT, json!({ "email": "not an address" })).await.unwrap();
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"), "{bad}");
    let guardian = app.sign_in("phuhuynh").await.unwrap();
    let refused = app.graphql(Some(&guardian), CONTACT, json!({ "phone": "0911 111 111" })).await.unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    assert_eq!(staff_tables(&app).await, before);
    app.stop().await.unwrap();
}
