//! The exchange identifiers EMIS gives what it made itself, the same from export to export:
//! `emis-<table>-<id>` for a record, and `<homeroom enrollment>@<scheduled class>` for a
//! student's enrollment in a scheduled class, which follows from the homeroom enrollment;
//! and how values are named wherever EMIS speaks OneRoster (the CSV package and the REST
//! binding): grades, a person's names, the courses derived from homeroom classes.

/// An exchange identifier: the stored one, or `emis-<table>-<id>`.
pub fn ext(table: &str, id: i64, stored: Option<&str>) -> String {
    stored.map_or_else(|| format!("emis-{table}-{id}"), str::to_owned)
}

/// The identifier of the enrollment in scheduled class `section` that follows from the
/// homeroom enrollment named `enrollment`.
pub fn in_section(enrollment: &str, section: &str) -> String {
    format!("{enrollment}@{section}")
}

/// A grade level as OneRoster writes it: `01` … `12`.
pub fn grade(level: i16) -> String {
    format!("{level:02}")
}

/// A person's names as OneRoster splits them: (family name, middle name, given name) — the
/// first word of the family part, the rest of it, and the given name.
pub fn split_name<'a>(family: &'a str, given: &'a str) -> (&'a str, &'a str, &'a str) {
    let (last, middle) = family.split_once(' ').unwrap_or((family, ""));
    (last, middle, given)
}

/// The course EMIS derives for the homeroom classes of one grade of a school and year, when
/// they follow no stored course.
pub fn homeroom_course(school: i64, year: i64, level: i16) -> String {
    format!("emis-course-h{school}-{year}-{level}")
}

/// An organisation's type as OneRoster names it, from EMIS's kind of organisation.
pub fn org_type(kind: &str) -> &'static str {
    match kind.parse::<entity::OrgKind>() {
        Ok(entity::OrgKind::Department) => "state",
        Ok(entity::OrgKind::DistrictOffice) => "district",
        Ok(entity::OrgKind::CommuneOffice) => "local",
        _ => "school",
    }
}
