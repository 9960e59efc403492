//! `emis policy impact`: on live data, for each grant a policy change adds or removes, how
//! many people gain or lose access to how many students' (or staff members') records of
//! that kind. Each person holding the grant's role is loaded as a request loads them, and
//! each count is a query with the condition the privacy layer compiles: the grant's own
//! condition, less what the other policy already lets the person reach of that kind.
//!
//! A student's records are judged as the student record is (at the student's school and
//! classes today); a kind kept per section or class (results, attendance) can reach fewer
//! of one student's records than that, never more students. Kinds about neither students
//! nor staff (schools, classes, notices' settings…) are listed without counts, and so are
//! vendors' grants, which agreements narrow.

use crate::auth::principal::{Account, Principal};
use crate::privacy::{Access, Shape, shapes};
use chrono::NaiveDate;
use emis_authz::{Grant, Kind, Policy, PolicyDiff, Role};
use entity::{guardian, staff, student};
use sea_orm::{
    ColumnTrait as _, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter as _, QuerySelect as _,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

/// What one grant added or removed changes on the data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GrantImpact {
    pub grant: Grant,
    /// `true` for a grant the change adds (people gain access), `false` for one it removes.
    pub added: bool,
    /// People holding the role who gain (or lose) access to at least one record.
    pub people: usize,
    /// Distinct students (or staff members, for staff kinds) whose records they gain or lose.
    pub subjects: usize,
    /// Person × record-subject pairs gained or lost.
    pub pairs: usize,
    /// What is counted: `students`, `staff`, or `None` when the kind is not counted.
    pub counted: Option<&'static str>,
}

/// The impact of every grant of a diff.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Impact {
    pub grants: Vec<GrantImpact>,
    /// People loaded, by role.
    pub holders: BTreeMap<Role, usize>,
}

/// What a kind of record is counted over: the table of its subjects and their shape.
enum Counted {
    Students,
    Staff,
}

fn counted(kind: Kind) -> Option<Counted> {
    use Kind as K;
    match kind {
        K::Staff | K::StaffContact | K::StaffIdentity | K::StaffAddress => Some(Counted::Staff),
        K::Student
        | K::StudentIdentity
        | K::StudentAddress
        | K::StudentHealth
        | K::StudentBackground
        | K::Guardian
        | K::GuardianContact
        | K::GuardianIdentity
        | K::GuardianAddress
        | K::Guardianship
        | K::Enrollment
        | K::Result
        | K::Attendance
        | K::RecordChange
        | K::ChangeRequest
        | K::LeaveRequest
        | K::Conduct
        | K::Exemption
        | K::Transfer
        | K::Disclosure
        | K::Notice
        | K::Attachment
        | K::Message
        | K::Consent
        | K::Account => Some(Counted::Students),
        _ => None,
    }
}

/// The kind of account a role is held by.
fn account_kind(role: Role) -> &'static str {
    match role {
        Role::Vendor => "vendor",
        Role::Guardian => "guardian",
        Role::Student => "student",
        _ => "staff",
    }
}

/// Everyone with an account of the kind that may hold `role`, loaded as of `today` (those
/// who may not act today are left out).
async fn people(db: &DatabaseConnection, role: Role, today: NaiveDate) -> Result<Vec<Arc<Principal>>, DbErr> {
    let accounts: Vec<Account> = match role {
        Role::Vendor => Vec::new(),
        Role::Guardian => {
            ids(db, guardian::Entity, guardian::Column::Id).await?.into_iter().map(Account::Guardian).collect()
        }
        Role::Student => {
            let with_account = student::Column::Username.is_not_null();
            let found: Vec<i64> = student::Entity::find()
                .select_only()
                .column(student::Column::Id)
                .filter(with_account)
                .into_tuple()
                .all(db)
                .await?;
            found.into_iter().map(Account::Student).collect()
        }
        _ => ids(db, staff::Entity, staff::Column::Id).await?.into_iter().map(Account::Staff).collect(),
    };
    let mut found = Vec::new();
    for account in accounts {
        if let Some(principal) = Principal::load(db, account, None, today).await? {
            found.push(Arc::new(principal));
        }
    }
    Ok(found)
}

async fn ids<E: EntityTrait>(db: &DatabaseConnection, _: E, id: E::Column) -> Result<Vec<i64>, DbErr> {
    E::find().select_only().column(id).into_tuple().all(db).await
}

/// The ids of the subjects matching `condition`.
async fn matching(db: &DatabaseConnection, counted: &Counted, condition: Condition) -> Result<Vec<i64>, DbErr> {
    match counted {
        Counted::Students => {
            student::Entity::find()
                .select_only()
                .column(student::Column::Id)
                .filter(condition)
                .into_tuple()
                .all(db)
                .await
        }
        Counted::Staff => {
            staff::Entity::find().select_only().column(staff::Column::Id).filter(condition).into_tuple().all(db).await
        }
    }
}

fn shape(counted: &Counted) -> Shape {
    match counted {
        Counted::Students => shapes::student(),
        Counted::Staff => shapes::staff(),
    }
}

/// The impact on `db`'s data, as of `today`, of changing from the policy `old` to `new`.
pub async fn impact(
    db: &DatabaseConnection,
    old: &Arc<Policy>,
    new: &Arc<Policy>,
    diff: &PolicyDiff,
    today: NaiveDate,
) -> Result<Impact, DbErr> {
    let mut found = Impact::default();
    let mut loaded: BTreeMap<&'static str, Vec<Arc<Principal>>> = BTreeMap::new();
    let sides = diff.added.iter().map(|grant| (*grant, true)).chain(diff.removed.iter().map(|grant| (*grant, false)));
    for (grant, added) in sides {
        let mut row = GrantImpact { grant, added, people: 0, subjects: 0, pairs: 0, counted: None };
        let Some(counted) = counted(grant.kind) else {
            found.grants.push(row);
            continue;
        };
        row.counted = Some(match counted {
            Counted::Students => "students",
            Counted::Staff => "staff",
        });
        let accounts = account_kind(grant.role);
        if !loaded.contains_key(accounts) {
            loaded.insert(accounts, people(db, grant.role, today).await?);
        }
        let holders: Vec<&Arc<Principal>> = loaded
            .get(accounts)
            .into_iter()
            .flatten()
            .filter(|person| person.roles.contains_key(&grant.role))
            .collect();
        found.holders.insert(grant.role, holders.len());
        // An added grant is measured against the old policy, a removed one against the new.
        let other = if added { old } else { new };
        let shape = shape(&counted);
        let mut subjects = BTreeSet::new();
        for person in holders {
            let access = Access::new(Arc::clone(person), Arc::clone(other), db.clone());
            let already = access.filter(grant.kind, grant.action, &shape);
            let through = access.condition_of(grant.kind, &[(grant.role, grant.rel)], &shape);
            let reached = matching(db, &counted, Condition::all().add(through).add(already.not())).await?;
            if !reached.is_empty() {
                row.people += 1;
                row.pairs += reached.len();
                subjects.extend(reached);
            }
        }
        row.subjects = subjects.len();
        found.grants.push(row);
    }
    Ok(found)
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.grants.is_empty() {
            return writeln!(f, "Không thay đổi quyền nào / no grant changes");
        }
        for row in &self.grants {
            let (sign, vi, en) = if row.added { ('+', "thêm", "gain") } else { ('-', "mất", "lose") };
            let (kind_vi, kind_en) = row.grant.kind.words();
            write!(f, "{sign} {} ({kind_vi} / {kind_en}): ", row.grant)?;
            match row.counted {
                None => writeln!(f, "không đếm (không về người) / not counted (not about people)")?,
                Some(_) if row.grant.role == Role::Vendor => {
                    writeln!(f, "không đếm (thỏa thuận chia sẻ quyết định) / not counted (agreements decide)")?
                }
                Some(what) => {
                    let (what_vi, what_en) =
                        if what == "staff" { ("cán bộ", "staff members") } else { ("học sinh", "students") };
                    writeln!(
                        f,
                        "{people} người {vi} quyền với hồ sơ của {subjects} {what_vi} ({pairs} cặp) \
                         / {people} people {en} access to records of {subjects} {what_en} ({pairs} pairs)",
                        people = row.people,
                        subjects = row.subjects,
                        pairs = row.pairs,
                    )?;
                }
            }
            if row.grant.kind.sensitive().is_some() {
                writeln!(f, "  [NHẠY CẢM / SENSITIVE]")?;
            }
        }
        Ok(())
    }
}
