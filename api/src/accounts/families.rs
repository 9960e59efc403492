//! The families an activation sheet has one slip for: each guardian in force of the
//! students on a class's roster today (not one whose access is restricted), with their
//! children in that class; or, for guardians named one by one, their children at the
//! school the caller reached them through. Ids and names only: which guardians the caller
//! may act on is decided by the privacy layer before and after (`graphql/accounts.rs`).

use crate::auth::principal::active_on;
use chrono::NaiveDate;
use entity::{AccessStatus, enrollment, guardianship, homeroom_class, student};
use sea_orm::{ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _, QueryOrder as _};
use std::collections::BTreeMap;

/// One child on a slip.
#[derive(Debug, Clone)]
pub struct Child {
    pub student: i64,
    pub school: i64,
    pub name: String,
    /// The class the child is on the roster of today.
    pub class: Option<String>,
}

/// A guardian and their children, as one slip lists them.
#[derive(Debug, Clone)]
pub struct Family {
    pub guardian: i64,
    pub children: Vec<Child>,
}

/// The families of the students on `class`'s roster on `today`, ordered by the first
/// child's name.
pub async fn of_class(db: &impl ConnectionTrait, class: i64, today: NaiveDate) -> Result<Vec<Family>, DbErr> {
    let roster = crate::privacy::on_roster_today(class, today);
    let links = guardianship::Entity::find()
        .filter(guardianship::Column::StudentId.in_subquery(roster))
        .filter(active_on(guardianship::Column::StartsOn, guardianship::Column::EndsOn, today))
        .filter(guardianship::Column::AccessStatus.eq(AccessStatus::Active.as_str()))
        .all(db)
        .await?;
    assemble(db, links, today).await
}

/// The families of `guardians`, with their children at `school` on `today`.
pub async fn of_guardians(
    db: &impl ConnectionTrait,
    guardians: &[i64],
    school: i64,
    today: NaiveDate,
) -> Result<Vec<Family>, DbErr> {
    let links = guardianship::Entity::find()
        .filter(guardianship::Column::GuardianId.is_in(guardians.iter().copied()))
        .filter(guardianship::Column::SchoolId.eq(school))
        .filter(active_on(guardianship::Column::StartsOn, guardianship::Column::EndsOn, today))
        .all(db)
        .await?;
    assemble(db, links, today).await
}

async fn assemble(
    db: &impl ConnectionTrait,
    links: Vec<guardianship::Model>,
    today: NaiveDate,
) -> Result<Vec<Family>, DbErr> {
    let students: Vec<i64> = links.iter().map(|link| link.student_id).collect();
    let rows = student::Entity::find()
        .filter(student::Column::Id.is_in(students.clone()))
        .order_by_asc(student::Column::SortName)
        .all(db)
        .await?;
    let enrolled = enrollment::Entity::find()
        .filter(enrollment::Column::StudentId.is_in(students))
        .filter(active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, today))
        .all(db)
        .await?;
    let classes = homeroom_class::Entity::find()
        .filter(homeroom_class::Column::Id.is_in(enrolled.iter().map(|row| row.class_id)))
        .all(db)
        .await?;
    let class_name = |student: i64| {
        let class = enrolled.iter().find(|row| row.student_id == student)?.class_id;
        classes.iter().find(|row| row.id == class).map(|row| row.name.clone())
    };
    let mut families: BTreeMap<i64, Family> = BTreeMap::new();
    for row in &rows {
        for link in links.iter().filter(|link| link.student_id == row.id) {
            let family = families
                .entry(link.guardian_id)
                .or_insert_with(|| Family { guardian: link.guardian_id, children: vec![] });
            family.children.push(Child {
                student: row.id,
                school: link.school_id,
                name: row.full_name.clone(),
                class: class_name(row.id),
            });
        }
    }
    let mut families: Vec<Family> = families.into_values().collect();
    let order =
        |family: &Family| rows.iter().position(|row| Some(row.id) == family.children.first().map(|c| c.student));
    families.sort_by_key(|family| (order(family), family.guardian));
    Ok(families)
}
