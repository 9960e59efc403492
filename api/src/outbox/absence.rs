//! Absence notices by SMS: when a roll call marks a child absent without leave and the server
//! sends absence notices (`EMIS_ABSENCE_SMS`), each guardian told in the app who has a phone
//! is also sent a short text in Vietnamese — the child's given name, the session or period
//! and the day, never the note or any reason. Queued in the roll call's transaction.

use super::{OutgoingMessage, Purpose, enqueue};
use crate::auth::Account;
use crate::vault::Vault;
use entity::{attendance, guardian, student};
use sea_orm::{ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _};

/// Queues a notice of absence `row` to each of `guardians` with a phone; how many were queued.
pub async fn queue_absence_notices(
    db: &impl ConnectionTrait,
    vault: &Vault,
    row: &attendance::Model,
    guardians: &[i64],
) -> Result<usize, DbErr> {
    if guardians.is_empty() || !vault.is_unlocked() {
        return Ok(0);
    }
    let phones: Vec<(i64, Option<Vec<u8>>)> = guardian::Entity::find()
        .select_only()
        .column(guardian::Column::Id)
        .column(guardian::Column::PhoneEnc)
        .filter(guardian::Column::Id.is_in(guardians.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    let sealed: Vec<(i64, Vec<u8>)> =
        phones.into_iter().filter_map(|(id, phone)| phone.map(|phone| (id, phone))).collect();
    if sealed.is_empty() {
        return Ok(0);
    }
    let given_name: Option<String> = student::Entity::find_by_id(row.student_id)
        .select_only()
        .column(student::Column::GivenName)
        .into_tuple()
        .one(db)
        .await?;
    let body = notice(given_name.as_deref().unwrap_or_default(), row);
    vault
        .preload(db, sealed.iter().filter_map(|(_, phone)| Vault::key_id_of(phone)))
        .await
        .map_err(|error| DbErr::Custom(error.to_string()))?;
    let mut queued = 0;
    for (guardian, phone) in sealed {
        let Some(phone) = vault.open_field("guardian", "phone_enc", guardian, &phone) else { continue };
        let message = OutgoingMessage {
            school_id: row.school_id,
            to: Account::Guardian(guardian),
            phone,
            purpose: Purpose::AbsenceNotice,
            body: body.clone(),
        };
        enqueue(db, vault, message).await?;
        queued += 1;
    }
    Ok(queued)
}

/// The text: who, when, and where to read more.
fn notice(given_name: &str, row: &attendance::Model) -> String {
    let when = match (row.period, row.session.as_str()) {
        (Some(period), _) => format!("tiết {period}"),
        (None, "afternoon") => "buổi chiều".to_owned(),
        (None, _) => "buổi sáng".to_owned(),
    };
    let day = row.date.format("%d/%m/%Y");
    format!("EMIS: Con {given_name} vắng không phép {when} ngày {day}. Xem chi tiết trong ứng dụng EMIS.")
}

#[cfg(test)]
mod tests {
    use super::notice;
    use chrono::NaiveDate;
    use entity::attendance;

    fn absence(session: &str, period: Option<i32>, note: Option<&str>) -> attendance::Model {
        attendance::Model {
            id: 1,
            external_id: None,
            school_id: 1,
            student_id: 2,
            class_id: 3,
            date: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default(),
            session: session.to_owned(),
            period,
            status: "unexcused".to_owned(),
            note: note.map(str::to_owned),
        }
    }

    #[test]
    fn the_notice_names_the_child_and_the_time_and_nothing_of_the_note() {
        let morning = notice("An", &absence("morning", None, Some("sốt cao, đi viện")));
        assert_eq!(
            morning,
            "EMIS: Con An vắng không phép buổi sáng ngày 07/12/2026. Xem chi tiết trong ứng dụng EMIS."
        );
        assert!(notice("An", &absence("afternoon", None, None)).contains("buổi chiều"));
        assert!(notice("An", &absence("morning", Some(3), None)).contains("tiết 3 ngày"));
        assert!(!morning.contains("sốt"));
    }
}
