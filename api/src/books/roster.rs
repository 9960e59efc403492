//! A class's roster as the books and the API read it: the students enrolled in a class
//! today whom the caller may see, in roster order, through the privacy layer — with their
//! sealed columns only when they are to be shown.

use crate::auth::principal::active_on;
use crate::privacy::{Target, shapes};
use emis_authz::Kind;
use entity::{enrollment, student};
use sea_orm::sea_query::{Expr, Value};
use sea_orm::{
    ColumnTrait as _, EntityTrait as _, IdenStatic as _, Iterable as _, QueryFilter as _, QueryOrder as _,
    QuerySelect as _,
};

/// The rows of the students enrolled today in `class` whom the caller of `access` may see,
/// in roster order, through the privacy layer; with their sealed columns only when `sealed`
/// (else they read as NULL).
pub async fn roster_rows(
    db: &sea_orm::DatabaseConnection,
    access: &crate::privacy::Access,
    class: i64,
    sealed: bool,
) -> Result<Vec<student::Model>, sea_orm::DbErr> {
    let rows = roster_select(access, class, sealed).all(db).await?;
    access.admit(Kind::Student, rows, listed_in(class)).await
}

/// The statement of [`roster_rows`], before its rows are checked with [`listed_in`].
pub fn roster_select(access: &crate::privacy::Access, class: i64, sealed: bool) -> sea_orm::Select<student::Entity> {
    let today = access.principal().today;
    let enrolled = sea_orm::sea_query::Query::select()
        .column(enrollment::Column::StudentId)
        .from(enrollment::Entity)
        .and_where(enrollment::Column::ClassId.eq(class))
        .cond_where(active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, today))
        .to_owned();
    let select = student::Entity::find()
        .filter(student::Column::Id.in_subquery(enrolled))
        .filter(access.filter(Kind::Student, emis_authz::Action::Read, &shapes::student()))
        .order_by_asc(student::Column::SortName)
        .order_by_asc(student::Column::Id);
    if sealed { select } else { without_sealed_columns(select) }
}

/// How a roster row is checked: every row was selected as a member of `class` today, so the
/// check judges teacher relationships on that class (no per-request set of students to load).
pub fn listed_in(class: i64) -> impl Fn(&student::Model) -> Target {
    move |row| Target::student_in_class(row.id, row.school_id, class)
}

/// `select` reading the sealed columns and the blind index as NULL: a list that shows none
/// of them need not carry their ciphertexts from the database.
pub fn without_sealed_columns(select: sea_orm::Select<student::Entity>) -> sea_orm::Select<student::Entity> {
    use student::Column as C;
    let mut select = select.select_only();
    for column in C::iter() {
        select = match column {
            C::IdentityNoEnc | C::AddressEnc | C::EthnicityEnc | C::ReligionEnc | C::HealthEnc => {
                select.column_as(Expr::value(Value::Bytes(None)), column.as_str())
            }
            C::IdentityNoBlind => select.column_as(Expr::value(Value::String(None)), column.as_str()),
            _ => select.column(column),
        };
    }
    select
}
