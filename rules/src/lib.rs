//! The assessment rules of the school books as pure functions over plain values — no
//! database, no clock, no I/O. Averages, subject results, learning results, year conduct,
//! promotion and awards are always derived from what teachers record, never typed in.
//!
//! A rule set is chosen by school year and grade ([`RuleSet::for_class`]), so a year keeps
//! the rules it was assessed under when later rules change. Where the circulars leave a
//! choice to practice, it is a [`secondary::Settings`] field.

pub mod rounding;
pub mod secondary;

/// The rules a class is assessed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleSet {
    /// Circular 22/2021/TT-BGDĐT: lower and upper secondary (grades 6–12).
    Circular22,
}

impl RuleSet {
    /// The rules of grade `grade` in the school year that starts in `year_start` (2024 for
    /// 2024–2025). Circular 22 came in grade by grade: grade 6 from 2021–2022, grades 7 and
    /// 10 from 2022–2023, grades 8 and 11 from 2023–2024, grades 9 and 12 from 2024–2025.
    /// `None` for years and grades it does not cover: primary grades (Circular 27, whose
    /// book has no computed averages) and secondary years assessed under the older rules,
    /// whose stored results are kept as recorded.
    pub fn for_class(year_start: i32, grade: u8) -> Option<Self> {
        let first_year = match grade {
            6 => 2021,
            7 | 10 => 2022,
            8 | 11 => 2023,
            9 | 12 => 2024,
            _ => return None,
        };
        (year_start >= first_year).then_some(Self::Circular22)
    }
}

#[cfg(test)]
mod tests {
    use super::RuleSet;

    #[test]
    fn circular_22_applies_grade_by_grade_from_its_first_year() {
        assert_eq!(RuleSet::for_class(2021, 6), Some(RuleSet::Circular22));
        assert_eq!(RuleSet::for_class(2020, 6), None);
        assert_eq!(RuleSet::for_class(2021, 7), None);
        assert_eq!(RuleSet::for_class(2022, 10), Some(RuleSet::Circular22));
        assert_eq!(RuleSet::for_class(2023, 9), None);
        assert_eq!(RuleSet::for_class(2024, 12), Some(RuleSet::Circular22));
        assert_eq!(RuleSet::for_class(2026, 5), None, "primary grades keep the summary book");
        assert_eq!(RuleSet::for_class(2026, 13), None);
    }
}
