//! Sealing a person's values as the API writes them (staff added or updating their contact
//! details, students and guardians taken in), with the vault the import and the seed seal
//! with: under the row's data key (the one its stored values name, or a new one stored in the
//! same transaction), bound to the table, column and row, with blind indexes in the domains
//! the import uses (`staff.phone`, `guardian.phone`, `student.identity_no`, …).

use crate::error::ApiError;
use crate::vault::Vault;
use sea_orm::ConnectionTrait;

/// A row's data key, loaded or created, ready to seal with.
pub struct RowKey<'a> {
    vault: &'a Vault,
    table: &'static str,
    key_id: u64,
    row_id: i64,
}

impl<'a> RowKey<'a> {
    /// The key of row `row_id` of `table` whose stored sealed values are `stored`: the first
    /// one they name (loaded into the vault's cache), else a new key stored through `db`.
    pub async fn of(
        db: &impl ConnectionTrait,
        vault: &'a Vault,
        table: &'static str,
        row_id: i64,
        stored: &[Option<&[u8]>],
    ) -> Result<Self, ApiError> {
        let key_id = match stored.iter().flatten().find_map(|sealed| Vault::key_id_of(sealed)) {
            Some(key_id) => {
                vault.preload(db, [key_id]).await.map_err(ApiError::internal)?;
                key_id
            }
            None => vault.create_key(db, &format!("{table}:{row_id}")).await.map_err(ApiError::internal)?,
        };
        Ok(Self { vault, table, key_id, row_id })
    }

    /// `value` sealed for `column` of the row; `None` stays `None`.
    pub fn seal(&self, column: &str, value: Option<&str>) -> Result<Option<Vec<u8>>, ApiError> {
        value
            .map(|value| self.vault.seal_with(self.key_id, self.table, column, self.row_id, value))
            .transpose()
            .map_err(ApiError::internal)
    }
}

/// The blind index of `field` (e.g. `phone`) of a row of `table`, for exact look-ups.
pub fn blind(vault: &Vault, table: &str, field: &str, value: Option<&str>) -> Option<String> {
    value.and_then(|value| vault.blind(&format!("{table}.{field}"), value))
}
