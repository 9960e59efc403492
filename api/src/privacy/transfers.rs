//! The student a transfer names: their full name and sector identifier are part of the
//! transfer (what the receiving school needs to admit the student before it may read the
//! student record). They are read only for a transfer the caller may read at either school
//! ([`super::readers::TRANSFER`]), judged by the per-record check on the transfer given.

use super::Access;
use super::readers::TRANSFER;
use emis_authz::Action;
use entity::{student, transfer};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait as _, QuerySelect as _};

/// The student a transfer names, as the transfer shows them.
pub struct TransferStudent {
    pub full_name: String,
    pub external_id: String,
}

impl Access {
    /// The student `transfer` names, when the caller may read the transfer; `None` when they
    /// may not (or the student is gone).
    pub async fn transfer_student(
        &self,
        db: &impl ConnectionTrait,
        transfer: &transfer::Model,
    ) -> Result<Option<TransferStudent>, DbErr> {
        if !self.mixed_permits(&TRANSFER, Action::Read, transfer).await? {
            return Ok(None);
        }
        let named: Option<(String, String)> = student::Entity::find_by_id(transfer.student_id)
            .select_only()
            .columns([student::Column::FullName, student::Column::ExternalId])
            .into_tuple()
            .one(db)
            .await?;
        Ok(named.map(|(full_name, external_id)| TransferStudent { full_name, external_id }))
    }
}
