//! The vocabulary shared by the policy files and the code: roles, kinds of
//! record (or field group), actions and relationships. Which relationships
//! are meaningful for which kind is in `meaning.rs`.
//!
//! Every word here is spelled exactly as it appears in `policy/policy.csv` and
//! `policy/cases.csv`; `as_str` and `FromStr` convert in both directions and
//! `ALL` lists every word in declaration order.

use std::fmt;
use std::str::FromStr;

/// Which vocabulary a word was looked up in (used in error messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vocabulary {
    /// Roles (`sub`).
    Role,
    /// Kinds of record or field group (`obj`).
    Kind,
    /// Actions (`act`).
    Action,
    /// Relationships between caller and record (`rel`).
    Relationship,
}

impl Vocabulary {
    /// The Vietnamese and English names of this vocabulary.
    pub(crate) const fn names(self) -> (&'static str, &'static str) {
        match self {
            Vocabulary::Role => ("vai trò", "role"),
            Vocabulary::Kind => ("loại dữ liệu", "kind"),
            Vocabulary::Action => ("hành động", "action"),
            Vocabulary::Relationship => ("quan hệ", "relationship"),
        }
    }
}

/// A word that is not in the vocabulary it was looked up in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName {
    /// The vocabulary that was searched.
    pub vocabulary: Vocabulary,
    /// The word as written.
    pub name: String,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (vi, en) = self.vocabulary.names();
        write!(f, "{vi} không xác định {name:?} / unknown {en} {name:?}", name = self.name)
    }
}

impl std::error::Error for UnknownName {}

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $vocab:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every word of this vocabulary, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The word as written in the policy files.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// Position in `ALL` (used to index the decision table).
            pub(crate) const fn index(self) -> usize {
                self as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            fn from_str(s: &str) -> Result<Self, UnknownName> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownName {
                        vocabulary: Vocabulary::$vocab,
                        name: s.to_owned(),
                    }),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

vocabulary! {
    /// Who is asking, as a role (`sub` in the policy).
    Role, Role {
        Guardian => "guardian",
        Student => "student",
        SubjectTeacher => "subject_teacher",
        HomeroomTeacher => "homeroom_teacher",
        Principal => "principal",
        VicePrincipal => "vice_principal",
        Clerk => "clerk",
        DistrictOfficer => "district_officer",
        PrivacyOfficer => "privacy_officer",
        Operator => "operator",
        Vendor => "vendor",
    }
}

vocabulary! {
    /// What is asked for: a kind of record or a group of fields (`obj`).
    Kind, Kind {
        Org => "org",
        School => "school",
        Class => "class",
        Section => "section",
        Subject => "subject",
        Staff => "staff",
        /// Phone and personal e-mail of a staff member.
        StaffContact => "staff.contact",
        /// Citizen identity number of a staff member.
        StaffIdentity => "staff.identity",
        /// Home address of a staff member.
        StaffAddress => "staff.address",
        Student => "student",
        /// Citizen identity number of a student.
        StudentIdentity => "student.identity",
        /// Home address of a student.
        StudentAddress => "student.address",
        /// Health and disability notes.
        StudentHealth => "student.health",
        /// Ethnicity and religion.
        StudentBackground => "student.background",
        Guardian => "guardian",
        /// Phone and personal e-mail of a guardian.
        GuardianContact => "guardian.contact",
        /// Citizen identity number of a guardian.
        GuardianIdentity => "guardian.identity",
        /// Home address of a guardian.
        GuardianAddress => "guardian.address",
        Guardianship => "guardianship",
        Enrollment => "enrollment",
        Result => "result",
        Attendance => "attendance",
        /// The history of the books' records: who changed a score, when, from what to what,
        /// and why.
        RecordChange => "record_change",
        /// A change to a locked book waiting for approval, with its reason and decision.
        ChangeRequest => "change_request",
        /// A guardian's request that their child be excused (đơn xin phép), and its decision.
        LeaveRequest => "leave_request",
        /// A student's conduct level per semester (kết quả rèn luyện), set by the homeroom
        /// teacher.
        Conduct => "conduct",
        /// A class's summary sheet (bảng tổng hợp): every student's subject results, learning
        /// result, conduct, absences, promotion and awards.
        ClassSummary => "class_summary",
        /// A student's exemption (miễn) from a subject's assessments.
        Exemption => "exemption",
        /// A student's move to another school (chuyển trường): the sending school's release
        /// and the receiving school's admission.
        Transfer => "transfer",
        /// The log of who was shown what.
        Disclosure => "disclosure",
        /// A message a school sent a person by SMS (an activation or reset code, an absence
        /// notice) from its outbox: its purpose, recipient and delivery state, never its phone
        /// or text.
        Outbox => "outbox",
        /// A staff member's, guardian's or student's account: issuing activation codes,
        /// resetting access, giving a class's students their usernames. Judged on the staff
        /// member's school, or the school of the guardian's child or of the student.
        Account => "account",
        /// The national school calendar: school years and their semesters (nobody's data).
        SchoolYear => "school_year",
        /// A school's year-end rollover: its preview (read) and the one operation that
        /// promotes, keeps back and graduates the students and locks the year's books (write).
        Rollover => "rollover",
        /// A notice, document or news a school publishes to the families of a class or the
        /// whole school, judged as each of its deliveries: a record about one student in the
        /// class they were in when it was published.
        Notice => "notice",
        /// The files attached to a notice, judged like the notice's deliveries: `write`
        /// attaches them when publishing, `read` opens them.
        Attachment => "attachment",
        /// A private conversation between a child's guardians and a teacher about that child,
        /// and its messages, members and reports: judged on the child in the class they were
        /// in when it was opened, and readable or writable only by its members (`moderate`:
        /// a reported conversation, by whoever moderates the school's).
        Message => "message",
        /// The vendors a school or an office shares records with: their registered clients
        /// (registering one, rotating its secret, suspending it) and their sharing agreements;
        /// judged on the organisation that registered the client and, for an agreement, on
        /// every school it covers.
        Sharing => "sharing",
        /// A family's decision on a purpose that needs their consent (one of the school's own
        /// on the privacy officer's list, or a vendor's sharing agreement that asks for it):
        /// given, refused or withdrawn, by a guardian or by the child from 7, when and through
        /// which channel.
        Consent => "consent",
        /// A personal-data breach a school's privacy officer recorded: what happened, when it
        /// was found, the 72-hour deadline to notify, and the students it affected.
        Breach => "breach",
        /// A guardian's request about their child's data (a copy, a correction, a
        /// restriction of processing, a deletion): what was asked, when, the legal deadlines
        /// to acknowledge and complete it, who handles it and how it ended.
        SubjectRequest => "subject_request",
    }
}

vocabulary! {
    /// What the caller wants to do (`act`).
    Action, Action {
        Read => "read",
        Write => "write",
        Approve => "approve",
        Lock => "lock",
        Export => "export",
        /// Reading a conversation one is not part of because it was reported as abusive.
        Moderate => "moderate",
    }
}

vocabulary! {
    /// How the caller is related to the student or record concerned (`rel`).
    /// The database decides which relationships hold; the policy only says
    /// which relationships grant what.
    Relationship, Relationship {
        Any => "any",
        SelfRecord => "self",
        GuardianOf => "guardian_of",
        HomeroomOf => "homeroom_of",
        TeachesSection => "teaches_section",
        InSchool => "in_school",
        Oversees => "oversees",
        /// The record is about a student enrolled today in one of the caller's classes (the
        /// homeroom class of a homeroom teacher, the classes a subject teacher teaches) or,
        /// for any other role, in one of the caller's schools for that role, wherever the
        /// record was made: a student's history follows them to a new class or school.
        CurrentStudent => "current_student",
        /// The student was enrolled in one of the caller's classes (or schools, as for
        /// `current_student`) and that enrollment has ended: they moved to another class or
        /// school. Meaningful for the student record only, so what was recorded before the
        /// move stays reachable without what concerns the student now.
        FormerStudent => "former_student",
        /// The record is in a school or class that a sharing agreement in force today shares
        /// with the caller, a vendor's client, for this kind and within the scopes of its
        /// token; where the agreement needs families' consent, only about children whose
        /// guardian gave it and did not withdraw it. Holds for vendors only.
        Shared => "shared",
        /// The record is about a student enrolled today in one of the caller's classes (or
        /// schools, as for `current_student`) whose family gave consent, and the child too
        /// from the age of 7, to a purpose on the privacy officer's list that covers this kind
        /// (`purposes.csv`), and did not withdraw it. Holds for the school's staff only.
        ConsentedFor => "consented_for",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T>(all: &[T], index: impl Fn(T) -> usize)
    where
        T: Copy + FromStr + fmt::Display + PartialEq + fmt::Debug,
        T::Err: fmt::Debug,
    {
        for (i, word) in all.iter().enumerate() {
            assert_eq!(index(*word), i, "ALL is in declaration order");
            assert_eq!(word.to_string().parse::<T>().ok(), Some(*word));
        }
    }

    #[test]
    fn every_word_round_trips_and_all_is_in_declaration_order() {
        round_trips(Role::ALL, Role::index);
        round_trips(Kind::ALL, Kind::index);
        round_trips(Action::ALL, Action::index);
        round_trips(Relationship::ALL, Relationship::index);
        assert_eq!((Role::ALL.len(), Kind::ALL.len(), Action::ALL.len()), (11, 41, 6));
        assert_eq!(Relationship::ALL.len(), 11);
    }

    #[test]
    fn an_unknown_word_names_its_vocabulary_in_both_languages() {
        let err = "teachr".parse::<Role>().unwrap_err();
        assert_eq!(err.to_string(), r#"vai trò không xác định "teachr" / unknown role "teachr""#);
    }

    #[test]
    fn words_contain_no_commas_or_spaces() {
        let words = Role::ALL.iter().map(|w| w.as_str());
        let words = words.chain(Kind::ALL.iter().map(|w| w.as_str()));
        let words = words.chain(Relationship::ALL.iter().map(|w| w.as_str()));
        for word in words {
            assert!(!word.contains([',', ' ', '#', '"']), "{word}");
        }
    }
}
