//! `sharing_consent`: a guardian's decision on a purpose that needs families' consent, for
//! one child — given, refused or withdrawn, when, through which channel and on which text.
//! The decision in force is the one not superseded.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sharing_consent")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub student_id: i64,
    /// The child's school when decided.
    pub school_id: i64,
    pub purpose: String,
    /// `given` | `refused` | `withdrawn`.
    pub decision: String,
    pub guardian_id: i64,
    /// `app` | `paper`.
    pub channel: String,
    pub text_version: String,
    pub decided_at: DateTimeUtc,
    /// When a later decision replaced this one.
    pub superseded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
