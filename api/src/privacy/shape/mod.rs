//! How a kind of record relates to the caller: the columns (for SQL) and the values (for
//! the per-record check) that each relationship is judged on.

use sea_orm::sea_query::Expr;

/// The columns of a record that relationships are judged on, as SQL expressions.
#[derive(Debug, Clone)]
pub enum Shape {
    /// A record about one student (the student, a result, an enrollment, a guardianship,
    /// attendance). `section` and `class` narrow teacher relationships when the record
    /// belongs to one section or class.
    Personal { student: Expr, school: Expr, section: Option<Expr>, class: Option<Expr> },
    /// A guardian as a person (only `self` relates to it directly).
    Guardian { guardian: Expr },
    /// A staff member.
    Staff { staff: Expr, school: Expr },
    /// An organisation (school or office).
    Org { org: Expr },
    /// A homeroom class.
    Class { class: Expr, school: Expr },
    /// A section (class × subject × year).
    Section { section: Expr, class: Expr, school: Expr },
    /// A conversation about one student, or a row of one (a member, a message, a report):
    /// judged as a record about the student in the class they were in when it was opened,
    /// and only for the conversation's members (`moderate`: only once it was reported) —
    /// see `conversations.rs`.
    Conversation { conversation: Expr, student: Expr, school: Expr, class: Expr },
}

impl Shape {
    /// A class or section (or school) read as the place of a record about `student`, for a
    /// write that creates such a record there; `None` for shapes that are no place.
    pub fn about(&self, student: i64) -> Option<Shape> {
        let student = Expr::val(student);
        Some(match self.clone() {
            Shape::Section { section, class, school } => {
                Shape::Personal { student, school, section: Some(section), class: Some(class) }
            }
            Shape::Class { class, school } => Shape::Personal { student, school, section: None, class: Some(class) },
            Shape::Org { org } => Shape::Personal { student, school: org, section: None, class: None },
            Shape::Personal { .. } | Shape::Guardian { .. } | Shape::Staff { .. } | Shape::Conversation { .. } => {
                return None;
            }
        })
    }
}

/// The same columns' values for one record, for the per-record check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Personal { student: i64, school: i64, section: Option<i64>, class: Option<i64> },
    Guardian { guardian: i64 },
    Staff { staff: i64, school: i64 },
    Org { org: i64 },
    Class { class: i64, school: i64 },
    Section { section: i64, class: i64, school: i64 },
    Conversation { conversation: i64, student: i64, school: i64, class: i64 },
}

impl Target {
    /// The values of [`Shape::about`] for one place.
    pub fn about(self, student: i64) -> Option<Target> {
        Some(match self {
            Target::Section { section, class, school } => {
                Target::Personal { student, school, section: Some(section), class: Some(class) }
            }
            Target::Class { class, school } => Target::Personal { student, school, section: None, class: Some(class) },
            Target::Org { org } => Target::Personal { student, school: org, section: None, class: None },
            Target::Personal { .. } | Target::Guardian { .. } | Target::Staff { .. } | Target::Conversation { .. } => {
                return None;
            }
        })
    }

    /// The record the relationships are judged on: a conversation's is the record about its
    /// student in the class they were in when it was opened; any other target is its own.
    pub fn as_record(self) -> Target {
        match self {
            Target::Conversation { student, school, class, .. } => Self::student_in_class(student, school, class),
            other => other,
        }
    }

    /// A record about one student, judged on the student and their school.
    pub fn student(student: i64, school: i64) -> Self {
        Self::Personal { student, school, section: None, class: None }
    }

    /// A record about one student in one class (an enrollment, a roll-call entry, a
    /// roster row), so teacher relationships are judged on that class.
    pub fn student_in_class(student: i64, school: i64, class: i64) -> Self {
        Self::Personal { student, school, section: None, class: Some(class) }
    }

    /// A student reached through the roster of `listed_in` today, when that is how they
    /// were reached ([`Self::student_in_class`]), else the student alone ([`Self::student`]).
    pub fn student_listed(student: i64, school: i64, listed_in: Option<i64>) -> Self {
        Self::Personal { student, school, section: None, class: listed_in }
    }
}

/// `table.column` as an expression.
pub fn col<E, C>(entity: E, column: C) -> Expr
where
    E: sea_orm::EntityTrait,
    C: sea_orm::ColumnTrait,
{
    Expr::col((entity, column))
}

/// Shapes of the tables that lists and relations read.
pub mod shapes;
