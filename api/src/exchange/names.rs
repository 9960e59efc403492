//! The exchange identifiers EMIS gives what it made itself, the same from export to export:
//! `emis-<table>-<id>` for a record, and `<homeroom enrollment>@<scheduled class>` for a
//! student's enrollment in a scheduled class, which follows from the homeroom enrollment;
//! and how values are named wherever EMIS speaks OneRoster (the CSV package and the REST
//! binding): grades, a person's names, the courses derived from homeroom classes.

/// An exchange identifier: the stored one, or `emis-<table>-<id>`.
pub fn ext(table: &str, id: i64, stored: Option<&str>) -> String {
    stored.map_or_else(|| format!("emis-{table}-{id}"), str::to_owned)
}

/// [`ext`] in SQL, for a statement that filters or sorts by the identifier: the row's stored
/// `external_id`, or `emis-<table>-<id>`. `table` is one of EMIS's own table names.
pub fn ext_sql(table: &str) -> String {
    format!(r#"COALESCE("{table}"."external_id", 'emis-{table}-' || CAST("{table}"."id" AS TEXT))"#)
}

/// The row of `table` an exchange identifier names, as a condition on its id and stored
/// identifier columns: `emis-<table>-<id>` names the row of that id that has no stored
/// identifier; anything else the row that stores it.
pub fn named<C: sea_orm::ColumnTrait>(table: &str, id: C, stored: C, identifier: &str) -> sea_orm::Condition {
    let own = identifier
        .strip_prefix("emis-")
        .and_then(|rest| rest.strip_prefix(table))
        .and_then(|rest| rest.strip_prefix('-'));
    match own.and_then(|number| number.parse::<i64>().ok()) {
        Some(own) => sea_orm::Condition::all().add(id.eq(own)).add(stored.is_null()),
        None => sea_orm::Condition::all().add(stored.eq(identifier)),
    }
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

/// The course EMIS derives for the sections of one subject in one grade of a school and
/// year, when they follow no stored course.
pub fn section_course(school: i64, year: i64, subject: i64, level: i16) -> String {
    format!("emis-course-s{school}-{year}-{subject}-{level}")
}

/// A section's title: its subject, then its homeroom class.
pub fn section_title(subject: &str, class: &str) -> String {
    format!("{subject} {class}")
}

/// The category EMIS derives for the assessment columns of `kind` that name no stored one:
/// its `sourcedId`, title and weight.
pub fn kind_category(kind: entity::AssessmentKind) -> (String, &'static str, f64) {
    use entity::AssessmentKind as K;
    let (title, weight) = match kind {
        K::Midterm => ("Đánh giá giữa kỳ", 2.0),
        K::Final => ("Đánh giá cuối kỳ", 3.0),
        K::Retest => ("Kiểm tra lại", 0.0),
        K::Regular => ("Đánh giá thường xuyên", 1.0),
    };
    (format!("emis-category-{}", kind.as_str()), title, weight)
}

/// The line item of a section's primary subject evaluations at `checkpoint` (`mid_1`,
/// `end_1`, `mid_2`, `end_year`), named by the section's `sourcedId`.
pub fn checkpoint_line_item(section: &str, checkpoint: &str) -> String {
    format!("emis-checkpoint-{section}-{checkpoint}")
}

/// The section `sourcedId` and checkpoint a checkpoint's line item names, if it is one.
pub fn checkpoint_of_line_item(line_item: &str) -> Option<(&str, &str)> {
    line_item.strip_prefix("emis-checkpoint-")?.rsplit_once('-')
}

/// A student's primary subject evaluation as a result: its line item's name and the
/// student's `sourcedId`.
pub fn checkpoint_result(line_item: &str, student: &str) -> String {
    format!("{line_item}-{student}")
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

/// The texts of a comment-only result (`textScore`; other words for them are in
/// [`emis_oneroster::vocabulary::tables::COMMENT_RESULT`]): passed, and not passed.
pub const PASSED: &str = "Đạt";
pub const NOT_PASSED: &str = "Chưa đạt";

#[cfg(test)]
mod tests {
    use super::named;
    use entity::result;
    use sea_orm::sea_query::{Query, SqliteQueryBuilder};

    fn sql(identifier: &str) -> String {
        let which = named("result", result::Column::Id, result::Column::ExternalId, identifier);
        Query::select().column(result::Column::Id).from(result::Entity).cond_where(which).to_string(SqliteQueryBuilder)
    }

    #[test]
    fn an_identifier_names_an_own_row_by_id_and_any_other_by_its_stored_identifier() {
        assert!(
            sql("emis-result-42").contains(r#""result"."id" = 42 AND "result"."external_id" IS NULL"#),
            "{}",
            sql("emis-result-42")
        );
        assert!(sql("kq-2026-1").contains(r#""result"."external_id" = 'kq-2026-1'"#));
        assert!(sql("emis-result-x").contains(r#""result"."external_id" = 'emis-result-x'"#));
        assert!(
            sql("emis-enrollment-3").contains(r#""result"."external_id" = 'emis-enrollment-3'"#),
            "another table's name"
        );
    }
}
