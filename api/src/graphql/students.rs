//! The student list as a Relay connection: search by name (diacritics-insensitive), filters
//! by school and class (holding only where the caller may read the student's enrollment),
//! exact look-up by identity number, keyset pagination by roster order, and `totalCount` —
//! all inside the privacy condition, so counts, pages and cursors only ever reflect
//! students the caller may see.

use super::context::{access, database, state};
use super::ids;
use super::people::Student;
use crate::books::roster::without_sealed_columns;
use crate::error::{ApiError, ApiResult};
use crate::privacy::{Matching, TOTAL, Target, Visible, When, readers};
use async_graphql::{Context, Enum, ID, Lookahead, Object};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use emis_authz::Kind;
use entity::student;
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{ColumnTrait as _, Condition, DatabaseConnection, FromQueryResult, QuerySelect as _, Select};

/// Largest page.
pub const MAX_PAGE: u64 = 100;

/// Orders of the student list.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum StudentOrder {
    /// Given name, then family name (how Vietnamese rosters are read).
    NameAsc,
    NameDesc,
}

/// Arguments of `students`.
pub struct StudentQuery {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub search: Option<String>,
    pub school_id: Option<ID>,
    pub class_id: Option<ID>,
    pub identity_number: Option<String>,
    pub order_by: Option<StudentOrder>,
}

/// A page of students.
pub struct StudentConnection {
    matching: Matching<student::Entity>,
    nodes: Vec<(String, Student)>,
    has_next_page: bool,
    has_previous_page: bool,
    /// The total, when it came with the page.
    total: Option<u64>,
}

/// One student with its cursor.
pub struct StudentEdge {
    cursor: String,
    node: Student,
}

#[Object]
impl StudentEdge {
    /// Pass as `after` to read the records after this one.
    async fn cursor(&self) -> &str {
        &self.cursor
    }
    /// The student.
    async fn node(&self) -> &Student {
        &self.node
    }
}

/// Relay page information.
#[derive(async_graphql::SimpleObject)]
pub struct PageInfo {
    /// Whether more records follow this page.
    pub has_next_page: bool,
    /// Whether records come before this page.
    pub has_previous_page: bool,
    /// The cursor of the page's first record; null for an empty page.
    pub start_cursor: Option<String>,
    /// The cursor of the page's last record (pass it as `after` for the next page); null
    /// for an empty page.
    pub end_cursor: Option<String>,
}

#[Object]
impl StudentConnection {
    /// The page's students, each with its cursor.
    async fn edges(&self) -> Vec<StudentEdge> {
        self.nodes
            .iter()
            .map(|(cursor, node)| StudentEdge { cursor: cursor.clone(), node: Student::from(node.row.clone()) })
            .collect()
    }
    /// The page's students.
    async fn nodes(&self) -> Vec<&Student> {
        self.nodes.iter().map(|(_, node)| node).collect()
    }
    /// Where the page stands in the whole list.
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_next_page: self.has_next_page,
            has_previous_page: self.has_previous_page,
            start_cursor: self.nodes.first().map(|(cursor, _)| cursor.clone()),
            end_cursor: self.nodes.last().map(|(cursor, _)| cursor.clone()),
        }
    }
    /// Students matching the filters that the caller may see, over all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> ApiResult<u64> {
        if let Some(total) = self.total {
            return Ok(total);
        }
        Ok(self.matching.count(database(ctx)?).await?)
    }
}

fn cursor_of(row: &student::Model) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}\u{0}{}", row.sort_name, row.id))
}

fn parse_cursor(cursor: &str) -> ApiResult<(String, i64)> {
    let invalid = || ApiError::bad_input("con trỏ phân trang không hợp lệ", "invalid cursor");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (name, id) = text.split_once('\u{0}').ok_or_else(invalid)?;
    Ok((name.to_owned(), id.parse().map_err(|_| invalid())?))
}

/// `students` narrowed by the query's own filters (search, school, class, identity
/// number); the reader lets a filter on where a student is or on their identity number
/// match only students whose enrollment or identity the caller may read, so no filter is
/// an oracle for a hidden fact.
fn filtered<'a>(
    ctx: &Context<'_>,
    query: &StudentQuery,
    mut students: Visible<'a, student::Entity>,
) -> ApiResult<Visible<'a, student::Entity>> {
    if let Some(search) = query.search.as_deref().map(crate::text::fold).filter(|s| !s.is_empty()) {
        let backend = state(ctx)?.db.get_database_backend();
        students = students.narrow(student::Column::SearchName, |column| {
            crate::text::contains(backend, (student::Entity, column), search)
        });
    }
    if let Some(school) = &query.school_id {
        let school = ids::decode_as("School", school).unwrap_or(-1);
        students = students.narrow(student::Column::SchoolId, |column| column.eq(school));
    }
    if let Some(class) = &query.class_id {
        students = students.enrolled_in_class(ids::decode_as("Class", class).unwrap_or(-1), When::Today);
    }
    if let Some(number) = &query.identity_number {
        let blind = state(ctx)?.vault.blind("student.identity_no", number).unwrap_or_default();
        students = students.narrow(student::Column::IdentityNoBlind, |column| column.eq(blind));
    }
    Ok(students)
}

/// Runs `students`.
pub async fn students(ctx: &Context<'_>, query: StudentQuery) -> ApiResult<StudentConnection> {
    let students = filtered(ctx, &query, access(ctx)?.read(&readers::STUDENT))?;
    let matching = students.matching();
    let first = u64::try_from(query.first.unwrap_or(20)).unwrap_or(0).min(MAX_PAGE);
    let descending = query.order_by == Some(StudentOrder::NameDesc);
    let page = match &query.after {
        Some(after) => after_cursor(students, after, descending)?,
        None => students,
    };
    let order = if descending { sea_orm::Order::Desc } else { sea_orm::Order::Asc };
    let wants_total = ctx.look_ahead().field("totalCount").exists();
    // On a first page the total comes from the same scan as the page (a window count over
    // every match, taken before the limit).
    let windowed = wants_total && query.after.is_none();
    let look = ctx.look_ahead();
    let sealed = asks_for_sealed_fields(&[look.field("nodes"), look.field("edges").field("node")]);
    let (select, checker) =
        page.page(order, first + 1, windowed, |select| if sealed { select } else { without_sealed_columns(select) });
    let total = if windowed {
        Total::OnEveryRow
    } else if wants_total {
        Total::CountedBeside(&matching)
    } else {
        Total::NotAsked
    };
    let (mut rows, mut total) = page_rows(database(ctx)?, select, total).await?;
    if rows.is_empty() && query.after.is_none() {
        // No page and no cursor: nothing matches at all.
        total = total.or(Some(0));
    }
    let has_next_page = rows.len() as u64 > first;
    rows.truncate(usize::try_from(first).unwrap_or(0));
    let rows = checker.admit(rows).await?;
    Ok(StudentConnection {
        matching,
        nodes: rows.into_iter().map(|row| (cursor_of(&row), Student::from(row))).collect(),
        has_next_page,
        has_previous_page: query.after.is_some(),
        total,
    })
}

/// `students` narrowed to those after the cursor `after` in the list's order.
fn after_cursor<'a>(
    students: Visible<'a, student::Entity>,
    after: &str,
    descending: bool,
) -> ApiResult<Visible<'a, student::Entity>> {
    let (name, id) = parse_cursor(after)?;
    Ok(students.narrow(student::Column::SortName, |sort_name| {
        if descending {
            Condition::any()
                .add(sort_name.lt(name.clone()))
                .add(Condition::all().add(sort_name.eq(name)).add(student::Column::Id.lt(id)))
                .into()
        } else {
            Condition::any()
                .add(sort_name.gt(name.clone()))
                .add(Condition::all().add(sort_name.eq(name)).add(student::Column::Id.gt(id)))
                .into()
        }
    }))
}

/// How a page reads the list's total.
enum Total<'m> {
    /// Not asked for.
    NotAsked,
    /// A window count the page's statement already carries on every row.
    OnEveryRow,
    /// Asked for past the first page: the count over the same condition without the cursor,
    /// a sub-select beside every row of the page (one statement).
    CountedBeside(&'m Matching<student::Entity>),
}

/// The rows of the page `select`, and the list's total when asked for.
async fn page_rows(
    db: &DatabaseConnection,
    select: Select<student::Entity>,
    total: Total<'_>,
) -> ApiResult<(Vec<student::Model>, Option<u64>)> {
    let counted = match total {
        Total::NotAsked => return Ok((select.all(db).await?, None)),
        Total::OnEveryRow => select,
        Total::CountedBeside(matching) => {
            let count = matching.count_statement((student::Entity, student::Column::Id));
            select.column_as(SimpleExpr::SubQuery(None, Box::new(count.into())), TOTAL)
        }
    };
    let rows = counted.into_model::<CountedStudent>().all(db).await?;
    let total = rows.first().map(|row| u64::try_from(row.total_count).unwrap_or(0));
    Ok((rows.into_iter().map(|row| row.student).collect(), total))
}

/// The fields of a student that are sealed at rest.
const SEALED_FIELDS: [&str; 5] = ["identityNumber", "address", "ethnicity", "religion", "healthNotes"];

/// Whether any of `students` (the selections of student objects a list returns) asks for
/// a sealed field.
pub fn asks_for_sealed_fields(students: &[Lookahead<'_>]) -> bool {
    SEALED_FIELDS.iter().any(|field| students.iter().any(|student| student.field(field).exists()))
}

/// A row of a page that carries the total.
#[derive(FromQueryResult)]
struct CountedStudent {
    #[sea_orm(nested)]
    student: student::Model,
    total_count: i64,
}

/// The record a student row is, for checks.
pub fn student_target(row: &student::Model) -> Target {
    Target::student(row.id, row.school_id)
}

/// The school of `student`, when the caller may read where the student is (the `enrollment`
/// kind, which the `schoolId` filter needs too) and the school itself.
pub async fn school_of(ctx: &Context<'_>, student: &Student) -> ApiResult<Option<super::school::School>> {
    if !placed(ctx, student).await? {
        return Ok(None);
    }
    super::school::school_by_id(ctx, student.row.school_id).await
}

/// Whether the caller may read where `student` is now (the `enrollment` kind): their school
/// and whether they still study there.
pub async fn placed(ctx: &Context<'_>, student: &Student) -> ApiResult<bool> {
    Ok(access(ctx)?.shows(Kind::Enrollment, &[student.target()]).await)
}

/// The student `id`, if the caller may see it.
pub async fn student_by_id(ctx: &Context<'_>, id: i64) -> ApiResult<Option<Student>> {
    let student = access(ctx)?.read(&readers::STUDENT).by_id(id);
    Ok(student.one(database(ctx)?).await?.map(Student::from))
}
