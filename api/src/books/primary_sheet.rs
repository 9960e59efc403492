//! The primary summary book at a checkpoint as a sheet for spreadsheet software — headers
//! in Vietnamese and English, one row per student of the [`Book`] (so exactly what the
//! caller may read): each subject's level with its periodic test score where the subject has
//! a test then, the five qualities and ten competencies and, at the end of the year, the
//! year result, completion, the class's nomination and the award. Written as CSV or XLSX by
//! [`super::table`].

use super::nomination::describe;
use super::primary::{self, Book, Line, has_test, rating_name};
use super::table::{Cell, Sheet};
use emis_rules::primary::{Checkpoint, completes_grade, completes_primary};

/// The book as a header row and one row per student.
pub fn sheet(book: &Book) -> Sheet {
    let tests: Vec<bool> =
        book.subjects.iter().map(|(_, subject)| has_test(&subject.code, book.grade, book.checkpoint)).collect();
    let year = book.checkpoint == Checkpoint::EndOfYear;
    let mut header = vec!["STT / No.".to_owned(), "Họ và tên / Full name".to_owned()];
    for ((_, subject), tested) in book.subjects.iter().zip(&tests) {
        header.push(subject.name.clone());
        if *tested {
            header.push(format!("{} — KTĐK / test", subject.name));
        }
    }
    header.extend(primary::AREAS.iter().filter_map(|area| primary::area_name(area)).map(str::to_owned));
    if year {
        header.extend(
            [
                "Kết quả năm học / Year result",
                "Hoàn thành chương trình lớp học / Grade completed",
                "Hoàn thành chương trình tiểu học / Primary completed",
                "Đề cử Học sinh Tiêu biểu / Nomination",
                "Khen thưởng / Award",
            ]
            .map(str::to_owned),
        );
    }
    let rows = book
        .lines
        .iter()
        .enumerate()
        .map(|(index, line)| {
            let mut row = vec![Cell::Number((index + 1) as f64), Cell::Text(line.student.full_name.clone())];
            for (mark, tested) in line.subjects.iter().zip(&tests) {
                row.push(mark.as_ref().map_or(Cell::Empty, |mark| Cell::Text(mark.level.clone())));
                if *tested {
                    let score = mark.as_ref().and_then(|mark| mark.test_score);
                    row.push(score.map_or(Cell::Empty, |score| Cell::Number(f64::from(score))));
                }
            }
            row.extend(line.areas.iter().map(|area| {
                let name = area.as_ref().and_then(|area| rating_name(&area.level));
                name.map_or(Cell::Empty, |name| Cell::Text(name.to_owned()))
            }));
            if year {
                row.extend(year_end(book, line));
            }
            row
        })
        .collect();
    Sheet { header, rows }
}

/// The end-of-year cells of `line`.
fn year_end(book: &Book, line: &Line) -> [Cell; 5] {
    let text = |text: Option<&str>| text.map_or(Cell::Empty, |text| Cell::Text(text.to_owned()));
    let yes_no = |yes: bool| if yes { "Có" } else { "Không" };
    [
        text(line.year.map(|result| result.vietnamese())),
        text(line.year.map(|result| yes_no(completes_grade(result)))),
        text(line.year.filter(|_| book.grade == 5).map(|result| yes_no(completes_primary(book.grade, result)))),
        nomination(book, line),
        text(line.award.map(|award| award.vietnamese())),
    ]
}

/// The standing nomination of `line`, with its subject's name.
fn nomination(book: &Book, line: &Line) -> Cell {
    let Some(row) = &line.nomination else { return Cell::Empty };
    let subject = book.subjects.iter().find(|(_, subject)| Some(subject.id) == row.subject_id);
    Cell::Text(describe(row, subject.map(|(_, subject)| subject.name.as_str())))
}
