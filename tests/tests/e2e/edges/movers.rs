//! The callers the filter rule is checked for, and the movements that test it: at the
//! principal `hieutruong`'s school, the homeroom teacher `gvcn`, a subject teacher of the
//! class and a guardian of one of its students; then that student moves to another class of
//! the school and another changes school, admitted into a class of another school.

use super::world::principal_of;
use crate::grade_entry::decode;
use crate::movements::{ADMIT, MOVE, TRANSFER, class_elsewhere, other_class, subject_teacher_of};
use crate::roll_call::{Class, guardian_of, homeroom_class, today};
use emis::graphql::ids::encode;
use emis_tests::TestApp;
use entity::homeroom_class as class;
use serde_json::json;

/// The callers and the students who move.
pub(crate) struct Cast {
    pub principal: String,
    /// The homeroom teacher of the class the students leave.
    pub homeroom: String,
    /// A subject teacher of that class, and the section they teach there.
    pub subject_teacher: String,
    pub section: i64,
    /// A guardian of the student who moves class.
    pub guardian: String,
    /// The class the students leave, with its students before anyone moves.
    pub old: Class,
    /// The student who moves class and the one who changes school.
    pub moved: String,
    pub transferred: String,
    /// The class of the same school the first moves to; the class elsewhere that admits the second.
    pub new_class: class::Model,
    pub elsewhere: class::Model,
}

impl Cast {
    /// The callers signed in and the students chosen; no one has moved yet.
    pub(crate) async fn gather(app: &TestApp) -> Self {
        let principal = app.sign_in("hieutruong").await.unwrap();
        let homeroom = app.sign_in("gvcn").await.unwrap();
        let old = homeroom_class(app, &homeroom).await;
        let old_class = decode("Class", &old.id);
        let (moved, transferred) = (old.students[0].clone(), old.students[1].clone());
        let (subject_teacher, section) = subject_teacher_of(app, old_class, &["gvcn"]).await;
        let subject_teacher = app.sign_in(&subject_teacher).await.unwrap();
        let guardian = app.sign_in(&guardian_of(app, &moved).await).await.unwrap();
        let new_class = other_class(app, old_class, true).await;
        let elsewhere = class_elsewhere(app, old_class).await;
        Cast { principal, homeroom, subject_teacher, section, guardian, old, moved, transferred, new_class, elsewhere }
    }

    /// The school that admits the transferred student, by API id.
    pub(crate) fn receiving_school(&self) -> String {
        encode("School", self.elsewhere.school_id).0
    }

    /// Moves one student to the new class and transfers the other, admitted by the receiving
    /// school's principal, whose token this returns; both from today.
    pub(crate) async fn move_and_transfer(&self, app: &TestApp) -> String {
        let moving = json!({ "s": self.moved, "c": encode("Class", self.new_class.id), "on": today() });
        app.data(Some(&self.principal), MOVE, moving).await.unwrap();
        let receiving = app.sign_in(&principal_of(app, self.elsewhere.school_id).await).await.unwrap();
        let release = json!({ "s": self.transferred, "school": self.receiving_school(), "on": today(), "reason": "Gia đình chuyển nhà" });
        let transfer =
            app.data(Some(&self.principal), TRANSFER, release).await.unwrap()["transferStudent"]["id"].clone();
        let admit = json!({ "t": transfer, "c": encode("Class", self.elsewhere.id) });
        app.data(Some(&receiving), ADMIT, admit).await.unwrap();
        receiving
    }

    /// The former homeroom teacher, the subject teacher and the guardian, each named.
    pub(crate) fn callers(&self) -> [(&'static str, &str); 3] {
        [
            ("the former homeroom teacher", &self.homeroom),
            ("a subject teacher", &self.subject_teacher),
            ("a guardian", &self.guardian),
        ]
    }
}
