//! Organisations as a tree of any depth with dated parent links (department, district office,
//! commune office, school), school years with their semesters, and the national subject list.

use crate::columns::{create_all, foreign, id, index, reference};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{date, date_null, integer, small_integer, string, string_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = vec![
            Table::create()
                .table("org")
                .col(id())
                .col(string("external_id").unique_key())
                // department | district_office | commune_office | school
                .col(string("kind"))
                .col(string("name"))
                // TH | THCS | THPT for schools, null otherwise
                .col(string_null("school_level"))
                .col(string_null("sector_code"))
                .take(),
            Table::create()
                .table("org_parent")
                .col(id())
                .col(reference("org_id"))
                .col(reference("parent_id"))
                .col(date("valid_from"))
                .col(date_null("valid_to"))
                .foreign_key(&mut foreign("org_parent", "org_id", "org"))
                .foreign_key(&mut foreign("org_parent", "parent_id", "org"))
                .take(),
            Table::create()
                .table("school_year")
                .col(id())
                .col(string("name").unique_key())
                .col(date("starts_on"))
                .col(date("ends_on"))
                .take(),
            Table::create()
                .table("semester")
                .col(id())
                .col(reference("school_year_id"))
                .col(small_integer("number"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .foreign_key(&mut foreign("semester", "school_year_id", "school_year"))
                .take(),
            Table::create()
                .table("subject")
                .col(id())
                .col(string("code").unique_key())
                .col(string("name"))
                // scored | comment
                .col(string("assessment"))
                .col(integer("sort_order"))
                .take(),
        ];
        let indexes = vec![
            index("org_parent", &["org_id"], false),
            index("org_parent", &["parent_id"], false),
            index("semester", &["school_year_id", "number"], true),
        ];
        create_all(manager, tables, indexes).await
    }
}
