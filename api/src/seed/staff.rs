//! Staff: sealed personal records with sign-in, employment status history, and dated roles
//! (principal, vice principal, clerk, privacy officer at schools; officers at offices),
//! including staff who transferred away.

use super::orgs::School;
use super::person::{Ctx, Person, at, phone};
use super::report::DemoAccount;
use super::{DEMO_PASSWORD, date, ymd};
use chrono::NaiveDate;
use entity::{Gender, RoleKind, StaffStatus, staff, staff_role, staff_status_history};
use rand::Rng as _;

/// Who is hired, where, and how their employment stands.
pub struct Hire {
    /// The school (or office) the staff member belongs to.
    pub org_id: i64,
    pub username: String,
    pub status: StaffStatus,
    /// When the current status began, for staff who are no longer active.
    pub status_since: Option<NaiveDate>,
}

impl Hire {
    /// A staff member in active service.
    pub fn active(org_id: i64, username: String) -> Self {
        Self { org_id, username, status: StaffStatus::Active, status_since: None }
    }
}

/// A staff member as created: id and full name.
pub struct Hired {
    pub id: i64,
    pub full_name: String,
}

/// Creates a staff member (mostly women, as in Vietnamese schools) with history rows.
pub fn add(ctx: &mut Ctx, hire: Hire) -> anyhow::Result<Hired> {
    let id = ctx.next_id("staff");
    let gender = if ctx.rng.gen_bool(0.7) { Gender::Female } else { Gender::Male };
    let birth_year = ctx.rng.gen_range(1970..=1998);
    let person = ctx.person(None, gender, birth_year, false)?;
    let hired_on = ymd(birth_year + ctx.rng.gen_range(23..=30), 8, 15)?.min(date(2025, 8, 15));
    history(ctx, id, hire.org_id, StaffStatus::Active, hired_on);
    if let (Some(since), false) = (hire.status_since, hire.status == StaffStatus::Active) {
        history(ctx, id, hire.org_id, hire.status, since);
    }
    let row = staff_row(ctx, id, &person, hire)?;
    ctx.rows.staff.push(row);
    Ok(Hired { id, full_name: person.full_name() })
}

/// The staff row, sensitive values sealed under a new data key.
fn staff_row(ctx: &mut Ctx, id: i64, person: &Person, hire: Hire) -> anyhow::Result<staff::Model> {
    let key = ctx.person_key("staff", id)?;
    let phone = phone("03", id);
    let email = format!("{}@emis.example", hire.username);
    Ok(staff::Model {
        id,
        external_id: format!("CB{id:08}"),
        family_name: person.family_name.clone(),
        given_name: person.given_name.clone(),
        full_name: person.full_name(),
        search_name: person.search_name(),
        sort_name: person.sort_name(),
        gender: person.gender(),
        birth_date: Some(person.birth_date),
        identity_no_enc: Some(key.seal("identity_no_enc", &person.identity_no)?),
        identity_no_blind: Some(ctx.blind("staff.identity_no", &person.identity_no)),
        address_enc: Some(key.seal("address_enc", &person.address)?),
        school_id: hire.org_id,
        username: Some(hire.username),
        password_hash: Some(ctx.password_hash.clone()),
        phone_enc: Some(key.seal("phone_enc", &phone)?),
        phone_blind: Some(ctx.blind("staff.phone", &phone)),
        email_enc: Some(key.seal("email_enc", &email)?),
        status: hire.status.as_str().to_owned(),
    })
}

fn history(ctx: &mut Ctx, staff_id: i64, school_id: i64, status: StaffStatus, from: NaiveDate) {
    let id = ctx.next_id("staff_status_history");
    ctx.rows.staff_history.push(staff_status_history::Model {
        id,
        staff_id,
        school_id,
        status: status.as_str().to_owned(),
        effective_from: from,
        recorded_at: at(from, 9),
        note: None,
        to_school_id: None,
        recorded_by_id: None,
    });
}

/// Gives `staff_id` the dated `role` at `org_id`.
pub fn role(ctx: &mut Ctx, staff_id: i64, org_id: i64, role: RoleKind, span: (NaiveDate, Option<NaiveDate>)) {
    let id = ctx.next_id("staff_role");
    let (starts_on, ends_on) = span;
    let role = role.as_str().to_owned();
    ctx.rows.staff_roles.push(staff_role::Model { id, external_id: None, staff_id, org_id, role, starts_on, ends_on });
}

/// A leadership or office post of a school, with the demo account that holds it.
struct Post {
    kind: RoleKind,
    since: NaiveDate,
    demo_name: &'static str,
    en: &'static str,
    vi: &'static str,
}

const POSTS: [Post; 4] = [
    Post {
        kind: RoleKind::Principal,
        since: date(2021, 8, 1),
        demo_name: "hieutruong",
        en: "Principal",
        vi: "Hiệu trưởng",
    },
    Post {
        kind: RoleKind::VicePrincipal,
        since: date(2022, 8, 1),
        demo_name: "phohieutruong",
        en: "Vice principal",
        vi: "Phó hiệu trưởng",
    },
    Post { kind: RoleKind::Clerk, since: date(2018, 8, 15), demo_name: "vanthu", en: "Clerk", vi: "Văn thư" },
    Post {
        kind: RoleKind::PrivacyOfficer,
        since: date(2026, 1, 1),
        demo_name: "baomat",
        en: "Privacy officer",
        vi: "Cán bộ bảo vệ dữ liệu cá nhân",
    },
];

/// The leadership and office staff of a school. Outside the demo school the previous vice
/// principal transferred away on 2026-07-01 and a new one took over.
pub fn admins(ctx: &mut Ctx, school: &School, usernames: &mut Usernames) -> anyhow::Result<()> {
    for post in POSTS {
        let suffixed = match (post.kind, school.demo_suffix) {
            (RoleKind::Principal, Some(suffix)) => Some(format!("{}{suffix}", post.demo_name)),
            _ => None,
        };
        let username = suffixed.clone().unwrap_or_else(|| usernames.next(Some(post.demo_name)));
        let hired = add(ctx, Hire::active(school.id, username.clone()))?;
        let mut since = post.since;
        if post.kind == RoleKind::VicePrincipal && !school.is_demo {
            since = date(2026, 7, 1);
            transferred_vice_principal(ctx, school, usernames)?;
        }
        role(ctx, hired.id, school.id, post.kind, (since, None));
        if school.is_demo || suffixed.is_some() {
            ctx.add_account(DemoAccount {
                role: post.kind.as_str(),
                username,
                phone: None,
                password: DEMO_PASSWORD,
                description_en: format!("{} of {}: {}", post.en, school.name, hired.full_name),
                description_vi: format!("{} {}: {}", post.vi, school.name, hired.full_name),
            });
        }
    }
    Ok(())
}

/// A vice principal who transferred to another school: record kept, role ended.
fn transferred_vice_principal(ctx: &mut Ctx, school: &School, usernames: &mut Usernames) -> anyhow::Result<()> {
    let hire = Hire {
        org_id: school.id,
        username: usernames.next(None),
        status: StaffStatus::Transferred,
        status_since: Some(date(2026, 7, 1)),
    };
    let hired = add(ctx, hire)?;
    let span = (date(2019, 8, 1), Some(date(2026, 6, 30)));
    role(ctx, hired.id, school.id, RoleKind::VicePrincipal, span);
    Ok(())
}

/// Usernames of one school's staff: `gv.<school>.<n>`, or the fixed demo names in the demo
/// school.
pub struct Usernames {
    short: String,
    next: usize,
    demo: bool,
}

impl Usernames {
    pub fn new(school: &School) -> Self {
        Self { short: school.short.clone(), next: 0, demo: school.is_demo }
    }

    /// The next username, or `demo_name` in the demo school.
    pub fn next(&mut self, demo_name: Option<&str>) -> String {
        match demo_name {
            Some(name) if self.demo => name.to_owned(),
            _ => {
                self.next += 1;
                format!("gv.{}.{}", self.short, self.next)
            }
        }
    }
}
