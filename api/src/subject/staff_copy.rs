//! A copy of a staff member's own data (their right of access): their record, with each
//! sealed field the caller may read opened (identity number, address, phone, e-mail), and a
//! section per kind of record kept about them — roles, employment history, changes of
//! contact (the earlier and later values opened), devices registered for push messages,
//! notifications, notices delivered, their data-subject requests — each read through the
//! caller's access narrowed to the staff member, so a section the policy does not give the
//! caller is listed as withheld. Two tables naming a staff member have no section: their
//! teaching assignments and their availability for meetings, which the API shows through the
//! classes and sections they teach and the family's correspondents, not as records of their
//! own. A staff member the caller may not read answers like a missing one.

use super::access::{columns, mixed_rows, rows};
use crate::error::ApiError;
use crate::privacy::{Access, Target, readers};
use crate::vault::Vault;
use emis_authz::{Action, Kind};
use entity::{notice_staff_delivery, staff_contact_history, staff_push_device, staff_role, staff_status_history};
use entity::{staff_notification, subject_request};
use sea_orm::{ColumnTrait as _, DatabaseConnection};
use serde_json::{Map, Value, json};

/// The staff member's columns sealed under their data key, with the field group of each.
const SEALED: [(&str, Kind); 4] = [
    ("identity_no_enc", Kind::StaffIdentity),
    ("address_enc", Kind::StaffAddress),
    ("phone_enc", Kind::StaffContact),
    ("email_enc", Kind::StaffContact),
];

/// A sealed value of staff member `staff` (sealed like their row's `column`), opened; marked
/// unreadable when its key was destroyed or cannot be loaded.
async fn opened(db: &DatabaseConnection, vault: &Vault, staff: i64, column: &str, value: Option<&[u8]>) -> Value {
    let Some(value) = value else { return Value::Null };
    if let Err(error) = vault.preload(db, Vault::key_id_of(value)).await {
        tracing::error!(%error, "a data key could not be loaded; the value shows as unreadable");
    }
    vault.open_field("staff", column, staff, value).map_or(json!({ "unreadable": true }), Value::String)
}

/// The copy of everything about staff member `staff` the caller may read.
pub async fn staff(db: &DatabaseConnection, access: &Access, vault: &Vault, staff: i64) -> Result<Value, ApiError> {
    let row = access.reach(db, &readers::STAFF, Kind::Staff, Action::Read, staff).await?;
    let target = [Target::Staff { staff: row.id, school: row.school_id }];
    let mut record = columns(&row);
    let values = [&row.identity_no_enc, &row.address_enc, &row.phone_enc, &row.email_enc];
    for ((column, kind), value) in SEALED.into_iter().zip(values) {
        let shown = if !access.shows(kind, &target).await {
            json!({ "withheld": true })
        } else {
            opened(db, vault, row.id, column, value.as_deref()).await
        };
        record.insert(column.trim_end_matches("_enc").to_owned(), shown);
    }
    let mut sections = Map::new();
    sections.insert("staff".to_owned(), Value::Object(record));
    let mut add = |name: &str, kind: Kind, rows: Option<Vec<Value>>| {
        let section = match rows {
            Some(rows) => json!({ "kind": kind.as_str(), "rows": rows }),
            None => json!({ "kind": kind.as_str(), "withheld": true }),
        };
        sections.insert(name.to_owned(), section);
    };
    add(
        "roles",
        readers::STAFF_ROLE.kind,
        rows(db, access, &readers::STAFF_ROLE, staff_role::Column::StaffId, staff).await?,
    );
    let history = rows(db, access, &readers::STAFF_STATUS, staff_status_history::Column::StaffId, staff).await?;
    add("employment", readers::STAFF_STATUS.kind, history);
    let contacts = access.read(&readers::STAFF_CONTACT);
    let contacts = if access.may_read_some(readers::STAFF_CONTACT.kind) {
        let found = contacts.narrow(staff_contact_history::Column::StaffId, |column| column.eq(staff)).all(db).await?;
        let mut shown = Vec::with_capacity(found.len());
        for change in &found {
            let mut entry = columns(change);
            for (name, column, value) in [
                ("old_phone", "phone_enc", &change.old_phone_enc),
                ("new_phone", "phone_enc", &change.new_phone_enc),
                ("old_email", "email_enc", &change.old_email_enc),
                ("new_email", "email_enc", &change.new_email_enc),
            ] {
                entry.insert(name.to_owned(), opened(db, vault, staff, column, value.as_deref()).await);
            }
            shown.push(Value::Object(entry));
        }
        Some(shown)
    } else {
        None
    };
    add("contactChanges", readers::STAFF_CONTACT.kind, contacts);
    let devices = rows(db, access, &readers::STAFF_PUSH_DEVICE, staff_push_device::Column::StaffId, staff).await?;
    add("pushDevices", readers::STAFF_PUSH_DEVICE.kind, devices);
    let delivered =
        rows(db, access, &readers::NOTICE_STAFF_DELIVERY, notice_staff_delivery::Column::StaffId, staff).await?;
    add("noticesDelivered", readers::NOTICE_STAFF_DELIVERY.kind, delivered);
    let told = mixed_rows(db, access, &readers::STAFF_NOTIFICATION, staff_notification::Column::StaffId, staff).await?;
    add("notifications", told.0, told.1.map(|(_, rows)| rows));
    let asked = mixed_rows(db, access, &readers::SUBJECT_REQUEST, subject_request::Column::StaffId, staff).await?;
    add("subjectRequests", asked.0, asked.1.map(|(_, rows)| rows));
    Ok(json!({
        "subject": { "kind": "staff", "id": crate::graphql::ids::encode("Staff", staff).0 },
        "sections": sections,
    }))
}
