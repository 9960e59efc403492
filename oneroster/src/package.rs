//! A package: a folder or a `.zip` of CSV files with a `manifest.csv` saying which are there
//! and whether each is a bulk file (the whole set) or a delta file (changes only). Opening a
//! package reads the manifest and reports files that are missing, unknown, or present but not
//! announced; files are then read one at a time, streaming.

use crate::files::{FileKind, MANIFEST, NOT_KEPT};
use crate::problem::{Location, Problem, Reason};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

/// How a file is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Absent,
    /// The whole set: `status` and `dateLastModified` are blank.
    Bulk,
    /// Changes only: every row has `status` (`active` or `tobedeleted`) and `dateLastModified`.
    Delta,
}

impl Mode {
    fn parse(value: &str) -> Option<Mode> {
        match value {
            "absent" => Some(Mode::Absent),
            "bulk" => Some(Mode::Bulk),
            "delta" => Some(Mode::Delta),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Absent => "absent",
            Mode::Bulk => "bulk",
            Mode::Delta => "delta",
        }
    }
}

/// The manifest: the mode of each file and the producing system.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    pub modes: BTreeMap<FileKind, Mode>,
    pub source_system_name: Option<String>,
    pub source_system_code: Option<String>,
}

/// What is wrong with the manifest's header line, if anything: it must be exactly
/// `propertyName,value`.
fn header_problem(headers: csv::Result<&csv::StringRecord>) -> Option<Problem> {
    match headers {
        Ok(headers) if headers.iter().eq(["propertyName", "value"]) => None,
        Ok(_) => Some(Problem::new(
            Location::line(MANIFEST, 1),
            Reason::Model {
                vietnamese: "dòng tiêu đề phải là propertyName,value".into(),
                english: "the header must be propertyName,value".into(),
            },
        )),
        Err(error) => Some(Problem::new(Location::file(MANIFEST), Reason::MalformedCsv(error.to_string()))),
    }
}

/// The manifest's version, and the binding's.
pub const MANIFEST_VERSION: &str = "1.0";
pub const ONEROSTER_VERSION: &str = "1.2";

impl Manifest {
    /// The mode of `kind`; a file the manifest does not name is absent.
    pub fn mode(&self, kind: FileKind) -> Mode {
        self.modes.get(&kind).copied().unwrap_or(Mode::Absent)
    }

    /// Reads a manifest, adding what is wrong with it to `problems`.
    pub fn read(input: impl Read, problems: &mut Vec<Problem>) -> Manifest {
        let mut manifest = Manifest::default();
        let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(input);
        if let Some(problem) = header_problem(reader.headers()) {
            problems.push(problem);
            return manifest;
        }
        for record in reader.records() {
            match record {
                Ok(record) => manifest.read_property(&record, problems),
                Err(error) => {
                    let line = error.position().map_or(0, csv::Position::line);
                    problems
                        .push(Problem::new(Location::line(MANIFEST, line), Reason::MalformedCsv(error.to_string())));
                }
            }
        }
        manifest
    }

    /// Takes in one `propertyName,value` line, adding what is wrong with it to `problems`.
    fn read_property(&mut self, record: &csv::StringRecord, problems: &mut Vec<Problem>) {
        let line = record.position().map_or(0, csv::Position::line);
        let (property, value) = (record.get(0).unwrap_or("").trim(), record.get(1).unwrap_or("").trim());
        let bad = |property: &str| {
            Problem::new(
                Location::cell(MANIFEST, line, 2, "value"),
                Reason::BadManifestValue { property: property.to_owned(), value: value.to_owned() },
            )
        };
        match property {
            "manifest.version" if value != MANIFEST_VERSION => problems.push(bad(property)),
            "oneroster.version" if value != ONEROSTER_VERSION => problems.push(bad(property)),
            "manifest.version" | "oneroster.version" => {}
            "source.systemName" => self.source_system_name = Some(value.to_owned()),
            "source.systemCode" => self.source_system_code = Some(value.to_owned()),
            _ => {
                let Some(file) = property.strip_prefix("file.") else {
                    problems
                        .push(Problem::new(Location::cell(MANIFEST, line, 1, "propertyName"), Reason::UnknownColumn));
                    return;
                };
                let Some(mode) = Mode::parse(value) else {
                    problems.push(bad(property));
                    return;
                };
                if let Some(kind) = FileKind::named(&format!("{file}.csv")) {
                    self.modes.insert(kind, mode);
                }
            }
        }
    }

    /// Writes the manifest with every file EMIS writes, and the producing system.
    pub fn write(&self, output: impl io::Write) -> csv::Result<()> {
        let mut writer = csv::Writer::from_writer(output);
        writer.write_record(["propertyName", "value"])?;
        writer.write_record(["manifest.version", MANIFEST_VERSION])?;
        writer.write_record(["oneroster.version", ONEROSTER_VERSION])?;
        for kind in FileKind::ALL {
            writer.write_record([kind.manifest_property().as_str(), self.mode(kind).as_str()])?;
        }
        if let Some(name) = &self.source_system_name {
            writer.write_record(["source.systemName", name])?;
        }
        if let Some(code) = &self.source_system_code {
            writer.write_record(["source.systemCode", code])?;
        }
        writer.flush()?;
        Ok(())
    }
}

enum Source {
    Folder(PathBuf),
    /// A zip file, and the folder inside it that holds the files ("" for the root).
    Zip(PathBuf, String),
}

/// An opened package.
pub struct Package {
    source: Source,
    pub manifest: Manifest,
}

impl Package {
    /// Opens the folder or zip file at `path` and reads its manifest. Problems with the
    /// package as a whole go to `problems`; `None` when it cannot be read at all.
    pub fn open(path: &Path, problems: &mut Vec<Problem>) -> Option<Package> {
        let shown = path.display().to_string();
        let (source, names) = if path.is_dir() {
            let names = match folder_entries(path) {
                Ok(names) => names,
                Err(error) => {
                    problems.push(Problem::new(Location::file(shown), Reason::Unreadable(error.to_string())));
                    return None;
                }
            };
            (Source::Folder(path.to_owned()), names)
        } else {
            match zip_entries(path) {
                Ok((prefix, names)) => (Source::Zip(path.to_owned(), prefix), names),
                Err(error) => {
                    problems.push(Problem::new(Location::file(shown), Reason::Unreadable(error.to_string())));
                    return None;
                }
            }
        };
        let mut package = Package { source, manifest: Manifest::default() };
        if !names.contains(MANIFEST) {
            problems.push(Problem::new(Location::file(MANIFEST), Reason::MissingManifest));
            return None;
        }
        let manifest = package.with_file(MANIFEST, |input| Manifest::read(input, problems));
        match manifest {
            Ok(manifest) => package.manifest = manifest,
            Err(error) => {
                problems.push(Problem::new(Location::file(MANIFEST), Reason::Unreadable(error.to_string())));
                return None;
            }
        }
        for kind in FileKind::ALL {
            if package.manifest.mode(kind) != Mode::Absent && !names.contains(kind.file_name()) {
                problems.push(Problem::new(Location::file(kind.file_name()), Reason::MissingFile));
            }
        }
        // `attendance.csv` is EMIS's own file: many packages carry it without naming it.
        let attendance = FileKind::Attendance;
        if names.contains(attendance.file_name()) && !package.manifest.modes.contains_key(&attendance) {
            package.manifest.modes.insert(attendance, Mode::Bulk);
            problems.push(Problem::new(Location::file(attendance.file_name()), Reason::ReadUnlisted));
        }
        for name in names.iter().filter(|name| name.as_str() != MANIFEST) {
            let reason = match FileKind::named(name) {
                Some(kind) if package.manifest.mode(kind) == Mode::Absent => Reason::NotInManifest,
                Some(_) => continue,
                None if NOT_KEPT.contains(&name.as_str()) => Reason::NotKept,
                None => Reason::UnknownFile,
            };
            problems.push(Problem::new(Location::file(name.clone()), reason));
        }
        Some(package)
    }

    /// Runs `read` over the contents of the file `name`, streaming.
    pub fn with_file<T>(&self, name: &str, read: impl FnOnce(&mut dyn Read) -> T) -> io::Result<T> {
        match &self.source {
            Source::Folder(folder) => {
                let mut input = BufReader::with_capacity(1 << 16, File::open(folder.join(name))?);
                Ok(read(&mut input))
            }
            Source::Zip(path, prefix) => {
                let mut archive = zip::ZipArchive::new(BufReader::new(File::open(path)?)).map_err(io::Error::other)?;
                let mut entry = archive.by_name(&format!("{prefix}{name}")).map_err(io::Error::other)?;
                let mut input = BufReader::with_capacity(1 << 16, &mut entry);
                Ok(read(&mut input))
            }
        }
    }
}

/// The names of the files directly in `folder`.
fn folder_entries(folder: &Path) -> io::Result<BTreeSet<String>> {
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(folder)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            names.insert(entry.file_name().to_string_lossy().into_owned());
        }
    }
    Ok(names)
}

/// The files of a zip at its root, or inside its one top-level folder when everything is in
/// one (as when a folder was zipped): that folder's prefix, and the names.
fn zip_entries(path: &Path) -> io::Result<(String, BTreeSet<String>)> {
    let archive = zip::ZipArchive::new(BufReader::new(File::open(path)?)).map_err(io::Error::other)?;
    let files: Vec<String> = archive
        .file_names()
        .collect::<Result<Vec<_>, _>>()
        .map_err(io::Error::other)?
        .into_iter()
        .filter(|name| !name.ends_with('/'))
        .map(|name| name.into_owned())
        .collect();
    let prefix = match files.first().and_then(|first| first.split_once('/')) {
        Some((folder, _)) if files.iter().all(|name| name.starts_with(&format!("{folder}/"))) => format!("{folder}/"),
        _ => String::new(),
    };
    let names = files
        .iter()
        .filter_map(|name| name.strip_prefix(prefix.as_str()))
        .filter(|name| !name.contains('/'))
        .map(str::to_owned)
        .collect();
    Ok((prefix, names))
}
