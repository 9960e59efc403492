//! `staff_notification`: something a staff member is told of — a guardian's message in a
//! conversation they are in, a notice to the school's staff that reached them, or (to a
//! privacy officer) a vendor's read refused at a sharing agreement's daily cap. Read
//! through the privacy layer as what it tells of (a message as its conversation, a notice as
//! its delivery to the staff member), and only by the staff member it is addressed to. The
//! outbox decides once how it reaches their phone (`dispatched_at`), holding it while they
//! are not available (`held_until`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_notification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The staff member told.
    pub staff_id: i64,
    pub school_id: i64,
    /// `message` | `notice` | `sharing_cap`.
    pub kind: String,
    /// For a message: the child the conversation is about, and their class.
    pub student_id: Option<i64>,
    pub class_id: Option<i64>,
    /// The conversation a `message` was written in.
    pub conversation_id: Option<i64>,
    /// The notice a `notice` tells of.
    pub notice_id: Option<i64>,
    /// The [`crate::sharing_cap_alert`] a `sharing_cap` tells of.
    pub cap_alert_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    /// When the outbox decided how it reaches the staff member's phone; null until then.
    pub dispatched_at: Option<DateTimeUtc>,
    /// Not dispatched before this time: the staff member was not available when it came.
    pub held_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
