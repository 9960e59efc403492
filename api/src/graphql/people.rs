//! People as the API shows them: students and guardians, and staff ([`super::staff`]). Built
//! from entity rows (the database row is not the API row): ciphertext columns are never
//! exposed, only opened through [`reveal`] after the policy allowed the field group.

use super::batch::Batcher;
use super::ids;
use super::loaders::{GuardianCard, GuardianLink, GuardiansKey, GuardiansOfStudent, ResultsKey, ResultsOfStudent};
use super::records::{self, AttendanceRecord, EnrollmentRecord, ResultRecord};
use super::school::School;
use super::sensitive::{Sealed, reveal};
use crate::error::{ApiError, ApiResult};
use crate::privacy::Target;
use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;
use emis_authz::Kind;
use entity::student;

pub use super::staff::{Staff, staff_where};

/// A student.
pub struct Student {
    pub row: student::Model,
    /// The class whose roster of today listed this student, if that is how it was reached:
    /// checks on the student and on their guardians then judge teacher relationships on
    /// that class, instead of loading the caller's students.
    pub listed_in: Option<i64>,
}

impl From<student::Model> for Student {
    fn from(row: student::Model) -> Self {
        Self { row, listed_in: None }
    }
}

impl Student {
    fn targets(&self) -> [Target; 1] {
        [self.target()]
    }

    /// The record this student is, for checks.
    pub fn target(&self) -> Target {
        Target::student_listed(self.row.id, self.row.school_id, self.listed_in)
    }

    fn sealed<'a>(&'a self, column: &'static str, value: &'a Option<Vec<u8>>) -> Sealed<'a> {
        Sealed { table: "student", column, row_id: self.row.id, value: value.as_deref() }
    }
}

#[Object]
impl Student {
    /// The student's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Student", self.row.id)
    }
    /// The sector database's identifier (OneRoster `sourcedId`).
    async fn external_id(&self) -> &str {
        &self.row.external_id
    }
    /// The student's full name, family name first.
    async fn full_name(&self) -> &str {
        &self.row.full_name
    }
    /// The family name with any middle names (họ và tên đệm).
    async fn family_name(&self) -> &str {
        &self.row.family_name
    }
    /// The given name (tên), by which rosters are sorted.
    async fn given_name(&self) -> &str {
        &self.row.given_name
    }
    /// male | female, if recorded.
    async fn gender(&self) -> Option<&str> {
        self.row.gender.as_deref()
    }
    /// The date of birth, if recorded.
    async fn birth_date(&self) -> Option<NaiveDate> {
        self.row.birth_date
    }
    /// studying | transferred | graduated | dropped_out — where the caller may read where the
    /// student is (`enrollment`), like `school`: the teachers and the school a student left
    /// keep the name, not whether the student was admitted somewhere since.
    async fn status(&self, ctx: &Context<'_>) -> ApiResult<Option<&str>> {
        let shown = super::students::placed(ctx, self).await?;
        Ok(shown.then_some(self.row.status.as_str()))
    }
    /// The student's school, where the caller may read where the student is (`enrollment`).
    async fn school(&self, ctx: &Context<'_>) -> ApiResult<Option<School>> {
        super::students::school_of(ctx, self).await
    }
    /// Citizen identity number (field group `student.identity`).
    async fn identity_number(&self, ctx: &Context<'_>) -> Option<String> {
        reveal(ctx, Kind::StudentIdentity, &self.targets(), self.sealed("identity_no_enc", &self.row.identity_no_enc))
            .await
    }
    /// Home address (field group `student.address`).
    async fn address(&self, ctx: &Context<'_>) -> Option<String> {
        reveal(ctx, Kind::StudentAddress, &self.targets(), self.sealed("address_enc", &self.row.address_enc)).await
    }
    /// Ethnicity (field group `student.background`).
    async fn ethnicity(&self, ctx: &Context<'_>) -> Option<String> {
        reveal(ctx, Kind::StudentBackground, &self.targets(), self.sealed("ethnicity_enc", &self.row.ethnicity_enc))
            .await
    }
    /// Religion (field group `student.background`).
    async fn religion(&self, ctx: &Context<'_>) -> Option<String> {
        reveal(ctx, Kind::StudentBackground, &self.targets(), self.sealed("religion_enc", &self.row.religion_enc)).await
    }
    /// Health and disability notes (field group `student.health`).
    async fn health_notes(&self, ctx: &Context<'_>) -> Option<String> {
        reveal(ctx, Kind::StudentHealth, &self.targets(), self.sealed("health_enc", &self.row.health_enc)).await
    }
    /// The teachers a guardian may write to about the child (`openConversation`'s
    /// `withStaffId`): the homeroom teacher first, then the child's subject teachers, each
    /// by id, name and part — never contact. Empty for anyone but the child's guardian.
    async fn correspondents(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::conversations::Correspondent>> {
        super::conversations::correspondents(ctx, self.row.id).await
    }
    /// Guardians of the student, as the caller may see them.
    async fn guardians(&self, ctx: &Context<'_>) -> ApiResult<Vec<Guardian>> {
        let loader = ctx.data::<Batcher<GuardiansKey, GuardiansOfStudent>>().map_err(|_| ApiError::Internal)?;
        // Only the sealed columns some guardian field of this response shows are read.
        loader.loader().sealed.ask_for(&ctx.look_ahead());
        let key = GuardiansKey { student: self.row.id, class: self.listed_in };
        let links = loader.load_one(key).await.map_err(|error| ApiError::clone(&error))?.unwrap_or_default();
        Ok(links.into_iter().map(Guardian::Linked).collect())
    }
    /// Enrollments in classes, current and past.
    async fn enrollments(&self, ctx: &Context<'_>) -> ApiResult<Vec<EnrollmentRecord>> {
        records::enrollments_of(ctx, self.row.id).await
    }
    /// The student's line in their primary class's summary book at a `checkpoint` (see
    /// `Class.primaryBook`); null for a secondary class.
    async fn primary_book(
        &self,
        ctx: &Context<'_>,
        checkpoint: String,
    ) -> ApiResult<Option<super::primary::PrimaryBook>> {
        super::primary::line_of(ctx, self.row.id, &checkpoint).await
    }
    /// Results of a semester (default: the semester running today, or the last one begun).
    /// Only the results of one section (a teacher's grade sheet), when given.
    async fn results(
        &self,
        ctx: &Context<'_>,
        semester_id: Option<ID>,
        section_id: Option<ID>,
    ) -> ApiResult<Vec<ResultRecord>> {
        let Some(semester) = records::semester_or_current(ctx, semester_id.as_ref().map(|id| id.as_str())).await?
        else {
            return Ok(Vec::new());
        };
        let loader = ctx.data::<Batcher<ResultsKey, ResultsOfStudent>>().map_err(|_| ApiError::Internal)?;
        let section = match &section_id {
            Some(id) => match ids::decode_as("Section", id) {
                Some(section) => Some(section),
                None => return Ok(Vec::new()),
            },
            None => None,
        };
        let key = ResultsKey { student: self.row.id, semester, section };
        let rows = loader.load_one(key).await.map_err(|error| ApiError::clone(&error))?.unwrap_or_default();
        Ok(rows.into_iter().map(ResultRecord).collect())
    }
    /// The history of the student's records, newest first: who changed a score, when, from
    /// what, to what and why. For the principal and the homeroom teacher; guardians see
    /// current values only.
    async fn history(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
    ) -> ApiResult<Vec<records::RecordChangeEntry>> {
        records::history_of(ctx, self.row.id, u64::try_from(first).unwrap_or(50)).await
    }
    /// Who was shown this student's grades or sensitive fields (newest first), as far as the
    /// caller may read the disclosure log.
    async fn disclosures(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 50, validator(minimum = 1, maximum = 200))] first: i32,
    ) -> ApiResult<Vec<super::disclosures::DisclosureEntry>> {
        let everything = crate::privacy::LogQuery::default();
        super::disclosures::of_student(ctx, self.row.id, &everything, u64::try_from(first).unwrap_or(50)).await
    }
    /// What the sharing agreements covering this student ask the family's consent for, and
    /// the family's decision on each.
    async fn sharing_consents(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::consent::SharingConsent>> {
        super::consent::of_student(ctx, self.row.id).await
    }
    /// Roll-call entries recorded between two dates (inclusive): absences, late arrivals,
    /// and entries corrected back to present.
    async fn attendance(&self, ctx: &Context<'_>, from: NaiveDate, to: NaiveDate) -> ApiResult<Vec<AttendanceRecord>> {
        records::attendance_of(ctx, self.row.id, from, to).await
    }
    /// Exemptions (miễn) from subjects' assessments, in force or lifted.
    async fn exemptions(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::exemptions::Exemption>> {
        super::exemptions::of_student(ctx, self.row.id).await
    }
    /// Conduct levels (kết quả rèn luyện) by semester, as set by the homeroom teacher.
    async fn conduct(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::summary::ConductRecord>> {
        super::summary::conduct_of(ctx, self.row.id).await
    }
}

/// A guardian, reached through one of their children or as oneself.
pub enum Guardian {
    Linked(GuardianLink),
    Myself(GuardianCard),
}

impl Guardian {
    fn row(&self) -> &GuardianCard {
        match self {
            Self::Linked(link) => &link.guardian,
            Self::Myself(row) => row,
        }
    }

    /// The records this guardian is seen as: the child's record they were reached
    /// through, and themselves (which only they relate to, as `self`).
    fn targets(&self) -> Vec<Target> {
        let myself = Target::Guardian { guardian: self.row().id };
        match self {
            Self::Linked(link) => vec![link.target(), myself],
            Self::Myself(_) => vec![myself],
        }
    }

    fn sealed<'a>(&'a self, column: &'static str, value: &'a Option<Vec<u8>>) -> Sealed<'a> {
        Sealed { table: "guardian", column, row_id: self.row().id, value: value.as_deref() }
    }
}

#[Object]
impl Guardian {
    /// The guardian's global id.
    pub async fn id(&self) -> ID {
        ids::encode("Guardian", self.row().id)
    }
    /// The guardian's full name.
    async fn full_name(&self) -> &str {
        &self.row().full_name
    }
    /// father | mother | guardian (null when read as oneself).
    async fn relationship(&self) -> Option<&str> {
        match self {
            Self::Linked(link) => Some(&link.relationship),
            Self::Myself(_) => None,
        }
    }
    /// Phone number (field group `guardian.contact`).
    async fn phone(&self, ctx: &Context<'_>) -> Option<String> {
        reveal(ctx, Kind::GuardianContact, &self.targets(), self.sealed("phone_enc", &self.row().phone_enc)).await
    }
    /// Personal e-mail (field group `guardian.contact`).
    async fn email(&self, ctx: &Context<'_>) -> Option<String> {
        reveal(ctx, Kind::GuardianContact, &self.targets(), self.sealed("email_enc", &self.row().email_enc)).await
    }
    /// Citizen identity number (field group `guardian.identity`).
    async fn identity_number(&self, ctx: &Context<'_>) -> Option<String> {
        reveal(
            ctx,
            Kind::GuardianIdentity,
            &self.targets(),
            self.sealed("identity_no_enc", &self.row().identity_no_enc),
        )
        .await
    }
    /// Home address (field group `guardian.address`).
    async fn address(&self, ctx: &Context<'_>) -> Option<String> {
        reveal(ctx, Kind::GuardianAddress, &self.targets(), self.sealed("address_enc", &self.row().address_enc)).await
    }
}
