//! Enrollments (`/enrollments`, `/enrollments/{id}`, `/schools/{id}/enrollments`), as the CSV
//! package writes them, one collection of three groups (`super::super::union`): students in
//! their homeroom classes (the enrollment reader); students in each section of their homeroom
//! class (the homeroom enrollment and the section each read through their readers: a student
//! is in a section only as far as the caller may read both), under the identifier an imported
//! package gave or `<enrollment>@<section>`; and teachers of homeroom classes and sections
//! (their teaching assignments, of staff and classes the caller may read). An enrollment
//! names its student only as far as the caller may read them.

use super::super::listing::{self, Typed};
use super::super::objects::{self, ENROLLMENT_FIELDS, Enrolled};
use super::super::refs::{org_ids, readable_ids, rows_by_id, student_ids};
use super::super::reply::{self, Refusal};
use super::super::union::{self, Key, SortKeys};
use super::super::{Asked, Reply};
use super::orgs::reached_org;
use crate::exchange::names::{ext, in_section, named};
use crate::privacy::readers;
use entity::{enrollment, homeroom_class, section, section_enrollment, staff, teaching_assignment};
use sea_orm::sea_query::{Alias, Expr, ExprTrait as _};
use sea_orm::{ColumnTrait as _, Condition, EntityTrait as _, QueryFilter as _, QueryTrait as _};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

/// The groups, in their order without a sort.
const HOMEROOM: i64 = 0;
const IN_SECTIONS: i64 = 1;
const TEACHERS: i64 = 2;

/// What `/enrollments` may be sorted by, and the name each group gives its value.
const SORTS: SortKeys = &[("beginDate", "begin_date"), ("endDate", "end_date")];

fn enrollment_column(field: &str) -> Option<(enrollment::Column, Typed)> {
    match field {
        "beginDate" => Some((enrollment::Column::StartsOn, Typed::Date)),
        "endDate" => Some((enrollment::Column::EndsOn, Typed::Date)),
        "status" => Some((enrollment::Column::Id, Typed::Constant("active"))),
        "role" => Some((enrollment::Column::Id, Typed::Constant("student"))),
        _ => None,
    }
}

fn assignment_column(field: &str) -> Option<(teaching_assignment::Column, Typed)> {
    match field {
        "beginDate" => Some((teaching_assignment::Column::StartsOn, Typed::Date)),
        "endDate" => Some((teaching_assignment::Column::EndsOn, Typed::Date)),
        "status" => Some((teaching_assignment::Column::Id, Typed::Constant("active"))),
        "role" => Some((teaching_assignment::Column::Id, Typed::Constant("teacher"))),
        _ => None,
    }
}

fn col(table: &str, name: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(name)))
}

/// The keys of each group the query selects, of school `school` if given.
fn groups(asked: &Asked, school: Option<i64>) -> Result<Vec<sea_orm::sea_query::SelectStatement>, Refusal> {
    let access = &asked.access;
    let of_school = || {
        let read = access.read(&readers::ENROLLMENT);
        match school {
            Some(school) => read.narrow(enrollment::Column::SchoolId, |column| column.eq(school)),
            None => read,
        }
    };
    let homeroom = of_school();
    let homeroom = union::group_of(asked, homeroom, &readers::ENROLLMENT, enrollment_column)?;
    let dates = || vec![col("enrollment", "starts_on"), col("enrollment", "ends_on")];
    let homeroom = union::keyed(homeroom, HOMEROOM, [Some(col("enrollment", "id")), None], SORTS, dates());

    let in_sections = of_school();
    let mut in_sections = union::group_of(asked, in_sections, &readers::ENROLLMENT, enrollment_column)?;
    in_sections
        .inner_join(
            section::Entity,
            col("section", "class_id").equals((enrollment::Entity, enrollment::Column::ClassId)),
        )
        .cond_where(access.read(&readers::SECTION).condition());
    let keys = [Some(col("enrollment", "id")), Some(col("section", "id"))];
    let in_sections = union::keyed(in_sections, IN_SECTIONS, keys, SORTS, dates());

    use teaching_assignment::Column as A;
    let taught = Condition::any()
        .add(A::ClassId.in_subquery(access.read(&readers::CLASS).keys()))
        .add(A::SectionId.in_subquery(access.read(&readers::SECTION).keys()));
    let mut teachers = teaching_assignment::Entity::find()
        .filter(A::StaffId.in_subquery(access.read(&readers::STAFF).keys()))
        .filter(taught)
        .filter(listing::filter_condition(&asked.query, assignment_column, Some(teaching_assignment::Column::Id))?);
    if let Some(school) = school {
        teachers = teachers.filter(A::SchoolId.eq(school));
    }
    let dates = vec![col("teaching_assignment", "starts_on"), col("teaching_assignment", "ends_on")];
    let teachers =
        union::keyed(teachers.into_query(), TEACHERS, [Some(col("teaching_assignment", "id")), None], SORTS, dates);
    Ok(vec![homeroom, in_sections, teachers])
}

/// The enrollments `listed`, read back through each group's readers.
async fn listed_objects(asked: &Asked, listed: &[Key]) -> Result<Vec<Map<String, Value>>, Refusal> {
    let of = |group: i64| listed.iter().filter(move |key| key.group == group);
    let enrollments: BTreeSet<i64> = of(HOMEROOM).chain(of(IN_SECTIONS)).map(|key| key.id).collect();
    let sections: BTreeSet<i64> = of(IN_SECTIONS).map(|key| key.inner).collect();
    let mut found = student_enrollments(asked, &enrollments, &sections).await?;
    let assignments: Vec<i64> = of(TEACHERS).map(|key| key.id).collect();
    found.extend(teacher_enrollments(asked, &assignments).await?);
    Ok(union::in_order(listed, found))
}

/// Students' enrollments: in the homeroom classes of `enrollments`, and in the `sections`.
async fn student_enrollments(
    asked: &Asked,
    enrollments: &BTreeSet<i64>,
    sections: &BTreeSet<i64>,
) -> Result<HashMap<Key, Map<String, Value>>, Refusal> {
    let db = &asked.state.db;
    let mut found = HashMap::new();
    if enrollments.is_empty() {
        return Ok(found);
    }
    let rows = asked
        .access
        .read(&readers::ENROLLMENT)
        .narrow(enrollment::Column::Id, |column| column.is_in(enrollments.iter().copied()))
        .all(db)
        .await?;
    let readable_sections = asked
        .access
        .read(&readers::SECTION)
        .narrow(section::Column::Id, |column| column.is_in(sections.iter().copied()))
        .all(db)
        .await?;
    let kept: HashMap<(i64, i64), section_enrollment::Model> = section_enrollment::Entity::find()
        .filter(section_enrollment::Column::EnrollmentId.is_in(rows.iter().map(|row| row.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|row| ((row.enrollment_id, row.section_id), row))
        .collect();
    let schools = org_ids(asked, rows.iter().map(|row| row.school_id)).await?;
    let classes = rows_by_id::<homeroom_class::Entity>(
        asked,
        homeroom_class::Column::Id,
        rows.iter().map(|row| row.class_id),
        |class| class.id,
    )
    .await?;
    let students = student_ids(asked, rows.iter().map(|row| row.student_id)).await?;
    for row in &rows {
        let Some(user) = students.get(&row.student_id) else { continue };
        let school = schools.get(&row.school_id).map_or("", String::as_str);
        let id = ext("enrollment", row.id, row.external_id.as_deref());
        let class = classes.get(&row.class_id).map_or("", |class| class.external_id.as_str());
        let enrolled = Enrolled {
            sourced_id: id.clone(),
            user,
            class,
            school,
            role: "student",
            primary: row.is_primary,
            begins: row.starts_on,
            ends: row.ends_on,
        };
        found.insert(Key::of(HOMEROOM, row.id), objects::enrollment(&enrolled, &asked.here));
        for section in readable_sections.iter().filter(|section| section.class_id == row.class_id) {
            let kept = kept.get(&(row.id, section.id));
            let enrolled = Enrolled {
                sourced_id: kept.map_or_else(|| in_section(&id, &section.external_id), |k| k.external_id.clone()),
                class: &section.external_id,
                primary: kept.and_then(|k| k.is_primary),
                begins: kept.and_then(|k| k.starts_on).unwrap_or(row.starts_on),
                ends: kept.and_then(|k| k.ends_on).or(row.ends_on),
                ..enrolled
            };
            let key = Key { group: IN_SECTIONS, id: row.id, inner: section.id };
            found.insert(key, objects::enrollment(&enrolled, &asked.here));
        }
    }
    Ok(found)
}

/// Teachers' enrollments: the assignments `ids`, of staff and classes the caller may read.
async fn teacher_enrollments(asked: &Asked, ids: &[i64]) -> Result<HashMap<Key, Map<String, Value>>, Refusal> {
    let db = &asked.state.db;
    let mut found = HashMap::new();
    if ids.is_empty() {
        return Ok(found);
    }
    let rows = teaching_assignment::Entity::find()
        .filter(teaching_assignment::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let staff = readable_ids(asked, &readers::STAFF, staff::Column::Id, rows.iter().map(|row| row.staff_id), |row| {
        (row.id, row.external_id.clone())
    });
    let classes = readable_ids(
        asked,
        &readers::CLASS,
        homeroom_class::Column::Id,
        rows.iter().filter_map(|row| row.class_id),
        |row| (row.id, row.external_id.clone()),
    );
    let sections = readable_ids(
        asked,
        &readers::SECTION,
        section::Column::Id,
        rows.iter().filter_map(|row| row.section_id),
        |row| (row.id, row.external_id.clone()),
    );
    let (staff, classes, sections) = (staff.await?, classes.await?, sections.await?);
    let schools = org_ids(asked, rows.iter().map(|row| row.school_id)).await?;
    for row in &rows {
        let class =
            match (row.class_id.and_then(|id| classes.get(&id)), row.section_id.and_then(|id| sections.get(&id))) {
                (Some(class), _) | (None, Some(class)) => class,
                (None, None) => continue,
            };
        let Some(user) = staff.get(&row.staff_id) else { continue };
        let enrolled = Enrolled {
            sourced_id: ext("teaching_assignment", row.id, row.external_id.as_deref()),
            user,
            class,
            school: schools.get(&row.school_id).map_or("", String::as_str),
            role: "teacher",
            primary: row.is_primary,
            begins: row.starts_on,
            ends: row.ends_on,
        };
        found.insert(Key::of(TEACHERS, row.id), objects::enrollment(&enrolled, &asked.here));
    }
    Ok(found)
}

async fn enrollment_page(asked: &Asked, school: Option<i64>) -> Reply {
    asked.query.check_fields(ENROLLMENT_FIELDS)?;
    let (listed, total) = union::page(asked, groups(asked, school)?, SORTS).await?;
    let found = listed_objects(asked, &listed).await?;
    Ok(reply::page("enrollments", found, total, &asked.path, &asked.query, &asked.raw))
}

pub(super) async fn enrollments(asked: &Asked) -> Reply {
    enrollment_page(asked, None).await
}

pub(super) async fn enrollments_of_school(asked: &Asked) -> Reply {
    let school = reached_org(asked, &asked.id, true).await?;
    enrollment_page(asked, Some(school.id)).await
}

/// `/enrollments/{id}`: a homeroom enrollment, one in a section (as its `sourcedId` names it:
/// an imported one, or `<enrollment>@<section>`), or a teacher's.
pub(super) async fn enrollment_by_id(asked: &Asked) -> Reply {
    asked.query.check_fields(ENROLLMENT_FIELDS)?;
    let id = asked.id.as_str();
    let key = enrollment_key(asked, id).await?.ok_or_else(|| Refusal::unknown("enrollment", id))?;
    let object = listed_objects(asked, &[key]).await?.pop();
    let object = object.ok_or_else(|| Refusal::unknown("enrollment", id))?;
    Ok(reply::one("enrollment", object, asked.query.fields.as_deref()))
}

/// The key of the enrollment `id` names, if any (whether the caller may read it is decided
/// when it is read back).
async fn enrollment_key(asked: &Asked, id: &str) -> Result<Option<Key>, Refusal> {
    let db = &asked.state.db;
    let homeroom = |which: Condition| enrollment::Entity::find().filter(which).one(db);
    if let Some(row) = homeroom(named("enrollment", enrollment::Column::Id, enrollment::Column::ExternalId, id)).await?
    {
        return Ok(Some(Key::of(HOMEROOM, row.id)));
    }
    let stored = section_enrollment::Entity::find().filter(section_enrollment::Column::ExternalId.eq(id)).one(db);
    if let Some(row) = stored.await? {
        return Ok(Some(Key { group: IN_SECTIONS, id: row.enrollment_id, inner: row.section_id }));
    }
    if let Some((enrollment, section)) = id.rsplit_once('@') {
        let which = named("enrollment", enrollment::Column::Id, enrollment::Column::ExternalId, enrollment);
        let section = section::Entity::find().filter(section::Column::ExternalId.eq(section)).one(db).await?;
        if let (Some(row), Some(section)) = (homeroom(which).await?, section)
            && row.class_id == section.class_id
        {
            return Ok(Some(Key { group: IN_SECTIONS, id: row.id, inner: section.id }));
        }
    }
    let which =
        named("teaching_assignment", teaching_assignment::Column::Id, teaching_assignment::Column::ExternalId, id);
    let assignment = teaching_assignment::Entity::find().filter(which).one(db).await?;
    Ok(assignment.map(|row| Key::of(TEACHERS, row.id)))
}
