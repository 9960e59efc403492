//! One person's columns as an import writes them — names, gender, birth date and the sealed
//! values with their blind indexes — and the sealing of those values under the person's
//! data key. A bulk file is not a removal list: a value a row does not give (an empty cell,
//! a column left out, no `demographics.csv` row) keeps what is stored, so importing a
//! package without sensitive values — as `emis export oneroster` writes one without
//! `--sensitive` — or without demographics erases nothing; a value given replaces the
//! stored one, keeping its ciphertext when unchanged.

use super::import::Ctx;
use crate::text;
use crate::vault::Vault;
use anyhow::Context as _;
use chrono::NaiveDate;
use emis_oneroster::records::{Demographics, Sex, User};
use entity::{Gender, data_key, guardian, staff, student};

/// A sensitive value of a person: its column, its stored ciphertext and the value the row gives.
pub(super) type Value<'a> = (&'a str, Option<&'a [u8]>, &'a Option<String>);

/// Sealing a person's values: their table and row, and their data key once known (from a
/// stored value, or created for the first value sealed).
pub(super) struct Sealing {
    table: &'static str,
    row_id: i64,
    key_id: Option<u64>,
}

/// What is stored of a person already (nothing, for a new one): what a row that does not
/// give a value keeps.
#[derive(Default)]
pub(super) struct Stored<'a> {
    pub gender: Option<&'a str>,
    pub birth_date: Option<NaiveDate>,
    pub identity_no: Option<&'a [u8]>,
    pub identity_no_blind: Option<&'a str>,
    pub address: Option<&'a [u8]>,
    pub phone: Option<&'a [u8]>,
    pub phone_blind: Option<&'a str>,
    pub email: Option<&'a [u8]>,
}

/// A stored person's values; guardians and staff have contact columns too.
macro_rules! stored {
    ($module:ident $(, contact: $phone:ident, $phone_blind:ident, $email:ident)?) => {
        impl<'a> From<&'a $module::Model> for Stored<'a> {
            fn from(row: &'a $module::Model) -> Self {
                let stored = Stored {
                    gender: row.gender.as_deref(),
                    birth_date: row.birth_date,
                    identity_no: row.identity_no_enc.as_deref(),
                    identity_no_blind: row.identity_no_blind.as_deref(),
                    address: row.address_enc.as_deref(),
                    ..Stored::default()
                };
                $(
                    let stored = Stored {
                        phone: row.$phone.as_deref(),
                        phone_blind: row.$phone_blind.as_deref(),
                        email: row.$email.as_deref(),
                        ..stored
                    };
                )?
                stored
            }
        }
    };
}

stored!(student);
stored!(guardian, contact: phone_enc, phone_blind, email_enc);
stored!(staff, contact: phone_enc, phone_blind, email_enc);

/// The columns students, guardians and staff share, from a user row.
pub(super) struct PersonColumns {
    pub family_name: String,
    pub given_name: String,
    pub full_name: String,
    pub search_name: String,
    pub sort_name: String,
    pub gender: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub identity_no_enc: Option<Vec<u8>>,
    pub identity_no_blind: Option<String>,
    pub address_enc: Option<Vec<u8>>,
    pub phone_enc: Option<Vec<u8>>,
    pub phone_blind: Option<String>,
    pub email_enc: Option<Vec<u8>>,
}

/// Names, gender and birth date, and the identity number, address, phone and e-mail sealed
/// (or kept, when unchanged or not given) with their blind indexes in `sealing`'s table's
/// domains.
pub(super) async fn person_columns(
    ctx: &mut Ctx<'_>,
    sealing: &mut Sealing,
    user: &User,
    demographics: Option<&Demographics>,
    stored: &Stored<'_>,
) -> anyhow::Result<PersonColumns> {
    let names = Names::of(user);
    let table = sealing.table;
    // A value not given keeps its stored blind index with its stored ciphertext.
    let blind = |ctx: &Ctx<'_>, field: &str, value: &Option<String>, stored: Option<&str>| match value {
        Some(value) => ctx.vault.blind(&format!("{table}.{field}"), value),
        None => stored.map(str::to_owned),
    };
    let [identity_no_enc, address_enc, phone_enc, email_enc] = sealing
        .seal(
            ctx,
            [
                ("identity_no_enc", stored.identity_no, &user.national_id),
                ("address_enc", stored.address, &user.address),
                ("phone_enc", stored.phone, &user.phone),
                ("email_enc", stored.email, &user.email),
            ],
        )
        .await?;
    Ok(PersonColumns {
        full_name: names.full(),
        search_name: text::fold(&names.full()),
        sort_name: text::sort_name(&names.family, &names.given),
        gender: gender(demographics).or(stored.gender.map(str::to_owned)),
        birth_date: demographics.and_then(|d| d.birth_date).or(stored.birth_date),
        identity_no_enc,
        identity_no_blind: blind(ctx, "identity_no", &user.national_id, stored.identity_no_blind),
        address_enc,
        phone_enc,
        phone_blind: blind(ctx, "phone", &user.phone, stored.phone_blind),
        email_enc,
        family_name: names.family,
        given_name: names.given,
    })
}

fn gender(demographics: Option<&Demographics>) -> Option<String> {
    match demographics.and_then(|d| d.sex) {
        Some(Sex::Male) => Some(Gender::Male.as_str().to_owned()),
        Some(Sex::Female) => Some(Gender::Female.as_str().to_owned()),
        _ => None,
    }
}

/// A person's names as EMIS keeps them: family and middle names together, then the given name.
struct Names {
    family: String,
    given: String,
}

impl Names {
    fn of(user: &User) -> Names {
        let family = match &user.middle_name {
            Some(middle) => format!("{} {middle}", user.family_name),
            None => user.family_name.clone(),
        };
        Names { family, given: user.given_name.clone() }
    }

    fn full(&self) -> String {
        format!("{} {}", self.family, self.given).trim().to_owned()
    }
}

impl Sealing {
    /// Sealing for row `row_id` of `table`, whose stored sealed values are `stored`.
    pub(super) fn new<const N: usize>(table: &'static str, row_id: i64, stored: [Option<&[u8]>; N]) -> Self {
        let key_id = stored.into_iter().flatten().find_map(Vault::key_id_of);
        Sealing { table, row_id, key_id }
    }

    /// The ciphertexts to store for a person's sensitive values, each given as (column, the
    /// stored ciphertext, the value the row gives), in order: see [`Sealing::keep_or_seal`].
    pub(super) async fn seal<const N: usize>(
        &mut self,
        ctx: &mut Ctx<'_>,
        values: [Value<'_>; N],
    ) -> anyhow::Result<[Option<Vec<u8>>; N]> {
        let mut sealed = Vec::with_capacity(N);
        for (column, old, new) in values {
            sealed.push(self.keep_or_seal(ctx, old, column, new).await?);
        }
        sealed.try_into().map_err(|_| anyhow::anyhow!("a sealed value went missing"))
    }

    /// The ciphertext to store for `new` in `column`: the old one when it opens to the same
    /// text or no value is given, otherwise `new` sealed under the person's key (created on
    /// first use).
    async fn keep_or_seal(
        &mut self,
        ctx: &mut Ctx<'_>,
        old: Option<&[u8]>,
        column: &str,
        new: &Option<String>,
    ) -> anyhow::Result<Option<Vec<u8>>> {
        let Some(new) = new else { return Ok(old.map(<[u8]>::to_vec)) };
        if let Some(old) = old {
            if let Some(key) = Vault::key_id_of(old) {
                ctx.vault.preload(ctx.store.txn, [key]).await.context("loading a data key")?;
            }
            if ctx.vault.open_field(self.table, column, self.row_id, old).as_deref() == Some(new.as_str()) {
                return Ok(Some(old.to_vec()));
            }
        }
        let key_id = match self.key_id {
            Some(key_id) => {
                ctx.vault.preload(ctx.store.txn, [key_id]).await.context("loading a data key")?;
                key_id
            }
            None => {
                let id = ctx.store.next_id("data_key").await?;
                let key_id = u64::try_from(id).context("negative key id")?;
                ctx.vault.new_cached_key(key_id).context("creating a data key")?;
                ctx.new_keys.push(data_key::Model {
                    id,
                    scope: format!("{}:{}", self.table, self.row_id),
                    // Wrapped with the other new keys, before they are written.
                    wrapped: Vec::new(),
                    created_at: chrono::Utc::now(),
                    destroyed_at: None,
                });
                self.key_id = Some(key_id);
                key_id
            }
        };
        Ok(Some(ctx.vault.seal_with(key_id, self.table, column, self.row_id, new).context("sealing")?))
    }
}

/// `keys` with their wrapped form filled in.
pub(super) fn wrapped(vault: &Vault, mut keys: Vec<data_key::Model>) -> anyhow::Result<Vec<data_key::Model>> {
    let ids = keys.iter().map(|key| u64::try_from(key.id)).collect::<Result<Vec<_>, _>>()?;
    let wrapped = vault.wrap_keys(&ids).context("wrapping the new data keys")?;
    for (key, wrapped) in keys.iter_mut().zip(wrapped) {
        key.wrapped = wrapped;
    }
    Ok(keys)
}

/// Writes the new data keys once their wrapping has ended (the sealed values name their key
/// by id; the key rows only need to be there when the transaction commits).
pub async fn write_wrapped_keys(ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    for wrapping in std::mem::take(&mut ctx.wrapping) {
        let keys = wrapping.await.context("the key-wrapping task stopped")??;
        ctx.store.insert::<data_key::Entity>(keys).await?;
    }
    Ok(())
}
