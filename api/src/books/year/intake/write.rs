//! Writing a checked intake in one transaction: each student's row, sealed values and
//! enrollment, and each guardian — linked by phone to the account that phone already signs
//! in to under the same name (told by message), or opened anew — with the guardianship.

use super::Intake;
use super::checked::{CheckedGuardian, CheckedStudent, in_row};
use crate::auth::Account;
use crate::error::ApiError;
use crate::outbox::{self, OutgoingMessage, Purpose};
use crate::privacy::Access;
use crate::privacy::integrity::{self, PhoneHolder};
use crate::sealing::{RowKey, blind};
use crate::text;
use crate::vault::Vault;
use chrono::NaiveDate;
use entity::{
    AccessStatus, GuardianStatus, StudentStatus, enrollment, guardian, guardianship, homeroom_class, org, student,
};
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ConnectionTrait as _, DatabaseConnection, DatabaseTransaction, DbBackend,
    EntityTrait as _, IntoActiveModel as _, QuerySelect as _,
};

/// Writes `students` into `class` from `starts_on`; nothing when any row is refused.
pub(super) async fn write(
    db: &DatabaseConnection,
    vault: &Vault,
    access: &Access,
    class: &homeroom_class::Model,
    students: &[CheckedStudent],
    starts_on: NaiveDate,
) -> Result<Intake, ApiError> {
    let school = org::Entity::find_by_id(class.school_id).one(db).await?.ok_or(ApiError::Internal)?;
    let txn = crate::db::begin_write(db).await?;
    serialise_intakes(&txn, school.id).await?;
    super::not_yet_studying(&txn, vault, access, class, students).await?;
    let mut intake = Intake::default();
    // Brothers and sisters share their guardians: the second finds the account the first opened.
    let mut opened = Vec::new();
    for (index, new) in students.iter().enumerate() {
        let student = student_row(&txn, vault, class, new).await?;
        enrollment::ActiveModel {
            school_id: Set(class.school_id),
            student_id: Set(student.id),
            class_id: Set(class.id),
            starts_on: Set(starts_on),
            ends_on: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for (number, guardian) in new.guardians.iter().enumerate() {
            let (guardian_id, linked) = match existing_guardian(&txn, vault, guardian).await {
                Ok(Some(id)) => (id, !opened.contains(&id)),
                Ok(None) => {
                    let id = guardian_row(&txn, vault, guardian).await?;
                    opened.push(id);
                    intake.guardians_created += 1;
                    (id, false)
                }
                Err(error) => return Err(in_row(error, index + 1, Some(number + 1))),
            };
            guardianship::ActiveModel {
                guardian_id: Set(guardian_id),
                student_id: Set(student.id),
                school_id: Set(class.school_id),
                relationship: Set(guardian.relationship.to_owned()),
                access_status: Set(AccessStatus::Active.as_str().to_owned()),
                starts_on: Set(starts_on),
                ends_on: Set(None),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            if linked {
                intake.guardians_linked += 1;
                tell_linked(&txn, vault, &school, guardian_id, guardian, &student).await?;
            }
        }
        intake.students.push(student);
    }
    txn.commit().await?;
    Ok(intake)
}

/// Holds other intakes of `school` until `txn` ends, so that a retried intake sent while
/// the first is still running sees its students: SQLite's `BEGIN IMMEDIATE` already holds
/// every writer off; PostgreSQL locks the school's row.
async fn serialise_intakes(txn: &DatabaseTransaction, school: i64) -> Result<(), ApiError> {
    if txn.get_database_backend() == DbBackend::Postgres {
        org::Entity::find_by_id(school).lock_exclusive().one(txn).await?;
    }
    Ok(())
}

/// The student's row with their sealed values.
async fn student_row(
    txn: &DatabaseTransaction,
    vault: &Vault,
    class: &homeroom_class::Model,
    new: &CheckedStudent,
) -> Result<student::Model, ApiError> {
    let full_name = new.full_name();
    let row = student::ActiveModel {
        external_id: Set(format!("emis-student-{:016x}", rand::random::<u64>())),
        search_name: Set(text::fold(&full_name)),
        sort_name: Set(text::sort_name(&new.family_name, &new.given_name)),
        full_name: Set(full_name),
        family_name: Set(new.family_name.clone()),
        given_name: Set(new.given_name.clone()),
        gender: Set(new.gender.clone()),
        birth_date: Set(new.birth_date),
        school_id: Set(class.school_id),
        status: Set(StudentStatus::Studying.as_str().to_owned()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    if new.identity_no.is_none() && new.address.is_none() && new.ethnicity.is_none() {
        return Ok(row);
    }
    let key = RowKey::of(txn, vault, "student", row.id, &[]).await?;
    let mut active = row.into_active_model();
    active.identity_no_enc = Set(key.seal("identity_no_enc", new.identity_no.as_deref())?);
    active.identity_no_blind = Set(blind(vault, "student", "identity_no", new.identity_no.as_deref()));
    active.address_enc = Set(key.seal("address_enc", new.address.as_deref())?);
    active.ethnicity_enc = Set(key.seal("ethnicity_enc", new.ethnicity.as_deref())?);
    Ok(active.update(txn).await?)
}

/// The guardian already signing in with `new`'s phone under `new`'s name; a phone another
/// guardian holds is refused (it could not sign in to a second account).
async fn existing_guardian(
    txn: &DatabaseTransaction,
    vault: &Vault,
    new: &CheckedGuardian,
) -> Result<Option<i64>, ApiError> {
    let Some(phone_blind) = blind(vault, "guardian", "phone", new.phone.as_deref()) else { return Ok(None) };
    match integrity::guardian_phone_holder(txn, &phone_blind, &text::fold(&new.full_name())).await? {
        PhoneHolder::Nobody => Ok(None),
        PhoneHolder::Same(id) => Ok(Some(id)),
        PhoneHolder::Other => Err(ApiError::bad_input(
            "số điện thoại này đã là số đăng nhập của một phụ huynh khác tên; kiểm tra lại số hoặc họ tên",
            "this phone already signs in a guardian of another name; check the number or the name",
        )),
    }
}

/// A new guardian account (no password until activated) with its sealed contact values.
async fn guardian_row(txn: &DatabaseTransaction, vault: &Vault, new: &CheckedGuardian) -> Result<i64, ApiError> {
    let full_name = new.full_name();
    let row = guardian::ActiveModel {
        external_id: Set(format!("emis-guardian-{:016x}", rand::random::<u64>())),
        search_name: Set(text::fold(&full_name)),
        sort_name: Set(text::sort_name(&new.family_name, &new.given_name)),
        full_name: Set(full_name),
        family_name: Set(new.family_name.clone()),
        given_name: Set(new.given_name.clone()),
        status: Set(GuardianStatus::Active.as_str().to_owned()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    if new.phone.is_none() && new.email.is_none() {
        return Ok(row.id);
    }
    let key = RowKey::of(txn, vault, "guardian", row.id, &[]).await?;
    let mut active = row.into_active_model();
    active.phone_enc = Set(key.seal("phone_enc", new.phone.as_deref())?);
    active.phone_blind = Set(blind(vault, "guardian", "phone", new.phone.as_deref()));
    active.email_enc = Set(key.seal("email_enc", new.email.as_deref())?);
    Ok(active.update(txn).await?.id)
}

/// Tells guardian `id` by message that `school` linked `student` to their account, so a
/// link they did not expect comes to light.
async fn tell_linked(
    txn: &DatabaseTransaction,
    vault: &Vault,
    school: &org::Model,
    id: i64,
    guardian: &CheckedGuardian,
    student: &student::Model,
) -> Result<(), ApiError> {
    let Some(phone) = guardian.phone.clone() else { return Ok(()) };
    let body = format!(
        "EMIS: {school} đã nhập học em {child} và liên kết em với tài khoản phụ huynh của bạn. \
         Nếu không đúng, xin báo nhà trường. / {school} admitted {child} and linked them to your \
         guardian account; if this is wrong, please tell the school.",
        school = school.name,
        child = student.full_name,
    );
    let message =
        OutgoingMessage { school_id: school.id, to: Account::Guardian(id), phone, purpose: Purpose::ChildLinked, body };
    outbox::enqueue(txn, vault, message).await?;
    Ok(())
}
