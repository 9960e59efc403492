//! How a mutation obtains its target: [`Access::reach`] asks the policy before anything
//! else is looked up or validated — the SQL condition for the action is part of the
//! look-up itself, then the per-record check — and answers a missing record and a
//! forbidden one with the same [`ApiError::NotPermitted`]. Nothing a mutation says after it
//! (a validation message, a conflict) can then tell the two apart. A write that names many
//! students at the place it reached asks for each with [`Access::may_about_each`].

use super::Access;
use super::shape::{Shape, Target};
use super::visible::Reader;
use crate::error::ApiError;
use emis_authz::{Action, Kind, Relationship};
use sea_orm::{ColumnTrait as _, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter as _};

impl Access {
    /// The row `id` of `reader`'s table, when the caller may `action` it as `kind` (judged
    /// on the reader's shape and target); [`ApiError::NotPermitted`] when it is missing or
    /// forbidden alike.
    pub async fn reach<E>(
        &self,
        db: &impl ConnectionTrait,
        reader: &'static Reader<E>,
        kind: Kind,
        action: Action,
        id: i64,
    ) -> Result<E::Model, ApiError>
    where
        E: EntityTrait,
        E::Model: Send + Sync,
    {
        self.reach_where(db, reader, kind, action, Condition::all().add(reader.key.eq(id))).await
    }

    /// [`Access::reach`] for the one row that `which` (a condition on the row's own
    /// columns, such as a student and a day) names.
    pub async fn reach_where<E>(
        &self,
        db: &impl ConnectionTrait,
        reader: &'static Reader<E>,
        kind: Kind,
        action: Action,
        which: Condition,
    ) -> Result<E::Model, ApiError>
    where
        E: EntityTrait,
        E::Model: Send + Sync,
    {
        self.reachable(db, reader, kind, action, which).await?.ok_or(ApiError::NotPermitted)
    }

    /// The row of [`Access::reach_where`], or `None` when it is missing or forbidden (for a
    /// read that answers both with nothing).
    pub async fn reachable<E>(
        &self,
        db: &impl ConnectionTrait,
        reader: &'static Reader<E>,
        kind: Kind,
        action: Action,
        which: Condition,
    ) -> Result<Option<E::Model>, DbErr>
    where
        E: EntityTrait,
        E::Model: Send + Sync,
    {
        self.checked_one::<E>(db, kind, action, which, &(reader.shape)(), |row| Some((reader.target)(row))).await
    }

    /// The place (class or section) `id` of `reader`'s table, when the caller may `action`
    /// a record of `kind` about `student` there — judged on the place's columns with the
    /// student as given, by the SQL condition and then the per-record check;
    /// [`ApiError::NotPermitted`] when the place is missing or forbidden alike.
    pub async fn reach_about<E>(
        &self,
        db: &impl ConnectionTrait,
        reader: &'static Reader<E>,
        student: i64,
        kind: Kind,
        action: Action,
        id: i64,
    ) -> Result<E::Model, ApiError>
    where
        E: EntityTrait,
        E::Model: Send + Sync,
    {
        let Some(shape) = (reader.shape)().about(student) else { return Err(ApiError::NotPermitted) };
        let which = Condition::all().add(reader.key.eq(id));
        let about = |row: &E::Model| (reader.target)(row).about(student);
        self.checked_one::<E>(db, kind, action, which, &shape, about).await?.ok_or(ApiError::NotPermitted)
    }

    /// Whether the caller may `action` a record of `kind` about each of `students` at
    /// `place` (a row of `reader`'s table, reached), judged by the per-record check on the
    /// place's values with each student: for a write that names many students at one
    /// place. `false` when `reader`'s rows are no place.
    pub async fn may_about_each<E: EntityTrait>(
        &self,
        reader: &'static Reader<E>,
        place: &E::Model,
        students: &[i64],
        kind: Kind,
        action: Action,
    ) -> Result<bool, DbErr> {
        let place = (reader.target)(place);
        for &student in students {
            let Some(target) = place.about(student) else { return Ok(false) };
            if !self.permits(kind, action, target).await? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether the caller may `action` every record of `kind` among `targets`, by the
    /// per-record check: for a write that makes records at places it resolved after
    /// reaching the place it was asked for (a notice's deliveries, one per student there).
    pub async fn may_each(
        &self,
        kind: Kind,
        action: Action,
        targets: impl IntoIterator<Item = Target>,
    ) -> Result<bool, DbErr> {
        for target in targets {
            if !self.permits(kind, action, target).await? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Whether the caller may `action` national records of `kind` — nobody's, in no school,
    /// such as the school calendar: only a grant on the `any` relationship reaches them.
    pub fn may_nationally(&self, kind: Kind, action: Action) -> bool {
        self.grants(kind, action).iter().any(|(_, rel)| *rel == Relationship::Any)
    }

    /// The one row that `which` names, under the SQL condition for `action` on `kind` and
    /// `shape`, then judged by the per-record check as `target` says; `None` when it is
    /// missing, has no target, or is forbidden (the last also counted as an inconsistency).
    async fn checked_one<E>(
        &self,
        db: &impl ConnectionTrait,
        kind: Kind,
        action: Action,
        which: Condition,
        shape: &Shape,
        target: impl Fn(&E::Model) -> Option<Target>,
    ) -> Result<Option<E::Model>, DbErr>
    where
        E: EntityTrait,
        E::Model: Send + Sync,
    {
        let found = E::find().filter(which).filter(self.filter(kind, action, shape)).one(db).await?;
        let Some(found) = found else { return Ok(None) };
        let Some(target) = target(&found) else { return Ok(None) };
        if self.permits(kind, action, target).await? {
            Ok(Some(found))
        } else {
            super::inconsistency(kind);
            Ok(None)
        }
    }
}
