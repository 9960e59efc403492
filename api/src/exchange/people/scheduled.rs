//! Students' enrollments in scheduled classes (sections). In EMIS a student studies every
//! section of their homeroom class, so such an enrollment follows from the homeroom
//! enrollment; what the package says of it — its `sourcedId`, dates and `primary` flag — is
//! kept in `section_enrollment`, tied to the homeroom enrollment it follows from, so an
//! export writes the same row back. A row that says only what an export would derive (the
//! name EMIS gives it, the homeroom enrollment's dates, no flag) needs nothing kept. A row
//! EMIS cannot follow (a student not enrolled in the section's homeroom class) is reported
//! row by row, never dropped silently.

use crate::exchange::import::{Ctx, by_external_id, rule, skipped};
use crate::exchange::names::{ext, in_section};
use anyhow::Context as _;
use emis_oneroster::records::Enrollment;
use emis_oneroster::{Row, Status};
use entity::{enrollment, section, section_enrollment};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use std::collections::{BTreeSet, HashMap, HashSet};

/// A student's row in a section, waiting for the homeroom enrollments to be written.
pub(super) struct InSection<'r> {
    pub row: &'r Row<Enrollment>,
    pub section: &'r section::Model,
    pub student: i64,
}

/// Classes whose enrollments are read at a time.
const CLASSES_AT_A_TIME: usize = 500;

/// Keeps what `rows` say of their enrollments in sections, once the homeroom enrollments of
/// the package are written.
pub(super) async fn keep(ctx: &mut Ctx<'_>, rows: Vec<InSection<'_>>) -> anyhow::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let homeroom = homeroom_enrollments(ctx, &rows).await?;
    let by_external_id =
        by_external_id::<section_enrollment::Entity>(ctx, section_enrollment::Column::ExternalId, |row| {
            Some(row.external_id.as_str())
        })
        .await?;
    let by_pair: HashMap<(i64, i64), &section_enrollment::Model> =
        by_external_id.values().map(|row| ((row.enrollment_id, row.section_id), row)).collect();
    let mut seen = HashSet::new();
    let mut new = Vec::new();
    for InSection { row, section, student } in rows {
        let record = &row.record;
        if row.status == Status::ToBeDeleted {
            ctx.problem(skipped(
                row,
                "status",
                "ghi danh vào lớp học phần theo lớp chủ nhiệm; muốn kết thúc, hãy kết thúc ghi danh lớp chủ nhiệm",
                "an enrollment in a scheduled class follows the homeroom class; end the homeroom enrollment to end it",
            ));
            continue;
        }
        let candidates = homeroom.get(&(student, section.class_id)).map(Vec::as_slice).unwrap_or_default();
        let Some(followed) = followed(candidates, row) else {
            ctx.problem(skipped(
                row,
                "classSourcedId",
                "học sinh không học lớp chủ nhiệm của lớp học phần này, nên EMIS không lưu được dòng này",
                "the student is not enrolled in this scheduled class's homeroom class, so EMIS cannot keep the row",
            ));
            continue;
        };
        if !seen.insert((followed.id, section.id)) {
            ctx.problem(rule(
                row,
                "userSourcedId",
                "học sinh đã được ghi danh vào lớp học phần này ở một dòng trước",
                "the student is already enrolled in this scheduled class on an earlier row",
            ));
            continue;
        }
        // Matched by identifier, else by what it names (the package renamed it).
        let old = by_external_id.get(&row.sourced_id).or(by_pair.get(&(followed.id, section.id)).copied());
        let holder = by_pair.get(&(followed.id, section.id)).copied();
        if holder.is_some_and(|holder| old.is_some_and(|old| old.id != holder.id)) {
            ctx.problem(rule(
                row,
                "sourcedId",
                "một ghi danh khác đã lưu của học sinh này trong lớp học phần này mang mã khác",
                "another stored enrollment of this student in this scheduled class has another sourcedId",
            ));
            continue;
        }
        if old.is_none() && derivable(row, followed, section) {
            continue;
        }
        let id = match old {
            Some(old) => old.id,
            None => ctx.store.next_id("section_enrollment").await?,
        };
        let model = section_enrollment::Model {
            id,
            external_id: row.sourced_id.clone(),
            school_id: section.school_id,
            enrollment_id: followed.id,
            section_id: section.id,
            student_id: student,
            is_primary: record.primary.or(old.and_then(|old| old.is_primary)),
            starts_on: record.begin.or(old.and_then(|old| old.starts_on)),
            ends_on: record.end.or(old.and_then(|old| old.ends_on)),
        };
        ctx.store.write_or_queue::<section_enrollment::Entity>(old, &model, &mut new).await?;
    }
    ctx.store.insert::<section_enrollment::Entity>(new).await
}

/// Whether `row` says only what an export derives from the homeroom enrollment `followed`:
/// the name EMIS gives the enrollment in `section`, its dates, and no `primary` flag.
fn derivable(row: &Row<Enrollment>, followed: &enrollment::Model, section: &section::Model) -> bool {
    let homeroom = ext("enrollment", followed.id, followed.external_id.as_deref());
    let record = &row.record;
    row.sourced_id == in_section(&homeroom, &section.external_id)
        && record.primary.is_none()
        && record.begin.is_none_or(|begin| begin == followed.starts_on)
        && record.end == followed.ends_on
}

/// The homeroom enrollment a row in a section follows: the one current on the row's begin
/// date, else the one still open, else the latest.
fn followed<'e>(candidates: &'e [enrollment::Model], row: &Row<Enrollment>) -> Option<&'e enrollment::Model> {
    let on = |day| candidates.iter().find(|e| e.starts_on <= day && e.ends_on.is_none_or(|end| day <= end));
    row.record
        .begin
        .and_then(on)
        .or_else(|| candidates.iter().find(|e| e.ends_on.is_none()))
        .or_else(|| candidates.iter().max_by_key(|e| e.starts_on))
}

/// The stored homeroom enrollments (the package's included, written before) of the rows'
/// students in their sections' classes, by student and class.
async fn homeroom_enrollments(
    ctx: &Ctx<'_>,
    rows: &[InSection<'_>],
) -> anyhow::Result<HashMap<(i64, i64), Vec<enrollment::Model>>> {
    let classes: Vec<i64> = rows.iter().map(|row| row.section.class_id).collect::<BTreeSet<_>>().into_iter().collect();
    let students: HashSet<i64> = rows.iter().map(|row| row.student).collect();
    let mut found: HashMap<(i64, i64), Vec<enrollment::Model>> = HashMap::new();
    for chunk in classes.chunks(CLASSES_AT_A_TIME) {
        let enrollments = enrollment::Entity::find()
            .filter(enrollment::Column::ClassId.is_in(chunk.iter().copied()))
            .all(ctx.store.txn)
            .await
            .context("reading enrollment")?;
        for row in enrollments.into_iter().filter(|row| students.contains(&row.student_id)) {
            found.entry((row.student_id, row.class_id)).or_default().push(row);
        }
    }
    Ok(found)
}
