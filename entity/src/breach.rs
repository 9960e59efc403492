//! `breach`: a personal-data breach a school's privacy officer recorded, with the 72-hour
//! deadline to notify.

use sea_orm::entity::prelude::*;

/// One breach, judged on its school (`org_id`). `reader_kind`/`reader_id` and the window
/// name the reads the disclosure log was searched for, when the breach is a reader's.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "breach")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub org_id: i64,
    /// The staff member who recorded it.
    pub recorded_by: i64,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub discovered_at: DateTimeUtc,
    /// 72 hours after `discovered_at`.
    pub notify_by: DateTimeUtc,
    pub notified_at: Option<DateTimeUtc>,
    pub reader_kind: Option<String>,
    pub reader_id: Option<i64>,
    pub window_from: Option<DateTimeUtc>,
    pub window_to: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
