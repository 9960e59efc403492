//! What a gradebook path names, found the way the caller may reach it: a class (a section,
//! or a homeroom class standing for its sections), a line item (an assessment column of a
//! readable section, or the checkpoint of a primary section's evaluations), a student. A
//! record out of reach answers like a missing one. [`Within`] carries what a nested path
//! narrows a collection to, for each kind of row the collection is made of.

use super::super::Asked;
use super::super::reply::Refusal;
use super::super::rostering::{Reached, reached_class};
use crate::exchange::names::{checkpoint_of_line_item, named};
use crate::privacy::readers;
use emis_authz::{Action, Kind};
use entity::{assessment, primary_evaluation, section, student};
use sea_orm::{ColumnTrait as _, Condition, EntityTrait as _, QueryFilter as _, QuerySelect as _, QueryTrait as _};

/// A line item a path names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Item {
    /// An assessment column, by id.
    Column(i64),
    /// A primary section's evaluations at a checkpoint.
    Checkpoint { section: i64, checkpoint: String },
}

/// What a nested path narrows a gradebook collection to.
#[derive(Default)]
pub(super) struct Within {
    /// The sections of the class the path names, or of its school (a condition on `section`).
    pub sections: Option<Condition>,
    pub item: Option<Item>,
    pub student: Option<i64>,
}

impl Within {
    /// The ids of the sections it keeps, as a subquery condition on `column`.
    pub fn on_sections(&self, column: impl sea_orm::ColumnTrait) -> Condition {
        match &self.sections {
            Some(sections) => {
                let ids = section::Entity::find().select_only().column(section::Column::Id).filter(sections.clone());
                Condition::all().add(column.in_subquery(ids.into_query()))
            }
            None => Condition::all(),
        }
    }

    /// The results it keeps.
    pub fn results(&self) -> Condition {
        use entity::result::Column as R;
        let mut kept = self.on_sections(R::SectionId);
        match &self.item {
            Some(Item::Column(id)) => kept = kept.add(R::AssessmentId.eq(*id)),
            Some(Item::Checkpoint { .. }) => kept = kept.add(R::Id.is_null()),
            None => {}
        }
        if let Some(student) = self.student {
            kept = kept.add(R::StudentId.eq(student));
        }
        kept
    }

    /// The primary subject evaluations it keeps (a section's: never a rating of the class).
    pub fn evaluations(&self) -> Condition {
        use primary_evaluation::Column as E;
        let mut kept = self.on_sections(E::SectionId).add(E::SectionId.is_not_null());
        match &self.item {
            Some(Item::Checkpoint { section, checkpoint }) => {
                kept = kept.add(E::SectionId.eq(*section)).add(E::Checkpoint.eq(checkpoint.as_str()));
            }
            Some(Item::Column(_)) => kept = kept.add(E::Id.is_null()),
            None => {}
        }
        if let Some(student) = self.student {
            kept = kept.add(E::StudentId.eq(student));
        }
        kept
    }
}

/// The sections of a class the path names: the section itself, or a homeroom class's.
pub(super) async fn sections_of(asked: &Asked, id: &str) -> Result<Condition, Refusal> {
    Ok(Condition::all().add(match reached_class(asked, id).await? {
        Reached::Homeroom(class) => section::Column::ClassId.eq(class.id),
        Reached::Section(row) => section::Column::Id.eq(row.id),
    }))
}

/// The student `id` (a `sourcedId`) the caller may read.
pub(super) async fn reached_student(asked: &Asked, id: &str) -> Result<i64, Refusal> {
    let read = asked.access.read(&readers::STUDENT).narrow(student::Column::ExternalId, |column| column.eq(id));
    Ok(read.one(&asked.state.db).await?.ok_or_else(|| Refusal::unknown("student", id))?.id)
}

/// The assessment columns of the sections the caller may read (narrowed by `sections`, a
/// condition on `section`), or none when the caller may read no result.
pub(super) fn reachable_columns(
    asked: &Asked,
    sections: Option<Condition>,
) -> Option<sea_orm::Select<assessment::Entity>> {
    if !asked.access.may_read_some(Kind::Result) {
        return None;
    }
    let readable = asked.access.read(&readers::SECTION).through(sections.unwrap_or_else(Condition::all)).keys();
    Some(assessment::Entity::find().filter(assessment::Column::SectionId.in_subquery(readable)))
}

/// The primary subject evaluations the caller may read in the sections they may read
/// (narrowed by `within`), as one statement; none when the caller may read no result.
pub(super) fn reachable_evaluations(
    asked: &Asked,
    within: &Within,
) -> Option<sea_orm::Select<primary_evaluation::Entity>> {
    if !asked.access.may_read_some(Kind::Result) {
        return None;
    }
    let readable = asked.access.read(&readers::SECTION).keys();
    let read = asked.access.read_mixed(&readers::PRIMARY_ITEM, Action::Read).through(within.evaluations());
    Some(read.into_statement().filter(primary_evaluation::Column::SectionId.in_subquery(readable)))
}

/// The line item `id` (a `sourcedId`) in the sections `sections` the caller may read: an
/// assessment column, or a checkpoint of a section with evaluations the caller may read; with
/// the row that stands for it (the column, or one of the checkpoint's evaluations).
pub(super) async fn reached_item(asked: &Asked, id: &str, sections: Option<Condition>) -> Result<(Item, i64), Refusal> {
    let unknown = || Refusal::unknown("lineItem", id);
    let db = &asked.state.db;
    if let Some((section_id, checkpoint)) = checkpoint_of_line_item(id) {
        let read = asked.access.read(&readers::SECTION).narrow(section::Column::ExternalId, |c| c.eq(section_id));
        let read = match &sections {
            Some(sections) => read.through(sections.clone()),
            None => read,
        };
        let section = read.one(db).await?.ok_or_else(unknown)?;
        let item = Item::Checkpoint { section: section.id, checkpoint: checkpoint.to_owned() };
        let within = Within { item: Some(item.clone()), ..Within::default() };
        let found = reachable_evaluations(asked, &within).ok_or_else(unknown)?.one(db).await?;
        let evaluation = found.ok_or_else(unknown)?;
        // The row leaves only through the check of its reader.
        let read = asked.access.read_mixed(&readers::PRIMARY_ITEM, Action::Read);
        let read = read.through(Condition::all().add(primary_evaluation::Column::Id.eq(evaluation.id)));
        read.one(db).await?.ok_or_else(unknown)?;
        return Ok((item, evaluation.id));
    }
    let select = reachable_columns(asked, sections).ok_or_else(unknown)?;
    let row = select.filter(named("assessment", assessment::Column::Id, assessment::Column::ExternalId, id));
    let column = row.one(db).await?.ok_or_else(unknown)?.id;
    Ok((Item::Column(column), column))
}
