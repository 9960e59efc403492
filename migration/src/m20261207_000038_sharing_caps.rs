//! Caps on what leaves. A sharing agreement may set how many distinct students it shows a
//! day (`sharing_agreement.daily_student_cap`; null: the server's default). Each student a
//! vendor is shown under an agreement is counted once a day (`vendor_student_read`); when a
//! read would cross the cap it is refused, and the crossing is recorded
//! (`sharing_cap_alert`), which blocks the agreement for the rest of the day and tells the
//! school's (or office's) administrators and privacy officers.

use crate::columns::{create_all, foreign, id, index, reference};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{big_integer, date, integer_null, timestamp_with_time_zone};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter().table("sharing_agreement").add_column(integer_null("daily_student_cap")).to_owned(),
            )
            .await?;
        let tables = vec![
            Table::create()
                .table("vendor_student_read")
                .col(id())
                .col(reference("agreement_id"))
                // the day in Vietnam the student was shown
                .col(date("day"))
                .col(reference("student_id"))
                .foreign_key(&mut foreign("vendor_student_read", "agreement_id", "sharing_agreement"))
                .take(),
            Table::create()
                .table("sharing_cap_alert")
                .col(id())
                .col(reference("agreement_id"))
                // the agreement's organisation, on which the alert is judged
                .col(reference("org_id"))
                .col(date("day"))
                .col(big_integer("cap"))
                // distinct students the refused read would have brought the day to
                .col(big_integer("reached"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut foreign("sharing_cap_alert", "agreement_id", "sharing_agreement"))
                .take(),
        ];
        let indexes = vec![
            index("vendor_student_read", &["agreement_id", "day", "student_id"], true),
            index("sharing_cap_alert", &["agreement_id", "day"], true),
            index("sharing_cap_alert", &["org_id"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["sharing_cap_alert", "vendor_student_read"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table("sharing_agreement").drop_column("daily_student_cap").to_owned()).await
    }
}
