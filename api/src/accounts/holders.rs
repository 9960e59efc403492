//! The holders of accounts as the account steps need them: whether a password is set, what
//! the holder signs in with (username, else phone number), the phone number on record and
//! the name — and setting or clearing the password. These are the credential columns of
//! `staff`, `guardian` and `student`, read like sign-in reads them; which holders a caller may act on
//! is decided beforehand by the privacy layer (`graphql/accounts.rs`).

use crate::auth::Account;
use crate::vault::Vault;
use entity::{guardian, staff, student};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _};

/// One account's holder.
#[derive(Debug, Clone)]
pub struct Holder {
    pub account: Account,
    pub full_name: String,
    pub username: Option<String>,
    /// The phone number on record, opened; `None` when there is none or the vault is locked.
    pub phone: Option<String>,
    pub has_password: bool,
    /// Whether the account may sign in (active).
    pub active: bool,
    /// A staff member's or student's school.
    pub school: Option<i64>,
}

impl Holder {
    /// What the holder signs in with: the username, else the phone number.
    pub fn sign_in_with(&self) -> Option<&str> {
        self.username.as_deref().or(self.phone.as_deref())
    }

    /// What a new password may not be made of: the holder's username, phone number and name.
    pub fn own_words(&self) -> Vec<&str> {
        [self.username.as_deref(), self.phone.as_deref(), Some(self.full_name.as_str())].into_iter().flatten().collect()
    }
}

/// The holders of `accounts` that exist, in the order asked.
pub async fn load(db: &impl ConnectionTrait, vault: &Vault, accounts: &[Account]) -> Result<Vec<Holder>, DbErr> {
    let staff_ids: Vec<i64> =
        accounts.iter().filter_map(|a| matches!(a, Account::Staff(_)).then_some(a.id())).collect();
    let guardian_ids: Vec<i64> =
        accounts.iter().filter_map(|a| matches!(a, Account::Guardian(_)).then_some(a.id())).collect();
    let staff_rows = if staff_ids.is_empty() {
        Vec::new()
    } else {
        staff::Entity::find().filter(staff::Column::Id.is_in(staff_ids)).all(db).await?
    };
    let student_ids: Vec<i64> =
        accounts.iter().filter_map(|a| matches!(a, Account::Student(_)).then_some(a.id())).collect();
    let student_rows = if student_ids.is_empty() {
        Vec::new()
    } else {
        student::Entity::find().filter(student::Column::Id.is_in(student_ids)).all(db).await?
    };
    let guardian_rows = if guardian_ids.is_empty() {
        Vec::new()
    } else {
        guardian::Entity::find().filter(guardian::Column::Id.is_in(guardian_ids)).all(db).await?
    };
    let sealed = staff_rows.iter().filter_map(|row| row.phone_enc.as_deref());
    let sealed = sealed.chain(guardian_rows.iter().filter_map(|row| row.phone_enc.as_deref()));
    let key_ids: Vec<u64> = sealed.filter_map(Vault::key_id_of).collect();
    if vault.is_unlocked() && vault.preload(db, key_ids).await.is_err() {
        tracing::warn!("the data keys of phone numbers could not be loaded");
    }
    let open =
        |table: &str, id: i64, sealed: Option<&[u8]>| sealed.and_then(|s| vault.open_field(table, "phone_enc", id, s));
    let mut holders: Vec<Holder> = Vec::with_capacity(accounts.len());
    for row in staff_rows {
        holders.push(Holder {
            account: Account::Staff(row.id),
            phone: open("staff", row.id, row.phone_enc.as_deref()),
            full_name: row.full_name,
            username: row.username,
            has_password: row.password_hash.is_some(),
            active: row.status == entity::StaffStatus::Active.as_str(),
            school: Some(row.school_id),
        });
    }
    for row in guardian_rows {
        holders.push(Holder {
            account: Account::Guardian(row.id),
            phone: open("guardian", row.id, row.phone_enc.as_deref()),
            full_name: row.full_name,
            username: row.username,
            has_password: row.password_hash.is_some(),
            active: row.status == entity::GuardianStatus::Active.as_str(),
            school: None,
        });
    }
    for row in student_rows {
        holders.push(Holder {
            account: Account::Student(row.id),
            phone: None,
            full_name: row.full_name,
            username: row.username,
            has_password: row.password_hash.is_some(),
            active: row.status == entity::StudentStatus::Studying.as_str(),
            school: Some(row.school_id),
        });
    }
    holders.sort_by_key(|holder| accounts.iter().position(|a| *a == holder.account));
    Ok(holders)
}

/// The password hash of `account`, if set.
pub async fn password_hash(db: &impl ConnectionTrait, account: Account) -> Result<Option<String>, DbErr> {
    Ok(match account {
        Account::Staff(id) => staff::Entity::find_by_id(id).one(db).await?.and_then(|row| row.password_hash),
        Account::Guardian(id) => guardian::Entity::find_by_id(id).one(db).await?.and_then(|row| row.password_hash),
        Account::Student(id) => student::Entity::find_by_id(id).one(db).await?.and_then(|row| row.password_hash),
    })
}

/// Sets (or, with `None`, clears) the password hash of `account`.
pub async fn set_password(db: &impl ConnectionTrait, account: Account, hash: Option<String>) -> Result<(), DbErr> {
    match account {
        Account::Staff(id) => {
            staff::Entity::update_many()
                .col_expr(staff::Column::PasswordHash, Expr::value(hash))
                .filter(staff::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
        Account::Guardian(id) => {
            guardian::Entity::update_many()
                .col_expr(guardian::Column::PasswordHash, Expr::value(hash))
                .filter(guardian::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
        Account::Student(id) => {
            student::Entity::update_many()
                .col_expr(student::Column::PasswordHash, Expr::value(hash))
                .filter(student::Column::Id.eq(id))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}
