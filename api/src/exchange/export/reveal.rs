//! Sensitive values in an export: written only when the export asks for them, opened with
//! the person's data key, the keys of a page of people loaded in one go beforehand.

use crate::vault::Vault;
use anyhow::Context as _;
use entity::{guardian, staff, student};
use sea_orm::DatabaseConnection;
use std::collections::BTreeSet;

/// A person's row with sealed values.
pub(super) trait Sealed {
    /// Every sealed value of the row.
    fn sealed(&self) -> Vec<&Option<Vec<u8>>>;
}

impl Sealed for student::Model {
    fn sealed(&self) -> Vec<&Option<Vec<u8>>> {
        vec![&self.identity_no_enc, &self.address_enc, &self.ethnicity_enc, &self.religion_enc, &self.health_enc]
    }
}

/// Guardians and staff have the same sealed values.
macro_rules! sealed_contact {
    ($($module:ident),*) => {$(
        impl Sealed for $module::Model {
            fn sealed(&self) -> Vec<&Option<Vec<u8>>> {
                vec![&self.identity_no_enc, &self.address_enc, &self.phone_enc, &self.email_enc]
            }
        }
    )*};
}

sealed_contact!(guardian, staff);

/// Opens sealed values when the export carries sensitive values; otherwise every value
/// reads as empty.
pub(super) struct Reveal<'a> {
    pub vault: &'a Vault,
    pub sensitive: bool,
}

impl Reveal<'_> {
    /// Loads the data keys of the sealed values of `rows`, when they are to be opened.
    pub async fn preload(&self, db: &DatabaseConnection, rows: &[impl Sealed]) -> anyhow::Result<()> {
        if !self.sensitive {
            return Ok(());
        }
        let sealed = rows.iter().flat_map(Sealed::sealed).flatten();
        let keys: BTreeSet<u64> = sealed.filter_map(|value| Vault::key_id_of(value)).collect();
        let keys: Vec<u64> = keys.into_iter().collect();
        // In chunks: SQLite binds at most 32,766 parameters per statement.
        for chunk in keys.chunks(10_000) {
            self.vault.preload(db, chunk.iter().copied()).await.context("loading data keys")?;
        }
        Ok(())
    }

    /// The value sealed in `column` of row `row_id` of `table`; empty unless the export
    /// carries sensitive values.
    pub fn open(&self, table: &str, column: &str, row_id: i64, sealed: Option<&[u8]>) -> String {
        match (self.sensitive, sealed) {
            (true, Some(sealed)) => self.vault.open_field(table, column, row_id, sealed).unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// The sealed cells of a user row, from the person's identity number, address, phone and
    /// e-mail ciphertexts in `table`'s row `row_id` (a student has no phone or e-mail).
    pub fn user_cells(
        &self,
        table: &str,
        row_id: i64,
        [identity_no, address, phone, email]: [&Option<Vec<u8>>; 4],
    ) -> [(&'static str, String); 4] {
        let open = |column: &str, sealed: &Option<Vec<u8>>| self.open(table, column, row_id, sealed.as_deref());
        [
            ("metadata.vn.nationalId", open("identity_no_enc", identity_no)),
            ("metadata.vn.address", open("address_enc", address)),
            ("phone", open("phone_enc", phone)),
            ("email", open("email_enc", email)),
        ]
    }
}
