//! Classes (`/classes`, `/classes/{id}`, `/schools/{id}/classes`, `/courses/{id}/classes`):
//! homeroom classes and sections (scheduled classes: one subject taught to one homeroom class)
//! as one collection (`super::super::union`), each group read through its reader, with the
//! `sourcedId`s of their school, course and terms. Without a `sort`, homeroom classes come
//! first, then sections.

use super::super::listing::Typed;
use super::super::objects::{self, CLASS_FIELDS, Placed};
use super::super::refs::{org_ids, rows_by_id};
use super::super::reply::{self, Refusal};
use super::super::union::{self, Key, SortKeys};
use super::super::{Asked, Reply};
use super::orgs::reached_org;
use crate::exchange::names::section_course;
use crate::privacy::readers;
use entity::{course, homeroom_class, school_year, section, semester, subject};
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The groups of classes, in their order without a sort.
const HOMEROOM: i64 = 0;
const SECTIONS: i64 = 1;

/// What `/classes` may be sorted by, and the name each group gives its value.
const SORTS: SortKeys = &[("sourcedId", "sourced_id"), ("title", "title")];

fn class_column(field: &str) -> Option<(homeroom_class::Column, Typed)> {
    match field {
        "sourcedId" => Some((homeroom_class::Column::ExternalId, Typed::Text)),
        "title" | "classCode" => Some((homeroom_class::Column::Name, Typed::Text)),
        "status" => Some((homeroom_class::Column::Id, Typed::Constant("active"))),
        "classType" => Some((homeroom_class::Column::Id, Typed::Constant("homeroom"))),
        _ => None,
    }
}

/// A section's title in SQL, as [`crate::exchange::names::section_title`] writes it: its
/// subject's name, a space, its homeroom class's name.
fn section_title() -> Expr {
    Expr::cust(
        r#"(COALESCE((SELECT "subject"."name" FROM "subject" WHERE "subject"."id" = "section"."subject_id"), '') || ' ' || COALESCE((SELECT "homeroom_class"."name" FROM "homeroom_class" WHERE "homeroom_class"."id" = "section"."class_id"), ''))"#,
    )
}

fn section_column(field: &str) -> Option<(section::Column, Typed)> {
    match field {
        "sourcedId" => Some((section::Column::ExternalId, Typed::Text)),
        "title" => Some((section::Column::Id, Typed::Derived(section_title))),
        // A section has no code of its own.
        "classCode" => Some((section::Column::Id, Typed::Constant(""))),
        "status" => Some((section::Column::Id, Typed::Constant("active"))),
        "classType" => Some((section::Column::Id, Typed::Constant("scheduled"))),
        _ => None,
    }
}

/// The objects of homeroom classes `rows`.
async fn class_objects(asked: &Asked, rows: &[homeroom_class::Model]) -> Result<Vec<Map<String, Value>>, Refusal> {
    let db = &asked.state.db;
    let schools = org_ids(asked, rows.iter().map(|row| row.school_id)).await?;
    let years = school_year::Entity::find()
        .filter(school_year::Column::Id.is_in(rows.iter().map(|row| row.school_year_id)))
        .all(db)
        .await?;
    let years: HashMap<i64, String> = years.iter().map(|year| (year.id, objects::year_id(year))).collect();
    let courses = stored_courses(asked, rows.iter().filter_map(|row| row.course_id)).await?;
    Ok(rows
        .iter()
        .map(|row| {
            let school = schools.get(&row.school_id).map_or("", String::as_str);
            let year = years.get(&row.school_year_id).map_or("", String::as_str);
            let course = row.course_id.and_then(|id| courses.get(&id)).map(String::as_str);
            objects::class(row, school, year, course, &asked.here)
        })
        .collect())
}

/// The `sourcedId`s of the stored courses `ids`.
async fn stored_courses(asked: &Asked, ids: impl IntoIterator<Item = i64>) -> Result<HashMap<i64, String>, Refusal> {
    let rows = course::Entity::find().filter(course::Column::Id.is_in(ids)).all(&asked.state.db).await?;
    Ok(rows.into_iter().map(|row| (row.id, row.external_id)).collect())
}

/// The terms of each school year of `years`: its semesters' `sourcedId`s, in order, or the
/// year's own when it has none.
pub(super) async fn terms_of(
    asked: &Asked,
    years: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, Vec<String>>, Refusal> {
    let db = &asked.state.db;
    let years: Vec<school_year::Model> =
        school_year::Entity::find().filter(school_year::Column::Id.is_in(years)).all(db).await?;
    let semesters = semester::Entity::find()
        .filter(semester::Column::SchoolYearId.is_in(years.iter().map(|year| year.id)))
        .order_by_asc(semester::Column::StartsOn)
        .all(db)
        .await?;
    let mut terms: HashMap<i64, Vec<String>> = HashMap::new();
    for row in &semesters {
        terms.entry(row.school_year_id).or_default().push(objects::semester_id(row));
    }
    for year in &years {
        terms.entry(year.id).or_insert_with(|| vec![objects::year_id(year)]);
    }
    Ok(terms)
}

/// The objects of sections `rows`, as scheduled classes.
pub(super) async fn section_objects(
    asked: &Asked,
    rows: &[section::Model],
) -> Result<Vec<Map<String, Value>>, Refusal> {
    let schools = org_ids(asked, rows.iter().map(|row| row.school_id)).await?;
    let subjects =
        rows_by_id::<subject::Entity>(asked, subject::Column::Id, rows.iter().map(|row| row.subject_id), |s| s.id);
    let classes = rows_by_id::<homeroom_class::Entity>(
        asked,
        homeroom_class::Column::Id,
        rows.iter().map(|row| row.class_id),
        |class| class.id,
    );
    let (subjects, classes) = (subjects.await?, classes.await?);
    let terms = terms_of(asked, rows.iter().map(|row| row.school_year_id)).await?;
    let courses = stored_courses(asked, rows.iter().filter_map(|row| row.course_id)).await?;
    Ok(rows
        .iter()
        .map(|row| {
            let class = classes.get(&row.class_id);
            let level = class.map_or(0, |class| class.grade_level);
            let course = row
                .course_id
                .and_then(|id| courses.get(&id))
                .cloned()
                .unwrap_or_else(|| section_course(row.school_id, row.school_year_id, row.subject_id, level));
            let placed = Placed {
                subject: subjects.get(&row.subject_id),
                class,
                school: schools.get(&row.school_id).map_or("", String::as_str),
                course: &course,
                terms: terms.get(&row.school_year_id).map_or(&[], Vec::as_slice),
            };
            objects::section(row, &placed, &asked.here)
        })
        .collect())
}

/// Which classes a page lists.
pub(super) enum Among {
    All,
    School(i64),
    /// Those following a course: homeroom classes and sections by id.
    Following(Vec<i64>, Vec<i64>),
}

/// The keys of the homeroom classes and sections `among` the query selects.
fn groups(asked: &Asked, among: &Among) -> Result<Vec<sea_orm::sea_query::SelectStatement>, Refusal> {
    let access = &asked.access;
    let col = |table: &str, name: &str| Expr::col((Alias::new(table), Alias::new(name)));
    let mut classes = access.read(&readers::CLASS);
    let mut sections = access.read(&readers::SECTION);
    match among {
        Among::All => {}
        Among::School(school) => {
            classes = classes.narrow(homeroom_class::Column::SchoolId, |column| column.eq(*school));
            sections = sections.narrow(section::Column::SchoolId, |column| column.eq(*school));
        }
        Among::Following(class_ids, section_ids) => {
            classes = classes.narrow(homeroom_class::Column::Id, |column| column.is_in(class_ids.iter().copied()));
            sections = sections.narrow(section::Column::Id, |column| column.is_in(section_ids.iter().copied()));
        }
    }
    let classes = union::group_of(asked, classes, &readers::CLASS, class_column)?;
    let keys = vec![col("homeroom_class", "external_id"), col("homeroom_class", "name")];
    let classes = union::keyed(classes, HOMEROOM, [Some(col("homeroom_class", "id")), None], SORTS, keys);
    let sections = union::group_of(asked, sections, &readers::SECTION, section_column)?;
    let keys = vec![col("section", "external_id"), section_title()];
    let sections = union::keyed(sections, SECTIONS, [Some(col("section", "id")), None], SORTS, keys);
    Ok(vec![classes, sections])
}

/// The classes `listed`, read back through each group's reader.
async fn listed_objects(asked: &Asked, listed: &[Key]) -> Result<Vec<Map<String, Value>>, Refusal> {
    let db = &asked.state.db;
    let mut found: HashMap<Key, Map<String, Value>> = HashMap::new();
    let ids = union::ids_of(listed, HOMEROOM);
    if !ids.is_empty() {
        let read = asked.access.read(&readers::CLASS).narrow(homeroom_class::Column::Id, |column| column.is_in(ids));
        let rows = read.all(db).await?;
        let objects = class_objects(asked, &rows).await?;
        found.extend(rows.iter().map(|row| Key::of(HOMEROOM, row.id)).zip(objects));
    }
    let ids = union::ids_of(listed, SECTIONS);
    if !ids.is_empty() {
        let read = asked.access.read(&readers::SECTION).narrow(section::Column::Id, |column| column.is_in(ids));
        let rows = read.all(db).await?;
        let objects = section_objects(asked, &rows).await?;
        found.extend(rows.iter().map(|row| Key::of(SECTIONS, row.id)).zip(objects));
    }
    Ok(union::in_order(listed, found))
}

pub(super) async fn class_page(asked: &Asked, among: Among) -> Reply {
    asked.query.check_fields(CLASS_FIELDS)?;
    let (listed, total) = union::page(asked, groups(asked, &among)?, SORTS).await?;
    let found = listed_objects(asked, &listed).await?;
    Ok(reply::page("classes", found, total, &asked.path, &asked.query, &asked.raw))
}

/// A class as a path names it: a homeroom class or a section, by `sourcedId`.
pub(in crate::rest) enum Reached {
    Homeroom(homeroom_class::Model),
    Section(section::Model),
}

impl Reached {
    /// The homeroom class whose students it teaches.
    pub fn homeroom(&self) -> i64 {
        match self {
            Reached::Homeroom(class) => class.id,
            Reached::Section(section) => section.class_id,
        }
    }
}

/// The class `id` (a `sourcedId`) the caller may read: a homeroom class, else a section.
pub(in crate::rest) async fn reached_class(asked: &Asked, id: &str) -> Result<Reached, Refusal> {
    let db = &asked.state.db;
    let read = asked.access.read(&readers::CLASS).narrow(homeroom_class::Column::ExternalId, |column| column.eq(id));
    if let Some(class) = read.one(db).await? {
        return Ok(Reached::Homeroom(class));
    }
    let read = asked.access.read(&readers::SECTION).narrow(section::Column::ExternalId, |column| column.eq(id));
    read.one(db).await?.map(Reached::Section).ok_or_else(|| Refusal::unknown("class", id))
}

pub(super) async fn classes(asked: &Asked) -> Reply {
    class_page(asked, Among::All).await
}

pub(super) async fn classes_of_school(asked: &Asked) -> Reply {
    let school = reached_org(asked, &asked.id, true).await?;
    class_page(asked, Among::School(school.id)).await
}

pub(super) async fn class_by_id(asked: &Asked) -> Reply {
    asked.query.check_fields(CLASS_FIELDS)?;
    let object = match reached_class(asked, &asked.id).await? {
        Reached::Homeroom(row) => class_objects(asked, std::slice::from_ref(&row)).await?.pop(),
        Reached::Section(row) => section_objects(asked, std::slice::from_ref(&row)).await?.pop(),
    };
    Ok(reply::one("class", object.unwrap_or_default(), asked.query.fields.as_deref()))
}
