//! The year-end rollover on the API: the plan `previewRollover` shows, line by line, and
//! `rollOver` carrying it out — both through [`crate::books::year::rollover`].

use crate::books::year::rollover::{self, ClassMap, Decision, Entry, Plan};
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{database, signed_in};
use crate::graphql::ids;
use async_graphql::{Context, Enum, ID, InputObject, Object};
use chrono::Utc;
use std::collections::BTreeSet;

/// An old class and the new year's class its promoted students go to, instead of the class
/// named after it.
#[derive(InputObject)]
pub struct ClassMapInput {
    /// A class of the old year.
    pub from_class_id: ID,
    /// The new year's class its promoted students go to.
    pub to_class_id: ID,
}

/// What the rollover does with a student.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum RolloverDecision {
    /// Lên lớp: into the next grade's class.
    Promote,
    /// Ở lại lớp: stays in the grade.
    KeepBack,
    /// Completes the school's final grade (5 in primary, 9 in lower secondary).
    Graduate,
    /// Not decided yet, or no class to go to: see `reason`.
    Pending,
}

impl From<Decision> for RolloverDecision {
    fn from(decision: Decision) -> Self {
        match decision {
            Decision::Promote => Self::Promote,
            Decision::KeepBack => Self::KeepBack,
            Decision::Graduate => Self::Graduate,
            Decision::Pending => Self::Pending,
        }
    }
}

/// A school's rollover plan: one line per student of its classes of the old year.
pub struct RolloverPlan {
    plan: Plan,
    excluded: BTreeSet<i64>,
}

#[Object]
impl RolloverPlan {
    /// The plan's digest: `rollOver` takes it as `expectedPreview` and refuses a plan that
    /// changed since.
    async fn digest(&self) -> &str {
        &self.plan.digest
    }
    /// The school rolled over.
    async fn school_id(&self) -> ID {
        ids::encode("School", self.plan.school.id)
    }
    /// The school year the students leave.
    async fn from_year_id(&self) -> ID {
        ids::encode("SchoolYear", self.plan.from_year.id)
    }
    /// The school year the promoted and kept-back students start.
    async fn to_year_id(&self) -> ID {
        ids::encode("SchoolYear", self.plan.to_year.id)
    }
    /// Every student's line, by class and roster order; only those of the old year's class
    /// `classId` when given (a whole school's plan with many fields per line weighs more
    /// than one request may).
    async fn students(&self, class_id: Option<ID>) -> ApiResult<Vec<RolloverLine<'_>>> {
        let class = match &class_id {
            Some(id) => Some(
                ids::decode_as("Class", id)
                    .ok_or_else(|| ApiError::bad_input("không phải mã lớp", "not a class id"))?,
            ),
            None => None,
        };
        Ok(self
            .plan
            .entries
            .iter()
            .filter(|entry| class.is_none_or(|class| entry.from_class.id == class))
            .map(|entry| RolloverLine { entry, excluded: self.excluded.contains(&entry.student) })
            .collect())
    }
    /// How many students the plan promotes.
    async fn promoted(&self) -> usize {
        self.count(Decision::Promote)
    }
    /// How many it keeps back.
    async fn kept_back(&self) -> usize {
        self.count(Decision::KeepBack)
    }
    /// How many graduate.
    async fn graduated(&self) -> usize {
        self.count(Decision::Graduate)
    }
    /// How many are pending.
    async fn pending(&self) -> usize {
        self.count(Decision::Pending)
    }
}

impl RolloverPlan {
    fn count(&self, decision: Decision) -> usize {
        let counted = |entry: &&Entry| entry.decision == decision && !self.excluded.contains(&entry.student);
        self.plan.entries.iter().filter(counted).count()
    }
}

/// One student's line of a rollover plan.
pub struct RolloverLine<'a> {
    entry: &'a Entry,
    excluded: bool,
}

#[Object]
impl RolloverLine<'_> {
    /// The student's global id.
    async fn student_id(&self) -> ID {
        ids::encode("Student", self.entry.student)
    }
    /// The student's full name.
    async fn full_name(&self) -> &str {
        &self.entry.full_name
    }
    /// The old year's class the student is in.
    async fn from_class_id(&self) -> ID {
        ids::encode("Class", self.entry.from_class.id)
    }
    /// That class's name.
    async fn from_class_name(&self) -> &str {
        &self.entry.from_class.name
    }
    /// What the rollover does with the student.
    async fn decision(&self) -> RolloverDecision {
        self.entry.decision.into()
    }
    /// The new year's class (promoted and kept back).
    async fn to_class_id(&self) -> Option<ID> {
        self.entry.to_class.as_ref().map(|class| ids::encode("Class", class.id))
    }
    /// The new class's name.
    async fn to_class_name(&self) -> Option<&str> {
        self.entry.to_class.as_ref().map(|class| class.name.as_str())
    }
    /// Why the student is pending, in Vietnamese and English.
    async fn reason(&self) -> Option<String> {
        self.entry.reason.as_ref().map(|why| format!("{} / {}", why.vi, why.en))
    }
    /// Left where they are by `rollOver`'s `exclude`.
    async fn excluded(&self) -> bool {
        self.excluded
    }
}

/// What a rollover's arguments name: the school, the years, the class mapping and the
/// students the principal decided to keep back.
pub struct RolloverArgs<'a> {
    pub school_id: &'a ID,
    pub years: (&'a ID, &'a ID),
    pub class_map: &'a [ClassMapInput],
    pub keep_back: &'a [ID],
}

/// A rollover's arguments as ids: the school, the years, the class mapping and the students
/// kept back by decision.
struct RolloverIds {
    school: i64,
    years: (i64, i64),
    mapping: ClassMap,
    keep_back: BTreeSet<i64>,
}

impl RolloverIds {
    fn which(&self) -> rollover::Which<'_> {
        rollover::Which { school: self.school, years: self.years, mapping: &self.mapping, keep_back: &self.keep_back }
    }
}

/// The ids a rollover's arguments name.
fn rollover_ids(args: &RolloverArgs<'_>) -> ApiResult<RolloverIds> {
    let school = ids::decode_as("School", args.school_id).ok_or(ApiError::NotPermitted)?;
    let year = |id: &ID| {
        ids::decode_as("SchoolYear", id)
            .ok_or_else(|| ApiError::bad_input("không phải mã năm học", "not a school year id"))
    };
    let years = (year(args.years.0)?, year(args.years.1)?);
    let class =
        |id: &ID| ids::decode_as("Class", id).ok_or_else(|| ApiError::bad_input("không phải mã lớp", "not a class id"));
    let mut mapping = ClassMap::new();
    for pair in args.class_map {
        mapping.insert(class(&pair.from_class_id)?, class(&pair.to_class_id)?);
    }
    let keep_back = args
        .keep_back
        .iter()
        .map(|id| ids::decode_as("Student", id).ok_or_else(rollover::not_for_decision))
        .collect::<ApiResult<BTreeSet<i64>>>()?;
    Ok(RolloverIds { school, years, mapping, keep_back })
}

/// The plan of a school's rollover.
pub async fn preview(ctx: &Context<'_>, args: &RolloverArgs<'_>) -> ApiResult<RolloverPlan> {
    let access = signed_in(ctx)?;
    let ids = rollover_ids(args)?;
    let plan = rollover::preview(database(ctx)?, access, ids.which()).await?;
    Ok(RolloverPlan { plan, excluded: BTreeSet::new() })
}

/// Carries out a previewed plan.
pub async fn roll_over(
    ctx: &Context<'_>,
    args: &RolloverArgs<'_>,
    expected: &str,
    exclude: &[ID],
) -> ApiResult<RolloverPlan> {
    let access = signed_in(ctx)?;
    let ids = rollover_ids(args)?;
    let mut excluded = BTreeSet::new();
    for id in exclude {
        let student = ids::decode_as("Student", id).ok_or_else(|| {
            ApiError::bad_input(
                "chỉ loại ra được học sinh có trong bản xem trước",
                "only students of the preview can be left out",
            )
        })?;
        excluded.insert(student);
    }
    let decided = rollover::Decided { expected, exclude: &excluded };
    let applied = rollover::apply(database(ctx)?, access, ids.which(), &decided, Utc::now()).await?;
    Ok(RolloverPlan { plan: applied.plan, excluded: applied.excluded })
}
