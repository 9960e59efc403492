//! The disclosure log proves itself: its chain is keyed (an HMAC under a key only the server
//! identity opens), so an edited, a deleted and a re-chained entry are each found, and an
//! unkeyed log is verified and re-keyed at the first start with an identity (a broken one
//! stops the start) — `chain.rs`. Staff reads of leave reasons, roll-call notes, conduct and
//! exemptions are logged; the privacy officer narrows the log by student, reader, purpose and
//! time; a family downloads its child's log, and nobody else's — `reads.rs`.

mod chain;
mod reads;

use super::disclosures::staff_named;
use emis::disclosure::{Disclosed, Recipient};
use emis_tests::TestApp;
use entity::disclosure_log;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QueryOrder as _};

/// Entries written straight through the server's writer: one per student of the privacy
/// officer's school, by `actor`.
pub(crate) async fn append(app: &TestApp, actor: i64, purpose: &str, count: usize) {
    let school = staff_named(app, "baomat").await.school_id;
    let students = entity::student::Entity::find().filter(entity::student::Column::SchoolId.eq(school));
    let students = students.all(&app.state.db).await.unwrap();
    let disclosed = students
        .iter()
        .take(count)
        .map(|row| Disclosed { school: row.school_id, fields: "result".to_owned(), students: vec![row.id] })
        .collect();
    let recipient =
        Recipient { actor_kind: "staff", actor_id: actor, purpose: purpose.to_owned(), ..Default::default() };
    app.state.disclosures.append(recipient, disclosed).await.unwrap();
    app.state.disclosures.flush().await;
}

pub(crate) async fn entries(app: &TestApp) -> Vec<disclosure_log::Model> {
    disclosure_log::Entity::find().order_by_asc(disclosure_log::Column::Id).all(&app.state.db).await.unwrap()
}
