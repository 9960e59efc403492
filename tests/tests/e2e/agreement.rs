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
    let recipient = Recipient { actor_kind: "staff", actor_id: 1, session_id: None, purpose: "education".to_owned() };
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

/// Publishes one notice per enrollment to its student, each delivery read and answered by one
/// of the student's guardians, and one notice to each staff member, so the readers of
/// deliveries, read receipts, replies and staff deliveries are compared on records of the
/// caller's families, classes, colleagues and school and of others.
async fn notices(db: &DatabaseConnection) {
    use entity::{guardianship, notice, notice_delivery, notice_read, notice_reply, notice_staff_delivery};
    use sea_orm::ActiveValue::Set;
    let author = staff::Entity::find().one(db).await.unwrap().unwrap();
    let now = chrono::Utc::now();
    for stay in enrollment::Entity::find().all(db).await.unwrap() {
        let published = notice::ActiveModel {
            school_id: Set(stay.school_id),
            author_staff_id: Set(author.id),
            kind: Set("notice".to_owned()),
            title: Set("Họp phụ huynh".to_owned()),
            body: Set("8 giờ".to_owned()),
            audience: Set("class".to_owned()),
            class_id: Set(Some(stay.class_id)),
            published_at: Set(now),
            expires_at: Set(None),
            ..Default::default()
        };
        let notice = notice::Entity::insert(published).exec(db).await.unwrap().last_insert_id;
        let delivery = notice_delivery::ActiveModel {
            notice_id: Set(notice),
            school_id: Set(stay.school_id),
            class_id: Set(stay.class_id),
            student_id: Set(stay.student_id),
            ..Default::default()
        };
        let delivery = notice_delivery::Entity::insert(delivery).exec(db).await.unwrap().last_insert_id;
        let link = guardianship::Entity::find().filter(guardianship::Column::StudentId.eq(stay.student_id));
        let Some(link) = link.one(db).await.unwrap() else { continue };
        let reading = notice_read::ActiveModel {
            delivery_id: Set(delivery),
            notice_id: Set(notice),
            school_id: Set(stay.school_id),
            class_id: Set(stay.class_id),
            student_id: Set(stay.student_id),
            guardian_id: Set(link.guardian_id),
            read_at: Set(now),
            ..Default::default()
        };
        notice_read::Entity::insert(reading).exec(db).await.unwrap();
        let reply = notice_reply::ActiveModel {
            delivery_id: Set(delivery),
            notice_id: Set(notice),
            school_id: Set(stay.school_id),
            class_id: Set(stay.class_id),
            student_id: Set(stay.student_id),
            guardian_id: Set(link.guardian_id),
            attending: Set(stay.student_id % 2 == 0),
            note: Set(None),
            replied_at: Set(now),
            ..Default::default()
        };
        notice_reply::Entity::insert(reply).exec(db).await.unwrap();
    }
    for member in staff::Entity::find().all(db).await.unwrap() {
        let published = notice::ActiveModel {
            school_id: Set(member.school_id),
            author_staff_id: Set(author.id),
            kind: Set("notice".to_owned()),
            title: Set("Họp hội đồng".to_owned()),
            body: Set("14 giờ".to_owned()),
            audience: Set("staff".to_owned()),
            published_at: Set(now),
            ..Default::default()
        };
        let notice = notice::Entity::insert(published).exec(db).await.unwrap().last_insert_id;
        let delivery = notice_staff_delivery::ActiveModel {
            notice_id: Set(notice),
            school_id: Set(member.school_id),
            staff_id: Set(member.id),
            ..Default::default()
        };
        notice_staff_delivery::Entity::insert(delivery).exec(db).await.unwrap();
    }
}

/// Opens a conversation about every third student enrolled, between one of their guardians,
/// their homeroom teacher, a teacher of a section of their class and a staff member who may
/// be neither (a member whom no relationship lets read it), each with a message; every
/// second one is reported. So the readers of conversations are compared on members and
/// non-members, on teachers of the class and of others, and on reported and unreported
/// conversations.
async fn conversations(db: &DatabaseConnection) {
    use entity::{
        conversation, conversation_member, guardianship, message, message_report, section, teaching_assignment,
    };
    use sea_orm::ActiveValue::Set;
    let stranger = staff::Entity::find().one(db).await.unwrap().unwrap();
    let now = chrono::Utc::now();
    for (at, stay) in enrollment::Entity::find().all(db).await.unwrap().into_iter().step_by(3).enumerate() {
        let about = |c: &mut conversation::ActiveModel| {
            c.school_id = Set(stay.school_id);
            c.student_id = Set(stay.student_id);
            c.class_id = Set(stay.class_id);
        };
        let mut opened = conversation::ActiveModel {
            opened_by_kind: Set("staff".to_owned()),
            opened_by_id: Set(stranger.id),
            state: Set("open".to_owned()),
            created_at: Set(now),
            last_message_at: Set(now),
            closed_at: Set(None),
            ..Default::default()
        };
        about(&mut opened);
        let id = conversation::Entity::insert(opened).exec(db).await.unwrap().last_insert_id;
        let mut people = vec![("staff", stranger.id)];
        let link = guardianship::Entity::find().filter(guardianship::Column::StudentId.eq(stay.student_id));
        people.extend(link.one(db).await.unwrap().map(|link| ("guardian", link.guardian_id)));
        let homeroom = teaching_assignment::Entity::find()
            .filter(teaching_assignment::Column::ClassId.eq(stay.class_id))
            .filter(teaching_assignment::Column::Kind.eq("homeroom"));
        people.extend(homeroom.one(db).await.unwrap().map(|a| ("staff", a.staff_id)));
        let sections =
            section::Entity::find().filter(section::Column::ClassId.eq(stay.class_id)).all(db).await.unwrap();
        let subject = teaching_assignment::Entity::find()
            .filter(teaching_assignment::Column::SectionId.is_in(sections.iter().map(|s| s.id)))
            .filter(teaching_assignment::Column::Kind.eq("subject"));
        people.extend(subject.one(db).await.unwrap().map(|a| ("staff", a.staff_id)));
        people.sort_unstable();
        people.dedup();
        for &(kind, account) in &people {
            let row = conversation_member::ActiveModel {
                conversation_id: Set(id),
                account_kind: Set(kind.to_owned()),
                account_id: Set(account),
                role: Set("guardian".to_owned()),
                last_read_message_id: Set(None),
                muted: Set(false),
                joined_at: Set(now),
                school_id: Set(stay.school_id),
                student_id: Set(stay.student_id),
                class_id: Set(stay.class_id),
                ..Default::default()
            };
            conversation_member::Entity::insert(row).exec(db).await.unwrap();
        }
        let (kind, author) = people[people.len() - 1];
        let sent = message::ActiveModel {
            conversation_id: Set(id),
            author_kind: Set(kind.to_owned()),
            author_id: Set(author),
            body: Set("Chào cô".to_owned()),
            created_at: Set(now),
            edited_at: Set(None),
            deleted_at: Set(None),
            school_id: Set(stay.school_id),
            student_id: Set(stay.student_id),
            class_id: Set(stay.class_id),
            ..Default::default()
        };
        message::Entity::insert(sent).exec(db).await.unwrap();
        if at % 2 == 0 {
            let report = message_report::ActiveModel {
                conversation_id: Set(id),
                reporter_kind: Set(kind.to_owned()),
                reporter_id: Set(author),
                reason: Set("Lời lẽ xúc phạm".to_owned()),
                created_at: Set(now),
                school_id: Set(stay.school_id),
                student_id: Set(stay.student_id),
                class_id: Set(stay.class_id),
                ..Default::default()
            };
            message_report::Entity::insert(report).exec(db).await.unwrap();
        }
    }
}

/// Tells guardians of every kind of notification — a message notification to every member
/// of each conversation and to a guardian who is not one, and an absence, a notice and a
/// score (in the class's first section) for every other enrollment — and gives every other
/// guardian a channel choice and a push device, so the readers of notifications, channels
/// and devices are compared on rows of the caller's children, conversations and self and of
/// others.
async fn told(db: &DatabaseConnection) {
    use emis::books::told::{self, About, Refers};
    use entity::{
        conversation_member, guardian, guardianship, notification, notification_channel, push_device, section,
    };
    use sea_orm::ActiveValue::Set;
    let now = chrono::Utc::now();
    let today = emis::clock::today();
    let mut rows: Vec<notification::ActiveModel> = Vec::new();
    let outsider = guardian::Entity::find().one(db).await.unwrap().unwrap().id;
    for member in conversation_member::Entity::find().all(db).await.unwrap() {
        let about = About { student: member.student_id, school: member.school_id, class: member.class_id };
        let refers = Refers { conversation: Some(member.conversation_id), ..Refers::default() };
        let guardian = if member.account_kind == "guardian" { member.account_id } else { outsider };
        rows.push(told::row(guardian, about, told::MESSAGE, refers, false, today, now));
    }
    for stay in enrollment::Entity::find().all(db).await.unwrap().into_iter().step_by(2) {
        let link = guardianship::Entity::find().filter(guardianship::Column::StudentId.eq(stay.student_id));
        let Some(link) = link.one(db).await.unwrap() else { continue };
        let about = About { student: stay.student_id, school: stay.school_id, class: stay.class_id };
        let section = section::Entity::find().filter(section::Column::ClassId.eq(stay.class_id)).one(db).await.unwrap();
        rows.push(told::row(link.guardian_id, about, told::ABSENCE, Refers::default(), true, today, now));
        rows.push(told::row(link.guardian_id, about, told::NOTICE, Refers::default(), false, today, now));
        let scores = Refers { section: section.map(|section| section.id), ..Refers::default() };
        rows.push(told::row(link.guardian_id, about, told::SCORE, scores, false, today, now));
    }
    told::write(db, rows).await.unwrap();
    for (at, guardian) in guardian::Entity::find().all(db).await.unwrap().into_iter().enumerate().step_by(2) {
        let channel = notification_channel::ActiveModel {
            guardian_id: Set(guardian.id),
            kind: Set("notice".to_owned()),
            channel: Set("none".to_owned()),
            updated_at: Set(now),
            ..Default::default()
        };
        notification_channel::Entity::insert(channel).exec(db).await.unwrap();
        let device = push_device::ActiveModel {
            guardian_id: Set(guardian.id),
            token_enc: Set(vec![0; 8]),
            token_digest: Set(format!("digest-{at}")),
            platform: Set("android".to_owned()),
            registered_at: Set(now),
            ..Default::default()
        };
        push_device::Entity::insert(device).exec(db).await.unwrap();
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
