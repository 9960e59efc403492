//! The subjects each grade takes under the 2018 general education programme, with their
//! yearly periods: what a new class's sections are (one per subject, by the codes of the
//! Ministry's subject list).

use entity::SchoolLevel;

/// The subjects a class of `grade` at a school of `level` takes, as (code, periods per year).
pub fn curriculum(level: SchoolLevel, grade: i16) -> Vec<(&'static str, i32)> {
    match level {
        SchoolLevel::Th => {
            let mut subjects =
                vec![("tieng_viet", if grade == 1 { 420 } else { 350 }), ("toan", if grade == 1 { 105 } else { 175 })];
            if grade >= 3 {
                subjects.push(("tieng_anh", 140));
            }
            subjects.extend([("tnxh", 70), ("dao_duc", 35)]);
            subjects
        }
        SchoolLevel::Thcs | SchoolLevel::Thpt => vec![
            ("toan", 140),
            ("ngu_van", 140),
            ("tieng_anh", 105),
            ("khtn", 140),
            ("lsdl", 105),
            ("gdcd", 35),
            ("cong_nghe", if grade >= 8 { 52 } else { 35 }),
            ("tin_hoc", 35),
            ("gdtc", 70),
            ("nghe_thuat", 70),
            ("hdtn", 105),
            ("gddp", 35),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::curriculum;
    use emis_oneroster::vocabulary::subjects::MINISTRY_SUBJECTS;
    use entity::SchoolLevel;

    #[test]
    fn every_grade_takes_only_subjects_of_the_ministrys_list() {
        for level in SchoolLevel::ALL {
            for grade in level.grades() {
                for (code, periods) in curriculum(*level, grade) {
                    assert!(MINISTRY_SUBJECTS.iter().any(|subject| subject.code == code), "{code}");
                    assert!(periods > 0);
                }
            }
        }
    }
}
