//! A guardian's notifications of every kind ([`crate::books::told`]): read through the
//! privacy layer as what each tells of, counted unread by kind, and marked read — one by
//! one, a whole kind at once, or with what they tell of (reading a notice or a conversation
//! marks its notifications read too, so the counts agree with what the app shows).

use crate::auth::Account;
use crate::books::told;
use crate::privacy::{Access, Mixed, readers};
use chrono::{DateTime, Utc};
use emis_authz::Action;
use entity::notification::{self, Column as C};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Order, QueryFilter as _};
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

/// The columns of a table of notifications (a guardian's or a staff member's) that reading
/// and marking narrow on.
pub(super) struct Columns<Col> {
    pub id: Col,
    pub owner: Col,
    pub kind: Col,
    pub created_at: Col,
    pub read_at: Col,
    pub notice: Col,
    pub conversation: Col,
}

impl<Col: ColumnTrait + Copy> Columns<Col> {
    /// The rows of `owner` that `wanted` asks for, and the order they come in.
    pub(super) fn wanted(&self, owner: i64, wanted: &Wanted<'_>) -> (Condition, Vec<(Col, Order)>) {
        let mut narrowing = Condition::all().add(self.owner.eq(owner));
        if wanted.unread_only {
            narrowing = narrowing.add(self.read_at.is_null());
        }
        if !wanted.kinds.is_empty() {
            narrowing = narrowing.add(self.kind.is_in(wanted.kinds.iter().map(String::as_str)));
        }
        match wanted.since {
            Some(since) => (
                narrowing.add(self.created_at.gte(since)).add(self.id.is_not_in(wanted.except.iter().copied())),
                vec![(self.created_at, Order::Asc), (self.id, Order::Asc)],
            ),
            None => (narrowing, vec![(self.id, Order::Desc)]),
        }
    }

    /// The rows among `ids`, of the kinds `kinds`, or about `subjects`; `None` for none.
    pub(super) fn marked(&self, ids: &[i64], kinds: &[String], subjects: &[Subject]) -> Option<Condition> {
        let mut which = Condition::any();
        if !ids.is_empty() {
            which = which.add(self.id.is_in(ids.iter().copied()));
        }
        if !kinds.is_empty() {
            which = which.add(self.kind.is_in(kinds.iter().map(String::as_str)));
        }
        for subject in subjects {
            which = which.add(match *subject {
                Subject::Notice(notice) => Condition::all()
                    .add(self.notice.eq(notice))
                    .add(self.kind.is_in([told::NOTICE, told::NOTICE_REMINDER])),
                Subject::Conversation(conversation) => {
                    Condition::all().add(self.conversation.eq(conversation)).add(self.kind.eq(told::MESSAGE))
                }
            });
        }
        (!which.is_empty()).then_some(which)
    }

    /// The rows of `owner` in `reader`'s table that `wanted` asks for and the policy lets the
    /// caller read.
    pub(super) async fn read<E>(
        &self,
        db: &impl ConnectionTrait,
        access: &Access,
        reader: &'static Mixed<E>,
        owner: i64,
        wanted: &Wanted<'_>,
    ) -> Result<Vec<E::Model>, DbErr>
    where
        E: EntityTrait<Column = Col>,
        E::Model: Send + Sync,
    {
        let (narrowing, order) = self.wanted(owner, wanted);
        let read = access.read_mixed(reader, Action::Read).limit(wanted.limit).through(narrowing);
        let read = order.into_iter().fold(read, |read, (column, order)| read.order_by(column, order));
        read.all(db).await
    }

    /// How many of `owner`'s rows in `reader`'s table the caller may read are unread, for
    /// every one of `kinds` (zero when none).
    pub(super) async fn unread<E>(
        &self,
        db: &impl ConnectionTrait,
        access: &Access,
        reader: &'static Mixed<E>,
        owner: Option<i64>,
        kinds: &[&'static str],
    ) -> Result<BTreeMap<&'static str, u64>, DbErr>
    where
        E: EntityTrait<Column = Col>,
        E::Model: Send + Sync,
    {
        let mut counts: BTreeMap<&'static str, u64> = kinds.iter().map(|&kind| (kind, 0)).collect();
        let Some(owner) = owner else { return Ok(counts) };
        let mine = Condition::all().add(self.owner.eq(owner)).add(self.read_at.is_null());
        let tallied = access.read_mixed(reader, Action::Read).through(mine).tally(db, self.kind).await?;
        for (kind, count) in tallied {
            if let Some(&known) = kinds.iter().find(|&&known| known == kind) {
                counts.insert(known, u64::try_from(count).unwrap_or_default());
            }
        }
        Ok(counts)
    }
}

/// The columns of a guardian's notifications.
const COLUMNS: Columns<C> = Columns {
    id: C::Id,
    owner: C::GuardianId,
    kind: C::Kind,
    created_at: C::CreatedAt,
    read_at: C::ReadAt,
    notice: C::NoticeId,
    conversation: C::ConversationId,
};

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
    COLUMNS.read(db, access, &readers::NOTIFICATION, guardian, &wanted).await
}

/// How many of the caller's notifications they may read are unread, by kind (every kind of
/// [`told::KINDS`], zero when none).
pub async fn unread(db: &impl ConnectionTrait, access: &Access) -> Result<BTreeMap<&'static str, u64>, DbErr> {
    COLUMNS.unread(db, access, &readers::NOTIFICATION, guardian(access), &told::KINDS).await
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
/// `subjects`; how many. Only the caller's own rows are written, whatever ids are given; a
/// staff member's are theirs ([`super::staff_alerts::mark_read`]).
pub async fn mark_read(
    db: &impl ConnectionTrait,
    access: &Access,
    ids: &[i64],
    kinds: &[String],
    subjects: &[Subject],
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let Some(guardian) = guardian(access) else {
        return super::staff_alerts::mark_read(db, access, ids, kinds, subjects, now).await;
    };
    let Some(which) = COLUMNS.marked(ids, kinds, subjects) else { return Ok(0) };
    let marked = notification::Entity::update_many()
        .col_expr(C::ReadAt, Expr::value(now))
        .filter(C::GuardianId.eq(guardian))
        .filter(C::ReadAt.is_null())
        .filter(which)
        .exec(db)
        .await?;
    Ok(marked.rows_affected)
}
