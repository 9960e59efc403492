//! The OneRoster 1.2 objects the REST binding answers, built from EMIS's rows under the same
//! `sourcedId`s as the CSV package (`crate::exchange::names`): organisations, academic
//! sessions, classes, users (`people.rs`), enrollments and results, each with the base fields
//! (`sourcedId`, `status`, `dateLastModified`) and references (`GUIDRef`: `href`,
//! `sourcedId`, `type`). EMIS keeps no modification times yet, so `dateLastModified` is the
//! time of the answer: a delta read never misses a change, at the cost of reading everything.

mod classes;
mod gradebook;
mod people;

pub use classes::{Course, Placed, class, course, section};
pub use gradebook::{Column, category, evaluation, line_item, result};
pub use people::{Contact, demographics, guardian, student, teacher};

use crate::exchange::names::{ext, org_type};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use entity::{org, school_year, semester};
use serde_json::{Map, Value, json};

/// The rostering service's root.
pub const ROSTERING: &str = "/ims/oneroster/rostering/v1p2";
/// The gradebook service's root.
pub const GRADEBOOK: &str = "/ims/oneroster/gradebook/v1p2";

/// Where and when an answer is made: the server's address as the caller reached it (for
/// the references' `href`) and the time of the answer.
pub struct Here {
    /// `http://host:port` or `https://…`.
    pub origin: String,
    pub now: DateTime<Utc>,
}

impl Here {
    /// A reference to another object of the rostering service: its address, `sourcedId` and
    /// type.
    pub fn guid(&self, collection: &str, kind: &str, sourced_id: &str) -> Value {
        self.guid_in(ROSTERING, collection, kind, sourced_id)
    }

    /// A reference to an object of the service at `root`.
    pub fn guid_in(&self, root: &str, collection: &str, kind: &str, sourced_id: &str) -> Value {
        let id = percent_encoding::utf8_percent_encode(sourced_id, percent_encoding::NON_ALPHANUMERIC);
        json!({ "href": format!("{}{root}/{collection}/{id}", self.origin), "sourcedId": sourced_id, "type": kind })
    }
}

/// The base fields every object has.
fn base(sourced_id: String, now: DateTime<Utc>) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("sourcedId".to_owned(), Value::String(sourced_id));
    object.insert("status".to_owned(), Value::String("active".to_owned()));
    object.insert("dateLastModified".to_owned(), Value::String(now.to_rfc3339_opts(SecondsFormat::Millis, true)));
    object
}

fn day(value: NaiveDate) -> Value {
    Value::String(value.format("%Y-%m-%d").to_string())
}

/// A session's end as the binding writes it: the day after its last day (exclusive).
fn end(last: NaiveDate) -> Value {
    day(last.succ_opt().unwrap_or(last))
}

/// An organisation; `parent` its parent's `sourcedId`, if it has one.
pub fn org(row: &org::Model, parent: Option<&str>, here: &Here) -> Map<String, Value> {
    let mut object = base(row.external_id.clone(), here.now);
    object.insert("name".to_owned(), Value::String(row.name.clone()));
    object.insert("type".to_owned(), Value::String(org_type(&row.kind).to_owned()));
    object.insert("identifier".to_owned(), Value::String(row.sector_code.clone().unwrap_or_default()));
    if let Some(parent) = parent {
        object.insert("parent".to_owned(), here.guid("orgs", "org", parent));
    }
    object
}

/// A school year's `sourcedId`.
pub fn year_id(row: &school_year::Model) -> String {
    ext("school_year", row.id, row.external_id.as_deref())
}

/// A school year as an academic session of type `schoolYear`, with its semesters.
pub fn school_year(row: &school_year::Model, semesters: &[&semester::Model], here: &Here) -> Map<String, Value> {
    use chrono::Datelike as _;
    let mut object = base(year_id(row), here.now);
    object.insert("title".to_owned(), Value::String(row.name.clone()));
    object.insert("type".to_owned(), Value::String("schoolYear".to_owned()));
    object.insert("startDate".to_owned(), day(row.starts_on));
    object.insert("endDate".to_owned(), end(row.ends_on));
    object.insert("schoolYear".to_owned(), Value::String(row.ends_on.year().to_string()));
    let children =
        semesters.iter().map(|s| here.guid("academicSessions", "academicSession", &semester_id(s))).collect();
    object.insert("children".to_owned(), Value::Array(children));
    object
}

/// A semester's `sourcedId`.
pub fn semester_id(row: &semester::Model) -> String {
    ext("semester", row.id, row.external_id.as_deref())
}

/// A semester as an academic session of type `semester`, in school year `year`.
pub fn semester(row: &semester::Model, year: &school_year::Model, here: &Here) -> Map<String, Value> {
    use chrono::Datelike as _;
    let mut object = base(semester_id(row), here.now);
    let numeral = match row.number {
        1 => "I".to_owned(),
        2 => "II".to_owned(),
        other => other.to_string(),
    };
    object.insert("title".to_owned(), Value::String(format!("Học kỳ {numeral} {}", year.name)));
    object.insert("type".to_owned(), Value::String("semester".to_owned()));
    object.insert("startDate".to_owned(), day(row.starts_on));
    object.insert("endDate".to_owned(), end(row.ends_on));
    object.insert("parent".to_owned(), here.guid("academicSessions", "academicSession", &year_id(year)));
    object.insert("schoolYear".to_owned(), Value::String(year.ends_on.year().to_string()));
    object
}

/// An enrollment: a student in a homeroom class or a section, or a teacher of either.
pub struct Enrolled<'a> {
    pub sourced_id: String,
    /// The `sourcedId`s of the user, the class and its school.
    pub user: &'a str,
    pub class: &'a str,
    pub school: &'a str,
    /// `student` | `teacher`.
    pub role: &'static str,
    pub primary: Option<bool>,
    pub begins: NaiveDate,
    pub ends: Option<NaiveDate>,
}

/// An enrollment as the binding writes it.
pub fn enrollment(enrolled: &Enrolled<'_>, here: &Here) -> Map<String, Value> {
    let mut object = base(enrolled.sourced_id.clone(), here.now);
    object.insert("user".to_owned(), here.guid("users", "user", enrolled.user));
    object.insert("class".to_owned(), here.guid("classes", "class", enrolled.class));
    object.insert("school".to_owned(), here.guid("schools", "org", enrolled.school));
    object.insert("role".to_owned(), Value::String(enrolled.role.to_owned()));
    object.insert("primary".to_owned(), Value::String((enrolled.primary == Some(true)).to_string()));
    object.insert("beginDate".to_owned(), day(enrolled.begins));
    if let Some(ends) = enrolled.ends {
        object.insert("endDate".to_owned(), day(ends));
    }
    object
}

/// The fields of each object, for `fields` and the filter.
pub const ORG_FIELDS: &[&str] =
    &["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parent", "children"];
pub const SESSION_FIELDS: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "type",
    "startDate",
    "endDate",
    "parent",
    "children",
    "schoolYear",
];
pub const CLASS_FIELDS: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "metadata",
    "title",
    "classCode",
    "classType",
    "grades",
    "subjects",
    "subjectCodes",
    "course",
    "school",
    "terms",
];
pub const COURSE_FIELDS: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "title",
    "schoolYear",
    "courseCode",
    "grades",
    "subjects",
    "subjectCodes",
    "org",
];
pub const USER_FIELDS: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "givenName",
    "familyName",
    "middleName",
    "roles",
    "primaryOrg",
    "agents",
    "email",
    "phone",
];
pub const DEMOGRAPHICS_FIELDS: &[&str] = &["sourcedId", "status", "dateLastModified", "metadata", "birthDate", "sex"];
pub const ENROLLMENT_FIELDS: &[&str] =
    &["sourcedId", "status", "dateLastModified", "user", "class", "school", "role", "primary", "beginDate", "endDate"];
pub const RESULT_FIELDS: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "lineItem",
    "student",
    "class",
    "scoreStatus",
    "score",
    "textScore",
    "scoreDate",
    "comment",
    "missing",
];
pub const LINE_ITEM_FIELDS: &[&str] = &[
    "sourcedId",
    "status",
    "dateLastModified",
    "metadata",
    "title",
    "assignDate",
    "dueDate",
    "class",
    "school",
    "category",
    "academicSession",
    "resultValueMin",
    "resultValueMax",
];
pub const CATEGORY_FIELDS: &[&str] = &["sourcedId", "status", "dateLastModified", "metadata", "title", "weight"];
