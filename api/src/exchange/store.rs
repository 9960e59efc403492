//! Writing an exchange's rows inside its one transaction: ids taken for new rows (from the
//! table's sequence on PostgreSQL, after the largest id on SQLite, whose writer holds the
//! database lock), new rows inserted in batches, changed rows updated one by one, and the
//! count of each per table.

use anyhow::Context as _;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait as _, DatabaseTransaction, DbBackend, EntityTrait, FromQueryResult,
    IntoActiveModel, Statement,
};
use std::collections::{BTreeMap, HashMap};

/// Ids taken from a PostgreSQL sequence at a time.
const ID_BLOCK: i64 = 5_000;

/// What an exchange did to one table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: u64,
    pub updated: u64,
    /// Enrollments, roles and guardianships given an end date.
    pub ended: u64,
}

/// New ids, table by table.
#[derive(Default)]
struct Ids {
    /// Ids taken and not yet used, per table.
    free: HashMap<&'static str, Vec<i64>>,
    /// SQLite: the last id given out, per table.
    last: HashMap<&'static str, i64>,
    /// PostgreSQL: the sequence of each table's id.
    sequences: HashMap<&'static str, String>,
}

#[derive(FromQueryResult)]
struct SequenceRow {
    sequence: String,
}

/// The writing side of an exchange.
pub struct Store<'t> {
    pub txn: &'t DatabaseTransaction,
    ids: Ids,
    pub counts: BTreeMap<&'static str, Counts>,
}

#[derive(FromQueryResult)]
struct IdRow {
    id: i64,
}

impl<'t> Store<'t> {
    pub fn new(txn: &'t DatabaseTransaction) -> Self {
        Self { txn, ids: Ids::default(), counts: BTreeMap::new() }
    }

    fn backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    /// A new id for a row of `table`.
    pub async fn next_id(&mut self, table: &'static str) -> anyhow::Result<i64> {
        if self.backend() == DbBackend::Postgres {
            if self.ids.free.get(table).is_none_or(Vec::is_empty) {
                let sequence = match self.ids.sequences.get(table) {
                    Some(sequence) => sequence.clone(),
                    None => {
                        let sequence = self.sequence_of(table).await?;
                        self.ids.sequences.insert(table, sequence.clone());
                        sequence
                    }
                };
                // The sequence named as a constant: resolved once per statement, not per id.
                let sql = format!(
                    "SELECT nextval('{}'::regclass) AS id FROM generate_series(1, {ID_BLOCK})",
                    sequence.replace('\'', "''")
                );
                let free = self.ids.free.entry(table).or_default();
                let rows = IdRow::find_by_statement(Statement::from_string(DbBackend::Postgres, sql))
                    .all(self.txn)
                    .await
                    .with_context(|| format!("taking ids of {table}"))?;
                // Popped from the end: smallest first.
                free.extend(rows.into_iter().map(|row| row.id).rev());
            }
            return self.ids.free.get_mut(table).and_then(Vec::pop).context("the sequence gave no id");
        }
        let last = match self.ids.last.get(table) {
            Some(last) => *last,
            None => {
                let sql = format!("SELECT COALESCE(MAX(id), 0) AS id FROM {table}");
                IdRow::find_by_statement(Statement::from_string(DbBackend::Sqlite, sql))
                    .one(self.txn)
                    .await
                    .with_context(|| format!("reading the last id of {table}"))?
                    .map_or(0, |row| row.id)
            }
        };
        self.ids.last.insert(table, last + 1);
        Ok(last + 1)
    }

    /// The name of the sequence of `table`'s id (PostgreSQL).
    async fn sequence_of(&self, table: &str) -> anyhow::Result<String> {
        let sql = "SELECT pg_get_serial_sequence($1, 'id') AS sequence";
        let statement = Statement::from_sql_and_values(DbBackend::Postgres, sql, [table.into()]);
        let row = SequenceRow::find_by_statement(statement).one(self.txn).await;
        Ok(row.with_context(|| format!("finding the id sequence of {table}"))?.context("no id sequence")?.sequence)
    }

    /// Counts of `table`.
    pub fn count(&mut self, table: &'static str) -> &mut Counts {
        self.counts.entry(table).or_default()
    }

    /// Inserts new rows in batches.
    pub async fn insert<E>(&mut self, rows: Vec<E::Model>) -> anyhow::Result<()>
    where
        E: EntityTrait,
        E::Model: IntoActiveModel<E::ActiveModel>,
    {
        if rows.is_empty() {
            return Ok(());
        }
        let table = E::default().table_name();
        self.count(table).created += u64::try_from(rows.len()).unwrap_or(u64::MAX);
        crate::db::insert_in_batches::<E>(self.txn, rows).await
    }

    /// Inserts `model` now, or updates `existing` when it differs.
    pub async fn write<E>(&mut self, existing: Option<&E::Model>, model: &E::Model) -> anyhow::Result<()>
    where
        E: EntityTrait,
        E::Model: IntoActiveModel<E::ActiveModel> + PartialEq + Clone,
        E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    {
        match existing {
            Some(existing) if existing == model => Ok(()),
            Some(_) => self.update::<E>(model.clone()).await,
            None => self.insert::<E>(vec![model.clone()]).await,
        }
    }

    /// Updates `existing` when `model` differs from it; a new `model` goes to `queue`, for a
    /// later batch insert.
    pub async fn write_or_queue<E>(
        &mut self,
        existing: Option<&E::Model>,
        model: &E::Model,
        queue: &mut Vec<E::Model>,
    ) -> anyhow::Result<()>
    where
        E: EntityTrait,
        E::Model: IntoActiveModel<E::ActiveModel> + PartialEq + Clone,
        E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    {
        match existing {
            Some(existing) if existing == model => Ok(()),
            Some(_) => self.update::<E>(model.clone()).await,
            None => {
                queue.push(model.clone());
                Ok(())
            }
        }
    }

    /// Writes every column of an existing row.
    pub async fn update<E>(&mut self, row: E::Model) -> anyhow::Result<()>
    where
        E: EntityTrait,
        E::Model: IntoActiveModel<E::ActiveModel>,
        E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    {
        self.count(E::default().table_name()).updated += 1;
        self.save::<E>(row).await
    }

    /// Writes an existing row that was given an end date.
    pub async fn end<E>(&mut self, row: E::Model) -> anyhow::Result<()>
    where
        E: EntityTrait,
        E::Model: IntoActiveModel<E::ActiveModel>,
        E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    {
        self.count(E::default().table_name()).ended += 1;
        self.save::<E>(row).await
    }

    async fn save<E>(&mut self, row: E::Model) -> anyhow::Result<()>
    where
        E: EntityTrait,
        E::Model: IntoActiveModel<E::ActiveModel>,
        E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    {
        let table = E::default().table_name();
        row.into_active_model().reset_all().update(self.txn).await.with_context(|| format!("updating {table}"))?;
        Ok(())
    }
}
