//! The school-book request shapes, which write: (e) a subject teacher records a whole
//! assessment column for their section, (f) a homeroom teacher takes the class's roll call,
//! and the read (g) a homeroom teacher's class summary sheet. A writing request is owned by
//! one connection, so two connections never write the same column or roll call: each
//! alternates between two sets of values, so every call changes what is stored, and a column
//! entry carries the versions the previous answer returned.

use crate::scenarios::{Request, token};
use anyhow::Context as _;
use emis::auth::principal::active_on;
use emis::graphql::ids;
use emis::state::AppState;
use entity::{assessment, enrollment, homeroom_class, result, section, staff, subject, teaching_assignment};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _};
use serde_json::{Value, json};

const RECORD: &str = "mutation($column: ID!, $entries: [ScoreInput!]!) {
    recordScores(assessmentId: $column, entries: $entries) { changed results { version } } }";
const ROLL_CALL: &str = "mutation($class: ID!, $date: NaiveDate!, $marks: [AttendanceMarkInput!]!) {
    recordAttendance(classId: $class, date: $date, session: \"morning\", marks: $marks) { changed entries { status } } }";
const SUMMARY: &str = "query($id: ID!) { class(id: $id) { summary { lines { fullName learning conduct
    unexcusedAbsences subjects { average passed } } } } }";

/// What a writing request sends next, from what its previous answer said.
#[derive(Clone, Debug)]
pub enum Writes {
    /// A whole column: the students and the versions of their results.
    Column { column: String, students: Vec<(String, Option<i64>)> },
    /// A roll call of a class: alternately two students absent, and one late.
    RollCall { class: String, students: [String; 3] },
    /// The same body every time (a notice published again).
    Same(Value),
}

impl Writes {
    /// The body of call number `round`.
    pub fn body(&self, round: usize) -> Value {
        match self {
            Self::Column { column, students } => {
                let score = if round.is_multiple_of(2) { 6.5 } else { 7.5 };
                let entries: Vec<Value> = students
                    .iter()
                    .map(|(student, version)| json!({ "studentId": student, "score": score, "version": version }))
                    .collect();
                json!({ "query": RECORD, "variables": { "column": column, "entries": entries } })
            }
            Self::RollCall { class, students } => {
                let marks = if round.is_multiple_of(2) {
                    json!([{ "studentId": students[0], "status": "unexcused" }, { "studentId": students[1], "status": "excused" }])
                } else {
                    json!([{ "studentId": students[2], "status": "late" }])
                };
                let date = emis::clock::today().to_string();
                json!({ "query": ROLL_CALL, "variables": { "class": class, "date": date, "marks": marks } })
            }
            Self::Same(body) => body.clone(),
        }
    }

    /// Takes in the answer to a call: a column's new versions.
    pub fn answered(&mut self, answer: &[u8]) -> anyhow::Result<()> {
        if let Self::Column { students, .. } = self {
            let answer: Value = serde_json::from_slice(answer)?;
            let results = answer["data"]["recordScores"]["results"].as_array().context("no results in the answer")?;
            for ((_, version), result) in students.iter_mut().zip(results) {
                *version = result["version"].as_i64();
            }
        }
        Ok(())
    }
}

/// (e): up to 50 subject teachers, each with the first regular column of a scored section.
pub async fn columns(state: &AppState) -> anyhow::Result<Vec<Request>> {
    let db = &state.db;
    let today = emis::clock::today();
    let semester = state.reference.get().await?.semester_on(today).context("a current semester")?;
    let assignments = current_assignments(state, "subject").await?;
    let mut requests = Vec::new();
    for assignment in assignments {
        let Some(section) = assignment.section_id else { continue };
        let Some(section) = section::Entity::find_by_id(section).one(db).await? else { continue };
        let scored =
            subject::Entity::find_by_id(section.subject_id).one(db).await?.is_some_and(|s| s.assessment == "scored");
        let column = assessment::Entity::find()
            .filter(assessment::Column::SectionId.eq(section.id))
            .filter(assessment::Column::SemesterId.eq(semester))
            .filter(assessment::Column::Kind.eq("regular"))
            .order_by_asc(assessment::Column::Sequence)
            .one(db)
            .await?;
        let (true, Some(column)) = (scored, column) else { continue };
        let students = class_students(state, section.class_id).await?;
        let mut entries = Vec::with_capacity(students.len());
        for student in students {
            let stored = result::Entity::find()
                .filter(result::Column::AssessmentId.eq(column.id))
                .filter(result::Column::StudentId.eq(student))
                .one(db)
                .await?;
            entries.push((ids::encode("Student", student).0, stored.map(|row| i64::from(row.version))));
        }
        let token = token(state, &username(state, assignment.staff_id).await?).await?;
        let writes = Writes::Column { column: ids::encode("Assessment", column.id).0, students: entries };
        requests.push(Request { token, body: writes.body(0), writes: Some(writes) });
        if requests.len() == 50 {
            break;
        }
    }
    Ok(requests)
}

/// (f): up to 50 homeroom teachers, each with their class's roll call.
pub async fn roll_calls(state: &AppState) -> anyhow::Result<Vec<Request>> {
    let mut requests = Vec::new();
    for assignment in current_assignments(state, "homeroom").await?.into_iter().take(50) {
        let Some(class) = assignment.class_id else { continue };
        let students = class_students(state, class).await?;
        let [first, second, third, ..] = students.as_slice() else { continue };
        let students = [*first, *second, *third].map(|id| ids::encode("Student", id).0);
        let token = token(state, &username(state, assignment.staff_id).await?).await?;
        let writes = Writes::RollCall { class: ids::encode("Class", class).0, students };
        requests.push(Request { token, body: writes.body(0), writes: Some(writes) });
    }
    Ok(requests)
}

/// (g): up to 50 homeroom teachers of lower secondary classes, each reading the summary.
pub async fn summaries(state: &AppState) -> anyhow::Result<Vec<Request>> {
    let mut requests = Vec::new();
    for assignment in current_assignments(state, "homeroom").await? {
        let Some(class) = assignment.class_id else { continue };
        let secondary =
            homeroom_class::Entity::find_by_id(class).one(&state.db).await?.is_some_and(|c| c.grade_level >= 6);
        if !secondary {
            continue;
        }
        let token = token(state, &username(state, assignment.staff_id).await?).await?;
        let body = json!({ "query": SUMMARY, "variables": { "id": ids::encode("Class", class) } });
        requests.push(Request { token, body, writes: None });
        if requests.len() == 50 {
            break;
        }
    }
    Ok(requests)
}

async fn current_assignments(state: &AppState, kind: &str) -> anyhow::Result<Vec<teaching_assignment::Model>> {
    let today = emis::clock::today();
    Ok(teaching_assignment::Entity::find()
        .filter(teaching_assignment::Column::Kind.eq(kind))
        .filter(active_on(teaching_assignment::Column::StartsOn, teaching_assignment::Column::EndsOn, today))
        .order_by_asc(teaching_assignment::Column::Id)
        .limit(400)
        .all(&state.db)
        .await?)
}

async fn class_students(state: &AppState, class: i64) -> anyhow::Result<Vec<i64>> {
    let today = emis::clock::today();
    Ok(enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::StudentId)
        .filter(enrollment::Column::ClassId.eq(class))
        .filter(active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, today))
        .order_by_asc(enrollment::Column::StudentId)
        .into_tuple()
        .all(&state.db)
        .await?)
}

async fn username(state: &AppState, staff_id: i64) -> anyhow::Result<String> {
    let row = staff::Entity::find_by_id(staff_id).one(&state.db).await?.context("staff exists")?;
    row.username.context("staff has a username")
}
