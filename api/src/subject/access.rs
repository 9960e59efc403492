//! A copy of everything about one child (the right of access): the child's record, with each
//! sealed field the caller may read opened, and one section per kind of record kept about
//! the child — guardianships, enrollments, results, primary evaluations, attendance, missed
//! assessments, exemptions, conduct, nominations, leave and change requests, transfers, the
//! history of changes, notices delivered, read and replied to, notifications, conversations
//! with their members, messages and reports, staff's notifications about the child, consent
//! decisions, the family's requests, the breaches that affected the child — and the
//! disclosure log about the child. Every table with a column naming the student has its
//! section but two: a vendor's daily count of the children it was shown (each read is in
//! the disclosure log) and the identifiers an imported package gave the child's section
//! enrollments (which follow from the enrollments).
//!
//! Every section is read through the caller's [`Access`] narrowed to the child, so it holds
//! exactly the rows the policy lets the caller read, and nothing about another child: a
//! section the policy does not give the caller is listed as withheld, never silently left
//! out. A child the caller may not read answers like a missing one. Sealed columns are never
//! copied; blind indexes and hashes are left out. Each row is written column by column as
//! stored, so a column added to a table is in the copy without a change here.

use crate::error::ApiError;
use crate::privacy::{Access, LogQuery, Mixed, Reader, Target, readers};
use crate::vault::Vault;
use emis_authz::{Action, Kind};
use sea_orm::sea_query::value::sea_value_to_json_value;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, IdenStatic as _, Iterable as _,
    ModelTrait,
};
use serde_json::{Map, Value, json};

/// Most disclosure-log entries a copy lists (the newest).
pub const MOST_DISCLOSURES: u64 = 5_000;

/// A copy of a child's data, with what it shows for the disclosure log.
#[derive(Debug, Default)]
pub struct ChildCopy {
    /// The copy itself.
    pub document: Value,
    /// The kinds it shows rows of.
    pub shown: Vec<Kind>,
    /// The child's school, which the disclosure log names.
    pub school: i64,
}

/// The copy of everything about `student` the caller may read.
pub async fn child(
    db: &DatabaseConnection,
    access: &Access,
    vault: &Vault,
    student: i64,
) -> Result<ChildCopy, ApiError> {
    let row = access.reach(db, &readers::STUDENT, Kind::Student, Action::Read, student).await?;
    let mut copy = ChildCopy { school: row.school_id, ..ChildCopy::default() };
    let mut record = columns(&row);
    let target = [Target::student(row.id, row.school_id)];
    let sealed = [
        ("identity_no_enc", Kind::StudentIdentity, &row.identity_no_enc),
        ("address_enc", Kind::StudentAddress, &row.address_enc),
        ("ethnicity_enc", Kind::StudentBackground, &row.ethnicity_enc),
        ("religion_enc", Kind::StudentBackground, &row.religion_enc),
        ("health_enc", Kind::StudentHealth, &row.health_enc),
    ];
    for (column, kind, value) in sealed {
        let Some(value) = value else { continue };
        let shown = if access.shows(kind, &target).await {
            if let Err(error) = vault.preload(db, Vault::key_id_of(value)).await {
                tracing::error!(%error, "a data key could not be loaded; the value shows as unreadable");
            }
            copy.shown.push(kind);
            // A value whose key was destroyed (crypto-shredded), or cannot be loaded, opens no more.
            vault.open_field("student", column, row.id, value).map_or(json!({ "unreadable": true }), Value::String)
        } else {
            json!({ "withheld": true })
        };
        record.insert(column.trim_end_matches("_enc").to_owned(), shown);
    }
    copy.shown.push(Kind::Student);
    let mut sections = Map::new();
    sections.insert("student".to_owned(), Value::Object(record));
    let mut add = |name: &str, kind: Kind, rows: Option<Vec<Value>>| {
        if rows.as_ref().is_some_and(|rows| !rows.is_empty()) {
            copy.shown.push(kind);
        }
        let section = match rows {
            Some(rows) => json!({ "kind": kind.as_str(), "rows": rows }),
            None => json!({ "kind": kind.as_str(), "withheld": true }),
        };
        sections.insert(name.to_owned(), section);
    };
    macro_rules! section {
        ($name:literal, $reader:expr, $column:expr) => {
            add($name, $reader.kind, rows(db, access, &$reader, $column, student).await?)
        };
    }
    use entity::*;
    section!("guardianships", readers::GUARDIANSHIP, guardianship::Column::StudentId);
    section!("enrollments", readers::ENROLLMENT, enrollment::Column::StudentId);
    section!("results", readers::RESULT, result::Column::StudentId);
    section!("attendance", readers::ATTENDANCE, attendance::Column::StudentId);
    section!("missedAssessments", readers::MISSED_ASSESSMENT, missed_assessment::Column::StudentId);
    section!("exemptions", readers::EXEMPTION, exemption::Column::StudentId);
    section!("conduct", readers::CONDUCT, conduct::Column::StudentId);
    section!("nominations", readers::PRIMARY_NOMINATION, primary_nomination::Column::StudentId);
    section!("leaveRequests", readers::LEAVE_REQUEST, leave_request::Column::StudentId);
    section!("changeRequests", readers::CHANGE_REQUEST, change_request::Column::StudentId);
    section!("recordChanges", readers::RECORD_CHANGE, record_change::Column::StudentId);
    section!("transfers", readers::TRANSFER_SENDING, transfer::Column::StudentId);
    section!("noticesDelivered", readers::NOTICE_DELIVERY, notice_delivery::Column::StudentId);
    section!("consents", readers::CONSENT, sharing_consent::Column::StudentId);
    section!("noticeReadings", readers::NOTICE_READ, notice_read::Column::StudentId);
    section!("noticeReplies", readers::NOTICE_REPLY, notice_reply::Column::StudentId);
    section!("conversations", readers::CONVERSATION, conversation::Column::StudentId);
    section!("messages", readers::MESSAGE, message::Column::StudentId);
    section!("conversationMembers", readers::CONVERSATION_MEMBER, conversation_member::Column::StudentId);
    section!("messageReports", readers::MESSAGE_REPORT, message_report::Column::StudentId);
    section!("breaches", readers::BREACH_STUDENT, breach_student::Column::StudentId);
    let mut mixed_kinds = Vec::new();
    macro_rules! mixed_section {
        ($name:literal, $reader:expr, $column:expr) => {
            let (kind, rows) = mixed_rows(db, access, &$reader, $column, student).await?;
            let rows = rows.map(|(kinds, rows)| {
                mixed_kinds.extend(kinds);
                rows
            });
            add($name, kind, rows);
        };
    }
    mixed_section!("primaryEvaluations", readers::PRIMARY_ITEM, primary_evaluation::Column::StudentId);
    mixed_section!("notifications", readers::NOTIFICATION, notification::Column::StudentId);
    mixed_section!("subjectRequests", readers::SUBJECT_REQUEST, subject_request::Column::StudentId);
    mixed_section!("staffNotifications", readers::STAFF_NOTIFICATION, staff_notification::Column::StudentId);
    add("disclosures", Kind::Disclosure, disclosures(db, access, student).await?);
    copy.shown.extend(mixed_kinds);
    copy.document = json!({
        "subject": { "kind": "student", "id": crate::graphql::ids::encode("Student", student).0 },
        "sections": sections,
    });
    Ok(copy)
}

/// The rows of `reader` whose `column` is `id` (about one person) the caller may read, each
/// as its columns; `None` when the policy gives the caller no such record at all.
pub(super) async fn rows<E>(
    db: &impl ConnectionTrait,
    access: &Access,
    reader: &'static Reader<E>,
    column: E::Column,
    id: i64,
) -> Result<Option<Vec<Value>>, ApiError>
where
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E> + Sync,
{
    if !access.may_read_some(reader.kind) {
        return Ok(None);
    }
    let found = access.read(reader).narrow(column, |column| column.eq(id)).all(db).await?;
    Ok(Some(found.iter().map(|row| Value::Object(columns(row))).collect()))
}

/// The rows of `mixed` whose `column` is `id` the caller may read, each as its columns, with
/// the kinds they were read as; `None` when the policy gives the caller none of its kinds.
/// With them, the kind the section is reported as (its first part's).
pub(super) async fn mixed_rows<E>(
    db: &impl ConnectionTrait,
    access: &Access,
    mixed: &'static Mixed<E>,
    column: E::Column,
    id: i64,
) -> Result<(Kind, Option<(Vec<Kind>, Vec<Value>)>), ApiError>
where
    E: EntityTrait,
    E::Model: ModelTrait<Entity = E> + Send + Sync,
{
    let kinds = || mixed.parts.iter().flat_map(|part| part.kinds.iter().map(|read| read.kind));
    let first = kinds().next().unwrap_or(Kind::Student);
    if !kinds().any(|kind| access.may_read_some(kind)) {
        return Ok((first, None));
    }
    let found = access.read_mixed(mixed, Action::Read).through(Condition::all().add(column.eq(id))).all(db).await?;
    let mut shown: Vec<Kind> = Vec::new();
    for row in &found {
        for part in mixed.parts.iter().filter(|part| (part.holds)(row)) {
            for read in part.kinds {
                if !shown.contains(&read.kind) {
                    shown.push(read.kind);
                }
            }
        }
    }
    Ok((first, Some((shown, found.iter().map(|row| Value::Object(columns(row))).collect()))))
}

/// The disclosure-log entries about `student` the caller may read, newest first.
async fn disclosures(db: &impl ConnectionTrait, access: &Access, student: i64) -> Result<Option<Vec<Value>>, ApiError> {
    if !access.may_read_some(Kind::Disclosure) {
        return Ok(None);
    }
    let entries = access.disclosures_about(db, student, &LogQuery::default(), MOST_DISCLOSURES).await?;
    let mut rows = Vec::with_capacity(entries.len());
    for entry in &entries {
        rows.push(json!({
            "at": entry.at(),
            "readerKind": entry.actor_kind(),
            "reader": entry.recipient_name(db).await?,
            "fields": entry.fields().collect::<Vec<_>>(),
            "purpose": entry.purpose(),
        }));
    }
    Ok(Some(rows))
}

/// A row's columns as stored, but for sealed values, blind indexes and hashes.
pub(super) fn columns<M: ModelTrait>(row: &M) -> Map<String, Value> {
    let mut map = Map::new();
    for column in <M::Entity as EntityTrait>::Column::iter() {
        let name = column.as_str();
        if ["_enc", "_bidx", "_hash", "_digest"].iter().any(|suffix| name.ends_with(suffix)) {
            continue;
        }
        map.insert(name.to_owned(), sea_value_to_json_value(&row.get(column)));
    }
    map
}
