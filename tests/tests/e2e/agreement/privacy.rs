//! Rows of the privacy officer's and the vendors' records for the agreement test: vendors'
//! clients and agreements with families' and children's consent decisions, alerts at the
//! daily cap, data-subject requests and breaches — each about the caller's own school and
//! others.

use entity::{homeroom_class, staff};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait, QueryFilter as _};

/// Registers a vendor's client at every organisation, schools and offices, each with an
/// agreement covering another school (or one of its classes), so the readers of clients,
/// agreements and their places are compared on the caller's own organisation and others';
/// every other agreement asks families' consent, which some families and children gave and
/// some withdrew, and families decide on the school's own `school_health` too. Answers each
/// client's token, by its hash, for the vendors' own comparison.
pub(super) async fn vendors(db: &DatabaseConnection) -> Vec<String> {
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
pub(super) async fn cap_alerts(db: &DatabaseConnection) {
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

/// A data-subject request by a guardian of every fifth student, and by every third staff
/// member about themself, for the reader of requests; the restrictions among them standing
/// or lifted, for `consented_for` and `shared`.
pub(super) async fn subject_requests(db: &DatabaseConnection) {
    use emis::subject::requests;
    use sea_orm::ActiveValue::Set;
    let now = chrono::Utc::now();
    let request = |at: usize, school: i64| entity::subject_request::ActiveModel {
        school_id: Set(school),
        kind: Set(["restriction", "access", "correction", "deletion"][at % 4].to_owned()),
        details: Set(String::new()),
        received_at: Set(now),
        acknowledge_by: Set(requests::acknowledge_by(now)),
        complete_by: Set(now + chrono::Duration::days(10)),
        // Restrictions (of students who have consent decisions too) are carried out, every
        // other one lifted since.
        status: Set(if at.is_multiple_of(4) { requests::COMPLETED } else { requests::RECEIVED }.to_owned()),
        lifted_at: Set((at % 8 == 4).then_some(now)),
        ..Default::default()
    };
    let links = entity::guardianship::Entity::find().all(db).await.unwrap();
    let students = entity::student::Entity::find().all(db).await.unwrap();
    for (at, child) in students.iter().step_by(5).enumerate() {
        let Some(link) = links.iter().find(|link| link.student_id == child.id) else { continue };
        let mut row = request(at, child.school_id);
        row.student_id = Set(Some(child.id));
        row.requested_by = Set(Some(link.guardian_id));
        entity::subject_request::Entity::insert(row).exec(db).await.unwrap();
    }
    for (at, person) in staff::Entity::find().all(db).await.unwrap().iter().step_by(3).enumerate() {
        let mut row = request(at, person.school_id);
        row.staff_id = Set(Some(person.id));
        entity::subject_request::Entity::insert(row).exec(db).await.unwrap();
    }
}

/// Records a breach at every school, each affecting every third student of every school (so
/// a breach lists students of other schools too), for the readers of breaches and of the
/// students they affected.
pub(super) async fn breaches(db: &DatabaseConnection) {
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
