//! Who a conversation is between, read directly where no reader fits: the active guardians
//! of a child a teacher's conversation reaches (ids only, each then judged by the policy as
//! themselves), and the names of the people in a conversation the caller may read or of the
//! teachers a guardian may write to (names only, never a phone or any other contact).

use chrono::NaiveDate;
use entity::{conversation_member, guardian, guardianship, staff};
use sea_orm::{ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use std::collections::BTreeMap;

/// The guardians of `student` whose guardianship is in force `today`, by id.
pub async fn guardians_of(db: &impl ConnectionTrait, student: i64, today: NaiveDate) -> Result<Vec<i64>, DbErr> {
    guardianship::Entity::find()
        .select_only()
        .column(guardianship::Column::GuardianId)
        .filter(guardianship::Column::StudentId.eq(student))
        .filter(crate::auth::principal::active_on(guardianship::Column::StartsOn, guardianship::Column::EndsOn, today))
        .into_tuple()
        .all(db)
        .await
}

/// The full names of `members` (rows the caller was allowed to read), by member row id.
pub async fn names(
    db: &impl ConnectionTrait,
    members: &[conversation_member::Model],
) -> Result<BTreeMap<i64, String>, DbErr> {
    let of = |kind: &str| -> Vec<i64> {
        members.iter().filter(|member| member.account_kind == kind).map(|member| member.account_id).collect()
    };
    let staff = staff_names(db, of("staff")).await?;
    let guardians: BTreeMap<i64, String> = guardian::Entity::find()
        .select_only()
        .column(guardian::Column::Id)
        .column(guardian::Column::FullName)
        .filter(guardian::Column::Id.is_in(of("guardian")))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let name = |member: &conversation_member::Model| match member.account_kind.as_str() {
        "staff" => staff.get(&member.account_id).cloned(),
        _ => guardians.get(&member.account_id).cloned(),
    };
    Ok(members.iter().filter_map(|member| Some((member.id, name(member)?))).collect())
}

/// The full names of the staff members `ids` (people the caller may correspond with), by id.
pub async fn staff_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<BTreeMap<i64, String>, DbErr> {
    let rows = staff::Entity::find()
        .select_only()
        .column(staff::Column::Id)
        .column(staff::Column::FullName)
        .filter(staff::Column::Id.is_in(ids))
        .into_tuple::<(i64, String)>()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}
