//! The student list's index also holds the folded search name, so a name search within a
//! school (its count, and the ids of a page in roster order) reads the index alone instead
//! of every student row of the school.

use crate::columns::index;
use sea_orm_migration::prelude::*;

const ROSTER_ORDER: &str = "ix_student_school_id_sort_name_id";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_index(index("student", &["school_id", "sort_name", "id", "search_name"], false)).await?;
        manager.drop_index(Index::drop().name(ROSTER_ORDER).table("student").to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_index(index("student", &["school_id", "sort_name", "id"], false)).await?;
        manager
            .drop_index(Index::drop().name("ix_student_school_id_sort_name_id_search_name").table("student").to_owned())
            .await
    }
}
