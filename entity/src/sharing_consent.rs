//! `sharing_consent`: a decision on a purpose that needs families' consent, for one child —
//! a guardian's, or from the age of 7 the child's own — given, refused or withdrawn, when,
//! through which channel and on which text. Each one's decision in force is the one not
//! superseded.

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
    /// The guardian who decided, or through whose app the child's answer was given; empty
    /// when the child decided in their own app.
    pub guardian_id: Option<i64>,
    /// `app` | `paper` | `guardian` (the child's answer, given through the guardian's app).
    pub channel: String,
    pub text_version: String,
    pub decided_at: DateTimeUtc,
    /// When a later decision replaced this one.
    pub superseded_at: Option<DateTimeUtc>,
    /// `guardian` | `child`.
    pub decided_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
