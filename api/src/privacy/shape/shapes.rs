//! Shapes of the tables that lists and relations read: where each row's student, class,
//! section or school is, for the SQL the policy compiles.

use super::{Shape, col};
use entity::{
    attendance, change_request, conduct, enrollment, exemption, guardian, guardianship, homeroom_class, leave_request,
    missed_assessment, notice_delivery, notice_read, notice_reply, notice_staff_delivery, org, outbox_message,
    primary_evaluation, primary_nomination, record_change, result, section, staff, student, transfer,
};

pub fn student() -> Shape {
    Shape::Personal {
        student: col(student::Entity, student::Column::Id),
        school: col(student::Entity, student::Column::SchoolId),
        section: None,
        class: None,
    }
}

pub fn result() -> Shape {
    Shape::Personal {
        student: col(result::Entity, result::Column::StudentId),
        school: col(result::Entity, result::Column::SchoolId),
        section: Some(col(result::Entity, result::Column::SectionId)),
        class: None,
    }
}

/// A missed assessment, judged on the section it was missed in.
pub fn missed_assessment() -> Shape {
    Shape::Personal {
        student: col(missed_assessment::Entity, missed_assessment::Column::StudentId),
        school: col(missed_assessment::Entity, missed_assessment::Column::SchoolId),
        section: Some(col(missed_assessment::Entity, missed_assessment::Column::SectionId)),
        class: None,
    }
}

/// A change to a record of the books, judged on the section it was made in.
pub fn record_change() -> Shape {
    Shape::Personal {
        student: col(record_change::Entity, record_change::Column::StudentId),
        school: col(record_change::Entity, record_change::Column::SchoolId),
        section: Some(col(record_change::Entity, record_change::Column::SectionId)),
        class: None,
    }
}

/// A change asked for in a locked book, judged on the section it was asked in.
pub fn change_request() -> Shape {
    Shape::Personal {
        student: col(change_request::Entity, change_request::Column::StudentId),
        school: col(change_request::Entity, change_request::Column::SchoolId),
        section: Some(col(change_request::Entity, change_request::Column::SectionId)),
        class: None,
    }
}

/// A change request with no section (conduct): its class's.
pub fn class_change_request() -> Shape {
    Shape::Personal {
        student: col(change_request::Entity, change_request::Column::StudentId),
        school: col(change_request::Entity, change_request::Column::SchoolId),
        section: None,
        class: Some(col(change_request::Entity, change_request::Column::ClassId)),
    }
}

/// A notice's delivery for one student, judged on the class the student was in when it
/// was published.
pub fn notice_delivery() -> Shape {
    Shape::Personal {
        student: col(notice_delivery::Entity, notice_delivery::Column::StudentId),
        school: col(notice_delivery::Entity, notice_delivery::Column::SchoolId),
        section: None,
        class: Some(col(notice_delivery::Entity, notice_delivery::Column::ClassId)),
    }
}

/// A guardian's reading of a notice, judged like its delivery.
pub fn notice_read() -> Shape {
    Shape::Personal {
        student: col(notice_read::Entity, notice_read::Column::StudentId),
        school: col(notice_read::Entity, notice_read::Column::SchoolId),
        section: None,
        class: Some(col(notice_read::Entity, notice_read::Column::ClassId)),
    }
}

/// A family's reply to an invitation, judged like its delivery.
pub fn notice_reply() -> Shape {
    Shape::Personal {
        student: col(notice_reply::Entity, notice_reply::Column::StudentId),
        school: col(notice_reply::Entity, notice_reply::Column::SchoolId),
        section: None,
        class: Some(col(notice_reply::Entity, notice_reply::Column::ClassId)),
    }
}

/// A notice's delivery to one staff member, judged on the staff member at that school.
pub fn notice_staff_delivery() -> Shape {
    Shape::Staff {
        staff: col(notice_staff_delivery::Entity, notice_staff_delivery::Column::StaffId),
        school: col(notice_staff_delivery::Entity, notice_staff_delivery::Column::SchoolId),
    }
}

/// A leave request, judged on the class it was made for.
pub fn leave_request() -> Shape {
    Shape::Personal {
        student: col(leave_request::Entity, leave_request::Column::StudentId),
        school: col(leave_request::Entity, leave_request::Column::SchoolId),
        section: None,
        class: Some(col(leave_request::Entity, leave_request::Column::ClassId)),
    }
}

/// A student's conduct level, judged on the class it was set in.
pub fn conduct() -> Shape {
    Shape::Personal {
        student: col(conduct::Entity, conduct::Column::StudentId),
        school: col(conduct::Entity, conduct::Column::SchoolId),
        section: None,
        class: Some(col(conduct::Entity, conduct::Column::ClassId)),
    }
}

/// An exemption, judged on the section it excuses from.
pub fn exemption() -> Shape {
    Shape::Personal {
        student: col(exemption::Entity, exemption::Column::StudentId),
        school: col(exemption::Entity, exemption::Column::SchoolId),
        section: Some(col(exemption::Entity, exemption::Column::SectionId)),
        class: None,
    }
}

/// A subject's level in the primary summary book, a result of its section.
pub fn primary_subject() -> Shape {
    Shape::Personal {
        student: col(primary_evaluation::Entity, primary_evaluation::Column::StudentId),
        school: col(primary_evaluation::Entity, primary_evaluation::Column::SchoolId),
        section: Some(col(primary_evaluation::Entity, primary_evaluation::Column::SectionId)),
        class: Some(col(primary_evaluation::Entity, primary_evaluation::Column::ClassId)),
    }
}

/// A quality's or competency's rating in the primary summary book, kept like conduct.
pub fn primary_rating() -> Shape {
    Shape::Personal {
        student: col(primary_evaluation::Entity, primary_evaluation::Column::StudentId),
        school: col(primary_evaluation::Entity, primary_evaluation::Column::SchoolId),
        section: None,
        class: Some(col(primary_evaluation::Entity, primary_evaluation::Column::ClassId)),
    }
}

/// The class's nomination for Học sinh Tiêu biểu in the primary summary book, kept like
/// conduct and judged on the class that nominated.
pub fn primary_nomination() -> Shape {
    Shape::Personal {
        student: col(primary_nomination::Entity, primary_nomination::Column::StudentId),
        school: col(primary_nomination::Entity, primary_nomination::Column::SchoolId),
        section: None,
        class: Some(col(primary_nomination::Entity, primary_nomination::Column::ClassId)),
    }
}

/// A transfer as a record of the school the student left.
pub fn transfer_sending() -> Shape {
    Shape::Personal {
        student: col(transfer::Entity, transfer::Column::StudentId),
        school: col(transfer::Entity, transfer::Column::FromSchoolId),
        section: None,
        class: Some(col(transfer::Entity, transfer::Column::FromClassId)),
    }
}

/// A transfer as a record of the receiving school (no class until it admits the student).
pub fn transfer_receiving() -> Shape {
    Shape::Personal {
        student: col(transfer::Entity, transfer::Column::StudentId),
        school: col(transfer::Entity, transfer::Column::ToSchoolId),
        section: None,
        class: Some(col(transfer::Entity, transfer::Column::ToClassId)),
    }
}

pub fn enrollment() -> Shape {
    Shape::Personal {
        student: col(enrollment::Entity, enrollment::Column::StudentId),
        school: col(enrollment::Entity, enrollment::Column::SchoolId),
        section: None,
        class: Some(col(enrollment::Entity, enrollment::Column::ClassId)),
    }
}

pub fn attendance() -> Shape {
    Shape::Personal {
        student: col(attendance::Entity, attendance::Column::StudentId),
        school: col(attendance::Entity, attendance::Column::SchoolId),
        section: None,
        class: Some(col(attendance::Entity, attendance::Column::ClassId)),
    }
}

pub fn guardianship() -> Shape {
    Shape::Personal {
        student: col(guardianship::Entity, guardianship::Column::StudentId),
        school: col(guardianship::Entity, guardianship::Column::SchoolId),
        section: None,
        class: None,
    }
}

/// A guardian's own record (read by the guardian themself).
pub fn guardian() -> Shape {
    Shape::Guardian { guardian: col(guardian::Entity, guardian::Column::Id) }
}

pub fn staff() -> Shape {
    Shape::Staff { staff: col(staff::Entity, staff::Column::Id), school: col(staff::Entity, staff::Column::SchoolId) }
}

pub fn org() -> Shape {
    Shape::Org { org: col(org::Entity, org::Column::Id) }
}

/// A message a school sent, judged on the sending school.
pub fn outbox_message() -> Shape {
    Shape::Org { org: col(outbox_message::Entity, outbox_message::Column::SchoolId) }
}

pub fn class() -> Shape {
    Shape::Class {
        class: col(homeroom_class::Entity, homeroom_class::Column::Id),
        school: col(homeroom_class::Entity, homeroom_class::Column::SchoolId),
    }
}

pub fn section() -> Shape {
    Shape::Section {
        section: col(section::Entity, section::Column::Id),
        class: col(section::Entity, section::Column::ClassId),
        school: col(section::Entity, section::Column::SchoolId),
    }
}
