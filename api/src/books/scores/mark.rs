//! The value a student's result holds, as written and as the books show it.

use entity::result;

/// A value for one student's result: what is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub score_tenths: Option<i16>,
    pub passed: Option<bool>,
    /// No make-up: the student will not make the missed assessment up (no value).
    pub no_make_up: bool,
    /// Excused from this one assessment (only an import says so; a value written lifts it).
    pub exempt: bool,
    pub comment: Option<String>,
}

impl Mark {
    /// The value as the books show it.
    pub fn shown(&self) -> String {
        let value = match (self.no_make_up, self.exempt) {
            (true, _) => NO_MAKE_UP,
            (false, true) => EXCUSED,
            (false, false) => &shown_value(self.score_tenths, self.passed),
        };
        with_comment(value, self.comment.as_deref())
    }

    /// The value a stored result holds.
    pub fn of(row: &result::Model) -> Self {
        Self {
            score_tenths: row.score_tenths,
            passed: row.passed,
            no_make_up: row.no_make_up,
            exempt: row.exempt,
            comment: row.comment.clone(),
        }
    }
}

/// A missed assessment the student will not make up, as the books show it.
pub const NO_MAKE_UP: &str = "Không kiểm tra bù";

/// An assessment the student is excused from, as the books show it.
pub const EXCUSED: &str = "Miễn";

/// A value as the books show it: `8.5`, `Đạt` or `Chưa đạt`.
fn shown_value(score_tenths: Option<i16>, passed: Option<bool>) -> String {
    match (score_tenths, passed) {
        (Some(tenths), _) => format!("{}.{}", tenths / 10, tenths % 10),
        (None, Some(true)) => "Đạt".to_owned(),
        (None, Some(false)) => "Chưa đạt".to_owned(),
        (None, None) => String::new(),
    }
}

/// `value`, then ` — comment`.
fn with_comment(value: &str, comment: Option<&str>) -> String {
    match comment {
        Some(comment) => format!("{value} — {comment}"),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::Mark;

    fn mark(score_tenths: Option<i16>, passed: Option<bool>, comment: Option<&str>) -> Mark {
        Mark { score_tenths, passed, no_make_up: false, exempt: false, comment: comment.map(str::to_owned) }
    }

    #[test]
    fn values_show_as_in_the_books() {
        assert_eq!(mark(Some(85), None, None).shown(), "8.5");
        assert_eq!(mark(Some(100), None, Some("Tốt")).shown(), "10.0 — Tốt");
        assert_eq!(mark(None, Some(false), None).shown(), "Chưa đạt");
        let forgone = Mark { no_make_up: true, ..mark(None, None, Some("chuyển trường")) };
        assert_eq!(forgone.shown(), "Không kiểm tra bù — chuyển trường");
    }
}
