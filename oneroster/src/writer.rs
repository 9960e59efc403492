//! Writing a file of a package: the header with every column of the file in the
//! specification's order (extension columns last), then rows given as (column, value) pairs;
//! a column a row does not give is blank, as are `status` and `dateLastModified` in a bulk
//! file.

use crate::files::{Column, FileKind};
use std::io::Write;

/// Writes one file.
pub struct FileWriter<W: Write> {
    columns: &'static [Column],
    writer: csv::Writer<W>,
    cells: Vec<String>,
    rows: u64,
}

impl<W: Write> FileWriter<W> {
    /// Starts `kind`'s file on `output` with its header.
    pub fn new(kind: FileKind, output: W) -> csv::Result<Self> {
        let columns = kind.columns();
        let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(output);
        writer.write_record(columns.iter().map(|column| column.name))?;
        Ok(Self { columns, writer, cells: vec![String::new(); columns.len()], rows: 0 })
    }

    /// Writes a row from (column, value) pairs; names must be columns of the file.
    pub fn write(&mut self, values: &[(&str, String)]) -> csv::Result<()> {
        for cell in &mut self.cells {
            cell.clear();
        }
        for (name, value) in values {
            match self.columns.iter().position(|column| column.name == *name) {
                Some(position) => value.clone_into(&mut self.cells[position]),
                None => debug_assert!(false, "{name} is not a column of this file"),
            }
        }
        self.rows += 1;
        self.writer.write_record(&self.cells)
    }

    /// Finishes the file; the number of rows written.
    pub fn finish(mut self) -> csv::Result<u64> {
        self.writer.flush()?;
        Ok(self.rows)
    }
}

/// A list value: items joined by commas.
pub fn list<I: AsRef<str>>(items: impl IntoIterator<Item = I>) -> String {
    items.into_iter().map(|item| item.as_ref().to_owned()).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::{FileWriter, list};
    use crate::files::FileKind;

    #[test]
    fn a_row_fills_its_columns_and_leaves_the_others_blank() {
        let mut output = Vec::new();
        let mut writer = FileWriter::new(FileKind::Categories, &mut output).unwrap();
        writer.write(&[("sourcedId", "dm-tx".into()), ("title", "Thường xuyên, 1".into())]).unwrap();
        writer.write(&[("weight", "2".into()), ("sourcedId", "dm-gk".into())]).unwrap();
        assert_eq!(writer.finish().unwrap(), 2);
        assert_eq!(
            String::from_utf8(output).unwrap(),
            "sourcedId,status,dateLastModified,title,weight,metadata.vn.assessmentKind\r\n\
             dm-tx,,,\"Thường xuyên, 1\",,\r\n\
             dm-gk,,,,2,\r\n"
        );
        assert_eq!(list(["a", "b"]), "a,b");
    }
}
