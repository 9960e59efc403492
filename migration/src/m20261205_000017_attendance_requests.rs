//! Roll-call corrections after a lock: a change request may now ask for a roll-call entry
//! (the day, the half-day session, the period when the roll call was per period, and the
//! status; the note travels in `comment`), applied on the principal's approval like a score.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{date_null, integer_null, string_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns added, one statement each (SQLite alters one column at a time).
fn added() -> [ColumnDef; 4] {
    [
        date_null("attendance_date"),
        string_null("attendance_session"),
        integer_null("attendance_period"),
        string_null("attendance_status"),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for mut column in added() {
            manager.alter_table(Table::alter().table("change_request").add_column(&mut column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in added() {
            let name = column.get_column_name();
            manager
                .alter_table(Table::alter().table("change_request").drop_column(Alias::new(name)).to_owned())
                .await?;
        }
        Ok(())
    }
}
