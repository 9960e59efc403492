//! Classes and courses: a homeroom class (`homeroom`), a section as a scheduled class
//! (`scheduled`: one subject taught to one homeroom class in a school year), and the courses
//! they follow — a stored course, or the one EMIS derives for a grade (homeroom classes) or a
//! subject in a grade (sections) of a school and year, under the CSV package's `sourcedId`s.

use super::{Here, base};
use crate::exchange::names::{grade, homeroom_course, section_title};
use entity::{homeroom_class, section, subject};
use serde_json::{Map, Value, json};

/// A homeroom class; `school` and `year` are the `sourcedId`s of its school and school year,
/// `course` that of the course it follows.
pub fn class(
    row: &homeroom_class::Model,
    school: &str,
    year: &str,
    course: Option<&str>,
    here: &Here,
) -> Map<String, Value> {
    let mut object = base(row.external_id.clone(), here.now);
    object.insert("title".to_owned(), Value::String(row.name.clone()));
    object.insert("classCode".to_owned(), Value::String(row.name.clone()));
    object.insert("classType".to_owned(), Value::String("homeroom".to_owned()));
    object.insert("grades".to_owned(), json!([grade(row.grade_level)]));
    let course =
        course.map_or_else(|| homeroom_course(row.school_id, row.school_year_id, row.grade_level), str::to_owned);
    object.insert("course".to_owned(), here.guid("courses", "course", &course));
    object.insert("school".to_owned(), here.guid("schools", "org", school));
    object.insert("terms".to_owned(), json!([here.guid("academicSessions", "academicSession", year)]));
    object
}

/// Where a section is: its subject and homeroom class, and the `sourcedId`s of its school,
/// course and terms (the semesters of its year, or the year itself when it has none).
pub struct Placed<'a> {
    pub subject: Option<&'a subject::Model>,
    pub class: Option<&'a homeroom_class::Model>,
    pub school: &'a str,
    pub course: &'a str,
    pub terms: &'a [String],
}

/// A section as a scheduled class.
pub fn section(row: &section::Model, placed: &Placed<'_>, here: &Here) -> Map<String, Value> {
    let mut object = base(row.external_id.clone(), here.now);
    let (subject, class) = (placed.subject, placed.class);
    let title = section_title(subject.map_or("", |s| s.name.as_str()), class.map_or("", |c| c.name.as_str()));
    object.insert("title".to_owned(), Value::String(title));
    object.insert("classType".to_owned(), Value::String("scheduled".to_owned()));
    if let Some(class) = class {
        object.insert("grades".to_owned(), json!([grade(class.grade_level)]));
    }
    if let Some(subject) = subject {
        object.insert("subjects".to_owned(), json!([subject.name]));
        object.insert("subjectCodes".to_owned(), json!([subject.code]));
    }
    object.insert("course".to_owned(), here.guid("courses", "course", placed.course));
    object.insert("school".to_owned(), here.guid("schools", "org", placed.school));
    let terms: Vec<Value> =
        placed.terms.iter().map(|term| here.guid("academicSessions", "academicSession", term)).collect();
    object.insert("terms".to_owned(), Value::Array(terms));
    let mut metadata = Map::new();
    if let Some(class) = class {
        metadata.insert("vn.homeroomClassSourcedId".to_owned(), Value::String(class.external_id.clone()));
    }
    metadata.insert("vn.periodsPerYear".to_owned(), json!(row.periods_per_year));
    object.insert("metadata".to_owned(), Value::Object(metadata));
    object
}

/// A course: stored, or derived for a grade (and a subject) of a school and year.
pub struct Course {
    pub sourced_id: String,
    pub title: String,
    pub code: Option<String>,
    pub grade: Option<i16>,
    pub subject: Option<(String, String)>,
    /// The `sourcedId`s of its school year and organisation.
    pub year: Option<String>,
    pub org: String,
}

/// A course as the binding writes it.
pub fn course(course: &Course, here: &Here) -> Map<String, Value> {
    let mut object = base(course.sourced_id.clone(), here.now);
    object.insert("title".to_owned(), Value::String(course.title.clone()));
    if let Some(year) = &course.year {
        object.insert("schoolYear".to_owned(), here.guid("academicSessions", "academicSession", year));
    }
    if let Some(code) = &course.code {
        object.insert("courseCode".to_owned(), Value::String(code.clone()));
    }
    if let Some(level) = course.grade {
        object.insert("grades".to_owned(), json!([grade(level)]));
    }
    if let Some((name, code)) = &course.subject {
        object.insert("subjects".to_owned(), json!([name]));
        object.insert("subjectCodes".to_owned(), json!([code]));
    }
    object.insert("org".to_owned(), here.guid("orgs", "org", &course.org));
    object
}
