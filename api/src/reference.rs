//! Reference data that almost every request reads and that is nobody's personal data:
//! - [`Reference`]: the national subject list and the school calendar's semesters. Each
//!   process keeps a snapshot for [`Reference::TTL`] and reloads it after that, so a request
//!   costs no statement for them; another instance's (or an import's) change shows within
//!   that time.
//! - [`AssessmentColumns`]: what an assessment column is (kind, number, subject), which never
//!   changes once the column exists; kept for the life of the process, so results are read
//!   without joining their columns.

use chrono::NaiveDate;
use entity::{AssessmentKind, assessment, section, semester, subject};
use sea_orm::{
    ColumnTrait as _, DatabaseConnection, DbErr, EntityTrait as _, FromQueryResult, JoinType, QueryFilter as _,
    QueryOrder as _, QuerySelect as _, RelationTrait as _,
};
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// The subjects and semesters as of one load.
#[derive(Debug, Default)]
pub struct Snapshot {
    subjects: HashMap<i64, subject::Model>,
    /// Ordered by start date.
    semesters: Vec<semester::Model>,
}

impl Snapshot {
    /// The subject with this id.
    pub fn subject(&self, id: i64) -> Option<&subject::Model> {
        self.subjects.get(&id)
    }

    /// The semester running on `date`, else the last one begun before it.
    pub fn semester_on(&self, date: NaiveDate) -> Option<i64> {
        self.semesters.iter().rev().find(|semester| semester.starts_on <= date).map(|semester| semester.id)
    }
}

/// The per-process cache of the [`Snapshot`].
pub struct Reference {
    db: DatabaseConnection,
    ttl: Duration,
    current: RwLock<Option<(Instant, Arc<Snapshot>)>>,
    /// Held while loading, so that concurrent requests wait for one load.
    loading: tokio::sync::Mutex<()>,
}

impl Reference {
    /// How long a snapshot is used before it is loaded again.
    pub const TTL: Duration = Duration::from_secs(30);

    /// A cache over `db` whose snapshots live for `ttl`.
    pub fn new(db: DatabaseConnection, ttl: Duration) -> Self {
        Self { db, ttl, current: RwLock::new(None), loading: tokio::sync::Mutex::new(()) }
    }

    /// The current snapshot, loaded when none is fresh.
    pub async fn get(&self) -> Result<Arc<Snapshot>, DbErr> {
        if let Some(snapshot) = self.fresh() {
            return Ok(snapshot);
        }
        let _loading = self.loading.lock().await;
        if let Some(snapshot) = self.fresh() {
            return Ok(snapshot);
        }
        let snapshot = Arc::new(load(&self.db).await?);
        if let Ok(mut current) = self.current.write() {
            *current = Some((Instant::now(), Arc::clone(&snapshot)));
        }
        Ok(snapshot)
    }

    fn fresh(&self) -> Option<Arc<Snapshot>> {
        let current = self.current.read().ok()?;
        let (loaded, snapshot) = current.as_ref()?;
        (loaded.elapsed() < self.ttl).then(|| Arc::clone(snapshot))
    }
}

/// What the API shows of an assessment column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromQueryResult)]
pub struct AssessmentColumn {
    pub id: i64,
    pub kind: AssessmentKind,
    /// The number of the column within its kind, from 1.
    pub sequence: i16,
    /// The subject of the column's section.
    pub subject_id: i64,
}

/// The per-process cache of [`AssessmentColumn`]s by id.
pub struct AssessmentColumns {
    db: DatabaseConnection,
    known: RwLock<HashMap<i64, AssessmentColumn>>,
}

impl AssessmentColumns {
    /// An empty cache over `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db, known: RwLock::default() }
    }

    /// The columns with these ids that exist; the ones not yet known are read in one statement.
    pub async fn get(&self, ids: &BTreeSet<i64>) -> Result<HashMap<i64, AssessmentColumn>, DbErr> {
        let mut found = HashMap::with_capacity(ids.len());
        let mut missing = Vec::new();
        if let Ok(known) = self.known.read() {
            for id in ids {
                match known.get(id) {
                    Some(column) => {
                        found.insert(*id, *column);
                    }
                    None => missing.push(*id),
                }
            }
        } else {
            missing.extend(ids);
        }
        if missing.is_empty() {
            return Ok(found);
        }
        let loaded = assessment::Entity::find()
            .select_only()
            .columns([assessment::Column::Id, assessment::Column::Kind, assessment::Column::Sequence])
            .column(section::Column::SubjectId)
            .join(JoinType::InnerJoin, assessment::Relation::Section.def())
            .filter(assessment::Column::Id.is_in(missing))
            .into_model::<AssessmentColumn>()
            .all(&self.db)
            .await?;
        if let Ok(mut known) = self.known.write() {
            known.extend(loaded.iter().map(|column| (column.id, *column)));
        }
        found.extend(loaded.into_iter().map(|column| (column.id, column)));
        Ok(found)
    }
}

async fn load(db: &DatabaseConnection) -> Result<Snapshot, DbErr> {
    let subjects = subject::Entity::find().all(db).await?.into_iter().map(|row| (row.id, row)).collect();
    let semesters = semester::Entity::find()
        .order_by_asc(semester::Column::StartsOn)
        .order_by_asc(semester::Column::Id)
        .all(db)
        .await?;
    Ok(Snapshot { subjects, semesters })
}

#[cfg(test)]
mod tests {
    use super::Snapshot;
    use chrono::NaiveDate;
    use entity::semester;

    fn semester(id: i64, starts: (i32, u32, u32), ends: (i32, u32, u32)) -> semester::Model {
        let date = |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        semester::Model {
            id,
            external_id: None,
            school_year_id: 1,
            number: 1,
            starts_on: date(starts),
            ends_on: date(ends),
        }
    }

    #[test]
    fn the_current_semester_is_the_last_one_begun() {
        let snapshot = Snapshot {
            subjects: Default::default(),
            semesters: vec![semester(1, (2025, 9, 5), (2026, 1, 15)), semester(2, (2026, 1, 19), (2026, 5, 25))],
        };
        let on = |y, m, d| snapshot.semester_on(NaiveDate::from_ymd_opt(y, m, d).unwrap());
        assert_eq!(on(2025, 9, 4), None);
        assert_eq!(on(2025, 9, 5), Some(1));
        assert_eq!(on(2026, 1, 16), Some(1), "between semesters, the last one begun");
        assert_eq!(on(2026, 1, 19), Some(2));
        assert_eq!(on(2026, 8, 1), Some(2));
    }
}
