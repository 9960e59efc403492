//! What a first export must give back of the package it came from: every row under its
//! `sourcedId` (roles by user, role and organisation), every column EMIS keeps with the
//! package's value, the columns EMIS does not keep ([`NOT_KEPT`], the list README.md gives
//! under "What EMIS does not keep") left out of the comparison, and no row the package did
//! not give but the enrollments in scheduled classes EMIS derives.

use crate::oneroster::read_csv;
use emis_oneroster::FileKind;
use std::collections::BTreeMap;
use std::path::Path;

/// A column EMIS does not keep: an export writes it empty or derives it from what EMIS keeps.
pub struct NotKept {
    pub file: &'static str,
    pub column: &'static str,
    /// Only in rows whose `type` (orgs, sessions), `classType` (classes) or `role` is one of
    /// these; every row when empty.
    pub rows: &'static [&'static str],
}

const fn not_kept(file: &'static str, column: &'static str, rows: &'static [&'static str]) -> NotKept {
    NotKept { file, column, rows }
}

const PEOPLE: &[&str] = &["student", "teacher", "parent", "guardian"];

/// Every column of the package EMIS does not keep (README.md, "What EMIS does not keep").
pub const NOT_KEPT: &[NotKept] = &[
    not_kept("orgs.csv", "metadata.vn.level", &["school"]),
    not_kept("academicSessions.csv", "title", &["semester"]),
    not_kept("classes.csv", "title", &["scheduled"]),
    not_kept("classes.csv", "classCode", &[]),
    not_kept("classes.csv", "location", &[]),
    not_kept("classes.csv", "periods", &[]),
    not_kept("users.csv", "userIds", &[]),
    not_kept("users.csv", "identifier", &[]),
    not_kept("users.csv", "sms", &[]),
    not_kept("users.csv", "password", &[]),
    not_kept("users.csv", "userMasterIdentifier", &[]),
    not_kept("users.csv", "preferredGivenName", &[]),
    not_kept("users.csv", "preferredMiddleName", &[]),
    not_kept("users.csv", "preferredFamilyName", &[]),
    not_kept("users.csv", "pronouns", &[]),
    not_kept("roles.csv", "sourcedId", PEOPLE),
    not_kept("roles.csv", "beginDate", &["student", "teacher"]),
    not_kept("roles.csv", "userProfileSourcedId", &[]),
    not_kept("demographics.csv", "americanIndianOrAlaskaNative", &[]),
    not_kept("demographics.csv", "asian", &[]),
    not_kept("demographics.csv", "blackOrAfricanAmerican", &[]),
    not_kept("demographics.csv", "nativeHawaiianOrOtherPacificIslander", &[]),
    not_kept("demographics.csv", "white", &[]),
    not_kept("demographics.csv", "demographicRaceTwoOrMoreRaces", &[]),
    not_kept("demographics.csv", "hispanicOrLatinoEthnicity", &[]),
    not_kept("demographics.csv", "countryOfBirthCode", &[]),
    not_kept("demographics.csv", "stateOfBirthAbbreviation", &[]),
    not_kept("demographics.csv", "cityOfBirth", &[]),
    not_kept("demographics.csv", "publicSchoolResidenceStatus", &[]),
    not_kept("lineItems.csv", "description", &[]),
    not_kept("lineItems.csv", "assignDate", &[]),
    not_kept("lineItems.csv", "dueDate", &[]),
    not_kept("results.csv", "scoreDate", &[]),
    not_kept("results.csv", "inProgress", &[]),
    not_kept("results.csv", "incomplete", &[]),
    not_kept("results.csv", "late", &[]),
    not_kept("results.csv", "missing", &[]),
];

type Rows = Vec<BTreeMap<String, String>>;

fn rows(dir: &Path, file: &str) -> Rows {
    let path = dir.join(file);
    if path.exists() { read_csv(&path) } else { Vec::new() }
}

fn cell<'r>(row: &'r BTreeMap<String, String>, column: &str) -> &'r str {
    row.get(column).map_or("", String::as_str)
}

fn kept(file: &str, column: &str, row: &BTreeMap<String, String>) -> bool {
    let kind = match file {
        "classes.csv" => "classType",
        "orgs.csv" | "academicSessions.csv" => "type",
        _ => "role",
    };
    !NOT_KEPT.iter().any(|entry| {
        entry.file == file && entry.column == column && (entry.rows.is_empty() || entry.rows.contains(&cell(row, kind)))
    })
}

/// How a row is found in the other package: by `sourcedId`, a role by what it says.
fn key(file: &str, row: &BTreeMap<String, String>) -> String {
    if file == "roles.csv" {
        let role = cell(row, "role");
        if PEOPLE.contains(&role) {
            return format!("{} {role} {}", cell(row, "userSourcedId"), cell(row, "orgSourcedId"));
        }
    }
    cell(row, "sourcedId").to_owned()
}

/// The differences between the package in `given` and its first export in `exported`.
pub fn differences(given: &Path, exported: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let classes = rows(given, "classes.csv");
    let enrollments = rows(given, "enrollments.csv");
    let homeroom = |class: &str| {
        classes.iter().find(|row| cell(row, "sourcedId") == class).map(|row| cell(row, "classType") == "homeroom")
    };
    // Each student's homeroom enrollment: its id and begin date.
    let homeroom_enrollment: BTreeMap<&str, (&str, &str)> = enrollments
        .iter()
        .filter(|row| cell(row, "role") == "student" && homeroom(cell(row, "classSourcedId")) == Some(true))
        .map(|row| (cell(row, "userSourcedId"), (cell(row, "sourcedId"), cell(row, "beginDate"))))
        .collect();
    for kind in FileKind::ALL {
        let file = kind.file_name();
        let (ours, theirs) = (rows(given, file), rows(exported, file));
        let theirs_by_key: BTreeMap<String, &BTreeMap<String, String>> =
            theirs.iter().map(|row| (key(file, row), row)).collect();
        for row in &ours {
            let Some(back) = theirs_by_key.get(&key(file, row)) else {
                found.push(format!("{file}: {} did not come back", key(file, row)));
                continue;
            };
            for column in kind.columns().iter().map(|column| column.name).filter(|c| kept(file, c, row)) {
                let mut expected = cell(row, column);
                // Left empty, EMIS fills these in: a midterm's or final's number is 1, and a
                // scheduled class's enrollment begins with the homeroom enrollment.
                if expected.is_empty() && file == "lineItems.csv" && column == "metadata.vn.sequence" {
                    expected = "1";
                }
                let scheduled = file == "enrollments.csv" && homeroom(cell(row, "classSourcedId")) == Some(false);
                if expected.is_empty() && scheduled && column == "beginDate" && cell(row, "role") == "student" {
                    expected = homeroom_enrollment.get(cell(row, "userSourcedId")).map_or("", |e| e.1);
                }
                if cell(back, column) != expected {
                    let got = cell(back, column);
                    found.push(format!("{file}: {} column {column}: gave {expected:?}, got {got:?}", key(file, row)));
                }
            }
        }
        let ours_keys: Vec<String> = ours.iter().map(|row| key(file, row)).collect();
        for row in &theirs {
            if ours_keys.contains(&key(file, row)) || derived(row, file, &homeroom_enrollment, &enrollments) {
                continue;
            }
            found.push(format!("{file}: {} was not in the package", key(file, row)));
        }
    }
    found
}

/// Whether an exported row is a student's enrollment in a scheduled class the package did not
/// give, named as EMIS names it — `<homeroom enrollment>@<scheduled class>` — with the homeroom
/// enrollment's begin date and no `primary` flag.
fn derived(
    row: &BTreeMap<String, String>,
    file: &str,
    homeroom_enrollment: &BTreeMap<&str, (&str, &str)>,
    given: &Rows,
) -> bool {
    let (user, class) = (cell(row, "userSourcedId"), cell(row, "classSourcedId"));
    let given_here = given.iter().any(|g| cell(g, "userSourcedId") == user && cell(g, "classSourcedId") == class);
    file == "enrollments.csv"
        && !given_here
        && cell(row, "primary").is_empty()
        && homeroom_enrollment.get(user).is_some_and(|(id, begin)| {
            cell(row, "sourcedId") == format!("{id}@{class}") && cell(row, "beginDate") == *begin
        })
}
