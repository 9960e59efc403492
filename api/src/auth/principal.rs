//! The principal: who is asking, with the roles and relationships that the privacy layer
//! turns into conditions. It is loaded from the database on every request, so a staff member
//! who left, a student whose enrollment ended, a guardianship that ended or a role that was
//! withdrawn stops counting at the next request, whatever token the caller still holds.

use super::facts;
use chrono::{DateTime, NaiveDate, Utc};
use emis_authz::Role;
use entity::org_parent;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _};
use std::collections::{BTreeSet, HashMap};

/// Which kind of account a session belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Account {
    Staff(i64),
    Guardian(i64),
    /// A student of a school that gave them an account.
    Student(i64),
}

impl Account {
    /// The kind as stored in `auth_session.account_kind`.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Staff(_) => "staff",
            Self::Guardian(_) => "guardian",
            Self::Student(_) => "student",
        }
    }

    /// The account's row id.
    pub fn id(self) -> i64 {
        match self {
            Self::Staff(id) | Self::Guardian(id) | Self::Student(id) => id,
        }
    }

    /// The account of kind `kind` (as [`Account::kind`] names it) and row id `id`.
    pub fn of_kind(kind: &str, id: i64) -> Option<Self> {
        match kind {
            "staff" => Some(Self::Staff(id)),
            "guardian" => Some(Self::Guardian(id)),
            "student" => Some(Self::Student(id)),
            _ => None,
        }
    }
}

/// Everything the privacy layer knows about the caller for one request.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The account, if signed in.
    pub account: Option<Account>,
    /// The session the request came through.
    pub session_id: Option<i64>,
    /// Where the primary's log stood after the session's last write, when replicas serve
    /// reads (see [`crate::replicas`]).
    pub wrote_lsn: Option<i64>,
    /// The date access is judged on (effective dates).
    pub today: NaiveDate,
    /// Roles held, each with the organisations it is held at (empty for relationship roles).
    pub roles: HashMap<Role, BTreeSet<i64>>,
    /// Students the caller is an active, unrestricted guardian of.
    pub children: BTreeSet<i64>,
    /// Classes the caller is homeroom teacher of.
    pub homeroom_classes: BTreeSet<i64>,
    /// Sections the caller teaches.
    pub taught_sections: BTreeSet<i64>,
    /// Classes of the sections the caller teaches.
    pub taught_classes: BTreeSet<i64>,
    /// Sections of the classes the caller is homeroom teacher of.
    pub homeroom_sections: BTreeSet<i64>,
    /// Schools under the offices where the caller is an officer.
    pub overseen_schools: BTreeSet<i64>,
    /// The vendor's client behind a scoped token, and what its agreements in force share
    /// with it; `None` for people.
    pub vendor: Option<std::sync::Arc<super::vendor::Vendor>>,
}

impl Principal {
    /// A caller with no account: the policy grants it nothing.
    pub fn anonymous(today: NaiveDate) -> Self {
        Self {
            account: None,
            session_id: None,
            wrote_lsn: None,
            today,
            roles: HashMap::new(),
            children: BTreeSet::new(),
            homeroom_classes: BTreeSet::new(),
            taught_sections: BTreeSet::new(),
            taught_classes: BTreeSet::new(),
            homeroom_sections: BTreeSet::new(),
            overseen_schools: BTreeSet::new(),
            vendor: None,
        }
    }

    /// Whether the caller signed in: a person with an account, or a vendor's client.
    pub fn signed_in(&self) -> bool {
        self.account.is_some() || self.vendor.is_some()
    }

    /// The staff id, when the caller is staff.
    pub fn staff_id(&self) -> Option<i64> {
        match self.account {
            Some(Account::Staff(id)) => Some(id),
            _ => None,
        }
    }

    /// The guardian id, when the caller is a guardian.
    pub fn guardian_id(&self) -> Option<i64> {
        match self.account {
            Some(Account::Guardian(id)) => Some(id),
            _ => None,
        }
    }

    /// The student id, when the caller is a student.
    pub fn student_id(&self) -> Option<i64> {
        match self.account {
            Some(Account::Student(id)) => Some(id),
            _ => None,
        }
    }

    /// Organisations where the caller holds `role`.
    pub fn orgs_of(&self, role: Role) -> impl Iterator<Item = i64> + '_ {
        self.roles.get(&role).into_iter().flatten().copied()
    }

    /// Loads the principal of `account` as of `today`; `None` when the account may not act
    /// (staff no longer active, guardian disabled, student no longer enrolled).
    pub async fn load(
        db: &impl ConnectionTrait,
        account: Account,
        session_id: Option<i64>,
        today: NaiveDate,
    ) -> Result<Option<Self>, DbErr> {
        let who = facts::Who::Account(account.id());
        let query = match account {
            Account::Staff(_) => facts::staff_query(who, today),
            Account::Guardian(_) => facts::guardian_query(who, today),
            Account::Student(_) => facts::student_query(who, today),
        };
        let found = facts::load(db, &query).await?;
        Self::from_facts(db, account, session_id, today, &found).await
    }

    /// The principal behind the access token whose hash is `access_hash`, at `now`, in one
    /// statement; `None` for an unknown, expired or revoked session or an account that may
    /// not act. `kind` is the account kind the token names, if it names one.
    pub async fn from_token(
        db: &impl ConnectionTrait,
        access_hash: &str,
        now: DateTime<Utc>,
        kind: Option<&'static str>,
    ) -> Result<Option<Self>, DbErr> {
        let today = crate::clock::date_in_vietnam(now);
        let found = facts::load_for_token(db, access_hash, now, today, kind).await?;
        let session = found.iter().find(|fact| fact.fact == "session");
        let account = match session.map(|s| (s.name.as_str(), s.b)) {
            Some(("staff", Some(id))) => Account::Staff(id),
            Some(("guardian", Some(id))) => Account::Guardian(id),
            Some(("student", Some(id))) => Account::Student(id),
            _ => return Ok(None),
        };
        let session_id = session.and_then(|s| s.a);
        let principal = Self::from_facts(db, account, session_id, today, &found).await?;
        Ok(principal.map(|principal| Self { wrote_lsn: session.and_then(|s| s.c), ..principal }))
    }

    async fn from_facts(
        db: &impl ConnectionTrait,
        account: Account,
        session_id: Option<i64>,
        today: NaiveDate,
        found: &[facts::Fact],
    ) -> Result<Option<Self>, DbErr> {
        let mut principal = Self::anonymous(today);
        principal.account = Some(account);
        principal.session_id = session_id;
        let mut active = false;
        let mut studying = false;
        for fact in found {
            match account {
                Account::Staff(_) => principal.add_staff_fact(fact, &mut active),
                Account::Guardian(_) => principal.add_guardian_fact(fact, &mut active),
                Account::Student(_) => principal.add_student_fact(fact, &mut studying, &mut active),
            }
        }
        if !active || (matches!(account, Account::Student(_)) && !studying) {
            return Ok(None);
        }
        match account {
            Account::Guardian(_) => {
                principal.roles.insert(Role::Guardian, BTreeSet::new());
            }
            Account::Student(_) => {
                principal.roles.insert(Role::Student, BTreeSet::new());
            }
            Account::Staff(_) => {}
        }
        if principal.roles.contains_key(&Role::DistrictOfficer) {
            let offices: Vec<i64> = principal.orgs_of(Role::DistrictOfficer).collect();
            principal.overseen_schools = schools_under(db, &offices, today).await?;
        }
        Ok(Some(principal))
    }

    fn add_guardian_fact(&mut self, fact: &facts::Fact, active: &mut bool) {
        match (fact.fact.as_str(), fact.a) {
            ("status", _) => *active = fact.name == "active",
            ("child", Some(student)) => {
                self.children.insert(student);
            }
            _ => {}
        }
    }

    /// A student acts while their status is `studying` and an enrollment of theirs is open
    /// today: one who left, graduated or whose enrollment ended no longer signs in.
    fn add_student_fact(&mut self, fact: &facts::Fact, studying: &mut bool, enrolled: &mut bool) {
        match fact.fact.as_str() {
            "status" => *studying = fact.name == entity::StudentStatus::Studying.as_str(),
            "enrolled" => *enrolled = true,
            _ => {}
        }
    }

    fn add_staff_fact(&mut self, fact: &facts::Fact, active: &mut bool) {
        match (fact.fact.as_str(), fact.a, fact.b, fact.c) {
            ("status", ..) => *active = fact.name == "active",
            ("role", Some(org), ..) => {
                if let Ok(role) = fact.name.parse::<Role>() {
                    self.roles.entry(role).or_default().insert(org);
                }
            }
            ("subject", Some(school), Some(section), class) => {
                self.taught_sections.insert(section);
                self.taught_classes.extend(class);
                self.roles.entry(Role::SubjectTeacher).or_default().insert(school);
            }
            ("homeroom_section", _, Some(section), _) => {
                self.homeroom_sections.insert(section);
            }
            ("homeroom", Some(school), _, Some(class)) => {
                self.homeroom_classes.insert(class);
                self.roles.entry(Role::HomeroomTeacher).or_default().insert(school);
            }
            _ => {}
        }
    }
}

/// `starts <= today AND (ends IS NULL OR ends >= today)`.
pub fn active_on<C: ColumnTrait>(starts: C, ends: C, today: NaiveDate) -> Condition {
    Condition::all().add(starts.lte(today)).add(Condition::any().add(ends.is_null()).add(ends.gte(today)))
}

/// Every school below `roots` in the organisation tree, following the parent links valid on
/// `today`.
/// The schools under the offices `roots` on `today`, through every level of offices between.
pub async fn schools_under(db: &impl ConnectionTrait, roots: &[i64], today: NaiveDate) -> Result<BTreeSet<i64>, DbErr> {
    let mut found: BTreeSet<i64> = BTreeSet::new();
    let mut frontier: Vec<i64> = roots.to_vec();
    while !frontier.is_empty() {
        let children: Vec<i64> = org_parent::Entity::find()
            .select_only()
            .column(org_parent::Column::OrgId)
            .filter(org_parent::Column::ParentId.is_in(frontier.iter().copied()))
            .filter(active_on_nullable_start(today))
            .into_tuple()
            .all(db)
            .await?;
        frontier = children.into_iter().filter(|id| found.insert(*id)).collect();
    }
    let schools: Vec<i64> = entity::org::Entity::find()
        .select_only()
        .column(entity::org::Column::Id)
        .filter(entity::org::Column::Id.is_in(found.iter().copied()))
        .filter(entity::org::Column::Kind.eq("school"))
        .into_tuple()
        .all(db)
        .await?;
    Ok(schools.into_iter().collect())
}

fn active_on_nullable_start(today: NaiveDate) -> Condition {
    active_on(org_parent::Column::ValidFrom, org_parent::Column::ValidTo, today)
}
