//! Grows an exported package to a whole school year: every line item of a semester gets a
//! copy in the next semester of the same school year (sourcedId suffixed `-hk2`, dates moved
//! 20 weeks on), and every result of such a line item a copy on the copy. The seed keeps the
//! first semester's grade book only; the copies give the year's second half its results.

use anyhow::Context as _;
use chrono::{Days, NaiveDate};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

const SUFFIX: &str = "-hk2";
const SHIFT: Days = Days::new(140);

/// Adds the second semester's line items and results to the package in `dir`; how many of
/// each it added.
pub fn add(dir: &Path) -> anyhow::Result<(u64, u64)> {
    let next = next_semesters(&dir.join("academicSessions.csv"))?;
    let copied = rewrite(&dir.join("lineItems.csv"), |header, record| {
        let session = field(header, record, "academicSessionSourcedId")?;
        let Some(next) = next.get(session) else { return Ok(None) };
        let mut copy = BTreeMap::from([
            ("sourcedId", format!("{}{SUFFIX}", field(header, record, "sourcedId")?)),
            ("academicSessionSourcedId", next.clone()),
        ]);
        for date in ["assignDate", "dueDate"] {
            copy.insert(date, shifted(field(header, record, date)?));
        }
        Ok(Some(copy))
    })?;
    let copied: HashSet<String> = copied.into_iter().collect();
    let results = rewrite(&dir.join("results.csv"), |header, record| {
        let line_item = field(header, record, "lineItemSourcedId")?;
        if !copied.contains(&format!("{line_item}{SUFFIX}")) {
            return Ok(None);
        }
        Ok(Some(BTreeMap::from([
            ("sourcedId", format!("{}{SUFFIX}", field(header, record, "sourcedId")?)),
            ("lineItemSourcedId", format!("{line_item}{SUFFIX}")),
            ("scoreDate", shifted(field(header, record, "scoreDate")?)),
        ])))
    })?;
    Ok((u64::try_from(copied.len())?, u64::try_from(results.len())?))
}

/// Each semester's sourcedId → the sourcedId of the semester after it in the same year.
fn next_semesters(path: &Path) -> anyhow::Result<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).with_context(|| path.display().to_string())?;
    let header = reader.headers()?.clone();
    let mut by_year: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for record in reader.records() {
        let record = record?;
        if field(&header, &record, "type")? == "semester" {
            let year = field(&header, &record, "parentSourcedId")?.to_owned();
            let start = field(&header, &record, "startDate")?.to_owned();
            by_year.entry(year).or_default().push((start, field(&header, &record, "sourcedId")?.to_owned()));
        }
    }
    let mut next = HashMap::new();
    for mut semesters in by_year.into_values() {
        semesters.sort();
        for pair in semesters.windows(2) {
            next.insert(pair[0].1.clone(), pair[1].1.clone());
        }
    }
    Ok(next)
}

/// Rewrites the CSV file at `path` with, after each row for which `copy` gives changed
/// fields, its copy with those fields; the copies' sourcedIds.
fn rewrite(
    path: &Path,
    mut copy: impl FnMut(&csv::StringRecord, &csv::StringRecord) -> anyhow::Result<Option<BTreeMap<&'static str, String>>>,
) -> anyhow::Result<Vec<String>> {
    let grown = path.with_extension("csv.grown");
    let mut reader = csv::Reader::from_path(path).with_context(|| path.display().to_string())?;
    let header = reader.headers()?.clone();
    let mut writer = csv::Writer::from_path(&grown)?;
    writer.write_record(&header)?;
    let mut copies = Vec::new();
    for record in reader.records() {
        let record = record?;
        writer.write_record(&record)?;
        if let Some(mut changes) = copy(&header, &record)? {
            let row =
                header.iter().zip(record.iter()).map(|(name, value)| changes.get(name).map_or(value, String::as_str));
            writer.write_record(row)?;
            copies.push(changes.remove("sourcedId").context("a copy needs its own sourcedId")?);
        }
    }
    writer.flush()?;
    drop(writer);
    std::fs::rename(&grown, path)?;
    Ok(copies)
}

fn field<'r>(header: &csv::StringRecord, record: &'r csv::StringRecord, name: &str) -> anyhow::Result<&'r str> {
    let at = header.iter().position(|column| column == name).with_context(|| format!("no {name} column"))?;
    Ok(record.get(at).unwrap_or_default())
}

/// A `YYYY-MM-DD` date (with or without a time after it) 20 weeks later; anything else as is.
fn shifted(value: &str) -> String {
    let (date, rest) = value.split_at(value.len().min(10));
    match NaiveDate::parse_from_str(date, "%Y-%m-%d").ok().and_then(|day| day.checked_add_days(SHIFT)) {
        Some(day) => format!("{day}{rest}"),
        None => value.to_owned(),
    }
}
