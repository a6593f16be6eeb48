//! What is wrong with a record an administrator edits (a procedure, an authority rule), each
//! problem with *where*: every problem of a record at once, so a form can show them all beside
//! their fields (the GOV.UK error-summary pattern) and an import can name the exact place.
//!
//! A place is a dotted path into the record as the API spells it: `name`,
//! `cases.0.components.1.code`, `channels.online.fees.0.amount_vnd`. Cases and components are
//! numbered from 0 in the record's order; channels are named.

use crate::text::has_hostile_chars;

/// What is wrong at one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrong {
    /// Empty where a value is needed (or an empty list that needs one item).
    Required,
    /// Longer than this many characters.
    TooLong(usize),
    /// Holds control or bidirectional-override characters.
    ControlChars,
    /// The same code twice where codes must be unique.
    Repeated,
    /// Not a whole number.
    NotANumber,
    /// A number above this limit.
    TooLarge(u64),
    /// Not an `http(s)://` address or a local path.
    BadAddress,
    /// An identifier outside its alphabet (letters, digits, `-`, `.`, `_`).
    BadId,
    /// Not a date (YYYY-MM-DD).
    BadDate,
    /// An end date before the start date.
    EndsBeforeStart,
    /// A commune that is not in the record's province.
    OutsideProvince,
    /// An agency that delegates to itself.
    SelfDelegation,
    /// A value that is not one of the listed choices.
    UnknownChoice,
    /// The case's electronic declaration does not hold (its questions, rules, or a component
    /// it replaces that the case no longer has).
    BadDeclaration,
    /// A case with an electronic declaration would be removed (declarations are edited with the
    /// catalogue's import file, not dropped by a form).
    DeclarationDropped,
    /// A word reserved by the system (an address of its own).
    Reserved,
}

impl Wrong {
    /// A stable name (for an API's error detail and the pages' translations: `problem-{key}`).
    pub fn key(self) -> &'static str {
        match self {
            Wrong::Required => "required",
            Wrong::TooLong(_) => "too-long",
            Wrong::ControlChars => "control-chars",
            Wrong::Repeated => "repeated",
            Wrong::NotANumber => "not-a-number",
            Wrong::TooLarge(_) => "too-large",
            Wrong::BadAddress => "bad-address",
            Wrong::BadId => "bad-id",
            Wrong::BadDate => "bad-date",
            Wrong::EndsBeforeStart => "ends-before-start",
            Wrong::OutsideProvince => "outside-province",
            Wrong::SelfDelegation => "self-delegation",
            Wrong::UnknownChoice => "unknown-choice",
            Wrong::BadDeclaration => "bad-declaration",
            Wrong::DeclarationDropped => "declaration-dropped",
            Wrong::Reserved => "reserved",
        }
    }

    /// The limit a message names (`TooLong`, `TooLarge`), else 0.
    pub fn limit(self) -> u64 {
        match self {
            Wrong::TooLong(n) => n as u64,
            Wrong::TooLarge(n) => n,
            _ => 0,
        }
    }

    fn describe(self) -> String {
        match self {
            Wrong::Required => "is required".into(),
            Wrong::TooLong(n) => format!("is longer than {n} characters"),
            Wrong::ControlChars => "holds control characters".into(),
            Wrong::Repeated => "is repeated".into(),
            Wrong::NotANumber => "is not a whole number".into(),
            Wrong::TooLarge(n) => format!("is larger than {n}"),
            Wrong::BadAddress => "must be an http(s) address or a local path".into(),
            Wrong::BadId => "must be 1–64 letters, digits, '-', '.' or '_'".into(),
            Wrong::BadDate => "is not a date (YYYY-MM-DD)".into(),
            Wrong::EndsBeforeStart => "is before the first day in force".into(),
            Wrong::OutsideProvince => "is not a commune of the province".into(),
            Wrong::SelfDelegation => "an agency cannot delegate to itself".into(),
            Wrong::UnknownChoice => "is not one of the choices".into(),
            Wrong::BadDeclaration => "is not a valid electronic declaration for this case".into(),
            Wrong::DeclarationDropped => {
                "would remove a case that has an electronic declaration".into()
            }
            Wrong::Reserved => "is a reserved word".into(),
        }
    }
}

/// One problem: where and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The dotted path of the place (see the module's documentation).
    pub at: String,
    /// What is wrong there.
    pub what: Wrong,
}

impl Problem {
    /// A problem at `at`.
    pub fn new(at: impl Into<String>, what: Wrong) -> Self {
        Problem {
            at: at.into(),
            what,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.at, self.what.describe())
    }
}

/// The problems joined for one line of text (`a is required; b is repeated`).
pub fn join(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Collects problems while a record is checked.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// Notes `what` at `at`.
    pub fn add(&mut self, at: impl Into<String>, what: Wrong) {
        self.0.push(Problem::new(at, what));
    }

    /// Checks a required text: present, at most `max` characters, no control characters.
    pub fn text(&mut self, at: impl Into<String>, s: &str, max: usize) {
        if s.trim().is_empty() {
            self.add(at, Wrong::Required);
        } else {
            self.optional_text(at, s, max);
        }
    }

    /// Checks an optional text: at most `max` characters, no control characters.
    pub fn optional_text(&mut self, at: impl Into<String>, s: &str, max: usize) {
        if s.chars().count() > max {
            self.add(at, Wrong::TooLong(max));
        } else if has_hostile_chars(s) {
            self.add(at, Wrong::ControlChars);
        }
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_checked_for_presence_length_and_control_characters() {
        let mut p = Problems::default();
        p.text("a", "  ", 10);
        p.text("b", "xxxxxxxxxxx", 10);
        p.text("c", "ab\u{202E}c", 10);
        p.text("d", "Nguyễn", 10);
        p.optional_text("e", "", 10);
        assert_eq!(
            p.0,
            vec![
                Problem::new("a", Wrong::Required),
                Problem::new("b", Wrong::TooLong(10)),
                Problem::new("c", Wrong::ControlChars),
            ]
        );
        assert_eq!(
            join(&p.0),
            "a is required; b is longer than 10 characters; c holds control characters"
        );
    }
}
