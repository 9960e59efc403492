//! Whom a notice reaches. [`address`] reaches the place a draft names as a place the caller
//! may write a notice in (`notice`/`write`) — a class, the caller's school (for the whole
//! school, a grade or its staff), each chosen student where they are enrolled today, or the
//! schools under a district officer's office (each delivery judged on its own school) — a
//! place or a student out of reach answering exactly like a missing one. [`resolve`] lists
//! the recipients of an addressed notice on a day: the students enrolled there (with their
//! class) or the staff working at the school; it is run when the notice is published, now
//! or at its scheduled time.

use super::drafting::{Audience, MAX_STUDENTS};
use crate::books::recipients;
use crate::error::ApiError;
use crate::privacy::{Access, Target, readers};
use chrono::NaiveDate;
use emis_authz::{Action, Kind, Role};
use entity::{OrgKind, homeroom_class, notice, org};
use sea_orm::{
    ColumnTrait as _, Condition, ConnectionTrait, DbErr, EntityTrait as _, QueryFilter as _, QuerySelect as _,
};
use std::collections::{BTreeMap, BTreeSet};

/// Where a notice is addressed, as kept on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Addressed {
    /// `school` | `grade` | `class` | `students` | `staff` | `schools`.
    pub audience: &'static str,
    /// The school — for `schools`, the office whose schools it reaches.
    pub school: i64,
    pub class: Option<i64>,
    pub grade: Option<i16>,
}

impl Addressed {
    /// Where `row` was addressed.
    pub fn of(row: &notice::Model) -> Self {
        let audience = ["school", "grade", "class", "students", "staff", "schools"]
            .into_iter()
            .find(|name| *name == row.audience)
            .unwrap_or("school");
        Self { audience, school: row.school_id, class: row.class_id, grade: row.grade_level }
    }
}

/// Who a notice reaches: students with the class they are in, or staff members.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recipients {
    /// (student, class), one per student.
    pub students: Vec<(i64, i64)>,
    pub staff: Vec<i64>,
    /// For a notice to several schools, each class's school (else every class is of the
    /// notice's school).
    pub school_of_class: BTreeMap<i64, i64>,
}

impl Recipients {
    /// The school of `class`, for a notice kept at `school`.
    pub fn school_of(&self, class: i64, school: i64) -> i64 {
        self.school_of_class.get(&class).copied().unwrap_or(school)
    }

    /// Each recipient as the policy judges a delivery to them.
    pub fn targets(&self, school: i64) -> Vec<Target> {
        let students = self
            .students
            .iter()
            .map(|&(student, class)| Target::student_in_class(student, self.school_of(class, school), class));
        students.chain(self.staff.iter().map(|&staff| Target::Staff { staff, school })).collect()
    }
}

/// The place `audience` names, reached for writing a notice, and (for chosen students)
/// who they are; `None` recipients: resolve them with [`resolve`].
pub async fn address(
    db: &impl ConnectionTrait,
    access: &Access,
    audience: &Audience,
) -> Result<(Addressed, Option<Recipients>), ApiError> {
    let at = |audience, school, class, grade| Addressed { audience, school, class, grade };
    Ok(match audience {
        Audience::Class(class) => {
            let class = access.reach(db, &readers::CLASS, Kind::Notice, Action::Write, *class).await?;
            (at("class", class.school_id, Some(class.id), None), None)
        }
        Audience::School => (at("school", own_school(db, access).await?, None, None), None),
        Audience::Staff => (at("staff", own_school(db, access).await?, None, None), None),
        Audience::Grade(grade) => {
            let school = own_school(db, access).await?;
            if !(1..=12).contains(grade) {
                return Err(ApiError::bad_input("khối lớp từ 1 đến 12", "the grade level is 1 to 12"));
            }
            (at("grade", school, None, Some(*grade)), None)
        }
        Audience::Students(students) => {
            let (school, chosen) = students_reached(db, access, students).await?;
            let chosen = Recipients { students: chosen, ..Recipients::default() };
            (at("students", school, None, None), Some(chosen))
        }
        Audience::Schools => (at("schools", own_office(access)?, None, None), None),
    })
}

/// The one office the caller works at as a district officer; the notice's deliveries are
/// then each judged on its own school (`oversees`).
fn own_office(access: &Access) -> Result<i64, ApiError> {
    let offices: BTreeSet<i64> = access.principal().orgs_of(Role::DistrictOfficer).collect();
    match offices.len() {
        0 => Err(ApiError::NotPermitted),
        1 => Ok(offices.into_iter().next().unwrap_or_default()),
        _ => Err(ApiError::bad_input(
            "thầy cô làm việc ở nhiều phòng giáo dục: chưa gửi được cho các trường",
            "you work at several offices: a notice to their schools cannot be told apart",
        )),
    }
}

/// The recipients of a notice addressed `to`, on `date`.
pub async fn resolve(db: &impl ConnectionTrait, to: &Addressed, date: NaiveDate) -> Result<Recipients, DbErr> {
    let students = match to.audience {
        "staff" => {
            return Ok(Recipients { staff: recipients::staff_of(db, to.school).await?, ..Recipients::default() });
        }
        "schools" => return schools_under(db, to.school, date).await,
        "class" => crate::books::placed(db, to.school, to.class, date).await?,
        "grade" => {
            let classes: BTreeSet<i64> = homeroom_class::Entity::find()
                .select_only()
                .column(homeroom_class::Column::Id)
                .filter(homeroom_class::Column::SchoolId.eq(to.school))
                .filter(homeroom_class::Column::GradeLevel.eq(to.grade.unwrap_or_default()))
                .into_tuple::<i64>()
                .all(db)
                .await?
                .into_iter()
                .collect();
            let placed = crate::books::placed(db, to.school, None, date).await?;
            placed.into_iter().filter(|(_, class)| classes.contains(class)).collect()
        }
        // Chosen students are resolved when they are addressed (never scheduled).
        "students" => Vec::new(),
        _ => crate::books::placed(db, to.school, None, date).await?,
    };
    Ok(Recipients { students, ..Recipients::default() })
}

/// The students enrolled on `date` in every school under office `office`, with each class's
/// school.
async fn schools_under(db: &impl ConnectionTrait, office: i64, date: NaiveDate) -> Result<Recipients, DbErr> {
    let mut reached = Recipients::default();
    for school in crate::auth::principal::schools_under(db, &[office], date).await? {
        for (student, class) in crate::books::placed(db, school, None, date).await? {
            reached.school_of_class.insert(class, school);
            reached.students.push((student, class));
        }
    }
    Ok(reached)
}

/// The school of chosen `students` and where each is enrolled today, each reached for writing
/// a notice: one not enrolled, or out of reach, refuses them all like a missing one.
async fn students_reached(
    db: &impl ConnectionTrait,
    access: &Access,
    students: &[i64],
) -> Result<(i64, Vec<(i64, i64)>), ApiError> {
    let chosen: BTreeSet<i64> = students.iter().copied().collect();
    if chosen.is_empty() {
        return Err(ApiError::bad_input("hãy chọn ít nhất một học sinh", "choose at least one student"));
    }
    if chosen.len() > MAX_STUDENTS {
        return Err(ApiError::bad_input(
            format!("nhiều nhất {MAX_STUDENTS} học sinh"),
            format!("at most {MAX_STUDENTS} students"),
        ));
    }
    let chosen: Vec<i64> = chosen.into_iter().collect();
    let placed = recipients::placements(db, &chosen, access.principal().today).await?;
    let targets: Vec<Target> =
        placed.iter().map(|&(student, school, class)| Target::student_in_class(student, school, class)).collect();
    if placed.len() != chosen.len() || !access.may_each(Kind::Notice, Action::Write, targets).await? {
        return Err(ApiError::NotPermitted);
    }
    let schools: BTreeSet<i64> = placed.iter().map(|&(_, school, _)| school).collect();
    let [school] = schools.into_iter().collect::<Vec<_>>()[..] else {
        return Err(ApiError::bad_input("các học sinh phải cùng một trường", "the students must be of one school"));
    };
    Ok((school, placed.into_iter().map(|(student, _, class)| (student, class)).collect()))
}

/// The one school the caller works at, reached for writing a notice to all of it.
async fn own_school(db: &impl ConnectionTrait, access: &Access) -> Result<i64, ApiError> {
    let staff_roles =
        access.principal().roles.iter().filter(|(role, _)| !matches!(role, Role::Guardian | Role::Student));
    let schools: BTreeSet<i64> = staff_roles.flat_map(|(_, orgs)| orgs.iter().copied()).collect();
    let school = match schools.len() {
        0 => return Err(ApiError::NotPermitted),
        1 => schools.into_iter().next().unwrap_or_default(),
        _ => {
            return Err(ApiError::bad_input(
                "thầy cô làm việc ở nhiều đơn vị: hãy chọn một lớp",
                "you work at several places: name a class",
            ));
        }
    };
    let which = Condition::all().add(org::Column::Id.eq(school)).add(org::Column::Kind.eq(OrgKind::School.as_str()));
    Ok(access.reach_where(db, &readers::SCHOOL, Kind::Notice, Action::Write, which).await?.id)
}
