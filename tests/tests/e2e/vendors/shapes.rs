//! Checks of JSON against the OneRoster 1.2 REST binding's data model, written from the
//! specification's published OpenAPI 3 schemas (rostering service): for each object, the
//! properties it may have (no others: every object is closed), those it must have, each
//! property's JSON type, its enumerated values, and the references (`GUIDRef`) and
//! sub-objects it holds. A known-good sample and a few broken ones show the checks bite.

use serde_json::Value;

/// What a property holds.
#[derive(Clone, Copy)]
enum Is {
    Text,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// A date and time in UTC (`…Z`).
    DateTime,
    /// One of the given words.
    OneOf(&'static [&'static str]),
    /// A reference of the given type.
    Ref(&'static str),
    Refs(&'static str, usize),
    Texts,
    Object(&'static Shape),
    Objects(&'static Shape, usize),
    /// A number.
    Number,
    /// Free-form (`metadata`).
    Anything,
}

/// An object: its properties, and which are required.
pub struct Shape {
    name: &'static str,
    properties: &'static [(&'static str, Is, bool)],
}

const STATUS: Is = Is::OneOf(&["active", "tobedeleted"]);
const BOOLEAN: Is = Is::OneOf(&["true", "false"]);

macro_rules! base {
    ($($rest:tt)*) => {
        &[("sourcedId", Is::Text, true), ("status", STATUS, true), ("dateLastModified", Is::DateTime, true),
          ("metadata", Is::Anything, false), $($rest)*]
    };
}

pub static ORG: Shape = Shape {
    name: "Org",
    properties: base![
        ("name", Is::Text, true),
        ("type", Is::OneOf(&["department", "district", "local", "national", "school", "state"]), true),
        ("identifier", Is::Text, true),
        ("parent", Is::Ref("org"), false),
        ("children", Is::Refs("org", 0), false),
    ],
};

pub static ACADEMIC_SESSION: Shape = Shape {
    name: "AcademicSession",
    properties: base![
        ("title", Is::Text, true),
        ("startDate", Is::Date, true),
        ("endDate", Is::Date, true),
        ("type", Is::OneOf(&["gradingPeriod", "semester", "schoolYear", "term"]), true),
        ("parent", Is::Ref("academicSession"), false),
        ("children", Is::Refs("academicSession", 0), false),
        ("schoolYear", Is::Text, true),
    ],
};

pub static CLASS: Shape = Shape {
    name: "Class",
    properties: base![
        ("title", Is::Text, true),
        ("classCode", Is::Text, false),
        ("classType", Is::OneOf(&["homeroom", "scheduled"]), false),
        ("location", Is::Text, false),
        ("grades", Is::Texts, false),
        ("subjects", Is::Texts, false),
        ("course", Is::Ref("course"), true),
        ("school", Is::Ref("org"), true),
        ("terms", Is::Refs("academicSession", 1), true),
        ("subjectCodes", Is::Texts, false),
        ("periods", Is::Texts, false),
        ("resources", Is::Refs("resource", 0), false),
    ],
};

static ROLE: Shape = Shape {
    name: "Role",
    properties: &[
        ("roleType", Is::OneOf(&["primary", "secondary"]), true),
        (
            "role",
            Is::OneOf(&[
                "aide",
                "counselor",
                "districtAdministrator",
                "guardian",
                "parent",
                "principal",
                "proctor",
                "relative",
                "siteAdministrator",
                "student",
                "systemAdministrator",
                "teacher",
            ]),
            true,
        ),
        ("org", Is::Ref("org"), true),
        ("userProfile", Is::Text, false),
        ("beginDate", Is::Date, false),
        ("endDate", Is::Date, false),
    ],
};

static USER_ID: Shape =
    Shape { name: "UserId", properties: &[("type", Is::Text, true), ("identifier", Is::Text, true)] };

pub static USER: Shape = Shape {
    name: "User",
    properties: base![
        ("userMasterIdentifier", Is::Text, false),
        ("username", Is::Text, false),
        ("userIds", Is::Objects(&USER_ID, 0), false),
        ("enabledUser", BOOLEAN, true),
        ("givenName", Is::Text, true),
        ("familyName", Is::Text, true),
        ("middleName", Is::Text, false),
        ("preferredFirstName", Is::Text, false),
        ("preferredMiddleName", Is::Text, false),
        ("preferredLastName", Is::Text, false),
        ("pronouns", Is::Text, false),
        ("roles", Is::Objects(&ROLE, 1), true),
        ("primaryOrg", Is::Ref("org"), false),
        ("identifier", Is::Text, false),
        ("email", Is::Text, false),
        ("sms", Is::Text, false),
        ("phone", Is::Text, false),
        ("agents", Is::Refs("user", 0), false),
        ("grades", Is::Texts, false),
        ("password", Is::Text, false),
        ("resources", Is::Refs("resource", 0), false),
    ],
};

/// A course (rostering service).
pub static COURSE: Shape = Shape {
    name: "Course",
    properties: base![
        ("title", Is::Text, true),
        ("schoolYear", Is::Ref("academicSession"), false),
        ("courseCode", Is::Text, false),
        ("grades", Is::Texts, false),
        ("subjects", Is::Texts, false),
        ("org", Is::Ref("org"), true),
        ("subjectCodes", Is::Texts, false),
        ("resources", Is::Refs("resource", 0), false),
    ],
};

/// A category of line items (gradebook service).
pub static CATEGORY: Shape =
    Shape { name: "Category", properties: base![("title", Is::Text, true), ("weight", Is::Number, false)] };

/// A line item (gradebook service).
pub static LINE_ITEM: Shape = Shape {
    name: "LineItem",
    properties: base![
        ("title", Is::Text, true),
        ("description", Is::Text, false),
        ("assignDate", Is::DateTime, true),
        ("dueDate", Is::DateTime, true),
        ("class", Is::Ref("class"), true),
        ("school", Is::Ref("org"), true),
        ("category", Is::Ref("category"), true),
        ("gradingPeriod", Is::Ref("academicSession"), false),
        ("academicSession", Is::Ref("academicSession"), false),
        ("scoreScale", Is::Ref("scoreScale"), false),
        ("resultValueMin", Is::Number, false),
        ("resultValueMax", Is::Number, false),
        ("learningObjectiveSet", Is::Anything, false),
    ],
};

/// A user's demographics (rostering service).
pub static DEMOGRAPHICS: Shape = Shape {
    name: "Demographics",
    properties: base![
        ("birthDate", Is::Date, false),
        ("sex", Is::OneOf(&["female", "male", "other", "unspecified"]), false),
        ("americanIndianOrAlaskaNative", BOOLEAN, false),
        ("asian", BOOLEAN, false),
        ("blackOrAfricanAmerican", BOOLEAN, false),
        ("nativeHawaiianOrOtherPacificIslander", BOOLEAN, false),
        ("white", BOOLEAN, false),
        ("demographicRaceTwoOrMoreRaces", BOOLEAN, false),
        ("hispanicOrLatinoEthnicity", BOOLEAN, false),
        ("countryOfBirthCode", Is::Text, false),
        ("stateOfBirthAbbreviation", Is::Text, false),
        ("cityOfBirth", Is::Text, false),
        ("publicSchoolResidenceStatus", Is::Text, false),
    ],
};

pub static ENROLLMENT: Shape = Shape {
    name: "Enrollment",
    properties: base![
        ("user", Is::Ref("user"), true),
        ("class", Is::Ref("class"), true),
        ("school", Is::Ref("org"), true),
        ("role", Is::OneOf(&["administrator", "proctor", "student", "teacher"]), true),
        ("primary", BOOLEAN, false),
        ("beginDate", Is::Date, false),
        ("endDate", Is::Date, false),
    ],
};

/// A result of the gradebook service.
pub static RESULT: Shape = Shape {
    name: "Result",
    properties: base![
        ("lineItem", Is::Ref("lineItem"), true),
        ("student", Is::Ref("user"), true),
        ("class", Is::Ref("class"), false),
        ("scoreScale", Is::Ref("scoreScale"), false),
        ("scoreStatus", Is::OneOf(&["exempt", "fully graded", "not submitted", "partially graded", "submitted"]), true,),
        ("score", Is::Number, false),
        ("textScore", Is::Text, false),
        ("scoreDate", Is::Date, true),
        ("comment", Is::Text, false),
        ("inProgress", BOOLEAN, false),
        ("incomplete", BOOLEAN, false),
        ("late", BOOLEAN, false),
        ("missing", BOOLEAN, false),
    ],
};

static CODE_MINOR_FIELD: Shape = Shape {
    name: "imsx_codeMinorField",
    properties: &[
        ("imsx_codeMinorFieldName", Is::Text, true),
        (
            "imsx_codeMinorFieldValue",
            Is::OneOf(&[
                "fullsuccess",
                "invalid_filter_field",
                "invalid_selection_field",
                "invaliddata",
                "unauthorisedrequest",
                "forbidden",
                "server_busy",
                "unknownobject",
                "internal_server_error",
            ]),
            true,
        ),
    ],
};

static CODE_MINOR: Shape =
    Shape { name: "imsx_CodeMinor", properties: &[("imsx_codeMinorField", Is::Objects(&CODE_MINOR_FIELD, 1), true)] };

/// The status payload of a refusal.
pub static STATUS_INFO: Shape = Shape {
    name: "imsx_StatusInfo",
    properties: &[
        ("imsx_codeMajor", Is::OneOf(&["success", "processing", "failure", "unsupported"]), true),
        ("imsx_severity", Is::OneOf(&["status", "warning", "error"]), true),
        ("imsx_description", Is::Text, false),
        ("imsx_CodeMinor", Is::Object(&CODE_MINOR), false),
    ],
};

fn is_date(text: &str) -> bool {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

fn reference(value: &Value, kind: &str, at: &str, problems: &mut Vec<String>) {
    let Some(object) = value.as_object() else { return problems.push(format!("{at}: not a reference")) };
    for key in object.keys() {
        if !["href", "sourcedId", "type"].contains(&key.as_str()) {
            problems.push(format!("{at}.{key}: not a property of a reference"));
        }
    }
    let href = object.get("href").and_then(Value::as_str).unwrap_or_default();
    if !(href.starts_with("http://") || href.starts_with("https://")) {
        problems.push(format!("{at}.href: not an absolute URI: {href:?}"));
    }
    if !object.get("sourcedId").is_some_and(Value::is_string) {
        problems.push(format!("{at}.sourcedId: missing"));
    }
    if object.get("type").and_then(Value::as_str) != Some(kind) {
        problems.push(format!("{at}.type: not {kind:?}"));
    }
}

fn check_value(value: &Value, is: Is, at: &str, problems: &mut Vec<String>) {
    if matches!(is, Is::Refs(..) | Is::Objects(..) | Is::Texts) && !value.is_array() {
        return problems.push(format!("{at}: not an array"));
    }
    let text = value.as_str();
    match is {
        Is::Text if text.is_none() => problems.push(format!("{at}: not a string")),
        Is::Date if !text.is_some_and(is_date) => problems.push(format!("{at}: not a date: {value}")),
        Is::DateTime if !text.is_some_and(|t| t.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(t).is_ok()) => {
            problems.push(format!("{at}: not a UTC date-time: {value}"));
        }
        Is::OneOf(words) if !text.is_some_and(|t| words.contains(&t)) => {
            problems.push(format!("{at}: {value} is not one of {words:?}"));
        }
        Is::Ref(kind) => reference(value, kind, at, problems),
        Is::Refs(kind, least) => {
            let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
            if items.len() < least {
                problems.push(format!("{at}: fewer than {least} items"));
            }
            for (n, item) in items.iter().enumerate() {
                reference(item, kind, &format!("{at}[{n}]"), problems);
            }
        }
        Is::Objects(shape, least) => {
            let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
            if items.len() < least {
                problems.push(format!("{at}: fewer than {least} items"));
            }
            for (n, item) in items.iter().enumerate() {
                check_into(item, shape, &format!("{at}[{n}]"), problems);
            }
        }
        Is::Texts if !value.as_array().is_some_and(|items| items.iter().all(Value::is_string)) => {
            problems.push(format!("{at}: not an array of strings"));
        }
        Is::Object(shape) => check_into(value, shape, at, problems),
        Is::Anything if !value.is_object() => problems.push(format!("{at}: not an object")),
        Is::Number if !value.is_number() => problems.push(format!("{at}: not a number")),
        _ => {}
    }
}

fn check_into(value: &Value, shape: &Shape, at: &str, problems: &mut Vec<String>) {
    let Some(object) = value.as_object() else { return problems.push(format!("{at}: not a {}", shape.name)) };
    for key in object.keys() {
        if !shape.properties.iter().any(|(name, ..)| name == key) {
            problems.push(format!("{at}.{key}: not a property of {}", shape.name));
        }
    }
    for &(name, is, required) in shape.properties {
        match object.get(name) {
            None if required => problems.push(format!("{at}.{name}: required by {}", shape.name)),
            None => {}
            Some(found) => check_value(found, is, &format!("{at}.{name}"), problems),
        }
    }
}

/// The problems of `value` as a `shape`; none when it conforms.
pub fn problems(value: &Value, shape: &Shape) -> Vec<String> {
    let mut problems = Vec::new();
    check_into(value, shape, shape.name, &mut problems);
    problems
}

/// Panics naming every problem of each object of the collection `key` of `body` (a closed
/// wrapper of that one key), or of the single object `key` holds.
pub fn assert_conforms(body: &Value, key: &str, shape: &Shape) {
    let wrapper = body.as_object().expect("a JSON object");
    assert_eq!(wrapper.keys().collect::<Vec<_>>(), vec![key], "the wrapper holds only {key:?}: {body}");
    let objects = match &body[key] {
        Value::Array(items) => items.clone(),
        one => vec![one.clone()],
    };
    let found: Vec<String> = objects.iter().flat_map(|object| problems(object, shape)).collect();
    assert!(found.is_empty(), "{}:\n{}", shape.name, found.join("\n"));
}

#[test]
fn the_checks_accept_a_conforming_user_and_name_what_is_wrong_with_broken_ones() {
    let good = serde_json::json!({
        "sourcedId": "hs-0001", "status": "active", "dateLastModified": "2026-12-07T05:00:00.000Z",
        "enabledUser": "true", "givenName": "An", "familyName": "Nguyễn", "middleName": "Văn",
        "roles": [{ "roleType": "primary", "role": "student",
            "org": { "href": "http://127.0.0.1/ims/oneroster/rostering/v1p2/orgs/th-01", "sourcedId": "th-01", "type": "org" } }],
        "metadata": { "vn": { "class": "6A" } }
    });
    assert!(problems(&good, &USER).is_empty(), "{:?}", problems(&good, &USER));
    let mut boolean = good.clone();
    boolean["enabledUser"] = Value::Bool(true);
    let mut extra = good.clone();
    extra["phoneNumber"] = Value::String("090".into());
    let mut no_roles = good.clone();
    no_roles["roles"] = serde_json::json!([]);
    let mut wrong_ref = good.clone();
    wrong_ref["roles"][0]["org"]["type"] = Value::String("school".into());
    let mut local_time = good;
    local_time["dateLastModified"] = Value::String("2026-12-07T12:00:00+07:00".into());
    for (broken, expected) in [
        (boolean, "enabledUser"),
        (extra, "phoneNumber"),
        (no_roles, "fewer than 1"),
        (wrong_ref, "type"),
        (local_time, "UTC"),
    ] {
        let found = problems(&broken, &USER).join("\n");
        assert!(found.contains(expected), "{expected}: {found}");
    }
}
