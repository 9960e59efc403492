//! The assessment columns of a section's semester, set by the school (the policy's
//! `section`/`write`, the principal): how many regular assessments (ĐĐGtx) a section has,
//! within the circular's limits — at least the number its periods per year require (2 up to
//! 35 periods, 3 up to 70, 4 above; comment-only subjects: the school's setting), and at most
//! [`MAX_EXTRA_REGULAR`] more — with one mid-term and one end-of-term column. A column that
//! holds results (or a change request, or came from another system) is never removed, and a
//! locked book's columns do not change. The principal also opens a section's re-test column
//! (thi lại) in the year's last semester, for the students the year's sheet sends to re-test.

use crate::error::ApiError;
use crate::privacy::{Access, readers};
use emis_authz::{Action, Kind};
use emis_rules::secondary::{Settings, regular_assessments};
use entity::{AssessmentKind, AssessmentMode, assessment, section, subject};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, DatabaseConnection, DatabaseTransaction, EntityTrait as _, QueryFilter as _,
    QueryOrder as _,
};

/// Regular assessments a school may add above the circular's number.
pub const MAX_EXTRA_REGULAR: u8 = 2;

/// The regular assessments `section` must have per semester, and may have at most.
pub fn regular_range(settings: &Settings, mode: AssessmentMode, periods_per_year: i32) -> (u8, u8) {
    let required = match mode {
        AssessmentMode::Scored => regular_assessments(u16::try_from(periods_per_year).unwrap_or(0)),
        AssessmentMode::Comment => settings.comment_regular_assessments,
    };
    (required, required + MAX_EXTRA_REGULAR)
}

/// Gives `section` exactly `regular` regular columns in `semester` (and its mid-term and
/// end-of-term); the columns as they now are.
pub async fn set(
    db: &DatabaseConnection,
    access: &Access,
    settings: &Settings,
    section_id: i64,
    semester_id: i64,
    regular: u8,
) -> Result<Vec<assessment::Model>, ApiError> {
    let section = access.reach(db, &readers::SECTION, Kind::Section, Action::Write, section_id).await?;
    super::semester_in_year(db, semester_id, section.school_year_id).await?;
    if super::locks::in_force(db, section.school_id, section.id, semester_id).await?.is_some() {
        return Err(ApiError::Locked);
    }
    check_regular_count(db, settings, &section, regular).await?;
    let txn = crate::db::begin_write(db).await?;
    let existing = columns_in(&txn, section.id, semester_id).await?;
    add_missing(&txn, &section, semester_id, &existing, regular).await?;
    remove_surplus(&txn, &existing, regular).await?;
    let columns = columns_in(&txn, section.id, semester_id).await?;
    txn.commit().await?;
    Ok(columns)
}

/// Refuses a number of regular columns outside the range the section's subject allows.
async fn check_regular_count(
    db: &DatabaseConnection,
    settings: &Settings,
    section: &section::Model,
    regular: u8,
) -> Result<(), ApiError> {
    let mode = subject::Entity::find_by_id(section.subject_id)
        .one(db)
        .await?
        .and_then(|subject| subject.assessment.parse().ok())
        .unwrap_or(AssessmentMode::Scored);
    let (least, most) = regular_range(settings, mode, section.periods_per_year);
    if !(least..=most).contains(&regular) {
        return Err(ApiError::bad_input(
            format!("môn này có từ {least} đến {most} lần đánh giá thường xuyên mỗi học kỳ"),
            format!("this subject has from {least} to {most} regular assessments per semester"),
        ));
    }
    Ok(())
}

/// The assessment columns of section `section` in semester `semester`.
async fn columns_in(
    txn: &DatabaseTransaction,
    section: i64,
    semester: i64,
) -> Result<Vec<assessment::Model>, ApiError> {
    Ok(assessment::Entity::find()
        .filter(assessment::Column::SectionId.eq(section))
        .filter(assessment::Column::SemesterId.eq(semester))
        .all(txn)
        .await?)
}

/// Inserts the regular columns 1 to `regular`, the mid-term and the end-of-term that
/// `existing` lacks.
async fn add_missing(
    txn: &DatabaseTransaction,
    section: &section::Model,
    semester: i64,
    existing: &[assessment::Model],
    regular: u8,
) -> Result<(), ApiError> {
    let has = |kind: AssessmentKind, sequence: i16| {
        existing.iter().any(|column| column.kind == kind.as_str() && column.sequence == sequence)
    };
    let mut wanted: Vec<(AssessmentKind, i16)> =
        (1..=i16::from(regular)).map(|sequence| (AssessmentKind::Regular, sequence)).collect();
    wanted.extend([(AssessmentKind::Midterm, 1), (AssessmentKind::Final, 1)]);
    for (kind, sequence) in wanted.into_iter().filter(|(kind, sequence)| !has(*kind, *sequence)) {
        let column = new_column(section, semester, kind, sequence, None);
        assessment::Entity::insert(column).exec(txn).await?;
    }
    Ok(())
}

/// Deletes the regular columns of `existing` past `regular`, refusing when one holds
/// results or change requests, or is known to another system.
async fn remove_surplus(
    txn: &DatabaseTransaction,
    existing: &[assessment::Model],
    regular: u8,
) -> Result<(), ApiError> {
    let surplus = existing
        .iter()
        .filter(|column| column.kind == AssessmentKind::Regular.as_str() && column.sequence > i16::from(regular));
    for column in surplus {
        // Every result and request counts, not only those the principal may read: the
        // removal must not drop what they cannot see. A column another system knows (an
        // exchange identifier) stays too.
        let holds = crate::privacy::integrity::column_holds_records(txn, column.id).await?;
        if holds || column.external_id.is_some() {
            return Err(ApiError::bad_input(
                format!("cột đánh giá thường xuyên {} đã có điểm, không bỏ được", column.sequence),
                format!("regular assessment {} holds results and cannot be removed", column.sequence),
            ));
        }
        assessment::Entity::delete_by_id(column.id).exec(txn).await?;
    }
    Ok(())
}

/// A new assessment column of `section` in `semester`, known to no other system.
fn new_column(
    section: &section::Model,
    semester: i64,
    kind: AssessmentKind,
    sequence: i16,
    title: Option<String>,
) -> assessment::ActiveModel {
    assessment::ActiveModel {
        external_id: Set(None),
        title: Set(title),
        category_id: Set(None),
        school_id: Set(section.school_id),
        section_id: Set(section.id),
        semester_id: Set(semester),
        kind: Set(kind.as_str().to_owned()),
        sequence: Set(sequence),
        ..Default::default()
    }
}

/// Opens the re-test column (thi lại) of `section` in its year's last semester — once: an
/// open one is returned as it is. For the policy's `section`/`write` (the principal).
pub async fn open_retest(
    db: &DatabaseConnection,
    access: &Access,
    section_id: i64,
) -> Result<assessment::Model, ApiError> {
    let section = access.reach(db, &readers::SECTION, Kind::Section, Action::Write, section_id).await?;
    let last = entity::semester::Entity::find()
        .filter(entity::semester::Column::SchoolYearId.eq(section.school_year_id))
        .order_by_desc(entity::semester::Column::Number)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::bad_input("năm học chưa có học kỳ", "the school year has no semesters"))?;
    let txn = crate::db::begin_write(db).await?;
    let open = assessment::Entity::find()
        .filter(assessment::Column::SectionId.eq(section.id))
        .filter(assessment::Column::Kind.eq(AssessmentKind::Retest.as_str()))
        .one(&txn)
        .await?;
    let column = match open {
        Some(column) => column,
        None => {
            let column = new_column(&section, last.id, AssessmentKind::Retest, 1, Some("Kiểm tra lại".to_owned()));
            let id = assessment::Entity::insert(column).exec(&txn).await?.last_insert_id;
            assessment::Entity::find_by_id(id).one(&txn).await?.ok_or(ApiError::Internal)?
        }
    };
    txn.commit().await?;
    Ok(column)
}
