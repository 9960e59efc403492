//! The Ministry's subject list (the 2018 general education programme) as packages spell it:
//! each subject's EMIS code, its Vietnamese name and the other spellings schools use
//! (`TOAN`, `toan`, `Toán`, `TIENGVIET`, `Tiếng Việt`…). A subject is identified by any of
//! them, folded (case, diacritics, spaces, underscores and hyphens ignored), never by one
//! code string.

use super::{folded_key, plain_key};

/// A subject of the Ministry's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MinistrySubject {
    /// EMIS's code for it.
    pub code: &'static str,
    /// Its name in the programme.
    pub name: &'static str,
    /// Other spellings and short forms.
    pub spellings: &'static [&'static str],
}

const fn subject(code: &'static str, name: &'static str, spellings: &'static [&'static str]) -> MinistrySubject {
    MinistrySubject { code, name, spellings }
}

/// The list: primary, lower and upper secondary subjects.
pub const MINISTRY_SUBJECTS: &[MinistrySubject] = &[
    subject("toan", "Toán", &["Toán học", "Math", "Mathematics"]),
    subject("tieng_viet", "Tiếng Việt", &["TV", "Vietnamese"]),
    subject("ngu_van", "Ngữ văn", &["Văn", "Ngữ văn học", "Literature"]),
    subject("tieng_anh", "Tiếng Anh", &["Anh văn", "English", "TA"]),
    subject("ngoai_ngu", "Ngoại ngữ", &["Ngoại ngữ 1", "NN1", "Foreign language"]),
    subject("dao_duc", "Đạo đức", &["Ethics"]),
    subject("tnxh", "Tự nhiên và Xã hội", &["TNXH", "Tự nhiên - Xã hội"]),
    subject("khoa_hoc", "Khoa học", &["KH", "Science"]),
    subject(
        "lsdl",
        "Lịch sử và Địa lí",
        &["Lịch sử và Địa lý", "Lịch sử - Địa lí", "LS&ĐL", "LSĐL", "History and Geography"],
    ),
    subject("tin_hoc_cong_nghe", "Tin học và Công nghệ", &["Tin học - Công nghệ", "THCN"]),
    subject("tin_hoc", "Tin học", &["Informatics", "IT"]),
    subject("cong_nghe", "Công nghệ", &["Technology"]),
    subject("khtn", "Khoa học tự nhiên", &["KHTN", "Natural science"]),
    subject("gdcd", "Giáo dục công dân", &["GDCD", "Civic education"]),
    subject("gdtc", "Giáo dục thể chất", &["GDTC", "Thể dục", "Physical education"]),
    subject("nghe_thuat", "Nghệ thuật", &["Âm nhạc và Mĩ thuật", "Arts"]),
    subject("am_nhac", "Âm nhạc", &["Music"]),
    subject("mi_thuat", "Mĩ thuật", &["Mỹ thuật", "Fine arts"]),
    subject("hdtn", "Hoạt động trải nghiệm hướng nghiệp", &["Hoạt động trải nghiệm", "HĐTN", "HĐTN-HN"]),
    subject("gddp", "Giáo dục địa phương", &["Nội dung giáo dục địa phương", "GDĐP"]),
    subject("lich_su", "Lịch sử", &["History"]),
    subject("dia_li", "Địa lí", &["Địa lý", "Geography"]),
    subject("vat_li", "Vật lí", &["Vật lý", "Physics"]),
    subject("hoa_hoc", "Hóa học", &["Hoá học", "Chemistry"]),
    subject("sinh_hoc", "Sinh học", &["Biology"]),
    subject("gdktpl", "Giáo dục kinh tế và pháp luật", &["GDKT&PL", "GDKTPL"]),
    subject("gdqpan", "Giáo dục quốc phòng và an ninh", &["GDQP", "GDQPAN", "Quốc phòng"]),
];

/// `text` with everything but letters and digits dropped, then folded: `LS&ĐL` → `lsdl`.
fn subject_key(text: &str) -> String {
    folded_key(&plain_key(text)).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The Ministry subject that `text` (a code or a name) names, if any.
pub fn identify(text: &str) -> Option<&'static MinistrySubject> {
    let key = subject_key(text);
    if key.is_empty() {
        return None;
    }
    MINISTRY_SUBJECTS.iter().find(|subject| {
        std::iter::once(subject.code)
            .chain(std::iter::once(subject.name))
            .chain(subject.spellings.iter().copied())
            .any(|spelling| subject_key(spelling) == key)
    })
}

#[cfg(test)]
mod tests {
    use super::{MINISTRY_SUBJECTS, identify, subject_key};
    use std::collections::HashMap;

    #[test]
    fn codes_names_and_common_spellings_identify_the_subject() {
        for spelling in ["TOAN", "toan", "Toán", "toán học", "MATH"] {
            assert_eq!(identify(spelling).map(|subject| subject.code), Some("toan"), "{spelling}");
        }
        for spelling in ["Tiếng Việt", "TIENGVIET", "tieng_viet", "tieng-viet", "TV"] {
            assert_eq!(identify(spelling).map(|subject| subject.code), Some("tieng_viet"), "{spelling}");
        }
        assert_eq!(identify("Ngữ văn").map(|subject| subject.code), Some("ngu_van"));
        assert_eq!(identify("NGUVAN").map(|subject| subject.code), Some("ngu_van"));
        assert_eq!(identify("KHOAHOC").map(|subject| subject.code), Some("khoa_hoc"));
        assert_eq!(identify("Khoa học tự nhiên").map(|subject| subject.code), Some("khtn"));
        assert_eq!(identify("LS&ĐL").map(|subject| subject.code), Some("lsdl"));
        assert_eq!(identify("Vẽ tranh"), None);
        assert_eq!(identify(" - "), None);
    }

    #[test]
    fn no_spelling_names_two_subjects() {
        let mut owner: HashMap<String, &str> = HashMap::new();
        for subject in MINISTRY_SUBJECTS {
            let spellings = [subject.code, subject.name].into_iter().chain(subject.spellings.iter().copied());
            for spelling in spellings {
                let previous = owner.insert(subject_key(spelling), subject.code);
                assert!(previous.is_none_or(|code| code == subject.code), "{spelling} names {previous:?} too");
            }
        }
    }
}
