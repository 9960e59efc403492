//! Tests that sensitive values are sealed (no plaintext in any `*_enc` column, every value
//! opens under its person's key and place) and that the demo accounts are what the report
//! says.

use super::{TestSealer, seeded};
use crate::seed::families::DEMO_PHONE;
use crate::seed::{DEMO_PASSWORD, Sealer as _};
use emis_crypto::{DataKey, FieldContext};
use entity::prelude::DataKey as DataKeyRow;
use entity::prelude::*;
use entity::{data_key, teaching_assignment};
use entity::{enrollment, guardian, guardianship, homeroom_class, section, staff, subject};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _};
use std::collections::BTreeMap;

type SealedValue = (&'static str, &'static str, i64, Vec<u8>);

/// Every sealed value: (table, column, row id, ciphertext).
async fn sealed_values(db: &DatabaseConnection) -> Vec<SealedValue> {
    let mut sealed = Vec::new();
    for s in Student::find().all(db).await.unwrap() {
        let columns = [
            ("identity_no_enc", s.identity_no_enc),
            ("address_enc", s.address_enc),
            ("ethnicity_enc", s.ethnicity_enc),
            ("religion_enc", s.religion_enc),
            ("health_enc", s.health_enc),
        ];
        sealed.extend(columns.into_iter().filter_map(|(c, v)| v.map(|v| ("student", c, s.id, v))));
    }
    for g in Guardian::find().all(db).await.unwrap() {
        let columns = [
            ("identity_no_enc", g.identity_no_enc),
            ("address_enc", g.address_enc),
            ("phone_enc", g.phone_enc),
            ("email_enc", g.email_enc),
        ];
        sealed.extend(columns.into_iter().filter_map(|(c, v)| v.map(|v| ("guardian", c, g.id, v))));
    }
    for s in Staff::find().all(db).await.unwrap() {
        let columns = [
            ("identity_no_enc", s.identity_no_enc),
            ("address_enc", s.address_enc),
            ("phone_enc", s.phone_enc),
            ("email_enc", s.email_enc),
        ];
        sealed.extend(columns.into_iter().filter_map(|(c, v)| v.map(|v| ("staff", c, s.id, v))));
    }
    sealed
}

/// Every sealed value with its plaintext, opened with the key its header names.
async fn open_everything(db: &DatabaseConnection, sealer: &TestSealer) -> Vec<(Vec<u8>, String)> {
    let keys: BTreeMap<u64, DataKey> = DataKeyRow::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.id as u64, DataKey::unwrap(&row.wrapped, &sealer.identity).unwrap()))
        .collect();
    let mut opened = Vec::new();
    for (table, column, row_id, value) in sealed_values(db).await {
        let key = &keys[&emis_crypto::sealed_key_id(&value).unwrap()];
        let place = FieldContext { table, column, row_id };
        let plain = emis_crypto::open_string(key, &place, &value).unwrap();
        opened.push((value, plain.as_str().to_owned()));
    }
    opened
}

#[tokio::test]
async fn no_plaintext_reaches_a_sealed_column() {
    let sealer = TestSealer::new();
    let (_dir, db, report) = seeded(&sealer).await;
    let opened = open_everything(&db, &sealer).await;
    assert!(opened.len() as u64 > 4 * report.count("student"));
    let secrets: Vec<&str> = opened.iter().map(|(_, p)| p.as_str()).filter(|p| p.len() >= 6).collect();
    assert!(secrets.contains(&DEMO_PHONE));
    let identity = |p: &&str| p.len() == 12 && p.starts_with("079");
    assert!(secrets.iter().any(identity), "identity numbers are sealed");
    for (blob, _) in &opened {
        for secret in &secrets {
            let found = blob.windows(secret.len()).any(|w| w == secret.as_bytes());
            assert!(!found, "plaintext {secret} in a sealed column");
        }
    }
    let demo = Guardian::find().filter(guardian::Column::Username.eq("phuhuynh"));
    let demo = demo.one(&db).await.unwrap().unwrap();
    let blind = sealer.blind("guardian.phone", DEMO_PHONE);
    assert_eq!(demo.phone_blind.as_deref(), Some(blind.as_str()));
    let keys: Vec<data_key::Model> = DataKeyRow::find().all(&db).await.unwrap();
    assert!(keys.iter().any(|k| k.scope == format!("guardian:{}", demo.id)));
}

#[tokio::test]
async fn the_demo_teachers_teach_what_the_report_says() {
    let sealer = TestSealer::new();
    let (_dir, db, _) = seeded(&sealer).await;
    let by_name = |name: &'static str| Staff::find().filter(staff::Column::Username.eq(name)).one(&db);
    let gvcn = by_name("gvcn").await.unwrap().unwrap();
    let gvbm = by_name("gvbm").await.unwrap().unwrap();
    let assignments = |id: i64| {
        let query = TeachingAssignment::find().filter(teaching_assignment::Column::StaffId.eq(id));
        query.find_also_related(Section).all(&db)
    };
    let gvcn_load = assignments(gvcn.id).await.unwrap();
    let homeroom: Vec<i64> = gvcn_load.iter().filter_map(|(a, _)| a.class_id).collect();
    assert_eq!(homeroom.len(), 1);
    let class = HomeroomClass::find_by_id(homeroom[0]).one(&db).await.unwrap().unwrap();
    assert_eq!((class.name.as_str(), class.school_id), ("6A1", gvcn.school_id));
    let taught: Vec<section::Model> = gvcn_load.into_iter().filter_map(|(_, s)| s).collect();
    assert!(taught.iter().any(|s| s.class_id == class.id), "gvcn teaches the class");
    let toan = Subject::find().filter(subject::Column::Code.eq("toan")).one(&db).await.unwrap().unwrap();
    let gvbm_load = assignments(gvbm.id).await.unwrap();
    assert!(gvbm_load.len() >= 2);
    assert!(gvbm_load.iter().all(|(a, s)| a.class_id.is_none() && s.as_ref().unwrap().subject_id == toan.id));
    let hash = argon2::PasswordHash::new(gvbm.password_hash.as_deref().unwrap()).unwrap();
    let argon = argon2::Argon2::default();
    argon2::PasswordVerifier::verify_password(&argon, DEMO_PASSWORD.as_bytes(), &hash).unwrap();
}

#[tokio::test]
async fn the_demo_guardian_has_two_children_in_the_demo_school() {
    let sealer = TestSealer::new();
    let (_dir, db, report) = seeded(&sealer).await;
    let demo = Guardian::find().filter(guardian::Column::Username.eq("phuhuynh"));
    let demo = demo.one(&db).await.unwrap().unwrap();
    let links = Guardianship::find().filter(guardianship::Column::GuardianId.eq(demo.id));
    let links = links.all(&db).await.unwrap();
    assert_eq!(links.len(), 2);
    assert!(links.iter().all(|g| g.access_status == "active" && g.ends_on.is_none()));
    let children: Vec<i64> = links.iter().map(|g| g.student_id).collect();
    let enrolled = Enrollment::find().filter(enrollment::Column::StudentId.is_in(children));
    let classes = enrolled.find_also_related(HomeroomClass).all(&db).await.unwrap();
    let mut names: Vec<&str> = classes.iter().map(|(_, c)| c.as_ref().unwrap().name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["6A1", "7A1"]);
    let school = classes[0].1.as_ref().unwrap().school_id;
    let principal = Staff::find().filter(staff::Column::Username.eq("hieutruong")).one(&db).await.unwrap().unwrap();
    assert_eq!(principal.school_id, school);
    let classes_of_school = HomeroomClass::find().filter(homeroom_class::Column::SchoolId.eq(school));
    assert_eq!(classes_of_school.all(&db).await.unwrap().len(), 2);
    assert_eq!(report.account("guardian").unwrap().phone.as_deref(), Some(DEMO_PHONE));
}
