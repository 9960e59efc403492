//! Publishing a notice (a notice, a document or news) to the families of one class or of
//! the caller's whole school. The policy is asked first (`notice`/`write`): the class or
//! school is reached as a place the caller may write a notice in, and then every delivery —
//! one per student enrolled there today, with the class they are in — must be one the caller
//! may write, so a homeroom teacher reaches only their own class. A place out of reach is
//! answered exactly like a missing one, and nothing is written. The recipients are kept:
//! the notice and its deliveries are written in one transaction. Whoever may write every
//! delivery of a notice may withdraw it: it stays in the families' feed, saying so, without
//! its title and body. Files the author uploaded are attached in the same transaction, when
//! the policy also lets them write `attachment` for every delivery.

use crate::attachments::files::{self, Owner};
use crate::error::ApiError;
use crate::privacy::{Access, Target, readers};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind, Role};
use entity::{OrgKind, notice, notice_delivery, org};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, Condition, DatabaseConnection, EntityTrait,
    QueryFilter as _,
};
use std::collections::BTreeSet;

/// The kinds of item a school publishes.
pub const KINDS: [&str; 3] = ["notice", "document", "news"];
/// Longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest body, in characters.
pub const MAX_BODY: usize = 10_000;
/// Deliveries written per statement.
const CHUNK: usize = 500;

/// What the author asks to publish.
#[derive(Clone, Debug)]
pub struct Draft {
    pub kind: String,
    pub title: String,
    pub body: String,
    /// The class whose families it is for; `None`: the caller's whole school.
    pub class: Option<i64>,
    pub expires_at: Option<DateTime<Utc>>,
    /// The caller's uploads to attach (see [`crate::attachments`]).
    pub attachments: Vec<i64>,
}

/// The draft's kind, title and body as they are kept (title trimmed, body with its lines'
/// trailing spaces kept), or why they cannot be.
pub fn validated(draft: &Draft, now: DateTime<Utc>) -> Result<(String, String), ApiError> {
    if !KINDS.contains(&draft.kind.as_str()) {
        return Err(ApiError::bad_input(
            "loại tin phải là notice, document hoặc news",
            "the kind must be notice, document or news",
        ));
    }
    let title = draft.title.trim();
    let body = draft.body.trim_end();
    if title.is_empty() || body.trim().is_empty() {
        return Err(ApiError::bad_input("cần có tiêu đề và nội dung", "a title and a body are needed"));
    }
    if title.contains('\0') || body.contains('\0') {
        return Err(ApiError::bad_input(
            "chuỗi chứa ký tự NUL (\\0), không được chấp nhận",
            "a string holds a NUL character (\\0), which is not accepted",
        ));
    }
    if title.chars().count() > MAX_TITLE || title.contains(['\n', '\r']) {
        return Err(ApiError::bad_input(
            format!("tiêu đề là một dòng, nhiều nhất {MAX_TITLE} ký tự"),
            format!("the title is one line of at most {MAX_TITLE} characters"),
        ));
    }
    if body.chars().count() > MAX_BODY {
        return Err(ApiError::bad_input(
            format!("nội dung dài quá {MAX_BODY} ký tự"),
            format!("the body is longer than {MAX_BODY} characters"),
        ));
    }
    if draft.expires_at.is_some_and(|expires| expires <= now) {
        return Err(ApiError::bad_input("ngày hết hạn phải ở tương lai", "the expiry must be in the future"));
    }
    Ok((title.to_owned(), body.to_owned()))
}

/// Publishes `draft` for the families of the students enrolled today where it is addressed.
pub async fn publish(
    db: &DatabaseConnection,
    access: &Access,
    draft: &Draft,
    now: DateTime<Utc>,
) -> Result<notice::Model, ApiError> {
    let author = crate::books::locks::staff_account(access)?;
    let (school, class) = match draft.class {
        Some(class) => {
            let class = access.reach(db, &readers::CLASS, Kind::Notice, Action::Write, class).await?;
            (class.school_id, Some(class.id))
        }
        None => {
            let school = own_school(access)?;
            let which =
                Condition::all().add(org::Column::Id.eq(school)).add(org::Column::Kind.eq(OrgKind::School.as_str()));
            (access.reach_where(db, &readers::SCHOOL, Kind::Notice, Action::Write, which).await?.id, None)
        }
    };
    let placed = crate::books::placed(db, school, class, access.principal().today).await?;
    let deliveries: Vec<Target> =
        placed.iter().map(|&(student, in_class)| Target::student_in_class(student, school, in_class)).collect();
    let with_files = !draft.attachments.is_empty();
    if !access.may_each(Kind::Notice, Action::Write, deliveries.clone()).await?
        || with_files && !access.may_each(Kind::Attachment, Action::Write, deliveries).await?
    {
        return Err(ApiError::NotPermitted);
    }
    files::check_attachable(db, access, &draft.attachments).await?;
    let (title, body) = validated(draft, now)?;
    let txn = crate::db::begin_write(db).await?;
    let row = notice::ActiveModel {
        school_id: Set(school),
        author_staff_id: Set(author),
        kind: Set(draft.kind.clone()),
        title: Set(title),
        body: Set(body),
        audience: Set(if class.is_some() { "class" } else { "school" }.to_owned()),
        class_id: Set(class),
        published_at: Set(now),
        expires_at: Set(draft.expires_at),
        withdrawn_at: Set(None),
        withdrawn_by_id: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for chunk in placed.chunks(CHUNK) {
        let deliveries = chunk.iter().map(|&(student, in_class)| notice_delivery::ActiveModel {
            notice_id: Set(row.id),
            school_id: Set(school),
            class_id: Set(in_class),
            student_id: Set(student),
            ..Default::default()
        });
        notice_delivery::Entity::insert_many(deliveries).exec_without_returning(&txn).await?;
    }
    files::attach(&txn, access, &draft.attachments, Owner::Notice(row.id)).await?;
    txn.commit().await?;
    Ok(row)
}

/// Withdraws notice `id`: allowed when the caller may write every delivery it made (so a
/// homeroom teacher withdraws their class's notices, not the school's); a notice out of
/// reach is answered like a missing one. Withdrawing again changes nothing.
pub async fn withdraw(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    now: DateTime<Utc>,
) -> Result<notice::Model, ApiError> {
    let by = crate::books::locks::staff_account(access)?;
    let deliveries = access
        .rows_for(Action::Write, &readers::NOTICE_DELIVERY)
        .narrow(notice_delivery::Column::NoticeId, |column| column.eq(id))
        .every(db)
        .await?;
    let found = notice::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::NotPermitted)?;
    if deliveries.is_empty() && found.author_staff_id != by {
        return Err(ApiError::NotPermitted);
    }
    notice::Entity::update_many()
        .col_expr(notice::Column::WithdrawnAt, Expr::value(now))
        .col_expr(notice::Column::WithdrawnById, Expr::value(by))
        .filter(notice::Column::Id.eq(id))
        .filter(notice::Column::WithdrawnAt.is_null())
        .exec(db)
        .await?;
    notice::Entity::find_by_id(id).one(db).await?.ok_or(ApiError::Internal)
}

/// The one school the caller works at, for a notice to the whole school.
fn own_school(access: &Access) -> Result<i64, ApiError> {
    let staff_roles =
        access.principal().roles.iter().filter(|(role, _)| !matches!(role, Role::Guardian | Role::Student));
    let schools: BTreeSet<i64> = staff_roles.flat_map(|(_, orgs)| orgs.iter().copied()).collect();
    match schools.len() {
        0 => Err(ApiError::NotPermitted),
        1 => Ok(schools.into_iter().next().unwrap_or_default()),
        _ => Err(ApiError::bad_input(
            "thầy cô làm việc ở nhiều đơn vị: hãy chọn một lớp",
            "you work at several places: name a class",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(kind: &str, title: &str, body: &str) -> Draft {
        Draft {
            kind: kind.into(),
            title: title.into(),
            body: body.into(),
            class: None,
            expires_at: None,
            attachments: Vec::new(),
        }
    }

    #[test]
    fn a_title_is_trimmed_and_a_body_keeps_its_lines() {
        let kept = validated(&draft("news", "  Họp phụ huynh ", "Dòng 1\nDòng 2\n\n"), Utc::now()).unwrap();
        assert_eq!(kept, ("Họp phụ huynh".to_owned(), "Dòng 1\nDòng 2".to_owned()));
    }

    #[test]
    fn empty_long_nul_or_unknown_kinds_are_refused() {
        let now = Utc::now();
        let long_title = "a".repeat(MAX_TITLE + 1);
        let long_body = "b".repeat(MAX_BODY + 1);
        for bad in [
            draft("notice", " ", "body"),
            draft("notice", "title", " \n "),
            draft("notice", "ti\0tle", "body"),
            draft("notice", "title", "bo\0dy"),
            draft("notice", &long_title, "body"),
            draft("notice", "two\nlines", "body"),
            draft("notice", "title", &long_body),
            draft("invitation", "title", "body"),
        ] {
            assert!(matches!(validated(&bad, now), Err(ApiError::BadInput { .. })), "{bad:?}");
        }
        let at_limit = draft("document", &"a".repeat(MAX_TITLE), &"b".repeat(MAX_BODY));
        assert!(validated(&at_limit, now).is_ok());
        let past = Draft { expires_at: Some(now - chrono::Duration::hours(1)), ..draft("notice", "t", "b") };
        assert!(validated(&past, now).is_err());
    }
}
