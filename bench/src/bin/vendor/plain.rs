//! The reference the vendor benchmark compares EMIS with: the same two collections, in the
//! same JSON shapes and the same order, read by hand-written statements with no privacy
//! layer — no token, policy, per-record check, consent, cap or disclosure log.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use chrono::{SecondsFormat, Utc};
use entity::{assessment, enrollment, homeroom_class, org, result, section, student};
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, PaginatorTrait as _, QueryFilter as _};
use sea_orm::{QueryOrder as _, QuerySelect as _};
use serde_json::{Value, json};
use std::collections::HashMap;

#[derive(serde::Deserialize)]
struct Page {
    limit: u64,
    offset: u64,
}

/// Serves the reference on a loopback port; its base address.
pub async fn start(db: DatabaseConnection) -> anyhow::Result<String> {
    let app = axum::Router::new()
        .route("/students", get(students))
        .route("/enrollments", get(enrollments))
        .route("/results", get(results))
        .with_state(db);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(address)
}

fn guid(origin: &str, collection: &str, kind: &str, id: &str) -> Value {
    json!({ "href": format!("{origin}/ims/oneroster/rostering/v1p2/{collection}/{id}"), "sourcedId": id, "type": kind })
}

async fn org_ids(db: &DatabaseConnection, ids: impl IntoIterator<Item = i64>) -> HashMap<i64, String> {
    let rows = org::Entity::find().filter(org::Column::Id.is_in(ids)).all(db).await.unwrap_or_default();
    rows.into_iter().map(|row| (row.id, row.external_id)).collect()
}

fn origin(headers: &HeaderMap) -> String {
    format!("http://{}", headers.get("host").and_then(|host| host.to_str().ok()).unwrap_or("localhost"))
}

async fn students(
    State(db): State<DatabaseConnection>,
    headers: HeaderMap,
    Query(page): Query<Page>,
) -> (HeaderMap, Json<Value>) {
    let origin = origin(&headers);
    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    let total = student::Entity::find().count(&db).await.unwrap_or(0);
    let rows = student::Entity::find()
        .order_by_asc(student::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .all(&db)
        .await
        .unwrap_or_default();
    let schools = org_ids(&db, rows.iter().map(|row| row.school_id)).await;
    let users: Vec<Value> = rows
        .iter()
        .map(|row| {
            let school = schools.get(&row.school_id).map_or("", String::as_str);
            let (family, middle) = row.family_name.split_once(' ').unwrap_or((&row.family_name, ""));
            let mut user = json!({
                "sourcedId": row.external_id, "status": "active", "dateLastModified": now,
                "enabledUser": (row.status != "dropped_out").to_string(), "givenName": row.given_name,
                "familyName": family,
                "roles": [{ "roleType": "primary", "role": "student", "org": guid(&origin, "orgs", "org", school) }],
                "primaryOrg": guid(&origin, "orgs", "org", school),
            });
            if !middle.is_empty() {
                user["middleName"] = Value::String(middle.to_owned());
            }
            user
        })
        .collect();
    (counted(total), Json(json!({ "users": users })))
}

async fn enrollments(
    State(db): State<DatabaseConnection>,
    headers: HeaderMap,
    Query(page): Query<Page>,
) -> (HeaderMap, Json<Value>) {
    let origin = origin(&headers);
    let now = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    let total = enrollment::Entity::find().count(&db).await.unwrap_or(0);
    let rows = enrollment::Entity::find()
        .order_by_asc(enrollment::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .all(&db)
        .await
        .unwrap_or_default();
    let schools = org_ids(&db, rows.iter().map(|row| row.school_id)).await;
    let classes: HashMap<i64, String> = homeroom_class::Entity::find()
        .filter(homeroom_class::Column::Id.is_in(rows.iter().map(|row| row.class_id)))
        .all(&db)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|row| (row.id, row.external_id))
        .collect();
    let students: HashMap<i64, String> = student::Entity::find()
        .filter(student::Column::Id.is_in(rows.iter().map(|row| row.student_id)))
        .all(&db)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|row| (row.id, row.external_id))
        .collect();
    let found: Vec<Value> = rows
        .iter()
        .map(|row| {
            let id = row.external_id.clone().unwrap_or_else(|| format!("emis-enrollment-{}", row.id));
            let mut object = json!({
                "sourcedId": id, "status": "active", "dateLastModified": now,
                "user": guid(&origin, "users", "user", students.get(&row.student_id).map_or("", String::as_str)),
                "class": guid(&origin, "classes", "class", classes.get(&row.class_id).map_or("", String::as_str)),
                "school": guid(&origin, "schools", "org", schools.get(&row.school_id).map_or("", String::as_str)),
                "role": "student", "primary": (row.is_primary == Some(true)).to_string(),
                "beginDate": row.starts_on.format("%Y-%m-%d").to_string(),
            });
            if let Some(ends) = row.ends_on {
                object["endDate"] = Value::String(ends.format("%Y-%m-%d").to_string());
            }
            object
        })
        .collect();
    (counted(total), Json(json!({ "enrollments": found })))
}

fn counted(total: u64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Ok(value) = total.to_string().parse() {
        headers.insert("x-total-count", value);
    }
    headers
}

async fn results(
    State(db): State<DatabaseConnection>,
    headers: HeaderMap,
    Query(page): Query<Page>,
) -> (HeaderMap, Json<Value>) {
    let origin = origin(&headers);
    let total = result::Entity::find().count(&db).await.unwrap_or(0);
    let rows = result::Entity::find()
        .order_by_asc(result::Column::Id)
        .offset(page.offset)
        .limit(page.limit)
        .all(&db)
        .await
        .unwrap_or_default();
    let columns: HashMap<i64, String> = assessment::Entity::find()
        .filter(assessment::Column::Id.is_in(rows.iter().map(|row| row.assessment_id)))
        .all(&db)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|row| (row.id, row.external_id.unwrap_or_else(|| format!("emis-assessment-{}", row.id))))
        .collect();
    let sections: HashMap<i64, String> = section::Entity::find()
        .filter(section::Column::Id.is_in(rows.iter().map(|row| row.section_id)))
        .all(&db)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|row| (row.id, row.external_id))
        .collect();
    let students: HashMap<i64, String> = student::Entity::find()
        .filter(student::Column::Id.is_in(rows.iter().map(|row| row.student_id)))
        .all(&db)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|row| (row.id, row.external_id))
        .collect();
    let found: Vec<Value> = rows
        .iter()
        .map(|row| {
            let id = row.external_id.clone().unwrap_or_else(|| format!("emis-result-{}", row.id));
            let line_item = columns.get(&row.assessment_id).map_or("", String::as_str);
            let mut object = json!({
                "sourcedId": id, "status": "active",
                "dateLastModified": row.updated_at.to_rfc3339_opts(SecondsFormat::Millis, true),
                "lineItem": { "href": format!("{origin}/ims/oneroster/gradebook/v1p2/lineItems/{line_item}"),
                    "sourcedId": line_item, "type": "lineItem" },
                "student": guid(&origin, "users", "user", students.get(&row.student_id).map_or("", String::as_str)),
                "class": guid(&origin, "classes", "class", sections.get(&row.section_id).map_or("", String::as_str)),
                "scoreStatus": if row.no_make_up { "not submitted" } else if row.exempt { "exempt" } else { "fully graded" },
                "scoreDate": row.updated_at.date_naive().format("%Y-%m-%d").to_string(),
            });
            if let Some(tenths) = row.score_tenths {
                object["score"] = json!(f64::from(tenths) / 10.0);
            }
            if let Some(comment) = &row.comment {
                object["comment"] = Value::String(comment.clone());
            }
            object
        })
        .collect();
    (counted(total), Json(json!({ "results": found })))
}
