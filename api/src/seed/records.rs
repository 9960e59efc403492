//! The books' records for one class: the assessment columns of semester I of 2026-2027 for
//! every section (regular by the Circular 22 period rule, midterm, final), results of the
//! regular and midterm assessments already taken, and a sparse roll-call book (about 2 % of
//! student-days over the last four weeks of school, non-present rows only).

use super::orgs::{Base, School};
use super::person::{Ctx, at};
use super::students::Pupil;
use super::teaching::{ClassPlan, SectionPlan};
use super::vocab::{ABSENCE_NOTES, FAIL_REMARKS, PASS_REMARKS, SCORE_REMARKS};
use super::{TODAY, date};
use chrono::{Datelike as _, NaiveDate, TimeDelta, Weekday};
use entity::{AssessmentKind, AssessmentMode, AttendanceStatus, DaySession, SchoolLevel};
use entity::{assessment, attendance, result};
use rand::Rng as _;

/// Share of student-days with an absence or late arrival.
const ABSENCE_RATE: f64 = 0.02;
/// Ngày Nhà giáo Việt Nam: no lessons.
const TEACHERS_DAY: NaiveDate = date(2026, 11, 20);

/// Creates the class's assessments, results and attendance.
pub fn class(ctx: &mut Ctx, base: &Base, school: &School, class: &ClassPlan, pupils: &[Pupil]) {
    for section in &class.sections {
        section_records(ctx, base, school, section, pupils);
    }
    roll_call(ctx, school.id, class.id, pupils);
}

/// Regular assessments per semester: comment-only subjects 2; scored subjects by periods per
/// year, ≤ 35 → 2, 36–70 → 3, more → 4.
pub fn regular_count(mode: AssessmentMode, periods: i32) -> i16 {
    match (mode, periods) {
        (AssessmentMode::Comment, _) => 2,
        (AssessmentMode::Scored, ..=35) => 2,
        (AssessmentMode::Scored, 36..=70) => 3,
        (AssessmentMode::Scored, _) => 4,
    }
}

fn section_records(ctx: &mut Ctx, base: &Base, school: &School, section: &SectionPlan, pupils: &[Pupil]) {
    for (kind, sequence, taken) in columns(section) {
        let assessment_id = ctx.next_id("assessment");
        ctx.rows.assessments.push(assessment::Model {
            id: assessment_id,
            external_id: None,
            title: None,
            category_id: None,
            school_id: school.id,
            section_id: section.id,
            semester_id: base.semester_id,
            kind: kind.as_str().to_owned(),
            sequence,
            held: false,
        });
        if let Some(day) = taken {
            results(ctx, school, section, (assessment_id, base.semester_id, day), pupils);
        }
    }
}

/// The assessment columns of semester I with the day each was taken: regular ones every two
/// weeks from 2026-09-21, the midterm on 2026-11-04, the final not yet.
fn columns(section: &SectionPlan) -> Vec<(AssessmentKind, i16, Option<NaiveDate>)> {
    let regular = regular_count(section.mode, section.periods);
    let mut columns: Vec<_> = (1..=regular)
        .map(|n| {
            let day = date(2026, 9, 21) + TimeDelta::weeks(2 * i64::from(n - 1));
            (AssessmentKind::Regular, n, Some(day))
        })
        .collect();
    columns.push((AssessmentKind::Midterm, 1, Some(date(2026, 11, 4))));
    columns.push((AssessmentKind::Final, 1, None));
    columns
}

/// Every pupil's result of one assessment, entered two days after it was taken.
fn results(
    ctx: &mut Ctx,
    school: &School,
    section: &SectionPlan,
    (assessment_id, semester_id, day): (i64, i64, NaiveDate),
    pupils: &[Pupil],
) {
    let whole = school.level == SchoolLevel::Th;
    for pupil in pupils {
        let id = ctx.next_id("result");
        let (score_tenths, passed, comment) = mark(ctx, section.mode, whole, pupil.ability);
        ctx.rows.results.push(result::Model {
            id,
            external_id: None,
            school_id: school.id,
            section_id: section.id,
            assessment_id,
            semester_id,
            student_id: pupil.id,
            score_tenths,
            passed,
            no_make_up: false,
            exempt: false,
            comment,
            version: 1,
            updated_at: at(day + TimeDelta::days(2), 16),
        });
    }
}

/// A mark shaped like Circular 22: a score around the student's level with one decimal
/// (whole numbers in primary school), or for comment-only subjects mostly Đạt; sometimes a
/// remark.
fn mark(ctx: &mut Ctx, mode: AssessmentMode, whole: bool, ability: f64) -> (Option<i16>, Option<bool>, Option<String>) {
    match mode {
        AssessmentMode::Scored => {
            let score = (ability + ctx.rng.gen_range(-1.6..1.6)).clamp(0.0, 10.0);
            let tenths = if whole { score.round() * 10.0 } else { (score * 10.0).round() };
            let remark = ctx.rng.gen_bool(0.05).then(|| ctx.pick(SCORE_REMARKS).to_owned());
            (Some(tenths as i16), None, remark)
        }
        AssessmentMode::Comment => {
            let passed = !(ability < 6.0 && ctx.rng.gen_bool(0.2)) && ctx.rng.gen_bool(0.99);
            let remarks = if passed { PASS_REMARKS } else { FAIL_REMARKS };
            let remark = (!passed || ctx.rng.gen_bool(0.05)).then(|| ctx.pick(remarks).to_owned());
            (None, Some(passed), remark)
        }
    }
}

/// School days (Monday to Friday, no holiday) of the four weeks before [`TODAY`].
pub fn recent_school_days() -> Vec<NaiveDate> {
    (1..=28)
        .rev()
        .map(|back| TODAY - TimeDelta::days(back))
        .filter(|day| !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && *day != TEACHERS_DAY)
        .collect()
}

fn roll_call(ctx: &mut Ctx, school_id: i64, class_id: i64, pupils: &[Pupil]) {
    for day in recent_school_days() {
        for pupil in pupils {
            if !ctx.rng.gen_bool(ABSENCE_RATE) {
                continue;
            }
            let roll: f64 = ctx.rng.r#gen();
            let (status, period, note) = match roll {
                r if r < 0.5 => (AttendanceStatus::Excused, None, Some(ctx.pick(ABSENCE_NOTES).to_owned())),
                r if r < 0.7 => (AttendanceStatus::Unexcused, None, None),
                _ => (AttendanceStatus::Late, Some(1), Some("Đến muộn 10 phút".to_owned())),
            };
            let session = if ctx.rng.gen_bool(0.8) { DaySession::Morning } else { DaySession::Afternoon };
            let id = ctx.next_id("attendance");
            ctx.rows.attendance.push(attendance::Model {
                id,
                external_id: None,
                school_id,
                student_id: pupil.id,
                class_id,
                date: day,
                session: session.as_str().to_owned(),
                period,
                status: status.as_str().to_owned(),
                note,
            });
        }
    }
}
