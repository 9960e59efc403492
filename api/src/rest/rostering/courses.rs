//! Courses (`/courses`, `/courses/{id}`, `/schools/{id}/courses`, `/courses/{id}/classes`):
//! the courses that the homeroom classes and sections the caller may read follow — a stored
//! course, or the one EMIS derives for a grade (homeroom classes) or a subject in a grade
//! (sections) of a school's year, as the CSV package names them. A course is known only
//! through a class the caller may read; the set is small (a few per grade and subject of a
//! school's year), so it is read whole and filtered, sorted and paged in memory.

use super::super::listing;
use super::super::objects::{self, COURSE_FIELDS, Course};
use super::super::refs::org_ids;
use super::super::reply::{self, Refusal};
use super::super::{Asked, Reply};
use super::classes::{Among, class_page};
use super::orgs::reached_org;
use crate::exchange::names::{homeroom_course, section_course};
use crate::privacy::readers;
use entity::{course, homeroom_class, school_year, section, subject};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use std::collections::{BTreeMap, HashMap};

/// The courses followed by the classes the caller may read, and those classes of each
/// (homeroom classes, sections) by id.
#[derive(Default)]
struct Followed {
    courses: BTreeMap<String, Course>,
    classes: HashMap<String, (Vec<i64>, Vec<i64>)>,
}

/// What a derived course is built from: the year and school named by `sourcedId`.
struct Place<'a> {
    year: Option<&'a String>,
    school: &'a str,
}

impl Followed {
    fn add(&mut self, id: String, course: impl FnOnce() -> Course, class: Result<i64, i64>) {
        self.courses.entry(id.clone()).or_insert_with(course);
        let (classes, sections) = self.classes.entry(id).or_default();
        match class {
            Ok(class) => classes.push(class),
            Err(section) => sections.push(section),
        }
    }
}

/// The courses of the classes and sections the caller may read (of school `school`, if
/// given).
async fn followed(asked: &Asked, school: Option<i64>) -> Result<Followed, Refusal> {
    let db = &asked.state.db;
    let mut classes = asked.access.read(&readers::CLASS);
    let mut sections = asked.access.read(&readers::SECTION);
    if let Some(school) = school {
        classes = classes.narrow(homeroom_class::Column::SchoolId, |column| column.eq(school));
        sections = sections.narrow(section::Column::SchoolId, |column| column.eq(school));
    }
    let (classes, sections) = (classes.all(db).await?, sections.all(db).await?);
    let stored: HashMap<i64, course::Model> = course::Entity::find()
        .filter(
            course::Column::Id
                .is_in(classes.iter().filter_map(|c| c.course_id).chain(sections.iter().filter_map(|s| s.course_id))),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row))
        .collect();
    let years: HashMap<i64, String> = school_year::Entity::find()
        .filter(
            school_year::Column::Id.is_in(
                classes
                    .iter()
                    .map(|c| c.school_year_id)
                    .chain(sections.iter().map(|s| s.school_year_id))
                    .chain(stored.values().filter_map(|c| c.school_year_id)),
            ),
        )
        .all(db)
        .await?
        .iter()
        .map(|year| (year.id, objects::year_id(year)))
        .collect();
    let orgs = org_ids(
        asked,
        classes
            .iter()
            .map(|c| c.school_id)
            .chain(sections.iter().map(|s| s.school_id))
            .chain(stored.values().map(|c| c.org_id)),
    )
    .await?;
    let subjects: HashMap<i64, subject::Model> =
        subject::Entity::find().all(db).await?.into_iter().map(|row| (row.id, row)).collect();
    let levels: HashMap<i64, i16> = homeroom_class::Entity::find()
        .filter(homeroom_class::Column::Id.is_in(sections.iter().map(|s| s.class_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row.grade_level))
        .collect();
    let subject_of = |id: Option<i64>| id.and_then(|id| subjects.get(&id)).map(|s| (s.name.clone(), s.code.clone()));
    let stored_course = |row: &course::Model| Course {
        sourced_id: row.external_id.clone(),
        title: row.title.clone(),
        code: row.code.clone(),
        grade: row.grade_level,
        subject: subject_of(row.subject_id),
        year: row.school_year_id.and_then(|id| years.get(&id)).cloned(),
        org: orgs.get(&row.org_id).cloned().unwrap_or_default(),
    };
    let derived = |id: &str, title: String, grade: i16, subject: Option<(String, String)>, place: Place<'_>| Course {
        sourced_id: id.to_owned(),
        title,
        code: None,
        grade: Some(grade),
        subject,
        year: place.year.cloned(),
        org: place.school.to_owned(),
    };
    let mut found = Followed::default();
    for class in &classes {
        let place = Place {
            year: years.get(&class.school_year_id),
            school: orgs.get(&class.school_id).map_or("", String::as_str),
        };
        match class.course_id.and_then(|id| stored.get(&id)) {
            Some(row) => found.add(row.external_id.clone(), || stored_course(row), Ok(class.id)),
            None => {
                let id = homeroom_course(class.school_id, class.school_year_id, class.grade_level);
                let title = format!("Sinh hoạt lớp {}", class.grade_level);
                found.add(id.clone(), || derived(&id, title, class.grade_level, None, place), Ok(class.id));
            }
        }
    }
    for row in &sections {
        let place =
            Place { year: years.get(&row.school_year_id), school: orgs.get(&row.school_id).map_or("", String::as_str) };
        match row.course_id.and_then(|id| stored.get(&id)) {
            Some(course) => found.add(course.external_id.clone(), || stored_course(course), Err(row.id)),
            None => {
                let level = levels.get(&row.class_id).copied().unwrap_or_default();
                let id = section_course(row.school_id, row.school_year_id, row.subject_id, level);
                let subject = subject_of(Some(row.subject_id));
                let title = format!("{} {level}", subject.as_ref().map_or("", |(name, _)| name.as_str()));
                found.add(id.clone(), || derived(&id, title, level, subject, place), Err(row.id));
            }
        }
    }
    Ok(found)
}

async fn course_page(asked: &Asked, school: Option<i64>) -> Reply {
    asked.query.check_fields(COURSE_FIELDS)?;
    let found = followed(asked, school).await?;
    let all = found.courses.values().map(|course| objects::course(course, &asked.here)).collect();
    let (page, total) = listing::in_memory(all, &asked.query)?;
    Ok(reply::page("courses", page, total, &asked.path, &asked.query, &asked.raw))
}

pub(super) async fn courses(asked: &Asked) -> Reply {
    course_page(asked, None).await
}

pub(super) async fn courses_of_school(asked: &Asked) -> Reply {
    let school = reached_org(asked, &asked.id, true).await?;
    course_page(asked, Some(school.id)).await
}

pub(super) async fn course_by_id(asked: &Asked) -> Reply {
    asked.query.check_fields(COURSE_FIELDS)?;
    let found = followed(asked, None).await?;
    let course = found.courses.get(&asked.id).ok_or_else(|| Refusal::unknown("course", &asked.id))?;
    Ok(reply::one("course", objects::course(course, &asked.here), asked.query.fields.as_deref()))
}

pub(super) async fn classes_of_course(asked: &Asked) -> Reply {
    let mut found = followed(asked, None).await?;
    let (classes, sections) = found.classes.remove(&asked.id).ok_or_else(|| Refusal::unknown("course", &asked.id))?;
    class_page(asked, Among::Following(classes, sections)).await
}
