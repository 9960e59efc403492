//! A crossed cap told to the privacy officers it concerns. A `staff_notification` of kind
//! `sharing_cap` names the alert it tells of (`cap_alert_id`); it goes to the privacy
//! officers of the agreement's organisation and of every school the agreement covers, and is
//! judged on the recipient's own organisation (`school_id`), so a school's officer learns of
//! an office's agreement that read its students past the cap.

use crate::columns::{index, reference_null};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let alert = reference_null("cap_alert_id");
        manager.alter_table(Table::alter().table("staff_notification").add_column(alert).to_owned()).await?;
        manager.create_index(index("staff_notification", &["cap_alert_id"], false)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let name = "ix_staff_notification_cap_alert_id";
        manager.drop_index(Index::drop().name(name).table("staff_notification").to_owned()).await?;
        manager.alter_table(Table::alter().table("staff_notification").drop_column("cap_alert_id").to_owned()).await
    }
}
