//! The classes of a generated school: each homeroom class with its course, homeroom teacher
//! and students (their guardians, demographics and enrollments, some in scheduled classes
//! under ids of their own), its scheduled classes with their courses and teachers, and their
//! books: line items per semester and the students' results.

use super::build::{Build, date, flag, score};
use super::spec::{ClassSpec, GuardianSpec, PersonSpec, ScheduledSpec, Spec, StudentSpec, Unscored};
use super::words::{self, SUBJECTS};
use chrono::{Days, NaiveDate};
use emis_oneroster::FileKind;
use std::collections::BTreeMap;

/// A school's courses by grade and subject (none: the homeroom course).
pub(super) type Courses = BTreeMap<(i16, Option<usize>), String>;

/// A guardian of a school: id, person, relationship, role's begin date, children.
pub(super) type Guardian = (String, PersonSpec, usize, String, Vec<String>);

/// The guardians of a school, and which one the last student with a guardian has first (a
/// sibling of the next student, in their class or another).
#[derive(Default)]
pub(super) struct Guardians {
    pub list: Vec<Guardian>,
    pub last: Option<usize>,
}

/// The package's subjects a class is taught: indices into `SUBJECTS`.
pub(super) fn subjects_of(spec: &Spec, class: &ClassSpec) -> Vec<usize> {
    let taught: Vec<usize> =
        spec.subjects.iter().enumerate().filter(|(bit, _)| class.subjects & (1 << bit) != 0).map(|(_, s)| *s).collect();
    if taught.is_empty() { vec![spec.subjects[0]] } else { taught }
}

/// The periods per year a scheduled class may have.
const PERIODS: [u16; 4] = [35, 70, 105, 140];

/// A homeroom class being built: its id, title, school and scheduled classes (id, subject).
struct Class<'c> {
    id: String,
    title: String,
    school: &'c str,
    spec: &'c ClassSpec,
    sections: Vec<(String, usize)>,
}

impl Build<'_> {
    pub(super) fn class(
        &mut self,
        school: &str,
        number: usize,
        spec: &ClassSpec,
        teachers: &[String],
        courses: &mut Courses,
        guardians: &mut Guardians,
    ) {
        let course = self.course(school, spec.grade, None, courses);
        let mut class =
            Class { id: self.id(), title: format!("{}A{}", spec.grade, number + 1), school, spec, sections: vec![] };
        let homeroom = vec![
            ("sourcedId", class.id.clone()),
            ("title", class.title.clone()),
            ("grades", format!("{:02}", spec.grade)),
            ("courseSourcedId", course),
            ("classCode", format!("L{}", class.title)),
            ("classType", "homeroom".to_owned()),
            ("location", format!("Phòng {}", number + 11)),
            ("schoolSourcedId", school.to_owned()),
            ("termSourcedIds", self.year.clone()),
            ("periods", "1".to_owned()),
        ];
        self.add(FileKind::Classes, homeroom);
        let teacher = teachers[spec.homeroom_teacher % teachers.len()].clone();
        self.teaches(&class, &class.id.clone(), &teacher);
        for (position, subject) in subjects_of(self.spec, spec).into_iter().enumerate() {
            let course = self.course(school, spec.grade, Some(subject), courses);
            let section = self.id();
            let row = vec![
                ("sourcedId", section.clone()),
                ("title", format!("Lớp {} — {}", SUBJECTS[subject].code, class.title)),
                ("grades", format!("{:02}", spec.grade)),
                ("courseSourcedId", course),
                ("classCode", format!("{}-{}", class.title, position + 1)),
                ("classType", "scheduled".to_owned()),
                ("location", "Phòng bộ môn".to_owned()),
                ("schoolSourcedId", school.to_owned()),
                ("termSourcedIds", self.semesters.join(",")),
                ("subjects", SUBJECTS[subject].name.to_owned()),
                ("subjectCodes", SUBJECTS[subject].code.to_owned()),
                ("periods", "1,2".to_owned()),
                ("metadata.vn.homeroomClassSourcedId", class.id.clone()),
                ("metadata.vn.periodsPerYear", PERIODS[spec.periods].to_string()),
            ];
            self.add(FileKind::Classes, row);
            let teacher = teachers[spec.section_teachers[position] % teachers.len()].clone();
            self.teaches(&class, &section, &teacher);
            class.sections.push((section, subject));
        }
        let students: Vec<String> =
            spec.students.iter().map(|student| self.student(&class, student, guardians)).collect();
        self.books(&class, &students);
    }

    /// The course of a school's grade and subject, written the first time it is needed.
    fn course(&mut self, school: &str, grade: i16, subject: Option<usize>, courses: &mut Courses) -> String {
        if let Some(id) = courses.get(&(grade, subject)) {
            return id.clone();
        }
        let id = self.id();
        let mut cells = vec![
            ("sourcedId", id.clone()),
            ("schoolYearSourcedId", self.year.clone()),
            ("grades", format!("{grade:02}")),
            ("orgSourcedId", school.to_owned()),
        ];
        match subject.map(|subject| &SUBJECTS[subject]) {
            None => cells.extend([("title", format!("Sinh hoạt lớp {grade}")), ("courseCode", format!("SHL{grade}"))]),
            Some(subject) => cells.extend([
                ("title", format!("{} {grade}", subject.name)),
                ("courseCode", format!("{}{grade}", subject.code.to_uppercase().replace('_', ""))),
                ("subjects", subject.name.to_owned()),
                ("subjectCodes", subject.code.to_owned()),
                ("metadata.vn.assessment", if subject.scored { "scored" } else { "comment" }.to_owned()),
                ("metadata.vn.sortOrder", subject.sort_order.to_string()),
            ]),
        }
        self.add(FileKind::Courses, cells);
        courses.insert((grade, subject), id.clone());
        id
    }

    /// An enrollment of `user` as `role` in class `class_id` of `class`'s school.
    fn enroll(
        &mut self,
        class: &Class<'_>,
        (class_id, user, role): (&str, &str, &str),
        primary: Option<bool>,
        dates: [String; 2],
    ) {
        let [begin, end] = dates;
        let row = vec![
            ("sourcedId", self.id()),
            ("classSourcedId", class_id.to_owned()),
            ("schoolSourcedId", class.school.to_owned()),
            ("userSourcedId", user.to_owned()),
            ("role", role.to_owned()),
            ("primary", flag(primary)),
            ("beginDate", begin),
            ("endDate", end),
        ];
        self.add(FileKind::Enrollments, row);
    }

    fn teaches(&mut self, class: &Class<'_>, class_id: &str, teacher: &str) {
        let begin = u64::from(class.spec.teacher_begin);
        let end = class.spec.teacher_end.map(|end| self.day(begin + 30 + u64::from(end))).unwrap_or_default();
        self.enroll(class, (class_id, teacher, "teacher"), class.spec.teacher_primary, [self.day(begin), end]);
    }

    /// A student of `class`: user, role, demographics, guardian and enrollments; their id.
    fn student(&mut self, class: &Class<'_>, spec: &StudentSpec, guardians: &mut Guardians) -> String {
        let id = self.id();
        let mut own = Vec::new();
        for guardian in &spec.guardians {
            let index = match guardian {
                GuardianSpec::Own { person, relationship } => {
                    let begin = self.day(u64::from(person.begin));
                    guardians.list.push((self.id(), person.clone(), *relationship, begin, Vec::new()));
                    guardians.list.len() - 1
                }
                GuardianSpec::Sibling => match guardians.last {
                    Some(index) if !own.contains(&index) => index,
                    _ => continue,
                },
            };
            guardians.list[index].4.push(id.clone());
            own.push(index);
        }
        guardians.last = own.first().copied().or(guardians.last);
        let mut agents: Vec<&str> = own.iter().map(|index| guardians.list[*index].0.as_str()).collect();
        agents.sort_unstable();
        let more = vec![
            ("enabledUser", (spec.person.status == 0).to_string()),
            ("agentSourcedIds", agents.join(",")),
            ("grades", format!("{:02}", class.spec.grade)),
            (
                "metadata.vn.nationalId",
                spec.national_id.map(|n| format!("079{:09}", n % 1_000_000_000)).unwrap_or_default(),
            ),
            ("metadata.vn.address", spec.address.map(|a| words::ADDRESSES[a].to_owned()).unwrap_or_default()),
        ];
        let role = ("student", class.school.to_owned(), self.day(0));
        self.person(&id, &spec.person, role, more);
        let background = [
            ("metadata.vn.ethnicity", spec.ethnicity.map(|i| words::ETHNICITIES[i])),
            ("metadata.vn.religion", spec.religion.map(|i| words::RELIGIONS[i])),
            ("metadata.vn.health", spec.health.map(|i| words::HEALTH[i])),
        ];
        if spec.birth.is_some() || spec.male.is_some() || background.iter().any(|(_, value)| value.is_some()) {
            let born = NaiveDate::from_ymd_opt(self.spec.year - 12, 1, 1).unwrap();
            let mut cells = vec![
                ("sourcedId", id.clone()),
                ("birthDate", spec.birth.map(|days| date(born + Days::new(u64::from(days)))).unwrap_or_default()),
                ("sex", spec.male.map(|male| if male { "male" } else { "female" }).unwrap_or_default().to_owned()),
                ("countryOfBirthCode", "VN".to_owned()),
                ("cityOfBirth", "Buôn Ma Thuột".to_owned()),
                ("hispanicOrLatinoEthnicity", "false".to_owned()),
            ];
            cells.extend(background.map(|(column, value)| (column, value.unwrap_or_default().to_owned())));
            self.add(FileKind::Demographics, cells);
        }
        let begin = u64::from(spec.begin);
        self.enroll(class, (&class.id, &id, "student"), spec.primary, [self.day(begin), String::new()]);
        for ((section, _), own) in class.sections.iter().zip(&spec.scheduled) {
            if let Some(ScheduledSpec { primary, begin: after, end }) = own {
                let starts = begin + after.map_or(0, u64::from);
                let dates = [
                    after.map(|_| self.day(starts)).unwrap_or_default(),
                    end.map(|end| self.day(starts + 30 + u64::from(end))).unwrap_or_default(),
                ];
                self.enroll(class, (section, &id, "student"), *primary, dates);
            }
        }
        id
    }

    /// The line items of `class`'s scheduled classes — per semester its regular columns, a
    /// midterm and a final — and the results of `students` in them.
    fn books(&mut self, class: &Class<'_>, students: &[String]) {
        let mut item = 0;
        for (section, subject) in &class.sections {
            let subject = &SUBJECTS[*subject];
            for (semester, regular) in class.spec.regular.iter().enumerate() {
                let columns = (1..=*regular).map(|n| (0, n)).chain([(1, 0), (2, 0)]);
                for (kind, sequence) in columns {
                    let id = self.id();
                    let name = ["ĐĐGtx", "ĐĐGgk", "ĐĐGck"][kind];
                    let day = self.day(20 + 140 * semester as u64 + 10 * u64::from(sequence) + 30 * kind as u64);
                    let bound = |value: &str| if subject.scored { value.to_owned() } else { String::new() };
                    let row = vec![
                        ("sourcedId", id.clone()),
                        ("title", format!("{} {} — {name} {}", subject.name, class.title, sequence.max(1))),
                        ("description", format!("Bài {name}")),
                        ("assignDate", day.clone()),
                        ("dueDate", day.clone()),
                        ("classSourcedId", section.clone()),
                        ("categorySourcedId", self.categories[kind].clone()),
                        ("academicSessionSourcedId", self.semesters[semester].clone()),
                        ("resultValueMin", bound("0")),
                        ("resultValueMax", bound("10")),
                        ("schoolSourcedId", class.school.to_owned()),
                        ("metadata.vn.sequence", if kind == 0 { sequence.to_string() } else { String::new() }),
                    ];
                    self.add(FileKind::LineItems, row);
                    for (student, spec) in students.iter().zip(&class.spec.students) {
                        let result = &spec.results[item % spec.results.len()];
                        if !result.given {
                            continue;
                        }
                        let text = if result.passed { "Đạt" } else { "Chưa đạt" };
                        let graded = result.status == Unscored::Graded;
                        let (status, missing, no_make_up) = match result.status {
                            Unscored::Graded => ("fully graded", "", ""),
                            Unscored::MakeUpOwed => ("not submitted", "true", ""),
                            Unscored::NoMakeUp => ("not submitted", "true", "true"),
                            Unscored::Exempt => ("exempt", "", ""),
                        };
                        let value = |scored: bool, value: String| if graded && scored { value } else { String::new() };
                        let row = vec![
                            ("sourcedId", self.id()),
                            ("lineItemSourcedId", id.clone()),
                            ("studentSourcedId", student.clone()),
                            ("scoreStatus", status.to_owned()),
                            ("score", value(subject.scored, score(result.tenths))),
                            ("scoreDate", day.clone()),
                            ("comment", result.comment.map(|i| words::COMMENTS[i].to_owned()).unwrap_or_default()),
                            ("textScore", value(!subject.scored, text.to_owned())),
                            ("classSourcedId", section.clone()),
                            ("missing", missing.to_owned()),
                            ("metadata.vn.noMakeUp", no_make_up.to_owned()),
                        ];
                        self.add(FileKind::Results, row);
                    }
                    item += 1;
                }
            }
        }
    }
}
