//! Whom a guardian may write to about a child: the child's homeroom teacher and the teachers
//! of the child's sections today, each only if the policy would let the conversation be
//! opened (the guardian, and the teacher as themselves, may write `message` about the child)
//! — exactly the teachers [`super::conversations::open`] accepts. Shown by staff id, name and
//! part, never by any contact; a child out of the caller's reach has none.

use super::conversations::{writable_child, writable_teacher};
use crate::auth::Account;
use crate::error::ApiError;
use crate::privacy::Access;
use entity::{section, teaching_assignment};
use sea_orm::{ColumnTrait as _, Condition, DatabaseConnection, EntityTrait as _, QueryFilter as _, QuerySelect as _};

/// A teacher the caller may write to about a child.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correspondent {
    pub staff: i64,
    pub name: String,
    /// `homeroom_teacher` or `subject_teacher`.
    pub role: &'static str,
}

/// The teachers the guardian of `access` may open a conversation with about `student`,
/// homeroom teacher first; empty for anyone but a guardian who may write about the child.
pub async fn of_child(db: &DatabaseConnection, access: &Access, student: i64) -> Result<Vec<Correspondent>, ApiError> {
    if !matches!(access.principal().account, Some(Account::Guardian(_))) {
        return Ok(Vec::new());
    }
    let today = access.principal().today;
    let Some((stay, target)) = writable_child(db, access, student).await? else { return Ok(Vec::new()) };
    let class = stay.class_id;
    let sections: Vec<i64> = section::Entity::find()
        .select_only()
        .column(section::Column::Id)
        .filter(section::Column::ClassId.eq(class))
        .into_tuple()
        .all(db)
        .await?;
    let assigned = Condition::any()
        .add(teaching_assignment::Column::ClassId.eq(class))
        .add(teaching_assignment::Column::SectionId.is_in(sections));
    let mut staff: Vec<i64> = teaching_assignment::Entity::find()
        .select_only()
        .column(teaching_assignment::Column::StaffId)
        .filter(assigned)
        .filter(crate::auth::principal::active_on(
            teaching_assignment::Column::StartsOn,
            teaching_assignment::Column::EndsOn,
            today,
        ))
        .into_tuple()
        .all(db)
        .await?;
    staff.sort_unstable();
    staff.dedup();
    let mut found = Vec::new();
    for id in staff {
        if let Some(role) = writable_teacher(db, access, id, class, target).await? {
            found.push((id, role));
        }
    }
    let names = super::members::staff_names(db, found.iter().map(|&(id, _)| id)).await?;
    let mut correspondents: Vec<Correspondent> = found
        .into_iter()
        .filter_map(|(staff, role)| Some(Correspondent { staff, name: names.get(&staff)?.clone(), role }))
        .collect();
    correspondents
        .sort_by(|a, b| (a.role != "homeroom_teacher", &a.name).cmp(&(b.role != "homeroom_teacher", &b.name)));
    Ok(correspondents)
}
