//! Recognising sensitive header names, and reading or refusing their values by where they
//! stand.

use super::{ALL, header_key, markdown, recognise};
use crate::files::FileKind;
use crate::package::Mode;
use crate::problem::{Problem, Reason, Severity};
use crate::reader::{Record, Row, read_rows};
use crate::records::{Demographics, Enrollment, User};

fn kind_of(header: &str) -> Option<&'static str> {
    recognise(header).map(|sensitive| sensitive.english)
}

#[test]
fn a_sensitive_name_is_recognised_however_it_is_written() {
    for (header, kind) in [
        ("metadata.vn.ethnicity", "ethnicity"),
        ("metadata.vn.Ethnicity", "ethnicity"),
        ("metadata.ethnicity", "ethnicity"),
        ("ETHNICITY", "ethnicity"),
        ("metadata.vn.danToc", "ethnicity"),
        ("dân tộc", "ethnicity"),
        ("Dân tộc", "ethnicity"),
        ("DAN_TOC", "ethnicity"),
        ("hs_dan_toc", "ethnicity"),
        ("tôn giáo", "religion"),
        ("religion", "religion"),
        ("metadata.vn.tonGiao", "religion"),
        ("health", "health"),
        ("sức khỏe", "health"),
        ("Sức khoẻ", "health"),
        ("metadata.vn.healthNotes", "health"),
        ("dị ứng", "health"),
        ("cccd", "national identity number"),
        ("CCCD_HS", "national identity number"),
        ("nationalId", "national identity number"),
        ("metadata.nationalId", "national identity number"),
        ("Số căn cước công dân", "national identity number"),
        ("địa chỉ", "address"),
        ("address", "address"),
        ("metadata.vn.Address", "address"),
        ("Địa chỉ thường trú", "address"),
        ("ngày sinh", "birth date"),
        ("Ngay_Sinh", "birth date"),
        ("dateOfBirth", "birth date"),
        ("DOB", "birth date"),
        ("BirthDate", "birth date"),
        ("Phone", "phone"),
        ("parentPhone", "phone"),
        ("Số điện thoại", "phone"),
        ("SĐT mẹ", "phone"),
        ("E-mail", "e-mail"),
        ("emailAddress", "e-mail"),
        ("Địa chỉ email", "e-mail"),
    ] {
        assert_eq!(kind_of(header), Some(kind), "{header}");
    }
}

#[test]
fn other_names_are_not_sensitive() {
    for header in [
        "organisation",
        "identifier",
        "Identifier",
        "classCode",
        "location",
        "sex",
        "gender",
        "givenName",
        "comment",
        "note",
        "metadata.vn.relationship",
        "metadata.vn.employmentStatus",
        "metadata.vn.homeroomClassSourcedId",
        "publicSchoolResidenceStatus",
        "studentIdNumber",
        "Giáo viên Đạo đức",
        "hotel",
        "metadata",
        "metadata.vn.",
        "",
    ] {
        assert_eq!(kind_of(header), None, "{header}");
    }
    assert_eq!(header_key("metadata.vn.Dân_tộc"), "dantoc");
}

#[test]
fn every_column_a_sensitive_value_is_read_from_names_it_and_no_other_column_of_emis_does() {
    for sensitive in &ALL {
        for (file, column) in sensitive.places {
            assert!(file.columns().iter().any(|c| c.name == *column), "{column} is not a column of {file:?}");
            assert_eq!(recognise(column), Some(sensitive), "{column}");
        }
    }
    let places: Vec<&str> = ALL.iter().flat_map(|s| s.places.iter().map(|(_, column)| *column)).collect();
    let recognised: Vec<&str> = FileKind::ALL
        .iter()
        .flat_map(|file| file.columns().iter().map(|column| column.name))
        .filter(|name| !places.contains(name) && recognise(name).is_some())
        .collect();
    // A specification column EMIS does not read, an ethnicity all the same (were it elsewhere).
    assert_eq!(recognised, ["hispanicOrLatinoEthnicity"]);
}

/// Reads `contents` as `T`'s file in bulk: the rows read and every problem.
fn read<T: Record>(contents: &str) -> (Vec<Row<T>>, Vec<Problem>) {
    let (mut rows, mut problems) = (Vec::new(), Vec::new());
    read_rows::<T>(&mut contents.as_bytes(), Mode::Bulk, &mut problems, &mut |row| rows.push(row));
    (rows, problems)
}

fn shown(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

const USER_HEADER: &str = "sourcedId,status,dateLastModified,enabledUser,givenName,familyName";

#[test]
fn users_csv_reads_a_students_background_in_the_columns_of_demographics() {
    let csv = format!(
        "{USER_HEADER},metadata.vn.ethnicity,metadata.vn.religion,metadata.vn.health\n\
         hs-1,,,true,Mai,Võ,Tày,Không,Hen suyễn\nhs-2,,,true,Lan,Võ,,,\n"
    );
    let (rows, problems) = read::<User>(&csv);
    assert!(problems.is_empty(), "{problems:?}");
    let background = &rows[0].record.background;
    assert_eq!(background.ethnicity.as_deref(), Some("Tày"));
    assert_eq!(background.religion.as_deref(), Some("Không"));
    assert_eq!(background.health.as_deref(), Some("Hen suyễn"));
    assert_eq!(rows[1].record.background, Default::default());
}

#[test]
fn a_sensitive_value_in_a_column_its_file_does_not_read_is_an_error_at_its_cell() {
    let csv = format!(
        "{USER_HEADER},metadata.vn.Ethnicity,Dân tộc,nickname\nhs-1,,,true,Mai,Võ,Tày,,Mi\nhs-2,,,true,Lan,Võ,,Kinh,\n"
    );
    let (rows, problems) = read::<User>(&csv);
    assert!(rows.is_empty(), "a row with a value refused is left out");
    let text = shown(&problems);
    assert_eq!(problems.len(), 3, "{text:#?}");
    assert!(text[0].starts_with("users.csv:1:9 (nickname): cảnh báo / warning"), "{text:#?}");
    assert!(text[1].starts_with("users.csv:2:7 (metadata.vn.Ethnicity): lỗi / error"), "{text:#?}");
    assert!(text[2].starts_with("users.csv:3:8 (Dân tộc): lỗi / error"), "{text:#?}");
    for text in &text[1..] {
        assert!(
            text.contains("giá trị nhạy cảm (dân tộc)") && text.contains("a sensitive value (ethnicity)"),
            "{text}"
        );
        assert!(
            text.contains("demographics.csv column metadata.vn.ethnicity or users.csv column metadata.vn.ethnicity")
        );
        assert!(text.contains("demographics.csv cột metadata.vn.ethnicity"), "{text}");
        assert!(!text.contains("Tày") && !text.contains("Kinh"), "the value is not repeated: {text}");
    }

    let enrollments = "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,metadata.vn.health\n\
        e-1,,,lop-6a1,thcs,hs-1,student,Hen suyễn\ne-2,,,lop-6a1,thcs,hs-2,student,\n";
    let (rows, problems) = read::<Enrollment>(enrollments);
    assert_eq!(rows.iter().map(|row| row.sourced_id.as_str()).collect::<Vec<_>>(), ["e-2"]);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].location.to_string(), "enrollments.csv:2:8 (metadata.vn.health)");
    assert_eq!(problems[0].reason, Reason::SensitiveNotRead(&ALL[7]));
    assert!(problems[0].to_string().contains("EMIS reads it in demographics.csv column metadata.vn.health"));

    let demographics = "sourcedId,status,dateLastModified,birthDate,metadata.vn.ethnicity,dân tộc,Phone\n\
        hs-1,,,2014-03-12,Kinh,Kinh,0903111222\n";
    let (rows, problems) = read::<Demographics>(demographics);
    assert!(rows.is_empty());
    assert_eq!(
        shown(&problems).iter().map(|t| t.split(':').take(3).collect::<Vec<_>>().join(":")).collect::<Vec<_>>(),
        ["demographics.csv:2:6 (dân tộc)", "demographics.csv:2:7 (Phone)"]
    );
    assert!(problems[1].to_string().contains("EMIS reads it in users.csv column phone"));
    assert!(problems.iter().all(Problem::is_error));
}

#[test]
fn an_empty_sensitive_column_where_it_is_not_read_is_only_a_warning() {
    let csv = format!("{USER_HEADER},ngày sinh,tôn giáo\nhs-1,,,true,Mai,Võ,, \nhs-2,,,true,Lan,Võ,,\n");
    let (rows, problems) = read::<User>(&csv);
    assert_eq!(rows.len(), 2);
    assert_eq!(problems.len(), 2);
    assert!(problems.iter().all(|p| p.severity() == Severity::Warning));
    let text = shown(&problems);
    assert!(text[0].starts_with("users.csv:1:7 (ngày sinh): cảnh báo / warning"), "{text:#?}");
    assert!(text[0].contains("nothing was lost") && text[0].contains("demographics.csv column birthDate"));
    assert!(text[1].starts_with("users.csv:1:8 (tôn giáo): cảnh báo / warning"), "{text:#?}");
}

#[test]
fn the_readme_table_is_the_module_table() {
    let readme = include_str!("../../../README.md");
    assert!(readme.contains(&markdown()), "README's sensitive table differs; it should read:\n{}", markdown());
}
