//! Households: guardians (father, mother or another guardian) with sealed contact details,
//! shared by siblings — in the same school and, for a few families, in two schools. Some
//! guardianships are restricted (court order) or have ended.

use super::person::{Ctx, Person, phone};
use super::vocab::{ETHNICITIES, FAMILY_NAMES, RELIGIONS};
use super::{date, ymd};
use chrono::NaiveDate;
use entity::{AccessStatus, Gender, GuardianStatus, Relationship, guardian};
use rand::Rng as _;
use std::collections::BTreeMap;

/// The phone of the demo guardian `phuhuynh`, which also signs in.
pub const DEMO_PHONE: &str = "0901234567";

/// A guardian of a household and how their guardianships look.
#[derive(Clone, Copy)]
pub struct Member {
    pub guardian_id: i64,
    pub relationship: Relationship,
    pub access: AccessStatus,
    /// For guardians other than parents: when they took charge.
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

impl Member {
    fn new(guardian_id: i64, relationship: Relationship, access: AccessStatus) -> Self {
        Self { guardian_id, relationship, access, starts_on: None, ends_on: None }
    }
}

/// One household.
#[derive(Clone)]
pub struct Family {
    /// The children's family name.
    pub surname: String,
    pub address: String,
    pub ethnicity: &'static str,
    pub religion: &'static str,
    pub members: Vec<Member>,
    children: u32,
}

/// Where a student's family comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// An ordinary student.
    Any,
    /// The first child of the demo guardian.
    DemoFirst,
    /// The second child of the demo guardian.
    DemoSecond,
}

/// Every household created so far.
#[derive(Default)]
pub struct Families {
    list: Vec<Family>,
    by_school: BTreeMap<i64, Vec<usize>>,
    demo: Option<usize>,
    /// "Name (class)" of the demo guardian's children.
    pub demo_children: Vec<String>,
}

impl Families {
    /// The household of a new student of `school_id` born in `birth_year`: about 8 % join a
    /// household of the same school (siblings), 1.5 % one of another school.
    pub fn family_for(&mut self, ctx: &mut Ctx, school_id: i64, slot: Slot, birth_year: i32) -> anyhow::Result<Family> {
        let index = match (slot, self.demo) {
            (Slot::DemoSecond, Some(demo)) => demo,
            (Slot::DemoFirst, _) | (Slot::DemoSecond, None) => {
                let index = self.create(ctx, birth_year, true)?;
                self.demo = Some(index);
                index
            }
            (Slot::Any, _) => self.pick_or_create(ctx, school_id, birth_year)?,
        };
        self.by_school.entry(school_id).or_default().push(index);
        let family = &mut self.list[index];
        family.children += 1;
        Ok(family.clone())
    }

    fn pick_or_create(&mut self, ctx: &mut Ctx, school_id: i64, birth_year: i32) -> anyhow::Result<usize> {
        let roll: f64 = ctx.rng.r#gen();
        let candidates: Vec<usize> = if roll < 0.08 {
            self.by_school.get(&school_id).cloned().unwrap_or_default()
        } else if roll < 0.095 {
            let others = self.by_school.iter().filter(|(id, _)| **id != school_id);
            others.flat_map(|(_, list)| list.iter().copied()).collect()
        } else {
            Vec::new()
        };
        let open: Vec<usize> =
            candidates.into_iter().filter(|i| Some(*i) != self.demo && self.list[*i].children < 3).collect();
        if open.is_empty() {
            return self.create(ctx, birth_year, false);
        }
        Ok(open[ctx.rng.gen_range(0..open.len())])
    }

    /// A new household with its guardians: both parents (70 %), the mother (17 %, one in ten
    /// of them with an aunt whose guardianship ended), the father (8 %) or a grandparent
    /// (5 %). The demo household has both parents, the mother being the demo guardian.
    fn create(&mut self, ctx: &mut Ctx, child_year: i32, demo: bool) -> anyhow::Result<usize> {
        let mut family = Family {
            surname: ctx.pick_weighted(FAMILY_NAMES).to_owned(),
            address: ctx.address(),
            ethnicity: ctx.pick_weighted(ETHNICITIES),
            religion: ctx.pick_weighted(RELIGIONS),
            members: Vec::new(),
            children: 0,
        };
        let roll: f64 = if demo { 0.0 } else { ctx.rng.r#gen() };
        let mother_year = child_year - ctx.rng.gen_range(24..=38);
        if roll < 0.87 {
            add(ctx, &mut family, Relationship::Mother, mother_year, demo)?;
            if roll >= 0.70 && ctx.rng.gen_bool(0.1) {
                let aunt = add(ctx, &mut family, Relationship::Guardian, mother_year - 3, false)?;
                (aunt.starts_on, aunt.ends_on) = (Some(date(2023, 9, 1)), Some(date(2026, 6, 30)));
            }
        }
        if roll < 0.70 || (0.87..0.95).contains(&roll) {
            let father_year = mother_year - ctx.rng.gen_range(0..=5);
            let father = add(ctx, &mut family, Relationship::Father, father_year, false)?;
            if !demo && roll < 0.70 && ctx.rng.gen_bool(0.03) {
                father.access = AccessStatus::Restricted;
            }
        }
        if roll >= 0.95 {
            let grandparent_year = child_year - ctx.rng.gen_range(50..=60);
            let since = ymd(child_year + ctx.rng.gen_range(1..=6), 6, 1)?;
            let grandparent = add(ctx, &mut family, Relationship::Guardian, grandparent_year, false)?;
            grandparent.starts_on = Some(since);
        }
        self.list.push(family);
        Ok(self.list.len() - 1)
    }
}

/// Creates a guardian and adds them to `family`; returns the new member to adjust.
fn add<'f>(
    ctx: &mut Ctx,
    family: &'f mut Family,
    relationship: Relationship,
    birth_year: i32,
    demo: bool,
) -> anyhow::Result<&'f mut Member> {
    let id = ctx.next_id("guardian");
    let gender = match relationship {
        Relationship::Father => Gender::Male,
        Relationship::Mother => Gender::Female,
        Relationship::Guardian => ctx.gender(),
    };
    let surname = (relationship == Relationship::Father).then_some(family.surname.as_str());
    let mut person = ctx.person(surname, gender, birth_year, false)?;
    person.address.clone_from(&family.address);
    let row = guardian_row(ctx, id, &person, demo)?;
    ctx.rows.guardians.push(row);
    family.members.push(Member::new(id, relationship, AccessStatus::Active));
    family.members.last_mut().ok_or_else(|| anyhow::anyhow!("no member was added"))
}

/// The guardian's row, sensitive values sealed under a new data key. The demo guardian is
/// `phuhuynh` with phone [`DEMO_PHONE`]; others are `ph.<id>`.
fn guardian_row(ctx: &mut Ctx, id: i64, person: &Person, demo: bool) -> anyhow::Result<guardian::Model> {
    let key = ctx.person_key("guardian", id)?;
    let (username, phone) =
        if demo { ("phuhuynh".to_owned(), DEMO_PHONE.to_owned()) } else { (format!("ph.{id}"), phone("09", id)) };
    let email = format!("{}.{id}@example.com", crate::text::fold(&person.given_name));
    Ok(guardian::Model {
        id,
        external_id: format!("PH{id:08}"),
        family_name: person.family_name.clone(),
        given_name: person.given_name.clone(),
        full_name: person.full_name(),
        search_name: person.search_name(),
        sort_name: person.sort_name(),
        gender: person.gender(),
        birth_date: Some(person.birth_date),
        identity_no_enc: Some(key.seal("identity_no_enc", &person.identity_no)?),
        identity_no_blind: Some(ctx.blind("guardian.identity_no", &person.identity_no)),
        address_enc: Some(key.seal("address_enc", &person.address)?),
        username: Some(username),
        password_hash: Some(ctx.password_hash.clone()),
        phone_enc: Some(key.seal("phone_enc", &phone)?),
        phone_blind: Some(ctx.blind("guardian.phone", &phone)),
        email_enc: Some(key.seal("email_enc", &email)?),
        status: GuardianStatus::Active.as_str().to_owned(),
    })
}
