//! A [`Spec`] made into a OneRoster 1.2 CSV package, valid by construction: one department,
//! its lower secondary schools (Circular 22), a school year with two semesters, courses,
//! homeroom and scheduled classes, students with their guardians, teachers and a principal,
//! enrollments, categories, line items and results. Values EMIS writes in a form of its own
//! are generated in that form; columns EMIS does not keep get values too (`compare.rs` lists
//! them), so the package shows they are read and let go.

use super::classes::Guardians;
use super::compare::NOT_KEPT;
use super::spec::{PersonSpec, SchoolSpec, Spec};
use super::words;
use chrono::{Days, NaiveDate};
use emis_oneroster::FileKind;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// A row: its cells by column; a column left out is empty.
pub type Row = BTreeMap<&'static str, String>;

/// The files of a package.
pub struct Package {
    pub files: BTreeMap<FileKind, Vec<Row>>,
}

impl Package {
    pub fn of(spec: &Spec) -> Package {
        let mut build = Build::new(spec);
        build.structure();
        for school in &spec.schools {
            build.school(school);
        }
        // Every column EMIS does not keep gets a value, in every row.
        for (kind, rows) in &mut build.files {
            let not_kept = NOT_KEPT.iter().filter(|entry| entry.file == kind.file_name() && entry.rows.is_empty());
            for entry in not_kept {
                for row in rows.iter_mut() {
                    // `sms` is the phone when `phone` is empty, so it repeats the phone here.
                    let value = match entry.column {
                        "sms" => row.get("phone").cloned().unwrap_or_default(),
                        column => filler(column).to_owned(),
                    };
                    let cell = row.entry(entry.column).or_default();
                    if cell.is_empty() {
                        *cell = value;
                    }
                }
            }
        }
        Package { files: build.files }
    }

    /// Writes the package, `manifest.csv` included, into `dir`.
    pub fn write(&self, dir: &Path) {
        let mut manifest = String::from("propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n");
        for (kind, rows) in &self.files {
            manifest.push_str(&format!("{},bulk\n", kind.manifest_property()));
            let mut writer = csv::Writer::from_path(dir.join(kind.file_name())).unwrap();
            writer.write_record(kind.columns().iter().map(|column| column.name)).unwrap();
            for row in rows {
                writer.write_record(kind.columns().iter().map(|c| row.get(c.name).map_or("", String::as_str))).unwrap();
            }
            writer.flush().unwrap();
        }
        std::fs::write(dir.join("manifest.csv"), manifest).unwrap();
    }
}

/// A value for a column EMIS does not keep (dates and levels are given where the row is made).
fn filler(column: &str) -> &'static str {
    match column {
        "userIds" => "{sis:hs2023}",
        "password" => "MatKhau@2024",
        "pronouns" => "em",
        "americanIndianOrAlaskaNative"
        | "asian"
        | "blackOrAfricanAmerican"
        | "nativeHawaiianOrOtherPacificIslander"
        | "white"
        | "demographicRaceTwoOrMoreRaces"
        | "hispanicOrLatinoEthnicity"
        | "inProgress"
        | "incomplete"
        | "late"
        | "missing" => "false",
        "stateOfBirthAbbreviation" => "DLK",
        "publicSchoolResidenceStatus" => "01652",
        _ => "Khác",
    }
}

pub(super) fn date(value: NaiveDate) -> String {
    value.format("%Y-%m-%d").to_string()
}

pub(super) fn flag(value: Option<bool>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

/// A score in tenths as EMIS writes it: `8.5`, `9`, `10`.
pub(super) fn score(tenths: u8) -> String {
    if tenths.is_multiple_of(10) { (tenths / 10).to_string() } else { format!("{}.{}", tenths / 10, tenths % 10) }
}

/// The package being built.
pub(super) struct Build<'s> {
    pub spec: &'s Spec,
    pub files: BTreeMap<FileKind, Vec<Row>>,
    used: HashSet<String>,
    counter: u64,
    /// The day the school year starts.
    pub start: NaiveDate,
    department: String,
    pub year: String,
    pub semesters: [String; 2],
    /// Categories of regular, midterm and final columns.
    pub categories: [String; 3],
}

impl<'s> Build<'s> {
    fn new(spec: &'s Spec) -> Build<'s> {
        let start = NaiveDate::from_ymd_opt(spec.year, 9, 5).unwrap();
        let mut build = Build {
            spec,
            files: BTreeMap::new(),
            used: HashSet::new(),
            counter: 0,
            start,
            department: String::new(),
            year: String::new(),
            semesters: Default::default(),
            categories: Default::default(),
        };
        build.department = build.id();
        build.year = build.id();
        build.semesters = [build.id(), build.id()];
        build.categories = [build.id(), build.id(), build.id()];
        build
    }

    /// A fresh random `sourcedId`: six lowercase letters and digits drawn from the salt.
    pub fn id(&mut self) -> String {
        loop {
            self.counter += 1;
            let mut x = (u64::from(self.spec.salt) << 20) ^ self.counter.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            x = (x ^ (x >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            let id: String =
                (0..6).map(|i| char::from_digit(u32::try_from((x >> (i * 6)) % 36).unwrap(), 36).unwrap()).collect();
            if self.used.insert(id.clone()) {
                return id;
            }
        }
    }

    pub fn add(&mut self, kind: FileKind, cells: Vec<(&'static str, String)>) {
        self.files.entry(kind).or_default().push(cells.into_iter().collect());
    }

    pub fn day(&self, offset: u64) -> String {
        date(self.start + Days::new(offset))
    }

    /// The department, the school year and its semesters, the categories.
    fn structure(&mut self) {
        let (y, next) = (self.spec.year, self.spec.year + 1);
        let department = vec![
            ("sourcedId", self.department.clone()),
            ("name", "Sở Giáo dục và Đào tạo tỉnh Đắk Lắk".to_owned()),
            ("type", "state".to_owned()),
            ("identifier", (self.spec.salt % 90 + 10).to_string()),
        ];
        self.add(FileKind::Orgs, department);
        let end = format!("{next}-05-31");
        let year = vec![
            ("sourcedId", self.year.clone()),
            ("title", format!("{y}-{next}")),
            ("type", "schoolYear".to_owned()),
            ("startDate", date(self.start)),
            ("endDate", end.clone()),
            ("schoolYear", next.to_string()),
        ];
        self.add(FileKind::AcademicSessions, year);
        let bounds = [(date(self.start), format!("{next}-01-16")), (format!("{next}-01-18"), end)];
        for (number, (id, (starts, ends))) in self.semesters.clone().into_iter().zip(bounds).enumerate() {
            let semester = vec![
                ("sourcedId", id),
                ("title", format!("HK{} ({y}-{next})", number + 1)),
                ("type", "semester".to_owned()),
                ("startDate", starts),
                ("endDate", ends),
                ("parentSourcedId", self.year.clone()),
                ("schoolYear", next.to_string()),
                ("metadata.vn.semester", (number + 1).to_string()),
            ];
            self.add(FileKind::AcademicSessions, semester);
        }
        let kinds = [("Đánh giá thường xuyên", "1", "regular"), ("Giữa kỳ", "2", "midterm"), ("Cuối kỳ", "3", "final")];
        for (id, (title, weight, kind)) in self.categories.clone().into_iter().zip(kinds) {
            let category = vec![
                ("sourcedId", id),
                ("title", title.to_owned()),
                ("weight", weight.to_owned()),
                ("metadata.vn.assessmentKind", kind.to_owned()),
            ];
            self.add(FileKind::Categories, category);
        }
    }

    /// A person's user row (with the cells `more`) and primary role at `org` from `begin`.
    pub fn person(
        &mut self,
        id: &str,
        person: &PersonSpec,
        role: (&str, String, String),
        more: Vec<(&'static str, String)>,
    ) {
        let middle: Vec<&str> = person.middle.iter().map(|i| words::MIDDLE[*i]).collect();
        let mut cells = vec![
            ("sourcedId", id.to_owned()),
            ("givenName", words::GIVEN[person.given].to_owned()),
            ("familyName", words::FAMILY[person.family].to_owned()),
            ("middleName", middle.join(" ")),
            ("identifier", format!("MS-{id}")),
            ("primaryOrgSourcedId", role.1.clone()),
        ];
        cells.extend(more);
        if !cells.iter().any(|(column, _)| *column == "enabledUser") {
            cells.push(("enabledUser", "true".to_owned()));
        }
        self.add(FileKind::Users, cells);
        let (name, org, begin) = role;
        let role_row = vec![
            ("sourcedId", self.id()),
            ("userSourcedId", id.to_owned()),
            ("roleType", "primary".to_owned()),
            ("role", name.to_owned()),
            ("beginDate", begin),
            ("orgSourcedId", org),
            ("metadata.vn.role", if name == "principal" { "principal" } else { "" }.to_owned()),
        ];
        self.add(FileKind::Roles, role_row);
    }

    /// A staff member of `school`: their user row and role.
    fn staff(&mut self, school: &str, person: &PersonSpec, role: &str) -> String {
        let id = self.id();
        let (status, enabled) = words::STAFF_STATUSES[person.status];
        let begin = date(self.start - Days::new(u64::from(person.begin) * 7));
        let more = vec![
            ("enabledUser", enabled.to_string()),
            ("username", if person.username { format!("gv.{id}") } else { String::new() }),
            ("metadata.vn.employmentStatus", status.to_owned()),
        ];
        self.person(&id, person, (role, school.to_owned(), begin), more);
        id
    }

    fn school(&mut self, spec: &SchoolSpec) {
        let id = self.id();
        let school = vec![
            ("sourcedId", id.clone()),
            ("name", format!("Trường THCS {}", words::SCHOOLS[spec.name])),
            ("type", "school".to_owned()),
            ("identifier", format!("66{:06}", (u64::from(self.spec.salt) + self.counter) % 1_000_000)),
            ("parentSourcedId", self.department.clone()),
            ("metadata.vn.schoolLevel", "THCS".to_owned()),
            ("metadata.vn.parentSince", format!("{}-07-01", self.spec.year - 1)),
            ("metadata.vn.level", "THCS".to_owned()),
        ];
        self.add(FileKind::Orgs, school);
        let teachers: Vec<String> = spec.teachers.iter().map(|person| self.staff(&id, person, "teacher")).collect();
        if let Some(principal) = &spec.principal {
            self.staff(&id, principal, "principal");
        }
        let mut courses = BTreeMap::new();
        let mut guardians = Guardians::default();
        for (number, class) in spec.classes.iter().enumerate() {
            self.class(&id, number, class, &teachers, &mut courses, &mut guardians);
        }
        for (guardian, person, relationship, begin, mut children) in guardians.list {
            children.sort_unstable();
            let (relationship, role) = words::RELATIONSHIPS[relationship];
            let more = vec![
                ("enabledUser", (person.status == 0).to_string()),
                ("username", if person.username { format!("ph.{guardian}") } else { String::new() }),
                ("agentSourcedIds", children.join(",")),
                ("metadata.vn.relationship", relationship.to_owned()),
            ];
            self.person(&guardian, &person, (role, id.clone(), begin), more);
        }
    }
}
