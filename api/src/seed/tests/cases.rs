//! Tests that the demo preset holds the special cases the API must handle: siblings,
//! guardians with children in two schools, restricted and ended guardianships, staff who
//! left or transferred, and the organisation tree before and after the 2025 reform.

use super::{TestSealer, fresh_db};
use crate::seed::{SeedOptions, TODAY, seed};
use entity::prelude::*;
use entity::{org, org_parent, staff, staff_role, teaching_assignment};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _};
use std::collections::{BTreeMap, BTreeSet};

async fn demo_db(dir: &tempfile::TempDir) -> DatabaseConnection {
    let db = fresh_db(dir).await;
    seed(&db, &TestSealer::new(), &SeedOptions::demo()).await.unwrap();
    db
}

#[tokio::test]
async fn the_demo_preset_has_every_kind_of_guardianship() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(&dir).await;
    let links = Guardianship::find().all(&db).await.unwrap();
    let mut schools: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    let mut children: BTreeMap<i64, usize> = BTreeMap::new();
    for link in &links {
        schools.entry(link.guardian_id).or_default().insert(link.school_id);
        *children.entry(link.guardian_id).or_default() += 1;
    }
    assert!(schools.values().any(|s| s.len() == 2), "a guardian with children in two schools");
    assert!(children.values().filter(|n| **n >= 2).count() > 10, "siblings");
    assert!(links.iter().any(|l| l.access_status == "restricted"));
    assert!(links.iter().any(|l| l.ends_on.is_some_and(|end| end < TODAY)));
    assert!(links.iter().any(|l| l.relationship == "guardian"));
    let restricted = links.iter().filter(|l| l.access_status == "restricted").count();
    assert!(restricted * 20 < links.len(), "only a few are restricted");
}

#[tokio::test]
async fn staff_who_left_keep_their_record_and_lose_their_posts() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(&dir).await;
    let gone = Staff::find().filter(staff::Column::Status.is_in(["left", "transferred"]));
    let gone = gone.all(&db).await.unwrap();
    assert!(gone.iter().any(|s| s.status == "left") && gone.iter().any(|s| s.status == "transferred"));
    for person in &gone {
        let history = StaffStatusHistory::find().filter(entity::staff_status_history::Column::StaffId.eq(person.id));
        assert_eq!(history.all(&db).await.unwrap().len(), 2, "active, then {}", person.status);
        let roles = StaffRole::find().filter(staff_role::Column::StaffId.eq(person.id)).all(&db).await.unwrap();
        assert!(roles.iter().all(|r| r.ends_on.is_some_and(|end| end < TODAY)));
        let assignments = TeachingAssignment::find().filter(teaching_assignment::Column::StaffId.eq(person.id));
        let assignments = assignments.all(&db).await.unwrap();
        assert!(assignments.iter().all(|a| a.ends_on.is_some_and(|end| end < TODAY)));
        assert!(!roles.is_empty() || !assignments.is_empty());
    }
}

#[tokio::test]
async fn schools_moved_from_the_district_office_to_the_commune_office() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(&dir).await;
    let kind_of: BTreeMap<i64, String> =
        Org::find().all(&db).await.unwrap().into_iter().map(|o: org::Model| (o.id, o.kind)).collect();
    let links = OrgParent::find().all(&db).await.unwrap();
    let school_links: Vec<&org_parent::Model> = links.iter().filter(|l| kind_of[&l.org_id] == "school").collect();
    // each of the demo's schools: once under the district office, once under the commune office
    assert_eq!(school_links.len(), 2 * SeedOptions::demo().schools);
    for link in school_links {
        match kind_of[&link.parent_id].as_str() {
            "district_office" => assert_eq!(link.valid_to.map(|d| d.to_string()).as_deref(), Some("2025-06-30")),
            "commune_office" => {
                assert!(link.valid_to.is_none() && link.valid_from.to_string() == "2025-07-01")
            }
            other => panic!("a school under {other}"),
        }
    }
}

#[tokio::test]
async fn the_demo_preset_has_the_accounts_the_readme_tour_uses() {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_db(&dir).await;
    let report = seed(&db, &TestSealer::new(), &SeedOptions::demo()).await.unwrap();
    let at = |username: &str| report.accounts.iter().find(|a| a.username == username).map(|a| a.role);
    assert_eq!(at("hieutruong.th"), Some("principal"));
    assert_eq!(at("gvcn.th"), Some("homeroom_teacher"));
    assert_eq!(at("hieutruong2"), Some("principal"));
    assert_eq!(at("hocsinh"), Some("student"));
    let school_of = |username: &'static str| {
        let db = db.clone();
        async move {
            let found = Staff::find().filter(staff::Column::Username.eq(username)).one(&db).await.unwrap().unwrap();
            Org::find_by_id(found.school_id).one(&db).await.unwrap().unwrap()
        }
    };
    let (main, primary, second) =
        (school_of("hieutruong").await, school_of("hieutruong.th").await, school_of("hieutruong2").await);
    assert_eq!(main.school_level.as_deref(), Some("THCS"));
    assert_eq!(primary.school_level.as_deref(), Some("TH"));
    assert_eq!(second.school_level.as_deref(), Some("THCS"));
    assert_ne!(main.id, second.id);
    assert_eq!(school_of("gvcn.th").await.id, primary.id);
    // the demo student is the demo guardian's child, in grade 6 of the demo school
    let pupil =
        Student::find().filter(entity::student::Column::Username.eq("hocsinh")).one(&db).await.unwrap().unwrap();
    assert_eq!(pupil.school_id, main.id);
    assert!(pupil.password_hash.is_some());
    let mother =
        Guardian::find().filter(entity::guardian::Column::Username.eq("phuhuynh")).one(&db).await.unwrap().unwrap();
    let link = Guardianship::find()
        .filter(entity::guardianship::Column::GuardianId.eq(mother.id))
        .filter(entity::guardianship::Column::StudentId.eq(pupil.id))
        .one(&db)
        .await
        .unwrap();
    assert!(link.is_some(), "hocsinh is a child of phuhuynh");
}
