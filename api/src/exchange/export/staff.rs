//! The staff of the scope in `users.csv`, with their roles in `roles.csv` — a teacher's
//! primary role at their school unless a stored role there is primary, then each stored role
//! (principal, clerk, officer, operator) — and their demographics.

use super::out::{date, ext, name_cells};
use super::people::PeopleFiles;
use super::reveal::Reveal;
use super::scope::{Pages, Scope};
use entity::{RoleKind, StaffStatus, staff, staff_role};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _, QueryOrder as _};

/// Writes the staff of the scope.
pub(super) async fn write(
    db: &DatabaseConnection,
    files: &mut PeopleFiles,
    scope: &Scope,
    reveal: &Reveal<'_>,
) -> anyhow::Result<()> {
    let mut pages =
        Pages::<staff::Entity>::new(staff::Column::Id, scope.of_school(staff::Column::SchoolId), |row| row.id);
    while let Some(rows) = pages.next(db).await? {
        reveal.preload(db, &rows).await?;
        let roles = staff_role::Entity::find()
            .filter(staff_role::Column::StaffId.is_in(rows.iter().map(|row| row.id)))
            .order_by_asc(staff_role::Column::Id)
            .all(db)
            .await?;
        for row in &rows {
            write_member(files, scope, reveal, row)?;
            let own: Vec<&staff_role::Model> = roles.iter().filter(|role| role.staff_id == row.id).collect();
            write_roles(files, scope, row, &own)?;
            files.demographics(&row.external_id, row.birth_date, row.gender.as_deref(), &[])?;
        }
    }
    Ok(())
}

/// A staff member's user row.
fn write_member(files: &mut PeopleFiles, scope: &Scope, reveal: &Reveal<'_>, row: &staff::Model) -> anyhow::Result<()> {
    let status = row.status.parse::<StaffStatus>().unwrap_or(StaffStatus::Active);
    let sealed = [&row.identity_no_enc, &row.address_enc, &row.phone_enc, &row.email_enc];
    let mut cells = name_cells(&row.family_name, &row.given_name);
    cells.extend(reveal.user_cells("staff", row.id, sealed));
    cells.extend([
        ("sourcedId", row.external_id.clone()),
        ("enabledUser", matches!(status, StaffStatus::Active | StaffStatus::OnLeave).to_string()),
        ("username", row.username.clone().unwrap_or_default()),
        ("primaryOrgSourcedId", scope.org_ext(row.school_id)),
        ("metadata.vn.employmentStatus", status.as_str().to_owned()),
    ]);
    files.users.write(&cells)?;
    Ok(())
}

/// A staff member's role rows: the first stored role at their school is primary; without
/// one, a teacher's role there is.
fn write_roles(
    files: &mut PeopleFiles,
    scope: &Scope,
    row: &staff::Model,
    own: &[&staff_role::Model],
) -> anyhow::Result<()> {
    let primary_taken = own.iter().any(|role| role.org_id == row.school_id);
    if !primary_taken {
        files.primary_role(&row.external_id, "teacher", scope.org_ext(row.school_id), String::new())?;
    }
    let mut primary_written = !primary_taken;
    for role in own {
        let name = match role.role.parse::<RoleKind>().ok() {
            Some(RoleKind::Principal) => "principal",
            Some(RoleKind::DistrictOfficer) => "districtAdministrator",
            Some(RoleKind::Operator) => "systemAdministrator",
            _ => "siteAdministrator",
        };
        let primary = !primary_written && role.org_id == row.school_id;
        primary_written |= primary;
        files.roles.write(&[
            ("sourcedId", ext("staff_role", role.id, role.external_id.as_deref())),
            ("userSourcedId", row.external_id.clone()),
            ("roleType", if primary { "primary" } else { "secondary" }.to_owned()),
            ("role", name.to_owned()),
            ("beginDate", date(role.starts_on)),
            ("endDate", role.ends_on.map(date).unwrap_or_default()),
            ("orgSourcedId", scope.org_ext(role.org_id)),
            ("metadata.vn.role", role.role.clone()),
        ])?;
    }
    Ok(())
}
