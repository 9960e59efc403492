//! How the filter rule is checked on a list other than the student list: one caller asks for
//! the list unfiltered and with each filter or limit in one request (so every answer reads
//! the same records), and each filtered answer must be exactly what the caller can work out
//! from the unfiltered one — the items whose fields, as the caller reads them, pass the
//! filter, or the first items up to the limit, in the same order. A filter that narrowed by
//! a fact the caller cannot read, or a limit counted among records out of reach, answers
//! otherwise.

use emis_tests::TestApp;
use serde_json::{Value, json};

/// Where a list hangs: on the query root, on `me`, or on one student.
#[derive(Clone, Copy)]
pub(crate) enum Under<'a> {
    Root,
    Me,
    Student(&'a str),
}

/// A list field, what is selected of each item, and the arguments of its unfiltered answer.
pub(crate) struct List<'a> {
    pub under: Under<'a>,
    pub field: &'a str,
    pub selection: &'a str,
    pub everything: &'a str,
    /// Whether each filter is also asked in a request of its own, apart from the unfiltered
    /// answer (a data loader may read the two together); not for the disclosure log, which
    /// grows as reads are noted.
    pub alone_too: bool,
}

/// What a filtered answer must be, worked out from the unfiltered answer.
pub(crate) type Expect = Box<dyn Fn(&[Value]) -> Vec<Value>>;

/// The items of the unfiltered answer that pass `test`.
pub(crate) fn passing(test: impl Fn(&Value) -> bool + 'static) -> Expect {
    Box::new(move |all| all.iter().filter(|item| test(item)).cloned().collect())
}

/// The first `count` items of the unfiltered answer.
pub(crate) fn leading(count: usize) -> Expect {
    Box::new(move |all| all.iter().take(count).cloned().collect())
}

/// Cases for a list limited by `first` alone: the first one, two and three items.
pub(crate) fn by_first() -> Vec<(String, Expect)> {
    (1..=3).map(|count| (format!("first: {count}"), leading(count))).collect()
}

/// The items of the unfiltered answer whose `field` is `value`, at most `count` of them.
pub(crate) fn with(field: &'static str, value: &str, count: usize) -> Expect {
    let value = value.to_owned();
    Box::new(move |all| all.iter().filter(|item| item[field] == value.as_str()).take(count).cloned().collect())
}

/// `token`'s answers to `list` with each of `args`, in one request; `None` when the caller
/// does not see the record the list hangs on.
async fn answers(app: &TestApp, token: &str, list: &List<'_>, args: &[&str]) -> Option<Vec<Vec<Value>>> {
    let (field, selection) = (list.field, list.selection);
    let asked: String =
        args.iter().enumerate().map(|(index, args)| format!("a{index}: {field}({args}) {{ {selection} }} ")).collect();
    let (query, scope) = match list.under {
        Under::Root => (format!("{{ {asked} }}"), None),
        Under::Me => (format!("{{ me {{ {asked} }} }}"), Some("me")),
        Under::Student(id) => (format!("{{ student(id: \"{id}\") {{ {asked} }} }}"), Some("student")),
    };
    let data = app.data(Some(token), &query, json!({})).await.unwrap();
    let scope = scope.map_or(&data, |key| &data[key]);
    if scope.is_null() {
        return None;
    }
    Some((0..args.len()).map(|index| scope[format!("a{index}")].as_array().unwrap().clone()).collect())
}

/// `who` (`token`) asking for `list` with each case's arguments gets exactly what the case
/// expects of the unfiltered answer, which this returns (empty when the list's record is
/// out of reach): asked together with the unfiltered answer and, where the list allows it,
/// alone.
pub(crate) async fn narrows_within(
    app: &TestApp,
    token: &str,
    who: &str,
    list: &List<'_>,
    cases: Vec<(String, Expect)>,
) -> Vec<Value> {
    let everything = std::iter::once(list.everything);
    let args: Vec<&str> = everything.chain(cases.iter().map(|(args, _)| args.as_str())).collect();
    let Some(mut together) = answers(app, token, list, &args).await else {
        return Vec::new();
    };
    let all = together.remove(0);
    let field = list.field;
    for ((args, expect), got) in cases.iter().zip(&together) {
        assert_eq!(got, &expect(&all), "{who}: {field}({args}) narrows by a fact the caller cannot read");
    }
    for (args, expect) in cases.iter().filter(|_| list.alone_too) {
        let got = answers(app, token, list, &[args]).await.unwrap_or_default().concat();
        assert_eq!(got, expect(&all), "{who}: {field}({args}), asked alone, narrows by a fact the caller cannot read");
    }
    all
}
