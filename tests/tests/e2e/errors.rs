//! Clear errors instead of INTERNAL: a NUL byte in any string is refused as bad input (and
//! leaves no ERROR in the server's log); the purpose a request declares is recorded as given
//! or refused with a code, never replaced by `education`; with the database down a request
//! is answered at once as unavailable; a policy folder that does not exist stops start-up.

use super::durability::ServerProcess;
use super::grade_entry::{RECORD, scored_column, stored};
use super::roll_call::{ROLL_CALL, homeroom_class, today};
use emis::config::Config;
use emis::startup::Application;
use emis_tests::{DEMO_PASSWORD, TestApp, TestDatabase, error_code};
use entity::{attendance, disclosure_log};
use reqwest::header::HeaderValue;
use sea_orm::{EntityTrait as _, PaginatorTrait as _, QueryOrder as _};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const SIGN_IN: &str = "mutation($i: String!, $p: String!) { signIn(identifier: $i, password: $p) { accessToken } }";
const SEARCH: &str =
    "query($s: String, $n: String) { students(search: $s, identityNumber: $n, first: 5) { nodes { id } } }";
const SHOW_IDENTITY: &str = "{ students(first: 2) { nodes { identityNumber } } }";

async fn post(server: &str, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut request = reqwest::Client::new()
        .post(format!("{server}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().json().await.unwrap()
}

/// The response is a bilingual BAD_USER_INPUT about a NUL byte, with no data.
fn refused_for_nul(body: &Value) {
    assert_eq!(error_code(body), Some("BAD_USER_INPUT"), "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("NUL") && message.contains("không hợp lệ") && message.contains("invalid input"),
        "{message}"
    );
    assert!(body["data"].is_null() || body["data"].as_object().is_some_and(|data| data.values().all(Value::is_null)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nul_byte_in_any_string_is_bad_input_writes_nothing_and_logs_no_error() {
    let app = TestApp::spawn().await.unwrap();
    let server = ServerProcess::start(&app).await;
    let address = server.address.as_str();

    // signIn, in a variable and in the query text.
    refused_for_nul(&post(address, None, SIGN_IN, json!({ "i": "gv\u{0}bm", "p": DEMO_PASSWORD })).await);
    refused_for_nul(&post(address, None, SIGN_IN, json!({ "i": "gvbm", "p": "emis-demo\u{0}" })).await);
    let literal = r#"mutation { signIn(identifier: "gvbm\u0000", password: "emis-demo") { accessToken } }"#;
    refused_for_nul(&post(address, None, literal, json!({})).await);

    // A principal's search by name and by identity number.
    let principal = app.sign_in("hieutruong").await.unwrap();
    refused_for_nul(&post(address, Some(&principal), SEARCH, json!({ "s": "tu\u{0}yet" })).await);
    refused_for_nul(&post(address, Some(&principal), SEARCH, json!({ "n": "0790\u{0}1" })).await);

    // A roll-call note, inside a list of input objects: nothing is marked.
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let marked = attendance::Entity::find().count(&app.state.db).await.unwrap();
    let marks = json!([{ "studentId": class.students[0], "status": "late", "note": "xe\u{0}hỏng" }]);
    let variables = json!({ "class": class.id, "date": today(), "session": "morning", "marks": marks });
    refused_for_nul(&post(address, Some(&teacher), ROLL_CALL, variables).await);
    assert_eq!(attendance::Entity::find().count(&app.state.db).await.unwrap(), marked, "nothing was marked");

    // A score's comment: nothing is written.
    let subject_teacher = app.sign_in("gvbm").await.unwrap();
    let column = scored_column(&app, &subject_teacher).await;
    let before = stored(&app, &column).await;
    let (student, version) = &column.students[0];
    let entries = json!([{ "studentId": student, "score": 7.5, "comment": "Tốt\u{0}", "version": version }]);
    refused_for_nul(
        &post(address, Some(&subject_teacher), RECORD, json!({ "column": column.id, "entries": entries })).await,
    );
    assert_eq!(stored(&app, &column).await, before, "nothing was written");

    // The same requests without the NUL byte are answered.
    let signed_in = post(address, None, SIGN_IN, json!({ "i": "gvbm", "p": DEMO_PASSWORD })).await;
    assert!(signed_in["data"]["signIn"]["accessToken"].is_string(), "{signed_in}");
    let log = server.kill();
    assert!(!log.contains("ERROR"), "a client's mistake is no error of the server: {log}");
    app.stop().await.unwrap();
}

/// A request showing identity numbers, declaring `purpose` (raw header bytes).
async fn read_with_purpose(app: &TestApp, token: &str, purpose: &[u8]) -> Value {
    reqwest::Client::new()
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .header("x-emis-purpose", HeaderValue::from_bytes(purpose).unwrap())
        .json(&json!({ "query": SHOW_IDENTITY }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_declared_purpose_is_recorded_as_given_or_refused_never_replaced() {
    let app = TestApp::spawn().await.unwrap();
    let principal = app.sign_in("hieutruong").await.unwrap();
    let given = ["giáo dục", "Kiểm tra hồ sơ chuyển trường", "audit review", "education"];
    for purpose in given {
        let body = read_with_purpose(&app, &principal, purpose.as_bytes()).await;
        assert!(body["data"]["students"]["nodes"][0]["identityNumber"].is_string(), "{purpose}: {body}");
    }
    app.state.disclosures.flush().await;
    let recorded: Vec<String> = disclosure_log::Entity::find()
        .order_by_asc(disclosure_log::Column::Id)
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.purpose)
        .collect();
    assert_eq!(recorded, given, "each purpose is recorded as it was declared");

    // Not UTF-8 (Latin-1, as some browsers send), too long, or holding a control character.
    let long = "x".repeat(65);
    for purpose in [&b"gi\xe1o d\xfbc"[..], long.as_bytes(), b"a\tb"] {
        let body = read_with_purpose(&app, &principal, purpose).await;
        assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
        assert!(body["data"].is_null(), "nothing is shown: {body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("X-EMIS-Purpose") && message.contains("không hợp lệ"), "{message}");
    }
    let teacher = app.sign_in("gvcn").await.unwrap();
    let class = homeroom_class(&app, &teacher).await;
    let download = reqwest::Client::new()
        .get(format!("{}/exports/class-summary?classId={}", app.address, class.id))
        .bearer_auth(&teacher)
        .header("x-emis-purpose", HeaderValue::from_bytes(b"gi\xe1o d\xfbc").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 400);
    assert_eq!(disclosure_log::Entity::find().count(&app.state.db).await.unwrap(), 4, "no refused request is logged");
    app.stop().await.unwrap();
}

/// A TCP proxy on loopback in front of the database, which the test closes.
struct Proxy {
    address: std::net::SocketAddr,
    tasks: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl Proxy {
    async fn start(upstream: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let tasks = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let connections = std::sync::Arc::clone(&tasks);
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let forward = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                connections.lock().unwrap().push(forward.abort_handle());
            }
        });
        tasks.lock().unwrap().push(accept.abort_handle());
        Self { address, tasks }
    }

    /// Stops accepting and cuts every connection, as a database that went down.
    fn close(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }
}

/// `url` with its `host:port` replaced by `address`; and the `host:port` it named.
fn through(url: &str, address: std::net::SocketAddr) -> (String, String) {
    let start = url.find('@').unwrap() + 1;
    let end = start + url[start..].find('/').unwrap();
    (format!("{}{address}{}", &url[..start], &url[end..]), url[start..end].to_owned())
}

/// Starts a server whose database can be taken down: on PostgreSQL through a proxy.
async fn app_and_proxy() -> (TestApp, Option<Proxy>) {
    let admin = std::env::var("EMIS_TEST_POSTGRES_URL").ok().filter(|url| !url.is_empty());
    let Some(admin) = admin else { return (TestApp::spawn().await.unwrap(), None) };
    let (_, server) = through(&admin, std::net::SocketAddr::from(([127, 0, 0, 1], 0)));
    let proxy = Proxy::start(server).await;
    let address = proxy.address;
    let app = TestApp::spawn_with(move |config| config.database_url = through(&config.database_url, address).0);
    (app.await.unwrap(), Some(proxy))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_database_down_requests_are_answered_unavailable_at_once() {
    let (app, proxy) = app_and_proxy().await;
    let teacher = app.sign_in("gvcn").await.unwrap();
    match &proxy {
        Some(proxy) => proxy.close(),
        // SQLite runs inside the server: its pool closed is a database that cannot be reached.
        None => app.state.db.clone().close().await.unwrap(),
    }
    let client = reqwest::Client::new();
    let requests = [
        (Some(teacher.as_str()), "{ me { homeroomClasses { students { fullName } } } }".to_owned(), json!({})),
        (None, SIGN_IN.to_owned(), json!({ "i": "gvbm", "p": DEMO_PASSWORD })),
    ];
    for (token, query, variables) in requests {
        let started = Instant::now();
        let mut request =
            client.post(format!("{}/graphql", app.address)).json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert!(started.elapsed() < Duration::from_secs(5), "answered at once, not after the pool's wait");
        assert_eq!(error_code(&body), Some("UNAVAILABLE"), "{body}");
        assert_eq!(status, 503, "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("tạm thời") && message.contains("unavailable"), "{message}");
    }
    let started = Instant::now();
    assert_eq!(app.get("/readyz").await.unwrap().status(), 503);
    assert!(started.elapsed() < Duration::from_secs(5), "readiness is answered at once");
    assert_eq!(app.get("/healthz").await.unwrap().status(), 200, "the process itself runs");
    app.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_policy_folder_that_does_not_exist_stops_startup_naming_it() {
    let mut database = TestDatabase::create().await.unwrap();
    let missing = PathBuf::from("no-such-policy-folder");
    let error = Application::build(Config::for_database(database.url.clone(), missing)).await.err();
    let message = format!("{:#}", error.expect("start-up refused"));
    assert!(message.contains("no-such-policy-folder") && message.contains("EMIS_POLICY_DIR"), "{message}");
    database.drop_database().await.unwrap();
}
