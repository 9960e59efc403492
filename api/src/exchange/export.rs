//! `emis export oneroster DIR`: the database — or one school of it — as a OneRoster 1.2 CSV
//! package in bulk mode. Records keep the exchange identifiers they came with; records made
//! in EMIS are named `emis-<table>-<id>` (courses and categories EMIS derives from its
//! classes and columns get such names too), and those names stay with the records when the
//! package is imported elsewhere. Sensitive values (identity number, address, phone, e-mail,
//! ethnicity, religion, health) are written only when asked for, and every export is recorded
//! in `exchange_log` with who ran it, its scope and whether it carried sensitive values.
//!
//! What OneRoster cannot carry is not written: past parent links of organisations, ended
//! guardianships, staff status history, passwords.

use crate::vault::Vault;
use anyhow::{Context as _, bail};
use chrono::{Datelike as _, NaiveDate, Utc};
use emis_oneroster::writer::list;
use emis_oneroster::{FileKind, FileWriter, Manifest, Mode};
use entity::{
    AssessmentKind, OrgKind, RoleKind, StaffStatus, StudentStatus, assessment, assessment_category, attendance, course,
    enrollment, exchange_log, guardian, guardianship, homeroom_class, org, org_parent, result, school_year, section,
    semester, staff, staff_role, student, subject, teaching_assignment,
};
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, Condition, DatabaseConnection, EntityTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// Results read at a time.
const PAGE: u64 = 10_000;

/// How an export runs.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// Who runs it, for the exchange log.
    pub actor: String,
    /// Only this school (its exchange identifier), with the organisations above it.
    pub school: Option<String>,
    /// Write sensitive values too.
    pub sensitive: bool,
}

/// Rows written per file.
pub type ExportReport = BTreeMap<FileKind, u64>;

/// An exchange identifier: the stored one, or `emis-<table>-<id>`.
fn ext(table: &str, id: i64, stored: Option<&str>) -> String {
    stored.map_or_else(|| format!("emis-{table}-{id}"), str::to_owned)
}

fn date(value: NaiveDate) -> String {
    value.format("%Y-%m-%d").to_string()
}

fn grade(level: i16) -> String {
    format!("{level:02}")
}

/// A score in tenths as OneRoster writes it: `8.5`, `9`.
fn score(tenths: i16) -> String {
    let value = f64::from(tenths) / 10.0;
    format!("{value}")
}

struct Out<'a> {
    dir: &'a Path,
    report: ExportReport,
}

impl Out<'_> {
    fn file(&self, kind: FileKind) -> anyhow::Result<FileWriter<BufWriter<File>>> {
        let path = self.dir.join(kind.file_name());
        let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(FileWriter::new(kind, BufWriter::new(file))?)
    }

    /// Ends a file; a file without rows is removed (the manifest says it is absent).
    fn done(&mut self, kind: FileKind, writer: FileWriter<BufWriter<File>>) -> anyhow::Result<()> {
        let rows = writer.finish()?;
        if rows == 0 {
            std::fs::remove_file(self.dir.join(kind.file_name()))?;
        } else {
            self.report.insert(kind, rows);
        }
        Ok(())
    }
}

/// Writes the package into the folder `dir` (created if missing; its CSV files replaced).
pub async fn export(
    db: &DatabaseConnection,
    vault: &Vault,
    dir: &Path,
    options: &ExportOptions,
) -> anyhow::Result<ExportReport> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut out = Out { dir, report: BTreeMap::new() };
    let orgs: HashMap<i64, org::Model> =
        org::Entity::find().all(db).await?.into_iter().map(|row| (row.id, row)).collect();
    let today = crate::clock::today();
    let parents: HashMap<i64, org_parent::Model> = org_parent::Entity::find()
        .filter(crate::auth::principal::active_on(org_parent::Column::ValidFrom, org_parent::Column::ValidTo, today))
        .all(db)
        .await?
        .into_iter()
        .map(|link| (link.org_id, link))
        .collect();
    let school = match &options.school {
        None => None,
        Some(external) => match orgs.values().find(|row| &row.external_id == external) {
            Some(row) if row.kind == OrgKind::School.as_str() => Some(row.id),
            _ => bail!("Không có trường mã {external} / there is no school with the exchange identifier {external}"),
        },
    };
    let in_scope = |school_id: i64| school.is_none_or(|only| only == school_id);

    // Organisations: all, or the school and those above it.
    let mut org_ids: Vec<i64> = match school {
        None => orgs.keys().copied().collect(),
        Some(school) => {
            let mut chain = vec![school];
            while let Some(parent) = chain.last().and_then(|id| parents.get(id)).map(|link| link.parent_id) {
                if chain.contains(&parent) {
                    break;
                }
                chain.push(parent);
            }
            chain
        }
    };
    org_ids.sort_unstable();
    let mut writer = out.file(FileKind::Orgs)?;
    for id in &org_ids {
        let row = &orgs[id];
        let kind = match row.kind.parse::<OrgKind>() {
            Ok(OrgKind::Department) => "state",
            Ok(OrgKind::DistrictOffice) => "district",
            Ok(OrgKind::CommuneOffice) => "local",
            _ => "school",
        };
        let parent = parents.get(id).filter(|link| org_ids.contains(&link.parent_id));
        writer.write(&[
            ("sourcedId", row.external_id.clone()),
            ("name", row.name.clone()),
            ("type", kind.to_owned()),
            ("identifier", row.sector_code.clone().unwrap_or_default()),
            ("parentSourcedId", parent.map(|link| orgs[&link.parent_id].external_id.clone()).unwrap_or_default()),
            ("metadata.vn.schoolLevel", row.school_level.clone().unwrap_or_default()),
            ("metadata.vn.parentSince", parent.map(|link| date(link.valid_from)).unwrap_or_default()),
        ])?;
    }
    out.done(FileKind::Orgs, writer)?;
    let org_ext = |id: i64| orgs.get(&id).map(|row| row.external_id.clone()).unwrap_or_default();

    // School years and semesters.
    let years: HashMap<i64, school_year::Model> =
        school_year::Entity::find().all(db).await?.into_iter().map(|row| (row.id, row)).collect();
    let semesters = semester::Entity::find().order_by_asc(semester::Column::StartsOn).all(db).await?;
    let year_ext =
        |id: i64| years.get(&id).map(|y| ext("school_year", y.id, y.external_id.as_deref())).unwrap_or_default();
    let semester_ext = |row: &semester::Model| ext("semester", row.id, row.external_id.as_deref());
    let mut writer = out.file(FileKind::AcademicSessions)?;
    let mut year_list: Vec<&school_year::Model> = years.values().collect();
    year_list.sort_by_key(|year| year.starts_on);
    for year in &year_list {
        writer.write(&[
            ("sourcedId", year_ext(year.id)),
            ("title", year.name.clone()),
            ("type", "schoolYear".to_owned()),
            ("startDate", date(year.starts_on)),
            ("endDate", date(year.ends_on)),
            ("schoolYear", year.ends_on.year().to_string()),
        ])?;
    }
    for row in &semesters {
        let Some(year) = years.get(&row.school_year_id) else { continue };
        let numeral = roman(row.number);
        writer.write(&[
            ("sourcedId", semester_ext(row)),
            ("title", format!("Học kỳ {numeral} {}", year.name)),
            ("type", "semester".to_owned()),
            ("startDate", date(row.starts_on)),
            ("endDate", date(row.ends_on)),
            ("parentSourcedId", year_ext(year.id)),
            ("schoolYear", year.ends_on.year().to_string()),
            ("metadata.vn.semester", row.number.to_string()),
        ])?;
    }
    out.done(FileKind::AcademicSessions, writer)?;
    let year_terms = |year: i64| {
        list(semesters.iter().filter(|row| row.school_year_id == year).map(semester_ext).collect::<Vec<_>>())
    };

    // Courses, classes and sections.
    let subjects: HashMap<i64, subject::Model> =
        subject::Entity::find().all(db).await?.into_iter().map(|row| (row.id, row)).collect();
    let classes: Vec<homeroom_class::Model> = homeroom_class::Entity::find()
        .order_by_asc(homeroom_class::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|row| in_scope(row.school_id))
        .collect();
    let sections: Vec<section::Model> = section::Entity::find()
        .order_by_asc(section::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|row| in_scope(row.school_id))
        .collect();
    let courses: HashMap<i64, course::Model> =
        course::Entity::find().all(db).await?.into_iter().map(|row| (row.id, row)).collect();
    let class_by_id: HashMap<i64, &homeroom_class::Model> = classes.iter().map(|row| (row.id, row)).collect();
    // (course id, row) of every course a class or section follows, stored or derived.
    let mut course_rows: BTreeMap<String, Vec<(&str, String)>> = BTreeMap::new();
    let mut course_of_class: HashMap<i64, String> = HashMap::new();
    let mut course_of_section: HashMap<i64, String> = HashMap::new();
    let subject_cells = |subject: Option<&subject::Model>| -> Vec<(&'static str, String)> {
        match subject {
            Some(subject) => vec![
                ("subjects", subject.name.clone()),
                ("subjectCodes", subject.code.clone()),
                ("metadata.vn.assessment", subject.assessment.clone()),
                ("metadata.vn.sortOrder", subject.sort_order.to_string()),
            ],
            None => Vec::new(),
        }
    };
    for class in &classes {
        let (id, mut cells) = match class.course_id.and_then(|id| courses.get(&id)) {
            Some(course) => (course.external_id.clone(), stored_course(course, &orgs, &year_ext)),
            None => (
                format!("emis-course-h{}-{}-{}", class.school_id, class.school_year_id, class.grade_level),
                vec![
                    ("schoolYearSourcedId", year_ext(class.school_year_id)),
                    ("title", format!("Sinh hoạt lớp {}", class.grade_level)),
                    ("grades", grade(class.grade_level)),
                    ("orgSourcedId", org_ext(class.school_id)),
                ],
            ),
        };
        if let Some(subject) = class.course_id.and_then(|id| courses.get(&id)).and_then(|c| c.subject_id) {
            cells.extend(subject_cells(subjects.get(&subject)));
        }
        course_rows.entry(id.clone()).or_insert(cells);
        course_of_class.insert(class.id, id);
    }
    for row in &sections {
        let level = class_by_id.get(&row.class_id).map_or(0, |class| class.grade_level);
        let subject = subjects.get(&row.subject_id);
        let (id, mut cells) = match row.course_id.and_then(|id| courses.get(&id)) {
            Some(course) => (course.external_id.clone(), stored_course(course, &orgs, &year_ext)),
            None => (
                format!("emis-course-s{}-{}-{}-{}", row.school_id, row.school_year_id, row.subject_id, level),
                vec![
                    ("schoolYearSourcedId", year_ext(row.school_year_id)),
                    ("title", format!("{} {level}", subject.map_or("", |s| s.name.as_str()))),
                    ("grades", grade(level)),
                    ("orgSourcedId", org_ext(row.school_id)),
                ],
            ),
        };
        cells.extend(subject_cells(subject));
        course_rows.entry(id.clone()).or_insert(cells);
        course_of_section.insert(row.id, id);
    }
    let mut writer = out.file(FileKind::Courses)?;
    for (id, cells) in course_rows {
        let mut cells = cells;
        cells.push(("sourcedId", id));
        writer.write(&cells)?;
    }
    out.done(FileKind::Courses, writer)?;
    let mut writer = out.file(FileKind::Classes)?;
    for class in &classes {
        writer.write(&[
            ("sourcedId", class.external_id.clone()),
            ("title", class.name.clone()),
            ("grades", grade(class.grade_level)),
            ("courseSourcedId", course_of_class[&class.id].clone()),
            ("classType", "homeroom".to_owned()),
            ("schoolSourcedId", org_ext(class.school_id)),
            ("termSourcedIds", year_ext(class.school_year_id)),
        ])?;
    }
    for row in &sections {
        let class = class_by_id.get(&row.class_id);
        let subject = subjects.get(&row.subject_id);
        writer.write(&[
            ("sourcedId", row.external_id.clone()),
            ("title", format!("{} {}", subject.map_or("", |s| s.name.as_str()), class.map_or("", |c| c.name.as_str()))),
            ("grades", class.map(|c| grade(c.grade_level)).unwrap_or_default()),
            ("courseSourcedId", course_of_section[&row.id].clone()),
            ("classType", "scheduled".to_owned()),
            ("schoolSourcedId", org_ext(row.school_id)),
            ("termSourcedIds", year_terms(row.school_year_id)),
            ("subjects", subject.map(|s| s.name.clone()).unwrap_or_default()),
            ("subjectCodes", subject.map(|s| s.code.clone()).unwrap_or_default()),
            ("metadata.vn.homeroomClassSourcedId", class.map(|c| c.external_id.clone()).unwrap_or_default()),
            ("metadata.vn.periodsPerYear", row.periods_per_year.to_string()),
        ])?;
    }
    out.done(FileKind::Classes, writer)?;

    people(db, vault, &mut out, options, school, &orgs, &class_by_id).await?;
    enrollments(db, &mut out, school, &class_by_id, &sections, &orgs).await?;
    books(db, &mut out, school, &sections, &semesters, &class_by_id, &org_ext).await?;

    let mut manifest = Manifest::default();
    for kind in FileKind::ALL {
        let mode = if out.report.contains_key(&kind) { Mode::Bulk } else { Mode::Absent };
        manifest.modes.insert(kind, mode);
    }
    manifest.source_system_name = Some("EMIS".to_owned());
    manifest.source_system_code = Some("emis".to_owned());
    manifest.write(BufWriter::new(File::create(dir.join("manifest.csv"))?))?;

    let summary = out.report.iter().map(|(kind, rows)| format!("{}={rows}", kind.file_name())).collect::<Vec<_>>();
    let log = exchange_log::ActiveModel {
        at: Set(Utc::now()),
        direction: Set("export".to_owned()),
        actor: Set(options.actor.clone()),
        scope: Set(options.school.clone().unwrap_or_else(|| "all".to_owned())),
        sensitive: Set(options.sensitive),
        summary: Set(summary.join(" ")),
        ..Default::default()
    };
    exchange_log::Entity::insert(log).exec(db).await.context("logging the export")?;
    Ok(out.report)
}

/// The next page of at most [`PAGE`] rows after id `last` (of `school`, if given), in id
/// order; `None` after the last page. Moves `last` on.
async fn page<E: sea_orm::EntityTrait>(
    db: &DatabaseConnection,
    (id, school_id): (E::Column, E::Column),
    school: Option<i64>,
    last: &mut i64,
    id_of: impl Fn(&E::Model) -> i64,
) -> anyhow::Result<Option<Vec<E::Model>>> {
    let mut select = E::find().filter(id.gt(*last));
    if let Some(school) = school {
        select = select.filter(school_id.eq(school));
    }
    let rows = select.order_by_asc(id).limit(PAGE).all(db).await?;
    Ok(rows.last().map(&id_of).map(|end| {
        *last = end;
        rows
    }))
}

/// A semester's number in Roman numerals, as Vietnamese school books write it.
fn roman(number: i16) -> String {
    match number {
        1 => "I".to_owned(),
        2 => "II".to_owned(),
        3 => "III".to_owned(),
        other => other.to_string(),
    }
}

/// The cells of a course EMIS keeps.
fn stored_course(
    course: &course::Model,
    orgs: &HashMap<i64, org::Model>,
    year_ext: &dyn Fn(i64) -> String,
) -> Vec<(&'static str, String)> {
    vec![
        ("schoolYearSourcedId", course.school_year_id.map(year_ext).unwrap_or_default()),
        ("title", course.title.clone()),
        ("courseCode", course.code.clone().unwrap_or_default()),
        ("grades", course.grade_level.map(grade).unwrap_or_default()),
        ("orgSourcedId", orgs.get(&course.org_id).map(|row| row.external_id.clone()).unwrap_or_default()),
    ]
}

/// Opens a sealed value when the export carries sensitive values.
fn reveal(vault: &Vault, sensitive: bool, table: &str, column: &str, row_id: i64, sealed: Option<&[u8]>) -> String {
    match (sensitive, sealed) {
        (true, Some(sealed)) => vault.open_field(table, column, row_id, sealed).unwrap_or_default(),
        _ => String::new(),
    }
}

/// A person's names as OneRoster splits them: the first word of the family part, the rest of
/// it as middle name, and the given name.
fn name_cells(family: &str, given: &str) -> Vec<(&'static str, String)> {
    let (last, middle) = family.split_once(' ').unwrap_or((family, ""));
    vec![("familyName", last.to_owned()), ("middleName", middle.to_owned()), ("givenName", given.to_owned())]
}

async fn people(
    db: &DatabaseConnection,
    vault: &Vault,
    out: &mut Out<'_>,
    options: &ExportOptions,
    school: Option<i64>,
    orgs: &HashMap<i64, org::Model>,
    classes: &HashMap<i64, &homeroom_class::Model>,
) -> anyhow::Result<()> {
    let today = crate::clock::today();
    let scoped = |column: sea_orm::sea_query::SimpleExpr| match school {
        Some(_) => Condition::all().add(column),
        None => Condition::all(),
    };
    let school_id = school.unwrap_or_default();
    let students = student::Entity::find()
        .filter(scoped(student::Column::SchoolId.eq(school_id)))
        .order_by_asc(student::Column::Id)
        .all(db)
        .await?;
    let student_ids: BTreeSet<i64> = students.iter().map(|row| row.id).collect();
    let links: Vec<guardianship::Model> = guardianship::Entity::find()
        .filter(guardianship::Column::EndsOn.is_null())
        .order_by_asc(guardianship::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|link| student_ids.contains(&link.student_id))
        .collect();
    let guardian_ids: BTreeSet<i64> = links.iter().map(|link| link.guardian_id).collect();
    let guardians: Vec<guardian::Model> = guardian::Entity::find()
        .order_by_asc(guardian::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|row| guardian_ids.contains(&row.id))
        .collect();
    let staff_rows = staff::Entity::find()
        .filter(scoped(staff::Column::SchoolId.eq(school_id)))
        .order_by_asc(staff::Column::Id)
        .all(db)
        .await?;
    let staff_ids: BTreeSet<i64> = staff_rows.iter().map(|row| row.id).collect();
    let staff_roles: Vec<staff_role::Model> = staff_role::Entity::find()
        .order_by_asc(staff_role::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|row| staff_ids.contains(&row.staff_id))
        .collect();
    let current_class: HashMap<i64, i64> = enrollment::Entity::find()
        .filter(crate::auth::principal::active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, today))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.student_id, row.class_id))
        .collect();
    if options.sensitive {
        let mut keys = BTreeSet::new();
        let sealed = students
            .iter()
            .flat_map(|row| {
                [&row.identity_no_enc, &row.address_enc, &row.ethnicity_enc, &row.religion_enc, &row.health_enc]
            })
            .chain(
                guardians
                    .iter()
                    .flat_map(|row| [&row.identity_no_enc, &row.address_enc, &row.phone_enc, &row.email_enc]),
            )
            .chain(
                staff_rows
                    .iter()
                    .flat_map(|row| [&row.identity_no_enc, &row.address_enc, &row.phone_enc, &row.email_enc]),
            );
        for value in sealed.flatten() {
            keys.extend(Vault::key_id_of(value));
        }
        let keys: Vec<u64> = keys.into_iter().collect();
        // In chunks: SQLite binds at most 32,766 parameters per statement.
        for chunk in keys.chunks(10_000) {
            vault.preload(db, chunk.iter().copied()).await.context("loading data keys")?;
        }
    }
    let student_ext: HashMap<i64, &str> = students.iter().map(|row| (row.id, row.external_id.as_str())).collect();
    let guardian_ext: HashMap<i64, &str> = guardians.iter().map(|row| (row.id, row.external_id.as_str())).collect();
    let org_ext = |id: i64| orgs.get(&id).map(|row| row.external_id.clone()).unwrap_or_default();
    let sensitive = options.sensitive;

    let mut users = out.file(FileKind::Users)?;
    let mut roles = out.file(FileKind::Roles)?;
    let mut demographics = out.file(FileKind::Demographics)?;
    for row in &students {
        let mut agents: Vec<&str> = links
            .iter()
            .filter(|link| link.student_id == row.id)
            .filter_map(|link| guardian_ext.get(&link.guardian_id).copied())
            .collect();
        agents.sort_unstable();
        let mut cells = name_cells(&row.family_name, &row.given_name);
        cells.extend([
            ("sourcedId", row.external_id.clone()),
            ("enabledUser", (row.status != StudentStatus::DroppedOut.as_str()).to_string()),
            ("agentSourcedIds", list(agents)),
            (
                "grades",
                current_class
                    .get(&row.id)
                    .and_then(|class| classes.get(class))
                    .map(|c| grade(c.grade_level))
                    .unwrap_or_default(),
            ),
            ("primaryOrgSourcedId", org_ext(row.school_id)),
            (
                "metadata.vn.nationalId",
                reveal(vault, sensitive, "student", "identity_no_enc", row.id, row.identity_no_enc.as_deref()),
            ),
            (
                "metadata.vn.address",
                reveal(vault, sensitive, "student", "address_enc", row.id, row.address_enc.as_deref()),
            ),
        ]);
        users.write(&cells)?;
        roles.write(&[
            ("sourcedId", format!("emis-role-{}", row.external_id)),
            ("userSourcedId", row.external_id.clone()),
            ("roleType", "primary".to_owned()),
            ("role", "student".to_owned()),
            ("orgSourcedId", org_ext(row.school_id)),
        ])?;
        write_demographics(
            &mut demographics,
            &row.external_id,
            row.birth_date,
            row.gender.as_deref(),
            &[
                (
                    "metadata.vn.ethnicity",
                    reveal(vault, sensitive, "student", "ethnicity_enc", row.id, row.ethnicity_enc.as_deref()),
                ),
                (
                    "metadata.vn.religion",
                    reveal(vault, sensitive, "student", "religion_enc", row.id, row.religion_enc.as_deref()),
                ),
                (
                    "metadata.vn.health",
                    reveal(vault, sensitive, "student", "health_enc", row.id, row.health_enc.as_deref()),
                ),
            ],
        )?;
    }
    for row in &guardians {
        let own: Vec<&guardianship::Model> = links.iter().filter(|link| link.guardian_id == row.id).collect();
        let mut agents: Vec<&str> = own.iter().filter_map(|link| student_ext.get(&link.student_id).copied()).collect();
        agents.sort_unstable();
        let first = own.iter().min_by_key(|link| (link.starts_on, link.id));
        let school = first.map(|link| org_ext(link.school_id)).unwrap_or_default();
        let relationship = first.map(|link| link.relationship.clone()).unwrap_or_default();
        let mut cells = name_cells(&row.family_name, &row.given_name);
        cells.extend([
            ("sourcedId", row.external_id.clone()),
            ("enabledUser", (row.status == entity::GuardianStatus::Active.as_str()).to_string()),
            ("username", row.username.clone().unwrap_or_default()),
            ("email", reveal(vault, sensitive, "guardian", "email_enc", row.id, row.email_enc.as_deref())),
            ("phone", reveal(vault, sensitive, "guardian", "phone_enc", row.id, row.phone_enc.as_deref())),
            ("agentSourcedIds", list(agents)),
            ("primaryOrgSourcedId", school.clone()),
            (
                "metadata.vn.nationalId",
                reveal(vault, sensitive, "guardian", "identity_no_enc", row.id, row.identity_no_enc.as_deref()),
            ),
            (
                "metadata.vn.address",
                reveal(vault, sensitive, "guardian", "address_enc", row.id, row.address_enc.as_deref()),
            ),
            ("metadata.vn.relationship", relationship.clone()),
        ]);
        users.write(&cells)?;
        let role = if relationship == entity::Relationship::Guardian.as_str() { "guardian" } else { "parent" };
        roles.write(&[
            ("sourcedId", format!("emis-role-{}", row.external_id)),
            ("userSourcedId", row.external_id.clone()),
            ("roleType", "primary".to_owned()),
            ("role", role.to_owned()),
            ("beginDate", first.map(|link| date(link.starts_on)).unwrap_or_default()),
            ("orgSourcedId", school),
        ])?;
        write_demographics(&mut demographics, &row.external_id, row.birth_date, row.gender.as_deref(), &[])?;
    }
    for row in &staff_rows {
        let status = row.status.parse::<StaffStatus>().unwrap_or(StaffStatus::Active);
        let mut cells = name_cells(&row.family_name, &row.given_name);
        cells.extend([
            ("sourcedId", row.external_id.clone()),
            ("enabledUser", matches!(status, StaffStatus::Active | StaffStatus::OnLeave).to_string()),
            ("username", row.username.clone().unwrap_or_default()),
            ("email", reveal(vault, sensitive, "staff", "email_enc", row.id, row.email_enc.as_deref())),
            ("phone", reveal(vault, sensitive, "staff", "phone_enc", row.id, row.phone_enc.as_deref())),
            ("primaryOrgSourcedId", org_ext(row.school_id)),
            (
                "metadata.vn.nationalId",
                reveal(vault, sensitive, "staff", "identity_no_enc", row.id, row.identity_no_enc.as_deref()),
            ),
            (
                "metadata.vn.address",
                reveal(vault, sensitive, "staff", "address_enc", row.id, row.address_enc.as_deref()),
            ),
            ("metadata.vn.employmentStatus", status.as_str().to_owned()),
        ]);
        users.write(&cells)?;
        let own: Vec<&staff_role::Model> = staff_roles.iter().filter(|role| role.staff_id == row.id).collect();
        let primary_taken = own.iter().any(|role| role.org_id == row.school_id);
        if !primary_taken {
            roles.write(&[
                ("sourcedId", format!("emis-role-{}", row.external_id)),
                ("userSourcedId", row.external_id.clone()),
                ("roleType", "primary".to_owned()),
                ("role", "teacher".to_owned()),
                ("orgSourcedId", org_ext(row.school_id)),
            ])?;
        }
        let mut primary_written = !primary_taken;
        for role in own {
            let kind = role.role.parse::<RoleKind>().ok();
            let name = match kind {
                Some(RoleKind::Principal) => "principal",
                Some(RoleKind::DistrictOfficer) => "districtAdministrator",
                Some(RoleKind::Operator) => "systemAdministrator",
                _ => "siteAdministrator",
            };
            let primary = !primary_written && role.org_id == row.school_id;
            primary_written |= primary;
            roles.write(&[
                ("sourcedId", ext("staff_role", role.id, role.external_id.as_deref())),
                ("userSourcedId", row.external_id.clone()),
                ("roleType", if primary { "primary" } else { "secondary" }.to_owned()),
                ("role", name.to_owned()),
                ("beginDate", date(role.starts_on)),
                ("endDate", role.ends_on.map(date).unwrap_or_default()),
                ("orgSourcedId", org_ext(role.org_id)),
                ("metadata.vn.role", role.role.clone()),
            ])?;
        }
        write_demographics(&mut demographics, &row.external_id, row.birth_date, row.gender.as_deref(), &[])?;
    }
    out.done(FileKind::Users, users)?;
    out.done(FileKind::Roles, roles)?;
    out.done(FileKind::Demographics, demographics)
}

/// A demographics row, when the person has anything to put in it.
fn write_demographics(
    writer: &mut FileWriter<BufWriter<File>>,
    external_id: &str,
    birth_date: Option<NaiveDate>,
    gender: Option<&str>,
    sealed: &[(&str, String)],
) -> anyhow::Result<()> {
    if birth_date.is_none() && gender.is_none() && sealed.iter().all(|(_, value)| value.is_empty()) {
        return Ok(());
    }
    let mut cells = vec![
        ("sourcedId", external_id.to_owned()),
        ("birthDate", birth_date.map(date).unwrap_or_default()),
        ("sex", gender.unwrap_or_default().to_owned()),
    ];
    cells.extend(sealed.iter().cloned());
    writer.write(&cells)?;
    Ok(())
}

async fn enrollments(
    db: &DatabaseConnection,
    out: &mut Out<'_>,
    school: Option<i64>,
    classes: &HashMap<i64, &homeroom_class::Model>,
    sections: &[section::Model],
    orgs: &HashMap<i64, org::Model>,
) -> anyhow::Result<()> {
    let in_scope = |school_id: i64| school.is_none_or(|only| only == school_id);
    let students: HashMap<i64, String> = student::Entity::find()
        .select_only()
        .columns([student::Column::Id, student::Column::ExternalId])
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let staff: HashMap<i64, String> = staff::Entity::find()
        .select_only()
        .columns([staff::Column::Id, staff::Column::ExternalId])
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let section_by_id: HashMap<i64, &section::Model> = sections.iter().map(|row| (row.id, row)).collect();
    let org_ext = |id: i64| orgs.get(&id).map(|row| row.external_id.clone()).unwrap_or_default();
    let mut writer = out.file(FileKind::Enrollments)?;
    let mut sections_of: HashMap<i64, Vec<&section::Model>> = HashMap::new();
    for row in sections {
        sections_of.entry(row.class_id).or_default().push(row);
    }
    for row in enrollment::Entity::find().order_by_asc(enrollment::Column::Id).all(db).await? {
        let (Some(class), Some(user)) = (classes.get(&row.class_id), students.get(&row.student_id)) else { continue };
        if !in_scope(row.school_id) {
            continue;
        }
        let id = ext("enrollment", row.id, row.external_id.as_deref());
        let mut cells = vec![
            ("sourcedId", id.clone()),
            ("classSourcedId", class.external_id.clone()),
            ("schoolSourcedId", org_ext(row.school_id)),
            ("userSourcedId", user.clone()),
            ("role", "student".to_owned()),
            ("beginDate", date(row.starts_on)),
            ("endDate", row.ends_on.map(date).unwrap_or_default()),
        ];
        writer.write(&cells)?;
        // Systems that roster by scheduled class (a vendor's course page) need the students
        // of each; in EMIS they follow from the homeroom class, and an import skips them.
        for section in sections_of.get(&row.class_id).map(Vec::as_slice).unwrap_or_default() {
            cells[0].1 = format!("{id}@{}", section.external_id);
            cells[1].1.clone_from(&section.external_id);
            writer.write(&cells)?;
        }
    }
    for row in teaching_assignment::Entity::find().order_by_asc(teaching_assignment::Column::Id).all(db).await? {
        if !in_scope(row.school_id) {
            continue;
        }
        let class = match (
            row.class_id.and_then(|id| classes.get(&id)),
            row.section_id.and_then(|id| section_by_id.get(&id)),
        ) {
            (Some(class), _) => class.external_id.clone(),
            (None, Some(section)) => section.external_id.clone(),
            (None, None) => continue,
        };
        let Some(user) = staff.get(&row.staff_id) else { continue };
        writer.write(&[
            ("sourcedId", ext("teaching_assignment", row.id, row.external_id.as_deref())),
            ("classSourcedId", class),
            ("schoolSourcedId", org_ext(row.school_id)),
            ("userSourcedId", user.clone()),
            ("role", "teacher".to_owned()),
            ("beginDate", date(row.starts_on)),
            ("endDate", row.ends_on.map(date).unwrap_or_default()),
        ])?;
    }
    out.done(FileKind::Enrollments, writer)
}

async fn books(
    db: &DatabaseConnection,
    out: &mut Out<'_>,
    school: Option<i64>,
    sections: &[section::Model],
    semesters: &[semester::Model],
    classes: &HashMap<i64, &homeroom_class::Model>,
    org_ext: &dyn Fn(i64) -> String,
) -> anyhow::Result<()> {
    let section_by_id: HashMap<i64, &section::Model> = sections.iter().map(|row| (row.id, row)).collect();
    let semester_ext: HashMap<i64, String> =
        semesters.iter().map(|row| (row.id, ext("semester", row.id, row.external_id.as_deref()))).collect();
    let subjects: HashMap<i64, subject::Model> =
        subject::Entity::find().all(db).await?.into_iter().map(|row| (row.id, row)).collect();
    let stored_categories: HashMap<i64, assessment_category::Model> =
        assessment_category::Entity::find().all(db).await?.into_iter().map(|row| (row.id, row)).collect();
    let columns: Vec<assessment::Model> = assessment::Entity::find()
        .order_by_asc(assessment::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|row| section_by_id.contains_key(&row.section_id))
        .collect();
    // Categories: the stored ones columns name, and one per kind for the others.
    let mut categories: BTreeMap<String, Vec<(&str, String)>> = stored_categories
        .values()
        .map(|category| {
            let cells = vec![
                ("title", category.title.clone()),
                ("weight", category.weight.map(|w| format!("{w}")).unwrap_or_default()),
                ("metadata.vn.assessmentKind", category.kind.clone()),
            ];
            (category.external_id.clone(), cells)
        })
        .collect();
    let mut category_of: HashMap<i64, String> = HashMap::new();
    for column in &columns {
        let id = match column.category_id.and_then(|id| stored_categories.get(&id)) {
            Some(category) => category.external_id.clone(),
            None => {
                let (title, weight) = match column.kind.parse::<AssessmentKind>() {
                    Ok(AssessmentKind::Midterm) => ("Đánh giá giữa kỳ", "2"),
                    Ok(AssessmentKind::Final) => ("Đánh giá cuối kỳ", "3"),
                    Ok(AssessmentKind::Retest) => ("Kiểm tra lại", "0"),
                    _ => ("Đánh giá thường xuyên", "1"),
                };
                let id = format!("emis-category-{}", column.kind);
                categories.entry(id.clone()).or_insert_with(|| {
                    vec![
                        ("title", title.to_owned()),
                        ("weight", weight.to_owned()),
                        ("metadata.vn.assessmentKind", column.kind.clone()),
                    ]
                });
                id
            }
        };
        category_of.insert(column.id, id);
    }
    let mut writer = out.file(FileKind::Categories)?;
    for (id, mut cells) in categories {
        cells.push(("sourcedId", id));
        writer.write(&cells)?;
    }
    out.done(FileKind::Categories, writer)?;

    let mut writer = out.file(FileKind::LineItems)?;
    let mut column_ext: HashMap<i64, String> = HashMap::new();
    let mut comment_only: BTreeSet<i64> = BTreeSet::new();
    for column in &columns {
        let section = section_by_id[&column.section_id];
        let subject = subjects.get(&section.subject_id);
        let scored = subject.is_none_or(|s| s.assessment != entity::AssessmentMode::Comment.as_str());
        if !scored {
            comment_only.insert(column.id);
        }
        let id = ext("assessment", column.id, column.external_id.as_deref());
        let class = classes.get(&section.class_id).map_or("", |c| c.name.as_str());
        writer.write(&[
            ("sourcedId", id.clone()),
            (
                "title",
                column.title.clone().unwrap_or_else(|| {
                    format!("{} {class} — {} {}", subject.map_or("", |s| s.name.as_str()), column.kind, column.sequence)
                }),
            ),
            ("classSourcedId", section.external_id.clone()),
            ("categorySourcedId", category_of[&column.id].clone()),
            ("academicSessionSourcedId", semester_ext.get(&column.semester_id).cloned().unwrap_or_default()),
            ("schoolSourcedId", org_ext(section.school_id)),
            ("resultValueMin", if scored { "0" } else { "" }.to_owned()),
            ("resultValueMax", if scored { "10" } else { "" }.to_owned()),
            ("metadata.vn.sequence", column.sequence.to_string()),
        ])?;
        column_ext.insert(column.id, id);
    }
    out.done(FileKind::LineItems, writer)?;

    let students: HashMap<i64, String> = student::Entity::find()
        .select_only()
        .columns([student::Column::Id, student::Column::ExternalId])
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut writer = out.file(FileKind::Results)?;
    let mut last = 0_i64;
    while let Some(rows) =
        page::<result::Entity>(db, (result::Column::Id, result::Column::SchoolId), school, &mut last, |row| row.id)
            .await?
    {
        for row in rows {
            let (Some(column), Some(student)) = (column_ext.get(&row.assessment_id), students.get(&row.student_id))
            else {
                continue;
            };
            let text_score = match row.passed {
                Some(true) if comment_only.contains(&row.assessment_id) => "Đạt",
                Some(false) if comment_only.contains(&row.assessment_id) => "Chưa đạt",
                _ => "",
            };
            writer.write(&[
                ("sourcedId", ext("result", row.id, row.external_id.as_deref())),
                ("lineItemSourcedId", column.clone()),
                ("studentSourcedId", student.clone()),
                ("scoreStatus", "fully graded".to_owned()),
                ("score", row.score_tenths.map(score).unwrap_or_default()),
                ("scoreDate", date(row.updated_at.date_naive())),
                ("comment", row.comment.clone().unwrap_or_default()),
                ("textScore", text_score.to_owned()),
                (
                    "classSourcedId",
                    section_by_id.get(&row.section_id).map(|s| s.external_id.clone()).unwrap_or_default(),
                ),
            ])?;
        }
    }
    out.done(FileKind::Results, writer)?;

    let mut writer = out.file(FileKind::Attendance)?;
    let mut last = 0_i64;
    while let Some(rows) = page::<attendance::Entity>(
        db,
        (attendance::Column::Id, attendance::Column::SchoolId),
        school,
        &mut last,
        |row| row.id,
    )
    .await?
    {
        for row in rows {
            let (Some(class), Some(student)) = (classes.get(&row.class_id), students.get(&row.student_id)) else {
                continue;
            };
            writer.write(&[
                ("sourcedId", ext("attendance", row.id, row.external_id.as_deref())),
                ("classSourcedId", class.external_id.clone()),
                ("studentSourcedId", student.clone()),
                ("date", date(row.date)),
                ("session", row.session.clone()),
                ("attendanceStatus", row.status.clone()),
                ("note", row.note.clone().unwrap_or_default()),
                ("metadata.vn.period", row.period.map(|p| p.to_string()).unwrap_or_default()),
            ])?;
        }
    }
    out.done(FileKind::Attendance, writer)
}
