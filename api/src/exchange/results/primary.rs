//! A primary class's subject evaluations at the checkpoints of its summary book (Circular
//! 27): a line item with `metadata.vn.checkpoint` on a section of a Circular 27 class names
//! the subject's evaluation at that checkpoint (it is not an assessment column), and each
//! `results.csv` row on it is a student's level — `textScore` T, H or C, or a word of
//! [`PRIMARY_SUBJECT_LEVEL`] — with the periodic test's whole-number `score` where the
//! subject has a test then. The rows are checked by the book's own rules
//! ([`subject_problems`]); a student who is not enrolled in the class reads as a missing
//! one. An evaluation is matched by student, class, checkpoint and subject, so importing
//! the same rows again changes nothing.

use crate::books::primary::{checkpoint_code, has_test, parse_checkpoint, semester_number, subject_problems};
use crate::books::scores::MAX_COMMENT;
use crate::exchange::import::{Ctx, rule, unknown};
use crate::exchange::roster::Roster;
use anyhow::Context as _;
use chrono::{Datelike as _, Utc};
use emis_oneroster::records::{AssessmentResult, LineItem, PrimaryCheckpoint};
use emis_oneroster::vocabulary::Match;
use emis_oneroster::vocabulary::tables::PRIMARY_SUBJECT_LEVEL;
use emis_oneroster::{FileKind, Reason, Row, Vocabulary as _};
use emis_rules::RuleSet;
use emis_rules::primary::Checkpoint;
use entity::{assessment_category, enrollment, primary_evaluation as evaluation, subject};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Who an imported evaluation was last written by: no staff member (the package's own
/// teacher is not known to EMIS as such).
pub const IMPORTED_BY: i64 = 0;

/// A line item that is a subject's evaluation at a checkpoint of a primary class.
#[derive(Clone, Debug)]
pub struct CheckpointColumn {
    pub school: i64,
    pub class: i64,
    pub section: i64,
    pub checkpoint: Checkpoint,
    /// The subject's code, the evaluation's item.
    pub item: String,
    /// Whether the subject has a periodic test at this checkpoint in the class's grade.
    pub test_expected: bool,
}

/// The checkpoint column a line item with `metadata.vn.checkpoint` is; `None` (problem
/// recorded) when a reference does not resolve, the class is not a Circular 27 class or the
/// semester is not the checkpoint's.
pub fn checkpoint_column(
    ctx: &mut Ctx<'_>,
    roster: &Roster,
    categories: &HashMap<String, assessment_category::Model>,
    subjects: &HashMap<i64, subject::Model>,
    row: &Row<LineItem>,
    checkpoint: PrimaryCheckpoint,
) -> Option<CheckpointColumn> {
    let record = &row.record;
    let Some(section) = roster.sections.get(&record.class) else {
        ctx.problem(unknown(row, "classSourcedId", FileKind::Classes, &record.class));
        return None;
    };
    if !categories.contains_key(&record.category) {
        ctx.problem(unknown(row, "categorySourcedId", FileKind::Categories, &record.category));
        return None;
    }
    let semester = crate::exchange::records::semester_of(ctx, roster, row)?;
    let checkpoint = parse_checkpoint(checkpoint.token()).ok()?;
    let class = roster.classes.values().find(|class| class.id == section.class_id)?;
    let year = roster.years_by_id.get(&class.school_year_id)?;
    let grade = u8::try_from(class.grade_level).unwrap_or(0);
    if RuleSet::for_class(year.starts_on.year(), grade) != Some(RuleSet::Circular27) {
        ctx.problem(rule(
            row,
            "metadata.vn.checkpoint",
            "thời điểm đánh giá chỉ dành cho lớp tiểu học (Thông tư 27)",
            "a checkpoint is for primary classes (Circular 27) only",
        ));
        return None;
    }
    if semester.number != semester_number(checkpoint) {
        ctx.problem(rule(
            row,
            "academicSessionSourcedId",
            &format!("thời điểm {} thuộc học kỳ {}", checkpoint_code(checkpoint), semester_number(checkpoint)),
            &format!(
                "the checkpoint {} falls in semester {}",
                checkpoint_code(checkpoint),
                semester_number(checkpoint)
            ),
        ));
        return None;
    }
    let item = subjects.get(&section.subject_id)?.code.clone();
    let test_expected = has_test(&item, grade, checkpoint);
    Some(CheckpointColumn {
        school: section.school_id,
        class: class.id,
        section: section.id,
        checkpoint,
        item,
        test_expected,
    })
}

/// The checkpoint columns of an import and the students each of their classes enrolls.
#[derive(Default)]
pub struct Checkpoints {
    pub columns: HashMap<String, CheckpointColumn>,
    /// (class, student) of every enrollment, past or present, in the columns' classes.
    enrolled: HashSet<(i64, i64)>,
    /// (student, section, checkpoint) of every evaluation mapped so far.
    seen: HashSet<(i64, i64, &'static str)>,
}

impl Checkpoints {
    /// `columns` with the enrollments of their classes (read in the import's transaction,
    /// so the package's own enrollments count).
    pub async fn read(ctx: &Ctx<'_>, columns: HashMap<String, CheckpointColumn>) -> anyhow::Result<Checkpoints> {
        let classes: BTreeSet<i64> = columns.values().map(|column| column.class).collect();
        let enrolled: Vec<(i64, i64)> = if classes.is_empty() {
            Vec::new()
        } else {
            enrollment::Entity::find()
                .select_only()
                .column(enrollment::Column::ClassId)
                .column(enrollment::Column::StudentId)
                .filter(enrollment::Column::ClassId.is_in(classes))
                .into_tuple()
                .all(ctx.store.txn)
                .await
                .context("reading enrollment")?
        };
        Ok(Checkpoints { columns, enrolled: enrolled.into_iter().collect(), seen: HashSet::new() })
    }

    /// The evaluation `row` gives on `column`; `None` when it gives none (`skipped` counted)
    /// or breaks a rule (problem recorded).
    pub fn map(
        &mut self,
        problems: &mut Vec<emis_oneroster::Problem>,
        skipped: &mut u64,
        students: &HashMap<String, i64>,
        row: &Row<AssessmentResult>,
    ) -> Option<evaluation::Model> {
        let column = self.columns.get(&row.record.line_item)?;
        // A student of another class — of this school or another — reads as a missing one.
        let student =
            students.get(&row.record.student).copied().filter(|id| self.enrolled.contains(&(column.class, *id)));
        let Some(student) = student else {
            problems.push(unknown(row, "studentSourcedId", FileKind::Users, &row.record.student));
            return None;
        };
        if super::left_out(row) {
            *skipped += 1;
            return None;
        }
        let level = level_of(problems, row)?;
        let test_score = test_score_of(problems, row)?;
        let comment = row.record.comment.clone();
        if comment.as_ref().is_some_and(|comment| comment.chars().count() > MAX_COMMENT) {
            problems.push(rule(row, "comment", "nhận xét quá dài", "the comment is too long"));
            return None;
        }
        let broken = subject_problems(level, test_score, column.test_expected);
        for problem in &broken {
            let header = if problem.field == "level" { "textScore" } else { "score" };
            problems.push(rule(row, header, problem.vietnamese, problem.english));
        }
        if !broken.is_empty() {
            return None;
        }
        let code = checkpoint_code(column.checkpoint);
        if !self.seen.insert((student, column.section, code)) {
            problems.push(rule(
                row,
                "lineItemSourcedId",
                "học sinh đã có đánh giá của môn này ở thời điểm này ở một dòng trước",
                "the student already has this subject's evaluation at this checkpoint on an earlier row",
            ));
            return None;
        }
        Some(evaluation::Model {
            id: 0,
            school_id: column.school,
            student_id: student,
            class_id: column.class,
            section_id: Some(column.section),
            checkpoint: code.to_owned(),
            item: column.item.clone(),
            level: level.to_owned(),
            test_score,
            comment,
            version: 1,
            updated_by_id: IMPORTED_BY,
            updated_at: super::given_at(row).unwrap_or_else(Utc::now),
        })
    }
}

/// The level `textScore` gives (a mapped word with a warning); `None` (problem recorded)
/// when it gives none or a word the table does not know.
fn level_of(problems: &mut Vec<emis_oneroster::Problem>, row: &Row<AssessmentResult>) -> Option<&'static str> {
    let accepted = || PRIMARY_SUBJECT_LEVEL.accepted().join(", ");
    let Some(text) = row.record.text_score.as_deref() else {
        problems.push(rule(
            row,
            "textScore",
            &format!("đánh giá môn học ở thời điểm cần mức, một trong: {}", accepted()),
            &format!("a subject's evaluation at a checkpoint needs its level, one of: {}", accepted()),
        ));
        return None;
    };
    match PRIMARY_SUBJECT_LEVEL.lookup(text) {
        Some(found) => {
            if let Match::Mapped(canonical) = found {
                problems.push(row.problem("textScore", Reason::Mapped { value: text.to_owned(), canonical }));
            }
            Some(found.canonical())
        }
        None => {
            problems.push(rule(
                row,
                "textScore",
                &format!("mức đánh giá môn học là một trong: {}; không phải \"{text}\"", accepted()),
                &format!("a subject's level is one of: {}; not \"{text}\"", accepted()),
            ));
            None
        }
    }
}

/// The periodic test's score `score` gives, a whole number; `Some(None)` without one, `None`
/// (problem recorded) when it is not whole.
fn test_score_of(problems: &mut Vec<emis_oneroster::Problem>, row: &Row<AssessmentResult>) -> Option<Option<i16>> {
    let Some(score) = row.record.score else { return Some(None) };
    if score.fract() != 0.0 || !(0.0..=10.0).contains(&score) {
        problems.push(rule(
            row,
            "score",
            "điểm kiểm tra là số nguyên từ 0 đến 10",
            "a test score is a whole number from 0 to 10",
        ));
        return None;
    }
    Some(Some(score as i16))
}

/// Writes the evaluations of a batch: an update where a stored one differs (a comment the
/// row leaves empty stays), an insert where there is none.
pub async fn write(ctx: &mut Ctx<'_>, wanted: Vec<evaluation::Model>) -> anyhow::Result<()> {
    if wanted.is_empty() {
        return Ok(());
    }
    let classes: BTreeSet<i64> = wanted.iter().map(|row| row.class_id).collect();
    let students: BTreeSet<i64> = wanted.iter().map(|row| row.student_id).collect();
    let key = |row: &evaluation::Model| (row.student_id, row.class_id, row.checkpoint.clone(), row.item.clone());
    let stored: HashMap<_, evaluation::Model> = evaluation::Entity::find()
        .filter(evaluation::Column::ClassId.is_in(classes))
        .filter(evaluation::Column::StudentId.is_in(students))
        .all(ctx.store.txn)
        .await
        .context("reading primary_evaluation")?
        .into_iter()
        .map(|row| (key(&row), row))
        .collect();
    let mut new = Vec::new();
    for mut row in wanted {
        let Some(old) = stored.get(&key(&row)) else {
            row.id = ctx.store.next_id("primary_evaluation").await?;
            new.push(row);
            continue;
        };
        row.comment = row.comment.or_else(|| old.comment.clone());
        if (old.level.as_str(), old.test_score, old.comment.as_deref())
            == (row.level.as_str(), row.test_score, row.comment.as_deref())
        {
            continue;
        }
        (row.id, row.version, row.section_id) = (old.id, old.version + 1, old.section_id);
        ctx.store.update::<evaluation::Entity>(row).await?;
    }
    ctx.store.insert::<evaluation::Entity>(new).await
}
