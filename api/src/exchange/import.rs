//! The import of a package: opened and read file by file in reference order, each file's
//! rows mapped onto EMIS's records and written inside one transaction, which is committed
//! only when no file had an error. Warnings (unknown files and columns, rows EMIS does not
//! keep) are reported with the counts.

use super::people::People;
use super::roster::Roster;
use super::store::{Counts, Store};
use crate::vault::Vault;
use anyhow::Context as _;
use chrono::{NaiveDate, Utc};
use emis_oneroster::{FileKind, Package, Problem, Reason, Record, Row, read_file};
use entity::exchange_log;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, DatabaseConnection, EntityTrait, QueryFilter as _, TransactionTrait as _,
};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

/// How an import runs.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// Who runs it, for the exchange log.
    pub actor: String,
    /// The date records start on when the package gives none, and delta ends fall on.
    pub today: NaiveDate,
}

/// How an import ended.
#[derive(Debug)]
pub enum ImportOutcome {
    /// Written: what changed per table, the warnings, and how often each word of a synonym
    /// table was read as EMIS's value.
    Imported { counts: BTreeMap<&'static str, Counts>, warnings: Vec<Problem>, mappings: BTreeMap<Mapping, u64> },
    /// Nothing written: every problem, errors and warnings, in file order.
    Refused { problems: Vec<Problem> },
}

/// A word a package wrote for an enumerated value and the value EMIS read it as.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mapping {
    /// The file and column header, e.g. `users.csv metadata.vn.relationship`.
    pub column: String,
    pub value: String,
    pub canonical: &'static str,
}

/// The warnings listed per mapping; the summary counts them all.
const LISTED_PER_MAPPING: u64 = 10;

/// How often each mapping was made, from the warnings that report them; only the first
/// [`LISTED_PER_MAPPING`] warnings of each stay in `warnings`, so a file that writes one
/// word on every row does not list every row.
fn mappings(warnings: &mut Vec<Problem>) -> BTreeMap<Mapping, u64> {
    let mut counts = BTreeMap::new();
    warnings.retain(|problem| {
        let Reason::Mapped { value, canonical } = &problem.reason else { return true };
        let column = match &problem.location.column {
            Some((_, header)) => format!("{} {header}", problem.location.file),
            None => problem.location.file.clone(),
        };
        let count = counts.entry(Mapping { column, value: value.clone(), canonical }).or_insert(0);
        *count += 1;
        *count <= LISTED_PER_MAPPING
    });
    counts
}

/// Where an import reports how far it is: a file started, rows done, the file finished.
pub trait Progress: Send + Sync {
    fn start(&self, file: FileKind);
    fn advance(&self, rows: u64);
    fn finish(&self);
}

/// No progress shown.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _file: FileKind) {}
    fn advance(&self, _rows: u64) {}
    fn finish(&self) {}
}

/// What the mapping of every file shares.
pub struct Ctx<'t> {
    pub store: Store<'t>,
    pub vault: &'t Arc<Vault>,
    pub today: NaiveDate,
    pub problems: Vec<Problem>,
    pub progress: &'t dyn Progress,
    /// Data keys created for new people (cached, not yet wrapped).
    pub new_keys: Vec<entity::data_key::Model>,
    /// The new data keys being wrapped on other threads while the import goes on; written
    /// at its end.
    pub wrapping: Vec<tokio::task::JoinHandle<anyhow::Result<Vec<entity::data_key::Model>>>>,
}

impl Ctx<'_> {
    /// Records a problem found by the mapping.
    pub fn problem(&mut self, problem: Problem) {
        self.problems.push(problem);
    }

    /// The rows of `T`'s file that read without errors (problems recorded).
    pub fn rows<T: Record>(&mut self, package: &Package) -> anyhow::Result<Vec<Row<T>>> {
        let mut rows = Vec::new();
        self.progress.start(T::FILE);
        let read = read_file::<T>(package, &mut self.problems, |row| rows.push(row))
            .with_context(|| format!("reading {}", T::FILE.file_name()))?;
        self.progress.advance(read);
        self.progress.finish();
        Ok(rows)
    }
}

/// Batches of rows of a file being read.
pub type Batches<T> = tokio::sync::mpsc::Receiver<Vec<Row<T>>>;

/// The end of a file's reading: its problems, or the error that stopped it.
pub type Reading = tokio::task::JoinHandle<std::io::Result<Vec<Problem>>>;

/// Reads `T`'s file on a blocking thread and hands its rows over in batches of `batch`, so
/// memory stays flat however long the file is; the reader's problems come with its end.
pub fn stream<T>(package: Arc<Package>, batch: usize) -> (Batches<T>, Reading)
where
    T: Record + Send + 'static,
{
    stream_mapped(package, batch, |rows| rows)
}

/// Like [`stream`], each batch turned by `map` on the reading thread as well, so that mapping
/// a batch goes on while the one before is written.
pub fn stream_mapped<T, U>(
    package: Arc<Package>,
    batch: usize,
    mut map: impl FnMut(Vec<Row<T>>) -> U + Send + 'static,
) -> (tokio::sync::mpsc::Receiver<U>, Reading)
where
    T: Record + Send + 'static,
    U: Send + 'static,
{
    let (sender, receiver) = tokio::sync::mpsc::channel(4);
    let reader = tokio::task::spawn_blocking(move || {
        let mut problems = Vec::new();
        let mut pending = Vec::with_capacity(batch);
        let mut open = true;
        read_file::<T>(&package, &mut problems, |row| {
            pending.push(row);
            if pending.len() == batch && open {
                let rows = std::mem::replace(&mut pending, Vec::with_capacity(batch));
                open = sender.blocking_send(map(rows)).is_ok();
            }
        })?;
        if !pending.is_empty() && open {
            let _ = sender.blocking_send(map(pending));
        }
        Ok(problems)
    });
    (receiver, reader)
}

/// The stored rows of `E` that have an exchange identifier (in column `external_id`, read by
/// `key`), by it.
pub async fn by_external_id<E: EntityTrait>(
    ctx: &Ctx<'_>,
    external_id: E::Column,
    key: impl Fn(&E::Model) -> Option<&str>,
) -> anyhow::Result<HashMap<String, E::Model>> {
    let rows = E::find()
        .filter(external_id.is_not_null())
        .all(ctx.store.txn)
        .await
        .with_context(|| format!("reading {}", E::default().table_name()))?;
    Ok(rows.into_iter().filter_map(|row| Some((key(&row)?.to_owned(), row))).collect())
}

/// A reference that resolves neither in the package nor in the database.
pub fn unknown<T: Record>(row: &Row<T>, column: &str, target: FileKind, value: &str) -> Problem {
    row.problem(column, Reason::UnknownReference { file: target.file_name(), value: value.to_owned() })
}

/// A rule of EMIS's model broken by a value, in both languages.
pub fn rule<T: Record>(row: &Row<T>, column: &str, vietnamese: &str, english: &str) -> Problem {
    row.problem(column, Reason::Model { vietnamese: vietnamese.to_owned(), english: english.to_owned() })
}

/// A row EMIS does not keep, in both languages.
pub fn skipped<T: Record>(row: &Row<T>, column: &str, vietnamese: &str, english: &str) -> Problem {
    row.problem(column, Reason::Skipped { vietnamese: vietnamese.to_owned(), english: english.to_owned() })
}

/// Imports the package at `path`.
pub async fn import(
    db: &DatabaseConnection,
    vault: &Arc<Vault>,
    path: &Path,
    options: &ImportOptions,
    progress: &dyn Progress,
) -> anyhow::Result<ImportOutcome> {
    let mut problems = Vec::new();
    let Some(package) = Package::open(path, &mut problems) else {
        return Ok(ImportOutcome::Refused { problems });
    };
    let txn = db.begin().await.context("starting the import transaction")?;
    // The log row first: on SQLite it takes the write lock before any id is chosen.
    let log = exchange_log::ActiveModel {
        at: Set(Utc::now()),
        direction: Set("import".to_owned()),
        actor: Set(options.actor.clone()),
        scope: Set("all".to_owned()),
        sensitive: Set(true),
        summary: Set(String::new()),
        ..Default::default()
    };
    let log_id = exchange_log::Entity::insert(log).exec(&txn).await.context("logging the import")?.last_insert_id;
    let package = Arc::new(package);
    let mut ctx = Ctx {
        store: Store::new(&txn),
        vault,
        today: options.today,
        problems,
        progress,
        new_keys: Vec::new(),
        wrapping: Vec::new(),
    };
    let roster = Roster::import(&mut ctx, &package).await?;
    let people = People::import(&mut ctx, &package, &roster).await?;
    super::records::import(&mut ctx, &package, &roster, &people).await?;
    super::person::write_wrapped_keys(&mut ctx).await?;
    let Ctx { store, mut problems, .. } = ctx;
    sort(&mut problems);
    let counts = store.counts;
    if problems.iter().any(Problem::is_error) {
        txn.rollback().await.context("rolling the import back")?;
        return Ok(ImportOutcome::Refused { problems });
    }
    let mappings = mappings(&mut problems);
    let summary = summary(&counts, &mappings);
    exchange_log::Entity::update_many()
        .col_expr(exchange_log::Column::Summary, sea_orm::sea_query::Expr::value(summary))
        .filter(exchange_log::Column::Id.eq(log_id))
        .exec(&txn)
        .await
        .context("logging the import's counts")?;
    txn.commit().await.context("committing the import")?;
    Ok(ImportOutcome::Imported { counts, warnings: problems, mappings })
}

/// Problems in the order of the files and lines they name (a stable sort: problems of one
/// line keep the order they were found in).
fn sort(problems: &mut [Problem]) {
    let file_order =
        |file: &str| FileKind::ALL.iter().position(|kind| kind.file_name() == file).map_or(0, |position| position + 1);
    problems.sort_by_key(|problem| (file_order(&problem.location.file), problem.location.line));
}

/// `table=created+updated-ended …` for the exchange log, then each mapping as
/// `file column "word"→value×count`, separated by `; `.
fn summary(counts: &BTreeMap<&'static str, Counts>, mappings: &BTreeMap<Mapping, u64>) -> String {
    let tables =
        counts.iter().map(|(table, counts)| format!("{table}={}+{}-{}", counts.created, counts.updated, counts.ended));
    let mapped = mappings
        .iter()
        .map(|(Mapping { column, value, canonical }, count)| format!("; {column} \"{value}\"→{canonical}×{count}"));
    let mut summary = tables.collect::<Vec<_>>().join(" ");
    summary.extend(mapped);
    summary
}

#[cfg(test)]
mod tests {
    use super::{LISTED_PER_MAPPING, Mapping, mappings};
    use emis_oneroster::{Location, Problem, Reason};

    #[test]
    fn every_mapping_is_counted_and_the_first_of_each_listed() {
        let mapped = |line: u64, value: &str, canonical: &'static str| {
            let location = Location::cell("users.csv", line, 25, "metadata.vn.relationship");
            Problem::new(location, Reason::Mapped { value: value.to_owned(), canonical })
        };
        let mut warnings: Vec<Problem> = (2..30).map(|line| mapped(line, "Bố", "father")).collect();
        warnings.push(mapped(30, "Má", "mother"));
        warnings.push(Problem::new(Location::file("extra.csv"), Reason::UnknownFile));
        let counts = mappings(&mut warnings);
        let column = "users.csv metadata.vn.relationship".to_owned();
        let key = |value: &str, canonical| Mapping { column: column.clone(), value: value.to_owned(), canonical };
        assert_eq!(counts.into_iter().collect::<Vec<_>>(), [(key("Bố", "father"), 28), (key("Má", "mother"), 1)]);
        let listed = usize::try_from(LISTED_PER_MAPPING).unwrap();
        assert_eq!(warnings.len(), listed + 2);
        assert_eq!(warnings[listed - 1].location.line, Some(u64::try_from(listed).unwrap() + 1));
    }
}
