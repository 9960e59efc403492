//! The assessment rules of the school books as pure functions over plain values — no
//! database, no clock, no I/O. Averages, subject results, learning results, year conduct,
//! promotion and awards are always derived from what teachers record, never typed in.
//!
//! A rule set is chosen by school year and grade ([`RuleSet::for_class`]), so a year keeps
//! the rules it was assessed under when later rules change. Where the circulars leave a
//! choice to practice, it is a [`secondary::Settings`] field.

pub mod primary;
pub mod rounding;
pub mod secondary;

/// The rules a class is assessed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleSet {
    /// Circular 27/2020/TT-BGDĐT: primary (grades 1–5), the summary book ([`primary`]).
    Circular27,
    /// Circular 22/2021/TT-BGDĐT: lower and upper secondary (grades 6–12) ([`secondary`]).
    Circular22,
}

impl RuleSet {
    /// The rules of grade `grade` in the school year that starts in `year_start` (2024 for
    /// 2024–2025). Both circulars came in grade by grade: Circular 27 in grade 1 from
    /// 2020–2021 up to grade 5 from 2024–2025; Circular 22 in grade 6 from 2021–2022, grades
    /// 7 and 10 from 2022–2023, grades 8 and 11 from 2023–2024, grades 9 and 12 from
    /// 2024–2025. `None` for earlier years, assessed under older rules, whose stored results
    /// are kept as recorded.
    pub fn for_class(year_start: i32, grade: u8) -> Option<Self> {
        let (rules, first_year) = match grade {
            1..=5 => (Self::Circular27, 2019 + i32::from(grade)),
            6 => (Self::Circular22, 2021),
            7 | 10 => (Self::Circular22, 2022),
            8 | 11 => (Self::Circular22, 2023),
            9 | 12 => (Self::Circular22, 2024),
            _ => return None,
        };
        (year_start >= first_year).then_some(rules)
    }
}

#[cfg(test)]
mod tests {
    use super::RuleSet;

    #[test]
    fn each_circular_applies_grade_by_grade_from_its_first_year() {
        assert_eq!(RuleSet::for_class(2021, 6), Some(RuleSet::Circular22));
        assert_eq!(RuleSet::for_class(2020, 6), None);
        assert_eq!(RuleSet::for_class(2021, 7), None);
        assert_eq!(RuleSet::for_class(2022, 10), Some(RuleSet::Circular22));
        assert_eq!(RuleSet::for_class(2023, 9), None);
        assert_eq!(RuleSet::for_class(2024, 12), Some(RuleSet::Circular22));
        assert_eq!(RuleSet::for_class(2020, 1), Some(RuleSet::Circular27));
        assert_eq!(RuleSet::for_class(2023, 5), None, "grade 5 came under Circular 27 in 2024–2025");
        assert_eq!(RuleSet::for_class(2026, 5), Some(RuleSet::Circular27));
        assert_eq!(RuleSet::for_class(2026, 13), None);
    }
}
