//! Filters on where a student is. A student's class and school are facts of the
//! `enrollment` kind, so a list filtered by them keeps only the students whose enrollment
//! there the caller may read — never those the caller reaches by another grant alone. The
//! teachers and the school a student left, who keep the student's name (`former_student`),
//! thus learn nothing of the class or school the student went to: filtering on it answers
//! them exactly as filtering on a class or school that does not exist.

use super::Access;
use super::enrolment::When;
use super::shape::shapes;
use emis_authz::{Action, Kind};
use entity::{enrollment, student};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait as _, Condition};

impl Access {
    /// Students with an enrollment in class `class` (`when`: today, or one that has ended)
    /// that the caller may read, as a condition on the student table.
    pub fn enrolled_in_class(&self, class: i64, when: When) -> Condition {
        let enrollments = Query::select()
            .column(enrollment::Column::StudentId)
            .from(enrollment::Entity)
            .and_where(enrollment::Column::ClassId.eq(class))
            .cond_where(when.condition(self.principal().today))
            .cond_where(self.filter(Kind::Enrollment, Action::Read, &shapes::enrollment()))
            .to_owned();
        Condition::all().add(student::Column::Id.in_subquery(enrollments))
    }

    /// Students whose school is `school`, among those whose school the caller may read (the
    /// `enrollment` kind of the student), as a condition on the student table.
    pub fn at_school(&self, school: i64) -> Condition {
        Condition::all().add(student::Column::SchoolId.eq(school)).add(self.filter(
            Kind::Enrollment,
            Action::Read,
            &shapes::student(),
        ))
    }
}
