//! The two layers of the privacy guarantee agree: for every role, a sample of users and
//! every registered reader (`emis::privacy::readers`), the records the SQL-compiled
//! conditions select are exactly the records that the per-record check (relationships
//! computed in Rust, decided by the casbin enforcer) allows over the whole table, for
//! reading and for every action a write path reads rows under.

use emis::auth::{Account, Principal};
use emis::privacy::{Access, readers};
use emis_authz::Action;
use emis_tests::TestApp;
use entity::{enrollment, homeroom_class, staff};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait, QueryFilter as _};
use std::collections::BTreeSet;
use std::sync::Arc;

mod family;
mod privacy;
use family::{conversations, notices, told};
use privacy::{breaches, cap_alerts, subject_requests, vendors};

/// Compares the two layers for every registered reader: for its own kind under every
/// action it is read for (a write path reads the rows it touches under the write's or the decision's
/// condition), and for every other kind its columns or shape are read as; returns how
/// many rows the caller may see.
async fn check_all(db: &DatabaseConnection, access: &Access) -> usize {
    let mut seen = 0;
    for reader in readers::registered() {
        for (at, kind) in reader.kinds().into_iter().enumerate() {
            let actions: &[Action] = if at == 0 { reader.actions() } else { &[Action::Read] };
            for &action in actions {
                let (by_sql, by_check) = reader.compare(access, db, kind, action).await.unwrap();
                assert_eq!(
                    by_sql,
                    by_check,
                    "SQL and per-record check disagree on {kind}/{action} by the {} reader for {:?}",
                    reader.name(),
                    access.principal().account
                );
                seen += by_sql.len();
            }
        }
    }
    seen
}

/// Writes one disclosure-log entry per school listing a few of its students and one student
/// of another school, so the disclosure log's read is compared on entries listing students
/// a caller may read and students they may not.
async fn disclosed(app: &TestApp) {
    use emis::disclosure::{Disclosed, Recipient};
    use std::collections::BTreeMap;
    let students = entity::student::Entity::find().all(&app.state.db).await.unwrap();
    let mut by_school: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for student in &students {
        by_school.entry(student.school_id).or_default().push(student.id);
    }
    let stranger = students.iter().map(|student| student.id).max().unwrap();
    let disclosed = by_school
        .into_iter()
        .map(|(school, mut listed)| {
            listed.truncate(5);
            listed.push(stranger);
            listed.sort_unstable();
            listed.dedup();
            Disclosed { school, fields: "result".to_owned(), students: listed }
        })
        .collect();
    let recipient = Recipient {
        actor_kind: "staff",
        actor_id: 1,
        session_id: None,
        purpose: "education".to_owned(),
        ..Default::default()
    };
    app.state.disclosures.append(recipient, disclosed).await.unwrap();
    app.state.disclosures.flush().await;
}

/// Queues one message from each school, so the outbox's read is compared on messages of the
/// caller's school and of another.
async fn messages(app: &TestApp) {
    use emis::outbox::{OutgoingMessage, Purpose, enqueue};
    let schools = entity::org::Entity::find().all(&app.state.db).await.unwrap();
    let guardian = entity::guardian::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    for school in schools.iter().filter(|org| org.kind == "school") {
        let message = OutgoingMessage {
            school_id: school.id,
            to: Account::Guardian(guardian.id),
            phone: "0900000000".to_owned(),
            purpose: Purpose::AbsenceNotice,
            body: "EMIS".to_owned(),
        };
        enqueue(&app.state.db, &app.state.vault, message).await.unwrap();
    }
}

/// Records a missed assessment beside some results of every school, so the reader of missed
/// assessments is compared on records of the caller's sections and students and of others.
async fn missed_assessments(db: &DatabaseConnection) {
    use entity::{missed_assessment, result};
    use sea_orm::ActiveValue::Set;
    for row in result::Entity::find().all(db).await.unwrap().into_iter().step_by(25) {
        let missed = missed_assessment::ActiveModel {
            external_id: Set(None),
            school_id: Set(row.school_id),
            section_id: Set(row.section_id),
            assessment_id: Set(row.assessment_id),
            semester_id: Set(row.semester_id),
            student_id: Set(row.student_id),
            comment: Set(Some("Vắng kiểm tra".to_owned())),
            missed_on: Set(None),
            ..Default::default()
        };
        missed_assessment::Entity::insert(missed).exec(db).await.unwrap();
    }
}

/// Moves one student of the first class with two students to another class of its school
/// and another to a class of another school, from `today`, so that the relationships that
/// hold through enrollments (`current_student`, `former_student`) are compared too.
async fn moves(db: &DatabaseConnection, today: sea_orm::prelude::Date) {
    use sea_orm::ActiveValue::Set;
    use sea_orm::sea_query::Expr;
    let classes = homeroom_class::Entity::find().all(db).await.unwrap();
    let from = &classes[classes.len() - 1];
    let same_school = classes.iter().find(|c| c.school_id == from.school_id && c.id != from.id).unwrap();
    let other_school = classes.iter().find(|c| c.school_id != from.school_id).unwrap();
    let members = enrollment::Entity::find().filter(enrollment::Column::ClassId.eq(from.id)).all(db).await.unwrap();
    for (member, to) in members.iter().zip([same_school, other_school]) {
        enrollment::Entity::update_many()
            .col_expr(enrollment::Column::EndsOn, Expr::value(today.pred_opt().unwrap()))
            .filter(enrollment::Column::Id.eq(member.id))
            .exec(db)
            .await
            .unwrap();
        let moved = enrollment::ActiveModel {
            school_id: Set(to.school_id),
            student_id: Set(member.student_id),
            class_id: Set(to.id),
            starts_on: Set(today),
            ..Default::default()
        };
        enrollment::Entity::insert(moved).exec(db).await.unwrap();
        for (table, column) in [("student", "id"), ("guardianship", "student_id")] {
            let sql = format!("UPDATE {table} SET school_id = {} WHERE {column} = {}", to.school_id, member.student_id);
            sea_orm::ConnectionTrait::execute_unprepared(db, &sql).await.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_conditions_and_per_record_checks_select_the_same_records_for_every_role() {
    let app = TestApp::spawn().await.unwrap();
    let db = &app.state.db;
    let today = emis::clock::today();
    disclosed(&app).await;
    messages(&app).await;
    notices(db).await;
    conversations(db).await;
    told(db).await;
    missed_assessments(db).await;
    moves(db, today).await;
    let vendor_tokens = vendors(db).await;
    cap_alerts(db).await;
    breaches(db).await;
    subject_requests(db).await;
    let policy = app.state.policy.current();
    let mut accounts: Vec<Account> =
        staff::Entity::find().all(db).await.unwrap().iter().map(|s| Account::Staff(s.id)).collect();
    let guardians = entity::guardian::Entity::find().all(db).await.unwrap();
    accounts.extend(guardians.iter().step_by(3).map(|g| Account::Guardian(g.id)));
    let students = entity::student::Entity::find().all(db).await.unwrap();
    accounts.extend(students.iter().filter(|s| s.username.is_some()).map(|s| Account::Student(s.id)));
    let mut roles_seen = BTreeSet::new();
    let mut checked = 0;
    for account in accounts {
        let Some(principal) = Principal::load(db, account, None, today).await.unwrap() else {
            continue;
        };
        roles_seen.extend(principal.roles.keys().copied());
        let access = Access::new(Arc::new(principal), Arc::clone(&policy), db.clone());
        check_all(db, &access).await;
        checked += 1;
    }
    let mut vendors_seen = 0;
    for hash in vendor_tokens {
        let Some(principal) = emis::sharing::reach::principal(db, &hash, chrono::Utc::now()).await.unwrap() else {
            continue;
        };
        let access = Access::new(Arc::new(principal), Arc::clone(&policy), db.clone());
        vendors_seen += usize::from(check_all(db, &access).await > 0);
    }
    assert!(vendors_seen > 2, "vendors that see records were checked");
    assert!(checked > 10, "a real sample was checked");
    for role in [
        emis_authz::Role::Guardian,
        emis_authz::Role::Student,
        emis_authz::Role::SubjectTeacher,
        emis_authz::Role::HomeroomTeacher,
        emis_authz::Role::Principal,
        emis_authz::Role::VicePrincipal,
        emis_authz::Role::Clerk,
        emis_authz::Role::DistrictOfficer,
        emis_authz::Role::Operator,
    ] {
        assert!(roles_seen.contains(&role), "no user with role {role} was checked");
    }
    assert_eq!(emis::privacy::INCONSISTENCIES.load(std::sync::atomic::Ordering::Relaxed), 0);
    app.stop().await.unwrap();
}
