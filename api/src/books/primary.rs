//! The primary summary book (Circular 27/2020): at each checkpoint the subject teacher rates
//! the section's students T/H/C, with the periodic test's whole-number score where the
//! subject has a test then (the policy's `result`/`write`), and the homeroom teacher rates
//! the five qualities and ten competencies Tốt/Đạt/Cần cố gắng (`conduct`/`write`). The
//! policy decides first, before the class's kind, its lock or an empty call are looked at;
//! each call is checked whole and written whole or not at all, each entry at the version its
//! client read; every change kept in `record_change`. The book reads each item through the
//! privacy condition of its kind, and works out the year result, grade and programme
//! completion and the award with the Circular 27 rule set.

use super::scores::Provenance;
use crate::auth::principal::Account;
use crate::error::{ApiError, EntryProblem, RecordRef};
use crate::privacy::{Access, Target, shapes};
use chrono::{DateTime, Datelike as _, Utc};
use emis_authz::{Action, Kind};
use emis_rules::RuleSet;
use emis_rules::primary::{self as rules, Checkpoint, Rating, SubjectLevel, TestedSubject, YearRecord};
use entity::{
    homeroom_class, primary_evaluation as evaluation, primary_nomination, school_year, section, semester, subject,
};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait as _, Condition, DatabaseConnection, EntityTrait as _, QueryFilter as _};
use std::collections::{BTreeSet, HashMap};

/// The qualities' (`pc.*`) and competencies' (`nl.*`) codes, in the order of
/// [`rules::QUALITIES`] then [`rules::COMPETENCIES`].
pub const AREAS: [&str; 15] = [
    "pc.yeu_nuoc",
    "pc.nhan_ai",
    "pc.cham_chi",
    "pc.trung_thuc",
    "pc.trach_nhiem",
    "nl.tu_chu_tu_hoc",
    "nl.giao_tiep_hop_tac",
    "nl.giai_quyet_van_de_sang_tao",
    "nl.ngon_ngu",
    "nl.tinh_toan",
    "nl.khoa_hoc",
    "nl.cong_nghe",
    "nl.tin_hoc",
    "nl.tham_mi",
    "nl.the_chat",
];

/// An area's name in the book.
pub fn area_name(code: &str) -> Option<&'static str> {
    let index = AREAS.iter().position(|area| *area == code)?;
    rules::QUALITIES.iter().chain(rules::COMPETENCIES.iter()).nth(index).copied()
}

/// A checkpoint's name on the API and in the database.
pub fn checkpoint_code(checkpoint: Checkpoint) -> &'static str {
    match checkpoint {
        Checkpoint::MidSemesterOne => "mid_1",
        Checkpoint::EndSemesterOne => "end_1",
        Checkpoint::MidSemesterTwo => "mid_2",
        Checkpoint::EndOfYear => "end_year",
    }
}

/// The checkpoint named `code`.
pub fn parse_checkpoint(code: &str) -> Result<Checkpoint, ApiError> {
    [Checkpoint::MidSemesterOne, Checkpoint::EndSemesterOne, Checkpoint::MidSemesterTwo, Checkpoint::EndOfYear]
        .into_iter()
        .find(|checkpoint| checkpoint_code(*checkpoint) == code)
        .ok_or_else(|| {
            ApiError::bad_input(
                "thời điểm không hợp lệ (mid_1, end_1, mid_2, end_year)",
                "unknown checkpoint (mid_1, end_1, mid_2, end_year)",
            )
        })
}

/// The subject with periodic tests that subject `code` is, if any.
fn tested(code: &str) -> Option<TestedSubject> {
    Some(match code {
        "tieng_viet" => TestedSubject::TiengViet,
        "toan" => TestedSubject::Toan,
        "tieng_anh" | "ngoai_ngu" => TestedSubject::NgoaiNgu1,
        "lsdl" => TestedSubject::LichSuDiaLi,
        "tin_hoc" | "cong_nghe" | "tin_hoc_cong_nghe" => TestedSubject::TinHocCongNghe,
        "khoa_hoc" => TestedSubject::KhoaHoc,
        _ => return None,
    })
}

/// Whether the subject `code` has a periodic test at `checkpoint` in `grade`.
pub fn has_test(code: &str, grade: u8, checkpoint: Checkpoint) -> bool {
    tested(code).is_some_and(|tested| rules::has_periodic_test(tested, grade, checkpoint))
}

fn subject_level(code: &str) -> Option<SubjectLevel> {
    Some(match code {
        "T" => SubjectLevel::T,
        "H" => SubjectLevel::H,
        "C" => SubjectLevel::C,
        _ => return None,
    })
}

/// A rating's code as the book writes it: Tốt, Đạt, Cần cố gắng.
pub fn rating_name(code: &str) -> Option<&'static str> {
    rating(code).map(Rating::vietnamese)
}

fn rating(code: &str) -> Option<Rating> {
    Some(match code {
        "tot" => Rating::Tot,
        "dat" => Rating::Dat,
        "can_co_gang" => Rating::CanCoGang,
        _ => return None,
    })
}

/// What one call rates: one section's subject, or the class's qualities and competencies.
#[derive(Clone, Copy, Debug)]
pub enum Scope {
    Section(i64),
    Class(i64),
}

/// One entry: for a section, `area` is unused; for a class, it names the quality or
/// competency.
#[derive(Clone, Debug)]
pub struct Entry {
    pub student: i64,
    pub area: Option<String>,
    pub level: String,
    pub test_score: Option<i16>,
    pub comment: Option<String>,
    /// The version the client last read; `None` when it read none.
    pub expected_version: Option<i32>,
}

/// The section (for a subject) and the class `scope` writes in, once the policy lets the
/// caller write there at all (`result`/`write` on the section, `conduct`/`write` on the
/// class) — decided before anything else, so a scope that does not exist and one out of
/// reach, of whatever kind or state, are refused alike.
async fn scope_permitted(
    db: &DatabaseConnection,
    access: &Access,
    scope: Scope,
) -> Result<(Option<section::Model>, homeroom_class::Model), ApiError> {
    let (section, class) = match scope {
        Scope::Section(id) => {
            let section = section::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotPermitted)?;
            let class = section.class_id;
            (Some(section), class)
        }
        Scope::Class(id) => (None, id),
    };
    let class = homeroom_class::Entity::find_by_id(class).one(db).await?.ok_or(ApiError::NotPermitted)?;
    let (kind, target) = match &section {
        Some(section) => {
            (Kind::Result, Target::Section { section: section.id, class: section.class_id, school: section.school_id })
        }
        None => (Kind::Conduct, Target::Class { class: class.id, school: class.school_id }),
    };
    if !access.permits(kind, Action::Write, target).await? {
        return Err(ApiError::NotPermitted);
    }
    Ok((section, class))
}

/// The grade of `class`, refusing classes the Circular 27 rule set does not cover.
pub(super) async fn primary_rules(db: &DatabaseConnection, class: &homeroom_class::Model) -> Result<u8, ApiError> {
    let year = school_year::Entity::find_by_id(class.school_year_id).one(db).await?.ok_or(ApiError::Internal)?;
    let grade = u8::try_from(class.grade_level).unwrap_or(0);
    if RuleSet::for_class(year.starts_on.year(), grade) != Some(RuleSet::Circular27) {
        return Err(ApiError::bad_input(
            "sổ theo dõi này dành cho lớp tiểu học (Thông tư 27)",
            "this book is for primary classes (Circular 27)",
        ));
    }
    Ok(grade)
}

/// The semester a checkpoint falls in, for locks.
pub(super) async fn semester_of(
    db: &DatabaseConnection,
    year: i64,
    checkpoint: Checkpoint,
) -> Result<Option<i64>, ApiError> {
    let number = if checkpoint <= Checkpoint::EndSemesterOne { 1 } else { 2 };
    Ok(semester::Entity::find()
        .filter(semester::Column::SchoolYearId.eq(year))
        .filter(semester::Column::Number.eq(number))
        .one(db)
        .await?
        .map(|semester| semester.id))
}

/// Records `entries` at `checkpoint` for `scope`; how many changed.
pub async fn record(
    db: &DatabaseConnection,
    access: &Access,
    scope: Scope,
    checkpoint: Checkpoint,
    entries: &[Entry],
    now: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let teacher = super::locks::staff_account(access)?;
    let provenance = Provenance { changed_by: Account::Staff(teacher), approved_by: None, reason: None, now };
    let (section, class) = scope_permitted(db, access, scope).await?;
    // Writing needs the policy's leave for every student named.
    for entry in entries {
        let (kind, target) = match &section {
            Some(section) => (
                Kind::Result,
                Target::Personal {
                    student: entry.student,
                    school: section.school_id,
                    section: Some(section.id),
                    class: Some(class.id),
                },
            ),
            None => (Kind::Conduct, Target::student_in_class(entry.student, class.school_id, class.id)),
        };
        if !access.permits(kind, Action::Write, target).await? {
            return Err(ApiError::NotPermitted);
        }
    }
    if entries.is_empty() {
        return Err(ApiError::bad_input("cần ít nhất một mục", "at least one entry is needed"));
    }
    let grade = primary_rules(db, &class).await?;
    if let Some(semester) = semester_of(db, class.school_year_id, checkpoint).await? {
        let locked = match &section {
            Some(section) => super::locks::in_force(db, class.school_id, section.id, semester).await?,
            None => super::locks::school_in_force(db, class.school_id, semester).await?,
        };
        if locked.is_some() {
            return Err(ApiError::Locked);
        }
    }
    let subject = match &section {
        Some(section) => subject::Entity::find_by_id(section.subject_id).one(db).await?,
        None => None,
    };
    let test_expected = subject.as_ref().is_some_and(|subject| has_test(&subject.code, grade, checkpoint));
    let named: Vec<i64> = entries.iter().map(|entry| entry.student).collect();
    let students = super::enrolled(db, class.id, access.principal().today, Some(&named)).await?;
    let items: Vec<String> = entries
        .iter()
        .map(|entry| match &subject {
            Some(subject) => subject.code.clone(),
            None => entry.area.clone().unwrap_or_default(),
        })
        .collect();
    check(entries, &items, &students, subject.is_some(), test_expected)?;
    let code = checkpoint_code(checkpoint);
    let txn = crate::db::begin_write(db).await?;
    let stored: HashMap<(i64, String), evaluation::Model> = evaluation::Entity::find()
        .filter(evaluation::Column::ClassId.eq(class.id))
        .filter(evaluation::Column::Checkpoint.eq(code))
        .filter(evaluation::Column::StudentId.is_in(named.iter().copied()))
        .filter(evaluation::Column::Item.is_in(items.iter().cloned()))
        .all(&txn)
        .await?
        .into_iter()
        .map(|row| ((row.student_id, row.item.clone()), row))
        .collect();
    let mut conflicts = Vec::new();
    let mut changed = 0;
    for (entry, item) in entries.iter().zip(&items) {
        let old = stored.get(&(entry.student, item.clone()));
        if old.map(|old| old.version) != entry.expected_version {
            conflicts.push(RecordRef::student(entry.student));
            continue;
        }
        let comment = entry.comment.as_deref().map(str::trim).filter(|comment| !comment.is_empty());
        if old.is_some_and(|old| {
            old.level == entry.level && old.test_score == entry.test_score && old.comment.as_deref() == comment
        }) {
            continue;
        }
        let record_id = match old {
            Some(old) => {
                let updated = evaluation::Entity::update_many()
                    .col_expr(evaluation::Column::Level, Expr::value(entry.level.as_str()))
                    .col_expr(evaluation::Column::TestScore, Expr::value(entry.test_score))
                    .col_expr(evaluation::Column::Comment, Expr::value(comment))
                    .col_expr(evaluation::Column::Version, Expr::value(old.version + 1))
                    .col_expr(evaluation::Column::UpdatedById, Expr::value(teacher))
                    .col_expr(evaluation::Column::UpdatedAt, Expr::value(now))
                    .filter(evaluation::Column::Id.eq(old.id))
                    .filter(evaluation::Column::Version.eq(old.version))
                    .exec(&txn)
                    .await?;
                if updated.rows_affected != 1 {
                    conflicts.push(RecordRef::student(entry.student));
                    continue;
                }
                old.id
            }
            None => {
                let row = evaluation::ActiveModel {
                    school_id: Set(class.school_id),
                    student_id: Set(entry.student),
                    class_id: Set(class.id),
                    section_id: Set(section.as_ref().map(|section| section.id)),
                    checkpoint: Set(code.to_owned()),
                    item: Set(item.clone()),
                    level: Set(entry.level.clone()),
                    test_score: Set(entry.test_score),
                    comment: Set(comment.map(str::to_owned)),
                    version: Set(1),
                    updated_by_id: Set(teacher),
                    updated_at: Set(now),
                    ..Default::default()
                };
                match evaluation::Entity::insert(row).exec(&txn).await {
                    Ok(inserted) => inserted.last_insert_id,
                    Err(error) if matches!(error.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {
                        conflicts.push(RecordRef::student(entry.student));
                        break;
                    }
                    Err(error) => return Err(error.into()),
                }
            }
        };
        let change = super::Change {
            kind: if section.is_some() { "primary_subject" } else { "primary_rating" },
            school: class.school_id,
            student: entry.student,
            record: record_id,
            section: section.as_ref().map(|section| section.id),
            class: Some(class.id),
            old_value: old.map(|old| shown(code, &old.item, &old.level, old.test_score, old.comment.as_deref())),
            new_value: Some(shown(code, item, &entry.level, entry.test_score, comment)),
        };
        change.keep(&txn, &provenance).await?;
        changed += 1;
    }
    if !conflicts.is_empty() {
        txn.rollback().await?;
        return Err(ApiError::Conflict { records: conflicts });
    }
    txn.commit().await?;
    Ok(changed)
}

/// An item as the history shows it: `end_1 toan: T, 9 — comment`.
fn shown(checkpoint: &str, item: &str, level: &str, test: Option<i16>, comment: Option<&str>) -> String {
    let mut text = format!("{checkpoint} {item}: {level}");
    if let Some(test) = test {
        text.push_str(&format!(", {test}"));
    }
    if let Some(comment) = comment {
        text.push_str(&format!(" — {comment}"));
    }
    text
}

/// Every wrong entry, naming the student and the field.
fn check(
    entries: &[Entry],
    items: &[String],
    students: &BTreeSet<i64>,
    for_subject: bool,
    test_expected: bool,
) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for (entry, item) in entries.iter().zip(items) {
        let problem = |field, vi: &str, en: &str| EntryProblem::new(RecordRef::student(entry.student), field, vi, en);
        if !students.contains(&entry.student) {
            problems.push(problem("studentId", "học sinh không học lớp này", "the student is not in this class"));
        }
        if !seen.insert((entry.student, item.clone())) {
            problems.push(problem("studentId", "mục này có mặt hai lần", "the item is listed twice"));
        }
        if for_subject {
            if subject_level(&entry.level).is_none() {
                problems.push(problem("level", "mức phải là T, H hoặc C", "the level must be T, H or C"));
            }
            match entry.test_score {
                Some(_) if !test_expected => problems.push(problem(
                    "testScore",
                    "môn này không có bài kiểm tra định kỳ ở thời điểm này",
                    "this subject has no periodic test at this checkpoint",
                )),
                Some(score) if !(0..=10).contains(&score) => problems.push(problem(
                    "testScore",
                    "điểm kiểm tra là số nguyên từ 0 đến 10",
                    "a test score is a whole number from 0 to 10",
                )),
                _ => {}
            }
        } else {
            if area_name(item).is_none() {
                problems.push(problem("area", "phẩm chất/năng lực không hợp lệ", "unknown quality or competency"));
            }
            if rating(&entry.level).is_none() {
                problems.push(problem(
                    "level",
                    "mức phải là tot, dat hoặc can_co_gang",
                    "the level must be tot, dat or can_co_gang",
                ));
            }
            if entry.test_score.is_some() {
                problems.push(problem("testScore", "phẩm chất, năng lực không có điểm", "qualities take no score"));
            }
        }
        if entry.comment.as_ref().is_some_and(|comment| comment.chars().count() > super::scores::MAX_COMMENT) {
            problems.push(problem("comment", "nhận xét quá dài", "the comment is too long"));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(ApiError::InvalidEntries(problems)) }
}

/// A class's book at one checkpoint.
#[derive(Debug)]
pub struct Book {
    pub class: homeroom_class::Model,
    pub checkpoint: Checkpoint,
    pub grade: u8,
    /// The class's subjects, in report order, with their sections.
    pub subjects: Vec<(section::Model, subject::Model)>,
    pub lines: Vec<Line>,
}

/// One student's line.
#[derive(Debug)]
pub struct Line {
    pub student: entity::student::Model,
    /// Per subject of the book, in order: what the subject teacher recorded.
    pub subjects: Vec<Option<evaluation::Model>>,
    /// Per area of [`AREAS`], in order.
    pub areas: Vec<Option<evaluation::Model>>,
    /// At the end of the year, once every item is rated and every test taken.
    pub year: Option<rules::YearResult>,
    /// At the end of the year: the class's standing nomination for Học sinh Tiêu biểu, if
    /// the caller may read it.
    pub nomination: Option<primary_nomination::Model>,
    /// At the end of the year: the award of the year result (and the nomination).
    pub award: Option<rules::Award>,
}

/// The book of class `class` at `checkpoint` for the students of the class the caller may
/// see (all of them, or only `only`), each item through its kind's privacy condition; `None`
/// when the class does not exist or the caller may not read it (never told apart).
pub async fn book(
    db: &DatabaseConnection,
    access: &Access,
    class: i64,
    checkpoint: Checkpoint,
    only: Option<i64>,
) -> Result<Option<Book>, ApiError> {
    let Some(class) = homeroom_class::Entity::find_by_id(class).one(db).await? else { return Ok(None) };
    let seen = Target::Class { class: class.id, school: class.school_id };
    if !access.permits(Kind::Class, Action::Read, seen).await? {
        return Ok(None);
    }
    let grade = primary_rules(db, &class).await?;
    let mut students = super::roster::roster_rows(db, access, class.id, false).await?;
    if let Some(only) = only {
        students.retain(|student| student.id == only);
    }
    let ordered = super::subjects_of(db, &class).await?;
    let rows = evaluation::Entity::find()
        .filter(evaluation::Column::ClassId.eq(class.id))
        .filter(evaluation::Column::Checkpoint.eq(checkpoint_code(checkpoint)))
        .filter(evaluation::Column::StudentId.is_in(students.iter().map(|student| student.id)))
        .filter(
            Condition::any()
                .add(Condition::all().add(evaluation::Column::SectionId.is_not_null()).add(access.filter(
                    Kind::Result,
                    Action::Read,
                    &shapes::primary_subject(),
                )))
                .add(Condition::all().add(evaluation::Column::SectionId.is_null()).add(access.filter(
                    Kind::Conduct,
                    Action::Read,
                    &shapes::primary_rating(),
                ))),
        )
        .all(db)
        .await?;
    let mut kept: HashMap<(i64, String), evaluation::Model> = HashMap::new();
    for row in rows {
        let (kind, target) = target(&row);
        if access.permits(kind, Action::Read, target).await? {
            kept.insert((row.student_id, row.item.clone()), row);
        } else {
            crate::privacy::inconsistency(kind);
        }
    }
    let mut nominations = if checkpoint == Checkpoint::EndOfYear {
        let ids: Vec<i64> = students.iter().map(|student| student.id).collect();
        super::nomination::standing(db, access, &class, &ids).await?
    } else {
        HashMap::new()
    };
    let lines = students
        .into_iter()
        .map(|student| {
            let subjects: Vec<Option<evaluation::Model>> =
                ordered.iter().map(|(_, subject)| kept.remove(&(student.id, subject.code.clone()))).collect();
            let areas: Vec<Option<evaluation::Model>> =
                AREAS.iter().map(|area| kept.remove(&(student.id, (*area).to_owned()))).collect();
            let year = (checkpoint == Checkpoint::EndOfYear)
                .then(|| year_record(grade, &ordered, &subjects, &areas))
                .flatten()
                .map(|record| rules::year_result(&record));
            let nomination = nominations.remove(&student.id);
            let award = year.and_then(|year| rules::award(year, nomination.is_some()));
            Line { student, subjects, areas, year, nomination, award }
        })
        .collect();
    Ok(Some(Book { class, checkpoint, grade, subjects: ordered, lines }))
}

/// What the year result is worked out from, once every subject and area is rated and every
/// end-of-year test taken.
fn year_record(
    grade: u8,
    subjects: &[(section::Model, subject::Model)],
    marks: &[Option<evaluation::Model>],
    areas: &[Option<evaluation::Model>],
) -> Option<YearRecord> {
    let mut record = YearRecord::default();
    for ((_, subject), mark) in subjects.iter().zip(marks) {
        let mark = mark.as_ref()?;
        record.subjects.push(subject_level(&mark.level)?);
        if has_test(&subject.code, grade, Checkpoint::EndOfYear) {
            record.tests.push(u8::try_from(mark.test_score?).ok()?);
        }
    }
    for area in areas {
        record.ratings.push(rating(&area.as_ref()?.level)?);
    }
    Some(record)
}

/// The kind and record an item of the book is, for checks.
pub fn target(row: &evaluation::Model) -> (Kind, Target) {
    let target = Target::Personal {
        student: row.student_id,
        school: row.school_id,
        section: row.section_id,
        class: Some(row.class_id),
    };
    match row.section_id {
        Some(_) => (Kind::Result, target),
        None => (Kind::Conduct, target),
    }
}
