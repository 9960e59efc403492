//! Students of one class: sealed personal records (identity number, address, ethnicity,
//! religion, health notes for about one in twenty), their households and guardianships, and
//! their open enrollment in the class.

use super::families::{DEMO_PHONE, Families, Family, Member, Slot};
use super::orgs::School;
use super::person::{Ctx, Person};
use super::report::DemoAccount;
use super::teaching::{ClassPlan, YEAR_START};
use super::vocab::HEALTH_NOTES;
use super::{DEMO_PASSWORD, SeedOptions};
use chrono::NaiveDate;
use entity::{StudentStatus, enrollment, guardianship, student};
use rand::Rng as _;

/// A student as the records generator needs them: id and a steady level of achievement.
pub struct Pupil {
    pub id: i64,
    /// Typical score, 5.0–9.5.
    pub ability: f64,
}

/// The demo student account: the demo guardian's first child, in grade 6.
const DEMO_STUDENT: &str = "hocsinh";

/// Creates the students of `class`, the `index`-th class of `school`. The first student of
/// the demo school's first two classes are the children of the demo guardian.
pub fn class(
    ctx: &mut Ctx,
    families: &mut Families,
    school: &School,
    (index, class): (usize, &ClassPlan),
    opts: &SeedOptions,
) -> anyhow::Result<Vec<Pupil>> {
    let mut pupils = Vec::with_capacity(opts.students_per_class);
    for seat in 0..opts.students_per_class {
        let slot = match (school.is_demo, index, seat) {
            (true, 0, 0) => Slot::DemoFirst,
            (true, 1, 0) => Slot::DemoSecond,
            _ => Slot::Any,
        };
        pupils.push(student(ctx, families, school, class, slot)?);
    }
    Ok(pupils)
}

fn student(
    ctx: &mut Ctx,
    families: &mut Families,
    school: &School,
    class: &ClassPlan,
    slot: Slot,
) -> anyhow::Result<Pupil> {
    let id = ctx.next_id("student");
    let held_back = ctx.rng.gen_bool(0.03);
    // grade 1 of 2026-2027 was born in 2020
    let birth_year = 2021 - i32::from(class.grade) - i32::from(held_back);
    let gender = ctx.gender();
    let family = families.family_for(ctx, school.id, slot, birth_year)?;
    let mut person = ctx.person(Some(&family.surname), gender, birth_year, true)?;
    person.address.clone_from(&family.address);
    let mut row = student_row(ctx, (id, school.id), &person, &family)?;
    if slot == Slot::DemoFirst {
        row.username = Some(DEMO_STUDENT.to_owned());
        row.password_hash = Some(ctx.password_hash.clone());
        ctx.add_account(student_account(school, &person.full_name(), &class.name));
    }
    ctx.rows.students.push(row);
    guardianships(ctx, (id, school.id), person.birth_date, &family.members);
    enroll(ctx, school.id, id, class.id);
    if slot != Slot::Any {
        let child = format!("{} ({})", person.full_name(), class.name);
        families.demo_children.push(child);
        if slot == Slot::DemoSecond {
            ctx.add_account(guardian_account(school, &families.demo_children));
        }
    }
    let ability = (ctx.rng.gen_range(4.5..9.5) + ctx.rng.gen_range(5.5..9.5)) / 2.0;
    Ok(Pupil { id, ability })
}

/// The student's row, sensitive values sealed under a new data key.
fn student_row(
    ctx: &mut Ctx,
    (id, school_id): (i64, i64),
    person: &Person,
    family: &Family,
) -> anyhow::Result<student::Model> {
    let key = ctx.person_key("student", id)?;
    let health = ctx.rng.gen_bool(0.05).then(|| ctx.pick(HEALTH_NOTES));
    Ok(student::Model {
        id,
        external_id: format!("79{id:08}"),
        family_name: person.family_name.clone(),
        given_name: person.given_name.clone(),
        full_name: person.full_name(),
        search_name: person.search_name(),
        sort_name: person.sort_name(),
        gender: person.gender(),
        birth_date: Some(person.birth_date),
        identity_no_enc: Some(key.seal("identity_no_enc", &person.identity_no)?),
        identity_no_blind: Some(ctx.blind("student.identity_no", &person.identity_no)),
        address_enc: Some(key.seal("address_enc", &person.address)?),
        school_id,
        ethnicity_enc: Some(key.seal("ethnicity_enc", family.ethnicity)?),
        religion_enc: Some(key.seal("religion_enc", family.religion)?),
        health_enc: health.map(|note| key.seal("health_enc", note)).transpose()?,
        status: StudentStatus::Studying.as_str().to_owned(),
        username: None,
        password_hash: None,
    })
}

/// One guardianship per household member; parents' start at birth.
fn guardianships(ctx: &mut Ctx, (student_id, school_id): (i64, i64), born: NaiveDate, members: &[Member]) {
    for member in members {
        let id = ctx.next_id("guardianship");
        ctx.rows.guardianships.push(guardianship::Model {
            id,
            guardian_id: member.guardian_id,
            student_id,
            school_id,
            relationship: member.relationship.as_str().to_owned(),
            access_status: member.access.as_str().to_owned(),
            starts_on: member.starts_on.unwrap_or(born).max(born),
            ends_on: member.ends_on,
        });
    }
}

fn enroll(ctx: &mut Ctx, school_id: i64, student_id: i64, class_id: i64) {
    let id = ctx.next_id("enrollment");
    ctx.rows.enrollments.push(enrollment::Model {
        id,
        external_id: None,
        school_id,
        student_id,
        class_id,
        starts_on: YEAR_START,
        ends_on: None,
        is_primary: None,
    });
}

fn guardian_account(school: &School, children: &[String]) -> DemoAccount {
    let children = children.join(" & ");
    DemoAccount {
        role: "guardian",
        username: "phuhuynh".to_owned(),
        phone: Some(DEMO_PHONE.to_owned()),
        password: DEMO_PASSWORD,
        description_en: format!("Mother of {children}, {}", school.name),
        description_vi: format!("Mẹ của {children}, {}", school.name),
    }
}

fn student_account(school: &School, name: &str, class: &str) -> DemoAccount {
    DemoAccount {
        role: "student",
        username: DEMO_STUDENT.to_owned(),
        phone: None,
        password: DEMO_PASSWORD,
        description_en: format!("Student {name} ({class}), {}, child of phuhuynh", school.name),
        description_vi: format!("Học sinh {name} ({class}), {}, con của phuhuynh", school.name),
    }
}
