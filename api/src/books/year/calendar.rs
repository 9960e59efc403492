//! Opening a school year of the national calendar with its semesters (the policy's
//! `school_year`/`write`, granted on `any`: the calendar is nobody's data and no school's).

use crate::error::ApiError;
use crate::privacy::Access;
use chrono::NaiveDate;
use emis_authz::{Action, Kind};
use entity::{school_year, semester};
use sea_orm::{ActiveValue::Set, ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _};

/// The dates of one semester.
#[derive(Clone, Copy, Debug)]
pub struct Term {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

/// Opens school year `name` from `starts_on` to `ends_on` with `terms` (semesters I and II,
/// in order, within the year and not overlapping). Refuses a name in use and a year that
/// overlaps another.
pub async fn open(
    db: &DatabaseConnection,
    access: &Access,
    name: &str,
    year: Term,
    terms: &[Term],
) -> Result<(school_year::Model, Vec<semester::Model>), ApiError> {
    if !access.may_nationally(Kind::SchoolYear, Action::Write) {
        return Err(ApiError::NotPermitted);
    }
    let name = name.trim();
    well_formed(name, year, terms)?;
    let txn = crate::db::begin_write(db).await?;
    let overlapping = school_year::Entity::find()
        .filter(school_year::Column::StartsOn.lte(year.ends_on))
        .filter(school_year::Column::EndsOn.gte(year.starts_on))
        .one(&txn)
        .await?;
    if let Some(other) = overlapping {
        return Err(ApiError::bad_input(
            format!("năm học trùng thời gian với năm học {}", other.name),
            format!("the school year overlaps school year {}", other.name),
        ));
    }
    if school_year::Entity::find().filter(school_year::Column::Name.eq(name)).one(&txn).await?.is_some() {
        return Err(ApiError::bad_input("đã có năm học tên này", "a school year of this name exists"));
    }
    let row = school_year::ActiveModel {
        external_id: Set(None),
        name: Set(name.to_owned()),
        starts_on: Set(year.starts_on),
        ends_on: Set(year.ends_on),
        ..Default::default()
    };
    let id = school_year::Entity::insert(row).exec(&txn).await?.last_insert_id;
    for (number, term) in (1..).zip(terms) {
        let row = semester::ActiveModel {
            external_id: Set(None),
            school_year_id: Set(id),
            number: Set(number),
            starts_on: Set(term.starts_on),
            ends_on: Set(term.ends_on),
            ..Default::default()
        };
        semester::Entity::insert(row).exec(&txn).await?;
    }
    let opened = school_year::Entity::find_by_id(id).one(&txn).await?.ok_or(ApiError::Internal)?;
    let semesters = semester::Entity::find().filter(semester::Column::SchoolYearId.eq(id)).all(&txn).await?;
    txn.commit().await?;
    Ok((opened, semesters))
}

/// Refuses an empty name, a year that ends before it starts, and semesters other than two in
/// order within the year.
fn well_formed(name: &str, year: Term, terms: &[Term]) -> Result<(), ApiError> {
    if name.is_empty() {
        return Err(ApiError::bad_input("năm học cần có tên", "a school year needs a name"));
    }
    if year.ends_on <= year.starts_on {
        return Err(ApiError::bad_input(
            "năm học phải kết thúc sau ngày bắt đầu",
            "a school year must end after it starts",
        ));
    }
    if terms.len() != 2 {
        return Err(ApiError::bad_input("năm học có hai học kỳ", "a school year has two semesters"));
    }
    let mut from = year.starts_on;
    for term in terms {
        if term.starts_on < from || term.ends_on < term.starts_on || term.ends_on > year.ends_on {
            return Err(ApiError::bad_input(
                "các học kỳ phải nằm trong năm học, theo thứ tự, không chồng lên nhau",
                "the semesters must lie within the year, in order, without overlapping",
            ));
        }
        from = term.ends_on.succ_opt().ok_or(ApiError::Internal)?;
    }
    Ok(())
}
