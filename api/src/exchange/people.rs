//! People and their places: `users.csv` with `roles.csv` (a user with a `student` role is a
//! student, with `parent`, `guardian` or `relative` a guardian, with any other role staff;
//! principal and administrator roles become staff roles) and `demographics.csv`;
//! guardianships from `agentSourcedIds`; `enrollments.csv` (a student in a homeroom class is
//! enrolled; a teacher of a homeroom class is its homeroom teacher, of a scheduled class its
//! subject teacher; a student's enrollment in a scheduled class follows from the homeroom
//! class and is not stored).
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

use super::import::{Ctx, rule, skipped, unknown};
use super::person::{Sealing, Stored, person_columns, wrapped};
use super::roster::Roster;
use crate::vault::Vault;
use anyhow::Context as _;
use chrono::NaiveDate;
use emis_oneroster::records::{Demographics, Enrollment, EnrollmentRole, Role, RoleName, User};
use emis_oneroster::{FileKind, Location, Package, Problem, Reason, Row, Status};
use entity::{
    AccessStatus, GuardianStatus, OrgKind, Relationship, RoleKind, StaffStatus, StudentStatus, TeachingKind,
    enrollment, guardian, guardianship, staff, staff_role, staff_status_history, student, teaching_assignment,
};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
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

/// The staff role a OneRoster role gives, if any (teaching follows from enrollments).
fn staff_role_of(role: &Role) -> Option<RoleKind> {
    role.emis_role.or(match role.role {
        RoleName::Principal => Some(RoleKind::Principal),
        RoleName::SiteAdministrator => Some(RoleKind::Clerk),
        RoleName::DistrictAdministrator => Some(RoleKind::DistrictOfficer),
        RoleName::SystemAdministrator => Some(RoleKind::Operator),
        _ => None,
    })
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

impl People {
    /// Reads and writes the people's files; the people, for the files that name them.
    pub async fn import(ctx: &mut Ctx<'_>, package: &Package, roster: &Roster) -> anyhow::Result<People> {
        let txn = ctx.store.txn;
        let mut people = People {
            students: student::Entity::find()
                .all(txn)
                .await
                .context("reading student")?
                .into_iter()
                .map(|row| (row.external_id.clone(), row))
                .collect(),
            guardians: guardian::Entity::find()
                .all(txn)
                .await
                .context("reading guardian")?
                .into_iter()
                .map(|row| (row.external_id.clone(), row))
                .collect(),
            staff: staff::Entity::find()
                .all(txn)
                .await
                .context("reading staff")?
                .into_iter()
                .map(|row| (row.external_id.clone(), row))
                .collect(),
            new: NewPeople::default(),
        };
        people.preload_keys(ctx).await?;
        let users = ctx.rows::<User>(package)?;
        let roles = ctx.rows::<Role>(package)?;
        let demographics = ctx.rows::<Demographics>(package)?;
        let mut roles_of: HashMap<&str, Vec<&Row<Role>>> = HashMap::new();
        let in_package: BTreeSet<&str> = users.iter().map(|row| row.sourced_id.as_str()).collect();
        for row in &roles {
            if !in_package.contains(row.record.user.as_str()) && people.kind_in_database(&row.record.user).is_none() {
                ctx.problem(unknown(row, "userSourcedId", FileKind::Users, &row.record.user));
                continue;
            }
            if !roster.orgs.contains_key(&row.record.org) {
                ctx.problem(unknown(row, "orgSourcedId", FileKind::Orgs, &row.record.org));
                continue;
            }
            roles_of.entry(row.record.user.as_str()).or_default().push(row);
        }
        let demographics: HashMap<&str, &Row<Demographics>> =
            demographics.iter().map(|row| (row.sourced_id.as_str(), row)).collect();
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
            match kind {
                Kind::Student => people.import_student(ctx, roster, row, user_roles, demographics).await?,
                Kind::Guardian => people.import_guardian(ctx, row, demographics).await?,
                Kind::Staff => people.import_staff(ctx, roster, row, user_roles, demographics).await?,
            }
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

    /// A delta's `tobedeleted` user: the person stays; what links them ends — a student's
    /// enrollments, a guardian's guardianships, a staff member's teaching assignments and
    /// roles — on the row's end date (from `roles.csv`, else yesterday).
    async fn end_links_of(&self, ctx: &mut Ctx<'_>, row: &Row<User>, kind: Kind) -> anyhow::Result<()> {
        let id = &row.sourced_id;
        match kind {
            Kind::Student => {
                let Some(student) = self.students.get(id) else { return Ok(()) };
                end_current::<enrollment::Entity>(
                    ctx,
                    enrollment::Column::StudentId,
                    student.id,
                    enrollment::Column::EndsOn,
                )
                .await
            }
            Kind::Guardian => {
                let Some(guardian) = self.guardians.get(id) else { return Ok(()) };
                let owner = guardianship::Column::GuardianId;
                end_current::<guardianship::Entity>(ctx, owner, guardian.id, guardianship::Column::EndsOn).await
            }
            Kind::Staff => {
                let Some(member) = self.staff.get(id) else { return Ok(()) };
                let (owner, ends) = (teaching_assignment::Column::StaffId, teaching_assignment::Column::EndsOn);
                end_current::<teaching_assignment::Entity>(ctx, owner, member.id, ends).await?;
                end_current::<staff_role::Entity>(
                    ctx,
                    staff_role::Column::StaffId,
                    member.id,
                    staff_role::Column::EndsOn,
                )
                .await
            }
        }
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
    /// wrapped meanwhile and written by [`write_wrapped_keys`].
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

    async fn import_student(
        &mut self,
        ctx: &mut Ctx<'_>,
        roster: &Roster,
        row: &Row<User>,
        roles: &[&Row<Role>],
        demographics: Option<&Demographics>,
    ) -> anyhow::Result<()> {
        let existing = self.students.get(&row.sourced_id).cloned();
        let school = match primary_org(roles).map(|role| (role, roster.orgs.get(&role.record.org))) {
            Some((_, Some(org))) if org.kind == OrgKind::School.as_str() => org.id,
            Some((role, _)) => {
                ctx.problem(rule(
                    role,
                    "orgSourcedId",
                    "tổ chức này không phải là trường",
                    "this organisation is not a school",
                ));
                return Ok(());
            }
            None => match &existing {
                Some(existing) => existing.school_id,
                None => return Ok(()),
            },
        };
        let id = match &existing {
            Some(existing) => existing.id,
            None => ctx.store.next_id("student").await?,
        };
        let old = existing.as_ref();
        let stored = old.map(Stored::from).unwrap_or_default();
        let mut sealing = Sealing::new("student", id, [stored.identity_no, stored.address]);
        let person = person_columns(ctx, &mut sealing, &row.record, demographics, &stored).await?;
        let background = |value: fn(&Demographics) -> Option<String>| demographics.and_then(value);
        let model = student::Model {
            id,
            external_id: row.sourced_id.clone(),
            family_name: person.family_name,
            given_name: person.given_name,
            full_name: person.full_name,
            search_name: person.search_name,
            sort_name: person.sort_name,
            gender: person.gender,
            birth_date: person.birth_date,
            identity_no_enc: person.identity_no_enc,
            identity_no_blind: person.identity_no_blind,
            address_enc: person.address_enc,
            school_id: school,
            ethnicity_enc: sealing
                .keep_or_seal(
                    ctx,
                    old.and_then(|o| o.ethnicity_enc.as_deref()),
                    "ethnicity_enc",
                    &background(|d| d.ethnicity.clone()),
                )
                .await?,
            religion_enc: sealing
                .keep_or_seal(
                    ctx,
                    old.and_then(|o| o.religion_enc.as_deref()),
                    "religion_enc",
                    &background(|d| d.religion.clone()),
                )
                .await?,
            health_enc: sealing
                .keep_or_seal(
                    ctx,
                    old.and_then(|o| o.health_enc.as_deref()),
                    "health_enc",
                    &background(|d| d.health.clone()),
                )
                .await?,
            status: match (&existing, row.record.enabled) {
                (Some(existing), true) => existing.status.clone(),
                (None, true) => StudentStatus::Studying.as_str().to_owned(),
                (_, false) => StudentStatus::DroppedOut.as_str().to_owned(),
            },
        };
        ctx.store.write_or_queue::<student::Entity>(existing.as_ref(), &model, &mut self.new.students).await?;
        self.students.insert(row.sourced_id.clone(), model);
        Ok(())
    }

    async fn import_guardian(
        &mut self,
        ctx: &mut Ctx<'_>,
        row: &Row<User>,
        demographics: Option<&Demographics>,
    ) -> anyhow::Result<()> {
        let existing = self.guardians.get(&row.sourced_id).cloned();
        let id = match &existing {
            Some(existing) => existing.id,
            None => ctx.store.next_id("guardian").await?,
        };
        let old = existing.as_ref();
        let stored = old.map(Stored::from).unwrap_or_default();
        let mut sealing = Sealing::new("guardian", id, [stored.identity_no, stored.phone]);
        let person = person_columns(ctx, &mut sealing, &row.record, demographics, &stored).await?;
        let model = guardian::Model {
            id,
            external_id: row.sourced_id.clone(),
            family_name: person.family_name,
            given_name: person.given_name,
            full_name: person.full_name,
            search_name: person.search_name,
            sort_name: person.sort_name,
            gender: person.gender,
            birth_date: person.birth_date,
            identity_no_enc: person.identity_no_enc,
            identity_no_blind: person.identity_no_blind,
            address_enc: person.address_enc,
            username: row.record.username.clone().or_else(|| old.and_then(|o| o.username.clone())),
            password_hash: old.and_then(|o| o.password_hash.clone()),
            phone_enc: person.phone_enc,
            phone_blind: person.phone_blind,
            email_enc: person.email_enc,
            status: if row.record.enabled { GuardianStatus::Active } else { GuardianStatus::Disabled }
                .as_str()
                .to_owned(),
        };
        ctx.store.write_or_queue::<guardian::Entity>(existing.as_ref(), &model, &mut self.new.guardians).await?;
        self.guardians.insert(row.sourced_id.clone(), model);
        Ok(())
    }

    async fn import_staff(
        &mut self,
        ctx: &mut Ctx<'_>,
        roster: &Roster,
        row: &Row<User>,
        roles: &[&Row<Role>],
        demographics: Option<&Demographics>,
    ) -> anyhow::Result<()> {
        let existing = self.staff.get(&row.sourced_id).cloned();
        let school = match primary_org(roles).and_then(|role| roster.orgs.get(&role.record.org)) {
            Some(org) => org.id,
            None => match &existing {
                Some(existing) => existing.school_id,
                None => return Ok(()),
            },
        };
        let id = match &existing {
            Some(existing) => existing.id,
            None => ctx.store.next_id("staff").await?,
        };
        let old = existing.as_ref();
        let stored = old.map(Stored::from).unwrap_or_default();
        let mut sealing = Sealing::new("staff", id, [stored.identity_no, stored.phone]);
        let person = person_columns(ctx, &mut sealing, &row.record, demographics, &stored).await?;
        let status = row.record.employment_status.unwrap_or(if row.record.enabled {
            StaffStatus::Active
        } else {
            StaffStatus::Left
        });
        let model = staff::Model {
            id,
            external_id: row.sourced_id.clone(),
            family_name: person.family_name,
            given_name: person.given_name,
            full_name: person.full_name,
            search_name: person.search_name,
            sort_name: person.sort_name,
            gender: person.gender,
            birth_date: person.birth_date,
            identity_no_enc: person.identity_no_enc,
            identity_no_blind: person.identity_no_blind,
            address_enc: person.address_enc,
            school_id: school,
            username: row.record.username.clone().or_else(|| old.and_then(|o| o.username.clone())),
            password_hash: old.and_then(|o| o.password_hash.clone()),
            phone_enc: person.phone_enc,
            phone_blind: person.phone_blind,
            email_enc: person.email_enc,
            status: status.as_str().to_owned(),
        };
        if old.is_none_or(|old| old.status != model.status) {
            self.new.history.push(staff_status_history::Model {
                id: ctx.store.next_id("staff_status_history").await?,
                staff_id: id,
                school_id: school,
                status: model.status.clone(),
                effective_from: ctx.today,
                recorded_at: chrono::Utc::now(),
            });
        }
        ctx.store.write_or_queue::<staff::Entity>(existing.as_ref(), &model, &mut self.new.staff).await?;
        self.staff.insert(row.sourced_id.clone(), model);
        Ok(())
    }

    /// Staff roles (principal, clerk, …) from `roles.csv`, by the role row's identifier.
    async fn staff_roles(&self, ctx: &mut Ctx<'_>, roster: &Roster, roles: &[Row<Role>]) -> anyhow::Result<()> {
        let existing: HashMap<String, staff_role::Model> = staff_role::Entity::find()
            .filter(staff_role::Column::ExternalId.is_not_null())
            .all(ctx.store.txn)
            .await
            .context("reading staff_role")?
            .into_iter()
            .filter_map(|row| Some((row.external_id.clone()?, row)))
            .collect();
        for row in roles {
            let (Some(staff), Some(org)) = (self.staff.get(&row.record.user), roster.orgs.get(&row.record.org)) else {
                continue;
            };
            let Some(role) = staff_role_of(&row.record) else { continue };
            let old = existing.get(&row.sourced_id);
            if row.status == Status::ToBeDeleted {
                end_on(ctx, old.cloned(), row.record.end).await?;
                continue;
            }
            let id = match old {
                Some(old) => old.id,
                None => ctx.store.next_id("staff_role").await?,
            };
            let model = staff_role::Model {
                id,
                external_id: Some(row.sourced_id.clone()),
                staff_id: staff.id,
                org_id: org.id,
                role: role.as_str().to_owned(),
                starts_on: row.record.begin.or(old.map(|old| old.starts_on)).unwrap_or(ctx.today),
                ends_on: row.record.end.or(old.and_then(|old| old.ends_on)),
            };
            ctx.store.write::<staff_role::Entity>(old, &model).await?;
        }
        Ok(())
    }

    /// Links between guardians and students named by either side's `agentSourcedIds`.
    async fn guardianships(
        &self,
        ctx: &mut Ctx<'_>,
        users: &[Row<User>],
        roles_of: &HashMap<&str, Vec<&Row<Role>>>,
        kinds: &HashMap<String, Kind>,
    ) -> anyhow::Result<()> {
        let mut current: HashMap<(i64, i64), guardianship::Model> = guardianship::Entity::find()
            .filter(guardianship::Column::EndsOn.is_null())
            .all(ctx.store.txn)
            .await
            .context("reading guardianship")?
            .into_iter()
            .map(|link| ((link.guardian_id, link.student_id), link))
            .collect();
        // (guardian, student) pairs by exchange identifier.
        let mut wanted: Vec<(&str, &str)> = Vec::new();
        for row in users.iter().filter(|row| row.status == Status::Active) {
            let Some(kind) = kinds.get(&row.sourced_id) else { continue };
            for agent in &row.record.agents {
                let agent_kind = kinds.get(agent).copied().or_else(|| self.kind_in_database(agent));
                match (kind, agent_kind) {
                    (Kind::Student, Some(Kind::Guardian)) => wanted.push((agent, &row.sourced_id)),
                    (Kind::Guardian, Some(Kind::Student)) => wanted.push((&row.sourced_id, agent)),
                    (_, None) => ctx.problem(unknown(row, "agentSourcedIds", FileKind::Users, agent)),
                    _ => ctx.problem(rule(
                        row,
                        "agentSourcedIds",
                        &format!("\"{agent}\" không phải là phụ huynh của học sinh này hay học sinh của phụ huynh này"),
                        &format!("\"{agent}\" is not a guardian of this student or a student of this guardian"),
                    )),
                }
            }
        }
        let users_by_id: HashMap<&str, &Row<User>> = users.iter().map(|row| (row.sourced_id.as_str(), row)).collect();
        let mut done = BTreeSet::new();
        let mut new_links = Vec::new();
        for (guardian, student) in wanted {
            let (Some(guardian), Some(student)) = (self.guardians.get(guardian), self.students.get(student)) else {
                continue;
            };
            if !done.insert((guardian.id, student.id)) {
                continue;
            }
            // Only the guardian's own row says what they are to the child; without it (or
            // without a value there) the link keeps what it is.
            let given = users_by_id.get(guardian.external_id.as_str()).and_then(|user| user.record.relationship);
            let guardian_roles = roles_of.get(guardian.external_id.as_str()).map(Vec::as_slice).unwrap_or_default();
            if let Some(link) = current.get(&(guardian.id, student.id)) {
                let relationship = given.map_or_else(|| link.relationship.clone(), |given| given.as_str().to_owned());
                if link.relationship != relationship || link.school_id != student.school_id {
                    let mut link = link.clone();
                    link.relationship = relationship;
                    link.school_id = student.school_id;
                    ctx.store.update::<guardianship::Entity>(link).await?;
                }
                continue;
            }
            let link = guardianship::Model {
                id: ctx.store.next_id("guardianship").await?,
                guardian_id: guardian.id,
                student_id: student.id,
                school_id: student.school_id,
                relationship: given.unwrap_or(Relationship::Guardian).as_str().to_owned(),
                access_status: AccessStatus::Active.as_str().to_owned(),
                starts_on: primary_org(guardian_roles).and_then(|role| role.record.begin).unwrap_or(ctx.today),
                ends_on: None,
            };
            current.insert((guardian.id, student.id), link.clone());
            new_links.push(link);
        }
        ctx.store.insert::<guardianship::Entity>(new_links).await?;
        // A guardian's role ended by a delta ends their links.
        for roles in roles_of.values() {
            for role in roles.iter().filter(|role| role.status == Status::ToBeDeleted) {
                let Some(guardian) = self.guardians.get(&role.record.user) else { continue };
                let links: Vec<_> = current.values().filter(|link| link.guardian_id == guardian.id).cloned().collect();
                for link in links {
                    end_on(ctx, Some(link), role.record.end).await?;
                }
            }
        }
        Ok(())
    }

    /// `enrollments.csv`, streamed: enrollments of students, teaching assignments of staff.
    async fn enrollments(&self, ctx: &mut Ctx<'_>, package: &Package, roster: &Roster) -> anyhow::Result<()> {
        let txn = ctx.store.txn;
        let old_enrollments: HashMap<String, enrollment::Model> = enrollment::Entity::find()
            .filter(enrollment::Column::ExternalId.is_not_null())
            .all(txn)
            .await
            .context("reading enrollment")?
            .into_iter()
            .filter_map(|row| Some((row.external_id.clone()?, row)))
            .collect();
        let old_assignments: HashMap<String, teaching_assignment::Model> = teaching_assignment::Entity::find()
            .filter(teaching_assignment::Column::ExternalId.is_not_null())
            .all(txn)
            .await
            .context("reading teaching_assignment")?
            .into_iter()
            .filter_map(|row| Some((row.external_id.clone()?, row)))
            .collect();
        let rows = ctx.rows::<Enrollment>(package)?;
        let mut new_enrollments = Vec::new();
        let mut new_assignments = Vec::new();
        let mut implied = 0_u64;
        for row in &rows {
            let record = &row.record;
            let school = roster.orgs.get(&record.school).map(|org| org.id);
            let (class, section) = (roster.classes.get(&record.class), roster.sections.get(&record.class));
            let class_school = class.map(|class| class.school_id).or(section.map(|section| section.school_id));
            let Some(class_school) = class_school else {
                ctx.problem(unknown(row, "classSourcedId", FileKind::Classes, &record.class));
                continue;
            };
            match school {
                None => {
                    ctx.problem(unknown(row, "schoolSourcedId", FileKind::Orgs, &record.school));
                    continue;
                }
                Some(school) if school != class_school => {
                    ctx.problem(rule(
                        row,
                        "schoolSourcedId",
                        "lớp này thuộc một trường khác",
                        "the class belongs to another school",
                    ));
                    continue;
                }
                Some(_) => {}
            }
            let year = class.map(|class| class.school_year_id).or(section.map(|section| section.school_year_id));
            let starts = record.begin.or(year.and_then(|year| roster.year_start(year))).unwrap_or(ctx.today);
            match record.role {
                EnrollmentRole::Student => {
                    let Some(student) = self.students.get(&record.user) else {
                        ctx.problem(self.not_a(row, Kind::Student));
                        continue;
                    };
                    let Some(class) = class else {
                        implied += 1;
                        continue;
                    };
                    let old = old_enrollments.get(&row.sourced_id);
                    if row.status == Status::ToBeDeleted {
                        end_on(ctx, old.cloned(), record.end).await?;
                        continue;
                    }
                    let id = match old {
                        Some(old) => old.id,
                        None => ctx.store.next_id("enrollment").await?,
                    };
                    let model = enrollment::Model {
                        id,
                        external_id: Some(row.sourced_id.clone()),
                        school_id: class.school_id,
                        student_id: student.id,
                        class_id: class.id,
                        starts_on: record.begin.or(old.map(|old| old.starts_on)).unwrap_or(starts),
                        ends_on: record.end.or(old.and_then(|old| old.ends_on)),
                    };
                    ctx.store.write_or_queue::<enrollment::Entity>(old, &model, &mut new_enrollments).await?;
                }
                EnrollmentRole::Teacher => {
                    let Some(teacher) = self.staff.get(&record.user) else {
                        ctx.problem(self.not_a(row, Kind::Staff));
                        continue;
                    };
                    let old = old_assignments.get(&row.sourced_id);
                    if row.status == Status::ToBeDeleted {
                        end_on(ctx, old.cloned(), record.end).await?;
                        continue;
                    }
                    let id = match old {
                        Some(old) => old.id,
                        None => ctx.store.next_id("teaching_assignment").await?,
                    };
                    let (kind, class_id, section_id) = match (class, section) {
                        (Some(class), _) => (TeachingKind::Homeroom, Some(class.id), None),
                        (None, Some(section)) => (TeachingKind::Subject, None, Some(section.id)),
                        (None, None) => continue,
                    };
                    let model = teaching_assignment::Model {
                        id,
                        external_id: Some(row.sourced_id.clone()),
                        school_id: class_school,
                        staff_id: teacher.id,
                        kind: kind.as_str().to_owned(),
                        section_id,
                        class_id,
                        starts_on: record.begin.or(old.map(|old| old.starts_on)).unwrap_or(starts),
                        ends_on: record.end.or(old.and_then(|old| old.ends_on)),
                    };
                    ctx.store.write_or_queue::<teaching_assignment::Entity>(old, &model, &mut new_assignments).await?;
                }
                EnrollmentRole::Administrator | EnrollmentRole::Proctor => ctx.problem(skipped(
                    row,
                    "role",
                    "EMIS chỉ lưu ghi danh của học sinh và giáo viên; dòng được bỏ qua",
                    "EMIS keeps student and teacher enrollments only; the row was left out",
                )),
            }
        }
        ctx.store.insert::<enrollment::Entity>(new_enrollments).await?;
        ctx.store.insert::<teaching_assignment::Entity>(new_assignments).await?;
        if implied > 0 {
            ctx.problem(Problem::new(
                Location::file(FileKind::Enrollments.file_name()),
                Reason::Skipped {
                    vietnamese: format!(
                        "{implied} ghi danh học sinh vào lớp học phần suy ra từ lớp chủ nhiệm nên không lưu riêng"
                    ),
                    english: format!(
                        "{implied} student enrollments in scheduled classes follow from the homeroom class and are not stored"
                    ),
                },
            ));
        }
        Ok(())
    }

    /// The problem of an enrollment whose user is not of the kind its role needs.
    fn not_a(&self, row: &Row<Enrollment>, kind: Kind) -> Problem {
        if self.kind_in_database(&row.record.user).is_none() {
            return unknown(row, "userSourcedId", FileKind::Users, &row.record.user);
        }
        let (vietnamese, english) = match kind {
            Kind::Student => ("người dùng này không phải là học sinh", "this user is not a student"),
            _ => ("người dùng này không phải là cán bộ", "this user is not staff"),
        };
        rule(row, "userSourcedId", vietnamese, english)
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

/// A dated link: an enrollment, a teaching assignment, a role, a guardianship.
trait Dated {
    fn ends_on(&mut self) -> &mut Option<NaiveDate>;
}

macro_rules! dated {
    ($($module:ident),*) => {$(
        impl Dated for $module::Model {
            fn ends_on(&mut self) -> &mut Option<NaiveDate> {
                &mut self.ends_on
            }
        }
    )*};
}

dated!(enrollment, teaching_assignment, staff_role, guardianship);

/// Ends every current link of `E` whose `owner` column is `id` (see [`end_on`]).
async fn end_current<E>(ctx: &mut Ctx<'_>, owner: E::Column, id: i64, ends_on: E::Column) -> anyhow::Result<()>
where
    E: sea_orm::EntityTrait,
    E::Model: Dated + sea_orm::IntoActiveModel<E::ActiveModel>,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    let current = E::find()
        .filter(owner.eq(id))
        .filter(ends_on.is_null())
        .all(ctx.store.txn)
        .await
        .with_context(|| format!("reading {}", E::default().table_name()))?;
    for link in current {
        end_on(ctx, Some(link), None).await?;
    }
    Ok(())
}

/// Gives `row` the end date `end` as a delta's `tobedeleted` asks — without one, yesterday:
/// end dates are the last day a link holds, and from today on it does not. A row that
/// already ended keeps its date.
async fn end_on<M>(ctx: &mut Ctx<'_>, row: Option<M>, end: Option<NaiveDate>) -> anyhow::Result<()>
where
    M: Dated + sea_orm::ModelTrait + sea_orm::IntoActiveModel<<M::Entity as sea_orm::EntityTrait>::ActiveModel>,
    <M::Entity as sea_orm::EntityTrait>::ActiveModel: sea_orm::ActiveModelTrait<Entity = M::Entity> + Send,
    M::Entity: sea_orm::EntityTrait<Model = M>,
{
    let Some(mut row) = row else { return Ok(()) };
    if row.ends_on().is_some() {
        return Ok(());
    }
    *row.ends_on() = Some(end.unwrap_or(ctx.today.pred_opt().unwrap_or(ctx.today)));
    ctx.store.end::<M::Entity>(row).await
}
