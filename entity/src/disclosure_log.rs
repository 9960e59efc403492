//! `disclosure_log`: the append-only, hash-chained log of who was shown which fields of which
//! students, and why.

use sea_orm::entity::prelude::*;

/// One disclosure: what one request showed of some students of one school. `actor_kind` is
/// an [`crate::AccountKind`] value with `actor_id` the account; `hash` chains over the
/// previous entry's `prev_hash`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "disclosure_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor_kind: String,
    pub actor_id: i64,
    pub session_id: Option<i64>,
    pub school_id: i64,
    /// Space-separated field groups, e.g. `result student.identity`.
    pub fields: String,
    pub purpose: String,
    pub prev_hash: Option<String>,
    pub hash: String,
    /// The students shown: ids in ascending order, space-separated, e.g. `12 40 41`.
    pub students: String,
    /// The version of the privacy policy the reader was judged under (none in entries
    /// written before versions were kept).
    pub policy_version: Option<String>,
}

impl Model {
    /// The ids in `students`.
    pub fn student_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.students.split(' ').filter_map(|id| id.parse().ok())
    }
}

/// Plain id references only: the log must outlive any row it names.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
