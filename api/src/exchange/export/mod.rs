//! `emis export oneroster DIR`: the database — or one school of it — as a OneRoster 1.2 CSV
//! package in bulk mode. Records keep the exchange identifiers they came with; records made
//! in EMIS are named `emis-<table>-<id>` (courses and categories EMIS derives from its
//! classes and columns get such names too), and those names stay with the records when the
//! package is imported elsewhere. Sensitive values (identity number, address, phone, e-mail,
//! ethnicity, religion, health) are written only when asked for, and every export is recorded
//! in `exchange_log` with who ran it, its scope and whether it carried sensitive values.
//!
//! What OneRoster cannot carry is not written: past parent links of organisations, ended
//! guardianships, staff status history, passwords.
//!
//! A one-school export reads only that school's rows, by SQL conditions ([`scope`]); the
//! files are written in reference order: the structure (`structure.rs`, `classes.rs`), the
//! people (`people.rs`, `staff.rs`), enrollments (`enrollments.rs`), then the books
//! (`books.rs`, `marks.rs`, with the primary summary book's subject evaluations in
//! `primary.rs`).

mod books;
mod classes;
mod enrollments;
mod marks;
mod out;
mod people;
mod primary;
mod reveal;
mod scope;
mod staff;
mod structure;

use crate::vault::Vault;
use anyhow::Context as _;
use chrono::Utc;
use emis_oneroster::{FileKind, Manifest, Mode};
use entity::exchange_log;
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait as _};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

/// How an export runs.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// Who runs it, for the exchange log.
    pub actor: String,
    /// Only this school (its exchange identifier), with the organisations above it.
    pub school: Option<String>,
    /// Write sensitive values too.
    pub sensitive: bool,
}

/// Rows written per file.
pub type ExportReport = BTreeMap<FileKind, u64>;

/// Writes the package into the folder `dir` (created if missing; its CSV files replaced).
pub async fn export(
    db: &DatabaseConnection,
    vault: &Vault,
    dir: &Path,
    options: &ExportOptions,
) -> anyhow::Result<ExportReport> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut out = out::Out { dir, report: BTreeMap::new() };
    let scope = scope::Scope::read(db, options.school.as_deref()).await?;
    structure::write_orgs(&mut out, &scope)?;
    let sessions = structure::Sessions::read(db).await?;
    sessions.write(&mut out)?;
    let classes = classes::Classes::read(db, &scope).await?;
    classes.write(db, &mut out, &scope, &sessions).await?;
    let reveal = reveal::Reveal { vault, sensitive: options.sensitive };
    people::write(db, &mut out, &scope, &reveal, &classes.class_by_id()).await?;
    enrollments::write(db, &mut out, &scope, &classes).await?;
    let columns = books::write(db, &mut out, &scope, &classes, &sessions).await?;
    marks::write_results(db, &mut out, &scope, &classes, &columns).await?;
    marks::write_attendance(db, &mut out, &scope, &classes).await?;
    write_manifest(dir, &out.report)?;
    log(db, options, &out.report).await?;
    Ok(out.report)
}

/// Writes `manifest.csv`: the files written in bulk mode, the others absent.
fn write_manifest(dir: &Path, report: &ExportReport) -> anyhow::Result<()> {
    let mut manifest = Manifest::default();
    for kind in FileKind::ALL {
        let mode = if report.contains_key(&kind) { Mode::Bulk } else { Mode::Absent };
        manifest.modes.insert(kind, mode);
    }
    manifest.source_system_name = Some("EMIS".to_owned());
    manifest.source_system_code = Some("emis".to_owned());
    manifest.write(BufWriter::new(File::create(dir.join("manifest.csv"))?))?;
    Ok(())
}

/// Records the export in `exchange_log`: who, which scope, whether sensitive, rows per file.
async fn log(db: &DatabaseConnection, options: &ExportOptions, report: &ExportReport) -> anyhow::Result<()> {
    let summary = report.iter().map(|(kind, rows)| format!("{}={rows}", kind.file_name())).collect::<Vec<_>>();
    let log = exchange_log::ActiveModel {
        at: Set(Utc::now()),
        direction: Set("export".to_owned()),
        actor: Set(options.actor.clone()),
        scope: Set(options.school.clone().unwrap_or_else(|| "all".to_owned())),
        sensitive: Set(options.sensitive),
        summary: Set(summary.join(" ")),
        ..Default::default()
    };
    exchange_log::Entity::insert(log).exec(db).await.context("logging the export")?;
    Ok(())
}
