//! The old year's books of a school, filled in directly: every section of every class gets
//! its columns in both semesters (regular by the period rule, mid-term, end-of-term) and a
//! passing mark for every student, and every student conduct Tốt in both semesters — so the
//! class summary decides every student's year; the tests then make single students kept
//! back or pending.

use chrono::{NaiveDate, TimeDelta, Utc};
use emis_tests::TestApp;
use entity::{
    AssessmentKind, AssessmentMode, AttendanceStatus, ConductLevel, DaySession, assessment, attendance, conduct,
    enrollment, homeroom_class, result, section, semester, subject,
};
use sea_orm::{ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use std::collections::BTreeMap;

/// The students enrolled now in each of `school`'s classes of `year`, by class.
pub async fn rosters(app: &TestApp, school: i64, year: i64) -> BTreeMap<i64, (homeroom_class::Model, Vec<i64>)> {
    let db = &app.state.db;
    let classes = homeroom_class::Entity::find()
        .filter(homeroom_class::Column::SchoolId.eq(school))
        .filter(homeroom_class::Column::SchoolYearId.eq(year))
        .all(db)
        .await
        .unwrap();
    let mut rosters = BTreeMap::new();
    for class in classes {
        let rows = enrollment::Entity::find()
            .filter(enrollment::Column::ClassId.eq(class.id))
            .filter(enrollment::Column::EndsOn.is_null())
            .all(db)
            .await
            .unwrap();
        let mut students: Vec<i64> = rows.into_iter().map(|row| row.student_id).collect();
        students.sort_unstable();
        rosters.insert(class.id, (class, students));
    }
    rosters
}

/// Fills the books of every class of `rosters` for both semesters of `year`; conduct is set
/// as staff member `by`.
pub async fn fill_year(app: &TestApp, rosters: &BTreeMap<i64, (homeroom_class::Model, Vec<i64>)>, year: i64, by: i64) {
    let db = &app.state.db;
    let terms = semester::Entity::find().filter(semester::Column::SchoolYearId.eq(year)).all(db).await.unwrap();
    let subjects: BTreeMap<i64, subject::Model> =
        subject::Entity::find().all(db).await.unwrap().into_iter().map(|row| (row.id, row)).collect();
    for (class, students) in rosters.values() {
        let sections = section::Entity::find().filter(section::Column::ClassId.eq(class.id)).all(db).await.unwrap();
        for section in &sections {
            let scored = subjects[&section.subject_id].assessment == AssessmentMode::Scored.as_str();
            result::Entity::delete_many().filter(result::Column::SectionId.eq(section.id)).exec(db).await.unwrap();
            assessment::Entity::delete_many()
                .filter(assessment::Column::SectionId.eq(section.id))
                .exec(db)
                .await
                .unwrap();
            for term in &terms {
                for (kind, sequence) in columns(scored, section.periods_per_year) {
                    let column = assessment::ActiveModel {
                        school_id: Set(section.school_id),
                        section_id: Set(section.id),
                        semester_id: Set(term.id),
                        kind: Set(kind.as_str().to_owned()),
                        sequence: Set(sequence),
                        held: Set(true),
                        ..Default::default()
                    };
                    let column = assessment::Entity::insert(column).exec(db).await.unwrap().last_insert_id;
                    let rows = students.iter().map(|&student| result::ActiveModel {
                        school_id: Set(section.school_id),
                        section_id: Set(section.id),
                        assessment_id: Set(column),
                        semester_id: Set(term.id),
                        student_id: Set(student),
                        score_tenths: Set(scored.then_some(80)),
                        passed: Set((!scored).then_some(true)),
                        no_make_up: Set(false),
                        comment: Set(None),
                        version: Set(1),
                        updated_at: Set(Utc::now()),
                        ..Default::default()
                    });
                    result::Entity::insert_many(rows).exec(db).await.unwrap();
                }
            }
        }
        for term in &terms {
            for &student in students {
                set_conduct(app, (student, class), term.id, by).await;
            }
        }
    }
}

/// Sets `student`'s conduct in `class` and `semester` to Tốt, replacing any.
async fn set_conduct(app: &TestApp, (student, class): (i64, &homeroom_class::Model), semester: i64, by: i64) {
    let db = &app.state.db;
    conduct::Entity::delete_many()
        .filter(conduct::Column::StudentId.eq(student))
        .filter(conduct::Column::SemesterId.eq(semester))
        .exec(db)
        .await
        .unwrap();
    let row = conduct::ActiveModel {
        school_id: Set(class.school_id),
        student_id: Set(student),
        class_id: Set(class.id),
        semester_id: Set(semester),
        level: Set(ConductLevel::Tot.as_str().to_owned()),
        comment: Set(None),
        version: Set(1),
        updated_by_id: Set(by),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    conduct::Entity::insert(row).exec(db).await.unwrap();
}

/// The columns of a section in one semester: regular ones by the period rule, the mid-term
/// and the end-of-term.
fn columns(scored: bool, periods: i32) -> Vec<(AssessmentKind, i16)> {
    let regular = match (scored, periods) {
        (false, _) | (true, ..=35) => 2,
        (true, 36..=70) => 3,
        (true, _) => 4,
    };
    let mut columns: Vec<(AssessmentKind, i16)> = (1..=regular).map(|n| (AssessmentKind::Regular, n)).collect();
    columns.extend([(AssessmentKind::Midterm, 1), (AssessmentKind::Final, 1)]);
    columns
}

/// Makes `student` of `class` absent (excused) 46 whole days from `from`: more than the 45
/// sessions a year allows, so they stay in their grade.
pub async fn absent_too_often(app: &TestApp, student: i64, class: &homeroom_class::Model, from: NaiveDate) {
    let rows = (0..46).map(|day| attendance::ActiveModel {
        school_id: Set(class.school_id),
        student_id: Set(student),
        class_id: Set(class.id),
        date: Set(from + TimeDelta::days(day)),
        session: Set(DaySession::Morning.as_str().to_owned()),
        period: Set(None),
        status: Set(AttendanceStatus::Excused.as_str().to_owned()),
        note: Set(None),
        ..Default::default()
    });
    attendance::Entity::insert_many(rows).exec(&app.state.db).await.unwrap();
}

/// Removes `student`'s conduct of `semester`: their year is not decided.
pub async fn undecided(app: &TestApp, student: i64, semester: i64) {
    conduct::Entity::delete_many()
        .filter(conduct::Column::StudentId.eq(student))
        .filter(conduct::Column::SemesterId.eq(semester))
        .exec(&app.state.db)
        .await
        .unwrap();
}
