//! `change_request`: a change to a locked book, asked for with a reason and waiting for the
//! principal's decision. An approved request is applied to the record and kept in
//! `record_change` with its approver; a rejected one changes nothing. Rows are never deleted.
//! A request concerns a score, a conduct level or a roll-call entry.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_request")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub school_id: i64,
    pub student_id: i64,
    /// The kind of record: `result`, `conduct` or `attendance`.
    pub kind: String,
    pub section_id: Option<i64>,
    pub class_id: Option<i64>,
    pub semester_id: i64,
    pub assessment_id: Option<i64>,
    /// The version of the record the request was made against; `None` when there was none.
    pub expected_version: Option<i32>,
    pub score_tenths: Option<i16>,
    pub passed: Option<bool>,
    pub comment: Option<String>,
    /// For conduct: the level asked for (`tot`, `kha`, `dat`, `chua_dat`).
    pub level: Option<String>,
    /// For a roll-call entry: its day, half-day session, period (when the roll call was per
    /// period) and the status asked for (an [`crate::AttendanceStatus`] value); its note is
    /// in `comment`.
    pub attendance_date: Option<Date>,
    pub attendance_session: Option<String>,
    pub attendance_period: Option<i32>,
    pub attendance_status: Option<String>,
    /// The values as the books show them.
    pub old_value: Option<String>,
    pub new_value: String,
    pub reason: String,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    pub requested_by_id: i64,
    pub requested_at: DateTimeUtc,
    pub decided_by_id: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_note: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::student::Entity", from = "Column::StudentId", to = "super::student::Column::Id")]
    Student,
}

impl Related<super::student::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Student.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
