//! Publishing a notice (a notice, a document, news or an invitation) to families or staff,
//! and the author's changes to it afterwards. The policy is asked first (`notice`/`write`):
//! the place the draft names is reached as one the caller may write a notice in
//! ([`super::audience`]), and then every delivery — one per student enrolled there today,
//! with the class they are in, or one per staff member — must be one the caller may write,
//! so a homeroom teacher reaches only their own class. A place out of reach is answered
//! exactly like a missing one, and nothing is written. The recipients are kept: the notice
//! and its deliveries are written in one transaction. A notice with a publishing time waits
//! without deliveries until [`super::schedule`] publishes it. Each active guardian of each
//! student reached is told (a `notice` notification, urgent when the author marked it so),
//! and so is each staff member reached (a staff `notice` notification). Whoever may write
//! every delivery of a notice (and its author, while it has none) manages it: withdraws it (it stays in the
//! feed, saying so, without its title and body), edits it ([`super::versions`]) or sends a
//! reminder ([`super::reminders`]). Files the author uploaded are attached in the same
//! transaction, when the policy also lets them write `attachment` for every delivery.

use super::audience::{self, Addressed, Recipients};
use super::drafting::{Draft, validated};
use crate::attachments::files::{self, Owner};
use crate::books::{recipients, told, told_staff};
use crate::error::ApiError;
use crate::privacy::{Access, Target, readers};
use chrono::{DateTime, NaiveDate, Utc};
use emis_authz::{Action, Kind};
use entity::{notice, notice_delivery, notice_staff_delivery};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter as _,
};
use std::collections::HashMap;

/// Deliveries written per statement.
const CHUNK: usize = 500;

/// Publishes `draft` — now, for those it is addressed to today, or at its publishing time.
pub async fn publish(
    db: &DatabaseConnection,
    access: &Access,
    draft: &Draft,
    now: DateTime<Utc>,
) -> Result<notice::Model, ApiError> {
    let author = crate::books::locks::staff_account(access)?;
    let (to, chosen) = audience::address(db, access, &draft.audience).await?;
    let recipients = match chosen {
        Some(chosen) => chosen,
        None => audience::resolve(db, &to, access.principal().today).await?,
    };
    if !may_publish(access, recipients.targets(to.school), !draft.attachments.is_empty()).await? {
        return Err(ApiError::NotPermitted);
    }
    files::check_attachable(db, access, &draft.attachments).await?;
    let kept = validated(draft, now)?;
    if to.audience == "grade" && recipients.students.is_empty() {
        return Err(ApiError::bad_input("khối lớp này không có học sinh", "no student is in that grade"));
    }
    let txn = crate::db::begin_write(db).await?;
    let row = notice::ActiveModel {
        school_id: Set(to.school),
        author_staff_id: Set(author),
        kind: Set(draft.kind.clone()),
        title: Set(kept.title),
        body: Set(kept.body),
        audience: Set(to.audience.to_owned()),
        class_id: Set(to.class),
        grade_level: Set(to.grade),
        published_at: Set(draft.publish_at.unwrap_or(now)),
        scheduled_for: Set(draft.publish_at),
        expires_at: Set(draft.expires_at),
        event_at: Set(draft.event_at),
        place: Set(kept.place),
        withdrawn_at: Set(None),
        withdrawn_by_id: Set(None),
        edited_at: Set(None),
        urgent: Set(draft.urgent),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    if draft.publish_at.is_none() {
        deliver(&txn, &row, &to, &recipients, access.principal().today, now).await?;
    }
    files::attach(&txn, access, &draft.attachments, Owner::Notice(row.id)).await?;
    txn.commit().await?;
    Ok(row)
}

/// Whether the caller may publish a notice to each of `targets` (`notice`/`write`), and attach
/// files to it when it has any (`attachment`/`write`).
pub async fn may_publish(access: &Access, targets: Vec<Target>, with_files: bool) -> Result<bool, DbErr> {
    if !access.may_each(Kind::Notice, Action::Write, targets.clone()).await? {
        return Ok(false);
    }
    Ok(!with_files || access.may_each(Kind::Attachment, Action::Write, targets).await?)
}

/// Writes the deliveries of notice `published` addressed `to`, to `recipients`, and tells
/// each active guardian of each student reached on `today` (a notification, `notice`).
pub async fn deliver(
    txn: &impl ConnectionTrait,
    published: &notice::Model,
    to: &Addressed,
    recipients: &Recipients,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let id = published.id;
    for chunk in recipients.students.chunks(CHUNK) {
        let deliveries = chunk.iter().map(|&(student, class)| notice_delivery::ActiveModel {
            notice_id: Set(id),
            school_id: Set(recipients.school_of(class, to.school)),
            class_id: Set(class),
            student_id: Set(student),
            ..Default::default()
        });
        notice_delivery::Entity::insert_many(deliveries).exec_without_returning(txn).await?;
        let students: Vec<i64> = chunk.iter().map(|&(student, _)| student).collect();
        let class_of: HashMap<i64, i64> = chunk.iter().copied().collect();
        let guardians = recipients::guardians_of(txn, &students, today).await?;
        let refers = told::Refers { notice: Some(id), ..told::Refers::default() };
        let rows = guardians.into_iter().filter_map(|(guardian, student)| {
            let class = *class_of.get(&student)?;
            let about = told::About { student, school: recipients.school_of(class, to.school), class };
            Some(told::row(guardian, about, told::NOTICE, refers, published.urgent, today, now))
        });
        told::write(txn, rows.collect()).await?;
    }
    for chunk in recipients.staff.chunks(CHUNK) {
        let deliveries = chunk.iter().map(|&staff| notice_staff_delivery::ActiveModel {
            notice_id: Set(id),
            school_id: Set(to.school),
            staff_id: Set(staff),
            ..Default::default()
        });
        notice_staff_delivery::Entity::insert_many(deliveries).exec_without_returning(txn).await?;
        let told = chunk.iter().map(|&staff| told_staff::notice(staff, to.school, id, now));
        told_staff::write(txn, told.collect()).await?;
    }
    Ok(())
}

/// Notice `id` with its deliveries to students, when the caller manages it: they may write
/// every delivery it made (to students and staff), or wrote it and it has none yet. Any
/// other notice is answered like a missing one.
pub async fn managed(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
) -> Result<(notice::Model, Vec<notice_delivery::Model>), ApiError> {
    let by = crate::books::locks::staff_account(access)?;
    let students = access
        .rows_for(Action::Write, &readers::NOTICE_DELIVERY)
        .narrow(notice_delivery::Column::NoticeId, |column| column.eq(id))
        .every(db)
        .await?;
    let staff = access
        .rows_for(Action::Write, &readers::NOTICE_STAFF_DELIVERY)
        .narrow(notice_staff_delivery::Column::NoticeId, |column| column.eq(id))
        .every(db)
        .await?;
    let found = notice::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotPermitted)?;
    if students.is_empty() && staff.is_empty() && found.author_staff_id != by {
        return Err(ApiError::NotPermitted);
    }
    Ok((found, students))
}

/// Withdraws notice `id` (see [`managed`]): allowed when the caller may write every delivery
/// it made, so a homeroom teacher withdraws their class's notices, not the school's; a
/// notice out of reach is answered like a missing one. Withdrawing again changes nothing.
pub async fn withdraw(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    now: DateTime<Utc>,
) -> Result<notice::Model, ApiError> {
    let by = crate::books::locks::staff_account(access)?;
    managed(db, access, id).await?;
    notice::Entity::update_many()
        .col_expr(notice::Column::WithdrawnAt, Expr::value(now))
        .col_expr(notice::Column::WithdrawnById, Expr::value(by))
        .filter(notice::Column::Id.eq(id))
        .filter(notice::Column::WithdrawnAt.is_null())
        .exec(db)
        .await?;
    notice::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::Internal)
}
