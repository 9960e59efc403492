//! The query root: `me` (see [`super::me`]), schools, classes, sections, students, the staff
//! directory and `node(id:)`. Every field resolves through the privacy layer; a record the caller may not
//! see reads exactly like one that does not exist (null, or absent from the list).

use super::context::{access, signed_in, state};
use super::ids;
use super::me::Me;
use super::people::{Staff, Student, staff_where};
use super::school::{self, Class, School, Section};
use super::students::{self, StudentConnection, StudentOrder, StudentQuery};
use crate::error::ApiResult;
use crate::privacy::readers;
use async_graphql::{Context, ID, Interface, Object};
use entity::staff;
use sea_orm::{ColumnTrait as _, Order};

/// Anything with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The record's global id, for `node(id:)`."))]
pub enum Node {
    School(School),
    Class(Class),
    Section(Section),
    Student(Student),
    Staff(Staff),
}

/// The query root.
pub struct QueryRoot;

#[Object]
impl QueryRoot {
    /// Who I am, my roles, and what I can reach; null when not signed in.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Option<Me>> {
        Ok(access(ctx)?.principal().account.map(|_| Me))
    }
    /// Schools the caller may see.
    async fn schools(&self, ctx: &Context<'_>) -> ApiResult<Vec<School>> {
        signed_in(ctx)?;
        school::schools(ctx).await
    }
    /// The school calendar: the school years (năm học) by start date, each with its
    /// semesters, whose ids are the `semesterId`s that columns, locks, conduct and summaries
    /// take. The calendar is national and nobody's personal data: every signed-in caller reads it.
    async fn school_years(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::calendar::SchoolYear>> {
        signed_in(ctx)?;
        super::calendar::years(ctx).await
    }
    /// What rolling a school over from one school year to the next would do, per student of
    /// its classes of the old year: PROMOTE to which class (the next grade's class of the
    /// same name, 6A → 7A, or the one `classMap` names), KEEP_BACK in which class (the same
    /// name), GRADUATE from the school's final grade, or PENDING with the reason (re-tests,
    /// summer training or a primary re-assessment not recorded, results missing, no class to
    /// go to) — from the class summary's computed promotion and the primary book's year
    /// result. Only students still enrolled in an old-year class with no end are in the plan:
    /// run again after a rollover, it covers those the rollover left out. Nothing is written;
    /// `rollOver` carries out the plan whose `digest` it is given. For the principal
    /// (`rollover`/`read`, and reading the class summaries); another school answers like a
    /// missing one.
    async fn preview_rollover(
        &self,
        ctx: &Context<'_>,
        school_id: ID,
        from_year_id: ID,
        to_year_id: ID,
        #[graphql(validator(max_items = 80))] class_map: Option<Vec<super::years::ClassMapInput>>,
        #[graphql(validator(max_items = 3600))] keep_back: Option<Vec<ID>>,
    ) -> ApiResult<super::years::RolloverPlan> {
        let (class_map, keep_back) = (class_map.unwrap_or_default(), keep_back.unwrap_or_default());
        let years = (&from_year_id, &to_year_id);
        let args =
            super::years::RolloverArgs { school_id: &school_id, years, class_map: &class_map, keep_back: &keep_back };
        super::years::preview(ctx, &args).await
    }
    /// The school with this id, if the caller may see it.
    async fn school(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<School>> {
        match ids::decode_as("School", &id) {
            Some(id) => school::school_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
    /// The class with this id, if the caller may see it.
    async fn class(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Class>> {
        match ids::decode_as("Class", &id) {
            Some(id) => school::class_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
    /// The section with this id, if the caller may see it.
    async fn section(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Section>> {
        match ids::decode_as("Section", &id) {
            Some(id) => school::section_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
    /// Students the caller may see: search by name, filter by school, class or exact
    /// identity number, in roster order. The school and class filters hold only where the
    /// caller may read where the student is (`enrollment`), and the identity number only
    /// where they may read it: a filter on a class or school out of reach answers as one on a
    /// class or school that does not exist.
    #[allow(clippy::too_many_arguments)]
    async fn students(
        &self,
        ctx: &Context<'_>,
        #[graphql(validator(minimum = 0, maximum = 100))] first: Option<i32>,
        after: Option<String>,
        search: Option<String>,
        school_id: Option<ID>,
        class_id: Option<ID>,
        identity_number: Option<String>,
        order_by: Option<StudentOrder>,
    ) -> ApiResult<StudentConnection> {
        signed_in(ctx)?;
        let query = StudentQuery { first, after, search, school_id, class_id, identity_number, order_by };
        students::students(ctx, query).await
    }
    /// The student with this id, if the caller may see them.
    async fn student(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Student>> {
        match ids::decode_as("Student", &id) {
            Some(id) => students::student_by_id(ctx, id).await,
            None => Ok(None),
        }
    }
    /// Staff working now (status active) whom the caller may see, by name; optionally of one
    /// school or matching a name. Staff on leave, transferred or gone are not listed; their
    /// record stays reachable by id (`node`) for those who may read it.
    async fn staff_directory(
        &self,
        ctx: &Context<'_>,
        school_id: Option<ID>,
        search: Option<String>,
    ) -> ApiResult<Vec<Staff>> {
        signed_in(ctx)?;
        let mut staff = access(ctx)?
            .read(&readers::STAFF)
            .order_by(staff::Column::SortName, Order::Asc)
            .limit(500)
            .narrow(staff::Column::Status, |column| column.eq(entity::StaffStatus::Active.as_str()));
        if let Some(school) = school_id {
            let school = ids::decode_as("School", &school).unwrap_or(-1);
            staff = staff.narrow(staff::Column::SchoolId, |column| column.eq(school));
        }
        if let Some(search) = search.as_deref().map(crate::text::fold).filter(|s| !s.is_empty()) {
            let backend = state(ctx)?.db.get_database_backend();
            staff = staff.narrow(staff::Column::SearchName, |column| {
                crate::text::contains(backend, (staff::Entity, column), search)
            });
        }
        staff_where(ctx, staff).await
    }
    /// The disclosure log, newest first, as far as the caller may read it (privacy officers
    /// and principals: their school's), narrowed to one student (`studentId`), one reader
    /// (`readerId`: a staff member, a guardian or a vendor's client), one purpose (a vendor's
    /// entries match the code of any agreement they name) and a time window (`from`
    /// inclusive, `to` exclusive).
    #[allow(clippy::too_many_arguments)]
    async fn disclosure_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
        student_id: Option<ID>,
        reader_id: Option<ID>,
        #[graphql(validator(max_length = 64))] purpose: Option<String>,
        from: Option<chrono::DateTime<chrono::Utc>>,
        to: Option<chrono::DateTime<chrono::Utc>>,
    ) -> ApiResult<Vec<super::disclosures::DisclosureEntry>> {
        signed_in(ctx)?;
        let reader = reader_id.as_ref().map(super::disclosures::reader_of).transpose()?;
        let query = crate::privacy::LogQuery { reader, purpose, from, to };
        let first = u64::try_from(first).unwrap_or(50);
        match student_id {
            Some(student) => match ids::decode_as("Student", &student) {
                Some(student) => super::disclosures::of_student(ctx, student, &query, first).await,
                None => Ok(Vec::new()),
            },
            None => super::disclosures::entries(ctx, &query, first).await,
        }
    }
    /// Changes asked for in locked books that the caller may read, newest first: the
    /// principal's school's, a teacher's sections'. `status`: pending (default), approved,
    /// rejected, or null for all.
    async fn change_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "Some(\"pending\".to_owned())")] status: Option<String>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
    ) -> ApiResult<Vec<super::book_locks::ChangeRequest>> {
        super::book_locks::requests(ctx, status.as_deref(), None, u64::try_from(first).unwrap_or(50)).await
    }
    /// A notice by id, as the caller may see it: a guardian's if it reached their children,
    /// a staff member's if it reached students whose notices they may read, or if they
    /// wrote it; null when missing or out of reach alike.
    async fn notice(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<super::notices::Notice>> {
        super::notices::one(ctx, &id).await
    }
    /// A private conversation by id, as the caller may read it: one they are in, or (for the
    /// principal) one of the school's that was reported; null when missing or out of reach
    /// alike.
    async fn conversation(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<super::conversations::Conversation>> {
        super::conversations::one(ctx, &id).await
    }
    /// Leave requests the caller may read, newest first: a guardian's children's, a homeroom
    /// teacher's class's, a principal's school's. `status`: pending (default), accepted,
    /// rejected, or null for all.
    async fn leave_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "Some(\"pending\".to_owned())")] status: Option<String>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
    ) -> ApiResult<Vec<super::roll_call::LeaveRequest>> {
        super::roll_call::leave_requests(ctx, status.as_deref(), u64::try_from(first).unwrap_or(50)).await
    }
    /// Transfers to and from the caller's schools (a guardian: their children's), newest
    /// first. `status`: pending (default: released, waiting to be admitted), admitted, or
    /// null for all.
    async fn transfers(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "Some(\"pending\".to_owned())")] status: Option<String>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
    ) -> ApiResult<Vec<super::movements::Transfer>> {
        super::movements::transfers(ctx, status.as_deref(), u64::try_from(first).unwrap_or(50)).await
    }
    /// The SMS messages school `schoolId` sent (codes, absence notices), newest first, with
    /// their delivery state; `state`: pending, sending, sent, failed, or null for all. Null
    /// when the school does not exist or the caller may not read its messages (its
    /// principal and clerk may).
    async fn outbox(
        &self,
        ctx: &Context<'_>,
        school_id: ID,
        state: Option<String>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
    ) -> ApiResult<Option<Vec<super::outbox::OutboxMessage>>> {
        signed_in(ctx)?;
        super::outbox::of_school(ctx, &school_id, state.as_deref(), u64::try_from(first).unwrap_or(50)).await
    }
    /// The vendors' clients the caller may read (a school's principal, an office's district
    /// officer, the school's privacy officer), of school `schoolId` when given, newest first,
    /// each with its sharing agreements.
    async fn vendor_clients(
        &self,
        ctx: &Context<'_>,
        school_id: Option<ID>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
    ) -> ApiResult<Vec<super::sharing::VendorClient>> {
        super::sharing::list(ctx, school_id.as_ref(), u64::try_from(first).unwrap_or(50)).await
    }
    /// Reads refused because they would have taken a sharing agreement past its daily cap of
    /// students (the agreement then shared nothing more that day), newest first, as the
    /// caller may read them: the agreement's organisation's administrators and privacy
    /// officer.
    async fn sharing_cap_alerts(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
    ) -> ApiResult<Vec<super::sharing::SharingCapAlert>> {
        super::sharing::cap_alerts(ctx, u64::try_from(first).unwrap_or(50)).await
    }
    /// The personal-data breaches of the caller's school (its privacy officer and principal),
    /// newest found first, with the deadline to notify each.
    async fn breaches(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
    ) -> ApiResult<Vec<super::breaches::Breach>> {
        signed_in(ctx)?;
        super::breaches::list(ctx, u64::try_from(first).unwrap_or(50)).await
    }
    /// Data-subject requests the caller may read — a guardian's about their children, the
    /// school's queue for its privacy officer — the earliest deadline first; only those
    /// still open with `open: true`.
    async fn subject_requests(
        &self,
        ctx: &Context<'_>,
        open: Option<bool>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
    ) -> ApiResult<Vec<super::subject_requests::SubjectRequest>> {
        signed_in(ctx)?;
        let open = open.unwrap_or(false);
        super::subject_requests::list(ctx, open, u64::try_from(first).unwrap_or(50)).await
    }
    /// The purposes personal data is processed for: the privacy officer's list.
    async fn sharing_purposes(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::sharing::SharingPurpose>> {
        super::sharing::purposes_listed(ctx)
    }
    /// Any record by global id; null when it does not exist or may not be seen.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Node>> {
        let Some((kind, row)) = ids::decode(&id) else {
            return Ok(None);
        };
        Ok(match kind.as_str() {
            "School" => school::school_by_id(ctx, row).await?.map(Node::School),
            "Class" => school::class_by_id(ctx, row).await?.map(Node::Class),
            "Section" => school::section_by_id(ctx, row).await?.map(Node::Section),
            "Student" => students::student_by_id(ctx, row).await?.map(Node::Student),
            "Staff" => {
                let staff = access(ctx)?.read(&readers::STAFF).by_id(row);
                staff_where(ctx, staff).await?.pop().map(Node::Staff)
            }
            _ => None,
        })
    }
}
