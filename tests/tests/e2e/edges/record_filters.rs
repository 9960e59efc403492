//! The filter rule for the lists on a student and a class: a student's attendance by `from`
//! and `to`, history and disclosures by `first`, results by `semesterId` and `sectionId`; a
//! class's summary by `semesterId` and `year`, its primary book by `checkpoint` (each line a
//! student the caller reads), and its former students. For the former homeroom teacher
//! (after one student moved class and one changed school), a subject teacher and the
//! guardians of both students, each filtered answer about the student who moved, the one
//! who changed school, one who stayed and one released to another school is exactly the
//! unfiltered answer's items that pass the filter as the caller reads them (see
//! `narrowing`).

use super::leave::days_ago;
use super::lived_in::{Lived, lived_in};
use super::narrowing::{Expect, List, Under, by_first, narrows_within, passing};
use crate::movements::spawn;
use emis::graphql::ids::encode;
use emis_tests::TestApp;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Cases for the attendance between two days: single days before and after the moves, a
/// span across them, and a span that ends before it begins.
fn by_dates() -> Vec<(String, Expect)> {
    let spans = [(1, 1), (0, 0), (2, 0), (7, 1), (0, 1)];
    spans
        .into_iter()
        .map(|(from, to)| {
            let (from, to) = (days_ago(from).to_string(), days_ago(to).to_string());
            let args = format!("from: \"{from}\", to: \"{to}\"");
            let within = move |entry: &Value| {
                let date = entry["date"].as_str().unwrap();
                *from <= *date && *date <= *to
            };
            (args, passing(within))
        })
        .collect()
}

/// Cases for the results: each section written in and one that does not exist, alone and
/// in the semester running today, which is also the default.
fn by_section_and_semester(sections: &[String], semester: &str) -> Vec<(String, Expect)> {
    let mut cases: Vec<(String, Expect)> = vec![(format!("semesterId: \"{semester}\""), passing(|_| true))];
    for section in sections {
        for within in [String::new(), format!("semesterId: \"{semester}\", ")] {
            let wanted = section.clone();
            let of_section = passing(move |result| result["sectionId"] == wanted.as_str());
            cases.push((format!("{within}sectionId: \"{section}\""), of_section));
        }
    }
    cases
}

/// `who`'s lists on `student` narrow only by what it reads; how many items it read unfiltered.
async fn records_of(app: &TestApp, token: &str, who: &str, student: &str, lived: &Lived) -> usize {
    let under = Under::Student(student);
    let mut sections: Vec<String> = lived.sections.iter().map(|id| encode("Section", *id).0).collect();
    sections.push(encode("Section", 987_654).0);
    let lists = [
        ("attendance", "date session period status note", "from: \"2000-01-01\", to: \"2100-12-31\"", by_dates(), true),
        ("history", "kind at oldValue newValue reason sectionId changedBy approvedBy", "first: 200", by_first(), true),
        ("disclosures", "at studentId actorKind actorName fields purpose", "first: 200", by_first(), false),
        (
            "results",
            "sectionId assessmentId kind sequence score passed comment version",
            "sectionId: null",
            by_section_and_semester(&sections, &lived.semester),
            true,
        ),
    ];
    let mut read = 0;
    for (field, selection, everything, cases, alone_too) in lists {
        let list = List { under, field, selection, everything, alone_too };
        read += narrows_within(app, token, &format!("{who} on {student}"), &list, cases).await.len();
    }
    read
}

/// The students `token` lists, all of them.
async fn listed(app: &TestApp, token: &str) -> BTreeSet<String> {
    let query = "{ students(first: 100) { nodes { id } pageInfo { hasNextPage } } }";
    let page = app.data(Some(token), query, json!({})).await.unwrap()["students"].clone();
    assert_eq!(page["pageInfo"]["hasNextPage"], false, "one page holds the tiny seed's students");
    page["nodes"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect()
}

/// The former students of `class` as `token` reads them (none when the class is out of reach).
async fn former_students(app: &TestApp, token: &str, class: &str) -> BTreeSet<String> {
    let query = "query($id: ID!) { class(id: $id) { formerStudents { id } } }";
    let data = app.data(Some(token), query, json!({ "id": class })).await.unwrap();
    let former = data["class"]["formerStudents"].as_array().cloned().unwrap_or_default();
    former.iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect()
}

/// `who`'s class summary of `class` by semester or year, and its primary book at each
/// checkpoint, list only students `who` reads (`readable`), and the semester running today
/// answers as the default does (a secondary class refuses the primary book); how many lines
/// it read.
async fn books_of(
    app: &TestApp,
    token: &str,
    who: &str,
    class: &str,
    semester: &str,
    readable: &BTreeSet<String>,
) -> usize {
    let summaries = ["", "(year: false)", "(year: true)"].into_iter().map(str::to_owned);
    let summaries =
        summaries.chain([format!("(semesterId: \"{semester}\")"), format!("(semesterId: \"{semester}\", year: true)")]);
    let books = ["mid_1", "end_1", "mid_2", "end_year"].map(|at| format!("primaryBook(checkpoint: \"{at}\")"));
    let asked: Vec<String> = summaries.map(|args| format!("summary{args}")).chain(books).collect();
    let fields: String = asked
        .iter()
        .enumerate()
        .map(|(index, field)| format!("a{index}: {field} {{ lines {{ studentId fullName }} }} "))
        .collect();
    let query = format!("query($id: ID!) {{ class(id: $id) {{ {fields} }} }}");
    let body = app.graphql(Some(token), &query, json!({ "id": class })).await.unwrap();
    let errors = body["errors"].as_array().cloned().unwrap_or_default();
    let secondary = |error: &Value| error["message"].as_str().is_some_and(|m| m.contains("for primary classes"));
    assert!(errors.iter().all(secondary), "{who}: only a secondary class refuses the primary book: {errors:?}");
    let data = &body["data"];
    let mut lines = 0;
    for (index, field) in asked.iter().enumerate() {
        let listed = data["class"][format!("a{index}")]["lines"].as_array().cloned().unwrap_or_default();
        for line in &listed {
            let student = line["studentId"].as_str().unwrap();
            assert!(
                readable.contains(student),
                "{who}: {field} of {class} lists {student}, whom the caller cannot read"
            );
        }
        lines += listed.len();
    }
    assert_eq!(
        data["class"]["a0"], data["class"]["a3"],
        "{who}: the summary of the semester running today is the default"
    );
    lines
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_filter_and_limit_of_a_students_records_and_a_class_s_books_and_former_students_narrows_only_by_what_the_caller_reads()
 {
    let app = spawn().await;
    let lived = lived_in(&app).await;
    let cast = &lived.cast;
    let students = [&cast.moved, &cast.transferred, &lived.stayed, &lived.waiting];
    let everyone_former = former_students(&app, &cast.principal, &cast.old.id).await;
    assert!(everyone_former.contains(&cast.moved), "the principal reads who left the class");

    let mut callers = cast.callers().to_vec();
    callers.push(("the guardian of the student who changed school", &lived.transferred_guardian));
    let mut read = 0;
    for (who, token) in callers {
        for student in students {
            read += records_of(&app, token, who, student, &lived).await;
        }
        // A former student is one the caller reads, and one the principal reads as former.
        let readable = listed(&app, token).await;
        for class in [cast.old.id.clone(), encode("Class", cast.new_class.id).0, encode("Class", cast.elsewhere.id).0] {
            read += books_of(&app, token, who, &class, &lived.semester, &readable).await;
        }
        let former = former_students(&app, token, &cast.old.id).await;
        let expected: BTreeSet<String> = everyone_former.intersection(&readable).cloned().collect();
        assert!(former.is_subset(&expected), "{who}: former students {former:?} beyond {expected:?}");
    }
    assert!(read > 0, "the callers read records to filter");
    app.stop().await.unwrap();
}
