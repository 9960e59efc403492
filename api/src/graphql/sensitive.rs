//! Reading a sensitive field: the privacy layer decides the field group for the record
//! first ([`crate::privacy::Access::shows`]); only then is the data key made ready
//! (batched) and the ciphertext opened. A denied, missing or unopenable value reads as
//! null, with no error.

use super::batch::Batcher;
use super::context::{access, state};
use super::loaders::KeyLoader;
use crate::privacy::Target;
use crate::vault::Vault;
use async_graphql::Context;
use emis_authz::Kind;

/// Where a sealed value lives: table, column and row (the ciphertext is bound to them).
pub struct Sealed<'a> {
    pub table: &'static str,
    pub column: &'static str,
    pub row_id: i64,
    pub value: Option<&'a [u8]>,
}

/// The plaintext of `sealed` if the caller may read field group `kind` of the record, seen
/// as any of `targets` (a guardian reached through a child is also, to themselves, `self`).
pub async fn reveal(ctx: &Context<'_>, kind: Kind, targets: &[Target], sealed: Sealed<'_>) -> Option<String> {
    let value = sealed.value?;
    let access = access(ctx).ok()?;
    if !access.shows(kind, targets).await {
        return None;
    }
    if let Some(Target::Personal { student, school, .. }) = targets.first() {
        super::context::shown(ctx, *student, *school, kind);
    }
    let key_id = Vault::key_id_of(value)?;
    let vault = &state(ctx).ok()?.vault;
    if !vault.has_key(key_id) {
        // Missing keys of one response are fetched together, in one query.
        let loader = ctx.data::<Batcher<u64, KeyLoader>>().ok()?;
        loader.load_one(key_id).await.ok()?;
    }
    vault.open_field(sealed.table, sealed.column, sealed.row_id, value)
}
