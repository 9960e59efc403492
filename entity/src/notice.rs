//! `notice`: something a school publishes to families — a notice, a document (văn bản) or
//! news — for the whole school or one class. Who it reached is kept in `notice_delivery`,
//! resolved when it was published; a notice is read only through its deliveries.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notice")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub school_id: i64,
    /// The staff member who published it.
    pub author_staff_id: i64,
    /// `notice` | `document` | `news`.
    pub kind: String,
    pub title: String,
    /// Plain text.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// `school` | `class`.
    pub audience: String,
    /// The class of a class's notice.
    pub class_id: Option<i64>,
    pub published_at: DateTimeUtc,
    pub expires_at: Option<DateTimeUtc>,
    /// When it was withdrawn: its title and body are then shown to no one.
    pub withdrawn_at: Option<DateTimeUtc>,
    /// The staff member who withdrew it.
    pub withdrawn_by_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
