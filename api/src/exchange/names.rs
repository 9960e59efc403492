//! The exchange identifiers EMIS gives what it made itself, the same from export to export:
//! `emis-<table>-<id>` for a record, and `<homeroom enrollment>@<scheduled class>` for a
//! student's enrollment in a scheduled class, which follows from the homeroom enrollment.

/// An exchange identifier: the stored one, or `emis-<table>-<id>`.
pub fn ext(table: &str, id: i64, stored: Option<&str>) -> String {
    stored.map_or_else(|| format!("emis-{table}-{id}"), str::to_owned)
}

/// The identifier of the enrollment in scheduled class `section` that follows from the
/// homeroom enrollment named `enrollment`.
pub fn in_section(enrollment: &str, section: &str) -> String {
    format!("{enrollment}@{section}")
}
