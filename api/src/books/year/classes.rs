//! A school's classes of a school year, each with its sections — one per subject its grade
//! takes ([`super::curriculum`]) — and, when named, its homeroom teacher. For the principal
//! (the policy's `class`/`write` on the school).

use crate::error::ApiError;
use crate::privacy::{Access, readers};
use emis_authz::{Action, Kind};
use entity::{OrgKind, SchoolLevel, homeroom_class, org, school_year, section, subject, teaching_assignment};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, Condition, ConnectionTrait, DatabaseConnection, EntityTrait as _,
    QueryFilter as _,
};
use std::collections::{BTreeSet, HashMap};

/// A class to open.
#[derive(Clone, Debug)]
pub struct NewClass {
    pub name: String,
    pub grade_level: i16,
    /// The staff member who will be the class's homeroom teacher.
    pub homeroom_staff: Option<i64>,
}

/// Opens `classes` in `school` for school year `year`; returns them in the order given.
/// Written whole or not at all.
pub async fn create(
    db: &DatabaseConnection,
    access: &Access,
    school: i64,
    year: i64,
    classes: &[NewClass],
) -> Result<Vec<homeroom_class::Model>, ApiError> {
    let school = reach_school(db, access, school, Kind::Class, Action::Write).await?;
    let year = school_year::Entity::find_by_id(year)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::bad_input("năm học không tồn tại", "no such school year"))?;
    let level = level_of(&school)?;
    let taken = names_in(db, school.id, year.id).await?;
    well_formed(classes, level, &taken)?;
    for staff in classes.iter().filter_map(|class| class.homeroom_staff) {
        let found = access.reach(db, &readers::STAFF, Kind::Staff, Action::Read, staff).await;
        if found.is_err() || found.is_ok_and(|row| row.school_id != school.id) {
            return Err(ApiError::bad_input(
                "giáo viên chủ nhiệm không thuộc trường",
                "the homeroom teacher is not on the school's staff",
            ));
        }
    }
    let subjects = subject_ids(db).await?;
    let txn = crate::db::begin_write(db).await?;
    let mut created = Vec::with_capacity(classes.len());
    for class in classes {
        let name = class.name.trim();
        let external_id = format!("{}-{}-{name}", school.external_id, year.name);
        let row = homeroom_class::ActiveModel {
            external_id: Set(external_id.clone()),
            school_id: Set(school.id),
            school_year_id: Set(year.id),
            grade_level: Set(class.grade_level),
            name: Set(name.to_owned()),
            course_id: Set(None),
            ..Default::default()
        };
        let id = homeroom_class::Entity::insert(row).exec(&txn).await?.last_insert_id;
        for (code, periods) in super::curriculum(level, class.grade_level) {
            let Some(&subject) = subjects.get(code) else { return Err(ApiError::Internal) };
            let row = section::ActiveModel {
                external_id: Set(format!("{external_id}-{code}")),
                school_id: Set(school.id),
                class_id: Set(id),
                subject_id: Set(subject),
                school_year_id: Set(year.id),
                periods_per_year: Set(periods),
                course_id: Set(None),
                ..Default::default()
            };
            section::Entity::insert(row).exec(&txn).await?;
        }
        if let Some(staff) = class.homeroom_staff {
            assign_homeroom(&txn, school.id, staff, id, year.starts_on).await?;
        }
        created.push(homeroom_class::Entity::find_by_id(id).one(&txn).await?.ok_or(ApiError::Internal)?);
    }
    txn.commit().await?;
    Ok(created)
}

/// School `id`, when the caller may `action` records of `kind` there; a school that does not
/// exist and one out of reach answer alike.
pub(super) async fn reach_school(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    kind: Kind,
    action: Action,
) -> Result<org::Model, ApiError> {
    let which = Condition::all().add(org::Column::Id.eq(id)).add(org::Column::Kind.eq(OrgKind::School.as_str()));
    access.reach_where(db, &readers::SCHOOL, kind, action, which).await
}

/// The school's level (the grades it teaches).
pub(super) fn level_of(school: &org::Model) -> Result<SchoolLevel, ApiError> {
    school
        .school_level
        .as_deref()
        .and_then(|level| level.parse().ok())
        .ok_or_else(|| ApiError::bad_input("trường chưa có cấp học", "the school has no school level on record"))
}

/// The names of the school's classes in the year.
async fn names_in(db: &DatabaseConnection, school: i64, year: i64) -> Result<BTreeSet<String>, ApiError> {
    let rows = homeroom_class::Entity::find()
        .filter(homeroom_class::Column::SchoolId.eq(school))
        .filter(homeroom_class::Column::SchoolYearId.eq(year))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| row.name).collect())
}

/// Refuses no classes, an empty or repeated name, a name the year already has, and a grade
/// the school does not teach.
fn well_formed(classes: &[NewClass], level: SchoolLevel, taken: &BTreeSet<String>) -> Result<(), ApiError> {
    if classes.is_empty() {
        return Err(ApiError::bad_input("chưa có lớp nào", "no classes given"));
    }
    let mut seen = taken.clone();
    for class in classes {
        let name = class.name.trim();
        if name.is_empty() {
            return Err(ApiError::bad_input("lớp cần có tên", "a class needs a name"));
        }
        if !seen.insert(name.to_owned()) {
            return Err(ApiError::bad_input(
                format!("trường đã có lớp {name} trong năm học này"),
                format!("the school already has a class {name} in this school year"),
            ));
        }
        if !level.grades().contains(&class.grade_level) {
            return Err(ApiError::bad_input(
                format!("trường không dạy khối {}", class.grade_level),
                format!("the school does not teach grade {}", class.grade_level),
            ));
        }
    }
    Ok(())
}

/// The subjects' ids by code.
async fn subject_ids(db: &DatabaseConnection) -> Result<HashMap<String, i64>, ApiError> {
    Ok(subject::Entity::find().all(db).await?.into_iter().map(|row| (row.code, row.id)).collect())
}

/// Makes `staff` the homeroom teacher of `class` from `from` (the assignment is what makes
/// them the class's homeroom teacher).
async fn assign_homeroom(
    txn: &impl ConnectionTrait,
    school: i64,
    staff: i64,
    class: i64,
    from: chrono::NaiveDate,
) -> Result<(), ApiError> {
    let row = teaching_assignment::ActiveModel {
        external_id: Set(None),
        school_id: Set(school),
        staff_id: Set(staff),
        kind: Set("homeroom".to_owned()),
        section_id: Set(None),
        class_id: Set(Some(class)),
        starts_on: Set(from),
        ends_on: Set(None),
        ..Default::default()
    };
    teaching_assignment::Entity::insert(row).exec(txn).await?;
    Ok(())
}
