//! Exemptions are read only through the policy's `exemption`/`read`: under a policy that
//! keeps them from the class's teachers, the class summary shows the sheet without them, and
//! a score for an exempt student is refused as any write the caller may not make, without
//! naming the exemption. The principal, who reads exemptions, still sees them.

use super::world::{school, schools_of};
use emis::graphql::ids::encode;
use emis_tests::{TestApp, error_code};
use serde_json::{Value, json};

const EXEMPT: &str =
    "mutation($s: ID!, $k: ID!) { setExemption(studentId: $s, sectionId: $k, exempt: true) { sectionId } }";
const SCORES: &str =
    "mutation($k: ID!, $e: [ScoreInput!]!) { recordScores(assessmentId: $k, entries: $e) { changed } }";
const SUMMARY: &str = "query($id: ID!) { class(id: $id) { summary { lines { studentId subjects { exempt } } } } }";

/// The policy folder with the teachers' `exemption`/`read` lines taken out (and the case that
/// expected one turned round).
fn without_teachers_exemptions() -> tempfile::TempDir {
    let dir = emis_tests::policy_copy();
    let edit = |file: &str, from: &str, to: &str| {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file} has {from:?}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    };
    for line in [
        "p, subject_teacher, exemption, read, teaches_section, allow\n",
        "p, homeroom_teacher, exemption, read, homeroom_of, allow\n",
        "p, homeroom_teacher, exemption, read, current_student, allow\n",
    ] {
        edit("policy.csv", line, "");
    }
    edit(
        "cases.csv",
        "subject_teacher, exemption, read, teaches_section, allow",
        "subject_teacher, exemption, read, teaches_section, deny",
    );
    dir
}

/// How many subjects of `student`'s line of the summary read as exempt.
fn exempt_subjects(summary: &Value, student: &str) -> usize {
    let lines = summary["class"]["summary"]["lines"].as_array().unwrap();
    let line = lines.iter().find(|line| line["studentId"] == student).unwrap();
    line["subjects"].as_array().unwrap().iter().filter(|subject| subject["exempt"] == true).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_teacher_who_may_not_read_exemptions_learns_of_none_from_the_summary_or_a_refusal() {
    let policy = without_teachers_exemptions();
    let folder = policy.path().to_path_buf();
    let app = TestApp::spawn_with(move |config| config.policy_dir = folder).await.unwrap();
    let a = school(&app, schools_of(&app, "THCS").await[0]).await;
    let student = a.students[0].clone();
    let vars = json!({ "s": student, "k": a.section_id() });
    app.data(Some(&a.principal), EXEMPT, vars).await.unwrap();

    let class = json!({ "id": a.class_id() });
    let seen = app.data(Some(&a.principal), SUMMARY, class.clone()).await.unwrap();
    assert_eq!(exempt_subjects(&seen, &student), 1, "the principal reads the exemption");
    let seen = app.data(Some(&a.homeroom), SUMMARY, class).await.unwrap();
    assert_eq!(exempt_subjects(&seen, &student), 0, "the homeroom teacher's sheet knows of no exemption");

    let column = encode("Assessment", a.column.expect("a regular column")).0;
    let entries = json!([{ "studentId": student, "score": 7.0 }]);
    let refused = app.graphql(Some(&a.teacher), SCORES, json!({ "k": column, "e": entries })).await.unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let text = refused.to_string();
    assert!(!text.contains("exempt") && !text.contains("miễn"), "the refusal names no exemption: {refused}");
    app.stop().await.unwrap();
}
