//! `enrollments.csv`: the scope's students in their homeroom classes — and, derived from
//! those, in each section of the class, under the identifier, dates and `primary` flag an
//! imported package gave (`section_enrollment`), else `<enrollment>@<section>` — then its
//! teachers of classes and sections, read page by page.

use super::classes::Classes;
use super::out::{Out, date, ext};
use super::scope::{Pages, Scope, external_ids, student_ids};
use crate::exchange::names::in_section;
use emis_oneroster::FileKind;
use entity::{enrollment, section, section_enrollment, staff, teaching_assignment};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _};
use std::collections::HashMap;

/// Writes `enrollments.csv`.
pub(super) async fn write(
    db: &DatabaseConnection,
    out: &mut Out<'_>,
    scope: &Scope,
    classes: &Classes,
) -> anyhow::Result<()> {
    let mut writer = out.file(FileKind::Enrollments)?;
    let class_by_id = classes.class_by_id();
    let mut sections_of: HashMap<i64, Vec<&section::Model>> = HashMap::new();
    for row in &classes.sections {
        sections_of.entry(row.class_id).or_default().push(row);
    }
    let condition = scope.of_school(enrollment::Column::SchoolId);
    let mut pages = Pages::<enrollment::Entity>::new(enrollment::Column::Id, condition, |row| row.id);
    while let Some(rows) = pages.next(db).await? {
        let students = student_ids(db, rows.iter().map(|row| row.student_id)).await?;
        let kept = kept_in_sections(db, &rows).await?;
        for row in rows {
            let (Some(class), Some(user)) = (class_by_id.get(&row.class_id), students.get(&row.student_id)) else {
                continue;
            };
            let id = ext("enrollment", row.id, row.external_id.as_deref());
            let mut cells = vec![
                ("sourcedId", id.clone()),
                ("classSourcedId", class.external_id.clone()),
                ("schoolSourcedId", scope.org_ext(row.school_id)),
                ("userSourcedId", user.clone()),
                ("role", "student".to_owned()),
                ("primary", flag(row.is_primary)),
                ("beginDate", date(row.starts_on)),
                ("endDate", row.ends_on.map(date).unwrap_or_default()),
            ];
            writer.write(&cells)?;
            // Systems that roster by scheduled class (a vendor's course page) need the
            // students of each; in EMIS they follow from the homeroom class.
            for section in sections_of.get(&row.class_id).map(Vec::as_slice).unwrap_or_default() {
                let kept = kept.get(&(row.id, section.id));
                cells[0].1 = kept.map_or_else(|| in_section(&id, &section.external_id), |k| k.external_id.clone());
                cells[1].1.clone_from(&section.external_id);
                cells[5].1 = flag(kept.and_then(|k| k.is_primary));
                cells[6].1 = date(kept.and_then(|k| k.starts_on).unwrap_or(row.starts_on));
                cells[7].1 = kept.and_then(|k| k.ends_on).or(row.ends_on).map(date).unwrap_or_default();
                writer.write(&cells)?;
            }
        }
    }
    write_teachers(db, &mut writer, scope, classes).await?;
    out.done(FileKind::Enrollments, writer)
}

/// The teachers of the scope's homeroom classes and sections.
async fn write_teachers(
    db: &DatabaseConnection,
    writer: &mut super::out::Writer,
    scope: &Scope,
    classes: &Classes,
) -> anyhow::Result<()> {
    let (class_by_id, section_by_id) = (classes.class_by_id(), classes.section_by_id());
    let condition = scope.of_school(teaching_assignment::Column::SchoolId);
    let mut pages = Pages::<teaching_assignment::Entity>::new(teaching_assignment::Column::Id, condition, |row| row.id);
    while let Some(rows) = pages.next(db).await? {
        let staff = external_ids::<staff::Entity>(
            db,
            (staff::Column::Id, staff::Column::ExternalId),
            rows.iter().map(|row| row.staff_id),
        )
        .await?;
        for row in rows {
            let class = match (
                row.class_id.and_then(|id| class_by_id.get(&id)),
                row.section_id.and_then(|id| section_by_id.get(&id)),
            ) {
                (Some(class), _) => class.external_id.clone(),
                (None, Some(section)) => section.external_id.clone(),
                (None, None) => continue,
            };
            let Some(user) = staff.get(&row.staff_id) else { continue };
            writer.write(&[
                ("sourcedId", ext("teaching_assignment", row.id, row.external_id.as_deref())),
                ("classSourcedId", class),
                ("schoolSourcedId", scope.org_ext(row.school_id)),
                ("userSourcedId", user.clone()),
                ("role", "teacher".to_owned()),
                ("primary", flag(row.is_primary)),
                ("beginDate", date(row.starts_on)),
                ("endDate", row.ends_on.map(date).unwrap_or_default()),
            ])?;
        }
    }
    Ok(())
}

/// What imported packages said of the enrollments in sections that follow from `rows`, by
/// homeroom enrollment and section.
async fn kept_in_sections(
    db: &DatabaseConnection,
    rows: &[enrollment::Model],
) -> anyhow::Result<HashMap<(i64, i64), section_enrollment::Model>> {
    let kept = section_enrollment::Entity::find()
        .filter(section_enrollment::Column::EnrollmentId.is_in(rows.iter().map(|row| row.id)))
        .all(db)
        .await?;
    Ok(kept.into_iter().map(|row| ((row.enrollment_id, row.section_id), row)).collect())
}

/// OneRoster's `primary` as a package gave it; empty when none did.
fn flag(value: Option<bool>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}
