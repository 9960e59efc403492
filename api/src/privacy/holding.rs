//! What the policy tools ask of the privacy layer about one caller: which relationships hold
//! between the caller and a student today (`emis policy explain`), and the SQL condition
//! one (role, relationship) grant compiles to for the caller (`emis policy impact`), so
//! both answer with the very checks and SQL that serve requests.

use super::{Access, Target, check, sql};
use emis_authz::{Kind, Relationship, Role};
use sea_orm::{Condition, DbErr};

impl Access {
    /// The (role, relationship) pairs that hold between the caller and `target` for `kind`,
    /// over every role the caller holds and every relationship meaningful for the kind,
    /// whatever the policy grants.
    pub async fn relationships_holding(&self, kind: Kind, target: Target) -> Result<Vec<(Role, Relationship)>, DbErr> {
        let mut roles: Vec<Role> = self.principal.roles.keys().copied().collect();
        roles.sort();
        let mut holding = Vec::new();
        let consents = self.policy.consent_purposes(kind);
        for role in roles {
            for &rel in kind.relationships() {
                if check::holds(&self.db, &self.principal, &self.sets, (kind, consents), role, rel, target).await? {
                    holding.push((role, rel));
                }
            }
        }
        Ok(holding)
    }

    /// The condition selecting the records of `shape` that `grants` (pairs of the caller's
    /// roles and relationships) reach for `kind`, as [`Access::filter`] compiles it.
    pub(crate) fn condition_of(&self, kind: Kind, grants: &[(Role, Relationship)], shape: &super::Shape) -> Condition {
        let consents = self.policy.consent_purposes(kind);
        sql::granted(&self.principal, self.db.get_database_backend(), kind, grants, consents, shape)
    }
}
