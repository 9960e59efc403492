//! People and their places: `users.csv` with `roles.csv` (a user with a `student` role is a
//! student, with `parent`, `guardian` or `relative` a guardian, with any other role staff;
//! principal and administrator roles become staff roles) and `demographics.csv`;
//! guardianships from `agentSourcedIds`; `enrollments.csv` (a student in a homeroom class is
//! enrolled; a teacher of a homeroom class is its homeroom teacher, of a scheduled class its
//! subject teacher; a student's enrollment in a scheduled class follows from the homeroom
//! class, and only its identifier, dates and `primary` flag are kept).
//!
//! Sensitive values (identity number, address, phone, e-mail, ethnicity, religion, health)
//! are sealed under the person's data key as they are written (`person.rs`); a value that
//! did not change keeps its ciphertext, so importing a package twice changes nothing. A bulk
//! file is not a removal or reset list: what a row does not say — a value, a username, a
//! begin or end date, a guardian's relationship to the child when the guardian's row is not
//! in the package — stays as it is. A delta
//! `tobedeleted` row ends what it names: a role, an enrollment, a teaching assignment, a
//! guardian's links, or — for a user — all of the person's links; a person is never
//! deleted.
//!
//! Here: the people known, what kind of user each is, and the order of the steps; the
//! people's rows are written in `users.rs`, their roles and guardianships in `links.rs`,
//! enrollments in `enrollments.rs` (those in scheduled classes in `scheduled.rs`), and links
//! are ended as `dated.rs` says.

mod dated;
mod enrollments;
mod links;
mod scheduled;
mod users;

use super::import::{Ctx, by_external_id, rule, unknown};
use super::person::wrapped;
use super::roster::Roster;
use crate::vault::Vault;
use anyhow::Context as _;
use emis_oneroster::records::{Demographics, Role, RoleName, User};
use emis_oneroster::{FileKind, Package, Row, Status};
use entity::{guardian, staff, staff_status_history, student};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// What a user is in EMIS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Student,
    Guardian,
    Staff,
}

fn kind_of(role: RoleName) -> Kind {
    match role {
        RoleName::Student => Kind::Student,
        RoleName::Parent | RoleName::Guardian | RoleName::Relative => Kind::Guardian,
        _ => Kind::Staff,
    }
}

/// People of the database and of the package, by exchange identifier.
#[derive(Default)]
pub struct People {
    students: HashMap<String, student::Model>,
    guardians: HashMap<String, guardian::Model>,
    staff: HashMap<String, staff::Model>,
    /// New rows, inserted in batches once every user is read.
    new: NewPeople,
}

#[derive(Default)]
struct NewPeople {
    students: Vec<student::Model>,
    guardians: Vec<guardian::Model>,
    staff: Vec<staff::Model>,
    history: Vec<staff_status_history::Model>,
}

/// The roles of each user, by the user's exchange identifier.
type RolesOf<'r> = HashMap<&'r str, Vec<&'r Row<Role>>>;

impl People {
    /// Reads and writes the people's files; the people, for the files that name them.
    pub async fn import(ctx: &mut Ctx<'_>, package: &Package, roster: &Roster) -> anyhow::Result<People> {
        let mut people = People {
            students: by_external_id::<student::Entity>(ctx, student::Column::ExternalId, |row| Some(&row.external_id))
                .await?,
            guardians: by_external_id::<guardian::Entity>(ctx, guardian::Column::ExternalId, |row| {
                Some(&row.external_id)
            })
            .await?,
            staff: by_external_id::<staff::Entity>(ctx, staff::Column::ExternalId, |row| Some(&row.external_id))
                .await?,
            new: NewPeople::default(),
        };
        people.preload_keys(ctx).await?;
        let users = ctx.rows::<User>(package)?;
        let roles = ctx.rows::<Role>(package)?;
        let demographics = ctx.rows::<Demographics>(package)?;
        let roles_of = people.roles_of(ctx, roster, &users, &roles);
        let demographics: HashMap<&str, &Row<Demographics>> =
            demographics.iter().map(|row| (row.sourced_id.as_str(), row)).collect();
        let in_package: BTreeSet<&str> = users.iter().map(|row| row.sourced_id.as_str()).collect();
        for row in demographics.values().filter(|row| !in_package.contains(row.sourced_id.as_str())) {
            ctx.problem(unknown(row, "sourcedId", FileKind::Users, &row.sourced_id));
        }
        let mut kinds: HashMap<String, Kind> = HashMap::new();
        let mut leaving = Vec::new();
        for row in &users {
            let user_roles = roles_of.get(row.sourced_id.as_str()).map(Vec::as_slice).unwrap_or_default();
            let Some(kind) = people.kind(ctx, row, user_roles) else { continue };
            kinds.insert(row.sourced_id.clone(), kind);
            if row.status == Status::ToBeDeleted {
                leaving.push((row, kind));
                continue;
            }
            let demographics = demographics.get(row.sourced_id.as_str()).map(|row| &row.record);
            people.import_user(ctx, roster, (row, kind), user_roles, demographics).await?;
        }
        people.insert_new(ctx).await?;
        for (row, kind) in leaving {
            people.end_links_of(ctx, row, kind).await?;
        }
        people.staff_roles(ctx, roster, &roles).await?;
        people.guardianships(ctx, &users, &roles_of, &kinds).await?;
        people.enrollments(ctx, package, roster).await?;
        Ok(people)
    }

    /// The student of exchange identifier `external_id`, from the package or the database.
    pub fn student(&self, external_id: &str) -> Option<&student::Model> {
        self.students.get(external_id)
    }

    /// Every known student's id by exchange identifier.
    pub fn student_ids(&self) -> HashMap<String, i64> {
        self.students.iter().map(|(external_id, row)| (external_id.clone(), row.id)).collect()
    }

    /// The roles of each user of the package or the database, on organisations that resolve
    /// (problems recorded for the others).
    fn roles_of<'r>(
        &self,
        ctx: &mut Ctx<'_>,
        roster: &Roster,
        users: &'r [Row<User>],
        roles: &'r [Row<Role>],
    ) -> RolesOf<'r> {
        let mut roles_of: RolesOf<'r> = HashMap::new();
        let in_package: BTreeSet<&str> = users.iter().map(|row| row.sourced_id.as_str()).collect();
        for row in roles {
            if !in_package.contains(row.record.user.as_str()) && self.kind_in_database(&row.record.user).is_none() {
                ctx.problem(unknown(row, "userSourcedId", FileKind::Users, &row.record.user));
                continue;
            }
            if !roster.orgs.contains_key(&row.record.org) {
                ctx.problem(unknown(row, "orgSourcedId", FileKind::Orgs, &row.record.org));
                continue;
            }
            roles_of.entry(row.record.user.as_str()).or_default().push(row);
        }
        roles_of
    }

    /// Unwraps the data keys of the people already stored, in a few queries instead of one
    /// per person, so that comparing their sealed values is cheap.
    async fn preload_keys(&self, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
        let sealed = self
            .students
            .values()
            .map(|row| &row.identity_no_enc)
            .chain(self.guardians.values().map(|row| &row.phone_enc))
            .chain(self.staff.values().map(|row| &row.phone_enc));
        let keys: Vec<u64> = sealed.flatten().filter_map(|value| Vault::key_id_of(value)).collect();
        for chunk in keys.chunks(10_000) {
            ctx.vault.preload(ctx.store.txn, chunk.iter().copied()).await.context("loading data keys")?;
        }
        Ok(())
    }

    /// Inserts the new people (and staff status history) in batches; their data keys are
    /// wrapped meanwhile and written by [`super::person::write_wrapped_keys`].
    async fn insert_new(&mut self, ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
        let new = std::mem::take(&mut self.new);
        let keys = std::mem::take(&mut ctx.new_keys);
        if !keys.is_empty() {
            let vault = Arc::clone(ctx.vault);
            ctx.wrapping.push(tokio::task::spawn_blocking(move || wrapped(&vault, keys)));
        }
        ctx.store.insert::<student::Entity>(new.students).await?;
        ctx.store.insert::<guardian::Entity>(new.guardians).await?;
        ctx.store.insert::<staff::Entity>(new.staff).await?;
        ctx.store.insert::<staff_status_history::Entity>(new.history).await
    }

    /// What `user` is in the database already, if anything.
    fn kind_in_database(&self, user: &str) -> Option<Kind> {
        if self.students.contains_key(user) {
            Some(Kind::Student)
        } else if self.guardians.contains_key(user) {
            Some(Kind::Guardian)
        } else if self.staff.contains_key(user) {
            Some(Kind::Staff)
        } else {
            None
        }
    }

    /// What a user is, from its roles (or, without roles in the package, from the database).
    fn kind(&self, ctx: &mut Ctx<'_>, row: &Row<User>, roles: &[&Row<Role>]) -> Option<Kind> {
        let kinds: BTreeSet<_> = roles.iter().map(|role| kind_of(role.record.role) as u8).collect();
        let from_roles = roles.first().map(|role| kind_of(role.record.role));
        let known = self.kind_in_database(&row.sourced_id);
        let kind = match (kinds.len(), from_roles, known) {
            (0, _, Some(known)) => known,
            (0, _, None) => {
                ctx.problem(rule(
                    row,
                    "sourcedId",
                    "người dùng không có vai trò nào trong roles.csv",
                    "the user has no role in roles.csv",
                ));
                return None;
            }
            (1, Some(kind), _) => kind,
            _ => {
                ctx.problem(rule(
                    row,
                    "sourcedId",
                    "một người dùng chỉ có thể là học sinh, phụ huynh hoặc cán bộ, không kiêm nhiều loại",
                    "a user is a student, a guardian or staff, not more than one",
                ));
                return None;
            }
        };
        if known.is_some_and(|known| known != kind) {
            ctx.problem(rule(
                row,
                "sourcedId",
                "sourcedId này đã thuộc về một loại người dùng khác trong cơ sở dữ liệu",
                "this sourcedId already belongs to another kind of user in the database",
            ));
            return None;
        }
        Some(kind)
    }
}

/// The role of a user that names their main organisation: a primary role, else the first.
fn primary_org<'r>(roles: &[&'r Row<Role>]) -> Option<&'r Row<Role>> {
    roles
        .iter()
        .find(|role| role.record.role_type == emis_oneroster::records::RoleType::Primary)
        .or(roles.first())
        .copied()
}
