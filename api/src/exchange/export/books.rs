//! `categories.csv` and `lineItems.csv`: the stored assessment categories and one derived per
//! kind of column for columns without one, and the assessment columns of the scope's sections.
//! What the results need of the columns comes back as [`Columns`].

use super::classes::Classes;
use super::out::{Out, ext};
use super::scope::{Pages, Scope};
use super::structure::Sessions;
use emis_oneroster::FileKind;
use entity::{AssessmentKind, AssessmentMode, assessment, assessment_category, section};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait as _, Condition, DatabaseConnection, EntityTrait as _};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The written columns: their exchange identifiers, and which are of comment-only subjects.
pub(super) struct Columns {
    pub ext: HashMap<i64, String>,
    pub comment_only: BTreeSet<i64>,
}

/// Writes the categories and line items.
pub(super) async fn write(
    db: &DatabaseConnection,
    out: &mut Out<'_>,
    scope: &Scope,
    classes: &Classes,
    sessions: &Sessions,
) -> anyhow::Result<Columns> {
    let columns = read_columns(db, scope).await?;
    let checkpoints = super::primary::CheckpointItems::read(db, scope).await?;
    let category_of = write_categories(db, out, &columns, &checkpoints.category_kinds()).await?;
    let section_by_id = classes.section_by_id();
    let class_by_id = classes.class_by_id();
    let semester_ext: HashMap<i64, String> =
        sessions.semesters.iter().map(|row| (row.id, Sessions::semester_ext(row))).collect();
    let mut writer = out.file(FileKind::LineItems)?;
    let mut written = Columns { ext: HashMap::new(), comment_only: BTreeSet::new() };
    for column in &columns {
        let Some(section) = section_by_id.get(&column.section_id) else { continue };
        let subject = classes.subjects.get(&section.subject_id);
        let scored = subject.is_none_or(|s| s.assessment != AssessmentMode::Comment.as_str());
        if !scored {
            written.comment_only.insert(column.id);
        }
        let id = ext("assessment", column.id, column.external_id.as_deref());
        let class = class_by_id.get(&section.class_id).map_or("", |c| c.name.as_str());
        let subject_name = subject.map_or("", |s| s.name.as_str());
        writer.write(&[
            ("sourcedId", id.clone()),
            (
                "title",
                column
                    .title
                    .clone()
                    .unwrap_or_else(|| format!("{subject_name} {class} — {} {}", column.kind, column.sequence)),
            ),
            ("classSourcedId", section.external_id.clone()),
            ("categorySourcedId", category_of[&column.id].clone()),
            ("academicSessionSourcedId", semester_ext.get(&column.semester_id).cloned().unwrap_or_default()),
            ("schoolSourcedId", scope.org_ext(section.school_id)),
            ("resultValueMin", if scored { "0" } else { "" }.to_owned()),
            ("resultValueMax", if scored { "10" } else { "" }.to_owned()),
            ("metadata.vn.sequence", column.sequence.to_string()),
        ])?;
        written.ext.insert(column.id, id);
    }
    super::primary::write_line_items(&mut writer, scope, classes, sessions, &checkpoints)?;
    out.done(FileKind::LineItems, writer)?;
    Ok(written)
}

/// The assessment columns of the scope's sections, in id order.
async fn read_columns(db: &DatabaseConnection, scope: &Scope) -> anyhow::Result<Vec<assessment::Model>> {
    let sections = Query::select()
        .column(section::Column::Id)
        .from(section::Entity)
        .cond_where(scope.of_school(section::Column::SchoolId))
        .to_owned();
    let condition = match scope.school {
        Some(_) => Condition::all().add(assessment::Column::SectionId.in_subquery(sections)),
        None => Condition::all(),
    };
    let mut pages = Pages::<assessment::Entity>::new(assessment::Column::Id, condition, |row| row.id);
    let mut columns = Vec::new();
    while let Some(rows) = pages.next(db).await? {
        columns.extend(rows);
    }
    Ok(columns)
}

/// Writes `categories.csv`: every stored category, and one per kind for the columns without
/// one and for the primary checkpoints' line items (`checkpoint_kinds`); the category of each
/// column.
async fn write_categories(
    db: &DatabaseConnection,
    out: &mut Out<'_>,
    columns: &[assessment::Model],
    checkpoint_kinds: &[AssessmentKind],
) -> anyhow::Result<HashMap<i64, String>> {
    let stored: HashMap<i64, assessment_category::Model> =
        assessment_category::Entity::find().all(db).await?.into_iter().map(|row| (row.id, row)).collect();
    let mut categories: BTreeMap<String, Vec<(&str, String)>> = stored
        .values()
        .map(|category| {
            let cells = vec![
                ("title", category.title.clone()),
                ("weight", category.weight.map(|w| format!("{w}")).unwrap_or_default()),
                ("metadata.vn.assessmentKind", category.kind.clone()),
            ];
            (category.external_id.clone(), cells)
        })
        .collect();
    let mut category_of: HashMap<i64, String> = HashMap::new();
    for column in columns {
        let id = match column.category_id.and_then(|id| stored.get(&id)) {
            Some(category) => category.external_id.clone(),
            None => derived_category(&mut categories, column.kind.parse().unwrap_or(AssessmentKind::Regular)),
        };
        category_of.insert(column.id, id);
    }
    for kind in checkpoint_kinds {
        derived_category(&mut categories, *kind);
    }
    let mut writer = out.file(FileKind::Categories)?;
    for (id, mut cells) in categories {
        cells.push(("sourcedId", id));
        writer.write(&cells)?;
    }
    out.done(FileKind::Categories, writer)?;
    Ok(category_of)
}

/// The name of the category EMIS derives for columns of `kind`, added to `categories` unless
/// a stored one has it.
fn derived_category(categories: &mut BTreeMap<String, Vec<(&str, String)>>, kind: AssessmentKind) -> String {
    let (id, title, weight) = crate::exchange::names::kind_category(kind);
    categories.entry(id.clone()).or_insert_with(|| {
        vec![
            ("title", title.to_owned()),
            ("weight", format!("{weight}")),
            ("metadata.vn.assessmentKind", kind.as_str().to_owned()),
        ]
    });
    id
}
