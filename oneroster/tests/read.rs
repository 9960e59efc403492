//! Reading packages: a valid one (folder and zip), and each kind of malformed file or value,
//! with every problem located at its file, line and column.

use emis_oneroster::records::{Attendance, Class, ClassType, Org, OrgType, User};
use emis_oneroster::{FileKind, Mode, Package, Problem, Reason, Record, Row, Status, read_file};
use entity::{AttendanceStatus, DaySession};
use std::io::Write as _;
use std::path::Path;

fn manifest(files: &[(&str, &str)]) -> String {
    let mut text = String::from("propertyName,value\nmanifest.version,1.0\noneroster.version,1.2\n");
    for (file, mode) in files {
        text.push_str(&format!("file.{file},{mode}\n"));
    }
    text
}

fn write_package(dir: &Path, files: &[(&str, &str)]) {
    for (name, contents) in files {
        std::fs::write(dir.join(name), contents).unwrap();
    }
}

fn read_all<T: Record>(package: &Package) -> (Vec<Row<T>>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut rows = Vec::new();
    read_file::<T>(package, &mut problems, |row| rows.push(row)).unwrap();
    (rows, problems)
}

fn located(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(|problem| problem.location.to_string()).collect()
}

const ORGS: &str = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId,metadata.vn.schoolLevel\n\
    so-hcm,,,Sở GD&ĐT TP. Hồ Chí Minh,state,79,,\n\
    thcs-colette,,,Trường THCS Colette,school,79000701,so-hcm,THCS\n";

const USERS: &str = "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns,metadata.vn.nationalId,metadata.vn.relationship\n\
    hs-1,,,true,,,Mai,Võ,Kim,,,,,\"ph-1\",06,,,,,,thcs-colette,,079212000001,\n\
    ph-1,,,true,phuhuynh,,Hoa,Trần,Thị,,,,0901234567,hs-1,,,,,,,thcs-colette,,,mother\n";

#[test]
fn a_valid_folder_reads_every_row_with_its_vietnamese_text() {
    let dir = tempfile::tempdir().unwrap();
    write_package(
        dir.path(),
        &[
            ("manifest.csv", &manifest(&[("orgs", "bulk"), ("users", "bulk")])),
            ("orgs.csv", ORGS),
            ("users.csv", USERS),
        ],
    );
    let mut problems = Vec::new();
    let package = Package::open(dir.path(), &mut problems).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(package.manifest.mode(FileKind::Orgs), Mode::Bulk);
    assert_eq!(package.manifest.mode(FileKind::Classes), Mode::Absent);

    let (orgs, problems) = read_all::<Org>(&package);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(orgs.len(), 2);
    assert_eq!(orgs[1].sourced_id, "thcs-colette");
    assert_eq!(orgs[1].line, 3);
    assert_eq!(orgs[1].status, Status::Active);
    assert_eq!(orgs[1].record.name, "Trường THCS Colette");
    assert_eq!(orgs[1].record.kind, OrgType::School);
    assert_eq!(orgs[1].record.parent.as_deref(), Some("so-hcm"));
    assert_eq!(orgs[1].record.school_level, Some(entity::SchoolLevel::Thcs));

    let (users, problems) = read_all::<User>(&package);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(users[0].record.family_name, "Võ");
    assert_eq!(users[0].record.agents, ["ph-1"]);
    assert_eq!(users[0].record.national_id.as_deref(), Some("079212000001"));
    assert_eq!(users[1].record.relationship, Some(entity::Relationship::Mother));
    assert_eq!(users[1].record.phone.as_deref(), Some("0901234567"));
}

#[test]
fn a_zip_reads_like_the_folder_even_with_the_files_in_one_folder_inside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("district.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    for (name, contents) in [("manifest.csv", manifest(&[("orgs", "bulk")])), ("orgs.csv", ORGS.to_owned())] {
        zip.start_file(format!("export/{name}"), options).unwrap();
        zip.write_all(contents.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    let mut problems = Vec::new();
    let package = Package::open(&path, &mut problems).unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let (orgs, problems) = read_all::<Org>(&package);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(orgs.len(), 2);
}

#[test]
fn every_bad_value_is_reported_at_its_cell_and_its_row_is_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let classes = "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds\n\
        6a1,,,6A1,06,course-6,,homeroom,,thcs-colette,y2026\n\
        6a1-toan,,,Toán 6A1,06,toan-6,,lecture,,thcs-colette,y2026\n\
        6a2,,,,06,course-6,,homeroom,,thcs-colette,\n\
        6a1,,,6A1 again,06,course-6,,homeroom,,thcs-colette,y2026\n\
        6a3,,,6A3,06,course 6,,homeroom,,thcs-colette,y2026\n";
    write_package(dir.path(), &[("manifest.csv", &manifest(&[("classes", "bulk")])), ("classes.csv", classes)]);
    let mut problems = Vec::new();
    let package = Package::open(dir.path(), &mut problems).unwrap();
    let (rows, problems) = read_all::<Class>(&package);
    assert_eq!(rows.len(), 1, "only the first row is whole");
    assert_eq!(rows[0].record.kind, ClassType::Homeroom);
    assert_eq!(
        located(&problems),
        [
            "classes.csv:3:8 (classType)",
            "classes.csv:4:11 (termSourcedIds)",
            "classes.csv:4:4 (title)",
            "classes.csv:5:1 (sourcedId)",
            "classes.csv:6:6 (courseSourcedId)",
        ]
    );
    assert!(matches!(&problems[0].reason, Reason::BadValue { value, .. } if value == "lecture"));
    assert_eq!(problems[3].reason, Reason::DuplicateSourcedId { first_line: 2 });
    assert!(problems.iter().all(Problem::is_error));
    let message = problems[0].to_string();
    assert!(message.contains("không được phép") && message.contains("is not allowed"), "{message}");
}

#[test]
fn a_missing_required_column_rejects_the_file_and_unknown_columns_and_files_are_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let orgs = "sourcedId,status,dateLastModified,name,identifier,colour\nso-hcm,,,Sở,79,blue\n";
    write_package(
        dir.path(),
        &[
            ("manifest.csv", &manifest(&[("orgs", "bulk")])),
            ("orgs.csv", orgs),
            ("notes.csv", "a\n1\n"),
            ("userProfiles.csv", "sourcedId\n"),
            ("users.csv", USERS),
        ],
    );
    let mut problems = Vec::new();
    let package = Package::open(dir.path(), &mut problems).unwrap();
    assert_eq!(located(&problems), ["notes.csv", "userProfiles.csv", "users.csv"]);
    assert_eq!(
        problems.iter().map(|problem| problem.reason.clone()).collect::<Vec<_>>(),
        [Reason::UnknownFile, Reason::NotKept, Reason::NotInManifest]
    );
    assert!(problems.iter().all(|problem| !problem.is_error()));

    let (rows, problems) = read_all::<Org>(&package);
    assert!(rows.is_empty());
    assert_eq!(located(&problems), ["orgs.csv:1:6 (colour)", "orgs.csv:1"]);
    assert!(!problems[0].is_error());
    assert_eq!(problems[1].reason, Reason::MissingColumn("type"));
}

#[test]
fn a_delta_file_needs_status_and_time_and_a_bulk_file_ignores_them() {
    let dir = tempfile::tempdir().unwrap();
    let orgs = "sourcedId,status,dateLastModified,name,type\n\
        a,active,2026-11-01T08:00:00.000Z,A,school\n\
        b,tobedeleted,2026-11-02T08:00:00Z,B,school\n\
        c,,2026-11-02T08:00:00Z,C,school\n\
        d,deleted,yesterday,D,school\n";
    write_package(dir.path(), &[("manifest.csv", &manifest(&[("orgs", "delta")])), ("orgs.csv", orgs)]);
    let mut problems = Vec::new();
    let package = Package::open(dir.path(), &mut problems).unwrap();
    let (rows, problems) = read_all::<Org>(&package);
    assert_eq!(rows.iter().map(|row| row.status).collect::<Vec<_>>(), [Status::Active, Status::ToBeDeleted]);
    assert!(rows[1].modified > rows[0].modified);
    assert_eq!(
        located(&problems),
        ["orgs.csv:4:2 (status)", "orgs.csv:5:2 (status)", "orgs.csv:5:3 (dateLastModified)"]
    );

    std::fs::write(dir.path().join("manifest.csv"), manifest(&[("orgs", "bulk")])).unwrap();
    let mut problems = Vec::new();
    let package = Package::open(dir.path(), &mut problems).unwrap();
    let (rows, problems) = read_all::<Org>(&package);
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|row| row.status == Status::Active && row.modified.is_none()));
    assert!(problems.iter().all(|problem| problem.reason == Reason::IgnoredInBulk));
}

#[test]
fn malformed_csv_and_a_bad_manifest_are_reported_with_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let orgs = "\u{feff}sourcedId,status,dateLastModified,name,type\na,,,A,school\nb,,,B\nc,,,C,school\n";
    let manifest_text =
        "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.orgs,full\nfile.classes,bulk\n";
    write_package(dir.path(), &[("manifest.csv", manifest_text), ("orgs.csv", orgs)]);
    let mut problems = Vec::new();
    Package::open(dir.path(), &mut problems).unwrap();
    // orgs.csv has no usable mode, so it is not read.
    assert_eq!(located(&problems), ["manifest.csv:3:2 (value)", "manifest.csv:4:2 (value)", "classes.csv", "orgs.csv"]);
    assert_eq!(problems[2].reason, Reason::MissingFile);
    assert_eq!(problems[3].reason, Reason::NotInManifest);

    std::fs::write(dir.path().join("manifest.csv"), manifest(&[("orgs", "bulk")])).unwrap();
    let mut problems = Vec::new();
    let package = Package::open(dir.path(), &mut problems).unwrap();
    let (rows, problems) = read_all::<Org>(&package);
    assert_eq!(rows.iter().map(|row| row.sourced_id.as_str()).collect::<Vec<_>>(), ["a", "c"]);
    assert_eq!(located(&problems), ["orgs.csv:3"]);
    assert!(matches!(problems[0].reason, Reason::MalformedCsv(_)));
}

#[test]
fn a_package_without_manifest_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write_package(dir.path(), &[("orgs.csv", ORGS)]);
    let mut problems = Vec::new();
    assert!(Package::open(dir.path(), &mut problems).is_none());
    assert_eq!(problems[0].reason, Reason::MissingManifest);
    let mut problems = Vec::new();
    assert!(Package::open(&dir.path().join("missing.zip"), &mut problems).is_none());
    assert!(matches!(problems[0].reason, Reason::Unreadable(_)));
}

#[test]
fn attendance_csv_is_read_when_the_manifest_omits_it_but_not_when_it_says_absent() {
    let dir = tempfile::tempdir().unwrap();
    let attendance = "sourcedId,status,dateLastModified,classSourcedId,studentSourcedId,date,session,attendanceStatus\n\
        dd-1,,,lop-1,hs-1,2026-10-05,Sáng,Có phép\n\
        dd-2,,,lop-1,hs-2,2026-10-05,afternoon,đi muộn\n";
    write_package(dir.path(), &[("manifest.csv", &manifest(&[])), ("attendance.csv", attendance)]);
    let mut problems = Vec::new();
    let package = Package::open(dir.path(), &mut problems).unwrap();
    assert_eq!(problems.iter().map(|problem| problem.reason.clone()).collect::<Vec<_>>(), [Reason::ReadUnlisted]);
    assert_eq!(package.manifest.mode(FileKind::Attendance), Mode::Bulk);
    let (rows, problems) = read_all::<Attendance>(&package);
    let read: Vec<_> = rows.iter().map(|row| (row.record.session, row.record.status)).collect();
    assert_eq!(
        read,
        [(DaySession::Morning, AttendanceStatus::Excused), (DaySession::Afternoon, AttendanceStatus::Late)]
    );
    assert_eq!(
        located(&problems),
        [
            "attendance.csv:2:7 (session)",
            "attendance.csv:2:8 (attendanceStatus)",
            "attendance.csv:3:8 (attendanceStatus)"
        ]
    );
    assert!(problems.iter().all(|problem| matches!(problem.reason, Reason::Mapped { .. })));

    write_package(dir.path(), &[("manifest.csv", &manifest(&[("attendance", "absent")]))]);
    let mut problems = Vec::new();
    let package = Package::open(dir.path(), &mut problems).unwrap();
    assert_eq!(problems.iter().map(|problem| problem.reason.clone()).collect::<Vec<_>>(), [Reason::NotInManifest]);
    assert_eq!(package.manifest.mode(FileKind::Attendance), Mode::Absent);
}
