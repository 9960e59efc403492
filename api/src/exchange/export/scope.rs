//! What an export covers, as SQL conditions: the whole database, or one school — its rows
//! found by their `school_id`, its guardians through their current links to its students —
//! read page by page in id order, so that a one-school export reads only that school's rows
//! and memory stays flat however large the database is. The organisation tree is read whole:
//! it is small, holds no personal data, and names the organisations courses and staff roles
//! refer to.

use anyhow::bail;
use entity::{OrgKind, org, org_parent, student};
use sea_orm::sea_query::{Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use std::collections::{BTreeSet, HashMap};

/// Rows read at a time.
const PAGE: u64 = 10_000;

/// Ids bound in one statement (SQLite binds at most 32,766 parameters).
const IDS_PER_STATEMENT: usize = 10_000;

/// The organisations of the database and the school an export is limited to, if any.
pub(super) struct Scope {
    /// Every organisation, by id.
    pub orgs: HashMap<i64, org::Model>,
    /// The parent link of each organisation valid today, by the child's id.
    pub parents: HashMap<i64, org_parent::Model>,
    /// The school exported; `None`: every school.
    pub school: Option<i64>,
}

impl Scope {
    /// The organisations, and the school of exchange identifier `school` (refused when no
    /// school has it).
    pub async fn read(db: &DatabaseConnection, school: Option<&str>) -> anyhow::Result<Scope> {
        let orgs: HashMap<i64, org::Model> =
            org::Entity::find().all(db).await?.into_iter().map(|row| (row.id, row)).collect();
        let today = crate::clock::today();
        let parents = org_parent::Entity::find()
            .filter(crate::auth::principal::active_on(
                org_parent::Column::ValidFrom,
                org_parent::Column::ValidTo,
                today,
            ))
            .all(db)
            .await?
            .into_iter()
            .map(|link| (link.org_id, link))
            .collect();
        let school = match school {
            None => None,
            Some(external) => match orgs.values().find(|row| row.external_id == external) {
                Some(row) if row.kind == OrgKind::School.as_str() => Some(row.id),
                _ => {
                    bail!("Không có trường mã {external} / there is no school with the exchange identifier {external}")
                }
            },
        };
        Ok(Scope { orgs, parents, school })
    }

    /// The exchange identifier of organisation `id` (empty when unknown).
    pub fn org_ext(&self, id: i64) -> String {
        self.orgs.get(&id).map(|row| row.external_id.clone()).unwrap_or_default()
    }

    /// Rows whose `school_id` column is the exported school (every row, without one).
    pub fn of_school(&self, school_id: impl ColumnTrait) -> Condition {
        Condition::all().add_option(self.school.map(|school| school_id.eq(school)))
    }

    /// Rows whose `student_id` column names a student of the exported school (every row,
    /// without one).
    pub fn of_students(&self, student_id: impl ColumnTrait) -> Condition {
        Condition::all().add_option(self.school.map(|school| -> SimpleExpr {
            let students = Query::select()
                .column(student::Column::Id)
                .from(student::Entity)
                .and_where(student::Column::SchoolId.eq(school))
                .to_owned();
            student_id.in_subquery(students)
        }))
    }
}

/// The rows of `E` that meet a condition, read [`PAGE`] at a time in id order.
pub(super) struct Pages<E: EntityTrait> {
    id: E::Column,
    condition: Condition,
    id_of: fn(&E::Model) -> i64,
    last: i64,
}

impl<E: EntityTrait> Pages<E> {
    /// The rows of `E` that meet `condition`, in the order of their `id` column (`id_of` reads it).
    pub fn new(id: E::Column, condition: Condition, id_of: fn(&E::Model) -> i64) -> Self {
        Pages { id, condition, id_of, last: 0 }
    }

    /// The next page; `None` after the last.
    pub async fn next(&mut self, db: &DatabaseConnection) -> anyhow::Result<Option<Vec<E::Model>>> {
        let rows = E::find()
            .filter(self.condition.clone())
            .filter(self.id.gt(self.last))
            .order_by_asc(self.id)
            .limit(PAGE)
            .all(db)
            .await?;
        Ok(rows.last().map(self.id_of).map(|end| {
            self.last = end;
            rows
        }))
    }
}

/// The exchange identifiers of the rows of `E` whose ids are among `ids`, by id.
pub(super) async fn external_ids<E: EntityTrait>(
    db: &DatabaseConnection,
    (id, external_id): (E::Column, E::Column),
    ids: impl IntoIterator<Item = i64>,
) -> anyhow::Result<HashMap<i64, String>> {
    let ids: Vec<i64> = ids.into_iter().collect::<BTreeSet<_>>().into_iter().collect();
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let rows = E::find()
            .select_only()
            .columns([id, external_id])
            .filter(id.is_in(chunk.iter().copied()))
            .into_tuple::<(i64, String)>()
            .all(db)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// The exchange identifiers of students `ids`, by id.
pub(super) async fn student_ids(
    db: &DatabaseConnection,
    ids: impl IntoIterator<Item = i64>,
) -> anyhow::Result<HashMap<i64, String>> {
    external_ids::<student::Entity>(db, (student::Column::Id, student::Column::ExternalId), ids).await
}
