//! The people's rows from `users.csv` and `demographics.csv`: a student placed in the school
//! of their primary role (their ethnicity, religion and health from either file, which must
//! agree), a guardian, a staff member (with a status history entry when their status
//! changes); each keeps what the row does not give.

use super::{Kind, People, primary_org};
use crate::exchange::import::{Ctx, rule, skipped};
use crate::exchange::person::{PersonColumns, Sealing, Stored, person_columns};
use crate::exchange::roster::Roster;
use emis_oneroster::Row;
use emis_oneroster::records::{Background, Demographics, Role, User};
use entity::{GuardianStatus, OrgKind, StaffStatus, StudentStatus, guardian, staff, staff_status_history, student};

/// The columns students, guardians and staff share, filled from `$person` into a model of
/// `$module` with the other columns given; with `contact`, the account and contact columns of
/// guardians and staff too (a username the row does not give, and the password, kept from
/// `$old`).
macro_rules! person_model {
    ($module:ident, $id:expr, $row:expr, $person:ident, contact: $old:expr, { $($field:ident: $value:expr),* $(,)? }) => {
        person_model!($module, $id, $row.sourced_id.clone(), $person, {
            username: $row.record.username.clone().or_else(|| $old.and_then(|o| o.username.clone())),
            password_hash: $old.and_then(|o| o.password_hash.clone()),
            phone_enc: $person.phone_enc,
            phone_blind: $person.phone_blind,
            email_enc: $person.email_enc,
            $($field: $value,)*
        })
    };
    ($module:ident, $id:expr, $external_id:expr, $person:ident, { $($field:ident: $value:expr),* $(,)? }) => {{
        let _: &PersonColumns = &$person;
        $module::Model {
            id: $id,
            external_id: $external_id,
            family_name: $person.family_name,
            given_name: $person.given_name,
            full_name: $person.full_name,
            search_name: $person.search_name,
            sort_name: $person.sort_name,
            gender: $person.gender,
            birth_date: $person.birth_date,
            identity_no_enc: $person.identity_no_enc,
            identity_no_blind: $person.identity_no_blind,
            address_enc: $person.address_enc,
            $($field: $value,)*
        }
    }};
}

/// A person's row being written: its id, the sealing of its values, and the columns every
/// person has.
struct PersonRow {
    id: i64,
    sealing: Sealing,
    person: PersonColumns,
}

/// The id of a person's row in `table` (the stored row's, `stored_id`, or a new one) and the
/// columns every person has, sealed under the person's data key — found, as it was first
/// used, from a student's identity number or address, a guardian's or staff member's identity
/// number or phone.
async fn person_row(
    ctx: &mut Ctx<'_>,
    table: &'static str,
    stored_id: Option<i64>,
    stored: &Stored<'_>,
    row: &Row<User>,
    demographics: Option<&Demographics>,
) -> anyhow::Result<PersonRow> {
    let id = match stored_id {
        Some(id) => id,
        None => ctx.store.next_id(table).await?,
    };
    let key_from = if table == "student" { stored.address } else { stored.phone };
    let mut sealing = Sealing::new(table, id, [stored.identity_no, key_from]);
    let person = person_columns(ctx, &mut sealing, &row.record, demographics, stored).await?;
    Ok(PersonRow { id, sealing, person })
}

/// The organisation of a student's or staff member's primary role (else their first role):
/// `None` without roles; `Some(None)` (problem recorded) when a student's is not a school.
fn school_of(ctx: &mut Ctx<'_>, roster: &Roster, roles: &[&Row<Role>], kind: Kind) -> Option<Option<i64>> {
    let role = primary_org(roles)?;
    let org = roster.orgs.get(&role.record.org);
    match org {
        Some(org) if kind != Kind::Student || org.kind == OrgKind::School.as_str() => Some(Some(org.id)),
        _ if kind == Kind::Student => {
            ctx.problem(rule(
                role,
                "orgSourcedId",
                "tổ chức này không phải là trường",
                "this organisation is not a school",
            ));
            Some(None)
        }
        // Staff with a role on an organisation the package does not resolve keep their school.
        _ => None,
    }
}

/// A user's ethnicity, religion and health (kept for students): each from `demographics.csv`
/// or from the same column of `users.csv`, whichever gives it. When both give it they must
/// agree; two different values are an error at the `users.csv` cell (the values are not
/// quoted: they are sensitive).
fn background(ctx: &mut Ctx<'_>, row: &Row<User>, demographics: Option<&Demographics>) -> [Option<String>; 3] {
    let on_user = row.record.background.values();
    let on_demographics = demographics.map(|d| d.background.values());
    std::array::from_fn(|i| {
        let from_demographics = on_demographics.and_then(|values| values[i].clone());
        match (on_user[i], from_demographics) {
            (Some(given), Some(other)) if *given != other => {
                ctx.problem(rule(
                    row,
                    Background::COLUMNS[i],
                    "users.csv và demographics.csv ghi hai giá trị khác nhau cho cột này của cùng một người",
                    "users.csv and demographics.csv give this person two different values in this column",
                ));
                Some(other)
            }
            (given, other) => other.or_else(|| given.clone()),
        }
    })
}

impl People {
    /// Writes the row of a user of `kind`.
    pub(super) async fn import_user(
        &mut self,
        ctx: &mut Ctx<'_>,
        roster: &Roster,
        (row, kind): (&Row<User>, Kind),
        roles: &[&Row<Role>],
        demographics: Option<&Demographics>,
    ) -> anyhow::Result<()> {
        // Checked for every user: a package that contradicts itself is refused, though EMIS
        // keeps a background for students only.
        let background = background(ctx, row, demographics);
        if kind != Kind::Student {
            for (column, _) in Background::COLUMNS.iter().zip(&background).filter(|(_, value)| value.is_some()) {
                ctx.problem(skipped(
                    row,
                    column,
                    "EMIS chỉ giữ dân tộc, tôn giáo và sức khỏe của học sinh; giá trị này của người dùng \
                     (ở users.csv hoặc demographics.csv) không được lưu",
                    "EMIS keeps ethnicity, religion and health for students only; this user's value \
                     (on users.csv or demographics.csv) was not kept",
                ));
            }
        }
        let stored_school = match kind {
            Kind::Student => self.students.get(&row.sourced_id).map(|row| row.school_id),
            Kind::Guardian => None,
            Kind::Staff => self.staff.get(&row.sourced_id).map(|row| row.school_id),
        };
        let school = match kind {
            Kind::Guardian => None,
            _ => match school_of(ctx, roster, roles, kind).or(Some(stored_school)) {
                Some(Some(school)) => Some(school),
                _ => return Ok(()),
            },
        };
        match (kind, school) {
            (Kind::Student, Some(school)) => self.import_student(ctx, (row, school), demographics, background).await,
            (Kind::Staff, Some(school)) => self.import_staff(ctx, school, row, demographics).await,
            _ => self.import_guardian(ctx, row, demographics).await,
        }
    }

    /// A student of `school`.
    async fn import_student(
        &mut self,
        ctx: &mut Ctx<'_>,
        (row, school): (&Row<User>, i64),
        demographics: Option<&Demographics>,
        [ethnicity, religion, health]: [Option<String>; 3],
    ) -> anyhow::Result<()> {
        let existing = self.students.get(&row.sourced_id).cloned();
        let old = existing.as_ref();
        let stored = old.map(Stored::from).unwrap_or_default();
        let PersonRow { id, mut sealing, person } =
            person_row(ctx, "student", old.map(|old| old.id), &stored, row, demographics).await?;
        let [ethnicity_enc, religion_enc, health_enc] = sealing
            .seal(
                ctx,
                [
                    ("ethnicity_enc", old.and_then(|o| o.ethnicity_enc.as_deref()), &ethnicity),
                    ("religion_enc", old.and_then(|o| o.religion_enc.as_deref()), &religion),
                    ("health_enc", old.and_then(|o| o.health_enc.as_deref()), &health),
                ],
            )
            .await?;
        let model = person_model!(student, id, row.sourced_id.clone(), person, {
            school_id: school,
            ethnicity_enc: ethnicity_enc,
            religion_enc: religion_enc,
            health_enc: health_enc,
            status: match (&existing, row.record.enabled) {
                (Some(existing), true) => existing.status.clone(),
                (None, true) => StudentStatus::Studying.as_str().to_owned(),
                (_, false) => StudentStatus::DroppedOut.as_str().to_owned(),
            },
            // the account the school gave stays as it is: an import neither gives nor takes one
            username: existing.as_ref().and_then(|old| old.username.clone()),
            password_hash: existing.as_ref().and_then(|old| old.password_hash.clone()),
        });
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
        let old = existing.as_ref();
        let stored = old.map(Stored::from).unwrap_or_default();
        let PersonRow { id, person, .. } =
            person_row(ctx, "guardian", old.map(|old| old.id), &stored, row, demographics).await?;
        let status = if row.record.enabled { GuardianStatus::Active } else { GuardianStatus::Disabled };
        let model = person_model!(guardian, id, row, person, contact: old, { status: status.as_str().to_owned() });
        ctx.store.write_or_queue::<guardian::Entity>(existing.as_ref(), &model, &mut self.new.guardians).await?;
        self.guardians.insert(row.sourced_id.clone(), model);
        Ok(())
    }

    /// A staff member whose main organisation is `school`.
    async fn import_staff(
        &mut self,
        ctx: &mut Ctx<'_>,
        school: i64,
        row: &Row<User>,
        demographics: Option<&Demographics>,
    ) -> anyhow::Result<()> {
        let existing = self.staff.get(&row.sourced_id).cloned();
        let old = existing.as_ref();
        let stored = old.map(Stored::from).unwrap_or_default();
        let PersonRow { id, person, .. } =
            person_row(ctx, "staff", old.map(|old| old.id), &stored, row, demographics).await?;
        let status = row.record.employment_status.unwrap_or(if row.record.enabled {
            StaffStatus::Active
        } else {
            StaffStatus::Left
        });
        let model = person_model!(staff, id, row, person, contact: old, {
            school_id: school,
            status: status.as_str().to_owned(),
        });
        if old.is_none_or(|old| old.status != model.status) {
            self.new.history.push(staff_status_history::Model {
                id: ctx.store.next_id("staff_status_history").await?,
                staff_id: id,
                school_id: school,
                status: model.status.clone(),
                effective_from: ctx.today,
                recorded_at: chrono::Utc::now(),
                note: None,
                to_school_id: None,
                recorded_by_id: None,
            });
        }
        ctx.store.write_or_queue::<staff::Entity>(existing.as_ref(), &model, &mut self.new.staff).await?;
        self.staff.insert(row.sourced_id.clone(), model);
        Ok(())
    }
}
