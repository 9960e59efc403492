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
use family::{conversations, notices, told};

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

/// Registers a vendor's client at every organisation, schools and offices, each with an
/// agreement covering another school (or one of its classes), so the readers of clients,
/// agreements and their places are compared on the caller's own organisation and others';
/// every other agreement asks families' consent, which some families and children gave and
/// some withdrew, and families decide on the school's own `school_health` too. Answers each
/// client's token, by its hash, for the vendors' own comparison.
async fn vendors(db: &DatabaseConnection) -> Vec<String> {
    use entity::{org, sharing_agreement, sharing_agreement_place, sharing_consent, vendor_client, vendor_token};
    use sea_orm::ActiveValue::Set;
    let now = chrono::Utc::now();
    let mut hashes = Vec::new();
    let orgs = org::Entity::find().all(db).await.unwrap();
    let schools: Vec<i64> = orgs.iter().filter(|o| o.kind == "school").map(|o| o.id).collect();
    let someone = staff::Entity::find().one(db).await.unwrap().unwrap().id;
    for (at, holder) in orgs.iter().enumerate() {
        let client = vendor_client::ActiveModel {
            org_id: Set(holder.id),
            name: Set(format!("Vendor {at}")),
            client_id: Set(format!("emis_vc_{at}")),
            secret_hash: Set(format!("{at:064}")),
            status: Set("active".to_owned()),
            registered_by: Set(someone),
            created_at: Set(now),
            secret_rotated_at: Set(now),
            suspended_at: Set(None),
            ..Default::default()
        };
        let client = vendor_client::Entity::insert(client).exec(db).await.unwrap().last_insert_id;
        let agreement = sharing_agreement::ActiveModel {
            vendor_client_id: Set(client),
            org_id: Set(holder.id),
            purpose: Set("timetable".to_owned()),
            legal_basis: Set("Điều 17".to_owned()),
            reference: Set(format!("HĐ-{at}")),
            starts_on: Set(now.date_naive()),
            ends_on: Set(None),
            consent_required: Set(at % 2 == 0),
            scopes: Set(SHARED_SCOPES.to_owned()),
            field_groups: Set(SHARED_GROUPS.to_owned()),
            made_by: Set(someone),
            created_at: Set(now),
            ended_at: Set(None),
            ended_reason: Set(None),
            ..Default::default()
        };
        let agreement = sharing_agreement::Entity::insert(agreement).exec(db).await.unwrap().last_insert_id;
        let school = schools[at % schools.len()];
        let class = homeroom_class::Entity::find().filter(homeroom_class::Column::SchoolId.eq(school)).one(db).await;
        let place = sharing_agreement_place::ActiveModel {
            agreement_id: Set(agreement),
            school_id: Set(school),
            class_id: Set(class.unwrap().filter(|_| at % 3 == 0).map(|class| class.id)),
            ..Default::default()
        };
        sharing_agreement_place::Entity::insert(place).exec(db).await.unwrap();
        let hash = format!("{at:064x}");
        let token = vendor_token::ActiveModel {
            vendor_client_id: Set(client),
            token_hash: Set(hash.clone()),
            scopes: Set(if at % 4 == 1 { "emis.attendance.readonly".to_owned() } else { SHARED_SCOPES.to_owned() }),
            created_at: Set(now),
            expires_at: Set(now + chrono::Duration::hours(1)),
            ..Default::default()
        };
        vendor_token::Entity::insert(token).exec(db).await.unwrap();
        hashes.push(hash);
    }
    let students = entity::student::Entity::find().all(db).await.unwrap();
    for (at, child) in students.iter().step_by(4).enumerate() {
        let guardian = entity::guardianship::Entity::find()
            .filter(entity::guardianship::Column::StudentId.eq(child.id))
            .one(db)
            .await
            .unwrap();
        let Some(guardian) = guardian else { continue };
        // The guardian's decision on a vendor's purpose and on the school's own `school_health`
        // (reached by subject teachers under `consented_for`); the child's own on some.
        let decisions = [
            ("timetable", "guardian", if at % 5 == 4 { "withdrawn" } else { "given" }),
            ("timetable", "child", if at % 3 == 0 { "given" } else { "refused" }),
            ("school_health", "guardian", if at % 2 == 0 { "given" } else { "refused" }),
            ("school_health", "child", if at % 4 < 2 { "given" } else { "withdrawn" }),
        ];
        for (purpose, by, decision) in decisions {
            let consent = sharing_consent::ActiveModel {
                student_id: Set(child.id),
                school_id: Set(child.school_id),
                purpose: Set(purpose.to_owned()),
                decision: Set(decision.to_owned()),
                guardian_id: Set(Some(guardian.guardian_id)),
                channel: Set("app".to_owned()),
                text_version: Set("test".to_owned()),
                decided_at: Set(now),
                superseded_at: Set(None),
                decided_by: Set(by.to_owned()),
                ..Default::default()
            };
            sharing_consent::Entity::insert(consent).exec(db).await.unwrap();
        }
    }
    hashes
}

/// Records a read refused at the cap of every second agreement (yesterday's, so none is
/// blocked today) and tells every staff member of one — judged on their own school, or for
/// every third on another's — so the reader of `sharing_cap` notifications is compared on
/// the caller's own rows and on others'.
async fn cap_alerts(db: &DatabaseConnection) {
    use entity::{org, sharing_agreement, sharing_cap_alert};
    use sea_orm::ActiveValue::Set;
    let now = chrono::Utc::now();
    let yesterday = now.date_naive().pred_opt().unwrap();
    let mut alerts = Vec::new();
    for agreement in sharing_agreement::Entity::find().all(db).await.unwrap().iter().step_by(2) {
        let alert = sharing_cap_alert::ActiveModel {
            agreement_id: Set(agreement.id),
            org_id: Set(agreement.org_id),
            day: Set(yesterday),
            cap: Set(10),
            reached: Set(11),
            created_at: Set(now),
            ..Default::default()
        };
        alerts.push(sharing_cap_alert::Entity::insert(alert).exec(db).await.unwrap().last_insert_id);
    }
    let orgs: Vec<i64> = org::Entity::find().all(db).await.unwrap().iter().map(|o| o.id).collect();
    let mut rows = Vec::new();
    for (at, person) in staff::Entity::find().all(db).await.unwrap().iter().enumerate() {
        let org = if at % 3 == 0 { orgs[at % orgs.len()] } else { person.school_id };
        rows.push(emis::books::told_staff::cap_alert(person.id, org, alerts[at % alerts.len()], now));
    }
    emis::books::told_staff::write(db, rows).await.unwrap();
}

/// A data-subject request by a guardian of every fifth student, for the reader of requests.
async fn subject_requests(db: &DatabaseConnection) {
    use sea_orm::ActiveValue::Set;
    let now = chrono::Utc::now();
    let links = entity::guardianship::Entity::find().all(db).await.unwrap();
    let students = entity::student::Entity::find().all(db).await.unwrap();
    for (at, child) in students.iter().step_by(5).enumerate() {
        let Some(link) = links.iter().find(|link| link.student_id == child.id) else { continue };
        let row = entity::subject_request::ActiveModel {
            student_id: Set(child.id),
            school_id: Set(child.school_id),
            kind: Set(["access", "correction", "restriction", "deletion"][at % 4].to_owned()),
            details: Set(String::new()),
            requested_by: Set(link.guardian_id),
            received_at: Set(now),
            acknowledge_by: Set(emis::subject::requests::acknowledge_by(now)),
            complete_by: Set(now + chrono::Duration::days(10)),
            status: Set(emis::subject::requests::RECEIVED.to_owned()),
            ..Default::default()
        };
        entity::subject_request::Entity::insert(row).exec(db).await.unwrap();
    }
}

/// Records a breach at every school, each affecting every third student of every school (so
/// a breach lists students of other schools too), for the readers of breaches and of the
/// students they affected.
async fn breaches(db: &DatabaseConnection) {
    use entity::{breach, breach_student, org};
    use sea_orm::ActiveValue::Set;
    let now = chrono::Utc::now();
    let schools: Vec<i64> = org::Entity::find().all(db).await.unwrap().iter().map(|o| o.id).collect();
    let recorder = staff::Entity::find().one(db).await.unwrap().unwrap().id;
    let students = entity::student::Entity::find().all(db).await.unwrap();
    for school in schools {
        let row = breach::ActiveModel {
            org_id: Set(school),
            recorded_by: Set(recorder),
            description: Set("test".to_owned()),
            discovered_at: Set(now),
            notify_by: Set(now + emis::breaches::NOTIFY_WITHIN),
            created_at: Set(now),
            ..Default::default()
        };
        let id = breach::Entity::insert(row).exec(db).await.unwrap().last_insert_id;
        let affected = students.iter().step_by(3).map(|s| breach_student::ActiveModel {
            breach_id: Set(id),
            student_id: Set(s.id),
            school_id: Set(s.school_id),
            ..Default::default()
        });
        breach_student::Entity::insert_many(affected).exec(db).await.unwrap();
    }
}

/// The scopes and field groups of the agreements the comparison seeds.
const SHARED_SCOPES: &str = "https://purl.imsglobal.org/spec/or/v1p2/scope/roster.readonly \
                             https://purl.imsglobal.org/spec/or/v1p2/scope/gradebook.readonly emis.attendance.readonly";
const SHARED_GROUPS: &str = "school,class,section,staff,student,enrollment,guardianship,guardian,result,attendance";

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
