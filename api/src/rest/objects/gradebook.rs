//! The gradebook's objects: a result (a score in an assessment column), a line item (an
//! assessment column of a section in a semester) and a category (a kind of column, stored or
//! derived), under the CSV package's `sourcedId`s.

use super::{GRADEBOOK, Here, base, day};
use crate::exchange::names::ext;
use chrono::{NaiveDate, NaiveTime, SecondsFormat};
use serde_json::{Map, Value, json};

/// A result (a score in an assessment column); `line_item`, `student` and `class` are the
/// `sourcedId`s of its column, student and section.
pub fn result(
    row: &entity::result::Model,
    line_item: &str,
    student: &str,
    class: &str,
    here: &Here,
) -> Map<String, Value> {
    use crate::exchange::names::{NOT_PASSED, PASSED};
    let mut object = base(ext("result", row.id, row.external_id.as_deref()), row.updated_at);
    object.insert("lineItem".to_owned(), here.guid_in(GRADEBOOK, "lineItems", "lineItem", line_item));
    object.insert("student".to_owned(), here.guid("users", "user", student));
    object.insert("class".to_owned(), here.guid("classes", "class", class));
    let status = match (row.no_make_up, row.exempt) {
        (true, _) => "not submitted",
        (false, true) => "exempt",
        (false, false) => "fully graded",
    };
    object.insert("scoreStatus".to_owned(), Value::String(status.to_owned()));
    if let Some(tenths) = row.score_tenths {
        object.insert("score".to_owned(), json!(f64::from(tenths) / 10.0));
    } else if let Some(passed) = row.passed {
        object.insert("textScore".to_owned(), Value::String(if passed { PASSED } else { NOT_PASSED }.to_owned()));
    }
    object.insert("scoreDate".to_owned(), day(row.updated_at.date_naive()));
    if let Some(comment) = &row.comment {
        object.insert("comment".to_owned(), Value::String(comment.clone()));
    }
    if row.no_make_up {
        object.insert("missing".to_owned(), Value::String("true".to_owned()));
    }
    object
}

/// A primary subject evaluation (Circular 27) as a result: the level (T/H/C) in
/// `textScore`, the periodic test's score in `score` where there was one; `line_item`,
/// `student` and `class` are the `sourcedId`s of its checkpoint's line item, student and
/// section.
pub fn evaluation(
    row: &entity::primary_evaluation::Model,
    line_item: &str,
    student: &str,
    class: &str,
    here: &Here,
) -> Map<String, Value> {
    let sourced_id = crate::exchange::names::checkpoint_result(line_item, student);
    let mut object = base(sourced_id, row.updated_at);
    object.insert("lineItem".to_owned(), here.guid_in(GRADEBOOK, "lineItems", "lineItem", line_item));
    object.insert("student".to_owned(), here.guid("users", "user", student));
    object.insert("class".to_owned(), here.guid("classes", "class", class));
    object.insert("scoreStatus".to_owned(), Value::String("fully graded".to_owned()));
    if let Some(score) = row.test_score {
        object.insert("score".to_owned(), json!(f64::from(score)));
    }
    object.insert("textScore".to_owned(), Value::String(row.level.clone()));
    object.insert("scoreDate".to_owned(), day(row.updated_at.date_naive()));
    if let Some(comment) = &row.comment {
        object.insert("comment".to_owned(), Value::String(comment.clone()));
    }
    object
}

/// Where a column of a grade book is — an assessment column, or the checkpoint of a primary
/// section's evaluations: its `sourcedId`, title, the `sourcedId`s of its section, school,
/// category and semester, the semester's first and last days, whether it is scored (out of
/// 10) or assessed by comment or level, and what EMIS adds (`metadata`).
pub struct Column<'a> {
    pub sourced_id: String,
    pub title: String,
    pub class: &'a str,
    pub school: &'a str,
    pub category: &'a str,
    pub semester: &'a str,
    pub days: (NaiveDate, NaiveDate),
    pub scored: bool,
    pub metadata: Value,
}

/// Midnight UTC of `day`, as the binding writes a moment.
fn moment(day: NaiveDate) -> Value {
    Value::String(day.and_time(NaiveTime::MIN).and_utc().to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// A column as a line item: assigned when its semester starts and due when it ends (the
/// midnight after its last day), EMIS keeping no dates of its own for a column.
pub fn line_item(column: &Column<'_>, here: &Here) -> Map<String, Value> {
    let mut object = base(column.sourced_id.clone(), here.now);
    object.insert("title".to_owned(), Value::String(column.title.clone()));
    object.insert("assignDate".to_owned(), moment(column.days.0));
    object.insert("dueDate".to_owned(), moment(column.days.1.succ_opt().unwrap_or(column.days.1)));
    object.insert("class".to_owned(), here.guid("classes", "class", column.class));
    object.insert("school".to_owned(), here.guid("schools", "org", column.school));
    object.insert("category".to_owned(), here.guid_in(GRADEBOOK, "categories", "category", column.category));
    object.insert("academicSession".to_owned(), here.guid("academicSessions", "academicSession", column.semester));
    if column.scored {
        object.insert("resultValueMin".to_owned(), json!(0.0));
        object.insert("resultValueMax".to_owned(), json!(10.0));
    }
    object.insert("metadata".to_owned(), column.metadata.clone());
    object
}

/// A category of columns; `kind` the kind of column it is for.
pub fn category(sourced_id: &str, title: &str, weight: Option<f64>, kind: &str, here: &Here) -> Map<String, Value> {
    let mut object = base(sourced_id.to_owned(), here.now);
    object.insert("title".to_owned(), Value::String(title.to_owned()));
    if let Some(weight) = weight {
        object.insert("weight".to_owned(), json!(weight));
    }
    object.insert("metadata".to_owned(), json!({ "vn.assessmentKind": kind }));
    object
}
