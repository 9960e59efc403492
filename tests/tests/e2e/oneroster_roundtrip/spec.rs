//! The shape of a generated package, as proptest draws and shrinks it: schools, their classes,
//! students, guardians and teachers, and what each row chooses (names by index into
//! `words.rs`, optional values, flags, day offsets). Shrinking removes schools, classes,
//! students and results and turns choices towards the first word, so a failing package
//! shrinks to a small, readable one.

use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;

/// A whole package.
#[derive(Clone, Debug)]
pub struct Spec {
    /// Seeds the package's random `sourcedId`s.
    pub salt: u32,
    /// The calendar year the school year starts in.
    pub year: i32,
    /// Indices into `words::SUBJECTS`, distinct, in order.
    pub subjects: Vec<usize>,
    pub schools: Vec<SchoolSpec>,
}

#[derive(Clone, Debug)]
pub struct SchoolSpec {
    pub name: usize,
    pub teachers: Vec<PersonSpec>,
    pub principal: Option<PersonSpec>,
    pub classes: Vec<ClassSpec>,
}

/// A person's names (family, middle words, given, by index), account, status and the day
/// their role begins (days after the school year starts).
#[derive(Clone, Debug)]
pub struct PersonSpec {
    pub family: usize,
    pub middle: Vec<usize>,
    pub given: usize,
    pub username: bool,
    /// Staff: an index into `words::STAFF_STATUSES`; students and guardians: enabled (0) or
    /// not (a student dropped out, a guardian's account disabled).
    pub status: usize,
    pub begin: u16,
}

#[derive(Clone, Debug)]
pub struct ClassSpec {
    pub grade: i16,
    /// Indices into the school's teachers (taken modulo their number).
    pub homeroom_teacher: usize,
    pub section_teachers: Vec<usize>,
    pub teacher_primary: Option<bool>,
    /// Days after the school year starts that its teachers begin, and after that that they
    /// end (when they do).
    pub teacher_begin: u8,
    pub teacher_end: Option<u8>,
    /// Which of the package's subjects the class is taught (bit `i`: subject `i`); at least one.
    pub subjects: u8,
    pub periods: usize,
    /// Regular columns per semester.
    pub regular: Vec<u8>,
    pub students: Vec<StudentSpec>,
}

#[derive(Clone, Debug)]
pub struct StudentSpec {
    pub person: PersonSpec,
    pub national_id: Option<u32>,
    pub address: Option<usize>,
    pub birth: Option<u16>,
    pub male: Option<bool>,
    pub ethnicity: Option<usize>,
    pub religion: Option<usize>,
    pub health: Option<usize>,
    pub guardians: Vec<GuardianSpec>,
    pub begin: u8,
    pub primary: Option<bool>,
    /// Per subject of the class: the enrollment in its scheduled class the package gives
    /// under an id of its own, or none (EMIS then derives it).
    pub scheduled: Vec<Option<ScheduledSpec>>,
    /// Cycled over the class's line items.
    pub results: Vec<ResultSpec>,
}

/// A student's enrollment in a scheduled class: `primary`, and the days after the homeroom
/// enrollment begins that it begins, and after that that it ends.
#[derive(Clone, Debug)]
pub struct ScheduledSpec {
    pub primary: Option<bool>,
    pub begin: Option<u8>,
    pub end: Option<u8>,
}

/// A student's guardian: one of their own, or the previous student's first (siblings).
#[derive(Clone, Debug)]
pub enum GuardianSpec {
    Own { person: PersonSpec, relationship: usize },
    Sibling,
}

#[derive(Clone, Debug)]
pub struct ResultSpec {
    pub given: bool,
    pub tenths: u8,
    pub passed: bool,
    pub comment: Option<usize>,
    /// A value (`Graded`), or none: missed with a make-up owed, missed for good, excused.
    pub status: Unscored,
}

/// What a result row without a value says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unscored {
    Graded,
    MakeUpOwed,
    NoMakeUp,
    Exempt,
}

fn person() -> impl Strategy<Value = PersonSpec> {
    let status = prop_oneof![6 => Just(0usize), 1 => 1..4usize];
    (0..16usize, vec(0..16usize, 0..=2), 0..24usize, any::<bool>(), status, 0..200u16).prop_map(
        |(family, middle, given, username, status, begin)| PersonSpec {
            family,
            middle,
            given,
            username,
            status,
            begin,
        },
    )
}

fn guardian() -> impl Strategy<Value = GuardianSpec> {
    prop_oneof![
        (person(), 0..3usize).prop_map(|(person, relationship)| GuardianSpec::Own { person, relationship }),
        Just(GuardianSpec::Sibling),
    ]
}

fn result() -> impl Strategy<Value = ResultSpec> {
    let status = prop_oneof![
        12 => Just(Unscored::Graded),
        1 => Just(Unscored::MakeUpOwed),
        1 => Just(Unscored::NoMakeUp),
        1 => Just(Unscored::Exempt),
    ];
    (prop::bool::weighted(0.8), 0..=100u8, any::<bool>(), option::weighted(0.3, 0..6usize), status)
        .prop_map(|(given, tenths, passed, comment, status)| ResultSpec { given, tenths, passed, comment, status })
}

fn student() -> impl Strategy<Value = StudentSpec> {
    let sensitive = (
        option::of(any::<u32>()),
        option::of(0..8usize),
        option::of(0..365u16),
        option::of(any::<bool>()),
        option::of(0..8usize),
        option::of(0..4usize),
        option::weighted(0.3, 0..4usize),
    );
    let own = (option::of(any::<bool>()), option::of(0..60u8), option::weighted(0.2, 0..90u8))
        .prop_map(|(primary, begin, end)| ScheduledSpec { primary, begin, end });
    let scheduled = vec(option::of(own), 3);
    (person(), sensitive, vec(guardian(), 0..=2), 0..30u8, option::of(any::<bool>()), scheduled, vec(result(), 1..=5))
        .prop_map(
            |(
                person,
                (national_id, address, birth, male, ethnicity, religion, health),
                guardians,
                begin,
                primary,
                scheduled,
                results,
            )| {
                StudentSpec {
                    person,
                    national_id,
                    address,
                    birth,
                    male,
                    ethnicity,
                    religion,
                    health,
                    guardians,
                    begin,
                    primary,
                    scheduled,
                    results,
                }
            },
        )
}

fn class() -> impl Strategy<Value = ClassSpec> {
    (
        6..=9i16,
        0..3usize,
        vec(0..3usize, 3),
        (option::of(any::<bool>()), 0..60u8, option::weighted(0.2, 0..120u8)),
        1..8u8,
        0..4usize,
        vec(1..=3u8, 2),
        vec(student(), 1..=4),
    )
        .prop_map(
            |(
                grade,
                homeroom_teacher,
                section_teachers,
                (teacher_primary, teacher_begin, teacher_end),
                subjects,
                periods,
                regular,
                students,
            )| {
                ClassSpec {
                    grade,
                    homeroom_teacher,
                    section_teachers,
                    teacher_primary,
                    teacher_begin,
                    teacher_end,
                    subjects,
                    periods,
                    regular,
                    students,
                }
            },
        )
}

fn school() -> impl Strategy<Value = SchoolSpec> {
    (0..8usize, vec(person(), 1..=3), option::of(person()), vec(class(), 1..=2))
        .prop_map(|(name, teachers, principal, classes)| SchoolSpec { name, teachers, principal, classes })
}

/// Packages of one department, one or two schools, one to three subjects.
pub fn spec() -> impl Strategy<Value = Spec> {
    let subjects = prop::sample::subsequence((0..super::words::SUBJECTS.len()).collect::<Vec<_>>(), 1..=3);
    (any::<u32>(), 2023..=2025i32, subjects, vec(school(), 1..=2)).prop_map(|(salt, year, subjects, schools)| Spec {
        salt,
        year,
        subjects,
        schools,
    })
}
