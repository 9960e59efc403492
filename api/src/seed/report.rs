//! What a seed run produced: row counts per table and the demo accounts to sign in with.

use std::collections::BTreeMap;
use std::fmt;

/// One fixed demo account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoAccount {
    /// The role it shows, e.g. `principal`, `homeroom_teacher`, `guardian`.
    pub role: &'static str,
    pub username: String,
    /// A phone number that also signs in (guardians).
    pub phone: Option<String>,
    pub password: &'static str,
    /// Who this is, in English.
    pub description_en: String,
    /// Who this is, in Vietnamese.
    pub description_vi: String,
}

/// The outcome of [`super::seed`] (empty when nothing was seeded).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    /// Rows inserted per table.
    pub counts: BTreeMap<&'static str, u64>,
    /// One account per role, in a fixed order.
    pub accounts: Vec<DemoAccount>,
}

impl SeedReport {
    pub(super) fn new(counts: BTreeMap<&'static str, u64>, mut accounts: Vec<DemoAccount>) -> Self {
        // By role; within a role the demo school's account (`hieutruong`) before the other
        // schools' (`hieutruong.th`, `hieutruong2`), whose names extend it.
        accounts
            .sort_by_key(|account| (ROLE_ORDER.iter().position(|role| *role == account.role), account.username.len()));
        Self { counts, accounts }
    }

    /// Rows inserted into `table`.
    pub fn count(&self, table: &str) -> u64 {
        self.counts.get(table).copied().unwrap_or(0)
    }

    /// The demo account of `role` in the demo school (the first of that role).
    pub fn account(&self, role: &str) -> Option<&DemoAccount> {
        self.accounts.iter().find(|account| account.role == role)
    }
}

const ROLE_ORDER: &[&str] = &[
    "principal",
    "vice_principal",
    "homeroom_teacher",
    "subject_teacher",
    "clerk",
    "district_officer",
    "privacy_officer",
    "operator",
    "guardian",
    "student",
];

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Đã tạo / created: {} trường / schools, {} lớp / classes, {} học sinh / students, {} phụ huynh / guardians, {} cán bộ / staff, {} kết quả / results",
            self.count("org").saturating_sub(3),
            self.count("homeroom_class"),
            self.count("student"),
            self.count("guardian"),
            self.count("staff"),
            self.count("result"),
        )?;
        let tables: Vec<String> = self.counts.iter().map(|(table, n)| format!("{table} {n}")).collect();
        writeln!(f, "Rows: {}", tables.join(", "))?;
        writeln!(f, "Tài khoản mẫu / demo accounts (mật khẩu / password \"{}\"):", super::DEMO_PASSWORD)?;
        for account in &self.accounts {
            let phone = account.phone.as_deref().map(|p| format!(" (hoặc / or {p})")).unwrap_or_default();
            writeln!(f, "  {:<14} {:<17} {}{phone}", account.username, account.role, account.description_en)?;
            writeln!(f, "  {:<14} {:<17} {}", "", "", account.description_vi)?;
        }
        Ok(())
    }
}
