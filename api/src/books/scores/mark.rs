//! The value a student's result holds, as written and as the books show it.

use entity::result;

/// A value for one student's result: what is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    pub score_tenths: Option<i16>,
    pub passed: Option<bool>,
    pub comment: Option<String>,
}

impl Mark {
    /// The value as the books show it.
    pub fn shown(&self) -> String {
        shown(self.score_tenths, self.passed, self.comment.as_deref())
    }

    /// The value a stored result holds.
    pub fn of(row: &result::Model) -> Self {
        Self { score_tenths: row.score_tenths, passed: row.passed, comment: row.comment.clone() }
    }
}

/// A result as the books show it: `8.5`, `Đạt` or `Chưa đạt`, then ` — comment`.
fn shown(score_tenths: Option<i16>, passed: Option<bool>, comment: Option<&str>) -> String {
    let value = match (score_tenths, passed) {
        (Some(tenths), _) => format!("{}.{}", tenths / 10, tenths % 10),
        (None, Some(true)) => "Đạt".to_owned(),
        (None, Some(false)) => "Chưa đạt".to_owned(),
        (None, None) => String::new(),
    };
    match comment {
        Some(comment) => format!("{value} — {comment}"),
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn values_show_as_in_the_books() {
        assert_eq!(shown(Some(85), None, None), "8.5");
        assert_eq!(shown(Some(100), None, Some("Tốt")), "10.0 — Tốt");
        assert_eq!(shown(None, Some(false), None), "Chưa đạt");
    }
}
