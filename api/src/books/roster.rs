//! A class's roster as the books and the API read it: the students enrolled in a class
//! today whom the caller may see, in roster order, through the privacy layer — with their
//! sealed columns only when they are to be shown.

use crate::privacy::{Access, Target, Visible, on_roster_today, readers};
use entity::student;
use sea_orm::sea_query::{Expr, Value};
use sea_orm::{ColumnTrait as _, Condition, IdenStatic as _, Iterable as _, Order, QuerySelect as _};

/// The rows of the students enrolled today in `class` whom the caller of `access` may see,
/// in roster order, through the privacy layer; with their sealed columns only when `sealed`
/// (else they read as NULL).
pub async fn roster_rows(
    db: &sea_orm::DatabaseConnection,
    access: &Access,
    class: i64,
    sealed: bool,
) -> Result<Vec<student::Model>, sea_orm::DbErr> {
    roster_select(access, class, sealed).all(db).await
}

/// The read of [`roster_rows`], its rows checked with [`listed_in`].
pub fn roster_select(access: &Access, class: i64, sealed: bool) -> Visible<'_, student::Entity> {
    let enrolled = on_roster_today(class, access.principal().today);
    access
        .read(&readers::STUDENT)
        .through(Condition::all().add(student::Column::Id.in_subquery(enrolled)))
        .order_by(student::Column::SortName, Order::Asc)
        .order_by(student::Column::Id, Order::Asc)
        .columns(|select| if sealed { select } else { without_sealed_columns(select) })
        .checked_as(listed_in(class))
}

/// How a roster row is checked: every row was selected as a member of `class` today, so the
/// check judges teacher relationships on that class (no per-request set of students to load).
pub fn listed_in(class: i64) -> impl Fn(&student::Model) -> Target + Send + Sync {
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
