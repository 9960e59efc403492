//! Taking in new students (tuyển sinh) on the API: grade 1 and grade 6 intake, or a child
//! arriving from outside the system, with their guardians — written by
//! [`crate::books::year::intake`]; the students come back as the caller reads them.

use crate::books::year::intake::{self, Intake, NewGuardian, NewStudent};
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{database, signed_in, state};
use crate::graphql::ids;
use crate::graphql::people::Student;
use crate::privacy::readers;
use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::NaiveDate;
use entity::student;
use sea_orm::ColumnTrait as _;

/// A student to take in.
#[derive(InputObject)]
pub struct NewStudentInput {
    /// Family name (họ), with any middle names.
    #[graphql(validator(max_length = 100))]
    pub family_name: String,
    /// Given name (tên).
    #[graphql(validator(max_length = 100))]
    pub given_name: String,
    /// male | female
    pub gender: Option<String>,
    /// Date of birth; with the name, it tells a child already at the school.
    pub birth_date: Option<NaiveDate>,
    /// Personal identification number (mã định danh cá nhân; field group `student.identity`, sealed).
    #[graphql(validator(max_length = 32))]
    pub identity_no: Option<String>,
    /// Home address (field group `student.address`, sealed).
    #[graphql(validator(max_length = 300))]
    pub address: Option<String>,
    /// Ethnicity (field group `student.background`, sealed).
    #[graphql(validator(max_length = 60))]
    pub ethnicity: Option<String>,
    /// The student's guardians.
    #[graphql(default, validator(max_items = 4))]
    pub guardians: Vec<NewGuardianInput>,
}

/// A guardian of a student taken in.
#[derive(InputObject)]
pub struct NewGuardianInput {
    /// Full name, family name first.
    #[graphql(validator(max_length = 100))]
    pub full_name: String,
    /// In the family's words: Bố, Mẹ, Ông ngoại, father, mother, guardian… (the import's
    /// synonym table); mapped to father, mother or guardian.
    #[graphql(validator(max_length = 40))]
    pub relationship: String,
    /// Mobile phone, the account's sign-in (field group `guardian.contact`, sealed). A phone
    /// that already signs in a guardian of the same name links the child to that account.
    #[graphql(validator(max_length = 32))]
    pub phone: Option<String>,
    /// E-mail (field group `guardian.contact`, sealed).
    #[graphql(validator(max_length = 254))]
    pub email: Option<String>,
}

/// A word the intake mapped to the one EMIS keeps.
#[derive(SimpleObject)]
pub struct MappedWord {
    /// As given, e.g. `Bố`.
    pub given: String,
    /// As kept, e.g. `father`.
    pub canonical: String,
}

/// What an intake did.
#[derive(SimpleObject)]
pub struct IntakeResult {
    /// The students taken in, in the order given, as the caller reads them.
    pub students: Vec<Student>,
    /// Guardian accounts opened (without a password until activated).
    pub guardians_created: i32,
    /// Guardians whose existing account the children were linked to (they are told by message).
    pub guardians_linked: i32,
    /// The relationship words mapped.
    pub mapped: Vec<MappedWord>,
}

/// Taking in new students.
#[derive(Default)]
pub struct IntakeMutations;

#[Object]
impl IntakeMutations {
    /// Takes new students into a class of a school year that has not ended — the grade 1 or
    /// grade 6 intake, or a child from outside the system (a move between schools on EMIS
    /// is `releaseStudent`/`admitStudent`) — each enrolled from the year's first day (today
    /// once it has begun) with their guardians, matched by phone: a phone already signing in
    /// a guardian of the same name links the child to that account, one held under another
    /// name refuses the row, and a new one opens an account to activate. Refuses a child
    /// already studying at the school (same name and birth date, or identity number). All or
    /// nothing. For the principal (`enrollment`/`write` on the class); another school's
    /// class answers like a missing one.
    async fn admit_new_students(
        &self,
        ctx: &Context<'_>,
        class_id: ID,
        #[graphql(validator(min_items = 1, max_items = 60))] students: Vec<NewStudentInput>,
    ) -> ApiResult<IntakeResult> {
        let access = signed_in(ctx)?;
        let class = ids::decode_as("Class", &class_id).ok_or(ApiError::NotPermitted)?;
        let students: Vec<NewStudent> = students.into_iter().map(NewStudent::from).collect();
        let state = state(ctx)?;
        let today = access.principal().today;
        let intake = intake::admit_new_students(&state.db, &state.vault, access, class, &students, today).await?;
        answer(ctx, intake).await
    }
}

impl From<NewStudentInput> for NewStudent {
    fn from(input: NewStudentInput) -> Self {
        NewStudent {
            family_name: input.family_name,
            given_name: input.given_name,
            gender: input.gender,
            birth_date: input.birth_date,
            identity_no: input.identity_no,
            address: input.address,
            ethnicity: input.ethnicity,
            guardians: input
                .guardians
                .into_iter()
                .map(|guardian| NewGuardian {
                    full_name: guardian.full_name,
                    relationship: guardian.relationship,
                    phone: guardian.phone,
                    email: guardian.email,
                })
                .collect(),
        }
    }
}

/// The intake's answer, its students read back through the privacy layer.
async fn answer(ctx: &Context<'_>, intake: Intake) -> ApiResult<IntakeResult> {
    let ids: Vec<i64> = intake.students.iter().map(|row| row.id).collect();
    let read = signed_in(ctx)?.read(&readers::STUDENT).narrow(student::Column::Id, |column| column.is_in(ids.clone()));
    let mut rows = read.all(database(ctx)?).await?;
    rows.sort_by_key(|row| ids.iter().position(|id| *id == row.id));
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    Ok(IntakeResult {
        students: rows.into_iter().map(Student::from).collect(),
        guardians_created: count(intake.guardians_created),
        guardians_linked: count(intake.guardians_linked),
        mapped: intake
            .mapped
            .into_iter()
            .map(|word| MappedWord { given: word.given, canonical: word.canonical.to_owned() })
            .collect(),
    })
}
