//! Mutations that give a class's students their accounts.

use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{database, signed_in};
use crate::graphql::ids;
use crate::graphql::people::Student;
use async_graphql::{Context, ID, Object, SimpleObject};

/// One student's account.
#[derive(SimpleObject)]
pub struct StudentAccount {
    /// The student the account is for.
    pub student: Student,
    /// The username the student signs in with.
    pub username: String,
    /// Whether the account has a password and so can sign in (activation sets it).
    pub activated: bool,
}

/// The accounts of a class's students after `enableStudentAccounts`.
#[derive(SimpleObject)]
pub struct EnableStudentAccountsPayload {
    /// Every student enrolled in the class today, in roster order.
    pub accounts: Vec<StudentAccount>,
    /// How many got their username by this call (the others had one).
    pub created: i32,
}

/// Giving students accounts.
#[derive(Default)]
pub struct StudentAccountMutations;

#[Object]
impl StudentAccountMutations {
    /// Gives every student enrolled today in the class a student account — a username
    /// `hs.<school code>.<number>` and no password — for schools that open accounts from
    /// grade 6, or earlier as they decide. A student who has a username keeps it. An account
    /// signs in once it is activated, while its student is studying and enrolled; it shows
    /// the student their own results, attendance and conduct, as the policy decides. For the
    /// principal (the policy's `account`/`write`); a class that does not exist or is out of
    /// reach gives `FORBIDDEN` alike.
    async fn enable_student_accounts(
        &self,
        ctx: &Context<'_>,
        class_id: ID,
    ) -> ApiResult<EnableStudentAccountsPayload> {
        let access = signed_in(ctx)?;
        let class = ids::decode_as("Class", &class_id).ok_or(ApiError::NotPermitted)?;
        let enabled = crate::books::student_accounts::enable(database(ctx)?, access, class).await?;
        let accounts = enabled
            .accounts
            .into_iter()
            .map(|account| StudentAccount {
                student: Student::from(account.student),
                username: account.username,
                activated: account.activated,
            })
            .collect();
        Ok(EnableStudentAccountsPayload { accounts, created: i32::try_from(enabled.created).unwrap_or(i32::MAX) })
    }
}
