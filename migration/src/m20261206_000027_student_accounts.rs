//! Student accounts: a student of a school that enables them signs in with a username (the
//! school gives one, e.g. `hs.<school>.<n>`) and a password (set on activation; none until
//! then, and an account without a password cannot sign in).

use crate::columns::index;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::string_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement, and no unique column: the index makes it unique.
        for column in ["username", "password_hash"] {
            let add = Table::alter().table("student").add_column(string_null(column)).to_owned();
            manager.alter_table(add).await?;
        }
        manager.create_index(index("student", &["username"], true)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("ix_student_username").table("student").to_owned()).await?;
        for column in ["password_hash", "username"] {
            manager.alter_table(Table::alter().table("student").drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
