//! The closed vocabularies stored in string columns (`kind`, `status`, `role`…), as Rust
//! enums. Entity columns stay `String`; these enums convert with [`OrgKind::as_str`]-style
//! methods, [`std::str::FromStr`], and sea-orm's `ActiveEnum` (so they also work directly in
//! filters: `staff::Column::Status.eq(StaffStatus::Active)`).

use sea_orm::entity::prelude::*;
use std::fmt;
use std::str::FromStr;

/// The error of parsing a value that is not in a vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownValue {
    /// The vocabulary, e.g. `OrgKind`.
    pub vocabulary: &'static str,
    /// The rejected text.
    pub value: String,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown {} value {:?}", self.vocabulary, self.value)
    }
}

impl std::error::Error for UnknownValue {}

/// Defines a string vocabulary: the enum, `ALL`, `as_str`, `FromStr`, `Display`, `ActiveEnum`.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
        #[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
        pub enum $name {
            $($(#[$vmeta])* #[sea_orm(string_value = $text)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The text of every value, in declaration order.
            pub const TOKENS: &'static [&'static str] = &[$($text,)+];

            /// The text stored in the database.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                match text {
                    $($text => Ok(Self::$variant),)+
                    _ => Err(UnknownValue {
                        vocabulary: stringify!($name),
                        value: text.to_owned(),
                    }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// `org.kind`.
    OrgKind {
        /// Sở Giáo dục và Đào tạo (province or city).
        Department => "department",
        /// Phòng Giáo dục và Đào tạo (abolished in the 2025 reform).
        DistrictOffice => "district_office",
        /// Commune-level office that took over from district offices in 2025.
        CommuneOffice => "commune_office",
        /// A school.
        School => "school",
    }
}

vocabulary! {
    /// `org.school_level`.
    SchoolLevel {
        /// Tiểu học, grades 1–5.
        Th => "TH",
        /// Trung học cơ sở, grades 6–9.
        Thcs => "THCS",
        /// Trung học phổ thông, grades 10–12.
        Thpt => "THPT",
    }
}

impl SchoolLevel {
    /// The grades the level teaches.
    pub const fn grades(self) -> std::ops::RangeInclusive<i16> {
        match self {
            Self::Th => 1..=5,
            Self::Thcs => 6..=9,
            Self::Thpt => 10..=12,
        }
    }
}

vocabulary! {
    /// `staff.status` and `staff_status_history.status`.
    StaffStatus {
        Active => "active",
        OnLeave => "on_leave",
        Transferred => "transferred",
        Left => "left",
    }
}

vocabulary! {
    /// `staff_role.role`. Teaching roles are not here: they follow from `teaching_assignment`.
    RoleKind {
        Principal => "principal",
        VicePrincipal => "vice_principal",
        Clerk => "clerk",
        DistrictOfficer => "district_officer",
        PrivacyOfficer => "privacy_officer",
        Operator => "operator",
    }
}

vocabulary! {
    /// `student.status`.
    StudentStatus {
        Studying => "studying",
        Transferred => "transferred",
        Graduated => "graduated",
        DroppedOut => "dropped_out",
    }
}

vocabulary! {
    /// `guardian.status`.
    GuardianStatus {
        Active => "active",
        Disabled => "disabled",
    }
}

vocabulary! {
    /// `student.gender`, `staff.gender`, `guardian.gender` (nullable columns).
    Gender {
        Male => "male",
        Female => "female",
    }
}

vocabulary! {
    /// `guardianship.relationship`.
    Relationship {
        Father => "father",
        Mother => "mother",
        /// Another legal guardian.
        Guardian => "guardian",
    }
}

vocabulary! {
    /// `guardianship.access_status`.
    AccessStatus {
        Active => "active",
        /// Access withheld, e.g. by a court order.
        Restricted => "restricted",
    }
}

vocabulary! {
    /// `subject.assessment`: how a subject is assessed.
    AssessmentMode {
        /// Scores 0–10 with one decimal.
        Scored => "scored",
        /// Đạt / Chưa đạt only.
        Comment => "comment",
    }
}

vocabulary! {
    /// `teaching_assignment.kind`.
    TeachingKind {
        /// Subject teacher of `section_id`.
        Subject => "subject",
        /// Homeroom teacher of `class_id`.
        Homeroom => "homeroom",
    }
}

vocabulary! {
    /// `assessment.kind`.
    AssessmentKind {
        /// ĐĐGtx, numbered by `sequence`.
        Regular => "regular",
        /// ĐĐGgk.
        Midterm => "midterm",
        /// ĐĐGck.
        Final => "final",
        /// Thi lại: the summer re-test of a subject failed in the year, kept in the year's
        /// last semester; it replaces the year result when the student must re-test.
        Retest => "retest",
    }
}

vocabulary! {
    /// `attendance.session`: the half-day (buổi).
    DaySession {
        Morning => "morning",
        Afternoon => "afternoon",
    }
}

vocabulary! {
    /// `attendance.status`.
    AttendanceStatus {
        Present => "present",
        /// Có phép (P).
        Excused => "excused",
        /// Không phép (K).
        Unexcused => "unexcused",
        Late => "late",
        /// Bỏ tiết.
        LeftPeriod => "left_period",
    }
}

vocabulary! {
    /// `conduct.level`: kết quả rèn luyện.
    ConductLevel {
        Tot => "tot",
        Kha => "kha",
        Dat => "dat",
        ChuaDat => "chua_dat",
    }
}

vocabulary! {
    /// `auth_session.account_kind` and `disclosure_log.actor_kind`.
    AccountKind {
        Staff => "staff",
        Guardian => "guardian",
        Student => "student",
    }
}

vocabulary! {
    /// `auth_session.revoked_reason`: why a session was ended.
    SessionEnd {
        /// Its owner signed out of it.
        SignOut => "sign_out",
        /// Its owner signed out of all their sessions.
        SignOutEverywhere => "sign_out_everywhere",
        /// A refresh token it had rotated out was used again: taken as theft.
        RefreshReuse => "refresh_reuse",
        /// Its owner changed or reset the password (the session that changed it lives on).
        PasswordChanged => "password_changed",
        /// The school reset the account's access (a guardian's lost phone, a new family).
        AccessReset => "access_reset",
        /// Its owner, a staff member, went on leave, was transferred or left.
        StaffStatus => "staff_status",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::ActiveEnum;

    #[test]
    fn every_value_round_trips_through_its_text() {
        for kind in OrgKind::ALL {
            assert_eq!(kind.as_str().parse::<OrgKind>(), Ok(*kind));
            assert_eq!(kind.to_value(), kind.as_str());
        }
        for status in AttendanceStatus::ALL {
            assert_eq!(status.to_string().parse::<AttendanceStatus>(), Ok(*status));
        }
    }

    #[test]
    fn unknown_text_is_rejected_with_its_vocabulary() {
        let err = "teacher".parse::<RoleKind>().unwrap_err();
        assert_eq!(err.to_string(), r#"unknown RoleKind value "teacher""#);
        assert_eq!(SchoolLevel::Thcs.grades(), 6..=9);
    }
}
