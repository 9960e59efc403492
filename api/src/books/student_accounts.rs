//! Student accounts as a school gives them: the principal enables the accounts of a class
//! (from grade 6, or earlier as the school decides), which gives each student enrolled in it
//! today a username `hs.<school code>.<student number>` and no password. An account without
//! a password cannot sign in; activating it is a step of its own. A student keeps the
//! username they were given, and may sign in only while studying and enrolled.

use crate::error::ApiError;
use crate::privacy::{Access, readers};
use emis_authz::{Action, Kind};
use entity::{org, student};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, DatabaseConnection, EntityTrait as _, QueryFilter as _};

/// One student's account after enabling.
#[derive(Debug, Clone)]
pub struct StudentAccount {
    pub student: student::Model,
    pub username: String,
    /// Whether the account has a password (was activated) and so can sign in.
    pub activated: bool,
}

/// What enabling a class's accounts did.
#[derive(Debug, Clone)]
pub struct Enabled {
    /// Every student enrolled in the class today, with their account, in roster order.
    pub accounts: Vec<StudentAccount>,
    /// How many of them got their username now (the others had one).
    pub created: usize,
}

/// The username a student of the school with code `school_code` is given.
pub fn username_for(school_code: &str, student_id: i64) -> String {
    format!("hs.{}.{student_id}", school_code.trim().to_lowercase())
}

/// Gives every student enrolled today in `class_id` a username, in one transaction; the
/// policy decides first (`account`/`write` at the class), so a class out of reach answers
/// like a missing one and nothing is written.
pub async fn enable(db: &DatabaseConnection, access: &Access, class_id: i64) -> Result<Enabled, ApiError> {
    let class = access.reach(db, &readers::CLASS, Kind::Account, Action::Write, class_id).await?;
    let school = org::Entity::find_by_id(class.school_id).one(db).await?.ok_or(ApiError::NotPermitted)?;
    let code = school.sector_code.unwrap_or(school.external_id);
    let roster = super::roster::roster_rows(db, access, class.id, false).await?;
    let txn = crate::db::begin_write(db).await?;
    let mut accounts = Vec::with_capacity(roster.len());
    let mut created = 0;
    for mut row in roster {
        if row.username.is_none() {
            let username = username_for(&code, row.id);
            student::Entity::update_many()
                .col_expr(student::Column::Username, Expr::value(username.clone()))
                .filter(student::Column::Id.eq(row.id))
                .filter(student::Column::Username.is_null())
                .exec(&txn)
                .await?;
            row.username = Some(username);
            created += 1;
        }
        let username = row.username.clone().unwrap_or_default();
        let activated = row.password_hash.is_some();
        accounts.push(StudentAccount { student: row, username, activated });
    }
    txn.commit().await?;
    Ok(Enabled { accounts, created })
}
