//! `enrollments.csv`: a student in a homeroom class is enrolled (in a scheduled class, the
//! enrollment follows from the homeroom class; what the row says of it is kept by
//! `scheduled.rs`); a teacher of a homeroom class is its homeroom teacher, of a scheduled
//! class its subject teacher. Each row is matched to the stored row of its exchange
//! identifier.

use super::dated::id_unless_ended;
use super::scheduled::{self, InSection};
use super::{Kind, People};
use crate::exchange::import::{Ctx, by_external_id, rule, skipped, unknown};
use crate::exchange::roster::Roster;
use chrono::NaiveDate;
use emis_oneroster::records::{Enrollment, EnrollmentRole};
use emis_oneroster::{FileKind, Package, Problem, Row};
use entity::{TeachingKind, enrollment, homeroom_class, section, teaching_assignment};
use std::collections::HashMap;

/// The stored enrollments and teaching assignments by exchange identifier, the new ones
/// waiting for their batch insert, and the student enrollments in sections, kept for after
/// the homeroom enrollments are written.
struct Enrolling<'r> {
    old_enrollments: HashMap<String, enrollment::Model>,
    old_assignments: HashMap<String, teaching_assignment::Model>,
    new_enrollments: Vec<enrollment::Model>,
    new_assignments: Vec<teaching_assignment::Model>,
    in_sections: Vec<InSection<'r>>,
}

/// Where an enrollment row places its user.
struct Place<'r> {
    class: Option<&'r homeroom_class::Model>,
    section: Option<&'r section::Model>,
    school: i64,
    /// The start when the row gives none: its class's school year's, else today.
    starts: NaiveDate,
}

impl People {
    /// `enrollments.csv`: enrollments of students, teaching assignments of staff.
    pub(super) async fn enrollments(
        &self,
        ctx: &mut Ctx<'_>,
        package: &Package,
        roster: &Roster,
    ) -> anyhow::Result<()> {
        let mut enrolling = Enrolling {
            old_enrollments: by_external_id::<enrollment::Entity>(ctx, enrollment::Column::ExternalId, |row| {
                row.external_id.as_deref()
            })
            .await?,
            old_assignments: by_external_id::<teaching_assignment::Entity>(
                ctx,
                teaching_assignment::Column::ExternalId,
                |row| row.external_id.as_deref(),
            )
            .await?,
            new_enrollments: Vec::new(),
            new_assignments: Vec::new(),
            in_sections: Vec::new(),
        };
        let rows = ctx.rows::<Enrollment>(package)?;
        for row in &rows {
            let Some(place) = place_of(ctx, roster, row) else { continue };
            match row.record.role {
                EnrollmentRole::Student => match self.students.get(&row.record.user) {
                    Some(student) => match place.section.filter(|_| place.class.is_none()) {
                        Some(section) => enrolling.in_sections.push(InSection { row, section, student: student.id }),
                        None => enrolling.student(ctx, row, &place, student.id).await?,
                    },
                    None => ctx.problem(self.not_a(row, Kind::Student)),
                },
                EnrollmentRole::Teacher => match self.staff.get(&row.record.user) {
                    Some(teacher) => enrolling.teacher(ctx, row, &place, teacher.id).await?,
                    None => ctx.problem(self.not_a(row, Kind::Staff)),
                },
                EnrollmentRole::Administrator | EnrollmentRole::Proctor => ctx.problem(skipped(
                    row,
                    "role",
                    "EMIS chỉ lưu ghi danh của học sinh và giáo viên; dòng được bỏ qua",
                    "EMIS keeps student and teacher enrollments only; the row was left out",
                )),
            }
        }
        ctx.store.insert::<enrollment::Entity>(enrolling.new_enrollments).await?;
        ctx.store.insert::<teaching_assignment::Entity>(enrolling.new_assignments).await?;
        scheduled::keep(ctx, enrolling.in_sections).await
    }

    /// The problem of an enrollment whose user is not of the kind its role needs.
    fn not_a(&self, row: &Row<Enrollment>, kind: Kind) -> Problem {
        if self.kind_in_database(&row.record.user).is_none() {
            return unknown(row, "userSourcedId", FileKind::Users, &row.record.user);
        }
        let (vietnamese, english) = match kind {
            Kind::Student => ("người dùng này không phải là học sinh", "this user is not a student"),
            _ => ("người dùng này không phải là cán bộ", "this user is not staff"),
        };
        rule(row, "userSourcedId", vietnamese, english)
    }
}

impl Enrolling<'_> {
    /// Student `student_id`'s enrollment in a homeroom class.
    async fn student(
        &mut self,
        ctx: &mut Ctx<'_>,
        row: &Row<Enrollment>,
        place: &Place<'_>,
        student_id: i64,
    ) -> anyhow::Result<()> {
        let record = &row.record;
        let Some(class) = place.class else { return Ok(()) };
        let old = self.old_enrollments.get(&row.sourced_id);
        let Some(id) = id_unless_ended(ctx, "enrollment", (row.status, record.end), old).await? else { return Ok(()) };
        let model = enrollment::Model {
            id,
            external_id: Some(row.sourced_id.clone()),
            school_id: class.school_id,
            student_id,
            class_id: class.id,
            starts_on: record.begin.or(old.map(|old| old.starts_on)).unwrap_or(place.starts),
            ends_on: record.end.or(old.and_then(|old| old.ends_on)),
            is_primary: record.primary.or(old.and_then(|old| old.is_primary)),
        };
        ctx.store.write_or_queue::<enrollment::Entity>(old, &model, &mut self.new_enrollments).await
    }

    /// Staff member `staff_id`'s assignment to a homeroom class or a section.
    async fn teacher(
        &mut self,
        ctx: &mut Ctx<'_>,
        row: &Row<Enrollment>,
        place: &Place<'_>,
        staff_id: i64,
    ) -> anyhow::Result<()> {
        let record = &row.record;
        let old = self.old_assignments.get(&row.sourced_id);
        let ending = (row.status, record.end);
        let Some(id) = id_unless_ended(ctx, "teaching_assignment", ending, old).await? else { return Ok(()) };
        let (kind, class_id, section_id) = match (place.class, place.section) {
            (Some(class), _) => (TeachingKind::Homeroom, Some(class.id), None),
            (None, Some(section)) => (TeachingKind::Subject, None, Some(section.id)),
            (None, None) => return Ok(()),
        };
        let model = teaching_assignment::Model {
            id,
            external_id: Some(row.sourced_id.clone()),
            school_id: place.school,
            staff_id,
            kind: kind.as_str().to_owned(),
            section_id,
            class_id,
            starts_on: record.begin.or(old.map(|old| old.starts_on)).unwrap_or(place.starts),
            ends_on: record.end.or(old.and_then(|old| old.ends_on)),
            is_primary: record.primary.or(old.and_then(|old| old.is_primary)),
        };
        ctx.store.write_or_queue::<teaching_assignment::Entity>(old, &model, &mut self.new_assignments).await
    }
}

/// The class or section an enrollment row names, checked against its school; `None`
/// (problem recorded) when either does not resolve or they disagree.
fn place_of<'r>(ctx: &mut Ctx<'_>, roster: &'r Roster, row: &Row<Enrollment>) -> Option<Place<'r>> {
    let record = &row.record;
    let school = roster.orgs.get(&record.school).map(|org| org.id);
    let (class, section) = (roster.classes.get(&record.class), roster.sections.get(&record.class));
    let Some(class_school) = class.map(|class| class.school_id).or(section.map(|section| section.school_id)) else {
        ctx.problem(unknown(row, "classSourcedId", FileKind::Classes, &record.class));
        return None;
    };
    match school {
        None => {
            ctx.problem(unknown(row, "schoolSourcedId", FileKind::Orgs, &record.school));
            return None;
        }
        Some(school) if school != class_school => {
            ctx.problem(rule(
                row,
                "schoolSourcedId",
                "lớp này thuộc một trường khác",
                "the class belongs to another school",
            ));
            return None;
        }
        Some(_) => {}
    }
    let year = class.map(|class| class.school_year_id).or(section.map(|section| section.school_year_id));
    let starts = record.begin.or(year.and_then(|year| roster.year_start(year))).unwrap_or(ctx.today);
    Some(Place { class, section, school: class_school, starts })
}
