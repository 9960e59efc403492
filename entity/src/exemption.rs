//! `exemption`: a student excused (miễn) from a section's assessments — or, with `part`, from
//! part of the subject — for one semester or, with no semester, the whole year. In force while
//! `lifted_at` is unset; never deleted.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "exemption")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub school_id: i64,
    pub student_id: i64,
    pub section_id: i64,
    /// The section's class.
    pub class_id: i64,
    /// `None`: the whole school year.
    pub semester_id: Option<i64>,
    /// The part of the subject exempted (miễn một phần); `None`: the whole subject.
    pub part: Option<String>,
    pub granted_by_id: i64,
    pub granted_at: DateTimeUtc,
    pub lifted_by_id: Option<i64>,
    pub lifted_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
