//! Private conversations between a child's guardians and the child's teachers: opening one,
//! closing it and reporting it as abusive. The policy is asked first (`message`/`write`):
//! the child is reached through their enrollment today, which gives the class the
//! conversation is kept with, and the caller must be someone who may hold a conversation
//! about the child there. A guardian names the teacher, who must be the child's homeroom
//! teacher or teach the child and be allowed the same by the policy; a teacher reaches the
//! child's guardians who are. Anything out of reach — a child, a teacher, a conversation — is
//! answered exactly like a missing one ([`ApiError::NotPermitted`]), and nothing is written.
//! Once open, a conversation is reached only by its members ([`crate::privacy::readers`]).

use super::members;
use crate::auth::{Account, Principal};
use crate::error::ApiError;
use crate::privacy::{Access, Target, readers};
use chrono::{DateTime, Utc};
use emis_authz::{Action, Kind};
use entity::{conversation, conversation_member, enrollment, message_report};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait as _, ActiveValue::Set, ColumnTrait as _, DatabaseConnection, DbErr, EntityTrait as _};
use sea_orm::{Condition, QueryFilter as _};

/// Longest message, in characters (as a notice's body).
pub const MAX_BODY: usize = super::drafting::MAX_BODY;
/// Longest reason given for a report, in characters.
pub const MAX_REASON: usize = 1_000;
/// `conversation.state` of a conversation that takes messages.
pub const OPEN: &str = "open";
/// `conversation.state` of a closed one: still readable, no more messages.
pub const CLOSED: &str = "closed";

/// A message's text as kept (its lines' trailing spaces dropped at the end), or why it
/// cannot be.
pub fn body(text: &str) -> Result<String, ApiError> {
    plain(text, MAX_BODY, ("nội dung tin nhắn", "the message"))
}

/// `text` trimmed at the end, refused when empty, holding a NUL or longer than `max`.
fn plain(text: &str, max: usize, (vi, en): (&str, &str)) -> Result<String, ApiError> {
    let kept = text.trim_end();
    if kept.trim().is_empty() {
        return Err(ApiError::bad_input(format!("{vi} không được để trống"), format!("{en} cannot be empty")));
    }
    if kept.contains('\0') {
        return Err(ApiError::bad_input(
            "chuỗi chứa ký tự NUL (\\0), không được chấp nhận",
            "a string holds a NUL character (\\0), which is not accepted",
        ));
    }
    if kept.chars().count() > max {
        return Err(ApiError::bad_input(
            format!("{vi} dài quá {max} ký tự"),
            format!("{en} is longer than {max} characters"),
        ));
    }
    Ok(kept.to_owned())
}

/// The caller as a conversation names people: a staff member or a guardian.
pub fn caller(access: &Access) -> Result<Account, ApiError> {
    match access.principal().account {
        Some(account @ (Account::Staff(_) | Account::Guardian(_))) => Ok(account),
        Some(Account::Student(_)) => Err(ApiError::NotPermitted),
        None => Err(ApiError::Unauthenticated),
    }
}

/// Opens a conversation about `student`: a guardian's with the teacher `with_staff`, a
/// teacher's with the child's guardians.
pub async fn open(
    db: &DatabaseConnection,
    access: &Access,
    student: i64,
    with_staff: Option<i64>,
    now: DateTime<Utc>,
) -> Result<conversation::Model, ApiError> {
    let me = caller(access)?;
    let today = access.principal().today;
    let (stay, target) = writable_child(db, access, student).await?.ok_or(ApiError::NotPermitted)?;
    let mut people = vec![(me, role_of(access.principal(), stay.class_id))];
    match (me, with_staff) {
        (Account::Guardian(_), Some(staff)) => {
            let role = writable_teacher(db, access, staff, stay.class_id, target).await?;
            let role = role.ok_or(ApiError::NotPermitted)?;
            people.push((Account::Staff(staff), role));
        }
        (Account::Guardian(_), None) => {
            return Err(ApiError::bad_input(
                "hãy chọn thầy cô muốn nhắn tin (withStaffId)",
                "name the teacher to write to (withStaffId)",
            ));
        }
        (_, Some(_)) => {
            return Err(ApiError::bad_input(
                "thầy cô nhắn cho phụ huynh của học sinh: không chọn người nhận",
                "a teacher writes to the child's guardians: name no one",
            ));
        }
        (_, None) => {
            for guardian in members::guardians_of(db, student, today).await? {
                let Some(family) = Principal::load(db, Account::Guardian(guardian), None, today).await? else {
                    continue;
                };
                if family.children.contains(&student)
                    && access.of_other(family).may_each(Kind::Message, Action::Write, [target]).await?
                {
                    people.push((Account::Guardian(guardian), "guardian"));
                }
            }
            if people.len() < 2 {
                return Err(ApiError::bad_input(
                    "học sinh chưa có phụ huynh nào nhận được tin nhắn",
                    "no guardian of the student can receive messages",
                ));
            }
        }
    }
    let txn = crate::db::begin_write(db).await?;
    let opened = conversation::ActiveModel {
        opened_by_kind: Set(me.kind().to_owned()),
        opened_by_id: Set(me.id()),
        state: Set(OPEN.to_owned()),
        created_at: Set(now),
        last_message_at: Set(now),
        closed_at: Set(None),
        school_id: Set(stay.school_id),
        student_id: Set(student),
        class_id: Set(stay.class_id),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let rows = people.into_iter().map(|(account, role)| conversation_member::ActiveModel {
        conversation_id: Set(opened.id),
        account_kind: Set(account.kind().to_owned()),
        account_id: Set(account.id()),
        role: Set(role.to_owned()),
        last_read_message_id: Set(None),
        muted: Set(false),
        joined_at: Set(now),
        school_id: Set(stay.school_id),
        student_id: Set(student),
        class_id: Set(stay.class_id),
        ..Default::default()
    });
    conversation_member::Entity::insert_many(rows).exec_without_returning(&txn).await?;
    txn.commit().await?;
    Ok(opened)
}

/// Whether `teacher` is the homeroom teacher of `class` or teaches a section of it.
/// Where `student` is enrolled today and how the policy judges a record about them there,
/// when the caller may write a message about them; `None` when out of reach.
pub(super) async fn writable_child(
    db: &DatabaseConnection,
    access: &Access,
    student: i64,
) -> Result<Option<(enrollment::Model, Target)>, DbErr> {
    let today = access.principal().today;
    let stay = access
        .read(&readers::ENROLLMENT)
        .narrow(enrollment::Column::StudentId, |column| column.eq(student))
        .through(crate::auth::principal::active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, today))
        .one(db)
        .await?;
    let Some(stay) = stay else { return Ok(None) };
    let target = Target::student_in_class(student, stay.school_id, stay.class_id);
    Ok(access.may_each(Kind::Message, Action::Write, [target]).await?.then_some((stay, target)))
}

/// The part staff member `staff` plays in a conversation about the child judged as `target`
/// in `class`, when they teach the class and the policy lets them, as themselves, write
/// about the child; `None` otherwise.
pub(super) async fn writable_teacher(
    db: &DatabaseConnection,
    access: &Access,
    staff: i64,
    class: i64,
    target: Target,
) -> Result<Option<&'static str>, DbErr> {
    let teacher = Principal::load(db, Account::Staff(staff), None, access.principal().today).await?;
    let Some(teacher) = teacher.filter(|teacher| teaches(teacher, class)) else { return Ok(None) };
    let role = role_of(&teacher, class);
    Ok(access.of_other(teacher).may_each(Kind::Message, Action::Write, [target]).await?.then_some(role))
}

fn teaches(teacher: &Principal, class: i64) -> bool {
    teacher.homeroom_classes.contains(&class) || teacher.taught_classes.contains(&class)
}

/// The part someone plays in a conversation kept with `class`.
fn role_of(principal: &Principal, class: i64) -> &'static str {
    if principal.guardian_id().is_some() {
        "guardian"
    } else if principal.homeroom_classes.contains(&class) {
        "homeroom_teacher"
    } else if principal.taught_classes.contains(&class) {
        "subject_teacher"
    } else {
        "staff"
    }
}

/// Conversation `id`, reached for writing: its members whom the policy lets write about the
/// child; out of reach like missing.
pub async fn reach(db: &DatabaseConnection, access: &Access, id: i64) -> Result<conversation::Model, ApiError> {
    access.reach(db, &readers::CONVERSATION, Kind::Message, Action::Write, id).await
}

/// Conversation `id`, reached for reading: its members whom the policy lets read about the
/// child; out of reach like missing.
pub async fn readable(db: &DatabaseConnection, access: &Access, id: i64) -> Result<conversation::Model, ApiError> {
    let which = Condition::all().add(conversation::Column::Id.eq(id));
    let found = access.reachable(db, &readers::CONVERSATION, Kind::Message, Action::Read, which).await?;
    found.ok_or(ApiError::NotPermitted)
}

/// Closes conversation `id`: no more messages, still readable. Closing again changes nothing.
pub async fn close(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    now: DateTime<Utc>,
) -> Result<conversation::Model, ApiError> {
    let found = reach(db, access, id).await?;
    if found.state == CLOSED {
        return Ok(found);
    }
    conversation::Entity::update_many()
        .col_expr(conversation::Column::State, Expr::value(CLOSED))
        .col_expr(conversation::Column::ClosedAt, Expr::value(now))
        .filter(conversation::Column::Id.eq(id))
        .filter(conversation::Column::State.eq(OPEN))
        .exec(db)
        .await?;
    Ok(conversation::Model { state: CLOSED.to_owned(), closed_at: Some(now), ..found })
}

/// Reports conversation `id` as abusive to whoever moderates the school's conversations
/// (by default its principal), with `reason`; a closed conversation can be reported too.
pub async fn report(
    db: &DatabaseConnection,
    access: &Access,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<message_report::Model, ApiError> {
    let found = reach(db, access, id).await?;
    let me = caller(access)?;
    let reason = plain(reason.trim(), MAX_REASON, ("lý do", "the reason"))?;
    let row = message_report::ActiveModel {
        conversation_id: Set(found.id),
        reporter_kind: Set(me.kind().to_owned()),
        reporter_id: Set(me.id()),
        reason: Set(reason),
        created_at: Set(now),
        school_id: Set(found.school_id),
        student_id: Set(found.student_id),
        class_id: Set(found.class_id),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(row)
}

/// The condition naming the caller's own row among a conversation's members.
pub fn own_member(conversation: i64, me: Account) -> Condition {
    Condition::all()
        .add(conversation_member::Column::ConversationId.eq(conversation))
        .add(conversation_member::Column::AccountKind.eq(me.kind()))
        .add(conversation_member::Column::AccountId.eq(me.id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_keeps_its_lines_and_empty_long_or_nul_ones_are_refused() {
        assert_eq!(body("Chào cô,\nem ốm hôm nay.  \n\n").unwrap(), "Chào cô,\nem ốm hôm nay.");
        for bad in [" ", "\n \n", "a\0b", &"b".repeat(MAX_BODY + 1)] {
            assert!(matches!(body(bad), Err(ApiError::BadInput { .. })), "{bad:?}");
        }
        assert!(body(&"b".repeat(MAX_BODY)).is_ok());
    }
}
