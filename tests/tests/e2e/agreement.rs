//! The two layers of the privacy guarantee agree: for every role and a sample of users, the
//! records the SQL-compiled conditions select are exactly the records that the per-record
//! check (relationships computed in Rust, decided by the casbin enforcer) allows over the
//! whole table.

use emis::auth::{Account, Principal};
use emis::privacy::{Access, Shape, Target, shapes};
use emis_authz::{Action, Kind};
use emis_tests::TestApp;
use entity::{attendance, enrollment, guardianship, homeroom_class, org, result, section, staff, student};
use sea_orm::{DatabaseConnection, EntityTrait, QueryFilter as _};
use std::collections::BTreeSet;
use std::sync::Arc;

/// Compares the two layers over one table; returns how many rows the caller may see.
async fn compare<E>(
    db: &DatabaseConnection,
    access: &Access,
    kind: Kind,
    shape: &Shape,
    id: impl Fn(&E::Model) -> i64,
    target: impl Fn(&E::Model) -> Target,
) -> usize
where
    E: EntityTrait,
{
    let by_sql: BTreeSet<i64> =
        E::find().filter(access.filter(kind, Action::Read, shape)).all(db).await.unwrap().iter().map(&id).collect();
    let mut by_check = BTreeSet::new();
    for row in E::find().all(db).await.unwrap() {
        if access.permits(kind, Action::Read, target(&row)).await.unwrap() {
            by_check.insert(id(&row));
        }
    }
    assert_eq!(by_sql, by_check, "SQL and per-record check disagree on {kind} for {:?}", access.principal().account);
    by_sql.len()
}

async fn check_all(db: &DatabaseConnection, access: &Access) -> usize {
    let mut seen = 0;
    seen += compare::<student::Entity>(
        db,
        access,
        Kind::Student,
        &shapes::student(),
        |r| r.id,
        |r| Target::Personal { student: r.id, school: r.school_id, section: None, class: None },
    )
    .await;
    for field in [Kind::StudentIdentity, Kind::StudentHealth, Kind::StudentBackground] {
        compare::<student::Entity>(
            db,
            access,
            field,
            &shapes::student(),
            |r| r.id,
            |r| Target::Personal { student: r.id, school: r.school_id, section: None, class: None },
        )
        .await;
    }
    seen += compare::<result::Entity>(
        db,
        access,
        Kind::Result,
        &shapes::result(),
        |r| r.id,
        |r| Target::Personal { student: r.student_id, school: r.school_id, section: Some(r.section_id), class: None },
    )
    .await;
    seen += compare::<enrollment::Entity>(
        db,
        access,
        Kind::Enrollment,
        &shapes::enrollment(),
        |r| r.id,
        |r| Target::Personal { student: r.student_id, school: r.school_id, section: None, class: Some(r.class_id) },
    )
    .await;
    seen += compare::<attendance::Entity>(
        db,
        access,
        Kind::Attendance,
        &shapes::attendance(),
        |r| r.id,
        |r| Target::Personal { student: r.student_id, school: r.school_id, section: None, class: Some(r.class_id) },
    )
    .await;
    for kind in [Kind::Guardianship, Kind::Guardian, Kind::GuardianContact] {
        seen += compare::<guardianship::Entity>(
            db,
            access,
            kind,
            &shapes::guardianship(),
            |r| r.id,
            |r| Target::Personal { student: r.student_id, school: r.school_id, section: None, class: None },
        )
        .await;
    }
    seen += compare::<staff::Entity>(
        db,
        access,
        Kind::Staff,
        &shapes::staff(),
        |r| r.id,
        |r| Target::Staff { staff: r.id, school: r.school_id },
    )
    .await;
    seen += compare::<homeroom_class::Entity>(
        db,
        access,
        Kind::Class,
        &shapes::class(),
        |r| r.id,
        |r| Target::Class { class: r.id, school: r.school_id },
    )
    .await;
    seen += compare::<section::Entity>(
        db,
        access,
        Kind::Section,
        &shapes::section(),
        |r| r.id,
        |r| Target::Section { section: r.id, class: r.class_id, school: r.school_id },
    )
    .await;
    seen +=
        compare::<org::Entity>(db, access, Kind::School, &shapes::org(), |r| r.id, |r| Target::Org { org: r.id }).await;
    seen
}

/// Moves one student of the first class with two students to another class of its school
/// and another to a class of another school, from `today`, so that the relationships that
/// hold through enrollments (`current_student`, `former_student`) are compared too.
async fn moves(db: &DatabaseConnection, today: sea_orm::prelude::Date) {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ActiveValue::Set, ColumnTrait as _};
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
    moves(db, today).await;
    let policy = app.state.policy.current();
    let mut accounts: Vec<Account> =
        staff::Entity::find().all(db).await.unwrap().iter().map(|s| Account::Staff(s.id)).collect();
    let guardians = entity::guardian::Entity::find().all(db).await.unwrap();
    accounts.extend(guardians.iter().step_by(3).map(|g| Account::Guardian(g.id)));
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
