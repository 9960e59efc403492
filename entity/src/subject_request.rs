//! `subject_request`: a guardian's request about their child's data, or a staff member's
//! about their own — a copy, a correction, a restriction of processing or a deletion — with
//! its legal deadlines, who handles it and how it ended; a restriction stands from its
//! completion until lifted, and a deletion keeps the report of what was erased and kept.

use sea_orm::entity::prelude::*;

/// One request, judged as a record about the child, or about the staff member, at `school_id`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subject_request")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The child it is about, for a guardian's request.
    pub student_id: Option<i64>,
    pub school_id: i64,
    /// `access` | `correction` | `restriction` | `deletion`.
    pub kind: String,
    pub details: String,
    /// The guardian who asked, for a request about a child.
    pub requested_by: Option<i64>,
    pub received_at: DateTimeUtc,
    /// Two working days after it was received.
    pub acknowledge_by: DateTimeUtc,
    /// The deadline to carry it out.
    pub complete_by: DateTimeUtc,
    pub acknowledged_at: Option<DateTimeUtc>,
    /// The staff member handling it.
    pub assigned_to: Option<i64>,
    /// `received` | `acknowledged` | `completed` | `refused`.
    pub status: String,
    pub outcome: Option<String>,
    pub completed_at: Option<DateTimeUtc>,
    pub completed_by: Option<i64>,
    /// The staff member it is about, who asked, for a staff member's request about themself.
    pub staff_id: Option<i64>,
    /// For a completed restriction: when it was lifted (it stands until then).
    pub lifted_at: Option<DateTimeUtc>,
    /// For a completed deletion: what was erased and what was kept, and why (JSON).
    pub carried_out: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
