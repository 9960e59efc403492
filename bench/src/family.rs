//! The school–family link's request shapes: (h) a principal publishes a notice to their whole
//! school — recipients resolved, one delivery per student and one notification per guardian,
//! in one transaction — and (i) a guardian opens the app: the notices sent for their
//! children, their newest notifications and the unread counts. (h) writes, so each principal
//! is one connection's; it publishes to the largest schools first. (i) reads as the guardians
//! of the children of those schools, so after (h) their feeds hold what (h) published.

use crate::scenarios::{Request, token};
use anyhow::Context as _;
use emis::auth::principal::active_on;
use emis::state::AppState;
use entity::{enrollment, guardian, guardianship, staff, staff_role};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const PUBLISH: &str = "mutation($input: PublishNoticeInput!) { publishNotice(input: $input) { id } }";
const FEED: &str = "{ me { notices(first: 20) { id kind title publishedAt read }
    notifications(first: 20) { id kind studentId noticeId createdAt readAt }
    unread { total notices messages } } }";

/// The schools by how many students are enrolled today, largest first.
async fn schools_by_size(state: &AppState) -> anyhow::Result<Vec<(i64, usize)>> {
    let today = emis::clock::today();
    let rows: Vec<i64> = enrollment::Entity::find()
        .select_only()
        .column(enrollment::Column::SchoolId)
        .filter(active_on(enrollment::Column::StartsOn, enrollment::Column::EndsOn, today))
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut sizes: BTreeMap<i64, usize> = BTreeMap::new();
    for school in rows {
        *sizes.entry(school).or_default() += 1;
    }
    let mut sizes: Vec<(i64, usize)> = sizes.into_iter().collect();
    sizes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(sizes)
}

/// The body of a school-wide notice.
pub fn notice_body() -> Value {
    let input = json!({ "kind": "notice", "title": "Lịch họp phụ huynh cuối học kỳ I",
        "body": "Kính gửi quý phụ huynh,\nNhà trường tổ chức họp phụ huynh vào 8 giờ sáng Thứ Bảy.\nTrân trọng." });
    json!({ "query": PUBLISH, "variables": { "input": input } })
}

/// (h): the principal of each of the largest schools (up to 16), each publishing a notice to
/// their whole school; with how many students the first reaches.
pub async fn notices(state: &AppState) -> anyhow::Result<(Vec<Request>, usize)> {
    let sizes = schools_by_size(state).await?;
    let largest = sizes.first().map_or(0, |&(_, size)| size);
    let mut requests = Vec::new();
    for &(school, _) in sizes.iter().take(16) {
        let role = staff_role::Entity::find()
            .filter(staff_role::Column::Role.eq("principal"))
            .filter(staff_role::Column::OrgId.eq(school))
            .one(&state.db)
            .await?;
        let Some(role) = role else { continue };
        let principal = staff::Entity::find_by_id(role.staff_id).one(&state.db).await?.context("principal exists")?;
        let token = token(state, &principal.username.context("principal has a username")?).await?;
        let writes = crate::books::Writes::Same(notice_body());
        requests.push(Request { token, body: notice_body(), writes: Some(writes) });
    }
    Ok((requests, largest))
}

/// (i): up to 100 guardians of children of the largest school, each reading their feed.
pub async fn feeds(state: &AppState) -> anyhow::Result<Vec<Request>> {
    let Some(&(school, _)) = schools_by_size(state).await?.first() else { return Ok(Vec::new()) };
    let guardians: Vec<i64> = guardianship::Entity::find()
        .select_only()
        .column(guardianship::Column::GuardianId)
        .filter(guardianship::Column::SchoolId.eq(school))
        .filter(guardianship::Column::AccessStatus.eq("active"))
        .limit(400)
        .into_tuple()
        .all(&state.db)
        .await?;
    let mut requests = Vec::new();
    for id in guardians {
        let Some(person) = guardian::Entity::find_by_id(id).one(&state.db).await? else { continue };
        let (Some(username), "active") = (person.username, person.status.as_str()) else { continue };
        let token = token(state, &username).await?;
        requests.push(Request { token, body: json!({ "query": FEED }), writes: None });
        if requests.len() == 100 {
            break;
        }
    }
    Ok(requests)
}
