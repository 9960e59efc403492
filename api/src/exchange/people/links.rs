//! What links people: staff roles from `roles.csv`, guardianships from either side's
//! `agentSourcedIds`, and — for a delta's `tobedeleted` user or guardian role — the end of
//! a person's links.

use super::dated::{end_current, end_on, id_unless_ended};
use super::{Kind, People, RolesOf, primary_org};
use crate::exchange::import::{Ctx, by_external_id, rule, unknown};
use crate::exchange::roster::Roster;
use anyhow::Context as _;
use emis_oneroster::records::{Role, RoleName, User};
use emis_oneroster::{FileKind, Row, Status};
use entity::{AccessStatus, Relationship, RoleKind, enrollment, guardianship, staff_role, teaching_assignment};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use std::collections::{BTreeSet, HashMap};

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

impl People {
    /// A delta's `tobedeleted` user: the person stays; what links them ends — a student's
    /// enrollments, a guardian's guardianships, a staff member's teaching assignments and
    /// roles — on the row's end date (from `roles.csv`, else yesterday).
    pub(super) async fn end_links_of(&self, ctx: &mut Ctx<'_>, row: &Row<User>, kind: Kind) -> anyhow::Result<()> {
        let id = &row.sourced_id;
        match kind {
            Kind::Student => {
                let Some(student) = self.students.get(id) else { return Ok(()) };
                let (owner, ends) = (enrollment::Column::StudentId, enrollment::Column::EndsOn);
                end_current::<enrollment::Entity>(ctx, owner, student.id, ends).await
            }
            Kind::Guardian => {
                let Some(guardian) = self.guardians.get(id) else { return Ok(()) };
                let (owner, ends) = (guardianship::Column::GuardianId, guardianship::Column::EndsOn);
                end_current::<guardianship::Entity>(ctx, owner, guardian.id, ends).await
            }
            Kind::Staff => {
                let Some(member) = self.staff.get(id) else { return Ok(()) };
                let (owner, ends) = (teaching_assignment::Column::StaffId, teaching_assignment::Column::EndsOn);
                end_current::<teaching_assignment::Entity>(ctx, owner, member.id, ends).await?;
                let (owner, ends) = (staff_role::Column::StaffId, staff_role::Column::EndsOn);
                end_current::<staff_role::Entity>(ctx, owner, member.id, ends).await
            }
        }
    }

    /// Staff roles (principal, clerk, …) from `roles.csv`, by the role row's identifier.
    pub(super) async fn staff_roles(
        &self,
        ctx: &mut Ctx<'_>,
        roster: &Roster,
        roles: &[Row<Role>],
    ) -> anyhow::Result<()> {
        let existing =
            by_external_id::<staff_role::Entity>(ctx, staff_role::Column::ExternalId, |row| row.external_id.as_deref())
                .await?;
        for row in roles {
            let (Some(staff), Some(org)) = (self.staff.get(&row.record.user), roster.orgs.get(&row.record.org)) else {
                continue;
            };
            let Some(role) = staff_role_of(&row.record) else { continue };
            let old = existing.get(&row.sourced_id);
            let ending = (row.status, row.record.end);
            let Some(id) = id_unless_ended(ctx, "staff_role", ending, old).await? else { continue };
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

    /// The (guardian, student) pairs, by exchange identifier, that active users name in their
    /// `agentSourcedIds` (problems recorded for agents that are unknown or of the wrong kind).
    fn wanted_links<'u>(
        &self,
        ctx: &mut Ctx<'_>,
        users: &'u [Row<User>],
        kinds: &HashMap<String, Kind>,
    ) -> Vec<(&'u str, &'u str)> {
        let mut wanted = Vec::new();
        for row in users.iter().filter(|row| row.status == Status::Active) {
            let Some(kind) = kinds.get(&row.sourced_id) else { continue };
            for agent in &row.record.agents {
                let agent_kind = kinds.get(agent).copied().or_else(|| self.kind_in_database(agent));
                match (kind, agent_kind) {
                    (Kind::Student, Some(Kind::Guardian)) => wanted.push((agent.as_str(), row.sourced_id.as_str())),
                    (Kind::Guardian, Some(Kind::Student)) => wanted.push((row.sourced_id.as_str(), agent.as_str())),
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
        wanted
    }

    /// Links between guardians and students named by either side's `agentSourcedIds`; a
    /// guardian's role ended by a delta ends their links.
    pub(super) async fn guardianships(
        &self,
        ctx: &mut Ctx<'_>,
        users: &[Row<User>],
        roles_of: &RolesOf<'_>,
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
        let wanted = self.wanted_links(ctx, users, kinds);
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
            let guardian_roles = roles_of.get(guardian.external_id.as_str()).map(Vec::as_slice).unwrap_or_default();
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
        self.end_links_of_ended_roles(ctx, roles_of, &current).await
    }

    /// A guardian's role ended by a delta ends their `current` links.
    async fn end_links_of_ended_roles(
        &self,
        ctx: &mut Ctx<'_>,
        roles_of: &RolesOf<'_>,
        current: &HashMap<(i64, i64), guardianship::Model>,
    ) -> anyhow::Result<()> {
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
}
