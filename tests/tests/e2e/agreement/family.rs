//! Rows of the school–family link for the agreement test: notices with their deliveries,
//! readings and replies; conversations with members of every standing; and notifications of
//! every kind to guardians and to staff, with channels and devices — each addressed both to
//! those who may read it and to those who may not.

use entity::{enrollment, staff};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait, QueryFilter as _};

/// Publishes one notice per enrollment to its student, each delivery read and answered by one
/// of the student's guardians, and one notice to each staff member, so the readers of
/// deliveries, read receipts, replies and staff deliveries are compared on records of the
/// caller's families, classes, colleagues and school and of others.
pub(super) async fn notices(db: &DatabaseConnection) {
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
pub(super) async fn conversations(db: &DatabaseConnection) {
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
pub(super) async fn told(db: &DatabaseConnection) {
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
    told_to_staff(db, outsider_staff(db).await).await;
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

/// A staff member, to be told of conversations they are not in.
async fn outsider_staff(db: &DatabaseConnection) -> i64 {
    staff::Entity::find().one(db).await.unwrap().unwrap().id
}

/// Tells staff of every kind — a message notification to every staff member of each
/// conversation, and to one who is not in it; a notice notification to every staff member a
/// notice reached, and to one of another school — and registers a push device for every
/// other staff member, so the readers of staff notifications and devices are compared on the
/// caller's own rows and on others'.
async fn told_to_staff(db: &DatabaseConnection, outsider: i64) {
    use emis::books::{told::About, told_staff};
    use entity::{conversation_member, notice_staff_delivery, staff_push_device};
    use sea_orm::ActiveValue::Set;
    let now = chrono::Utc::now();
    let mut rows = Vec::new();
    for member in conversation_member::Entity::find().all(db).await.unwrap() {
        let about = About { student: member.student_id, school: member.school_id, class: member.class_id };
        let staff = if member.account_kind == "staff" { member.account_id } else { outsider };
        rows.push(told_staff::message(staff, about, member.conversation_id, now));
    }
    for (at, reached) in notice_staff_delivery::Entity::find().all(db).await.unwrap().into_iter().enumerate() {
        let staff = if at % 3 == 0 { outsider } else { reached.staff_id };
        rows.push(told_staff::notice(staff, reached.school_id, reached.notice_id, now));
    }
    told_staff::write(db, rows).await.unwrap();
    for (at, person) in staff::Entity::find().all(db).await.unwrap().into_iter().enumerate().step_by(2) {
        let device = staff_push_device::ActiveModel {
            staff_id: Set(person.id),
            school_id: Set(person.school_id),
            token_enc: Set(vec![0; 8]),
            token_digest: Set(format!("staff-digest-{at}")),
            platform: Set("ios".to_owned()),
            registered_at: Set(now),
            ..Default::default()
        };
        staff_push_device::Entity::insert(device).exec(db).await.unwrap();
    }
}
