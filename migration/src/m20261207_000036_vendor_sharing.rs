//! Sharing with vendors. A school or an office registers a vendor's client
//! (`vendor_client`: its public client id, the keyed hash of its secret, active or suspended)
//! and the sharing agreements it holds (`sharing_agreement`: the purpose, the legal basis, a
//! reference to the signed agreement, the dates it is in force, whether a family's consent
//! is needed, the scopes and field groups shared), each covering schools or classes
//! (`sharing_agreement_place`). A client trades its secret for short-lived access tokens
//! (`vendor_token`, stored hashed, with the scopes granted).

use crate::columns::{create_all, foreign, id, index, reference, reference_null};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    boolean, date, date_null, string, string_len, string_null, text, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("vendor_client")
                .col(id())
                // the school or office that registered it
                .col(reference("org_id"))
                .col(string("name"))
                // public, given to the vendor with the secret
                .col(string_len("client_id", 64))
                // keyed hash of the secret, which is shown once
                .col(string_len("secret_hash", 64))
                // active | suspended
                .col(string_len("status", 16))
                .col(reference("registered_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("secret_rotated_at"))
                .col(timestamp_with_time_zone_null("suspended_at"))
                .foreign_key(&mut foreign("vendor_client", "org_id", "org"))
                .take(),
            Table::create()
                .table("sharing_agreement")
                .col(id())
                .col(reference("vendor_client_id"))
                // the client's organisation, on which the agreement is judged
                .col(reference("org_id"))
                // a code of the privacy officer's list (policy/purposes.csv)
                .col(string_len("purpose", 64))
                .col(string("legal_basis"))
                // where the signed agreement is kept
                .col(string("reference"))
                .col(date("starts_on"))
                .col(date_null("ends_on"))
                .col(boolean("consent_required"))
                // space-separated OAuth scopes
                .col(text("scopes"))
                // comma-separated policy kinds (field groups)
                .col(text("field_groups"))
                .col(reference("made_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("ended_at"))
                .col(string_null("ended_reason"))
                .foreign_key(&mut foreign("sharing_agreement", "vendor_client_id", "vendor_client"))
                .take(),
            Table::create()
                .table("sharing_agreement_place")
                .col(id())
                .col(reference("agreement_id"))
                .col(reference("school_id"))
                // null: the whole school
                .col(reference_null("class_id"))
                .foreign_key(&mut foreign("sharing_agreement_place", "agreement_id", "sharing_agreement"))
                .take(),
            Table::create()
                .table("vendor_token")
                .col(id())
                .col(reference("vendor_client_id"))
                .col(string_len("token_hash", 64))
                // space-separated scopes granted
                .col(text("scopes"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(&mut foreign("vendor_token", "vendor_client_id", "vendor_client"))
                .take(),
        ];
        let indexes = vec![
            index("vendor_client", &["client_id"], true),
            index("vendor_client", &["org_id"], false),
            index("sharing_agreement", &["vendor_client_id"], false),
            index("sharing_agreement_place", &["agreement_id"], false),
            index("sharing_agreement_place", &["school_id"], false),
            index("vendor_token", &["token_hash"], true),
            index("vendor_token", &["vendor_client_id"], false),
        ];
        create_all(manager, tables, indexes).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["vendor_token", "sharing_agreement_place", "sharing_agreement", "vendor_client"] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
