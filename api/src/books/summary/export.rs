//! The class summary as a table — headers in Vietnamese and English, one row per student —
//! and that table written as CSV (UTF-8 with a byte-order mark, so spreadsheet software
//! reads the diacritics) or as an XLSX workbook, scores as numbers with one decimal.

use super::{Period, Summary};
use emis_rules::secondary::{Award, Level, SubjectResult};

/// One cell of the table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// A score or a count.
    Number(f64),
    Empty,
}

/// The summary as a header row and one row per student.
pub fn table(summary: &Summary) -> (Vec<String>, Vec<Vec<Cell>>) {
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
            row.extend(line.subjects.iter().zip(&line.exempt).map(|(result, exempt)| match result {
                _ if *exempt => Cell::Text("Miễn".to_owned()),
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
    (header, rows)
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

/// The table as CSV, UTF-8 with a byte-order mark.
pub fn csv(summary: &Summary) -> anyhow::Result<Vec<u8>> {
    let (header, rows) = table(summary);
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(&header)?;
    for row in rows {
        writer.write_record(row.iter().map(|cell| match cell {
            Cell::Text(text) => text.clone(),
            Cell::Number(number) if number.fract() == 0.0 => format!("{number:.0}"),
            Cell::Number(number) => format!("{number:.1}"),
            Cell::Empty => String::new(),
        }))?;
    }
    Ok(writer.into_inner()?)
}

/// The table as an XLSX workbook with one sheet named after the class.
pub fn xlsx(summary: &Summary) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let (header, rows) = table(summary);
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name(&summary.class.name))?;
    let bold = Format::new().set_bold();
    let tenths = Format::new().set_num_format("0.0");
    for (col, title) in header.iter().enumerate() {
        sheet.write_string_with_format(0, u16::try_from(col)?, title, &bold)?;
    }
    for (index, row) in rows.iter().enumerate() {
        let at = u32::try_from(index + 1)?;
        for (col, cell) in row.iter().enumerate() {
            let col = u16::try_from(col)?;
            match cell {
                Cell::Text(text) => sheet.write_string(at, col, text)?,
                Cell::Number(number) if number.fract() == 0.0 => sheet.write_number(at, col, *number)?,
                Cell::Number(number) => sheet.write_number_with_format(at, col, *number, &tenths)?,
                Cell::Empty => sheet,
            };
        }
    }
    sheet.set_column_width(1, 28)?;
    sheet.set_freeze_panes(1, 2)?;
    Ok(workbook.save_to_buffer()?)
}

/// A worksheet name from a class name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(class: &str) -> String {
    let name: String = class.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if name.is_empty() { "Lop".to_owned() } else { name }
}
