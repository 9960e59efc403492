//! A guardian's notifications of every kind ([`crate::books::told`]): read through the
//! privacy layer as what each tells of, counted unread by kind, and marked read — one by
//! one, a whole kind at once, or with what they tell of (reading a notice or a conversation
//! marks its notifications read too, so the counts agree with what the app shows).

use crate::auth::Account;
use crate::books::told;
use crate::privacy::{Access, readers};
use chrono::{DateTime, Utc};
use emis_authz::Action;
use entity::notification::{self, Column as C};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, Condition, ConnectionTrait, DbErr, EntityTrait as _, Order, QueryFilter as _};
use std::collections::BTreeMap;

/// Which of a guardian's notifications to read.
#[derive(Clone, Debug, Default)]
pub struct Wanted<'a> {
    /// Only those written at or after this time and not among `except`, oldest first (else
    /// all, newest first).
    pub since: Option<DateTime<Utc>>,
    pub except: &'a [i64],
    pub unread_only: bool,
    /// Only these kinds (else every kind).
    pub kinds: &'a [String],
    pub limit: u64,
}

/// The caller's guardian id, if they are a guardian.
fn guardian(access: &Access) -> Option<i64> {
    match access.principal().account {
        Some(Account::Guardian(guardian)) => Some(guardian),
        _ => None,
    }
}

/// The notifications addressed to the caller of `access` that the policy lets them read.
pub async fn readable(
    db: &impl ConnectionTrait,
    access: &Access,
    wanted: Wanted<'_>,
) -> Result<Vec<notification::Model>, DbErr> {
    let Some(guardian) = guardian(access) else { return Ok(Vec::new()) };
    let mut narrowing = Condition::all().add(C::GuardianId.eq(guardian));
    if wanted.unread_only {
        narrowing = narrowing.add(C::ReadAt.is_null());
    }
    if !wanted.kinds.is_empty() {
        narrowing = narrowing.add(C::Kind.is_in(wanted.kinds.iter().map(String::as_str)));
    }
    let read = access.read_mixed(&readers::NOTIFICATION, Action::Read).limit(wanted.limit);
    let read = match wanted.since {
        Some(since) => read
            .through(narrowing.add(C::CreatedAt.gte(since)).add(C::Id.is_not_in(wanted.except.iter().copied())))
            .order_by(C::CreatedAt, Order::Asc)
            .order_by(C::Id, Order::Asc),
        None => read.through(narrowing).order_by(C::Id, Order::Desc),
    };
    read.all(db).await
}

/// How many of the caller's notifications they may read are unread, by kind (every kind of
/// [`told::KINDS`], zero when none).
pub async fn unread(db: &impl ConnectionTrait, access: &Access) -> Result<BTreeMap<&'static str, u64>, DbErr> {
    let mut counts: BTreeMap<&'static str, u64> = told::KINDS.iter().map(|&kind| (kind, 0)).collect();
    let Some(guardian) = guardian(access) else { return Ok(counts) };
    let mine = Condition::all().add(C::GuardianId.eq(guardian)).add(C::ReadAt.is_null());
    let tallied = access.read_mixed(&readers::NOTIFICATION, Action::Read).through(mine).tally(db, C::Kind).await?;
    for (kind, count) in tallied {
        if let Some(&known) = told::KINDS.iter().find(|&&known| known == kind) {
            counts.insert(known, u64::try_from(count).unwrap_or_default());
        }
    }
    Ok(counts)
}

/// What a guardian marks read besides single notifications.
#[derive(Clone, Copy, Debug)]
pub enum Subject {
    /// A notice they read: its `notice` and `notice_reminder` notifications.
    Notice(i64),
    /// A conversation they read: its `message` notifications.
    Conversation(i64),
}

/// Marks read the caller's unread notifications among `ids`, of the kinds `kinds`, or about
/// `subjects`; how many. Only the caller's own rows are written, whatever ids are given.
pub async fn mark_read(
    db: &impl ConnectionTrait,
    access: &Access,
    ids: &[i64],
    kinds: &[String],
    subjects: &[Subject],
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let Some(guardian) = guardian(access) else { return Ok(0) };
    let mut which = Condition::any();
    if !ids.is_empty() {
        which = which.add(C::Id.is_in(ids.iter().copied()));
    }
    if !kinds.is_empty() {
        which = which.add(C::Kind.is_in(kinds.iter().map(String::as_str)));
    }
    for subject in subjects {
        which = which.add(match *subject {
            Subject::Notice(notice) => {
                Condition::all().add(C::NoticeId.eq(notice)).add(C::Kind.is_in([told::NOTICE, told::NOTICE_REMINDER]))
            }
            Subject::Conversation(conversation) => {
                Condition::all().add(C::ConversationId.eq(conversation)).add(C::Kind.eq(told::MESSAGE))
            }
        });
    }
    if which.is_empty() {
        return Ok(0);
    }
    let marked = notification::Entity::update_many()
        .col_expr(C::ReadAt, Expr::value(now))
        .filter(C::GuardianId.eq(guardian))
        .filter(C::ReadAt.is_null())
        .filter(which)
        .exec(db)
        .await?;
    Ok(marked.rows_affected)
}
