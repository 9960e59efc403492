//! `notice`: something a school publishes to families — a notice, a document (văn bản),
//! news or an invitation — for the whole school, a grade, one class, chosen students or the
//! school's staff. Who it reached is kept in `notice_delivery` (and `notice_staff_delivery`),
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
    /// `notice` | `document` | `news` | `invitation`.
    pub kind: String,
    pub title: String,
    /// Plain text.
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// `school` | `grade` | `class` | `students` | `staff`.
    pub audience: String,
    /// The class of a class's notice.
    pub class_id: Option<i64>,
    pub published_at: DateTimeUtc,
    pub expires_at: Option<DateTimeUtc>,
    /// When it was withdrawn: its title and body are then shown to no one.
    pub withdrawn_at: Option<DateTimeUtc>,
    /// The staff member who withdrew it.
    pub withdrawn_by_id: Option<i64>,
    /// For an invitation: when the event takes place (replies close then).
    pub event_at: Option<DateTimeUtc>,
    /// For an invitation: where.
    pub place: Option<String>,
    /// The grade level of a grade's notice.
    pub grade_level: Option<i16>,
    /// While set, the notice waits to be published at this time (`published_at` too) and has
    /// no deliveries yet; cleared when its recipients are resolved.
    pub scheduled_for: Option<DateTimeUtc>,
    /// When its title, body or expiry were last changed (earlier ones in `notice_version`).
    pub edited_at: Option<DateTimeUtc>,
    /// Marked urgent by its author: families who have no push device (or chose SMS) are also
    /// sent an SMS.
    pub urgent: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
