//! Assignments (phân công chuyên môn): the homeroom teacher of a class and the teacher of a
//! section, for the class's school year, a semester of it, or from and until given days.
//! A new assignment takes over from the one in force: the previous homeroom teacher of the
//! class, or the previous teacher of the section, is assigned until the day before (one
//! that was to start later is withdrawn). An assignment ends on a day, its last; the powers
//! it gives (the class's or section's students, roll calls, scores) follow at the next
//! request.

use super::{day_before, in_order, must_be_active, writable_staff};
use crate::error::ApiError;
use crate::privacy::{Access, readers};
use chrono::NaiveDate;
use emis_authz::{Action, Kind};
use entity::{TeachingKind, school_year, semester, staff, teaching_assignment};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, DatabaseConnection,
    EntityTrait as _, PaginatorTrait as _, QueryFilter as _,
};

/// Where an assignment is: a class (homeroom) or a section (subject).
#[derive(Debug, Clone, Copy)]
enum Place {
    Class(i64),
    Section(i64),
}

impl Place {
    fn kind(self) -> TeachingKind {
        match self {
            Self::Class(_) => TeachingKind::Homeroom,
            Self::Section(_) => TeachingKind::Subject,
        }
    }

    /// The assignments of this place.
    fn of_place(self) -> Condition {
        let at = match self {
            Self::Class(class) => teaching_assignment::Column::ClassId.eq(class),
            Self::Section(section) => teaching_assignment::Column::SectionId.eq(section),
        };
        Condition::all().add(at).add(teaching_assignment::Column::Kind.eq(self.kind().as_str()))
    }
}

/// Makes staff member `staff` the homeroom teacher of class `class` from `from` until the
/// end of the class's school year; returns the new assignment.
pub async fn assign_homeroom(
    db: &DatabaseConnection,
    access: &Access,
    class: i64,
    staff: i64,
    from: NaiveDate,
) -> Result<teaching_assignment::Model, ApiError> {
    let class = access.reach(db, &readers::CLASS, Kind::Staff, Action::Write, class).await?;
    let person = writable_staff(db, access, staff).await?;
    let year = year_of(db, class.school_year_id).await?;
    assign(db, &person, class.school_id, Place::Class(class.id), (from, Some(year.ends_on))).await
}

/// The days of an assignment to a section: a semester of its year, or from `from` (else
/// `today`) until `to` (else the end of its year).
#[derive(Debug, Clone, Copy)]
pub enum Term {
    Semester(i64),
    Days { from: Option<NaiveDate>, to: Option<NaiveDate> },
}

/// Makes staff member `staff` the teacher of section `section` for `term`; returns the new
/// assignment.
pub async fn assign_teaching(
    db: &DatabaseConnection,
    access: &Access,
    section: i64,
    staff: i64,
    term: Term,
    today: NaiveDate,
) -> Result<teaching_assignment::Model, ApiError> {
    let section = access.reach(db, &readers::SECTION, Kind::Staff, Action::Write, section).await?;
    let person = writable_staff(db, access, staff).await?;
    let year = year_of(db, section.school_year_id).await?;
    let days = match term {
        Term::Semester(id) => {
            let semester = semester::Entity::find_by_id(id)
                .one(db)
                .await?
                .filter(|semester| semester.school_year_id == year.id)
                .ok_or_else(|| {
                    ApiError::bad_input(
                        "học kỳ không thuộc năm học của lớp",
                        "the semester is not of the section's year",
                    )
                })?;
            (semester.starts_on, Some(semester.ends_on))
        }
        Term::Days { from, to } => (from.unwrap_or(today), Some(to.unwrap_or(year.ends_on))),
    };
    assign(db, &person, section.school_id, Place::Section(section.id), days).await
}

/// Assigns `person` at `place` (of school `school`) for `days`, ending the assignment in
/// force there.
async fn assign(
    db: &DatabaseConnection,
    person: &staff::Model,
    school: i64,
    place: Place,
    (from, to): (NaiveDate, Option<NaiveDate>),
) -> Result<teaching_assignment::Model, ApiError> {
    if person.school_id != school {
        return Err(ApiError::bad_input(
            "cán bộ này không thuộc trường của lớp",
            "this staff member is not of the class's school",
        ));
    }
    must_be_active(person)?;
    in_order(from, to)?;
    let txn = crate::db::begin_write(db).await?;
    let in_force = Condition::all().add(place.of_place()).add(
        Condition::any()
            .add(teaching_assignment::Column::EndsOn.is_null())
            .add(teaching_assignment::Column::EndsOn.gte(from)),
    );
    let already = teaching_assignment::Entity::find()
        .filter(in_force.clone())
        .filter(teaching_assignment::Column::StaffId.eq(person.id))
        .filter(teaching_assignment::Column::StartsOn.lte(from))
        .count(&txn)
        .await?;
    if already > 0 {
        return Err(ApiError::bad_input(
            "cán bộ này đã được phân công ở đây",
            "this staff member is already assigned here",
        ));
    }
    teaching_assignment::Entity::update_many()
        .col_expr(teaching_assignment::Column::EndsOn, Expr::value(day_before(from)?))
        .filter(in_force)
        .exec(&txn)
        .await?;
    let (section, class) = match place {
        Place::Class(class) => (None, Some(class)),
        Place::Section(section) => (Some(section), None),
    };
    let created = teaching_assignment::ActiveModel {
        external_id: Set(None),
        school_id: Set(school),
        staff_id: Set(person.id),
        kind: Set(place.kind().as_str().to_owned()),
        section_id: Set(section),
        class_id: Set(class),
        starts_on: Set(from),
        ends_on: Set(to),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Ends assignment `id` on `on`, its last day; returns it as it now stands.
pub async fn end_assignment(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    on: NaiveDate,
) -> Result<teaching_assignment::Model, ApiError> {
    let row = teaching_assignment::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotPermitted)?;
    match (row.section_id, row.class_id) {
        (Some(section), _) => {
            access.reach(db, &readers::SECTION, Kind::Staff, Action::Write, section).await.map(drop)?
        }
        (None, Some(class)) => access.reach(db, &readers::CLASS, Kind::Staff, Action::Write, class).await.map(drop)?,
        (None, None) => return Err(ApiError::NotPermitted),
    }
    if row.starts_on > on || row.ends_on.is_some_and(|ends| ends < on) {
        return Err(ApiError::bad_input(
            "phân công này bắt đầu sau ngày đó hoặc đã kết thúc trước ngày đó",
            "this assignment starts after that day or ended before it",
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    let mut active: teaching_assignment::ActiveModel = row.into();
    active.ends_on = Set(Some(on));
    let updated = active.update(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

/// The school year `id`.
async fn year_of(db: &impl ConnectionTrait, id: i64) -> Result<school_year::Model, ApiError> {
    school_year::Entity::find_by_id(id).one(db).await?.ok_or_else(|| ApiError::internal("a place without its year"))
}
