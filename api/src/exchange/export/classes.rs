//! `courses.csv` and `classes.csv`: the homeroom classes and sections of the scope, and the
//! courses they follow — stored ones, or courses EMIS derives (`emis-course-h…` for a class's
//! grade, `emis-course-s…` for a section's subject and grade).

use super::out::{Out, grade};
use super::scope::Scope;
use super::structure::Sessions;
use emis_oneroster::FileKind;
use entity::{course, homeroom_class, section, subject};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait as _, Condition, DatabaseConnection, EntityTrait as _, QueryFilter as _, QueryOrder as _};
use std::collections::{BTreeMap, HashMap};

/// Cells of a row, by column.
type Cells = Vec<(&'static str, String)>;

/// The classes and sections of the scope, with the subjects they teach.
pub(super) struct Classes {
    pub subjects: HashMap<i64, subject::Model>,
    /// In id order.
    pub classes: Vec<homeroom_class::Model>,
    /// In id order.
    pub sections: Vec<section::Model>,
}

impl Classes {
    pub async fn read(db: &DatabaseConnection, scope: &Scope) -> anyhow::Result<Classes> {
        let subjects = subject::Entity::find().all(db).await?.into_iter().map(|row| (row.id, row)).collect();
        let classes = homeroom_class::Entity::find()
            .filter(scope.of_school(homeroom_class::Column::SchoolId))
            .order_by_asc(homeroom_class::Column::Id)
            .all(db)
            .await?;
        let sections = section::Entity::find()
            .filter(scope.of_school(section::Column::SchoolId))
            .order_by_asc(section::Column::Id)
            .all(db)
            .await?;
        Ok(Classes { subjects, classes, sections })
    }

    /// The classes by id.
    pub fn class_by_id(&self) -> HashMap<i64, &homeroom_class::Model> {
        self.classes.iter().map(|row| (row.id, row)).collect()
    }

    /// The sections by id.
    pub fn section_by_id(&self) -> HashMap<i64, &section::Model> {
        self.sections.iter().map(|row| (row.id, row)).collect()
    }

    /// Writes `courses.csv` and `classes.csv`.
    pub async fn write(
        &self,
        db: &DatabaseConnection,
        out: &mut Out<'_>,
        scope: &Scope,
        sessions: &Sessions,
    ) -> anyhow::Result<()> {
        let courses = self.stored_courses(db, scope).await?;
        let class_by_id = self.class_by_id();
        let mut course_rows: BTreeMap<String, Cells> = BTreeMap::new();
        let mut course_of: HashMap<(bool, i64), String> = HashMap::new();
        for class in &self.classes {
            let course = class.course_id.and_then(|id| courses.get(&id));
            let (id, mut cells) = match course {
                Some(course) => (course.external_id.clone(), stored_course(course, scope, sessions)),
                None => (
                    crate::exchange::names::homeroom_course(class.school_id, class.school_year_id, class.grade_level),
                    derived_course(scope, sessions, (class.school_id, class.school_year_id, class.grade_level))
                        .titled(format!("Sinh hoạt lớp {}", class.grade_level)),
                ),
            };
            if let Some(subject) = course.and_then(|c| c.subject_id) {
                cells.extend(subject_cells(self.subjects.get(&subject)));
            }
            course_rows.entry(id.clone()).or_insert(cells);
            course_of.insert((false, class.id), id);
        }
        for row in &self.sections {
            let level = class_by_id.get(&row.class_id).map_or(0, |class| class.grade_level);
            let subject = self.subjects.get(&row.subject_id);
            let (id, mut cells) = match row.course_id.and_then(|id| courses.get(&id)) {
                Some(course) => (course.external_id.clone(), stored_course(course, scope, sessions)),
                None => (
                    crate::exchange::names::section_course(row.school_id, row.school_year_id, row.subject_id, level),
                    derived_course(scope, sessions, (row.school_id, row.school_year_id, level))
                        .titled(format!("{} {level}", subject.map_or("", |s| s.name.as_str()))),
                ),
            };
            cells.extend(subject_cells(subject));
            course_rows.entry(id.clone()).or_insert(cells);
            course_of.insert((true, row.id), id);
        }
        let mut writer = out.file(FileKind::Courses)?;
        for (id, mut cells) in course_rows {
            cells.push(("sourcedId", id));
            writer.write(&cells)?;
        }
        out.done(FileKind::Courses, writer)?;
        self.write_classes(out, scope, sessions, &course_of)
    }

    /// The stored courses the classes and sections of the scope follow, by id.
    async fn stored_courses(
        &self,
        db: &DatabaseConnection,
        scope: &Scope,
    ) -> anyhow::Result<HashMap<i64, course::Model>> {
        let mut select = course::Entity::find();
        if scope.school.is_some() {
            let of_classes = Query::select()
                .column(homeroom_class::Column::CourseId)
                .from(homeroom_class::Entity)
                .cond_where(scope.of_school(homeroom_class::Column::SchoolId))
                .to_owned();
            let of_sections = Query::select()
                .column(section::Column::CourseId)
                .from(section::Entity)
                .cond_where(scope.of_school(section::Column::SchoolId))
                .to_owned();
            select = select.filter(
                Condition::any()
                    .add(course::Column::Id.in_subquery(of_classes))
                    .add(course::Column::Id.in_subquery(of_sections)),
            );
        }
        Ok(select.all(db).await?.into_iter().map(|row| (row.id, row)).collect())
    }

    /// Writes `classes.csv`: homeroom classes, then sections; `course_of` names the course
    /// of each (`(is a section, id)`).
    fn write_classes(
        &self,
        out: &mut Out<'_>,
        scope: &Scope,
        sessions: &Sessions,
        course_of: &HashMap<(bool, i64), String>,
    ) -> anyhow::Result<()> {
        let class_by_id = self.class_by_id();
        let mut writer = out.file(FileKind::Classes)?;
        for class in &self.classes {
            writer.write(&[
                ("sourcedId", class.external_id.clone()),
                ("title", class.name.clone()),
                ("grades", grade(class.grade_level)),
                ("courseSourcedId", course_of[&(false, class.id)].clone()),
                ("classType", "homeroom".to_owned()),
                ("schoolSourcedId", scope.org_ext(class.school_id)),
                ("termSourcedIds", sessions.year_ext(class.school_year_id)),
            ])?;
        }
        for row in &self.sections {
            let class = class_by_id.get(&row.class_id);
            let subject = self.subjects.get(&row.subject_id);
            let subject_name = subject.map_or("", |s| s.name.as_str());
            writer.write(&[
                ("sourcedId", row.external_id.clone()),
                ("title", crate::exchange::names::section_title(subject_name, class.map_or("", |c| c.name.as_str()))),
                ("grades", class.map(|c| grade(c.grade_level)).unwrap_or_default()),
                ("courseSourcedId", course_of[&(true, row.id)].clone()),
                ("classType", "scheduled".to_owned()),
                ("schoolSourcedId", scope.org_ext(row.school_id)),
                ("termSourcedIds", sessions.year_terms(row.school_year_id)),
                ("subjects", subject.map(|s| s.name.clone()).unwrap_or_default()),
                ("subjectCodes", subject.map(|s| s.code.clone()).unwrap_or_default()),
                ("metadata.vn.homeroomClassSourcedId", class.map(|c| c.external_id.clone()).unwrap_or_default()),
                ("metadata.vn.periodsPerYear", row.periods_per_year.to_string()),
            ])?;
        }
        out.done(FileKind::Classes, writer)
    }
}

/// The cells of a course EMIS keeps.
fn stored_course(course: &course::Model, scope: &Scope, sessions: &Sessions) -> Cells {
    vec![
        ("schoolYearSourcedId", course.school_year_id.map(|id| sessions.year_ext(id)).unwrap_or_default()),
        ("title", course.title.clone()),
        ("courseCode", course.code.clone().unwrap_or_default()),
        ("grades", course.grade_level.map(grade).unwrap_or_default()),
        ("orgSourcedId", scope.org_ext(course.org_id)),
    ]
}

/// A course EMIS derives for a school's year and grade: its cells but the title.
struct Derived(Cells);

impl Derived {
    /// The course's cells, with `title`.
    fn titled(self, title: String) -> Cells {
        let mut cells = self.0;
        cells.push(("title", title));
        cells
    }
}

/// The course EMIS derives for (school, school year, grade level).
fn derived_course(scope: &Scope, sessions: &Sessions, (school, year, level): (i64, i64, i16)) -> Derived {
    Derived(vec![
        ("schoolYearSourcedId", sessions.year_ext(year)),
        ("grades", grade(level)),
        ("orgSourcedId", scope.org_ext(school)),
    ])
}

/// The cells a course takes from its subject.
fn subject_cells(subject: Option<&subject::Model>) -> Cells {
    match subject {
        Some(subject) => vec![
            ("subjects", subject.name.clone()),
            ("subjectCodes", subject.code.clone()),
            ("metadata.vn.assessment", subject.assessment.clone()),
            ("metadata.vn.sortOrder", subject.sort_order.to_string()),
        ],
        None => Vec::new(),
    }
}
