//! The disclosure log as the API shows it: to a guardian, who was shown their child's
//! records; to a school's privacy officer and principal, the school's log. Read through the
//! policy's `disclosure` kind like every other record.

use super::context::state;
use super::ids;
use super::read::visible;
use crate::error::ApiResult;
use crate::privacy::{Shape, Target, shape::col};
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use emis_authz::Kind;
use entity::{disclosure_log, staff};
use sea_orm::{ColumnTrait as _, Condition, EntityTrait as _, QueryFilter as _, QueryOrder as _, QuerySelect as _};

/// One entry: who was shown which field groups of a student, when and why.
pub struct DisclosureEntry(pub disclosure_log::Model);

#[Object]
impl DisclosureEntry {
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    async fn student_id(&self) -> ID {
        ids::encode("Student", self.0.student_id)
    }
    /// staff | guardian | vendor
    async fn actor_kind(&self) -> &str {
        &self.0.actor_kind
    }
    /// The name of the staff member who was shown the data (null for other kinds).
    async fn actor_name(&self, ctx: &Context<'_>) -> ApiResult<Option<String>> {
        if self.0.actor_kind != "staff" {
            return Ok(None);
        }
        let name: Option<String> = staff::Entity::find_by_id(self.0.actor_id)
            .select_only()
            .column(staff::Column::FullName)
            .into_tuple()
            .one(&state(ctx)?.db)
            .await?;
        Ok(name)
    }
    /// Field groups shown, e.g. `result`, `student.identity`, `guardian.contact`.
    async fn fields(&self) -> Vec<&str> {
        self.0.fields.split(' ').filter(|f| !f.is_empty()).collect()
    }
    async fn purpose(&self) -> &str {
        &self.0.purpose
    }
}

fn shape() -> Shape {
    Shape::Personal {
        student: col(disclosure_log::Entity, disclosure_log::Column::StudentId),
        school: col(disclosure_log::Entity, disclosure_log::Column::SchoolId),
        section: None,
        class: None,
    }
}

/// The newest `first` entries matching `narrow` that the caller may read.
pub async fn entries(ctx: &Context<'_>, narrow: Condition, first: u64) -> ApiResult<Vec<DisclosureEntry>> {
    let select =
        disclosure_log::Entity::find().filter(narrow).order_by_desc(disclosure_log::Column::Id).limit(first.min(200));
    let rows =
        visible(ctx, Kind::Disclosure, &shape(), select, |row| Target::student(row.student_id, row.school_id)).await?;
    Ok(rows.into_iter().map(DisclosureEntry).collect())
}

/// Entries about `student`.
pub async fn of_student(ctx: &Context<'_>, student: i64, first: u64) -> ApiResult<Vec<DisclosureEntry>> {
    entries(ctx, Condition::all().add(disclosure_log::Column::StudentId.eq(student)), first).await
}
