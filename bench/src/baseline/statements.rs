//! The reference's hand-written statements, one per request shape, in each database's
//! dialect: PostgreSQL's `$n` parameters and `strpos`, SQLite's `?n` and `instr`. The
//! reference server and the SQL floor ([`crate::floor`]) run the same statements.

use chrono::NaiveDate;
use sea_orm::{DatabaseBackend, Statement, Value};

const CHILDREN: &str = "SELECT s.id, s.full_name, sec.subject_id, a.kind, a.sequence, r.score_tenths, r.passed \
     FROM guardianship g JOIN student s ON s.id = g.student_id \
     LEFT JOIN result r ON r.student_id = s.id AND r.semester_id = $3 \
     LEFT JOIN assessment a ON a.id = r.assessment_id \
     LEFT JOIN section sec ON sec.id = r.section_id \
     WHERE g.guardian_id = $1 AND g.starts_on <= $2 AND (g.ends_on IS NULL OR g.ends_on >= $2) \
     ORDER BY s.id";
const GRADE_SHEET: &str = "SELECT subj.name AS subject, sec.subject_id, st.id, st.full_name, a.kind, a.sequence, r.score_tenths, r.passed \
     FROM section sec JOIN subject subj ON subj.id = sec.subject_id \
     JOIN enrollment e ON e.class_id = sec.class_id AND e.starts_on <= $2 AND (e.ends_on IS NULL OR e.ends_on >= $2) \
     JOIN student st ON st.id = e.student_id \
     LEFT JOIN result r ON r.student_id = st.id AND r.section_id = sec.id AND r.semester_id = $3 \
     LEFT JOIN assessment a ON a.id = r.assessment_id \
     WHERE sec.id = $1 ORDER BY st.sort_name, st.id";
const ROSTER: &str = "SELECT c.name, st.id, st.full_name, gd.id AS guardian_id, gd.full_name AS guardian_name, \
     g.relationship, gd.phone_enc \
     FROM homeroom_class c \
     JOIN enrollment e ON e.class_id = c.id AND e.starts_on <= $2 AND (e.ends_on IS NULL OR e.ends_on >= $2) \
     JOIN student st ON st.id = e.student_id \
     LEFT JOIN guardianship g ON g.student_id = st.id AND g.starts_on <= $2 AND (g.ends_on IS NULL OR g.ends_on >= $2) \
     LEFT JOIN guardian gd ON gd.id = g.guardian_id \
     WHERE c.id = $1 ORDER BY st.sort_name, st.id";
const SEARCH: &str = "SELECT id, full_name, birth_date, COUNT(*) OVER () AS total FROM student \
     WHERE school_id = $1 AND strpos(search_name, $2) > 0 ORDER BY sort_name, id LIMIT $3";

/// The statements for one database, on one day of one semester.
#[derive(Clone, Copy)]
pub struct Statements {
    pub backend: DatabaseBackend,
    pub today: NaiveDate,
    pub semester: i64,
}

impl Statements {
    /// The statements for `state`'s database, today, in the semester today falls in.
    pub async fn today(state: &emis::state::AppState) -> anyhow::Result<Self> {
        use anyhow::Context as _;
        let today = emis::clock::today();
        let semester = state.reference.get().await?.semester_on(today).context("a current semester")?;
        Ok(Self { backend: state.db.get_database_backend(), today, semester })
    }

    fn statement(&self, sql: &str, values: Vec<Value>) -> Statement {
        match self.backend {
            DatabaseBackend::Sqlite => {
                Statement::from_sql_and_values(self.backend, sql.replace('$', "?").replace("strpos(", "instr("), values)
            }
            _ => Statement::from_sql_and_values(self.backend, sql, values),
        }
    }

    /// (a) a guardian's children today with this semester's results, a row per result.
    pub fn children(&self, guardian: i64) -> Statement {
        self.statement(CHILDREN, vec![guardian.into(), self.today.into(), self.semester.into()])
    }

    /// (b) a section's students today with this semester's results in it.
    pub fn grade_sheet(&self, section: i64) -> Statement {
        self.statement(GRADE_SHEET, vec![section.into(), self.today.into(), self.semester.into()])
    }

    /// (c) a class's students today with their guardians' sealed phone numbers.
    pub fn roster(&self, class: i64) -> Statement {
        self.statement(ROSTER, vec![class.into(), self.today.into()])
    }

    /// (d) a school's students whose folded name holds `folded`, first `limit`, with the
    /// total.
    pub fn search(&self, school: i64, folded: String, limit: i64) -> Statement {
        self.statement(SEARCH, vec![school.into(), folded.into(), limit.into()])
    }
}
