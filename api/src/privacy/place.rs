//! Filters on where a student is. A student's class and school are facts of the
//! `enrollment` kind, so a list filtered by them keeps only the students whose enrollment
//! there the caller may read — never those the caller reaches by another grant alone. The
//! teachers and the school a student left, who keep the student's name (`former_student`),
//! thus learn nothing of the class or school the student went to: filtering on it answers
//! them exactly as filtering on a class or school that does not exist. (The school is a
//! guarded column of the student reader, so [`super::Visible::narrow`] on it does the same.)
//!
//! A class's former students are those with an ended enrollment there the caller may read
//! who are not on its roster today: a student who came back is one of its students again.

use super::Visible;
use super::enrolment::When;
use super::shape::shapes;
use emis_authz::{Action, Kind};
use entity::{enrollment, student};
use sea_orm::sea_query::{Query, SelectStatement};
use sea_orm::{ColumnTrait as _, Condition};

impl Visible<'_, student::Entity> {
    /// Keeps the students with an enrollment in class `class` (`when`: today, or one that
    /// has ended) that the caller may read.
    pub fn enrolled_in_class(self, class: i64, when: When) -> Self {
        let access = self.access();
        let enrollments = enrolled_in(class, when, access.principal().today)
            .cond_where(access.filter(Kind::Enrollment, Action::Read, &shapes::enrollment()))
            .to_owned();
        self.through(Condition::all().add(student::Column::Id.in_subquery(enrollments)))
    }

    /// Keeps the students who have left class `class`: with an ended enrollment there that
    /// the caller may read ([`Self::enrolled_in_class`]), and not on its roster today.
    pub fn left_class(self, class: i64) -> Self {
        let on_roster = on_roster_today(class, self.access().principal().today);
        self.enrolled_in_class(class, When::Ended)
            .through(Condition::all().add(student::Column::Id.not_in_subquery(on_roster)))
    }
}

/// The students on the roster of `class` on `today` (enrolled there that day), as a
/// sub-select of their ids: which students a class lists, never more than that.
pub fn on_roster_today(class: i64, today: chrono::NaiveDate) -> SelectStatement {
    enrolled_in(class, When::Today, today)
}

/// The students with an enrollment in `class` that counts `when` on `today`, as a
/// sub-select of their ids.
fn enrolled_in(class: i64, when: When, today: chrono::NaiveDate) -> SelectStatement {
    Query::select()
        .column(enrollment::Column::StudentId)
        .from(enrollment::Entity)
        .and_where(enrollment::Column::ClassId.eq(class))
        .cond_where(when.condition(today))
        .to_owned()
}
