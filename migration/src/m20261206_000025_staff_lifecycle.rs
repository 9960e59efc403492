//! Staff kept current through the API: a status change says why (a note), where a
//! transferred staff member went, and who recorded it; and every change of a staff member's
//! own phone or e-mail is kept, sealed like the values, in `staff_contact_history`.

use crate::columns::{create_all, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{blob_null, string_null, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [string_null("note"), reference_null("to_school_id"), reference_null("recorded_by_id")] {
            let mut column = column;
            let alter = Table::alter().table("staff_status_history").add_column(&mut column).to_owned();
            manager.alter_table(alter).await?;
        }
        let tables = vec![
            Table::create()
                .table("staff_contact_history")
                .col(id())
                .col(reference("staff_id"))
                .col(reference("school_id"))
                // the values before and after the change, sealed under the staff member's key
                .col(blob_null("old_phone_enc"))
                .col(blob_null("new_phone_enc"))
                .col(blob_null("old_email_enc"))
                .col(blob_null("new_email_enc"))
                .col(reference("changed_by_id"))
                .col(timestamp_with_time_zone("changed_at"))
                .take(),
        ];
        create_all(manager, tables, vec![index("staff_contact_history", &["staff_id"], false)]).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("staff_contact_history").to_owned()).await?;
        for column in ["recorded_by_id", "to_school_id", "note"] {
            let alter = Table::alter().table("staff_status_history").drop_column(column).to_owned();
            manager.alter_table(alter).await?;
        }
        Ok(())
    }
}
