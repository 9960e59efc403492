//! A student's guardianships joined to their guardians: the one read of a guardian as
//! someone's guardian. A link shows only while it is active and only when the caller may
//! read both the link (`guardianship`) and the guardian (`guardian`), judged on the link;
//! both conditions go into the statement (once when they are the same), and each row is
//! checked as both kinds before it leaves. The guardians loader reads the links on their
//! own; a class roster joins them to its students in its own statement; a read of guardians
//! as people of their own (the REST binding's users) keeps those with a readable link and
//! lets each leave only with the links that pass.

use super::Access;
use super::shape::{Target, shapes};
use crate::auth::principal::active_on;
use emis_authz::{Action, Kind};
use entity::{guardian, guardianship, student};
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{
    ColumnTrait as _, Condition, DbErr, EntityTrait as _, JoinType, QueryFilter as _, QuerySelect as _,
    QueryTrait as _, RelationTrait as _, Select,
};

/// The per-record check of guardian links read by [`Access::guardian_links`] or
/// [`Access::with_guardian_links`].
pub struct LinkChecker<'a> {
    access: &'a Access,
}

impl Access {
    /// The condition on `guardianship` (joined to its guardian) selecting the links, active
    /// today, that the caller may read together with their guardians.
    fn readable_links(&self) -> Condition {
        let shape = shapes::guardianship();
        let links_allowed = self.filter(Kind::Guardianship, Action::Read, &shape);
        let guardians_allowed = self.filter(Kind::Guardian, Action::Read, &shape);
        let mut readable = Condition::all()
            .add(active_on(guardianship::Column::StartsOn, guardianship::Column::EndsOn, self.principal().today))
            .add(links_allowed.clone());
        // Most roles reach a student's links and guardians alike; the database need not
        // evaluate the same condition twice.
        if guardians_allowed != links_allowed {
            readable = readable.add(guardians_allowed);
        }
        readable
    }

    /// The readable links of `students` joined to their guardians, with the columns
    /// `columns` chooses (of both tables); rows leave through the checker.
    pub fn guardian_links(
        &self,
        students: impl IntoIterator<Item = i64>,
        columns: impl FnOnce(Select<guardianship::Entity>) -> Select<guardianship::Entity>,
    ) -> (Select<guardianship::Entity>, LinkChecker<'_>) {
        self.links_where(guardianship::Column::StudentId.is_in(students), columns)
    }

    /// The readable links of the guardians `guardians` (to the children the caller may
    /// read them through), joined to the guardians; rows leave through the checker.
    pub fn links_of_guardians(
        &self,
        guardians: impl IntoIterator<Item = i64>,
        columns: impl FnOnce(Select<guardianship::Entity>) -> Select<guardianship::Entity>,
    ) -> (Select<guardianship::Entity>, LinkChecker<'_>) {
        self.links_where(guardianship::Column::GuardianId.is_in(guardians), columns)
    }

    fn links_where(
        &self,
        which: SimpleExpr,
        columns: impl FnOnce(Select<guardianship::Entity>) -> Select<guardianship::Entity>,
    ) -> (Select<guardianship::Entity>, LinkChecker<'_>) {
        let select = columns(guardianship::Entity::find().select_only())
            .join(JoinType::InnerJoin, guardianship::Relation::Guardian.def())
            .filter(which)
            .filter(self.readable_links());
        (select, LinkChecker { access: self })
    }

    /// The condition on `guardian` keeping the guardians the caller may read through at
    /// least one of their links (as [`Access::links_of_guardians`] reads them), for a read
    /// of guardians as people of their own whose rows then leave with their links.
    pub fn guardians_reached(&self) -> Condition {
        let links = guardianship::Entity::find()
            .select_only()
            .column(guardianship::Column::GuardianId)
            .filter(self.readable_links())
            .into_query();
        Condition::all().add(guardian::Column::Id.in_subquery(links))
    }

    /// `students` (a student read) left-joined to their readable links and the links'
    /// guardians, whose columns the caller then chooses; link rows leave through the checker.
    pub fn with_guardian_links(&self, students: Select<student::Entity>) -> (Select<student::Entity>, LinkChecker<'_>) {
        let readable = self.readable_links();
        let select = students
            .join(JoinType::LeftJoin, student::Relation::Guardianship.def().on_condition(move |_, _| readable.clone()))
            .join(JoinType::LeftJoin, guardianship::Relation::Guardian.def());
        (select, LinkChecker { access: self })
    }
}

impl LinkChecker<'_> {
    /// Keeps the links (read as `T`) the per-record check permits as both the link and
    /// its guardian, each judged as `target` says.
    pub async fn admit<T>(&self, links: Vec<T>, target: impl Fn(&T) -> Target) -> Result<Vec<T>, DbErr> {
        let links = self.access.admit(Kind::Guardianship, links, &target).await?;
        self.access.admit(Kind::Guardian, links, &target).await
    }
}
