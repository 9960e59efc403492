//! Sealing a staff member's values as the API writes them, with the vault the import and
//! the seed seal with: under the person's data key (the one their stored values name, or a
//! new one stored in the same transaction), bound to the table, column and row, with a
//! blind index in the same domain the import uses (`staff.phone`).

use crate::error::ApiError;
use crate::vault::Vault;
use sea_orm::ConnectionTrait;

/// The table the values belong to.
const TABLE: &str = "staff";

/// A staff row's data key, loaded or created, ready to seal with.
pub(super) struct StaffKey<'a> {
    vault: &'a Vault,
    key_id: u64,
    row_id: i64,
}

impl<'a> StaffKey<'a> {
    /// The key of staff row `row_id` whose stored sealed values are `stored`: the first one
    /// they name (loaded into the vault's cache), else a new key stored through `db`.
    pub(super) async fn of(
        db: &impl ConnectionTrait,
        vault: &'a Vault,
        row_id: i64,
        stored: &[Option<&[u8]>],
    ) -> Result<Self, ApiError> {
        let key_id = match stored.iter().flatten().find_map(|sealed| Vault::key_id_of(sealed)) {
            Some(key_id) => {
                vault.preload(db, [key_id]).await.map_err(ApiError::internal)?;
                key_id
            }
            None => vault.create_key(db, &format!("{TABLE}:{row_id}")).await.map_err(ApiError::internal)?,
        };
        Ok(Self { vault, key_id, row_id })
    }

    /// `value` sealed for `column` of the row; `None` stays `None`.
    pub(super) fn seal(&self, column: &str, value: Option<&str>) -> Result<Option<Vec<u8>>, ApiError> {
        value
            .map(|value| self.vault.seal_with(self.key_id, TABLE, column, self.row_id, value))
            .transpose()
            .map_err(ApiError::internal)
    }
}

/// The blind index of a staff member's `field` (e.g. `phone`), for exact look-ups.
pub(super) fn blind(vault: &Vault, field: &str, value: Option<&str>) -> Option<String> {
    value.and_then(|value| vault.blind(&format!("{TABLE}.{field}"), value))
}
