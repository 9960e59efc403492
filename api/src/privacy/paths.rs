//! The rule that the GraphQL layer, the books and the staffing writes read a personal table only through a
//! registered reader ([`super::Visible`], [`Access::reach`](super::Access::reach), and for
//! the rows a write touches [`Access::rows_for`](super::Access::rows_for)) or ask an
//! integrity question of every row in `integrity.rs` (a yes or no, never a row): a test
//! scans their sources for direct reads of the tables in [`PERSONAL_TABLES`] — an entity's
//! `find…`, a `find_related`, a sub-select `from` it, a join through its relations — and
//! fails on any not in [`ALLOWED`], where each exception says why it stands. An exception
//! that no longer matches fails too, so the list only shrinks.

use super::readers::PERSONAL_TABLES;

/// Direct reads of personal tables that stand, by file (under `api/src/`) and table, each
/// with its reason.
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "books/leave.rs",
        "leave_request",
        "the accepted requests that make a roll call store an absence excused: the students of the class the \
         caller writes the roll call of, every request counted whoever may read it",
    ),
    (
        "books/mod.rs",
        "enrollment",
        "who is in a class or school on a day, ids only, after the policy allowed writing there: every \
         enrollment counts, so a write neither refuses a student who is there nor accepts one who is not, and a \
         notice reaches every student there",
    ),
    (
        "books/nomination.rs",
        "primary_nomination",
        "one nomination per student and year: the write finds the student's nomination even from a class they \
         left, and moves it to the class the policy allowed",
    ),
    (
        "family/members.rs",
        "guardianship",
        "the guardians a teacher's conversation about a child reaches, ids only: each is then judged by the \
         policy as themselves, whoever may read the link",
    ),
    (
        "family/members.rs",
        "guardian",
        "the names of the people in a conversation, shown to those who may read it: names only, never contact",
    ),
    (
        "family/members.rs",
        "staff",
        "the names of the people in a conversation, shown to those who may read it, and of the teachers a \
         guardian may open one with: names only, never contact",
    ),
    (
        "books/recipients.rs",
        "enrollment",
        "where the students a notice is addressed to are enrolled today, ids only, after the policy allowed \
         writing a notice for each: every enrollment counts, so the delivery is judged on the class they are in",
    ),
    (
        "books/recipients.rs",
        "guardianship",
        "the guardians told of a notice, a reminder, an absence or scores, ids only, after the policy allowed \
         the write that tells them: every active guardian is told, whoever may read the link",
    ),
    (
        "books/recipients.rs",
        "staff",
        "the staff members a notice to a school's staff reaches, ids only, after the policy allowed writing a \
         notice for each: everyone working there is reached, whoever may read their record",
    ),
];

/// The direct reads of personal tables in `source`.
fn direct_reads(source: &str) -> std::collections::BTreeSet<&'static str> {
    let code: String =
        source.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let mut found = std::collections::BTreeSet::new();
    for table in PERSONAL_TABLES {
        let mut names = vec![table.to_owned()];
        let alias = format!("{table} as ");
        for (at, _) in code.match_indices(&alias) {
            let rest = &code[at + alias.len()..];
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
            names.push(rest[..end].to_owned());
        }
        let camel: String = table.split('_').map(|part| part[..1].to_uppercase() + &part[1..]).collect();
        let starting: Vec<String> =
            names.iter().flat_map(|name| [format!("{name}::Entity::find"), format!("{name}::Relation::")]).collect();
        let mut within: Vec<String> =
            names.iter().flat_map(|name| [format!("related({name}::Entity"), format!("from({name}::Entity")]).collect();
        within.push(format!("Relation::{camel}.def()"));
        if starting.iter().any(|needle| occurs(&code, needle)) || within.iter().any(|needle| code.contains(needle)) {
            found.insert(table);
        }
    }
    found
}

/// Whether `needle` occurs in `code` as the start of a path (not the tail of a longer name).
fn occurs(code: &str, needle: &str) -> bool {
    code.match_indices(needle)
        .any(|(at, _)| code[..at].chars().next_back().is_none_or(|before| !(before.is_alphanumeric() || before == '_')))
}

mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    fn sources(dir: &Path, into: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                sources(&path, into);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                into.push(path);
            }
        }
    }

    /// The sources scanned: `api/src` of this crate, or of the checkout
    /// `EMIS_PRIVACY_SCAN_ROOT` names (to show the rule on another tree).
    fn root() -> PathBuf {
        match std::env::var_os("EMIS_PRIVACY_SCAN_ROOT") {
            Some(root) => PathBuf::from(root),
            None => Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        }
    }

    #[test]
    fn resolvers_and_books_read_personal_tables_only_through_readers() {
        let root = root();
        let mut files = Vec::new();
        for dir in ["graphql", "books", "staffing", "family"] {
            sources(&root.join(dir), &mut files);
        }
        let allowed: BTreeSet<(&'static str, &'static str)> =
            ALLOWED.iter().map(|&(file, table, _)| (file, table)).collect();
        let mut unexpected = Vec::new();
        let mut used = BTreeSet::new();
        for file in &files {
            let name = file.strip_prefix(&root).expect("under the root").to_string_lossy().replace('\\', "/");
            let source = std::fs::read_to_string(file).expect("a readable source");
            for table in direct_reads(&source) {
                match allowed.iter().find(|&&(file, read)| file == name && read == table) {
                    Some(&entry) => {
                        used.insert(entry);
                    }
                    None => unexpected.push(format!("{name} reads `{table}` directly")),
                }
            }
        }
        assert!(unexpected.is_empty(), "read these through a reader (privacy/readers/):\n{}", unexpected.join("\n"));
        let stale: Vec<_> = allowed.difference(&used).collect();
        assert!(stale.is_empty(), "exceptions that no longer match, to remove: {stale:?}");
    }

    #[test]
    fn the_scan_finds_each_form_of_direct_read() {
        let forms = [
            ("student::Entity::find_by_id(1)", "student"),
            ("entity::conduct::Entity::find()", "conduct"),
            ("row.find_related(guardian::Entity)", "guardian"),
            ("Query::select().from(enrollment::Entity)", "enrollment"),
            ("use entity::primary_nomination as nomination;\nnomination::Entity::find()", "primary_nomination"),
            ("student::Relation::Guardianship.def()", "guardianship"),
        ];
        for (source, table) in forms {
            assert!(direct_reads(source).contains(table), "{source}");
        }
        assert!(direct_reads("access.read(&readers::STUDENT)").is_empty());
        assert!(direct_reads("// student::Entity::find()").is_empty());
        assert!(!direct_reads("org_student::Entity::find()").contains("student"));
    }
}
