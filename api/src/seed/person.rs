//! The generation context ([`Ctx`]: random generator, id counters, pending rows, sealing) and
//! people: names, birth dates, citizen identity numbers, addresses, phones and e-mails.

use super::report::DemoAccount;
use super::vocab::{
    FAMILY_NAMES, GIVEN_BOY, GIVEN_GIRL, GIVEN_MAN, GIVEN_WOMAN, MIDDLE_FEMALE, MIDDLE_MALE, STREETS, WARDS,
};
use super::writer::Rows;
use super::{DEMO_PASSWORD, Sealer};
use crate::text;
use anyhow::{Context as _, anyhow};
use argon2::password_hash::{PasswordHasher as _, SaltString};
use chrono::{DateTime, Datelike as _, NaiveDate, NaiveTime, TimeDelta, Utc};
use emis_crypto::DataKey;
use entity::{Gender, data_key};
use rand::Rng as _;
use rand::seq::SliceRandom as _;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// Everything the generators share while the seed runs.
pub struct Ctx<'a> {
    pub rng: ChaCha8Rng,
    pub rows: Rows,
    pub password_hash: String,
    sealer: &'a dyn Sealer,
    ids: BTreeMap<&'static str, i64>,
    people: u32,
    accounts: Vec<DemoAccount>,
}

impl<'a> Ctx<'a> {
    pub fn new(rng: ChaCha8Rng, sealer: &'a dyn Sealer, password_hash: String, first_key_id: i64) -> Self {
        let ids = BTreeMap::from([("data_key", first_key_id - 1)]);
        Self { rng, rows: Rows::default(), password_hash, sealer, ids, people: 0, accounts: Vec::new() }
    }

    /// The next id of `table`: 1, 2, 3…
    pub fn next_id(&mut self, table: &'static str) -> i64 {
        let id = self.ids.entry(table).or_default();
        *id += 1;
        *id
    }

    /// A new data key for the row `table`/`row_id`; its `data_key` row is queued.
    pub fn person_key(&mut self, table: &'static str, row_id: i64) -> anyhow::Result<PersonKey<'a>> {
        let key_id = self.next_id("data_key");
        let (key, wrapped) =
            self.sealer.new_key(key_id).with_context(|| format!("creating the data key of {table}:{row_id}"))?;
        self.rows.data_keys.push(data_key::Model {
            id: key_id,
            scope: format!("{table}:{row_id}"),
            wrapped,
            created_at: Utc::now(),
            destroyed_at: None,
        });
        Ok(PersonKey { sealer: self.sealer, key, key_id, table, row_id })
    }

    /// The keyed hash of `value` in `domain`.
    pub fn blind(&self, domain: &str, value: &str) -> String {
        self.sealer.blind(domain, value)
    }

    /// Remembers a demo account for the report.
    pub fn add_account(&mut self, account: DemoAccount) {
        self.accounts.push(account);
    }

    pub fn take_accounts(&mut self) -> Vec<DemoAccount> {
        std::mem::take(&mut self.accounts)
    }

    /// Picks one item of a non-empty list.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        *items.choose(&mut self.rng).unwrap_or(&items[0])
    }

    /// Picks one value of a non-empty weighted list.
    pub fn pick_weighted(&mut self, items: &[(&'static str, u32)]) -> &'static str {
        let total: u32 = items.iter().map(|(_, weight)| weight).sum();
        let mut roll = self.rng.gen_range(0..total.max(1));
        for (item, weight) in items {
            if roll < *weight {
                return item;
            }
            roll -= weight;
        }
        items[0].0
    }

    /// A random day of `year`.
    pub fn day_in(&mut self, year: i32) -> anyhow::Result<NaiveDate> {
        let ordinal = self.rng.gen_range(1..=365);
        NaiveDate::from_yo_opt(year, ordinal).ok_or_else(|| anyhow!("no day {ordinal} in {year}"))
    }

    /// A person with a fresh, unique identity number; `family` is the family name (a random
    /// one if `None`); children get children's given names.
    pub fn person(
        &mut self,
        family: Option<&str>,
        gender: Gender,
        birth_year: i32,
        child: bool,
    ) -> anyhow::Result<Person> {
        let family = match family {
            Some(name) => name.to_owned(),
            None => self.pick_weighted(FAMILY_NAMES).to_owned(),
        };
        let (middles, givens) = match (gender, child) {
            (Gender::Male, true) => (MIDDLE_MALE, GIVEN_BOY),
            (Gender::Female, true) => (MIDDLE_FEMALE, GIVEN_GIRL),
            (Gender::Male, false) => (MIDDLE_MALE, GIVEN_MAN),
            (Gender::Female, false) => (MIDDLE_FEMALE, GIVEN_WOMAN),
        };
        let given_name = self.pick(givens).to_owned();
        let mut middle = self.pick(middles);
        while middle == given_name {
            middle = self.pick(middles);
        }
        let birth_date = self.day_in(birth_year)?;
        self.people += 1;
        let identity_no = identity_number(gender, birth_date.year(), self.people);
        let address = self.address();
        Ok(Person { family_name: format!("{family} {middle}"), given_name, gender, birth_date, identity_no, address })
    }

    /// A home address in the former District 3.
    pub fn address(&mut self) -> String {
        let number = self.rng.gen_range(1..=420);
        let alley = if self.rng.gen_bool(0.3) { format!("{}/", self.rng.gen_range(2..=90)) } else { String::new() };
        let street = self.pick(STREETS);
        let ward = self.pick(WARDS);
        format!("{alley}{number} {street}, {ward}, TP. Hồ Chí Minh")
    }

    /// A random gender.
    pub fn gender(&mut self) -> Gender {
        if self.rng.gen_bool(0.5) { Gender::Male } else { Gender::Female }
    }
}

/// A person's plaintext details before sealing.
pub struct Person {
    /// Family and middle names, e.g. "Nguyễn Thị Ánh".
    pub family_name: String,
    pub given_name: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    pub identity_no: String,
    pub address: String,
}

impl Person {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.family_name, self.given_name)
    }

    pub fn search_name(&self) -> String {
        text::fold(&self.full_name())
    }

    pub fn sort_name(&self) -> String {
        text::sort_name(&self.family_name, &self.given_name)
    }

    /// The stored form of the gender.
    pub fn gender(&self) -> Option<String> {
        Some(self.gender.as_str().to_owned())
    }
}

/// A person's data key, sealing values for one row.
pub struct PersonKey<'a> {
    sealer: &'a dyn Sealer,
    key: DataKey,
    key_id: i64,
    table: &'static str,
    row_id: i64,
}

impl PersonKey<'_> {
    /// Seals `value` for `column` (the `*_enc` column name) of this row.
    pub fn seal(&self, column: &str, value: &str) -> anyhow::Result<Vec<u8>> {
        self.sealer
            .seal(&self.key, self.key_id, self.table, column, self.row_id, value)
            .with_context(|| format!("sealing {}.{column}", self.table))
    }
}

/// A 12-digit citizen identity number: 079 (Ho Chi Minh City), century and sex, two digits
/// of the birth year, then six digits unique per person (`seq` below one million).
pub fn identity_number(gender: Gender, birth_year: i32, seq: u32) -> String {
    let century = if birth_year >= 2000 { 2 } else { 0 };
    let sex = century + u32::from(gender == Gender::Female);
    let serial = (u64::from(seq) * 7919 + 104_729) % 1_000_000;
    format!("079{sex}{:02}{serial:06}", birth_year.rem_euclid(100))
}

/// A unique mobile number for row `id`: `prefix` ("09" guardians, "03" staff) and 8 digits.
pub fn phone(prefix: &str, id: i64) -> String {
    let digits = (id.unsigned_abs() * 7919 + 1_234_567) % 100_000_000;
    format!("{prefix}{digits:08}")
}

/// Vietnam time (UTC+7) on `day` at `hour`, as UTC.
pub fn at(day: NaiveDate, hour: i64) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc() + TimeDelta::hours(hour - 7)
}

/// The one argon2id hash of [`DEMO_PASSWORD`] every account shares (argon2 defaults).
pub fn password_hash() -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2::Argon2::default()
        .hash_password(DEMO_PASSWORD.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|err| anyhow!("hashing the demo password failed: {err}"))
}
