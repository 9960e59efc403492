//! `me`: the signed-in caller — who they are, their roles, their own record, what they
//! teach or follow, and what they have been told (notifications, notices, conversations,
//! unread counts, how they are reached). Every field resolves through the privacy layer.

use super::context::{access, database};
use super::people::{Guardian, Staff, Student, staff_where};
use super::school::{self, Class, School, Section};
use crate::error::ApiResult;
use crate::privacy::readers;
use async_graphql::{Context, Object};
use entity::student;
use sea_orm::{ColumnTrait as _, Order};

/// The signed-in caller.
pub struct Me;

#[Object]
impl Me {
    /// staff | guardian | student
    async fn account_kind(&self, ctx: &Context<'_>) -> ApiResult<Option<&'static str>> {
        Ok(access(ctx)?.principal().account.map(|account| account.kind()))
    }
    /// The roles the caller holds today, as the policy names them.
    async fn roles(&self, ctx: &Context<'_>) -> ApiResult<Vec<&'static str>> {
        let mut roles: Vec<&'static str> = access(ctx)?.principal().roles.keys().map(|role| role.as_str()).collect();
        roles.sort_unstable();
        Ok(roles)
    }
    /// The caller's own staff record.
    async fn staff(&self, ctx: &Context<'_>) -> ApiResult<Option<Staff>> {
        let Some(id) = access(ctx)?.principal().staff_id() else {
            return Ok(None);
        };
        Ok(staff_where(ctx, access(ctx)?.read(&readers::STAFF).by_id(id)).await?.pop())
    }
    /// The caller's own guardian record.
    async fn guardian(&self, ctx: &Context<'_>) -> ApiResult<Option<Guardian>> {
        let Some(id) = access(ctx)?.principal().guardian_id() else {
            return Ok(None);
        };
        let rows = access(ctx)?.read(&readers::GUARDIAN).by_id(id).all(database(ctx)?).await?;
        Ok(rows.into_iter().next().map(|row| Guardian::Myself(row.into())))
    }
    /// The caller's own student record, when the caller is a student.
    async fn student(&self, ctx: &Context<'_>) -> ApiResult<Option<Student>> {
        let Some(id) = access(ctx)?.principal().student_id() else {
            return Ok(None);
        };
        let rows = access(ctx)?.read(&readers::STUDENT).by_id(id).all(database(ctx)?).await?;
        Ok(rows.into_iter().next().map(Student::from))
    }
    /// A guardian's children (active, unrestricted guardianships).
    async fn children(&self, ctx: &Context<'_>) -> ApiResult<Vec<Student>> {
        let children: Vec<i64> = access(ctx)?.principal().children.iter().copied().collect();
        let rows = access(ctx)?
            .read(&readers::STUDENT)
            .narrow(student::Column::Id, |id| id.is_in(children))
            .order_by(student::Column::SortName, Order::Asc)
            .all(database(ctx)?)
            .await?;
        Ok(rows.into_iter().map(Student::from).collect())
    }
    /// Classes the caller is homeroom teacher of.
    async fn homeroom_classes(&self, ctx: &Context<'_>) -> ApiResult<Vec<Class>> {
        let ids: Vec<i64> = access(ctx)?.principal().homeroom_classes.iter().copied().collect();
        let mut classes = Vec::new();
        for id in ids {
            classes.extend(school::class_by_id(ctx, id).await?);
        }
        Ok(classes)
    }
    /// Sections the caller teaches.
    async fn sections(&self, ctx: &Context<'_>) -> ApiResult<Vec<Section>> {
        let ids: Vec<i64> = access(ctx)?.principal().taught_sections.iter().copied().collect();
        let mut sections = Vec::new();
        for id in ids {
            sections.extend(school::section_by_id(ctx, id).await?);
        }
        Ok(sections)
    }
    /// What the guardian has been told about their children, newest first (empty for staff):
    /// of the `kinds` asked (absence | notice | notice_reminder | message | score), or all.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
        #[graphql(default = false)] unread_only: bool,
        #[graphql(validator(max_items = 5))] kinds: Option<Vec<String>>,
    ) -> ApiResult<Vec<super::notifications::Notification>> {
        let kinds = kinds.unwrap_or_default();
        super::notifications::list(ctx, u64::try_from(first).unwrap_or(50), unread_only, &kinds).await
    }
    /// What the staff member has been told of, newest first (empty for guardians): of the
    /// `kinds` asked (notice | message | sharing_cap), or all.
    async fn staff_notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
        #[graphql(default = false)] unread_only: bool,
        #[graphql(validator(max_items = 3))] kinds: Option<Vec<String>>,
    ) -> ApiResult<Vec<super::staff_alerts::StaffNotification>> {
        let kinds = kinds.unwrap_or_default();
        super::staff_alerts::list(ctx, u64::try_from(first).unwrap_or(50), unread_only, &kinds).await
    }
    /// When the staff member's notifications reach their phone (staff only).
    async fn availability(&self, ctx: &Context<'_>) -> ApiResult<super::staff_alerts::Availability> {
        super::staff_alerts::availability_of(ctx).await
    }
    /// How many of the caller's notifications are unread, in all and by kind (for staff,
    /// their notices and messages).
    async fn unread(&self, ctx: &Context<'_>) -> ApiResult<super::notifications::Unread> {
        super::notifications::unread(ctx).await
    }
    /// How each kind of notification reaches the guardian outside the app (guardians only).
    async fn notification_channels(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::channels::NotificationChannel>> {
        super::channels::channels(ctx).await
    }
    /// The caller's devices registered for push notifications, newest first (guardians and
    /// staff).
    async fn push_devices(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::channels::PushDevice>> {
        super::channels::devices(ctx).await
    }
    /// The notices, documents, news and invitations the school sent for the guardian's
    /// children that have not expired, newest first, with whether they were read; for a
    /// staff member, the notices to their school's staff that reached them.
    async fn notices(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20, validator(minimum = 1, maximum = 100))] first: i32,
    ) -> ApiResult<Vec<super::notices::Notice>> {
        super::notices::list(ctx, u64::try_from(first).unwrap_or(20)).await
    }
    /// The private conversations the caller is in, newest activity first, each with how
    /// many of its messages the caller has not read.
    async fn conversations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20, validator(minimum = 1, maximum = 100))] first: i32,
    ) -> ApiResult<Vec<super::conversations::Conversation>> {
        super::conversations::list(ctx, u64::try_from(first).unwrap_or(20)).await
    }
    /// Schools the caller may see.
    async fn schools(&self, ctx: &Context<'_>) -> ApiResult<Vec<School>> {
        school::schools(ctx).await
    }
}
