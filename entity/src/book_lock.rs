//! `book_lock`: the principal's lock on a section's semester (or, with no section, on every
//! section of the school in that semester). A lock holds until `unlocked_at` is set; rows are
//! never deleted, so past locks stay on record.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "book_lock")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub school_id: i64,
    pub semester_id: i64,
    /// `None`: the whole school's semester.
    pub section_id: Option<i64>,
    /// The staff member who locked.
    pub locked_by_id: i64,
    pub locked_at: DateTimeUtc,
    pub unlocked_by_id: Option<i64>,
    pub unlocked_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
