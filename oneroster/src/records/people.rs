//! People's records: users, their roles and demographics, and enrollments.

use super::{EnrollmentRole, RoleName, RoleType, Sex};
use crate::files::FileKind;
use crate::reader::{Fields, Record};
use chrono::NaiveDate;
use entity::{Relationship, RoleKind, StaffStatus};

/// `users.csv`: students, staff and guardians.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    pub enabled: bool,
    pub username: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub middle_name: Option<String>,
    pub identifier: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub agents: Vec<String>,
    pub grades: Vec<String>,
    pub primary_org: Option<String>,
    /// `metadata.vn.nationalId`: the citizen identity number (sealed when stored).
    pub national_id: Option<String>,
    /// `metadata.vn.address`: home address (sealed when stored).
    pub address: Option<String>,
    /// `metadata.vn.relationship`: for a guardian, father, mother or guardian.
    pub relationship: Option<Relationship>,
    /// `metadata.vn.employmentStatus`: for staff.
    pub employment_status: Option<StaffStatus>,
    /// `metadata.vn.ethnicity`, `metadata.vn.religion`, `metadata.vn.health`: a student's
    /// background as `demographics.csv` gives it, read here too (sealed when stored).
    pub background: Background,
}

impl Record for User {
    const FILE: FileKind = FileKind::Users;
    fn parse(fields: &mut Fields<'_>) -> Self {
        if fields.text("enabledUser").is_none() {
            fields.problem("enabledUser", crate::problem::Reason::Required);
        }
        let enabled = fields.boolean("enabledUser").unwrap_or(true);
        User {
            enabled,
            username: fields.optional("username"),
            given_name: fields.required("givenName"),
            family_name: fields.required("familyName"),
            middle_name: fields.optional("middleName"),
            identifier: fields.optional("identifier"),
            email: fields.optional("email"),
            phone: phone(fields),
            agents: fields.references("agentSourcedIds"),
            grades: fields.list("grades"),
            primary_org: fields.reference("primaryOrgSourcedId"),
            national_id: fields.optional("metadata.vn.nationalId"),
            address: fields.optional("metadata.vn.address"),
            relationship: fields.choice("metadata.vn.relationship"),
            employment_status: fields.choice("metadata.vn.employmentStatus"),
            background: Background::parse(fields),
        }
    }
}

/// `phone`, else `sms` (an SMS-capable number is a phone too). EMIS keeps one phone per
/// person: an `sms` number other than `phone` is reported as not kept, never lost quietly.
fn phone(fields: &mut Fields<'_>) -> Option<String> {
    let (phone, sms) = (fields.optional("phone"), fields.optional("sms"));
    if let (Some(phone), Some(sms)) = (&phone, &sms)
        && phone != sms
    {
        fields.problem(
            "sms",
            crate::problem::Reason::Skipped {
                vietnamese: "EMIS giữ một số điện thoại cho mỗi người (cột phone); số ở cột sms không được lưu".into(),
                english: "EMIS keeps one phone per person (column phone); the number in sms was not kept".into(),
            },
        );
    }
    phone.or(sms)
}

/// `roles.csv`: a user's role in an organisation.
#[derive(Clone, Debug, PartialEq)]
pub struct Role {
    pub user: String,
    pub role_type: RoleType,
    pub role: RoleName,
    pub begin: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
    pub org: String,
    /// `metadata.vn.role`: EMIS's role where OneRoster's is too coarse (vice principal,
    /// clerk, privacy officer, operator, district officer).
    pub emis_role: Option<RoleKind>,
}

impl Record for Role {
    const FILE: FileKind = FileKind::Roles;
    fn parse(fields: &mut Fields<'_>) -> Self {
        Role {
            user: fields.required_reference("userSourcedId"),
            role_type: fields.required_choice("roleType"),
            role: fields.required_choice("role"),
            begin: fields.date("beginDate"),
            end: fields.date("endDate"),
            org: fields.required_reference("orgSourcedId"),
            emis_role: fields.choice("metadata.vn.role"),
        }
    }
}

/// `demographics.csv`: a user's birth date, sex and sensitive background (its `sourcedId` is
/// the user's).
#[derive(Clone, Debug, PartialEq)]
pub struct Demographics {
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub background: Background,
}

impl Record for Demographics {
    const FILE: FileKind = FileKind::Demographics;
    fn parse(fields: &mut Fields<'_>) -> Self {
        Demographics {
            birth_date: fields.date("birthDate"),
            sex: fields.choice("sex"),
            background: Background::parse(fields),
        }
    }
}

/// A person's sensitive background, in the same columns of `demographics.csv` and `users.csv`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Background {
    /// `metadata.vn.ethnicity` (dân tộc), sealed when stored.
    pub ethnicity: Option<String>,
    /// `metadata.vn.religion` (tôn giáo), sealed when stored.
    pub religion: Option<String>,
    /// `metadata.vn.health`: health and disability notes, sealed when stored.
    pub health: Option<String>,
}

impl Background {
    /// The columns it is read from, in the order of [`Self::values`].
    pub const COLUMNS: [&'static str; 3] = ["metadata.vn.ethnicity", "metadata.vn.religion", "metadata.vn.health"];

    fn parse(fields: &Fields<'_>) -> Self {
        let [ethnicity, religion, health] = Self::COLUMNS.map(|column| fields.optional(column));
        Background { ethnicity, religion, health }
    }

    /// The values, in the order of [`Self::COLUMNS`].
    pub fn values(&self) -> [&Option<String>; 3] {
        [&self.ethnicity, &self.religion, &self.health]
    }
}

/// `enrollments.csv`: a student in a class, or a teacher of one.
#[derive(Clone, Debug, PartialEq)]
pub struct Enrollment {
    pub class: String,
    pub school: String,
    pub user: String,
    pub role: EnrollmentRole,
    pub primary: Option<bool>,
    pub begin: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

impl Record for Enrollment {
    const FILE: FileKind = FileKind::Enrollments;
    fn parse(fields: &mut Fields<'_>) -> Self {
        Enrollment {
            class: fields.required_reference("classSourcedId"),
            school: fields.required_reference("schoolSourcedId"),
            user: fields.required_reference("userSourcedId"),
            role: fields.required_choice("role"),
            primary: fields.boolean("primary"),
            begin: fields.date("beginDate"),
            end: fields.date("endDate"),
        }
    }
}
