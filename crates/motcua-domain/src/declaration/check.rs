//! Checking answers against a declaration: every failing field by its path, all at once; the
//! accepted answers normalised (trimmed NFC text, dates as `YYYY-MM-DD`, numbers as numbers,
//! identity numbers without spaces, addresses resolved to their 2025 commune with the old name
//! kept), and answers to questions not asked dropped.

use super::{
    Ask, Condition, CrossRule, DateBound, Declaration, Field, FieldKind, IdKind, PERSON_PARTS,
    Page, PersonParts, SEXES, Text,
};
use crate::ids::{Phone, UnitCode};
use crate::units::UnitDirectory;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::Date;

/// Filed answers, normalised: one JSON object keyed by the declaration's field keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = Object))]
#[serde(transparent)]
pub struct Answers(pub Map<String, Value>);

impl Eq for Answers {}

impl Answers {
    /// The answer at a dotted path (`child.birth_date`, `copies.0.pages`).
    pub fn at(&self, path: &str) -> Option<&Value> {
        let mut parts = path.split('.');
        let mut v = self.0.get(parts.next()?)?;
        for p in parts {
            v = match v {
                Value::Object(m) => m.get(p)?,
                Value::Array(a) => a.get(p.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(v)
    }

    /// The text answer at a path, if it is text.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.at(path).and_then(Value::as_str)
    }
}

/// What is checked against: the filing date (Vietnam's calendar date) and the units.
#[derive(Debug, Clone, Copy)]
pub struct CheckContext<'a> {
    /// The date the dossier is filed.
    pub filing_date: Date,
    /// The administrative units (addresses).
    pub units: &'a UnitDirectory,
}

/// What is wrong with one answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// Needed and missing.
    #[error("this answer is required")]
    Required,
    /// Not a question of this declaration.
    #[error("no such question in this declaration")]
    Unknown,
    /// The wrong kind of value (text for a list, …).
    #[error("this answer has the wrong form")]
    WrongType,
    /// Text too long.
    #[error("at most {0} characters")]
    TooLong(u32),
    /// Control or bidi-override characters.
    #[error("contains characters that are not allowed")]
    Hostile,
    /// Not a whole number.
    #[error("not a whole number")]
    NotANumber,
    /// Below the least value.
    #[error("at least {0}")]
    TooSmall(i64),
    /// Above the greatest value.
    #[error("at most {0}")]
    TooLarge(i64),
    /// Not a date.
    #[error("not a date (YYYY-MM-DD or DD/MM/YYYY, 1900-2100)")]
    InvalidDate,
    /// After the filing date where it may not be.
    #[error("may not be after the filing date")]
    DateInFuture,
    /// Before the filing date where it may not be.
    #[error("may not be before the filing date")]
    DateInPast,
    /// Not one of the options.
    #[error("not one of the options")]
    UnknownOption,
    /// The identity number does not fit its kind.
    #[error("not a valid {0} number")]
    InvalidId(&'static str),
    /// An identity document kind not accepted here.
    #[error("this kind of identity document is not accepted here")]
    IdKindNotAccepted,
    /// Not a phone number.
    #[error("not a phone number (10 or 11 digits starting with 0 or +84)")]
    InvalidPhone,
    /// Not an e-mail address.
    #[error("not an e-mail address")]
    InvalidEmail,
    /// No commune of that name or code.
    #[error("no commune of that name or code")]
    UnknownPlace,
    /// Several communes have that name: choose one.
    #[error("several communes have that name; choose one")]
    AmbiguousPlace,
    /// Too few items.
    #[error("at least {0} items")]
    TooFew(u32),
    /// Too many items.
    #[error("at most {0} items")]
    TooMany(u32),
    /// A rule of the declaration (its own message).
    #[error("{}", .0.get("en"))]
    Rule(Text),
}

impl Problem {
    /// The stable code (in the API's `fields`, and the locale key `decl-<code>`).
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::Unknown => "unknown",
            Problem::WrongType => "wrong_type",
            Problem::TooLong(_) => "too_long",
            Problem::Hostile => "hostile",
            Problem::NotANumber => "not_a_number",
            Problem::TooSmall(_) => "too_small",
            Problem::TooLarge(_) => "too_large",
            Problem::InvalidDate => "invalid_date",
            Problem::DateInFuture => "date_in_future",
            Problem::DateInPast => "date_in_past",
            Problem::UnknownOption => "unknown_option",
            Problem::InvalidId(_) => "invalid_id",
            Problem::IdKindNotAccepted => "id_kind",
            Problem::InvalidPhone => "invalid_phone",
            Problem::InvalidEmail => "invalid_email",
            Problem::UnknownPlace => "unknown_place",
            Problem::AmbiguousPlace => "ambiguous_place",
            Problem::TooFew(_) => "too_few",
            Problem::TooMany(_) => "too_many",
            Problem::Rule(_) => "rule",
        }
    }

    /// The number in the message, if any (a limit).
    pub fn limit(&self) -> Option<i64> {
        match self {
            Problem::TooLong(n) | Problem::TooFew(n) | Problem::TooMany(n) => Some(i64::from(*n)),
            Problem::TooSmall(n) | Problem::TooLarge(n) => Some(*n),
            _ => None,
        }
    }
}

/// One failing answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Its path (`child.birth_date`).
    pub path: String,
    /// What is wrong.
    pub problem: Problem,
}

/// Answers that fail: every failing path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the declaration has {} answers to correct", .errors.len())]
pub struct Invalid {
    /// The failures, in the order of the declaration.
    pub errors: Vec<FieldError>,
}

/// Bounds on dates anyone is born, dies or files on.
const FIRST_YEAR: i32 = 1900;
const LAST_YEAR: i32 = 2100;

/// Parses `YYYY-MM-DD` or `DD/MM/YYYY` (also `D/M/YYYY`, `-` or `.` as separators).
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let nums: Vec<&str> = s.split(['-', '/', '.']).collect();
    let [a, b, c] = nums.as_slice() else {
        return None;
    };
    let n = |x: &str, max_len: usize| -> Option<i32> {
        (!x.is_empty() && x.len() <= max_len && x.bytes().all(|b| b.is_ascii_digit()))
            .then(|| x.parse().ok())
            .flatten()
    };
    let (y, m, d) = if a.len() == 4 && s.contains('-') {
        (n(a, 4)?, n(b, 2)?, n(c, 2)?)
    } else if c.len() == 4 {
        (n(c, 4)?, n(b, 2)?, n(a, 2)?)
    } else {
        return None;
    };
    if !(FIRST_YEAR..=LAST_YEAR).contains(&y) {
        return None;
    }
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()
}

/// A date as stored (`YYYY-MM-DD`).
pub fn date_text(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Full years between `birth` and `on`.
pub fn age_on(birth: Date, on: Date) -> i32 {
    let mut years = on.year() - birth.year();
    if (u8::from(on.month()), on.day()) < (u8::from(birth.month()), birth.day()) {
        years -= 1;
    }
    years
}

struct Checker<'a> {
    ctx: CheckContext<'a>,
    errors: Vec<FieldError>,
}

impl Checker<'_> {
    fn fail(&mut self, path: &str, p: Problem) -> Option<Value> {
        self.errors.push(FieldError {
            path: path.to_owned(),
            problem: p,
        });
        None
    }

    /// A text answer, trimmed and NFC; `None` when empty or not text (reported).
    fn text(&mut self, path: &str, v: &Value, max: u32) -> Option<String> {
        let s = match v {
            Value::String(s) => crate::text::nfc(s),
            Value::Number(n) => n.to_string(),
            _ => {
                self.fail(path, Problem::WrongType);
                return None;
            }
        };
        if s.chars().count() > max as usize {
            self.fail(path, Problem::TooLong(max));
            return None;
        }
        if crate::text::has_hostile_chars(&s) {
            self.fail(path, Problem::Hostile);
            return None;
        }
        Some(s)
    }

    /// One answer of `kind` at `path`; `Ok(None)` for an empty answer.
    fn value(&mut self, path: &str, kind: &FieldKind, v: &Value) -> Option<Value> {
        match kind {
            FieldKind::Text { max, .. } => self.text(path, v, *max).map(Value::String),
            FieldKind::Phone => {
                let s = self.text(path, v, 20)?;
                match Phone::parse(&s) {
                    Ok(p) => Some(Value::String(p.to_string())),
                    Err(_) => self.fail(path, Problem::InvalidPhone),
                }
            }
            FieldKind::Email => {
                let s = self.text(path, v, 200)?;
                if email_ok(&s) {
                    Some(Value::String(s))
                } else {
                    self.fail(path, Problem::InvalidEmail)
                }
            }
            FieldKind::Number { min, max } => {
                let n = match v {
                    Value::Number(n) => n.as_i64(),
                    Value::String(s) => s.trim().parse::<i64>().ok(),
                    _ => None,
                };
                let Some(n) = n else {
                    return self.fail(path, Problem::NotANumber);
                };
                if let Some(m) = min.filter(|m| n < *m) {
                    return self.fail(path, Problem::TooSmall(m));
                }
                if let Some(m) = max.filter(|m| n > *m) {
                    return self.fail(path, Problem::TooLarge(m));
                }
                Some(Value::from(n))
            }
            FieldKind::Money { max } => {
                let n = match v {
                    Value::Number(n) => n.as_u64(),
                    Value::String(s) => {
                        let digits: String = s
                            .trim()
                            .trim_end_matches(['đ', 'd', 'Đ', 'D'])
                            .chars()
                            .filter(|c| !matches!(c, '.' | ',' | ' '))
                            .collect();
                        (!digits.is_empty() && digits.len() <= 18)
                            .then(|| digits.parse::<u64>().ok())
                            .flatten()
                    }
                    _ => None,
                };
                let Some(n) = n else {
                    return self.fail(path, Problem::NotANumber);
                };
                if let Some(m) = max.filter(|m| n > *m) {
                    return self.fail(
                        path,
                        Problem::TooLarge(i64::try_from(m).unwrap_or(i64::MAX)),
                    );
                }
                Some(Value::from(n))
            }
            FieldKind::Date { bound } => {
                let Some(s) = v.as_str() else {
                    return self.fail(path, Problem::WrongType);
                };
                let Some(d) = parse_date(s) else {
                    return self.fail(path, Problem::InvalidDate);
                };
                match bound {
                    DateBound::Past if d > self.ctx.filing_date => {
                        self.fail(path, Problem::DateInFuture)
                    }
                    DateBound::Future if d < self.ctx.filing_date => {
                        self.fail(path, Problem::DateInPast)
                    }
                    _ => Some(Value::String(date_text(d))),
                }
            }
            FieldKind::Choice { options } => {
                let Some(s) = v.as_str() else {
                    return self.fail(path, Problem::WrongType);
                };
                if options.iter().any(|o| o.key == s.trim()) {
                    Some(Value::String(s.trim().to_owned()))
                } else {
                    self.fail(path, Problem::UnknownOption)
                }
            }
            FieldKind::YesNo => match v {
                Value::Bool(b) => Some(Value::Bool(*b)),
                Value::String(s) if s == "yes" || s == "true" => Some(Value::Bool(true)),
                Value::String(s) if s == "no" || s == "false" => Some(Value::Bool(false)),
                _ => self.fail(path, Problem::UnknownOption),
            },
            FieldKind::IdDocument { kinds } => self.id_document(path, kinds, v),
            FieldKind::Address => self.address(path, v),
            FieldKind::Person(parts) => self.person(path, parts, v),
            FieldKind::Group {
                fields, min, max, ..
            } => self.group(path, fields, *min, *max, v),
        }
    }

    /// A required answer not given, reported where it is typed: each required part of a
    /// person, an address's place, a document's number; the question itself otherwise.
    fn missing(&mut self, path: &str, kind: &FieldKind) {
        match kind {
            FieldKind::Person(parts) => {
                for part in PERSON_PARTS {
                    if parts.ask(part) == Ask::Required {
                        let leaf = match part {
                            "id" => format!("{path}.id.number"),
                            _ => join(path, part),
                        };
                        self.fail(&leaf, Problem::Required);
                    }
                }
            }
            FieldKind::Address => {
                self.fail(&join(path, "place"), Problem::Required);
            }
            FieldKind::IdDocument { .. } => {
                self.fail(&join(path, "number"), Problem::Required);
            }
            _ => {
                self.fail(path, Problem::Required);
            }
        }
    }

    fn object<'v>(&mut self, path: &str, v: &'v Value) -> Option<&'v Map<String, Value>> {
        match v {
            Value::Object(m) => Some(m),
            _ => {
                self.fail(path, Problem::WrongType);
                None
            }
        }
    }

    /// Reports the keys of `m` not in `known`.
    fn unknown_keys(&mut self, path: &str, m: &Map<String, Value>, known: &[&str]) {
        for k in m.keys() {
            if !known.contains(&k.as_str()) {
                self.fail(&join(path, &clip(k)), Problem::Unknown);
            }
        }
    }

    fn id_document(&mut self, path: &str, kinds: &[IdKind], v: &Value) -> Option<Value> {
        let m = self.object(path, v)?;
        self.unknown_keys(path, m, &["kind", "number"]);
        let number: String = match m.get("number") {
            Some(Value::String(s)) => s
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_uppercase(),
            None | Some(Value::Null) => String::new(),
            Some(_) => return self.fail(&join(path, "number"), Problem::WrongType),
        };
        let kind_text = m.get("kind").and_then(Value::as_str).unwrap_or("");
        // No number is no answer (a form always posts its kind).
        if number.is_empty() {
            return None;
        }
        let allowed = if kinds.is_empty() {
            &IdKind::ALL[..]
        } else {
            kinds
        };
        let Some(kind) = IdKind::parse(kind_text) else {
            return self.fail(&join(path, "kind"), Problem::UnknownOption);
        };
        if !allowed.contains(&kind) {
            return self.fail(&join(path, "kind"), Problem::IdKindNotAccepted);
        }
        if number.chars().count() > 20 || !kind.accepts(&number) {
            return self.fail(&join(path, "number"), Problem::InvalidId(kind.as_str()));
        }
        Some(serde_json::json!({"kind": kind.as_str(), "number": number}))
    }

    fn address(&mut self, path: &str, v: &Value) -> Option<Value> {
        let m = self.object(path, v)?;
        self.unknown_keys(
            path,
            m,
            &[
                "commune",
                "place",
                "street",
                "commune_name",
                "province_name",
                "old_name",
            ],
        );
        let street = match m.get("street") {
            None | Some(Value::Null) => String::new(),
            Some(s) => self.text(&join(path, "street"), s, 200)?,
        };
        let commune = m
            .get("commune")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let place = m
            .get("place")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty());
        let units = self.ctx.units;
        let (code, old_name) = match (commune, place) {
            (None, None) => {
                if street.is_empty() {
                    return None;
                }
                return self.fail(&join(path, "place"), Problem::Required);
            }
            (Some(c), _) => {
                let code = UnitCode::parse(c)
                    .ok()
                    .filter(|c| units.commune(c).is_some());
                let Some(code) = code else {
                    return self.fail(&join(path, "commune"), Problem::UnknownPlace);
                };
                // The old name the applicant wrote, kept when it resolves to the chosen commune.
                let old = place.and_then(|p| old_name_of(units, p, &code));
                (code, old)
            }
            (None, Some(p)) => {
                if p.chars().count() > 300 || crate::text::has_hostile_chars(p) {
                    return self.fail(&join(path, "place"), Problem::Hostile);
                }
                let communes = distinct_communes(units, p);
                match communes.as_slice() {
                    [] => return self.fail(&join(path, "place"), Problem::UnknownPlace),
                    [one] => (one.clone(), old_name_of(units, p, one)),
                    _ => return self.fail(&join(path, "place"), Problem::AmbiguousPlace),
                }
            }
        };
        let commune = units.commune(&code)?;
        let province = units
            .province(&commune.province_code)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        let mut out = serde_json::json!({
            "commune": code.as_str(),
            "commune_name": commune.name,
            "province_name": province,
            "street": street,
        });
        if let Some(o) = old_name {
            out["old_name"] = Value::String(o);
        }
        Some(out)
    }

    fn person(&mut self, path: &str, parts: &PersonParts, v: &Value) -> Option<Value> {
        let m = self.object(path, v)?;
        let asked: Vec<&str> = PERSON_PARTS
            .into_iter()
            .filter(|p| parts.ask(p).asked())
            .collect();
        self.unknown_keys(path, m, &asked);
        let before = self.errors.len();
        let mut out = Map::new();
        let mut any = false;
        for part in &asked {
            let kind = match *part {
                "name" => FieldKind::Text {
                    max: 100,
                    multiline: false,
                },
                "birth_date" => FieldKind::Date {
                    bound: DateBound::Past,
                },
                "sex" => FieldKind::Choice { options: vec![] },
                "id" => FieldKind::IdDocument { kinds: vec![] },
                _ => FieldKind::Text {
                    max: 60,
                    multiline: false,
                },
            };
            let p = join(path, part);
            let raw = m.get(*part).filter(|v| !is_empty(v));
            let value = match (*part, raw) {
                (_, None) => None,
                ("sex", Some(v)) => match v.as_str().map(str::trim) {
                    Some(s) if SEXES.contains(&s) => Some(Value::String(s.to_owned())),
                    _ => self.fail(&p, Problem::UnknownOption),
                },
                (_, Some(v)) => self.value(&p, &kind, v),
            };
            match value {
                Some(v) => {
                    any = true;
                    out.insert((*part).to_owned(), v);
                }
                None if parts.ask(part) == Ask::Required
                    && !self.errors.iter().any(|e| under(&e.path, &p)) =>
                {
                    self.missing(&p, &kind);
                }
                None => {}
            }
        }
        // An entirely empty block is "no answer" (the field's own `required` decides).
        if !any && self.errors.len() > before && m.values().all(is_empty) {
            self.errors.truncate(before);
            return None;
        }
        Some(Value::Object(out))
    }

    fn group(
        &mut self,
        path: &str,
        fields: &[Field],
        min: u32,
        max: u32,
        v: &Value,
    ) -> Option<Value> {
        let Value::Array(items) = v else {
            return self.fail(path, Problem::WrongType);
        };
        // Items left entirely empty (a blank row of a form) are not items.
        let items: Vec<&Value> = items.iter().filter(|i| !is_empty(i)).collect();
        if items.len() > max as usize {
            return self.fail(path, Problem::TooMany(max));
        }
        if items.len() < min as usize {
            return self.fail(path, Problem::TooFew(min));
        }
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = join(path, &i.to_string());
            let Some(m) = self.object(&p, item) else {
                continue;
            };
            let known: Vec<&str> = fields.iter().map(|f| f.key.as_str()).collect();
            self.unknown_keys(&p, m, &known);
            out.push(Value::Object(self.fields(&p, fields, m, None)));
        }
        if items.is_empty() {
            return None;
        }
        Some(Value::Array(out))
    }

    /// The answers of `fields` in `m`, each at `path.key`; the conditions read `top` (the
    /// answers so far at the top level; `None` inside a group).
    fn fields(
        &mut self,
        path: &str,
        fields: &[Field],
        m: &Map<String, Value>,
        top: Option<&Map<String, Value>>,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        for f in fields {
            if let (Some(c), Some(top)) = (&f.when, top)
                && !holds(c, top)
            {
                continue;
            }
            let p = join(path, &f.key);
            let raw = m.get(&f.key).filter(|v| !is_empty(v));
            match raw.map(|v| self.value(&p, &f.kind, v)) {
                Some(Some(v)) => {
                    out.insert(f.key.clone(), v);
                }
                // A value that came out empty (a person block left blank).
                Some(None) if f.required && !self.errors.iter().any(|e| under(&e.path, &p)) => {
                    self.missing(&p, &f.kind);
                }
                None if f.required => {
                    self.missing(&p, &f.kind);
                }
                _ => {}
            }
        }
        out
    }
}

/// Whether `path` is `root` or below it.
pub fn under(path: &str, root: &str) -> bool {
    path == root || path.strip_prefix(root).is_some_and(|r| r.starts_with('.'))
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// A key from outside, shortened for a path in an error.
fn clip(k: &str) -> String {
    k.chars().filter(|c| !c.is_control()).take(40).collect()
}

/// Empty: null, blank text, an empty list, or an object whose values are all empty (an identity
/// document without its number is empty).
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.iter().all(is_empty),
        // An identity document without its number is none (a form always posts the kind).
        Value::Object(m) if m.contains_key("number") && m.contains_key("kind") => {
            m.get("number").is_none_or(is_empty)
        }
        Value::Object(m) => m.values().all(is_empty),
        _ => false,
    }
}

/// Whether a condition holds on the (normalised) top-level answers.
pub fn holds(c: &Condition, answers: &Map<String, Value>) -> bool {
    match answers.get(&c.field) {
        Some(Value::Bool(b)) => (c.equals == "yes") == *b,
        Some(Value::String(s)) => *s == c.equals,
        _ => false,
    }
}

/// Plausible e-mail: one `@`, a local part, a domain with a dot, no spaces.
pub fn email_ok(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !s.contains(char::is_whitespace)
        && s.chars().count() <= 200
}

/// The distinct 2025 communes a place name resolves to (old or new names).
pub fn distinct_communes(units: &UnitDirectory, place: &str) -> Vec<UnitCode> {
    let mut out: Vec<UnitCode> = Vec::new();
    for c in units.resolve_address(place).candidates {
        if !out.contains(&c.commune_code) {
            out.push(c.commune_code);
        }
    }
    out
}

/// The old (pre-2025) unit `place` names, when it resolves through an old name to `code`.
fn old_name_of(units: &UnitDirectory, place: &str, code: &UnitCode) -> Option<String> {
    let r = units.resolve_address(place);
    r.candidates
        .into_iter()
        .filter(|c| &c.commune_code == code)
        .find_map(|c| c.old)
        .filter(|o| {
            // Only when the commune was renamed or merged: the same name is not "old".
            units
                .commune(code)
                .is_none_or(|n| crate::text::fold(&n.name) != crate::text::fold(&o.commune_name))
        })
        .map(|o| {
            format!(
                "{}, {}, {}",
                o.commune_name, o.district_name, o.province_name
            )
        })
}

impl Declaration {
    /// The pages asked, given the answers so far (a page's condition reads them).
    pub fn pages_asked<'d>(&'d self, answers: &Map<String, Value>) -> Vec<&'d Page> {
        self.pages
            .iter()
            .filter(|p| p.when.as_ref().is_none_or(|c| holds(c, answers)))
            .collect()
    }

    /// Checks every answer: the normalised answers, or every failing path.
    pub fn check(&self, input: &Value, ctx: CheckContext<'_>) -> Result<Answers, Invalid> {
        self.check_pages(input, ctx, None)
    }

    /// Checks the answers of one page (the wizard's step), with the rules on its fields; the
    /// answers of other pages are kept as they are.
    pub fn check_page(
        &self,
        page: &str,
        input: &Value,
        ctx: CheckContext<'_>,
    ) -> Result<Answers, Invalid> {
        self.check_pages(input, ctx, Some(page))
    }

    fn check_pages(
        &self,
        input: &Value,
        ctx: CheckContext<'_>,
        only: Option<&str>,
    ) -> Result<Answers, Invalid> {
        let mut c = Checker {
            ctx,
            errors: Vec::new(),
        };
        let Value::Object(m) = input else {
            return Err(Invalid {
                errors: vec![FieldError {
                    path: String::new(),
                    problem: Problem::WrongType,
                }],
            });
        };
        if only.is_none() {
            let known: Vec<&str> = self.fields().map(|(_, f)| f.key.as_str()).collect();
            c.unknown_keys("", m, &known);
        }
        let mut out = Map::new();
        for page in &self.pages {
            if only.is_some_and(|k| k != page.key) {
                for f in &page.fields {
                    if let Some(v) = m.get(&f.key) {
                        out.insert(f.key.clone(), v.clone());
                    }
                }
                continue;
            }
            // A page's and a field's conditions read the answers of the pages before it and of
            // the fields before it (the wizard asks in that order).
            if page.when.as_ref().is_some_and(|w| !holds(w, &out)) {
                continue;
            }
            for f in &page.fields {
                let seen = out.clone();
                let one = c.fields("", std::slice::from_ref(f), m, Some(&seen));
                out.extend(one);
            }
        }
        // Answers of pages a condition now skips are dropped by the loop above (full check);
        // the rules run on what remains.
        for r in &self.rules {
            let on_page = |path: &str| {
                let key = path.split('.').next().unwrap_or("");
                only.is_none_or(|k| {
                    self.page(k)
                        .is_some_and(|p| p.fields.iter().any(|f| f.key == key))
                })
            };
            if !on_page(r.field())
                || c.errors
                    .iter()
                    .any(|e| r.paths().contains(&e.path.as_str()))
            {
                continue;
            }
            let answers = Answers(out.clone());
            let date = |p: &str| answers.text(p).and_then(parse_date);
            let broken = match r {
                CrossRule::NotAfterFiling { field, .. } => {
                    date(field).is_some_and(|d| d > ctx.filing_date)
                }
                CrossRule::MinAgeOnFiling { field, years, .. } => date(field).is_some_and(|d| {
                    age_on(d, ctx.filing_date) < i32::try_from(*years).unwrap_or(i32::MAX)
                }),
                CrossRule::NotBefore { field, other, .. } => {
                    matches!((date(field), date(other)), (Some(a), Some(b)) if a < b)
                }
            };
            if broken {
                c.fail(r.field(), Problem::Rule(r.message().clone()));
            }
        }
        if c.errors.is_empty() {
            Ok(Answers(out))
        } else {
            // In the declaration's order: the order the fields were checked, rules last.
            Err(Invalid { errors: c.errors })
        }
    }
}
