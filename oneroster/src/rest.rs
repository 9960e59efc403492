//! The query parameters of the OneRoster 1.2 REST binding's collection reads, parsed and
//! checked before anything is read: paging (`limit`, `offset`), ordering (`sort`, `orderBy`),
//! field selection (`fields`) and the `filter` predicate grammar — predicates
//! `field op 'value'` with `=`, `!=`, `>`, `>=`, `<`, `<=` and `~` (contains), a field named
//! by its dotted path (`school.sourcedId`), joined by `AND` or by `OR` (not both in one
//! filter). A value is single-quoted (a quote inside doubled: `'O''Brien'`), or a bare number
//! or boolean. Every refusal names the parameter and reads in Vietnamese and English, with the
//! specification's code (`invalid_filter_field`, `invalid_selection_field`,
//! `invalid_sort_field`, `invalid_query`). A resource then checks the fields named against
//! the fields it has ([`Query::check_fields`]).

use std::fmt;

/// The page size when `limit` is not given (the specification's default).
pub const DEFAULT_LIMIT: u64 = 100;

/// How a filter's predicates are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Logic {
    And,
    Or,
}

/// A predicate's comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    /// `~`: the field's value contains the given text.
    Contains,
}

/// One predicate: `field op value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Predicate {
    /// The dotted path of the field.
    pub field: String,
    pub op: Op,
    /// The value, unquoted.
    pub value: String,
}

/// A parsed `filter`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    pub logic: Logic,
    pub predicates: Vec<Predicate>,
}

/// The direction of `orderBy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Direction {
    #[default]
    Asc,
    Desc,
}

/// A collection read's parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub limit: u64,
    pub offset: u64,
    pub sort: Option<String>,
    pub direction: Direction,
    pub filter: Option<Filter>,
    /// The fields asked for; `None`: every field.
    pub fields: Option<Vec<String>>,
}

/// Why a query was refused: the specification's code, and what was wrong in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError {
    /// `invalid_filter_field` | `invalid_selection_field` | `invalid_sort_field` |
    /// `invalid_query`.
    pub code: &'static str,
    pub vietnamese: String,
    pub english: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} / {}", self.vietnamese, self.english)
    }
}

impl std::error::Error for QueryError {}

fn refused(code: &'static str, vietnamese: String, english: String) -> QueryError {
    QueryError { code, vietnamese, english }
}

fn bad_filter(filter: &str, why_vi: &str, why_en: &str) -> QueryError {
    refused(
        "invalid_filter_field",
        format!("không đọc được filter {filter:?}: {why_vi}"),
        format!("cannot read the filter {filter:?}: {why_en}"),
    )
}

/// Whether `c` may be part of a field's dotted path.
fn in_path(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '_'
}

/// Reads one predicate from the start of `text`; the predicate and what follows it.
fn predicate<'a>(text: &'a str, whole: &str) -> Result<(Predicate, &'a str), QueryError> {
    let text = text.trim_start();
    let end = text.find(|c: char| !in_path(c)).unwrap_or(text.len());
    let (field, rest) = text.split_at(end);
    if field.is_empty() || field.starts_with('.') || field.ends_with('.') || field.contains("..") {
        return Err(bad_filter(whole, "thiếu tên trường", "a field name is missing"));
    }
    let rest = rest.trim_start();
    let ops = [
        ("!=", Op::Ne),
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("=", Op::Eq),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("~", Op::Contains),
    ];
    let (op, rest) =
        ops.iter().find_map(|&(word, op)| rest.strip_prefix(word).map(|rest| (op, rest))).ok_or_else(|| {
            bad_filter(
                whole,
                "thiếu phép so sánh (=, !=, >, >=, <, <=, ~)",
                "a comparison is missing (=, !=, >, >=, <, <=, ~)",
            )
        })?;
    let rest = rest.trim_start();
    let (value, rest) = if let Some(quoted) = rest.strip_prefix('\'') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        let mut closed = None;
        while let Some((at, c)) = chars.next() {
            if c != '\'' {
                value.push(c);
            } else if quoted[at + 1..].starts_with('\'') {
                value.push('\'');
                chars.next();
            } else {
                closed = Some(at + 1);
                break;
            }
        }
        let after = closed.ok_or_else(|| bad_filter(whole, "thiếu dấu nháy đóng", "a closing quote is missing"))?;
        (value, &quoted[after..])
    } else {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (bare, after) = rest.split_at(end);
        let number = !bare.is_empty() && bare.parse::<f64>().is_ok_and(f64::is_finite);
        if !(number || bare == "true" || bare == "false") {
            return Err(bad_filter(whole, "giá trị phải trong dấu nháy đơn", "a value must be in single quotes"));
        }
        (bare.to_owned(), after)
    };
    Ok((Predicate { field: field.to_owned(), op, value }, rest))
}

/// Parses a `filter` expression.
pub fn parse_filter(text: &str) -> Result<Filter, QueryError> {
    let mut predicates = Vec::new();
    let mut logic = None;
    let mut rest = text;
    loop {
        let (found, after) = predicate(rest, text)?;
        predicates.push(found);
        let after = after.trim_start();
        if after.is_empty() {
            break;
        }
        let (joined, next) = if let Some(next) = after.strip_prefix("AND ") {
            (Logic::And, next)
        } else if let Some(next) = after.strip_prefix("OR ") {
            (Logic::Or, next)
        } else {
            return Err(bad_filter(text, "các điều kiện nối bằng AND hoặc OR", "predicates are joined by AND or OR"));
        };
        if logic.is_some_and(|logic| logic != joined) {
            return Err(bad_filter(text, "không trộn AND với OR", "AND and OR cannot be mixed"));
        }
        logic = Some(joined);
        rest = next;
    }
    Ok(Filter { logic: logic.unwrap_or(Logic::And), predicates })
}

/// A non-negative whole number given as `name`.
fn number(name: &str, value: &str) -> Result<u64, QueryError> {
    value.trim().parse().map_err(|_| {
        refused(
            "invalid_query",
            format!("{name} phải là số nguyên không âm, không phải {value:?}"),
            format!("{name} must be a non-negative whole number, not {value:?}"),
        )
    })
}

/// A comma-separated list of field names given as `name`, with the code to refuse it by.
fn field_list(name: &str, value: &str, code: &'static str) -> Result<Vec<String>, QueryError> {
    let fields: Vec<String> = value.split(',').map(|field| field.trim().to_owned()).collect();
    if fields.iter().any(|field| field.is_empty() || !field.chars().all(in_path)) {
        return Err(refused(
            code,
            format!("{name} là danh sách tên trường cách nhau bằng dấu phẩy, không phải {value:?}"),
            format!("{name} is a comma-separated list of field names, not {value:?}"),
        ));
    }
    Ok(fields)
}

/// Parses a collection read's query parameters (`name`, `value` pairs, decoded); `limit`
/// may not exceed `max_limit`. Parameters the binding does not define are left alone.
pub fn parse(params: &[(String, String)], max_limit: u64) -> Result<Query, QueryError> {
    let mut query = Query {
        limit: DEFAULT_LIMIT.min(max_limit),
        offset: 0,
        sort: None,
        direction: Direction::Asc,
        filter: None,
        fields: None,
    };
    for (name, value) in params {
        match name.as_str() {
            "limit" => {
                let limit = number("limit", value)?;
                if limit == 0 || limit > max_limit {
                    return Err(refused(
                        "invalid_query",
                        format!("limit phải từ 1 đến {max_limit}"),
                        format!("limit must be from 1 to {max_limit}"),
                    ));
                }
                query.limit = limit;
            }
            "offset" => query.offset = number("offset", value)?,
            "sort" => {
                let mut fields = field_list("sort", value, "invalid_sort_field")?;
                if fields.len() != 1 {
                    return Err(refused(
                        "invalid_sort_field",
                        "sort chỉ nhận một trường".to_owned(),
                        "sort takes one field".to_owned(),
                    ));
                }
                query.sort = fields.pop();
            }
            "orderBy" => {
                query.direction = match value.trim() {
                    "asc" => Direction::Asc,
                    "desc" => Direction::Desc,
                    _ => {
                        return Err(refused(
                            "invalid_query",
                            format!("orderBy phải là asc hoặc desc, không phải {value:?}"),
                            format!("orderBy must be asc or desc, not {value:?}"),
                        ));
                    }
                }
            }
            "filter" => query.filter = Some(parse_filter(value)?),
            "fields" => query.fields = Some(field_list("fields", value, "invalid_selection_field")?),
            _ => {}
        }
    }
    Ok(query)
}

impl Query {
    /// Refuses a field named in `sort`, `filter` or `fields` that is not among `known` (the
    /// resource's fields, dotted paths included) — a filter on a field the caller may not
    /// read is refused, not ignored.
    pub fn check_fields(&self, known: &[&str]) -> Result<(), QueryError> {
        let unknown = |code: &'static str, field: &str| {
            refused(
                code,
                format!("trường {field:?} không có hoặc không được chia sẻ"),
                format!("the field {field:?} does not exist or is not shared"),
            )
        };
        if let Some(sort) = self.sort.as_deref().filter(|sort| !known.contains(sort)) {
            return Err(unknown("invalid_sort_field", sort));
        }
        for predicate in self.filter.iter().flat_map(|filter| &filter.predicates) {
            if !known.contains(&predicate.field.as_str()) {
                return Err(unknown("invalid_filter_field", &predicate.field));
            }
        }
        for field in self.fields.iter().flatten() {
            if !known.contains(&field.as_str()) {
                return Err(unknown("invalid_selection_field", field));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{Direction, Logic, Op, Predicate, parse, parse_filter};

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|&(name, value)| (name.to_owned(), value.to_owned())).collect()
    }

    #[test]
    fn the_specifications_filters_read() {
        let filter = parse_filter("familyName='Nguyễn' AND role='student'").unwrap();
        assert_eq!(filter.logic, Logic::And);
        assert_eq!(
            filter.predicates[0],
            Predicate { field: "familyName".to_owned(), op: Op::Eq, value: "Nguyễn".to_owned() }
        );
        let filter = parse_filter("dateLastModified>'2026-09-01T00:00:00Z' OR status != 'active'").unwrap();
        assert_eq!((filter.logic, filter.predicates[1].op), (Logic::Or, Op::Ne));
        let filter = parse_filter("school.sourcedId~'TH' AND givenName='O''Brien' AND grades>=6").unwrap();
        assert_eq!(filter.predicates[1].value, "O'Brien", "a doubled quote is one quote");
        assert_eq!(
            (filter.predicates[0].field.as_str(), filter.predicates[2].value.as_str()),
            ("school.sourcedId", "6")
        );
        assert_eq!(parse_filter("enabledUser=true").unwrap().predicates[0].value, "true");
    }

    #[test]
    fn a_filter_that_cannot_be_read_is_refused_with_its_code() {
        for wrong in [
            "",
            "familyName",
            "familyName='Nguyễn",
            "familyName=Nguyễn",
            "='x'",
            "a='x' AND b='y' OR c='z'",
            "a='x' and b='y'",
            "a..b='x'",
            "a='x' AND",
        ] {
            let error = parse_filter(wrong).unwrap_err();
            assert_eq!(error.code, "invalid_filter_field", "{wrong}");
            assert!(error.english.contains("cannot read the filter"), "{wrong}");
        }
    }

    #[test]
    fn paging_sorting_and_selection_are_read_and_checked() {
        let query = parse(
            &params(&[
                ("limit", "20"),
                ("offset", "40"),
                ("sort", "familyName"),
                ("orderBy", "desc"),
                ("fields", "sourcedId, givenName"),
            ]),
            1000,
        )
        .unwrap();
        assert_eq!((query.limit, query.offset, query.direction), (20, 40, Direction::Desc));
        assert_eq!(query.fields.as_deref(), Some(&["sourcedId".to_owned(), "givenName".to_owned()][..]));
        assert_eq!(parse(&[], 1000).unwrap().limit, 100, "the default page");
        for (name, value, code) in [
            ("limit", "0", "invalid_query"),
            ("limit", "5000", "invalid_query"),
            ("offset", "-1", "invalid_query"),
            ("orderBy", "up", "invalid_query"),
            ("sort", "a,b", "invalid_sort_field"),
            ("fields", "a,,b", "invalid_selection_field"),
        ] {
            assert_eq!(parse(&params(&[(name, value)]), 1000).unwrap_err().code, code, "{name}={value}");
        }
        let query = parse(&params(&[("filter", "phone='090'"), ("sort", "givenName")]), 1000).unwrap();
        let known = ["sourcedId", "givenName", "familyName"];
        assert_eq!(
            query.check_fields(&known).unwrap_err().code,
            "invalid_filter_field",
            "an unshared field is refused"
        );
        let query = parse(&params(&[("sort", "phone")]), 1000).unwrap();
        assert_eq!(query.check_fields(&known).unwrap_err().code, "invalid_sort_field");
        let query = parse(&params(&[("fields", "sourcedId,phone")]), 1000).unwrap();
        assert_eq!(query.check_fields(&known).unwrap_err().code, "invalid_selection_field");
        assert!(parse(&params(&[("filter", "givenName~'An'")]), 1000).unwrap().check_fields(&known).is_ok());
    }
}
