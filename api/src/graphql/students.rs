//! The student list as a Relay connection: search by name (diacritics-insensitive), filters
//! by school and class (holding only where the caller may read the student's enrollment),
//! exact look-up by identity number, keyset pagination by roster order, and `totalCount` —
//! all inside the privacy condition, so counts, pages and cursors only ever reflect
//! students the caller may see.

use super::context::{access, state};
use super::ids;
use super::people::Student;
use super::read::visible;
use crate::books::roster::without_sealed_columns;
use crate::error::{ApiError, ApiResult};
use crate::privacy::{Branches, Target, When, shapes};
use async_graphql::{Context, Enum, ID, Lookahead, Object};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use emis_authz::{Action, Kind};
use entity::student;
use sea_orm::sea_query::{Alias, Expr, Func, JoinType, Query, SelectStatement, SimpleExpr, UnionType};
use sea_orm::{
    ColumnTrait as _, Condition, EntityTrait as _, FromQueryResult, PaginatorTrait as _, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, QueryTrait,
};

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
    condition: Condition,
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
        Ok(student::Entity::find().filter(self.condition.clone()).count(&state(ctx)?.db).await?)
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

/// The query's own filters (search, school, class, identity number); the caller's privacy
/// condition comes on top of them.
fn filters(ctx: &Context<'_>, query: &StudentQuery) -> ApiResult<Condition> {
    let access = access(ctx)?;
    let mut condition = Condition::all();
    if let Some(search) = query.search.as_deref().map(crate::text::fold).filter(|s| !s.is_empty()) {
        let backend = state(ctx)?.db.get_database_backend();
        condition =
            condition.add(crate::text::contains(backend, (student::Entity, student::Column::SearchName), search));
    }
    // Where a student is can only be filtered on where the caller may read it.
    if let Some(school) = &query.school_id {
        condition = condition.add(access.at_school(ids::decode_as("School", school).unwrap_or(-1)));
    }
    if let Some(class) = &query.class_id {
        condition = condition.add(access.enrolled_in_class(ids::decode_as("Class", class).unwrap_or(-1), When::Today));
    }
    if let Some(number) = &query.identity_number {
        // Searching by a field is reading it: only students whose identity the caller may
        // read can match, so the filter is no oracle for hidden numbers.
        let blind = state(ctx)?.vault.blind("student.identity_no", number).unwrap_or_default();
        condition = condition.add(student::Column::IdentityNoBlind.eq(blind)).add(access.filter(
            Kind::StudentIdentity,
            Action::Read,
            &shapes::student(),
        ));
    }
    Ok(condition)
}

/// The ids of a page, in order: the students the caller may see that pass `filters`, at
/// most `limit`, read from the roster index (it holds the search name). When the privacy
/// condition has several branches (a principal's school and its former students, say),
/// each is read on its own and the results appended: an OR across columns would make the
/// database visit every candidate row instead. A single branch is the plain index walk
/// (the database flattens the derived table).
fn page_ids(privacy: &Branches, filters: &Condition, order: &sea_orm::Order, limit: u64) -> SelectStatement {
    use student::Column as C;
    let mut branches = privacy.disjoint().into_iter();
    let read = |branch: Condition| {
        Query::select()
            .columns([C::Id, C::SortName])
            .from(student::Entity)
            .cond_where(Condition::all().add(branch).add(filters.clone()))
            .to_owned()
    };
    let mut matched = read(branches.next().unwrap_or_else(crate::privacy::never));
    for branch in branches {
        matched.union(UnionType::All, read(branch));
    }
    let alias = Alias::new("matched");
    Query::select()
        .column((alias.clone(), C::Id))
        .from_subquery(matched, alias.clone())
        .order_by((alias.clone(), C::SortName), order.clone())
        .order_by((alias, C::Id), order.clone())
        .limit(limit)
        .to_owned()
}

/// Runs `students`.
pub async fn students(ctx: &Context<'_>, query: StudentQuery) -> ApiResult<StudentConnection> {
    let access = access(ctx)?;
    let filters = filters(ctx, &query)?;
    let privacy = access.filter_branches(Kind::Student, Action::Read, &shapes::student());
    let condition = Condition::all().add(privacy.any()).add(filters.clone());
    let first = u64::try_from(query.first.unwrap_or(20)).unwrap_or(0).min(MAX_PAGE);
    let descending = query.order_by == Some(StudentOrder::NameDesc);
    let mut page = Condition::all().add(filters);
    if let Some(after) = &query.after {
        let (name, id) = parse_cursor(after)?;
        page = page.add(if descending {
            Condition::any()
                .add(student::Column::SortName.lt(name.clone()))
                .add(Condition::all().add(student::Column::SortName.eq(name)).add(student::Column::Id.lt(id)))
        } else {
            Condition::any()
                .add(student::Column::SortName.gt(name.clone()))
                .add(Condition::all().add(student::Column::SortName.eq(name)).add(student::Column::Id.gt(id)))
        });
    }
    let order = if descending { sea_orm::Order::Desc } else { sea_orm::Order::Asc };
    let wants_total = ctx.look_ahead().field("totalCount").exists();
    // On a first page the total comes from the same scan as the page (a window count over
    // every match, taken before the limit).
    let windowed = wants_total && query.after.is_none();
    // The page's ids first, from the roster index alone, then those rows: a search reads
    // only the rows it returns.
    let mut page_ids = page_ids(&privacy, &page, &order, first + 1);
    let mut select =
        student::Entity::find().order_by(student::Column::SortName, order.clone()).order_by(student::Column::Id, order);
    let page_alias = Alias::new("page");
    if windowed {
        page_ids.expr_as(Expr::cust("COUNT(*) OVER ()"), Alias::new(TOTAL));
        let on = {
            use sea_orm::sea_query::ExprTrait as _;
            Expr::col((page_alias.clone(), student::Column::Id)).equals((student::Entity, student::Column::Id))
        };
        QueryTrait::query(&mut select).join_subquery(JoinType::InnerJoin, page_ids, page_alias.clone(), on);
    } else {
        select = select.filter(student::Column::Id.in_subquery(page_ids));
    }
    let page = ctx.look_ahead();
    if !asks_for_sealed_fields(&[page.field("nodes"), page.field("edges").field("node")]) {
        select = without_sealed_columns(select);
    }
    let db = &state(ctx)?.db;
    // When the total is asked for too, it comes on every row of the page (one statement):
    // the count over the same condition, without the cursor.
    let total_column = if windowed {
        Some(Expr::col((page_alias, Alias::new(TOTAL))))
    } else if wants_total {
        let count = Query::select()
            .expr(Func::count(Expr::col((student::Entity, student::Column::Id))))
            .from(student::Entity)
            .cond_where(condition.clone())
            .to_owned();
        Some(SimpleExpr::SubQuery(None, Box::new(count.into())))
    } else {
        None
    };
    let (mut rows, mut total) = match total_column {
        Some(total_column) => {
            let rows = select.column_as(total_column, TOTAL).into_model::<CountedStudent>().all(db).await?;
            let total = rows.first().map(|row| u64::try_from(row.total_count).unwrap_or(0));
            (rows.into_iter().map(|row| row.student).collect(), total)
        }
        None => (select.all(db).await?, None),
    };
    if rows.is_empty() && query.after.is_none() {
        // No page and no cursor: nothing matches at all.
        total = total.or(Some(0));
    }
    let has_next_page = rows.len() as u64 > first;
    rows.truncate(usize::try_from(first).unwrap_or(0));
    let rows = access.admit(Kind::Student, rows, student_target).await?;
    Ok(StudentConnection {
        condition,
        nodes: rows.into_iter().map(|row| (cursor_of(&row), Student::from(row))).collect(),
        has_next_page,
        has_previous_page: query.after.is_some(),
        total,
    })
}

/// The fields of a student that are sealed at rest.
const SEALED_FIELDS: [&str; 5] = ["identityNumber", "address", "ethnicity", "religion", "healthNotes"];

/// Whether any of `students` (the selections of student objects a list returns) asks for
/// a sealed field.
pub fn asks_for_sealed_fields(students: &[Lookahead<'_>]) -> bool {
    SEALED_FIELDS.iter().any(|field| students.iter().any(|student| student.field(field).exists()))
}

/// The name of the column that carries the total on a page's rows.
const TOTAL: &str = "total_count";

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
    Ok(access(ctx)?.field(Kind::Enrollment, student.target()).await)
}

/// The student `id`, if the caller may see it.
pub async fn student_by_id(ctx: &Context<'_>, id: i64) -> ApiResult<Option<Student>> {
    let select = student::Entity::find_by_id(id);
    Ok(visible(ctx, Kind::Student, &shapes::student(), select, student_target).await?.pop().map(Student::from))
}
