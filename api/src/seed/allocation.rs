//! Who teaches which sections of a school: homeroom teachers first (primary: Tiếng Việt and
//! Toán of their own class; secondary: one subject in their class and 1–3 other classes),
//! then subject teachers with 2–4 sections of one subject across classes.

use super::person::Ctx;
use super::teaching::ClassPlan;
use super::vocab::{HOMEROOM_SUBJECTS, SUBJECTS};
use entity::SchoolLevel;
use rand::Rng as _;
use std::collections::{BTreeSet, VecDeque};

/// One teacher's load: a subject, sections as (class index, section index), and the class
/// they are homeroom teacher of.
pub struct Load {
    pub subject: &'static str,
    pub sections: Vec<(usize, usize)>,
    pub homeroom: Option<usize>,
}

/// Splits every section of `classes` among teachers.
pub fn allocate(ctx: &mut Ctx, level: SchoolLevel, classes: &[ClassPlan]) -> Vec<Load> {
    let mut loads = homeroom_loads(level, classes);
    let taken: BTreeSet<(usize, usize)> = loads.iter().flat_map(|load| load.sections.iter().copied()).collect();
    for def in SUBJECTS {
        let mut open: VecDeque<(usize, usize)> =
            places_of(classes, def.code).filter(|place| !taken.contains(place)).collect();
        if level != SchoolLevel::Th {
            for load in loads.iter_mut().filter(|load| load.subject == def.code) {
                let extra = ctx.rng.gen_range(1..=3);
                load.sections.extend((0..extra).filter_map(|_| open.pop_back()));
            }
        }
        for size in chunk_sizes(ctx, open.len()) {
            let sections = open.drain(..size).collect();
            loads.push(Load { subject: def.code, sections, homeroom: None });
        }
    }
    loads
}

/// One homeroom teacher per class, teaching that class.
fn homeroom_loads(level: SchoolLevel, classes: &[ClassPlan]) -> Vec<Load> {
    let mut loads = Vec::with_capacity(classes.len());
    for (ci, class) in classes.iter().enumerate() {
        let codes: Vec<&'static str> = match level {
            SchoolLevel::Th => vec!["tieng_viet", "toan"],
            _ => vec![HOMEROOM_SUBJECTS[ci % HOMEROOM_SUBJECTS.len()]],
        };
        let sections = (0..class.sections.len())
            .filter(|si| codes.contains(&class.sections[*si].code))
            .map(|si| (ci, si))
            .collect();
        loads.push(Load { subject: codes[0], sections, homeroom: Some(ci) });
    }
    loads
}

/// Every section of subject `code`, class by class.
fn places_of(classes: &[ClassPlan], code: &'static str) -> impl Iterator<Item = (usize, usize)> {
    classes.iter().enumerate().flat_map(move |(ci, class)| {
        let matching = class.sections.iter().enumerate().filter(move |(_, s)| s.code == code);
        matching.map(move |(si, _)| (ci, si))
    })
}

/// Splits `n` sections into groups of 2–4 (a lone section only when `n` is 1).
fn chunk_sizes(ctx: &mut Ctx, n: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    let mut left = n;
    while left > 0 {
        let mut size = ctx.rng.gen_range(2..=4).min(left);
        if left - size == 1 {
            size = if size < 4 { size + 1 } else { size - 1 };
        }
        sizes.push(size);
        left -= size;
    }
    sizes
}
