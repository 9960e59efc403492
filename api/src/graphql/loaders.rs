//! The loaders of the look-ups that nested fields make, run in batches per request
//! ([`super::batch::Batcher`]), so a page of students with their guardians and results costs
//! a fixed number of SQL statements. Each loader applies the privacy layer's SQL condition,
//! then the per-record check.

use crate::disclosure::Disclosures;
use crate::privacy::{Access, Target, readers};
use crate::reference::{AssessmentColumn, AssessmentColumns};
use crate::vault::Vault;
use async_graphql::dataloader::Loader;
use emis_authz::Kind;
use entity::{guardian, guardianship, result};
use sea_orm::sea_query::{Expr, Value};
use sea_orm::{ColumnTrait as _, DatabaseConnection, FromQueryResult, QueryOrder as _, QuerySelect as _};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

/// Loader error: details are logged where they happen, the client sees an internal error
/// (or that the service is unavailable, when the database does not answer).
pub type LoadError = Arc<crate::error::ApiError>;

fn internal(error: sea_orm::DbErr) -> LoadError {
    Arc::new(crate::error::ApiError::from(error))
}

/// Makes sure data keys are cached before fields are opened (one query per batch).
pub struct KeyLoader {
    pub db: DatabaseConnection,
    pub vault: Arc<Vault>,
}

impl Loader<u64> for KeyLoader {
    type Value = ();
    type Error = LoadError;

    async fn load(&self, keys: &[u64]) -> Result<HashMap<u64, ()>, LoadError> {
        self.vault
            .preload(&self.db, keys.iter().copied())
            .await
            .map_err(|error| Arc::new(crate::error::ApiError::internal(error)))?;
        Ok(keys.iter().map(|key| (*key, ())).collect())
    }
}

/// What the API shows of a guardian: name and the sealed fields (never the account's
/// credentials or search keys, which are not read for it).
#[derive(Clone, Debug, FromQueryResult)]
pub struct GuardianCard {
    #[sea_orm(from_alias = "guardian_id")]
    pub id: i64,
    pub full_name: String,
    pub phone_enc: Option<Vec<u8>>,
    pub email_enc: Option<Vec<u8>>,
    pub identity_no_enc: Option<Vec<u8>>,
    pub address_enc: Option<Vec<u8>>,
}

impl From<guardian::Model> for GuardianCard {
    fn from(row: guardian::Model) -> Self {
        Self {
            id: row.id,
            full_name: row.full_name,
            phone_enc: row.phone_enc,
            email_enc: row.email_enc,
            identity_no_enc: row.identity_no_enc,
            address_enc: row.address_enc,
        }
    }
}

/// A guardianship as read with its guardian, in one row.
#[derive(FromQueryResult)]
struct LinkRow {
    student_id: i64,
    school_id: i64,
    relationship: String,
    #[sea_orm(nested)]
    guardian: GuardianCard,
}

/// A guardian of a student, with the link between them.
#[derive(Clone)]
pub struct GuardianLink {
    pub student_id: i64,
    pub school_id: i64,
    /// father | mother | guardian
    pub relationship: String,
    pub guardian: GuardianCard,
    /// The class whose roster of today listed the student, if the student was reached so.
    pub class: Option<i64>,
}

impl GuardianLink {
    /// The record the link concerns, for checks: the student, in the class they were
    /// listed in when known.
    pub fn target(&self) -> Target {
        Target::student_listed(self.student_id, self.school_id, self.class)
    }
}

/// Guardians of students, keyed by student (and the class roster that listed them).
pub struct GuardiansOfStudent {
    pub access: Arc<Access>,
    pub db: DatabaseConnection,
    /// The sealed columns asked for so far in this response; the others are read as NULL.
    pub sealed: SealedGuardianColumns,
}

/// The sealed columns of a guardian that the fields of one response ask for: each
/// `Student.guardians` field adds its own before it loads, so a batch reads the union.
#[derive(Default)]
pub struct SealedGuardianColumns(AtomicU8);

impl SealedGuardianColumns {
    /// The columns, with the GraphQL field of `Guardian` that shows each.
    const COLUMNS: [(guardian::Column, &'static str); 4] = [
        (guardian::Column::PhoneEnc, "phone"),
        (guardian::Column::EmailEnc, "email"),
        (guardian::Column::IdentityNoEnc, "identityNumber"),
        (guardian::Column::AddressEnc, "address"),
    ];

    /// Adds the columns that the guardians selected by `guardians` show.
    pub fn ask_for(&self, guardians: &async_graphql::Lookahead<'_>) {
        let bits = Self::COLUMNS
            .iter()
            .enumerate()
            .filter(|(_, (_, field))| guardians.field(field).exists())
            .fold(0_u8, |bits, (index, _)| bits | 1 << index);
        self.0.fetch_or(bits, Ordering::Relaxed);
    }

    /// Adds every sealed column to `select`, named with `prefix`, as NULL when no field asked
    /// for it.
    pub fn select<E: sea_orm::EntityTrait>(&self, mut select: sea_orm::Select<E>, prefix: &str) -> sea_orm::Select<E> {
        let bits = self.0.load(Ordering::Relaxed);
        for (index, (column, _)) in Self::COLUMNS.iter().enumerate() {
            let name = format!("{prefix}{}", sea_orm::IdenStatic::as_str(column));
            select = if bits & (1 << index) != 0 {
                select.column_as(*column, name)
            } else {
                select.column_as(Expr::value(Value::Bytes(None)), name)
            };
        }
        select
    }
}

/// Whose guardians a field asks for: a student, and the class whose roster of today listed
/// them, if that is how the student was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GuardiansKey {
    pub student: i64,
    pub class: Option<i64>,
}

impl Loader<GuardiansKey> for GuardiansOfStudent {
    type Value = Vec<GuardianLink>;
    type Error = LoadError;

    async fn load(&self, keys: &[GuardiansKey]) -> Result<HashMap<GuardiansKey, Vec<GuardianLink>>, LoadError> {
        // A student asked for both through a roster and otherwise is checked without the class.
        let mut class_of: HashMap<i64, Option<i64>> = HashMap::new();
        for key in keys {
            class_of.entry(key.student).and_modify(|class| *class = class.and(key.class)).or_insert(key.class);
        }
        let (select, checker) = self.access.guardian_links(class_of.keys().copied(), |select| {
            let select = select.columns([
                guardianship::Column::StudentId,
                guardianship::Column::SchoolId,
                guardianship::Column::Relationship,
                guardianship::Column::GuardianId,
            ]);
            self.sealed.select(select.column(guardian::Column::FullName), "")
        });
        let rows = select
            .order_by_asc(guardianship::Column::GuardianId)
            .into_model::<LinkRow>()
            .all(&self.db)
            .await
            .map_err(internal)?;
        let links: Vec<GuardianLink> = rows
            .into_iter()
            .map(|row| GuardianLink {
                class: class_of.get(&row.student_id).copied().flatten(),
                student_id: row.student_id,
                school_id: row.school_id,
                relationship: row.relationship,
                guardian: row.guardian,
            })
            .collect();
        let by_student = by_student(checker.admit(links, GuardianLink::target).await.map_err(internal)?);
        Ok(keys.iter().filter_map(|key| Some((*key, by_student.get(&key.student)?.clone()))).collect())
    }
}

/// Links by student.
pub fn by_student(links: Vec<GuardianLink>) -> HashMap<i64, Vec<GuardianLink>> {
    let mut by_student: HashMap<i64, Vec<GuardianLink>> = HashMap::new();
    for link in links {
        by_student.entry(link.student_id).or_default().push(link);
    }
    by_student
}

/// The columns of a result the API shows.
#[derive(Clone, Debug, FromQueryResult)]
pub struct ResultLine {
    pub school_id: i64,
    pub section_id: i64,
    pub assessment_id: i64,
    pub semester_id: i64,
    pub student_id: i64,
    pub score_tenths: Option<i16>,
    pub passed: Option<bool>,
    pub no_make_up: bool,
    pub exempt: bool,
    pub comment: Option<String>,
    /// Raised by every change; a writer names the version it read.
    pub version: i32,
}

/// A result with its assessment column.
#[derive(Clone, Debug)]
pub struct ResultRow {
    pub line: ResultLine,
    pub column: AssessmentColumn,
}

/// Results of students in a semester, keyed by (student id, semester id).
pub struct ResultsOfStudent {
    pub access: Arc<Access>,
    pub db: DatabaseConnection,
    pub disclosures: Arc<Disclosures>,
    pub columns: Arc<AssessmentColumns>,
}

/// Which results a field asks for: a student's in a semester, optionally of one section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ResultsKey {
    pub student: i64,
    pub semester: i64,
    pub section: Option<i64>,
}

impl Loader<ResultsKey> for ResultsOfStudent {
    type Value = Vec<ResultRow>;
    type Error = LoadError;

    async fn load(&self, keys: &[ResultsKey]) -> Result<HashMap<ResultsKey, Vec<ResultRow>>, LoadError> {
        let students: BTreeSet<i64> = keys.iter().map(|key| key.student).collect();
        let semesters: BTreeSet<i64> = keys.iter().map(|key| key.semester).collect();
        let sections: Option<BTreeSet<i64>> = keys.iter().map(|key| key.section).collect();
        let mut results = self
            .access
            .read(&readers::RESULT)
            .columns(|select| {
                select.select_only().columns([
                    result::Column::SchoolId,
                    result::Column::SectionId,
                    result::Column::AssessmentId,
                    result::Column::SemesterId,
                    result::Column::StudentId,
                    result::Column::ScoreTenths,
                    result::Column::Passed,
                    result::Column::NoMakeUp,
                    result::Column::Exempt,
                    result::Column::Comment,
                    result::Column::Version,
                ])
            })
            .narrow(result::Column::StudentId, |column| column.is_in(students))
            .narrow(result::Column::SemesterId, |column| column.is_in(semesters));
        if let Some(sections) = sections {
            results = results.narrow(result::Column::SectionId, |column| column.is_in(sections));
        }
        let (select, checker) = results.into_statement();
        let lines = select.into_model::<ResultLine>().all(&self.db).await.map_err(internal)?;
        let lines = checker.admit_with(lines, result_target).await.map_err(internal)?;
        let column_ids: BTreeSet<i64> = lines.iter().map(|line| line.assessment_id).collect();
        let columns = self.columns.get(&column_ids).await.map_err(internal)?;
        let wanted: HashSet<ResultsKey> = keys.iter().copied().collect();
        let mut grouped: HashMap<ResultsKey, Vec<ResultRow>> = HashMap::new();
        for line in lines {
            let Some(column) = columns.get(&line.assessment_id).copied() else { continue };
            self.disclosures.note(self.access.principal(), line.student_id, line.school_id, Kind::Result.as_str());
            let by_semester = ResultsKey { student: line.student_id, semester: line.semester_id, section: None };
            let by_section = ResultsKey { section: Some(line.section_id), ..by_semester };
            let row = ResultRow { line, column };
            match (wanted.contains(&by_semester), wanted.contains(&by_section)) {
                (true, true) => {
                    grouped.entry(by_semester).or_default().push(row.clone());
                    grouped.entry(by_section).or_default().push(row);
                }
                (true, false) => grouped.entry(by_semester).or_default().push(row),
                (false, true) => grouped.entry(by_section).or_default().push(row),
                (false, false) => {}
            }
        }
        Ok(grouped)
    }
}

/// The record a result concerns, for checks.
pub fn result_target(row: &ResultLine) -> Target {
    Target::Personal { student: row.student_id, school: row.school_id, section: Some(row.section_id), class: None }
}
