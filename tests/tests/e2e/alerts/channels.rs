//! How notifications reach phones: each family by the channel it chose per kind — push to
//! its registered devices by default, SMS only for what the school marked urgent (when the
//! family has no device, or chose SMS), nothing when it chose none — dispatched once, with
//! the delivery state on each notification; device tokens are sealed, move to whoever
//! registers them last, and each registers only their own (staff too) while only a guardian
//! chooses channels; a failing push gateway is
//! retried and each notification still goes out once.

use super::publish;
use crate::grade_entry::decode;
use crate::outbox::gateway::Gateway;
use crate::roll_call::{guardian_of, homeroom_class};
use emis_tests::{TestApp, error_code};
use entity::{guardian, notification, push_device};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use serde_json::{Value, json};

const REGISTER: &str = "mutation($t: String!, $p: String!) { registerPushDevice(token: $t, platform: $p) }";
const CHOOSE: &str =
    "mutation($k: String!, $c: String!) { setNotificationChannel(kind: $k, channel: $c) { kind channel } }";
const DEVICES: &str = "{ me { pushDevices { platform } notificationChannels { kind channel } } }";

/// A family of the class: a guardian signed in, with their id.
struct Family {
    token: String,
    id: i64,
}

/// Four families of `gvcn`'s class, each a different guardian with a phone.
async fn families(app: &TestApp, students: &[String]) -> Vec<Family> {
    let mut found: Vec<Family> = Vec::new();
    for student in students {
        let username = guardian_of(app, student).await;
        let row = guardian::Entity::find().filter(guardian::Column::Username.eq(&username)).one(&app.state.db).await;
        let row = row.unwrap().unwrap();
        if row.phone_enc.is_some() && found.iter().all(|family| family.id != row.id) {
            found.push(Family { token: app.sign_in(&username).await.unwrap(), id: row.id });
        }
    }
    assert!(found.len() >= 4, "four families with a phone");
    found.truncate(4);
    found
}

/// How many notifications of notice `notice` guardian `id` got.
async fn told(app: &TestApp, notice: &str, id: i64) -> usize {
    let count = notification::Entity::find()
        .filter(notification::Column::NoticeId.eq(decode("Notice", notice)))
        .filter(notification::Column::GuardianId.eq(id))
        .count(&app.state.db)
        .await
        .unwrap();
    usize::try_from(count).unwrap()
}

/// (push, sms) messages sent to guardian `id`, from the logs.
fn sent_to(app: &TestApp, id: i64) -> (Vec<String>, usize) {
    let push = app.state.outbox.push_log().unwrap().sent();
    let sms = app.state.outbox.log().unwrap().sent();
    let pushed = push.iter().filter(|d| d.recipient_id == id).map(|d| d.phone.clone()).collect();
    (pushed, sms.iter().filter(|d| d.recipient_id == id).count())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_family_is_reached_by_its_chosen_channel_and_by_sms_only_when_urgent() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let all = families(&app, &class.students).await;
    let [pushed, bare, silent, texted] = [&all[0], &all[1], &all[2], &all[3]];
    for (family, token) in [(pushed, "tok-pushed"), (silent, "tok-silent"), (texted, "tok-texted")] {
        let done = app.data(Some(&family.token), REGISTER, json!({ "t": token, "p": "Android" })).await.unwrap();
        assert_eq!(done["registerPushDevice"], true);
    }
    app.data(Some(&silent.token), CHOOSE, json!({ "k": "notice", "c": "none" })).await.unwrap();
    let chosen = app.data(Some(&texted.token), CHOOSE, json!({ "k": "notice", "c": "SMS" })).await.unwrap();
    let notice_channel = chosen["setNotificationChannel"].as_array().unwrap().iter().find(|c| c["kind"] == "notice");
    assert_eq!(notice_channel.unwrap()["channel"], "sms");

    let calm = publish(&app, &teacher, &class.id, false).await;
    app.state.outbox.deliver_due(&app.state.db, &app.state.vault).await.unwrap();
    let calm_for = told(&app, &calm, pushed.id).await;
    assert!(calm_for >= 1);
    assert_eq!(sent_to(&app, pushed.id), (vec!["tok-pushed".to_owned(); calm_for], 0), "push to the device");
    assert_eq!(sent_to(&app, bare.id), (Vec::new(), 0), "no device, not urgent: in the app only");
    assert_eq!(sent_to(&app, silent.id), (Vec::new(), 0), "chose none");
    assert_eq!(sent_to(&app, texted.id).1, 0, "SMS only for what is urgent");
    assert_eq!(sent_to(&app, texted.id).0.len(), told(&app, &calm, texted.id).await, "the rest by push");

    let urgent = publish(&app, &teacher, &class.id, true).await;
    app.state.outbox.deliver_due(&app.state.db, &app.state.vault).await.unwrap();
    assert_eq!(sent_to(&app, pushed.id).1, 0, "a family with a device is pushed, even when urgent");
    assert_eq!(sent_to(&app, bare.id).1, told(&app, &urgent, bare.id).await, "no device: urgent goes by SMS");
    assert_eq!(sent_to(&app, silent.id), (Vec::new(), 0), "none is none, even when urgent");
    assert_eq!(sent_to(&app, texted.id).1, told(&app, &urgent, texted.id).await, "chose SMS: urgent by SMS");
    let sms = app.state.outbox.log().unwrap().sent();
    assert!(sms.iter().all(|d| d.body.contains("Nghỉ học do bão")), "the text quotes the title");

    // Each notification was dispatched once: another pass sends nothing more.
    let before = (app.state.outbox.push_log().unwrap().sent().len(), sms.len());
    let pass = app.state.outbox.pass(&app.state.db, &app.state.vault).await.unwrap();
    assert_eq!((pass.dispatched, pass.delivered.handled()), (0, 0));
    assert_eq!(
        (app.state.outbox.push_log().unwrap().sent().len(), app.state.outbox.log().unwrap().sent().len()),
        before
    );

    // The family sees how each notification went out.
    let list = app
        .data(
            Some(&bare.token),
            "{ me { notifications(kinds: [\"notice\"]) { urgent deliveries { channel state sentAt } } } }",
            json!({}),
        )
        .await;
    let list = list.unwrap()["me"]["notifications"].as_array().unwrap().clone();
    let urgent_one = list.iter().find(|n| n["urgent"] == true).unwrap();
    assert_eq!(urgent_one["deliveries"][0]["channel"], "sms");
    assert_eq!(urgent_one["deliveries"][0]["state"], "sent");
    assert!(list.iter().filter(|n| n["urgent"] == false).all(|n| n["deliveries"] == json!([])));
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_token_is_sealed_moves_to_its_last_registrant_and_only_a_guardian_chooses_channels() {
    let app = TestApp::spawn().await.unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let all = families(&app, &class.students).await;
    let (first, second) = (&all[0], &all[1]);
    app.data(Some(&first.token), REGISTER, json!({ "t": "tok-shared-phone", "p": "ios" })).await.unwrap();
    let mine = app.data(Some(&first.token), DEVICES, json!({})).await.unwrap();
    assert_eq!(mine["me"]["pushDevices"], json!([{ "platform": "ios" }]));
    assert_eq!(mine["me"]["notificationChannels"].as_array().unwrap().len(), 4);
    let stored = push_device::Entity::find().all(&app.state.db).await.unwrap();
    assert!(stored.iter().all(|row| !String::from_utf8_lossy(&row.token_enc).contains("tok-shared")));
    assert!(stored.iter().all(|row| !row.token_digest.contains("tok-shared")));

    // The phone passes to another parent: the token reaches them only.
    app.data(Some(&second.token), REGISTER, json!({ "t": "tok-shared-phone", "p": "ios" })).await.unwrap();
    let mine = app.data(Some(&first.token), DEVICES, json!({})).await.unwrap();
    assert_eq!(mine["me"]["pushDevices"], json!([]));
    let gone = "mutation($t: String!) { unregisterPushDevice(token: $t) }";
    let theirs = app.data(Some(&first.token), gone, json!({ "t": "tok-shared-phone" })).await.unwrap();
    assert_eq!(theirs["unregisterPushDevice"], false, "not theirs to forget");
    assert_eq!(push_device::Entity::find().count(&app.state.db).await.unwrap(), 1);

    for (variables, code) in [
        (json!({ "t": "", "p": "ios" }), "BAD_USER_INPUT"),
        (json!({ "t": "tok\u{7}", "p": "ios" }), "BAD_USER_INPUT"),
        (json!({ "t": "tok", "p": "symbian" }), "BAD_USER_INPUT"),
    ] {
        let refused = app.graphql(Some(&first.token), REGISTER, variables).await.unwrap();
        assert_eq!(error_code(&refused), Some(code), "{refused}");
    }
    // A teacher registers devices of their own (see `staff`), but has no channels to choose.
    let staff = app.data(Some(&teacher), REGISTER, json!({ "t": "tok-staff", "p": "ios" })).await.unwrap();
    assert_eq!(staff["registerPushDevice"], true);
    assert_eq!(entity::staff_push_device::Entity::find().count(&app.state.db).await.unwrap(), 1);
    let staff = app.graphql(Some(&teacher), CHOOSE, json!({ "k": "notice", "c": "none" })).await.unwrap();
    assert_eq!(error_code(&staff), Some("FORBIDDEN"));
    let staff = app.graphql(Some(&teacher), DEVICES, json!({})).await.unwrap();
    assert_eq!(error_code(&staff), Some("FORBIDDEN"));
    for (kind, channel) in [("grades", "push"), ("notice", "pigeon")] {
        let refused = app.graphql(Some(&first.token), CHOOSE, json!({ "k": kind, "c": channel })).await.unwrap();
        assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    }
    assert_eq!(push_device::Entity::find().count(&app.state.db).await.unwrap(), 1, "nothing written");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_push_gateway_is_retried_and_each_notification_goes_out_once() {
    let gateway = Gateway::start(&[503, 200]).await;
    let app = TestApp::spawn_with(|config| {
        config.outbox.push_url = Some(gateway.url.clone());
        config.outbox.retry_base_ms = 10;
        config.outbox.retry_max_ms = 10;
    })
    .await
    .unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let family = &families(&app, &class.students).await[0];
    app.data(Some(&family.token), REGISTER, json!({ "t": "tok-retry", "p": "android" })).await.unwrap();
    let notice = publish(&app, &teacher, &class.id, false).await;
    let expected = told(&app, &notice, family.id).await;
    for _ in 0..20 {
        app.state.outbox.deliver_due(&app.state.db, &app.state.vault).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let received: Vec<Value> = gateway.received().into_iter().map(|r| r.body).collect();
    assert!(received.iter().all(|body| body["to"] == "tok-retry"), "{received:?}");
    let mut references: Vec<String> =
        received.iter().map(|body| body["reference"].as_str().unwrap().to_owned()).collect();
    assert_eq!(references.len(), expected + 1, "the first attempt failed and was tried again");
    references.sort();
    references.dedup();
    assert_eq!(references.len(), expected, "each notification went out once");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn during_quiet_hours_only_urgent_notifications_reach_phones_and_the_rest_wait() {
    // Quiet hours around now, on Vietnam's clock.
    let here = chrono::Utc::now() + chrono::Duration::hours(7);
    let window = format!(
        "{}-{}",
        (here - chrono::Duration::hours(1)).format("%H:%M"),
        (here + chrono::Duration::hours(1)).format("%H:%M")
    );
    let quiet = emis::outbox::quiet_hours(&window).unwrap();
    let app = TestApp::spawn_with(|config| config.outbox.quiet_hours = quiet).await.unwrap();
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let family = &families(&app, &class.students).await[0];
    app.data(Some(&family.token), REGISTER, json!({ "t": "tok-night", "p": "ios" })).await.unwrap();
    let calm = publish(&app, &teacher, &class.id, false).await;
    let urgent = publish(&app, &teacher, &class.id, true).await;
    app.state.outbox.deliver_due(&app.state.db, &app.state.vault).await.unwrap();
    let urgent_for = told(&app, &urgent, family.id).await;
    assert_eq!(sent_to(&app, family.id).0.len(), urgent_for, "only the urgent notice, at night");
    let waiting = notification::Entity::find()
        .filter(notification::Column::NoticeId.eq(decode("Notice", &calm)))
        .filter(notification::Column::DispatchedAt.is_null())
        .count(&app.state.db)
        .await
        .unwrap();
    assert!(waiting >= 1, "the calm notice waits, undispatched");
    let seen = app.data(Some(&family.token), "{ me { unread { notices } } }", json!({})).await.unwrap();
    assert!(seen["me"]["unread"]["notices"].as_i64().unwrap() >= 2, "both are in the app at once: {seen}");

    // The quiet hours over, the rest goes out, once.
    let (db, vault) = (&app.state.db, &app.state.vault);
    emis::outbox::dispatch_due(db, vault, emis::outbox::QuietHours::OFF, chrono::Utc::now()).await.unwrap();
    app.state.outbox.deliver_due(db, vault).await.unwrap();
    assert_eq!(sent_to(&app, family.id).0.len(), urgent_for + told(&app, &calm, family.id).await);
    app.stop().await.unwrap();
}
