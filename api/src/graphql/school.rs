//! Schools, homeroom classes, sections and subjects as the API shows them, each visible only
//! as the policy allows (a guardian sees their children's classes, a teacher the classes they
//! teach, a principal their school).

use super::columns::AssessmentColumn;
use super::context::{access, database};
use super::ids;
use super::people::{Staff, Student, staff_where};
use crate::auth::principal::active_on;
use crate::books::roster::roster_rows;
use crate::error::ApiResult;
use crate::privacy::readers;
use async_graphql::{Context, ID, Object};
use entity::{assessment, homeroom_class, org, section, student, subject, teaching_assignment};
use sea_orm::{ColumnTrait as _, EntityTrait as _, Order, QueryFilter as _};

/// The school `id`, if the caller may see it.
pub async fn school_by_id(ctx: &Context<'_>, id: i64) -> ApiResult<Option<School>> {
    let school = access(ctx)?.read(&readers::SCHOOL).by_id(id).narrow(org::Column::Kind, |kind| kind.eq("school"));
    Ok(school.all(database(ctx)?).await?.pop().map(School))
}

/// The schools the caller may see, by name.
pub async fn schools(ctx: &Context<'_>) -> ApiResult<Vec<School>> {
    let schools = access(ctx)?
        .read(&readers::SCHOOL)
        .narrow(org::Column::Kind, |kind| kind.eq("school"))
        .order_by(org::Column::Name, Order::Asc);
    Ok(schools.all(database(ctx)?).await?.into_iter().map(School).collect())
}

/// The class `id`, if the caller may see it.
pub async fn class_by_id(ctx: &Context<'_>, id: i64) -> ApiResult<Option<Class>> {
    let class = access(ctx)?.read(&readers::CLASS).by_id(id);
    Ok(class.all(database(ctx)?).await?.pop().map(Class))
}

/// The section `id`, if the caller may see it.
pub async fn section_by_id(ctx: &Context<'_>, id: i64) -> ApiResult<Option<Section>> {
    let section = access(ctx)?.read(&readers::SECTION).by_id(id);
    Ok(section.all(database(ctx)?).await?.pop().map(Section))
}

/// The classes of `school` the caller may see (all years), by grade and name.
pub async fn classes_of(ctx: &Context<'_>, school: Option<i64>) -> ApiResult<Vec<Class>> {
    let mut classes = access(ctx)?
        .read(&readers::CLASS)
        .order_by(homeroom_class::Column::GradeLevel, Order::Asc)
        .order_by(homeroom_class::Column::Name, Order::Asc);
    if let Some(school) = school {
        classes = classes.narrow(homeroom_class::Column::SchoolId, |column| column.eq(school));
    }
    Ok(classes.all(database(ctx)?).await?.into_iter().map(Class).collect())
}

/// A school.
pub struct School(pub org::Model);

#[Object]
impl School {
    /// The school's global id.
    pub async fn id(&self) -> ID {
        ids::encode("School", self.0.id)
    }
    /// The school's identifier in exchanges (OneRoster `sourcedId`).
    async fn external_id(&self) -> &str {
        &self.0.external_id
    }
    /// The school's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// TH (primary), THCS (lower secondary) or THPT (upper secondary).
    async fn level(&self) -> Option<&str> {
        self.0.school_level.as_deref()
    }
    /// The school's code in the education sector's database, if known.
    async fn sector_code(&self) -> Option<&str> {
        self.0.sector_code.as_deref()
    }
    /// The school's classes the caller may see.
    async fn classes(&self, ctx: &Context<'_>) -> ApiResult<Vec<Class>> {
        classes_of(ctx, Some(self.0.id)).await
    }
}

/// A homeroom class (lớp) of one school year.
pub struct Class(pub homeroom_class::Model);

#[Object]
impl Class {
    /// The class's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Class", self.0.id)
    }
    /// The class's name, e.g. "6A1".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The grade, 1–12.
    async fn grade_level(&self) -> i16 {
        self.0.grade_level
    }
    /// The class's school, if the caller may see it.
    async fn school(&self, ctx: &Context<'_>) -> ApiResult<Option<School>> {
        school_by_id(ctx, self.0.school_id).await
    }
    /// Students enrolled today whom the caller may see, in roster order.
    async fn students(&self, ctx: &Context<'_>) -> ApiResult<Vec<Student>> {
        roster(ctx, self.0.id).await
    }
    /// Students who have left the class (moved to another class or school) whom the caller
    /// may see, in roster order: their teachers keep what they recorded here, and see
    /// nothing of the student's new class or school.
    async fn former_students(&self, ctx: &Context<'_>) -> ApiResult<Vec<Student>> {
        // Not listed by today's roster: each is checked on today's relationships alone.
        let rows = access(ctx)?
            .read(&readers::STUDENT)
            .left_class(self.0.id)
            .order_by(student::Column::SortName, Order::Asc)
            .order_by(student::Column::Id, Order::Asc)
            .all(database(ctx)?)
            .await?;
        Ok(rows.into_iter().map(Student::from).collect())
    }
    /// Sections (subjects) of the class the caller may see.
    async fn sections(&self, ctx: &Context<'_>) -> ApiResult<Vec<Section>> {
        let sections = access(ctx)?
            .read(&readers::SECTION)
            .narrow(section::Column::ClassId, |class| class.eq(self.0.id))
            .order_by(section::Column::Id, Order::Asc);
        Ok(sections.all(database(ctx)?).await?.into_iter().map(Section).collect())
    }
    /// The class summary sheet (bảng tổng hợp) of a semester (default: the current one) or,
    /// with `year`, of the whole year: for the homeroom teacher and the principal; null for
    /// anyone else.
    async fn summary(
        &self,
        ctx: &Context<'_>,
        semester_id: Option<ID>,
        #[graphql(default = false)] year: bool,
    ) -> ApiResult<Option<super::summary::ClassSummary>> {
        let Some(period) = super::summary::period(ctx, semester_id.as_ref(), year).await? else { return Ok(None) };
        super::summary::class_summary(ctx, self.0.id, period).await
    }
    /// The primary summary book (Circular 27) of the class at a `checkpoint` (mid_1 | end_1
    /// | mid_2 | end_year): each student's subject levels and test scores, qualities and
    /// competencies and, at the end of the year, the year result, grade (and programme)
    /// completion and award — each item as far as the caller may read it (a subject teacher
    /// their subject; the homeroom teacher and the principal all; a guardian their child).
    async fn primary_book(
        &self,
        ctx: &Context<'_>,
        checkpoint: String,
    ) -> ApiResult<Option<super::primary::PrimaryBook>> {
        super::primary::book(ctx, self.0.id, &checkpoint, None).await
    }
    /// The homeroom teacher, if the caller may see them.
    async fn homeroom_teacher(&self, ctx: &Context<'_>) -> ApiResult<Option<Staff>> {
        assigned_staff(ctx, teaching_assignment::Column::ClassId, self.0.id, "homeroom").await
    }
}

/// Students enrolled today in `class` whom the caller may see; read with their guardians
/// in one statement when the response asks for them (`roster::with_guardians`).
pub async fn roster(ctx: &Context<'_>, class: i64) -> ApiResult<Vec<Student>> {
    let with_guardians = ctx.look_ahead().field("guardians").exists();
    let sealed = super::students::asks_for_sealed_fields(&[ctx.look_ahead()]);
    let rows = if with_guardians {
        super::roster::with_guardians(ctx, class, sealed).await?
    } else {
        roster_rows(database(ctx)?, access(ctx)?, class, sealed).await?
    };
    Ok(rows.into_iter().map(|row| Student { row, listed_in: Some(class) }).collect())
}

/// The staff member assigned today as `kind` to the section or class `id`.
async fn assigned_staff(
    ctx: &Context<'_>,
    column: teaching_assignment::Column,
    id: i64,
    kind: &str,
) -> ApiResult<Option<Staff>> {
    let today = access(ctx)?.principal().today;
    let assigned = sea_orm::sea_query::Query::select()
        .column(teaching_assignment::Column::StaffId)
        .from(teaching_assignment::Entity)
        .and_where(column.eq(id))
        .and_where(teaching_assignment::Column::Kind.eq(kind))
        .cond_where(active_on(teaching_assignment::Column::StartsOn, teaching_assignment::Column::EndsOn, today))
        .to_owned();
    let staff = access(ctx)?.read(&readers::STAFF).narrow(entity::staff::Column::Id, |id| id.in_subquery(assigned));
    Ok(staff_where(ctx, staff.limit(1)).await?.pop())
}

/// A section: one subject taught to one class in one school year.
pub struct Section(pub section::Model);

#[Object]
impl Section {
    /// The section's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Section", self.0.id)
    }
    /// Lesson periods of the subject in the school year.
    async fn periods_per_year(&self) -> i32 {
        self.0.periods_per_year
    }
    /// The subject taught.
    async fn subject(&self, ctx: &Context<'_>) -> ApiResult<Option<Subject>> {
        super::records::subject_by_id(ctx, self.0.subject_id).await
    }
    /// The class taught, if the caller may see it.
    async fn class(&self, ctx: &Context<'_>) -> ApiResult<Option<Class>> {
        class_by_id(ctx, self.0.class_id).await
    }
    /// The subject teacher, if the caller may see them.
    async fn teacher(&self, ctx: &Context<'_>) -> ApiResult<Option<Staff>> {
        assigned_staff(ctx, teaching_assignment::Column::SectionId, self.0.id, "subject").await
    }
    /// Students of the section's class whom the caller may see.
    async fn students(&self, ctx: &Context<'_>) -> ApiResult<Vec<Student>> {
        roster(ctx, self.0.class_id).await
    }
    /// The lock on the section's scores in a semester (default: the current one) — its own
    /// or its school's — or null while the book is open.
    async fn lock(&self, ctx: &Context<'_>, semester_id: Option<ID>) -> ApiResult<Option<super::book_locks::BookLock>> {
        let semester = super::records::semester_or_current(ctx, semester_id.as_ref().map(|id| id.as_str())).await?;
        let Some(semester) = semester else { return Ok(None) };
        let db = database(ctx)?;
        let lock = crate::books::locks::in_force(db, self.0.school_id, self.0.id, semester).await?;
        Ok(lock.map(super::book_locks::BookLock))
    }
    /// The section's assessment columns in a semester (default: the current one), in book
    /// order: regular ones by number, then the mid-term and the end-of-term. The columns are
    /// the book's structure; the results in them are read through each student.
    async fn assessments(&self, ctx: &Context<'_>, semester_id: Option<ID>) -> ApiResult<Vec<AssessmentColumn>> {
        let semester = super::records::semester_or_current(ctx, semester_id.as_ref().map(|id| id.as_str())).await?;
        let Some(semester) = semester else { return Ok(Vec::new()) };
        let mut columns = assessment::Entity::find()
            .filter(assessment::Column::SectionId.eq(self.0.id))
            .filter(assessment::Column::SemesterId.eq(semester))
            .all(database(ctx)?)
            .await?;
        super::columns::sort_columns(&mut columns);
        Ok(columns.into_iter().map(AssessmentColumn).collect())
    }
}

/// A subject of the national curriculum.
pub struct Subject(pub subject::Model);

#[Object]
impl Subject {
    /// The subject's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Subject", self.0.id)
    }
    /// The subject's code in the national curriculum, e.g. `toan`.
    async fn code(&self) -> &str {
        &self.0.code
    }
    /// The subject's name in Vietnamese, e.g. "Toán".
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// scored (0–10) or comment (Đạt / Chưa đạt).
    async fn assessment(&self) -> &str {
        &self.0.assessment
    }
}
