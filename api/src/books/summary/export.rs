//! The class summary as a table — headers in Vietnamese and English, one row per student —
//! and that table written as CSV or XLSX by [`crate::books::table`], scores as numbers with
//! one decimal; a subject whose student owes a make-up reads [`PENDING`].

use super::{Period, Summary};
use crate::books::table::{Cell, Sheet};
use emis_rules::secondary::{Award, Level, SubjectResult};

/// A subject whose student owes a make-up: no result yet.
pub const PENDING: &str = "Chờ kiểm tra bù";

/// The summary as a header row and one row per student.
pub fn sheet(summary: &Summary) -> Sheet {
    let year = summary.period == Period::Year;
    let mut header = vec!["STT / No.".to_owned(), "Họ và tên / Full name".to_owned()];
    header.extend(summary.subjects.iter().map(|subject| subject.name.clone()));
    header.extend(
        [
            "Kết quả học tập / Learning",
            "Kết quả rèn luyện / Conduct",
            "Vắng có phép / Excused",
            "Vắng không phép / Unexcused",
        ]
        .map(str::to_owned),
    );
    if year {
        header.extend(["Lên lớp / Promotion", "Khen thưởng / Award"].map(str::to_owned));
    }
    let rows = summary
        .lines
        .iter()
        .enumerate()
        .map(|(index, (student, line))| {
            let mut row = vec![Cell::Number((index + 1) as f64), Cell::Text(student.full_name.clone())];
            let marked = line.exempt.iter().zip(&line.pending);
            row.extend(line.subjects.iter().zip(marked).map(|(result, (exempt, pending))| match result {
                _ if *exempt => Cell::Text("Miễn".to_owned()),
                _ if *pending => Cell::Text(PENDING.to_owned()),
                Some(SubjectResult::Score(tenths)) => Cell::Number(f64::from(*tenths) / 10.0),
                Some(SubjectResult::Comment(true)) => Cell::Text("Đ".to_owned()),
                Some(SubjectResult::Comment(false)) => Cell::Text("CĐ".to_owned()),
                None => Cell::Empty,
            }));
            row.push(level(line.learning));
            row.push(level(line.conduct));
            row.push(Cell::Number(f64::from(line.excused)));
            row.push(Cell::Number(f64::from(line.unexcused)));
            if year {
                row.push(promotion(line));
                row.push(match line.award {
                    Some(Award::XuatSac) => Cell::Text("Học sinh Xuất sắc".to_owned()),
                    Some(Award::Gioi) => Cell::Text("Học sinh Giỏi".to_owned()),
                    None => Cell::Empty,
                });
            }
            row
        })
        .collect();
    Sheet { header, rows }
}

fn level(level: Option<Level>) -> Cell {
    level.map_or(Cell::Empty, |level| Cell::Text(level.vietnamese().to_owned()))
}

/// The year's decision as the books write it.
fn promotion(line: &super::sheet::Line) -> Cell {
    let Some(decision) = &line.promotion else { return Cell::Empty };
    let text = if decision.promoted {
        "Lên lớp"
    } else if decision.too_many_absences {
        "Ở lại lớp (nghỉ quá 45 buổi)"
    } else if !decision.retests.is_empty() && decision.conduct_training {
        "Kiểm tra lại, rèn luyện hè"
    } else if !decision.retests.is_empty() {
        "Kiểm tra lại"
    } else {
        "Rèn luyện hè"
    };
    Cell::Text(text.to_owned())
}
