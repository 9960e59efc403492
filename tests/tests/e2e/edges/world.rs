//! The schools the edge tests attack across: for each, its principal, a class with its
//! homeroom teacher and students, a section with its teacher, and the semester running
//! today — all signed in and named by their API ids.

use emis::graphql::ids::encode;
use emis_tests::TestApp;
use entity::{
    assessment, enrollment, homeroom_class, org, section, semester, staff, staff_role, subject, teaching_assignment,
};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};

/// One school of the seed, as the tests reach into it.
pub(crate) struct School {
    pub id: i64,
    pub principal: String,
    /// The school's first class (its row) and the class's homeroom teacher's token.
    pub class: homeroom_class::Model,
    pub homeroom: String,
    /// The class's students today, by API id.
    pub students: Vec<String>,
    /// A section of the class (scored, where the school has scores) and its teacher's token.
    pub section: i64,
    pub teacher: String,
    /// The semester running today, and the section's first regular column in it, if any.
    pub semester: i64,
    pub column: Option<i64>,
}

impl School {
    pub fn class_id(&self) -> String {
        encode("Class", self.class.id).0
    }

    pub fn section_id(&self) -> String {
        encode("Section", self.section).0
    }

    pub fn semester_id(&self) -> String {
        encode("Semester", self.semester).0
    }
}

/// The schools of `level` (TH | THCS), by id.
pub(crate) async fn schools_of(app: &TestApp, level: &str) -> Vec<i64> {
    let rows = org::Entity::find()
        .filter(org::Column::Kind.eq("school"))
        .filter(org::Column::SchoolLevel.eq(level))
        .order_by_asc(org::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap();
    rows.into_iter().map(|row| row.id).collect()
}

/// The username of a staff member.
async fn username(app: &TestApp, staff_id: i64) -> String {
    staff::Entity::find_by_id(staff_id).one(&app.state.db).await.unwrap().unwrap().username.unwrap()
}

/// The username of the principal of `school`.
pub(crate) async fn principal_of(app: &TestApp, school: i64) -> String {
    let role = staff_role::Entity::find()
        .filter(staff_role::Column::Role.eq("principal"))
        .filter(staff_role::Column::OrgId.eq(school))
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("the school has a principal");
    username(app, role.staff_id).await
}

/// The staff member assigned today as `kind` to the class or section `column` = `id`.
async fn assigned(app: &TestApp, column: teaching_assignment::Column, id: i64, kind: &str) -> Option<String> {
    let row = teaching_assignment::Entity::find()
        .filter(column.eq(id))
        .filter(teaching_assignment::Column::Kind.eq(kind))
        .filter(teaching_assignment::Column::EndsOn.is_null())
        .one(&app.state.db)
        .await
        .unwrap()?;
    Some(username(app, row.staff_id).await)
}

/// The students of `class` today, by API id.
pub(crate) async fn students_of(app: &TestApp, class: i64) -> Vec<String> {
    let today = emis::clock::today();
    let mut ids: Vec<i64> = enrollment::Entity::find()
        .filter(enrollment::Column::ClassId.eq(class))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.starts_on <= today && row.ends_on.is_none_or(|end| end >= today))
        .map(|row| row.student_id)
        .collect();
    ids.sort_unstable();
    ids.into_iter().map(|id| encode("Student", id).0).collect()
}

/// School `id`, its accounts signed in.
pub(crate) async fn school(app: &TestApp, id: i64) -> School {
    let db = &app.state.db;
    let today = emis::clock::today();
    let class = homeroom_class::Entity::find()
        .filter(homeroom_class::Column::SchoolId.eq(id))
        .order_by_asc(homeroom_class::Column::Id)
        .one(db)
        .await
        .unwrap()
        .expect("the school has a class");
    let semester = semester::Entity::find()
        .filter(semester::Column::SchoolYearId.eq(class.school_year_id))
        .filter(semester::Column::StartsOn.lte(today))
        .filter(semester::Column::EndsOn.gte(today))
        .one(db)
        .await
        .unwrap()
        .expect("a semester runs today");
    let mut sections = section::Entity::find().filter(section::Column::ClassId.eq(class.id)).all(db).await.unwrap();
    // A scored subject first, where there is one.
    let mut scored = Vec::new();
    for section in &sections {
        let subject = subject::Entity::find_by_id(section.subject_id).one(db).await.unwrap().unwrap();
        scored.push(subject.assessment == "scored");
    }
    let first_scored = scored.iter().position(|scored| *scored).unwrap_or(0);
    sections.swap(0, first_scored);
    let mut chosen = None;
    for section in sections {
        if let Some(teacher) = assigned(app, teaching_assignment::Column::SectionId, section.id, "subject").await {
            chosen = Some((section, teacher));
            break;
        }
    }
    let (section, teacher) = chosen.expect("a section of the class has a teacher");
    let column = assessment::Entity::find()
        .filter(assessment::Column::SectionId.eq(section.id))
        .filter(assessment::Column::SemesterId.eq(semester.id))
        .filter(assessment::Column::Kind.eq("regular"))
        .order_by_asc(assessment::Column::Sequence)
        .one(db)
        .await
        .unwrap()
        .map(|row| row.id);
    let homeroom = assigned(app, teaching_assignment::Column::ClassId, class.id, "homeroom").await.unwrap();
    School {
        id,
        principal: app.sign_in(&principal_of(app, id).await).await.unwrap(),
        homeroom: app.sign_in(&homeroom).await.unwrap(),
        students: students_of(app, class.id).await,
        teacher: app.sign_in(&teacher).await.unwrap(),
        section: section.id,
        semester: semester.id,
        column,
        class,
    }
}
