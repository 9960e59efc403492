//! How a district starts: a OneRoster package imported with no passwords, a clerk activated
//! by the principal, a class's activation sheet read back from its XLSX, a guardian's first
//! sign-in with the code and their child read; codes that work once, expire and are
//! replaced; the throttle; another school's clerk refused exactly like a missing guardian,
//! nothing written; and an audit that never holds a code or a password. How accounts are
//! recovered is in [`recovery`].

use crate::oneroster::{counts, edited, give_password, options};
use emis::graphql::ids;
use emis_tests::{TestApp, error_code};
use entity::{account_code, account_event, disclosure_log, guardian, homeroom_class, staff};
use sea_orm::{ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _, QueryOrder as _};
use serde_json::{Value, json};
use std::io::Read as _;

mod recovery;

const STRONG: &str = "Mùa thu Hà Nội lá vàng rơi";
const STRONGER: &str = "con-meo-treo-cay-cau-2026";

const ISSUE: &str = "mutation($g: [ID!], $s: [ID!], $c: ID, $d: CodeDelivery!) {
    issueActivationCodes(guardianIds: $g, staffIds: $s, classId: $c, delivery: $d) {
        issued { accountId name signInWith code expiresAt }
        passedOver { accountId reason }
        sheet { fileName contentType contentBase64 }
    } }";
const ACTIVATE: &str = "mutation($i: String!, $c: String!, $p: String!) {
    activateAccount(identifier: $i, code: $c, newPassword: $p) { accessToken } }";
const RESET: &str = "mutation($i: String!, $c: String!, $p: String!) {
    resetPassword(identifier: $i, code: $c, newPassword: $p) { accessToken } }";
const RESET_ACCESS: &str = "mutation($g: ID!, $d: CodeDelivery) {
    resetGuardianAccess(guardianId: $g, delivery: $d) { sessionsEnded issued { code } } }";
const SIGN_IN: &str = "mutation($i: String!, $p: String!) { signIn(identifier: $i, password: $p) { accessToken } }";

/// The district fixture with a clerk at its school, and a second school with its own clerk.
async fn district() -> TestApp {
    let app = TestApp::spawn_empty().await.unwrap();
    let package = edited(
        &[
            (
                "orgs.csv",
                "thcs-le-loi,,,",
                "thcs-khac,,,Trường THCS Nguyễn Du,school,79000802,xa-tan-dinh,THCS,2025-07-01\nthcs-le-loi,,,",
            ),
            (
                "users.csv",
                "ht-001,,,true,",
                "vt-001,,,true,vt.tranthi.mai,,Mai,Trần,Thị,,,,0912000444,,,,,,,,thcs-le-loi,,,,,active\n\
                 vt-002,,,true,vt.lyvan.binh,,Bình,Lý,Văn,,,,0912000555,,,,,,,,thcs-khac,,,,,active\nht-001,,,true,",
            ),
            (
                "roles.csv",
                "r-ht-001,",
                "r-vt-001,,,vt-001,primary,siteAdministrator,2020-01-01,,thcs-le-loi,\n\
                 r-vt-002,,,vt-002,primary,siteAdministrator,2020-01-01,,thcs-khac,\nr-ht-001,",
            ),
        ],
        &[],
    );
    let outcome =
        emis::exchange::import(&app.state.db, &app.state.vault, package.path(), &options(), &emis::exchange::Silent)
            .await
            .unwrap();
    counts(&outcome);
    app
}

async fn guardian_id(app: &TestApp, external_id: &str) -> (i64, String) {
    let row = guardian::Entity::find().filter(guardian::Column::ExternalId.eq(external_id)).one(&app.state.db).await;
    let id = row.unwrap().unwrap().id;
    (id, ids::encode("Guardian", id).to_string())
}

async fn staff_id(app: &TestApp, external_id: &str) -> String {
    let row = staff::Entity::find().filter(staff::Column::ExternalId.eq(external_id)).one(&app.state.db).await;
    ids::encode("Staff", row.unwrap().unwrap().id).to_string()
}

async fn class_id(app: &TestApp) -> String {
    let class = homeroom_class::Entity::find().one(&app.state.db).await.unwrap().unwrap();
    ids::encode("Class", class.id).to_string()
}

async fn token(body: &Value, field: &str) -> String {
    body["data"][field]["accessToken"].as_str().unwrap_or_else(|| panic!("no token: {body}")).to_owned()
}

pub(crate) async fn activate(app: &TestApp, identifier: &str, code: &str, password: &str) -> Value {
    app.graphql(None, ACTIVATE, json!({ "i": identifier, "c": code, "p": password })).await.unwrap()
}

/// Shows a code for `guardians` or `staff` as `caller`.
pub(crate) async fn shown_code(
    app: &TestApp,
    caller: &str,
    guardians: Option<Vec<&str>>,
    staff: Option<Vec<&str>>,
) -> String {
    let variables = json!({ "g": guardians, "s": staff, "d": "SHOW" });
    let data = app.data(Some(caller), ISSUE, variables).await.unwrap();
    data["issueActivationCodes"]["issued"][0]["code"].as_str().unwrap().to_owned()
}

/// The strings of an XLSX file (its shared strings, in order of first use).
fn xlsx_strings(base64: &str) -> Vec<String> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD.decode(base64).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    archive.by_name("xl/sharedStrings.xml").unwrap().read_to_string(&mut xml).unwrap();
    xml.split("<t")
        .skip(1)
        .filter_map(|part| part.split_once('>').and_then(|(_, rest)| rest.split_once("</t>")))
        .map(|(text, _)| text.replace("&amp;", "&").replace("&quot;", "\""))
        .collect()
}

fn is_code(text: &str) -> bool {
    text.len() == 9
        && text.as_bytes()[4] == b'-'
        && text.chars().filter(|c| *c != '-').all(|c| c.is_ascii_alphanumeric())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_district_starts_from_an_import_with_no_passwords_through_a_class_sheet() {
    let app = district().await;
    assert_eq!(
        guardian::Entity::find()
            .filter(guardian::Column::PasswordHash.is_not_null())
            .count(&app.state.db)
            .await
            .unwrap(),
        0,
        "the package carries no passwords"
    );
    give_password(&app, "ht-001").await;
    let principal = app.sign_in("ht.vothi.lan").await.unwrap();

    // The principal starts the clerk's account; the clerk signs in with the code.
    let clerk_code = shown_code(&app, &principal, None, Some(vec![&staff_id(&app, "vt-001").await])).await;
    let clerk = token(&activate(&app, "vt.tranthi.mai", &clerk_code, STRONG).await, "activateAccount").await;

    // The clerk prints the class's sheet: one slip per family, in Vietnamese.
    let data = app.data(Some(&clerk), ISSUE, json!({ "c": class_id(&app).await, "d": "SHEET" })).await.unwrap();
    let issued = &data["issueActivationCodes"];
    assert_eq!(issued["issued"].as_array().unwrap().len(), 2, "two families: {issued}");
    assert!(issued["issued"].as_array().unwrap().iter().all(|code| code["code"].is_null()), "codes only on the sheet");
    let sheet = &issued["sheet"];
    assert_eq!(sheet["fileName"], "activation-6A1.xlsx");
    let strings = xlsx_strings(sheet["contentBase64"].as_str().unwrap());
    assert!(strings.iter().any(|s| s == "PHIẾU KÍCH HOẠT TÀI KHOẢN EMIS"), "{strings:?}");
    assert!(strings.iter().any(|s| s == "Trường THCS Lê Lợi"), "{strings:?}");
    assert!(
        strings.iter().any(|s| s == "Nguyễn Ngọc Ánh, Nguyễn Minh Khôi"),
        "one slip for both children: {strings:?}"
    );
    let at = strings.iter().position(|s| s == "ph.nguyenvan.hung").expect("the father's slip");
    let code = strings[at..].iter().find(|s| is_code(s)).unwrap().clone();
    assert_eq!(strings.iter().filter(|s| is_code(s)).count(), 2);
    let shown = disclosure_log::Entity::find().filter(disclosure_log::Column::Fields.eq("guardian.contact"));
    let shown = shown.all(&app.state.db).await.unwrap();
    assert_eq!(shown.len(), 1, "the sheet is in the disclosure log");
    assert_eq!(shown[0].student_ids().count(), 3);

    // A weak password is refused in both languages and the code still works.
    let weak = activate(&app, "ph.nguyenvan.hung", &code, "matkhau123").await;
    assert_eq!(error_code(&weak), Some("BAD_USER_INPUT"), "{weak}");
    let message = weak["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("mật khẩu") && message.contains("password"), "{message}");
    let short = activate(&app, "ph.nguyenvan.hung", &code, "ngan").await;
    assert_eq!(error_code(&short), Some("BAD_USER_INPUT"));
    // Typed loosely (lower case, no dash), by phone number.
    let loose = code.replace('-', " ").to_lowercase();
    let father = token(&activate(&app, "090 311 1222", &loose, STRONG).await, "activateAccount").await;
    let data = app.data(Some(&father), "{ me { children { fullName } } }", json!({})).await.unwrap();
    assert_eq!(data["me"]["children"].as_array().unwrap().len(), 2, "{data}");
    // The code works once; the password signs in.
    let again = activate(&app, "ph.nguyenvan.hung", &code, STRONGER).await;
    assert_eq!(error_code(&again), Some("INVALID_CREDENTIALS"));
    let signed = app.graphql(None, SIGN_IN, json!({ "i": "ph.nguyenvan.hung", "p": STRONG })).await.unwrap();
    assert!(signed["data"]["signIn"]["accessToken"].is_string(), "{signed}");

    // Issuing again passes over those who have a password.
    let data = app.data(Some(&clerk), ISSUE, json!({ "c": class_id(&app).await, "d": "SHOW" })).await.unwrap();
    let passed = &data["issueActivationCodes"]["passedOver"];
    assert_eq!(passed, &json!([{ "accountId": guardian_id(&app, "ph-001").await.1, "reason": "HAS_PASSWORD" }]));

    // The audit has every step, and never a code or a password.
    let (father_id, _) = guardian_id(&app, "ph-001").await;
    let events = account_event::Entity::find()
        .filter(account_event::Column::AccountKind.eq("guardian"))
        .filter(account_event::Column::AccountId.eq(father_id))
        .order_by_asc(account_event::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap();
    let kinds: Vec<&str> = events.iter().map(|event| event.event.as_str()).collect();
    assert_eq!(kinds, ["code_issued", "activated", "refused"], "{events:?}");
    let everything = format!(
        "{:?}{:?}",
        account_event::Entity::find().all(&app.state.db).await.unwrap(),
        account_code::Entity::find().all(&app.state.db).await.unwrap()
    );
    for secret in [code.as_str(), &code.replace('-', ""), &clerk_code.replace('-', ""), STRONG, "matkhau123"] {
        assert!(!everything.contains(secret), "{secret} is in the audit or the codes");
    }
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_schools_clerk_and_a_teacher_are_refused_like_a_missing_guardian_and_nothing_is_written() {
    let app = district().await;
    for account in ["vt-002", "gv-toan", "ht-001"] {
        give_password(&app, account).await;
    }
    let other_clerk = app.sign_in("vt.lyvan.binh").await.unwrap();
    let teacher = app.sign_in("gv.phamthu.ha").await.unwrap();
    let (_, mother) = guardian_id(&app, "ph-002").await;
    let missing = ids::encode("Guardian", 999_999).to_string();
    let answer = |body: &Value| (error_code(body).map(str::to_owned), body["errors"][0]["message"].clone());
    let refused = app.graphql(Some(&other_clerk), ISSUE, json!({ "g": [mother], "d": "SHOW" })).await.unwrap();
    let absent = app.graphql(Some(&other_clerk), ISSUE, json!({ "g": [missing], "d": "SHOW" })).await.unwrap();
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    assert_eq!(answer(&refused), answer(&absent));
    for (caller, variables) in [
        (&other_clerk, json!({ "c": class_id(&app).await, "d": "SHEET" })),
        (&teacher, json!({ "g": [mother], "d": "SHOW" })),
        (&teacher, json!({ "s": [staff_id(&app, "gv-cn").await], "d": "SHOW" })),
    ] {
        let body = app.graphql(Some(caller), ISSUE, variables).await.unwrap();
        assert_eq!(answer(&body), answer(&absent), "{body}");
    }
    let reset = app.graphql(Some(&other_clerk), RESET_ACCESS, json!({ "g": mother })).await.unwrap();
    let reset_missing = app.graphql(Some(&other_clerk), RESET_ACCESS, json!({ "g": missing })).await.unwrap();
    assert_eq!(answer(&reset), answer(&reset_missing));
    assert_eq!(error_code(&reset), Some("FORBIDDEN"));
    // One guardian out of reach refuses the whole call.
    let principal = app.sign_in("ht.vothi.lan").await.unwrap();
    let (_, father) = guardian_id(&app, "ph-001").await;
    let mixed = app.graphql(Some(&principal), ISSUE, json!({ "g": [father, missing], "d": "SHOW" })).await.unwrap();
    assert_eq!(answer(&mixed), answer(&absent));
    assert_eq!(account_code::Entity::find().count(&app.state.db).await.unwrap(), 0, "nothing issued");
    assert_eq!(account_event::Entity::find().count(&app.state.db).await.unwrap(), 0, "nothing recorded");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_are_replaced_expire_and_are_throttled_like_sign_in() {
    let app = district().await;
    give_password(&app, "ht-001").await;
    let principal = app.sign_in("ht.vothi.lan").await.unwrap();
    let (mother_id, mother) = guardian_id(&app, "ph-002").await;
    let first = shown_code(&app, &principal, Some(vec![&mother]), None).await;
    let second = shown_code(&app, &principal, Some(vec![&mother]), None).await;
    assert_ne!(first, second);
    let replaced = activate(&app, "ph.lethi.hoa", &first, STRONG).await;
    assert_eq!(error_code(&replaced), Some("INVALID_CREDENTIALS"), "a new code replaces the old");
    let unknown = activate(&app, "ph.khong.co", &second, STRONG).await;
    assert_eq!(error_code(&unknown), error_code(&replaced), "an unknown account answers like a wrong code");
    assert_eq!(unknown["errors"][0]["message"], replaced["errors"][0]["message"]);

    // Expired.
    let stored = account_code::Entity::find().filter(account_code::Column::AccountId.eq(mother_id));
    let row = stored.one(&app.state.db).await.unwrap().unwrap();
    let mut expired: account_code::ActiveModel = row.into();
    expired.expires_at = sea_orm::ActiveValue::Set(chrono::Utc::now() - chrono::Duration::minutes(1));
    sea_orm::ActiveModelTrait::update(expired, &app.state.db).await.unwrap();
    let late = activate(&app, "ph.lethi.hoa", &second, STRONG).await;
    assert_eq!(error_code(&late), Some("INVALID_CREDENTIALS"), "an expired code");

    // Throttled like sign-in: five tries of one account from one address (two above, three
    // here), then even the right code is turned away.
    let third = shown_code(&app, &principal, Some(vec![&mother]), None).await;
    for _ in 0..3 {
        let wrong = activate(&app, "ph.lethi.hoa", "AAAA-AAAA", STRONG).await;
        assert_eq!(error_code(&wrong), Some("INVALID_CREDENTIALS"));
    }
    let throttled = activate(&app, "ph.lethi.hoa", &third, STRONG).await;
    assert_eq!(error_code(&throttled), Some("THROTTLED"), "{throttled}");
    let not_set = guardian::Entity::find_by_id(mother_id).one(&app.state.db).await.unwrap().unwrap();
    assert!(not_set.password_hash.is_none());
    app.stop().await.unwrap();
}
