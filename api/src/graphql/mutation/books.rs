//! Mutations that write to the school books: scores, columns, locks, roll calls, leave,
//! conduct, exemptions, movements and the primary book.

use crate::error::{ApiError, ApiResult};
use async_graphql::{Context, ID, Object};
use chrono::NaiveDate;

/// Writing to the books.
#[derive(Default)]
pub struct BookMutations;

#[Object]
impl BookMutations {
    /// Records scores (or Đạt / Chưa đạt) and comments in one assessment column: one
    /// student, or the whole column after a test. Only the section's assigned teacher may.
    /// The call is checked whole and written whole or not at all: wrong entries come back as
    /// `BAD_USER_INPUT` with `extensions.problems` (student, field, message); entries whose
    /// result changed since the client read it (`version`) as `CONFLICT` with
    /// `extensions.records`; a column that does not exist or may not be written as `FORBIDDEN`.
    ///
    /// In a book the principal has locked, nothing is written directly: with a `reason`, the
    /// entries become change requests for the principal's approval (`requests`); without
    /// one, the call is refused as `LOCKED`. A reason given to an open book is kept in the
    /// history.
    async fn record_scores(
        &self,
        ctx: &Context<'_>,
        assessment_id: ID,
        #[graphql(validator(min_items = 1, max_items = 200))] entries: Vec<crate::graphql::grade_entry::ScoreInput>,
        reason: Option<String>,
    ) -> ApiResult<crate::graphql::grade_entry::RecordScoresPayload> {
        crate::graphql::grade_entry::record_scores(ctx, &assessment_id, entries, reason.as_deref()).await
    }
    /// Locks the scores of one section (`sectionId`) or of every section of a school
    /// (`schoolId`) in a semester: after that a change needs a reason and the principal's
    /// approval. Only those the policy lets lock (the principal) may; locking what is locked
    /// returns the lock in force.
    async fn lock_book(
        &self,
        ctx: &Context<'_>,
        semester_id: ID,
        section_id: Option<ID>,
        school_id: Option<ID>,
    ) -> ApiResult<crate::graphql::book_locks::BookLock> {
        crate::graphql::book_locks::lock(ctx, &semester_id, section_id.as_ref(), school_id.as_ref()).await
    }
    /// Sets the number of regular assessment columns (ĐĐGtx) of a section in a semester,
    /// within the circular's limits (at least what its periods per year require — 2, 3 or 4,
    /// or the school's setting for comment-only subjects — and at most two more), with its
    /// mid-term and end-of-term columns. A column holding results is not removed. For the
    /// principal (the policy's `section`/`write`).
    async fn set_assessment_columns(
        &self,
        ctx: &Context<'_>,
        section_id: ID,
        semester_id: ID,
        #[graphql(validator(minimum = 1, maximum = 12))] regular: i32,
    ) -> ApiResult<Vec<crate::graphql::columns::AssessmentColumn>> {
        crate::graphql::columns::set_assessment_columns(ctx, &section_id, &semester_id, regular).await
    }
    /// Opens a section's re-test column (thi lại, kind `retest`) in its year's last semester,
    /// or returns the one open. Its teacher records the re-test with `recordScores`; on the
    /// year's summary sheet a student sent to re-test has each re-tested subject's result
    /// replaced by the re-test's, and learning, promotion and award recomputed, once every
    /// subject they must re-test has its re-test. For the principal (`section`/`write`).
    async fn open_retest(
        &self,
        ctx: &Context<'_>,
        section_id: ID,
    ) -> ApiResult<crate::graphql::columns::AssessmentColumn> {
        crate::graphql::columns::open_retest(ctx, &section_id).await
    }
    /// Marks an assessment column held (`held` false: no longer marked): from then on it
    /// counts even before anyone has a result in it, and a student of the section without a
    /// result owes a make-up (`makeUpsOwed`; the subject is pending on the class summary)
    /// until the book is locked or the teacher records `noMakeUp` — then the missed
    /// assessment counts as 0 (Chưa đạt). A column holding a result is held anyway. For the
    /// section's teacher (the policy's `result`/`write`); a column that does not exist or
    /// may not be marked gives `FORBIDDEN`, a locked book `LOCKED`.
    async fn mark_assessment_held(
        &self,
        ctx: &Context<'_>,
        assessment_id: ID,
        #[graphql(default = true)] held: bool,
    ) -> ApiResult<crate::graphql::columns::AssessmentColumn> {
        crate::graphql::columns::mark_held(ctx, &assessment_id, held).await
    }
    /// Lifts a lock; it stays on record with who lifted it and when.
    async fn unlock_book(&self, ctx: &Context<'_>, lock_id: ID) -> ApiResult<crate::graphql::book_locks::BookLock> {
        crate::graphql::book_locks::unlock(ctx, &lock_id).await
    }
    /// Approves a change request — the result changes, if no one changed it since the
    /// request, and the change enters the history with its reason and approver — or rejects
    /// it. A request is decided once; a result changed meanwhile gives `CONFLICT`.
    async fn decide_change(
        &self,
        ctx: &Context<'_>,
        request_id: ID,
        approve: bool,
        note: Option<String>,
    ) -> ApiResult<crate::graphql::book_locks::ChangeRequest> {
        crate::graphql::book_locks::decide(ctx, &request_id, approve, note.as_deref()).await
    }
    /// Takes a roll call for a class on `date` (today or earlier): one half-day `session`
    /// (morning | afternoon) or, with `period`, one lesson. Every student of the class is
    /// present unless listed in `marks`; a student marked before and not listed now is
    /// present again. Absences covered by an accepted leave request are stored excused. Each
    /// guardian of a child newly marked absent, late or gone from a period is notified. Only
    /// the class's homeroom teacher and its teachers may (the policy's `attendance`/`write`);
    /// the call is checked whole and written whole or not at all. A `reason` (correcting an
    /// earlier roll call) is kept in the history of every entry the call changes. Once the
    /// principal has locked the school's semester holding `date`, nothing is written: with a
    /// `reason` each change becomes a change request (kind `attendance`) the principal decides
    /// with `decideChange`, without one the call is refused with `LOCKED`.
    #[allow(clippy::too_many_arguments)]
    async fn record_attendance(
        &self,
        ctx: &Context<'_>,
        class_id: ID,
        date: NaiveDate,
        session: String,
        period: Option<i32>,
        #[graphql(validator(max_items = 200))] marks: Vec<crate::graphql::roll_call::AttendanceMarkInput>,
        reason: Option<String>,
    ) -> ApiResult<crate::graphql::roll_call::RecordAttendancePayload> {
        crate::graphql::roll_call::record(ctx, &class_id, date, &session, period, marks, reason).await
    }
    /// A guardian asks for their child to be excused from `from` to `to` (at most 30 days,
    /// beginning at most 14 days back, all within the child's enrollment in one class), for
    /// one `session` or, when it is null, whole days, giving a reason.
    async fn request_leave(
        &self,
        ctx: &Context<'_>,
        student_id: ID,
        from: NaiveDate,
        to: NaiveDate,
        session: Option<String>,
        reason: String,
    ) -> ApiResult<crate::graphql::roll_call::LeaveRequest> {
        crate::graphql::roll_call::request_leave(ctx, &student_id, from, to, session.as_deref(), reason).await
    }
    /// The homeroom teacher accepts a leave request — the unexcused absences its class
    /// recorded in its time while the child was enrolled there, as far as the decider may
    /// write attendance, become excused — or rejects it. A request is decided once.
    async fn decide_leave(
        &self,
        ctx: &Context<'_>,
        request_id: ID,
        accept: bool,
        note: Option<String>,
    ) -> ApiResult<crate::graphql::roll_call::LeaveRequest> {
        crate::graphql::roll_call::decide_leave(ctx, &request_id, accept, note.as_deref()).await
    }
    /// The homeroom teacher sets conduct (tot | kha | dat | chua_dat) for students of the
    /// class in a semester, each entry at the `version` the client read (`CONFLICT` if it
    /// changed meanwhile); checked whole and written whole or not at all. Once the principal
    /// locked the school's semester nothing is written: with a `reason` the entries become
    /// change requests for the principal's approval (`requests`), without one the call is
    /// refused as `LOCKED`.
    async fn record_conduct(
        &self,
        ctx: &Context<'_>,
        class_id: ID,
        semester_id: ID,
        #[graphql(validator(min_items = 1, max_items = 200))] entries: Vec<crate::graphql::summary::ConductInput>,
        reason: Option<String>,
    ) -> ApiResult<crate::graphql::summary::RecordConductPayload> {
        crate::graphql::summary::record_conduct(ctx, &class_id, &semester_id, entries, reason.as_deref()).await
    }
    /// The principal exempts a student from a section's assessments (`exempt: true`) — for
    /// one semester, or the whole year when `semesterId` is null — or lifts the exemption.
    /// An exempt student's scores are refused in that section, and the subject is left out
    /// of their learning result. With `part` (e.g. "chạy bền"), only that part of the subject
    /// is exempted (miễn một phần): the student is assessed on the rest and the subject
    /// counts. Returns the exemption as it now stands.
    async fn set_exemption(
        &self,
        ctx: &Context<'_>,
        student_id: ID,
        section_id: ID,
        semester_id: Option<ID>,
        exempt: bool,
        part: Option<String>,
    ) -> ApiResult<Option<crate::graphql::exemptions::Exemption>> {
        crate::graphql::exemptions::set(ctx, &student_id, &section_id, semester_id.as_ref(), exempt, part).await
    }
    /// Moves a student to another class of the same school and year (chuyển lớp) from `on`:
    /// their enrollment ends the day before and a new one starts that day. The records made
    /// in the old class stay there — its teachers keep them and see nothing after the move —
    /// and follow the student to the new class's homeroom teacher and the principal. For the
    /// principal (the policy's `enrollment`/`write`). Returns the new enrollment.
    async fn move_student(
        &self,
        ctx: &Context<'_>,
        student_id: ID,
        class_id: ID,
        on: NaiveDate,
    ) -> ApiResult<crate::graphql::records::EnrollmentRecord> {
        crate::graphql::movements::move_class(ctx, &student_id, &class_id, on).await
    }
    /// The sending school's principal releases a student to another school (chuyển
    /// trường), `on` being their first day there: the enrollment ends the day before, and the
    /// transfer waits for the receiving school to admit the student (`admitStudent`).
    async fn transfer_student(
        &self,
        ctx: &Context<'_>,
        student_id: ID,
        school_id: ID,
        on: NaiveDate,
        reason: String,
    ) -> ApiResult<crate::graphql::movements::Transfer> {
        crate::graphql::movements::release(ctx, &student_id, &school_id, on, &reason).await
    }
    /// The receiving school's principal admits a released student into one of its classes
    /// from the transfer's day: the student now belongs to that school, which reads their
    /// history as its policy allows (`current_student`). A transfer is admitted once.
    async fn admit_student(
        &self,
        ctx: &Context<'_>,
        transfer_id: ID,
        class_id: ID,
    ) -> ApiResult<crate::graphql::movements::Transfer> {
        crate::graphql::movements::admit(ctx, &transfer_id, &class_id).await
    }
    /// The primary summary book (Circular 27): a subject teacher rates the section's students
    /// at a `checkpoint` (mid_1 | end_1 | mid_2 | end_year) T, H or C, with the periodic
    /// test's whole-number score where the subject has a test then (Tiếng Việt, Toán, …: at
    /// end_1 and end_year; in grades 4–5 Tiếng Việt and Toán at mid_1 and mid_2 too). Each
    /// entry at the `version` read (`CONFLICT` otherwise); checked whole, written whole or
    /// not at all; refused as `LOCKED` in a locked semester. A section the caller may not
    /// write is `FORBIDDEN` like a missing one, before its kind, its lock or an empty
    /// `entries` (`BAD_USER_INPUT`) is looked at. Returns how many changed.
    async fn record_primary_subject(
        &self,
        ctx: &Context<'_>,
        section_id: ID,
        checkpoint: String,
        entries: Vec<crate::graphql::primary::PrimaryEntryInput>,
    ) -> ApiResult<i32> {
        let section = crate::graphql::ids::decode_as("Section", &section_id).ok_or(ApiError::NotPermitted)?;
        crate::graphql::primary::record(ctx, crate::books::primary::Scope::Section(section), &checkpoint, entries).await
    }
    /// The homeroom teacher of a primary class rates the five qualities and ten
    /// competencies (`area`: pc.* / nl.*, see `PrimaryBook.areas`) Tốt, Đạt or Cần cố gắng
    /// (tot | dat | can_co_gang) at a checkpoint, like `recordPrimarySubject`.
    async fn record_primary_ratings(
        &self,
        ctx: &Context<'_>,
        class_id: ID,
        checkpoint: String,
        entries: Vec<crate::graphql::primary::PrimaryEntryInput>,
    ) -> ApiResult<i32> {
        let class = crate::graphql::ids::decode_as("Class", &class_id).ok_or(ApiError::NotPermitted)?;
        crate::graphql::primary::record(ctx, crate::books::primary::Scope::Class(class), &checkpoint, entries).await
    }
    /// The homeroom teacher of a primary class nominates a student of the class for Học sinh
    /// Tiêu biểu in the school year (end of year): on the `ground` of an outstanding subject
    /// (`subject`, naming `subjectId`) or of clear progress (`progress`), with a short
    /// `note`; called again it changes the standing nomination. At the `version` read (null
    /// when none stands; `CONFLICT` otherwise); refused as `LOCKED` while the second
    /// semester is locked. The award follows only a Hoàn thành tốt year result.
    #[allow(clippy::too_many_arguments)]
    async fn nominate_primary_student(
        &self,
        ctx: &Context<'_>,
        class_id: ID,
        student_id: ID,
        ground: String,
        subject_id: Option<ID>,
        note: Option<String>,
        version: Option<i32>,
    ) -> ApiResult<crate::graphql::primary::PrimaryNomination> {
        let input = crate::graphql::primary::NominationInput {
            class_id: &class_id,
            student_id: &student_id,
            ground: &ground,
            subject_id: subject_id.as_ref(),
            note,
            version,
        };
        crate::graphql::primary::nominate(ctx, input).await
    }
    /// The homeroom teacher withdraws the class's standing nomination of a student for Học
    /// sinh Tiêu biểu, read at `version`; kept in the history like any change.
    async fn withdraw_primary_nomination(
        &self,
        ctx: &Context<'_>,
        class_id: ID,
        student_id: ID,
        version: i32,
    ) -> ApiResult<bool> {
        crate::graphql::primary::withdraw(ctx, &class_id, &student_id, version).await
    }
}
