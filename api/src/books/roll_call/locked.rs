//! Roll calls in a locked semester: the semester holding a day and whether the principal
//! has locked it for the school; the change requests a roll call (or an accepted leave
//! request) makes instead of writing; and the approved request applied, if the entry still
//! reads as it did when the change was asked for.

use super::{Entry, KIND, Slot, hold_class, notify, shown, stored, write_entry};
use crate::books::scores::Provenance;
use crate::error::ApiError;
use crate::privacy::Access;
use chrono::NaiveDate;
use emis_authz::Action;
use entity::{AttendanceStatus, DaySession, attendance, change_request, homeroom_class, semester};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseTransaction, DbErr, EntityTrait as _, QueryFilter as _,
};

/// The semester of `class`'s year holding `date`, when the principal has locked it for the
/// whole school.
pub(super) async fn locked_semester(
    db: &impl ConnectionTrait,
    class: &homeroom_class::Model,
    date: NaiveDate,
) -> Result<Option<i64>, DbErr> {
    let holding = semester::Entity::find()
        .filter(semester::Column::SchoolYearId.eq(class.school_year_id))
        .filter(semester::Column::StartsOn.lte(date))
        .filter(semester::Column::EndsOn.gte(date))
        .one(db)
        .await?;
    let Some(semester) = holding else { return Ok(None) };
    let lock = crate::books::locks::school_in_force(db, class.school_id, semester.id).await?;
    Ok(lock.map(|_| semester.id))
}

/// Keeps a change asked for under a lock as a pending request; its id.
pub(super) async fn request(
    txn: &DatabaseTransaction,
    class: &homeroom_class::Model,
    slot: Slot,
    semester: i64,
    old: Option<&attendance::Model>,
    entry: &Entry,
    provenance: &Provenance,
) -> Result<i64, ApiError> {
    let asked = attendance::Model {
        id: 0,
        external_id: None,
        school_id: class.school_id,
        student_id: entry.student,
        class_id: class.id,
        date: slot.date,
        session: slot.session.as_str().to_owned(),
        period: slot.period,
        status: entry.status.as_str().to_owned(),
        note: entry.note.clone(),
    };
    let about = crate::books::changes::Concerning {
        kind: KIND,
        school: class.school_id,
        student: entry.student,
        section: None,
        class: Some(class.id),
        semester,
    };
    let mut row = crate::books::changes::pending(about, old.map(shown), shown(&asked), provenance)?;
    row.comment = Set(entry.note.clone());
    row.attendance_date = Set(Some(slot.date));
    row.attendance_session = Set(Some(slot.session.as_str().to_owned()));
    row.attendance_period = Set(slot.period);
    row.attendance_status = Set(Some(entry.status.as_str().to_owned()));
    Ok(change_request::Entity::insert(row).exec(txn).await?.last_insert_id)
}

/// Excuses `absence` for an accepted leave request: at once, or — in a semester the
/// principal has locked since — as a change request for the principal's approval, whose id
/// is returned.
pub async fn excuse(
    txn: &DatabaseTransaction,
    absence: &attendance::Model,
    provenance: &Provenance,
) -> Result<Option<i64>, ApiError> {
    let class = homeroom_class::Entity::find_by_id(absence.class_id).one(txn).await?.ok_or(ApiError::Internal)?;
    let session = absence.session.parse::<DaySession>().map_err(|_| ApiError::Internal)?;
    let slot = Slot { date: absence.date, session, period: absence.period };
    let entry = Entry { student: absence.student_id, status: AttendanceStatus::Excused, note: absence.note.clone() };
    if let Some(semester) = locked_semester(txn, &class, absence.date).await? {
        return Ok(Some(request(txn, &class, slot, semester, Some(absence), &entry, provenance).await?));
    }
    write_entry(txn, &class, slot, Some(absence), &entry, provenance).await?;
    Ok(None)
}

/// Applies an approved roll-call request, if the entry still reads as it did when the change
/// was asked for (`false` otherwise: nothing written); the guardians of a child it marks
/// absent, late or gone from a period are told. The entry is read under the approver's
/// `attendance`/`approve`.
pub async fn apply_request(
    txn: &DatabaseTransaction,
    access: &Access,
    request: &change_request::Model,
    provenance: &Provenance,
) -> Result<bool, ApiError> {
    let session = request.attendance_session.as_deref().and_then(|session| session.parse::<DaySession>().ok());
    let status = request.attendance_status.as_deref().and_then(|status| status.parse::<AttendanceStatus>().ok());
    let class = match request.class_id {
        Some(class) => homeroom_class::Entity::find_by_id(class).one(txn).await?,
        None => None,
    };
    let (Some(class), Some(date), Some(session), Some(status)) = (class, request.attendance_date, session, status)
    else {
        return Err(ApiError::Internal);
    };
    let slot = Slot { date, session, period: request.attendance_period };
    hold_class(txn, class.id).await?;
    let stored = stored(txn, access, Action::Approve, class.id, slot, Some(request.student_id)).await?;
    let old = stored.get(&request.student_id);
    if old.map(shown) != request.old_value {
        return Ok(false);
    }
    let entry = Entry { student: request.student_id, status, note: request.comment.clone() };
    if entry.unchanged(old) {
        return Ok(true);
    }
    let row = write_entry(txn, &class, slot, old, &entry, provenance).await?;
    if status != AttendanceStatus::Present {
        // An approved correction of a locked semester is never urgent: by then the day is
        // long past, and a text about it would only confuse.
        notify(txn, &row, provenance.now, false).await?;
    }
    Ok(true)
}
