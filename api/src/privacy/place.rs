//! Filters on where a student is. A student's class and school are facts of the
//! `enrollment` kind, so a list filtered by them keeps only the students whose enrollment
//! there the caller may read — never those the caller reaches by another grant alone. The
//! teachers and the school a student left, who keep the student's name (`former_student`),
//! thus learn nothing of the class or school the student went to: filtering on it answers
//! them exactly as filtering on a class or school that does not exist. (The school is a
//! guarded column of the student reader, so [`super::Visible::narrow`] on it does the same.)

use super::Visible;
use super::enrolment::When;
use super::shape::shapes;
use emis_authz::{Action, Kind};
use entity::{enrollment, student};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait as _, Condition};

impl Visible<'_, student::Entity> {
    /// Keeps the students with an enrollment in class `class` (`when`: today, or one that
    /// has ended) that the caller may read.
    pub fn enrolled_in_class(self, class: i64, when: When) -> Self {
        let access = self.access();
        let enrollments = Query::select()
            .column(enrollment::Column::StudentId)
            .from(enrollment::Entity)
            .and_where(enrollment::Column::ClassId.eq(class))
            .cond_where(when.condition(access.principal().today))
            .cond_where(access.filter(Kind::Enrollment, Action::Read, &shapes::enrollment()))
            .to_owned();
        self.through(Condition::all().add(student::Column::Id.in_subquery(enrollments)))
    }
}
