//! The outbox: a message is queued in the caller's transaction (a rolled-back one leaves
//! nothing), with its phone and body sealed under the recipient's key and nothing secret in
//! the clear; delivery retries and gives up as it should ([`delivery`]), logs nothing secret
//! ([`logs`]), and the delivery state is read by the sending school only ([`reading`]).

mod delivery;
pub(crate) mod gateway;
mod logs;
mod reading;

use emis::auth::Account;
use emis::outbox::{OutgoingMessage, Purpose, enqueue};
use emis_tests::TestApp;
use entity::{guardian, outbox_message, staff, staff_role};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _, TransactionTrait as _};

pub const PHONE: &str = "0912345678";
pub const CODE: &str = "K7Q4M2X9";

/// The school of the demo principal `hieutruong`, and the demo guardian `phuhuynh`.
pub async fn school_and_guardian(app: &TestApp) -> (i64, i64) {
    let db = &app.state.db;
    let principal = staff::Entity::find().filter(staff::Column::Username.eq("hieutruong")).one(db).await.unwrap();
    let role = staff_role::Entity::find()
        .filter(staff_role::Column::StaffId.eq(principal.unwrap().id))
        .filter(staff_role::Column::Role.eq("principal"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let guardian = guardian::Entity::find().filter(guardian::Column::Username.eq("phuhuynh")).one(db).await.unwrap();
    (role.org_id, guardian.unwrap().id)
}

pub fn code_message(school_id: i64, guardian_id: i64) -> OutgoingMessage {
    OutgoingMessage {
        school_id,
        to: Account::Guardian(guardian_id),
        phone: PHONE.to_owned(),
        purpose: Purpose::ActivationCode,
        body: format!("Ma kich hoat EMIS: {CODE}"),
    }
}

#[tokio::test]
async fn a_queued_message_is_sealed_and_a_rolled_back_one_leaves_nothing() {
    let app = TestApp::spawn().await.unwrap();
    let (school, guardian) = school_and_guardian(&app).await;
    let db = &app.state.db;

    let txn = db.begin().await.unwrap();
    enqueue(&txn, &app.state.vault, code_message(school, guardian)).await.unwrap();
    txn.rollback().await.unwrap();
    assert_eq!(outbox_message::Entity::find().count(db).await.unwrap(), 0, "a rolled-back message is gone");

    let txn = db.begin().await.unwrap();
    let id = enqueue(&txn, &app.state.vault, code_message(school, guardian)).await.unwrap();
    txn.commit().await.unwrap();
    let row = outbox_message::Entity::find_by_id(id).one(db).await.unwrap().unwrap();
    assert_eq!((row.state.as_str(), row.purpose.as_str(), row.attempts), ("pending", "activation_code", 0));
    assert_eq!((row.recipient_kind.as_str(), row.recipient_id, row.school_id), ("guardian", guardian, school));
    for sealed in [&row.phone_enc, &row.body_enc] {
        assert!(!sealed.is_empty());
        let clear = String::from_utf8_lossy(sealed);
        assert!(!clear.contains(PHONE) && !clear.contains(CODE), "nothing is stored in the clear");
    }
    let vault = &app.state.vault;
    let key = emis::vault::Vault::key_id_of(&row.body_enc).unwrap();
    vault.preload(db, [key]).await.unwrap();
    assert_eq!(vault.open_field("outbox_message", "phone_enc", id, &row.phone_enc).as_deref(), Some(PHONE));
    let body = vault.open_field("outbox_message", "body_enc", id, &row.body_enc).unwrap();
    assert!(body.contains(CODE));
    assert_eq!(vault.open_field("outbox_message", "body_enc", id + 1, &row.body_enc), None, "bound to its row");
    app.stop().await.unwrap();
}
