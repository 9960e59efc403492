//! Results without a value: a `not submitted` row is a missed assessment — kept with its
//! note and date in `missed_assessment`, its column marked held, so the student owes a
//! make-up exactly as when a teacher leaves the result empty in a held column — unless
//! `metadata.vn.noMakeUp` says the teacher recorded that there will be none (a result with
//! `no_make_up`); an `exempt` row excuses the student from that one assessment (a result with
//! `exempt`). None of them carries a score or a `textScore`.

use crate::exchange::import::{Ctx, rule};
use anyhow::Context as _;
use emis_oneroster::records::{AssessmentResult, ScoreStatus};
use emis_oneroster::{Problem, Row};
use entity::{assessment, missed_assessment};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use std::collections::{BTreeSet, HashMap};

/// What a row without a value records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Unscored {
    /// Missed, make-up owed.
    Missed,
    /// Missed, no make-up: counts as 0 (Chưa đạt).
    NoMakeUp,
    /// Excused from this assessment.
    Exempt,
}

/// What `row` records if it has no value; `None` (problem recorded) when it gives one all the
/// same.
pub(super) fn unscored(problems: &mut Vec<Problem>, row: &Row<AssessmentResult>) -> Option<Option<Unscored>> {
    let record = &row.record;
    let unscored = match record.score_status {
        ScoreStatus::Exempt => Unscored::Exempt,
        ScoreStatus::NotSubmitted if record.no_make_up == Some(true) => Unscored::NoMakeUp,
        ScoreStatus::NotSubmitted => Unscored::Missed,
        _ => return Some(None),
    };
    let column = if record.score.is_some() { "score" } else { "textScore" };
    if record.score.is_some() || record.text_score.is_some() {
        problems.push(rule(
            row,
            column,
            "kết quả miễn hoặc chưa nộp không có điểm hay nhận xét Đạt / Chưa đạt",
            "an exempt or not submitted result carries no score and no Đạt / Chưa đạt",
        ));
        return None;
    }
    Some(Some(unscored))
}

/// Writes the missed assessments of a batch: each column marked held, each row inserted, or
/// updated where the stored one of the same student and column differs (an empty comment or
/// date keeps the stored one).
pub(super) async fn write(ctx: &mut Ctx<'_>, wanted: Vec<missed_assessment::Model>) -> anyhow::Result<()> {
    if wanted.is_empty() {
        return Ok(());
    }
    let columns: BTreeSet<i64> = wanted.iter().map(|row| row.assessment_id).collect();
    let held = assessment::Entity::update_many()
        .col_expr(assessment::Column::Held, Expr::value(true))
        .filter(assessment::Column::Id.is_in(columns.iter().copied()))
        .filter(assessment::Column::Held.eq(false))
        .exec(ctx.store.txn)
        .await
        .context("marking assessment columns held")?;
    if held.rows_affected > 0 {
        ctx.store.count("assessment").updated += held.rows_affected;
    }
    let stored: HashMap<(i64, i64), missed_assessment::Model> = missed_assessment::Entity::find()
        .filter(missed_assessment::Column::AssessmentId.is_in(columns))
        .all(ctx.store.txn)
        .await
        .context("reading missed_assessment")?
        .into_iter()
        .map(|row| ((row.student_id, row.assessment_id), row))
        .collect();
    let mut new = Vec::new();
    for mut row in wanted {
        let old = stored.get(&(row.student_id, row.assessment_id));
        row.id = match old {
            Some(old) => old.id,
            None => ctx.store.next_id("missed_assessment").await?,
        };
        if let Some(old) = old {
            row.comment = row.comment.or_else(|| old.comment.clone());
            row.missed_on = row.missed_on.or(old.missed_on);
        }
        ctx.store.write_or_queue::<missed_assessment::Entity>(old, &row, &mut new).await?;
    }
    ctx.store.insert::<missed_assessment::Entity>(new).await
}
