//! The books' sheets for spreadsheet software: a header row and one row of cells per
//! student, written as CSV (UTF-8 with a byte-order mark, so spreadsheet software reads the
//! diacritics) or as an XLSX workbook with one worksheet named after the class — numbers
//! with a fraction keep one decimal, the header is bold, and the number and name columns
//! stay in view.

/// One cell of a sheet.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// A score or a count.
    Number(f64),
    Empty,
}

/// A sheet: its header and rows. The first two columns are the row number and the name.
#[derive(Clone, Debug, PartialEq)]
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The sheet as CSV, UTF-8 with a byte-order mark.
pub fn csv(sheet: &Sheet) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(&sheet.header)?;
    for row in &sheet.rows {
        writer.write_record(row.iter().map(|cell| match cell {
            Cell::Text(text) => text.clone(),
            Cell::Number(number) if number.fract() == 0.0 => format!("{number:.0}"),
            Cell::Number(number) => format!("{number:.1}"),
            Cell::Empty => String::new(),
        }))?;
    }
    Ok(writer.into_inner()?)
}

/// The sheet as an XLSX workbook with one worksheet named after `class`.
pub fn xlsx(sheet: &Sheet, class: &str) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(sheet_name(class))?;
    let bold = Format::new().set_bold();
    let tenths = Format::new().set_num_format("0.0");
    for (col, title) in sheet.header.iter().enumerate() {
        worksheet.write_string_with_format(0, u16::try_from(col)?, title, &bold)?;
    }
    for (index, row) in sheet.rows.iter().enumerate() {
        let at = u32::try_from(index + 1)?;
        for (col, cell) in row.iter().enumerate() {
            let col = u16::try_from(col)?;
            match cell {
                Cell::Text(text) => worksheet.write_string(at, col, text)?,
                Cell::Number(number) if number.fract() == 0.0 => worksheet.write_number(at, col, *number)?,
                Cell::Number(number) => worksheet.write_number_with_format(at, col, *number, &tenths)?,
                Cell::Empty => worksheet,
            };
        }
    }
    worksheet.set_column_width(1, 28)?;
    worksheet.set_freeze_panes(1, 2)?;
    Ok(workbook.save_to_buffer()?)
}

/// A worksheet name from a class name: at most 31 characters, none of `[]:*?/\`.
pub(crate) fn sheet_name(class: &str) -> String {
    let name: String = class.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if name.is_empty() { "Lop".to_owned() } else { name }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_starts_with_a_byte_order_mark_and_writes_whole_numbers_without_decimals() {
        let sheet = Sheet {
            header: vec!["STT / No.".to_owned(), "Họ và tên / Full name".to_owned(), "Toán".to_owned()],
            rows: vec![vec![Cell::Number(1.0), Cell::Text("Lê Thị Ánh".to_owned()), Cell::Number(8.5)]],
        };
        let written = csv(&sheet).unwrap();
        assert_eq!(
            std::str::from_utf8(&written).unwrap(),
            "\u{feff}STT / No.,Họ và tên / Full name,Toán\n1,Lê Thị Ánh,8.5\n"
        );
    }

    #[test]
    fn a_class_name_becomes_a_valid_worksheet_name() {
        assert_eq!(sheet_name("5A/1"), "5A1");
        assert_eq!(sheet_name("[]"), "Lop");
    }
}
