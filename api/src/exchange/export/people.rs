//! `users.csv`, `roles.csv` and `demographics.csv`: the students of the scope, their
//! guardians — linked only to the scope's students, through current guardianships — and the
//! staff (`staff.rs`), read page by page.

use super::out::{Out, Writer, date, grade, name_cells};
use super::reveal::Reveal;
use super::scope::{Pages, Scope, external_ids, student_ids};
use chrono::NaiveDate;
use emis_oneroster::FileKind;
use emis_oneroster::writer::list;
use entity::{StudentStatus, enrollment, guardian, guardianship, homeroom_class, student};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait as _, Condition, DatabaseConnection, EntityTrait as _, QueryFilter as _, QueryOrder as _};
use std::collections::HashMap;

/// The three files people are written to.
pub(super) struct PeopleFiles {
    pub users: Writer,
    pub roles: Writer,
    demographics: Writer,
}

impl PeopleFiles {
    /// A person's primary role (`emis-role-<user>`) at `org`, from `begin` (may be empty).
    pub fn primary_role(&mut self, external_id: &str, role: &str, org: String, begin: String) -> anyhow::Result<()> {
        self.roles.write(&[
            ("sourcedId", format!("emis-role-{external_id}")),
            ("userSourcedId", external_id.to_owned()),
            ("roleType", "primary".to_owned()),
            ("role", role.to_owned()),
            ("beginDate", begin),
            ("orgSourcedId", org),
        ])?;
        Ok(())
    }

    /// A demographics row, when the person has anything to put in it.
    pub fn demographics(
        &mut self,
        external_id: &str,
        birth_date: Option<NaiveDate>,
        gender: Option<&str>,
        sealed: &[(&str, String)],
    ) -> anyhow::Result<()> {
        if birth_date.is_none() && gender.is_none() && sealed.iter().all(|(_, value)| value.is_empty()) {
            return Ok(());
        }
        let mut cells = vec![
            ("sourcedId", external_id.to_owned()),
            ("birthDate", birth_date.map(date).unwrap_or_default()),
            ("sex", gender.unwrap_or_default().to_owned()),
        ];
        cells.extend(sealed.iter().cloned());
        self.demographics.write(&cells)?;
        Ok(())
    }
}

/// Writes the people of the scope; `classes` are its homeroom classes by id.
pub(super) async fn write(
    db: &DatabaseConnection,
    out: &mut Out<'_>,
    scope: &Scope,
    reveal: &Reveal<'_>,
    classes: &HashMap<i64, &homeroom_class::Model>,
) -> anyhow::Result<()> {
    let mut files = PeopleFiles {
        users: out.file(FileKind::Users)?,
        roles: out.file(FileKind::Roles)?,
        demographics: out.file(FileKind::Demographics)?,
    };
    let mut pages =
        Pages::<student::Entity>::new(student::Column::Id, scope.of_school(student::Column::SchoolId), |row| row.id);
    while let Some(rows) = pages.next(db).await? {
        reveal.preload(db, &rows).await?;
        let ids = rows.iter().map(|row| row.id);
        let links = current_links(db, guardianship::Column::StudentId.is_in(ids.clone()), scope).await?;
        let guardians = guardian_ids(db, links.iter().map(|link| link.guardian_id)).await?;
        let current_class = current_classes(db, ids).await?;
        for row in &rows {
            let mut agents: Vec<&str> = links
                .iter()
                .filter(|link| link.student_id == row.id)
                .filter_map(|link| guardians.get(&link.guardian_id).map(String::as_str))
                .collect();
            agents.sort_unstable();
            let grade = current_class.get(&row.id).and_then(|class| classes.get(class)).map(|c| grade(c.grade_level));
            write_student(&mut files, scope, reveal, row, list(agents), grade.unwrap_or_default())?;
        }
    }
    write_guardians(db, &mut files, scope, reveal).await?;
    super::staff::write(db, &mut files, scope, reveal).await?;
    out.done(FileKind::Users, files.users)?;
    out.done(FileKind::Roles, files.roles)?;
    out.done(FileKind::Demographics, files.demographics)
}

/// The current guardianships that meet `condition`, of students of the scope, in id order.
async fn current_links(
    db: &DatabaseConnection,
    condition: sea_orm::sea_query::SimpleExpr,
    scope: &Scope,
) -> anyhow::Result<Vec<guardianship::Model>> {
    Ok(guardianship::Entity::find()
        .filter(condition)
        .filter(guardianship::Column::EndsOn.is_null())
        .filter(scope.of_students(guardianship::Column::StudentId))
        .order_by_asc(guardianship::Column::Id)
        .all(db)
        .await?)
}

/// The exchange identifiers of guardians `ids`.
async fn guardian_ids(db: &DatabaseConnection, ids: impl Iterator<Item = i64>) -> anyhow::Result<HashMap<i64, String>> {
    external_ids::<guardian::Entity>(db, (guardian::Column::Id, guardian::Column::ExternalId), ids).await
}

/// The homeroom class each of the students `ids` is enrolled in today.
async fn current_classes(db: &DatabaseConnection, ids: impl Iterator<Item = i64>) -> anyhow::Result<HashMap<i64, i64>> {
    let today = crate::clock::today();
    let rows = enrollment::Entity::find()
        .filter(enrollment::Column::StudentId.is_in(ids))
        .filter(crate::auth::principal::active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, today))
        .order_by_asc(enrollment::Column::Id)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|row| (row.student_id, row.class_id)).collect())
}

/// A student's user, role and demographics rows.
fn write_student(
    files: &mut PeopleFiles,
    scope: &Scope,
    reveal: &Reveal<'_>,
    row: &student::Model,
    agents: String,
    grade: String,
) -> anyhow::Result<()> {
    let open = |column: &str, sealed: &Option<Vec<u8>>| reveal.open("student", column, row.id, sealed.as_deref());
    let mut cells = name_cells(&row.family_name, &row.given_name);
    cells.extend(reveal.user_cells("student", row.id, [&row.identity_no_enc, &row.address_enc, &None, &None]));
    cells.extend([
        ("sourcedId", row.external_id.clone()),
        ("enabledUser", (row.status != StudentStatus::DroppedOut.as_str()).to_string()),
        ("agentSourcedIds", agents),
        ("grades", grade),
        ("primaryOrgSourcedId", scope.org_ext(row.school_id)),
    ]);
    files.users.write(&cells)?;
    files.primary_role(&row.external_id, "student", scope.org_ext(row.school_id), String::new())?;
    files.demographics(
        &row.external_id,
        row.birth_date,
        row.gender.as_deref(),
        &[
            ("metadata.vn.ethnicity", open("ethnicity_enc", &row.ethnicity_enc)),
            ("metadata.vn.religion", open("religion_enc", &row.religion_enc)),
            ("metadata.vn.health", open("health_enc", &row.health_enc)),
        ],
    )
}

/// The guardians with a current link to a student of the scope, each linked only to those
/// students.
async fn write_guardians(
    db: &DatabaseConnection,
    files: &mut PeopleFiles,
    scope: &Scope,
    reveal: &Reveal<'_>,
) -> anyhow::Result<()> {
    let linked = Query::select()
        .column(guardianship::Column::GuardianId)
        .from(guardianship::Entity)
        .cond_where(
            Condition::all()
                .add(guardianship::Column::EndsOn.is_null())
                .add(scope.of_students(guardianship::Column::StudentId)),
        )
        .to_owned();
    let condition = Condition::all().add(guardian::Column::Id.in_subquery(linked));
    let mut pages = Pages::<guardian::Entity>::new(guardian::Column::Id, condition, |row| row.id);
    while let Some(rows) = pages.next(db).await? {
        reveal.preload(db, &rows).await?;
        let links =
            current_links(db, guardianship::Column::GuardianId.is_in(rows.iter().map(|row| row.id)), scope).await?;
        let students = student_ids(db, links.iter().map(|link| link.student_id)).await?;
        for row in &rows {
            let own: Vec<&guardianship::Model> = links.iter().filter(|link| link.guardian_id == row.id).collect();
            write_guardian(files, scope, reveal, row, &own, &students)?;
        }
    }
    Ok(())
}

/// A guardian's user, role and demographics rows; `links` are their current links to the
/// scope's students, whose exchange identifiers `students` gives.
fn write_guardian(
    files: &mut PeopleFiles,
    scope: &Scope,
    reveal: &Reveal<'_>,
    row: &guardian::Model,
    links: &[&guardianship::Model],
    students: &HashMap<i64, String>,
) -> anyhow::Result<()> {
    let mut agents: Vec<&str> =
        links.iter().filter_map(|link| students.get(&link.student_id).map(String::as_str)).collect();
    agents.sort_unstable();
    let first = links.iter().min_by_key(|link| (link.starts_on, link.id));
    let school = first.map(|link| scope.org_ext(link.school_id)).unwrap_or_default();
    let relationship = first.map(|link| link.relationship.clone()).unwrap_or_default();
    let sealed = [&row.identity_no_enc, &row.address_enc, &row.phone_enc, &row.email_enc];
    let mut cells = name_cells(&row.family_name, &row.given_name);
    cells.extend(reveal.user_cells("guardian", row.id, sealed));
    cells.extend([
        ("sourcedId", row.external_id.clone()),
        ("enabledUser", (row.status == entity::GuardianStatus::Active.as_str()).to_string()),
        ("username", row.username.clone().unwrap_or_default()),
        ("agentSourcedIds", list(agents)),
        ("primaryOrgSourcedId", school.clone()),
        ("metadata.vn.relationship", relationship.clone()),
    ]);
    files.users.write(&cells)?;
    let role = if relationship == entity::Relationship::Guardian.as_str() { "guardian" } else { "parent" };
    let begin = first.map(|link| date(link.starts_on)).unwrap_or_default();
    files.primary_role(&row.external_id, role, school, begin)?;
    files.demographics(&row.external_id, row.birth_date, row.gender.as_deref(), &[])
}
