//! Movements: a student moves to another class of the school (chuyển lớp), or leaves for
//! another school (chuyển trường) — released by the sending school's principal, admitted by
//! the receiving school's (the policy's `enrollment`/`write` at each school). A move ends the
//! student's enrollment the day before it takes effect and starts a new one on that day;
//! nothing is deleted. Records keep the section, class and school they were made in, so
//! those the student left keep what they recorded before the move and see nothing after it,
//! while the policy's `current_student` lets the receiving class and school read the
//! student's history.

use crate::auth::principal::active_on;
use crate::error::ApiError;
use crate::privacy::{Access, Target, integrity, readers};
use chrono::{DateTime, NaiveDate, Utc};
use emis_authz::{Action, Kind};
use entity::{OrgKind, StudentStatus, enrollment, guardianship, homeroom_class, org, school_year, student, transfer};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, Condition, DatabaseConnection, EntityTrait as _, Order,
    QueryFilter as _,
};

/// `transfer.status` of a released student not yet admitted.
pub const PENDING: &str = "pending";
/// `transfer.status` once the receiving school admitted the student.
pub const ADMITTED: &str = "admitted";

/// Moves `student` to class `to` of the same school, year and grade from `on`: the
/// enrollment in force that day ends the day before, a new one in `to` starts on `on`.
/// Returns the new enrollment.
pub async fn move_class(
    db: &DatabaseConnection,
    access: &Access,
    student: i64,
    to: i64,
    on: NaiveDate,
) -> Result<enrollment::Model, ApiError> {
    let current = permitted_enrollment(db, access, student, on).await?;
    let class = class_permitted(db, access, student, to).await?;
    if class.school_id != current.school_id {
        return Err(ApiError::bad_input(
            "lớp mới thuộc trường khác: hãy chuyển trường",
            "the new class is in another school: transfer the student instead",
        ));
    }
    if class.id == current.class_id {
        return Err(ApiError::bad_input("học sinh đã học lớp này", "the student is already in this class"));
    }
    let old_class = homeroom_class::Entity::find_by_id(current.class_id).one(db).await?.ok_or(ApiError::Internal)?;
    if old_class.school_year_id != class.school_year_id {
        return Err(ApiError::bad_input("lớp mới thuộc năm học khác", "the new class is in another school year"));
    }
    same_grade(&old_class, &class)?;
    let txn = crate::db::begin_write(db).await?;
    end_before(&txn, &current, on).await?;
    let row = enrollment::ActiveModel {
        school_id: Set(class.school_id),
        student_id: Set(student),
        class_id: Set(class.id),
        starts_on: Set(on),
        ends_on: Set(current.ends_on),
        ..Default::default()
    };
    let created = row.insert(&txn).await?;
    txn.commit().await?;
    Ok(created)
}

/// Releases `student` to school `to` from `on` (their first day there): the enrollment in
/// force that day ends the day before, and the transfer waits for the receiving school.
pub async fn release(
    db: &DatabaseConnection,
    access: &Access,
    student: i64,
    to: i64,
    on: NaiveDate,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<transfer::Model, ApiError> {
    let releaser = super::locks::staff_account(access)?;
    let current = permitted_enrollment(db, access, student, on).await?;
    let reason = reason.trim();
    releasable(db, &current, to, reason).await?;
    let txn = crate::db::begin_write(db).await?;
    // A transfer waiting at any school counts, not only one the caller may read.
    if integrity::transfer_in(&txn, student, PENDING).await? {
        return Err(ApiError::bad_input(
            "học sinh đang chờ trường khác tiếp nhận",
            "the student is already waiting to be admitted by another school",
        ));
    }
    end_before(&txn, &current, on).await?;
    student::Entity::update_many()
        .col_expr(student::Column::Status, Expr::value(StudentStatus::Transferred.as_str()))
        .filter(student::Column::Id.eq(student))
        .exec(&txn)
        .await?;
    let row = transfer::ActiveModel {
        student_id: Set(student),
        from_school_id: Set(current.school_id),
        from_class_id: Set(current.class_id),
        to_school_id: Set(to),
        to_class_id: Set(None),
        arrives_on: Set(on),
        reason: Set(reason.to_owned()),
        status: Set(PENDING.to_owned()),
        released_by_id: Set(releaser),
        released_at: Set(now),
        admitted_by_id: Set(None),
        admitted_at: Set(None),
        ..Default::default()
    };
    let created = row.insert(&txn).await?;
    txn.commit().await?;
    Ok(created)
}

/// Refuses a release from `current` to school `to` with no reason, to no school, or to the
/// school the student is in.
async fn releasable(
    db: &DatabaseConnection,
    current: &enrollment::Model,
    to: i64,
    reason: &str,
) -> Result<(), ApiError> {
    if reason.is_empty() {
        return Err(ApiError::bad_input("cần nêu lý do chuyển trường", "a transfer needs a reason"));
    }
    let school = org::Entity::find_by_id(to).one(db).await?;
    if school.is_none_or(|school| school.kind != OrgKind::School.as_str()) {
        return Err(ApiError::bad_input("trường nhận không tồn tại", "no such receiving school"));
    }
    if to == current.school_id {
        return Err(ApiError::bad_input(
            "trường nhận là trường hiện tại: hãy chuyển lớp",
            "the receiving school is the current one: move the student to another class instead",
        ));
    }
    Ok(())
}

/// The receiving school admits a released student into its class `class` from the
/// transfer's date: a new enrollment starts, and the student now belongs to that school.
pub async fn admit(
    db: &DatabaseConnection,
    access: &Access,
    transfer_id: i64,
    class: i64,
    now: DateTime<Utc>,
) -> Result<transfer::Model, ApiError> {
    let admitter = super::locks::staff_account(access)?;
    let found = access.reach(db, &readers::TRANSFER_RECEIVING, Kind::Transfer, Action::Read, transfer_id).await?;
    let class = class_permitted(db, access, found.student_id, class).await?;
    admissible(db, &found, &class).await?;
    let txn = crate::db::begin_write(db).await?;
    // Decided once: a second admission finds the transfer no longer pending.
    let decided = transfer::Entity::update_many()
        .col_expr(transfer::Column::Status, Expr::value(ADMITTED))
        .col_expr(transfer::Column::ToClassId, Expr::value(class.id))
        .col_expr(transfer::Column::AdmittedById, Expr::value(admitter))
        .col_expr(transfer::Column::AdmittedAt, Expr::value(now))
        .filter(transfer::Column::Id.eq(found.id))
        .filter(transfer::Column::Status.eq(PENDING))
        .exec(&txn)
        .await?;
    if decided.rows_affected == 0 {
        return Err(ApiError::bad_input("học sinh đã được tiếp nhận", "the student has already been admitted"));
    }
    let row = enrollment::ActiveModel {
        school_id: Set(class.school_id),
        student_id: Set(found.student_id),
        class_id: Set(class.id),
        starts_on: Set(found.arrives_on),
        ends_on: Set(None),
        ..Default::default()
    };
    enrollment::Entity::insert(row).exec(&txn).await?;
    student::Entity::update_many()
        .col_expr(student::Column::SchoolId, Expr::value(class.school_id))
        .col_expr(student::Column::Status, Expr::value(StudentStatus::Studying.as_str()))
        .filter(student::Column::Id.eq(found.student_id))
        .exec(&txn)
        .await?;
    // The family's links now belong to the receiving school (ended ones stay with the old).
    guardianship::Entity::update_many()
        .col_expr(guardianship::Column::SchoolId, Expr::value(class.school_id))
        .filter(guardianship::Column::StudentId.eq(found.student_id))
        .filter(active_on(guardianship::Column::StartsOn, guardianship::Column::EndsOn, found.arrives_on))
        .exec(&txn)
        .await?;
    let admitted = access.read(&readers::TRANSFER_RECEIVING).by_id(found.id).one(&txn).await?;
    let admitted = admitted.ok_or(ApiError::Internal)?;
    txn.commit().await?;
    Ok(admitted)
}

/// Refuses to admit the student of `found` into `class` of another school, of a school year
/// their day of arrival is not in, or, within the year they left in, of another grade.
async fn admissible(
    db: &DatabaseConnection,
    found: &transfer::Model,
    class: &homeroom_class::Model,
) -> Result<(), ApiError> {
    if class.school_id != found.to_school_id {
        return Err(ApiError::bad_input("lớp không thuộc trường nhận", "the class is not in the receiving school"));
    }
    let year = school_year::Entity::find_by_id(class.school_year_id).one(db).await?.ok_or(ApiError::Internal)?;
    if found.arrives_on < year.starts_on || found.arrives_on > year.ends_on {
        return Err(ApiError::bad_input(
            "ngày chuyển đến không thuộc năm học của lớp",
            "the day of arrival is not in the class's school year",
        ));
    }
    // Within the school year the student left in, they go on in the same grade.
    let left = homeroom_class::Entity::find_by_id(found.from_class_id).one(db).await?.ok_or(ApiError::Internal)?;
    let left_year = school_year::Entity::find_by_id(left.school_year_id).one(db).await?.ok_or(ApiError::Internal)?;
    if (left_year.starts_on..=left_year.ends_on).contains(&found.arrives_on) {
        same_grade(&left, class)?;
    }
    Ok(())
}

/// Refuses a move during the year from class `from` to a class `to` of another grade.
fn same_grade(from: &homeroom_class::Model, to: &homeroom_class::Model) -> Result<(), ApiError> {
    if from.grade_level == to.grade_level {
        return Ok(());
    }
    Err(ApiError::bad_input(
        format!("lớp mới thuộc khối {}, học sinh đang học khối {}", to.grade_level, from.grade_level),
        format!("the new class is in grade {}, the student is in grade {}", to.grade_level, from.grade_level),
    ))
}

/// Transfers to or from the caller's schools that the caller may read, newest first;
/// `status` pending or admitted, or `None` for all.
pub async fn transfers(
    db: &DatabaseConnection,
    access: &Access,
    status: Option<&str>,
    first: u64,
) -> Result<Vec<transfer::Model>, ApiError> {
    let mut read = access.read_mixed(&readers::TRANSFER, Action::Read);
    if let Some(status) = status {
        read = read.through(Condition::all().add(transfer::Column::Status.eq(status)));
    }
    Ok(read.order_by(transfer::Column::Id, Order::Desc).limit(first.min(200)).all(db).await?)
}

/// The transfer as a record of the sending school.
pub fn sending(row: &transfer::Model) -> Target {
    Target::Personal {
        student: row.student_id,
        school: row.from_school_id,
        section: None,
        class: Some(row.from_class_id),
    }
}

/// The transfer as a record of the receiving school.
pub fn receiving(row: &transfer::Model) -> Target {
    Target::Personal { student: row.student_id, school: row.to_school_id, section: None, class: row.to_class_id }
}

/// The student's enrollment in force on `on` that the caller may change (`enrollment`/
/// `write`), begun before that day.
async fn permitted_enrollment(
    db: &DatabaseConnection,
    access: &Access,
    student: i64,
    on: NaiveDate,
) -> Result<enrollment::Model, ApiError> {
    let which = Condition::all().add(enrollment::Column::StudentId.eq(student)).add(active_on(
        enrollment::Column::StartsOn,
        enrollment::Column::EndsOn,
        on,
    ));
    let current = access.reach_where(db, &readers::ENROLLMENT, Kind::Enrollment, Action::Write, which).await?;
    if on <= current.starts_on {
        return Err(ApiError::bad_input(
            "ngày chuyển phải sau ngày học sinh vào lớp",
            "a move must take effect after the day the student joined the class",
        ));
    }
    // A later enrollment at any school counts, not only one the caller may read.
    if integrity::enrolled_after(db, student, on).await? {
        return Err(ApiError::bad_input(
            "học sinh đã có một lần chuyển sau ngày này",
            "the student already has a move after this day",
        ));
    }
    Ok(current)
}

/// Class `class`, when the caller may enroll `student` in it (`enrollment`/`write`).
async fn class_permitted(
    db: &DatabaseConnection,
    access: &Access,
    student: i64,
    class: i64,
) -> Result<homeroom_class::Model, ApiError> {
    access.reach_about(db, &readers::CLASS, student, Kind::Enrollment, Action::Write, class).await
}

/// Ends `current` the day before `on`.
async fn end_before(
    txn: &sea_orm::DatabaseTransaction,
    current: &enrollment::Model,
    on: NaiveDate,
) -> Result<(), ApiError> {
    let last_day = on.pred_opt().ok_or(ApiError::Internal)?;
    enrollment::Entity::update_many()
        .col_expr(enrollment::Column::EndsOn, Expr::value(last_day))
        .filter(enrollment::Column::Id.eq(current.id))
        .exec(txn)
        .await?;
    Ok(())
}
