//! One child's disclosure log as a sheet, for the family (`GET /exports/disclosures`): when,
//! who was shown which of the child's data (in words), and why.

use crate::books::table::{Cell, Sheet};
use crate::privacy::Shown;
use emis_authz::Kind;
use sea_orm::{ConnectionTrait, DbErr};

/// The sheet of `entries`, newest first, naming each reader (staff members and vendors by
/// name) and each field group in Vietnamese and English.
pub async fn sheet(db: &impl ConnectionTrait, entries: &[Shown]) -> Result<Sheet, DbErr> {
    let header = ["Thời điểm / When", "Ai / Who", "Tên / Name", "Dữ liệu / Data", "Mục đích / Purpose"];
    let mut rows = Vec::with_capacity(entries.len());
    for entry in entries {
        let fields = entry
            .fields()
            .map(|field| match field.parse::<Kind>() {
                Ok(kind) => {
                    let (vi, en) = kind.words();
                    format!("{vi} / {en}")
                }
                Err(_) => field.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("; ");
        let name = entry.recipient_name(db).await?.unwrap_or_default();
        rows.push(vec![
            Cell::Text(super::timestamp(entry.at())),
            Cell::Text(entry.actor_kind().to_owned()),
            Cell::Text(name),
            Cell::Text(fields),
            Cell::Text(entry.purpose().to_owned()),
        ]);
    }
    Ok(Sheet { header: header.iter().map(ToString::to_string).collect(), rows })
}
