//! Electronic declarations (*tờ khai điện tử*): the typed fields of a procedure case's official
//! form, grouped in pages, with their rules.
//!
//! A declaration is data in the catalogue (a [`Case`](crate::catalogue::Case) may carry one), so
//! it is versioned with its procedure: a dossier keeps the procedure version it was filed under,
//! and with it the declaration it answered. The same declaration drives the citizen's wizard (one
//! page at a time), the counter's intake (all pages at once), the API (`declaration` on a new
//! dossier), the officer's view and the printed form.
//!
//! - [`check`]: answers (JSON, as the API takes them and the forms produce them) are checked
//!   against the declaration and normalised, every failing field named by its path
//!   (`child.birth_date`, `copies.1.pages`), all at once.
//! - [`show`]: filed answers as labelled rows, in the page's language, for the check-answers
//!   page, the officer's dossier page and the printed form.
//! - [`form`]: the answers of an HTML form (`path` → text) as the JSON [`check`] takes.

pub mod check;
pub mod form;
pub mod show;

use serde::{Deserialize, Serialize};

pub use check::{Answers, CheckContext, FieldError, Invalid, Problem};

/// The declaration a dossier was filed with: which one (its code; the procedure version is the
/// dossier's) and the answers, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FiledDeclaration {
    /// The declaration's code (e.g. `TK-KS`).
    pub code: String,
    /// The answers.
    pub answers: Answers,
}

/// A text in Vietnamese, with its English translation when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Text {
    /// Vietnamese (the legal text).
    pub vi: String,
    /// English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Text {
    /// The text in `lang` (`vi`, else English, else Vietnamese).
    pub fn get(&self, lang: &str) -> &str {
        if lang == "vi" {
            &self.vi
        } else {
            self.en.as_deref().unwrap_or(&self.vi)
        }
    }

    fn ok(&self, max: usize) -> bool {
        let one = |s: &str| {
            !s.trim().is_empty() && s.chars().count() <= max && !crate::text::has_hostile_chars(s)
        };
        one(&self.vi) && self.en.as_deref().is_none_or(one)
    }
}

/// The official form a declaration follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormSource {
    /// The form's name and number, e.g. "Tờ khai đăng ký khai sinh".
    pub name: String,
    /// The legal text that issues it, e.g. "Thông tư 04/2024/TT-BTP".
    pub basis: String,
    /// What of this declaration is not confirmed against the official form (shown to staff and
    /// in the catalogue; empty when every field was checked).
    #[serde(default)]
    pub unconfirmed: Vec<String>,
}

/// A procedure case's declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Declaration {
    /// Short code, e.g. `TK-KS`.
    pub code: String,
    /// Title, as printed on the form.
    pub title: Text,
    /// The official form it follows.
    pub form: FormSource,
    /// The component of the case that this declaration is the electronic form of (e.g. `TK`):
    /// filed with the declaration, it needs no upload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces_component: Option<String>,
    /// The question pages, in order.
    pub pages: Vec<Page>,
    /// Rules across fields, checked against the filing date.
    #[serde(default)]
    pub rules: Vec<CrossRule>,
}

/// One page of questions (one page of the wizard).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page {
    /// Key, unique in the declaration (in the wizard's address).
    pub key: String,
    /// Heading.
    pub title: Text,
    /// Guidance under the heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    /// Asked only when this holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// Its fields.
    pub fields: Vec<Field>,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Field {
    /// Key, unique in the declaration (in a group: within the group); the answer's name.
    pub key: String,
    /// Label.
    pub label: Text,
    /// Hint under the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    /// Must be answered (when asked).
    #[serde(default = "yes")]
    pub required: bool,
    /// Asked only when this holds (a field of the same declaration, outside groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// What kind of answer, with its rules.
    pub kind: FieldKind,
}

fn yes() -> bool {
    true
}

fn text_max() -> u32 {
    200
}

/// The kinds of answer and their rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FieldKind {
    /// Free text.
    Text {
        /// Most characters.
        #[serde(default = "text_max")]
        max: u32,
        /// Several lines.
        #[serde(default)]
        multiline: bool,
    },
    /// A whole number.
    Number {
        /// Least value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<i64>,
        /// Greatest value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<i64>,
    },
    /// An amount in VND.
    Money {
        /// Greatest amount.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<u64>,
    },
    /// A calendar date (`YYYY-MM-DD`; forms also take `DD/MM/YYYY`).
    Date {
        /// Before or after the filing date.
        #[serde(default)]
        bound: DateBound,
    },
    /// One of a list.
    Choice {
        /// The options.
        options: Vec<ChoiceOption>,
    },
    /// Yes or no.
    YesNo,
    /// An identity document: the kind and its number.
    IdDocument {
        /// The kinds accepted (all when empty).
        #[serde(default)]
        kinds: Vec<IdKind>,
    },
    /// A Vietnamese phone number.
    Phone,
    /// An e-mail address.
    Email,
    /// An address: a commune of 2025 (an old name is resolved and kept) and the street part.
    Address,
    /// A person: name and the parts asked.
    Person(PersonParts),
    /// A repeatable group of fields (e.g. several documents to copy).
    Group {
        /// The fields of one item (not groups).
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        fields: Vec<Field>,
        /// Fewest items.
        #[serde(default)]
        min: u32,
        /// Most items.
        max: u32,
        /// What one item is called ("Giấy tờ").
        item: Text,
    },
}

/// How a date relates to the filing date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DateBound {
    /// Any date (1900–2100).
    #[default]
    Any,
    /// On or before the filing date.
    Past,
    /// On or after the filing date.
    Future,
}

/// An option of a choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChoiceOption {
    /// The stored value.
    pub key: String,
    /// The label.
    pub label: Text,
}

/// The kinds of identity document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IdKind {
    /// Citizen identity card or identity card (*CCCD / thẻ căn cước*): 12 digits, the personal
    /// identification number.
    Cccd,
    /// The old identity card (*CMND*): 9 digits.
    Cmnd,
    /// A passport: 6–9 letters and digits.
    Passport,
}

impl IdKind {
    /// Every kind.
    pub const ALL: [IdKind; 3] = [IdKind::Cccd, IdKind::Cmnd, IdKind::Passport];

    /// The name in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            IdKind::Cccd => "cccd",
            IdKind::Cmnd => "cmnd",
            IdKind::Passport => "passport",
        }
    }

    /// From the API's name.
    pub fn parse(s: &str) -> Option<IdKind> {
        IdKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// How it is called on forms.
    pub fn label(self, lang: &str) -> &'static str {
        match (self, lang) {
            (IdKind::Cccd, "vi") => "CCCD / Thẻ căn cước",
            (IdKind::Cmnd, "vi") => "CMND (9 số)",
            (IdKind::Passport, "vi") => "Hộ chiếu",
            (IdKind::Cccd, _) => "Citizen ID card",
            (IdKind::Cmnd, _) => "Old ID card (9 digits)",
            (IdKind::Passport, _) => "Passport",
        }
    }

    /// Whether `number` (already without spaces, upper case) is well formed for this kind.
    pub fn accepts(self, number: &str) -> bool {
        let digits = |n: usize| number.len() == n && number.bytes().all(|b| b.is_ascii_digit());
        match self {
            IdKind::Cccd => digits(12),
            IdKind::Cmnd => digits(9),
            IdKind::Passport => {
                (6..=9).contains(&number.len())
                    && number
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                    && number.bytes().any(|b| b.is_ascii_digit())
            }
        }
    }
}

/// Whether a part of a person is asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Ask {
    /// Not asked.
    #[default]
    No,
    /// Asked, may be left empty.
    Optional,
    /// Asked and needed.
    Required,
}

impl Ask {
    /// Asked at all.
    pub fn asked(self) -> bool {
        self != Ask::No
    }
}

/// The parts of a person block besides the name (always asked).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonParts {
    /// Date of birth.
    #[serde(default)]
    pub birth_date: Ask,
    /// Sex.
    #[serde(default)]
    pub sex: Ask,
    /// Identity document.
    #[serde(default)]
    pub id: Ask,
    /// Relationship (to the applicant or the person the form is about).
    #[serde(default)]
    pub relationship: Ask,
    /// Ethnicity.
    #[serde(default)]
    pub ethnicity: Ask,
    /// Nationality.
    #[serde(default)]
    pub nationality: Ask,
}

/// The parts of a person, in the order they are asked.
pub const PERSON_PARTS: [&str; 7] = [
    "name",
    "birth_date",
    "sex",
    "id",
    "relationship",
    "ethnicity",
    "nationality",
];

impl PersonParts {
    /// How the part `name` of [`PERSON_PARTS`] is asked (the name always, required).
    pub fn ask(&self, part: &str) -> Ask {
        match part {
            "name" => Ask::Required,
            "birth_date" => self.birth_date,
            "sex" => self.sex,
            "id" => self.id,
            "relationship" => self.relationship,
            "ethnicity" => self.ethnicity,
            "nationality" => self.nationality,
            _ => Ask::No,
        }
    }

    /// The label of a part.
    pub fn label(part: &str, lang: &str) -> &'static str {
        let vi = lang == "vi";
        match part {
            "name" if vi => "Họ, chữ đệm và tên",
            "name" => "Full name",
            "birth_date" if vi => "Ngày, tháng, năm sinh",
            "birth_date" => "Date of birth",
            "sex" if vi => "Giới tính",
            "sex" => "Sex",
            "id" if vi => "Giấy tờ tùy thân",
            "id" => "Identity document",
            "relationship" if vi => "Quan hệ",
            "relationship" => "Relationship",
            "ethnicity" if vi => "Dân tộc",
            "ethnicity" => "Ethnicity",
            "nationality" if vi => "Quốc tịch",
            "nationality" => "Nationality",
            _ => "",
        }
    }
}

/// The sexes on civil-status forms.
pub const SEXES: [&str; 2] = ["male", "female"];

/// How a sex is written on forms.
pub fn sex_label(sex: &str, lang: &str) -> &'static str {
    match (sex, lang == "vi") {
        ("male", true) => "Nam",
        ("female", true) => "Nữ",
        ("male", false) => "Male",
        ("female", false) => "Female",
        _ => "",
    }
}

/// A condition on another answer: the field (a choice or yes/no, outside groups) has this value
/// (`yes`/`no` for yes/no).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Condition {
    /// The field's key.
    pub field: String,
    /// The value that makes it hold.
    pub equals: String,
}

/// A rule across fields, checked with the filing date. `field` and `other` are date paths: a
/// date field's key, or a person's key and `.birth_date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CrossRule {
    /// The date is not after the filing date (a child's birth date).
    NotAfterFiling {
        /// The date's path.
        field: String,
        /// What to say when it breaks.
        message: Text,
    },
    /// The person born on that date is at least `years` old on the filing date (marrying age:
    /// Law on Marriage and Family 2014, art. 8: a man from 20, a woman from 18).
    MinAgeOnFiling {
        /// The birth date's path.
        field: String,
        /// Full years.
        years: u32,
        /// What to say when it breaks.
        message: Text,
    },
    /// The date is not before the other date (a death not before the birth).
    NotBefore {
        /// The date's path.
        field: String,
        /// The earlier date's path.
        other: String,
        /// What to say when it breaks.
        message: Text,
    },
}

impl CrossRule {
    /// The path the rule reports on.
    pub fn field(&self) -> &str {
        match self {
            CrossRule::NotAfterFiling { field, .. }
            | CrossRule::MinAgeOnFiling { field, .. }
            | CrossRule::NotBefore { field, .. } => field,
        }
    }

    /// Every date path the rule reads.
    fn paths(&self) -> Vec<&str> {
        match self {
            CrossRule::NotBefore { field, other, .. } => vec![field, other],
            _ => vec![self.field()],
        }
    }

    fn message(&self) -> &Text {
        match self {
            CrossRule::NotAfterFiling { message, .. }
            | CrossRule::MinAgeOnFiling { message, .. }
            | CrossRule::NotBefore { message, .. } => message,
        }
    }
}

/// Why a declaration (the schema, not an answer) is not acceptable in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("declaration {code}: {message}")]
pub struct InvalidDeclaration {
    /// The declaration's code.
    pub code: String,
    /// What is wrong.
    pub message: String,
}

/// Most pages, fields of a page, options of a choice, items of a group.
const MAX_PAGES: usize = 30;
const MAX_FIELDS: usize = 40;
const MAX_OPTIONS: usize = 60;
const MAX_ITEMS: u32 = 50;

/// A key: `a-z`, digits and `_`, starting with a letter, at most 40 characters.
fn key_ok(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 40
        && k.starts_with(|c: char| c.is_ascii_lowercase())
        && k.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl Declaration {
    /// Every top-level field, in order, with its page.
    pub fn fields(&self) -> impl Iterator<Item = (&Page, &Field)> {
        self.pages
            .iter()
            .flat_map(|p| p.fields.iter().map(move |f| (p, f)))
    }

    /// The top-level field with `key`.
    pub fn field(&self, key: &str) -> Option<&Field> {
        self.fields().map(|(_, f)| f).find(|f| f.key == key)
    }

    /// The page with `key`.
    pub fn page(&self, key: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.key == key)
    }

    /// Whether the date path (`key`, or `person.birth_date`) names a date.
    fn is_date_path(&self, path: &str) -> bool {
        match path.split_once('.') {
            None => matches!(
                self.field(path).map(|f| &f.kind),
                Some(FieldKind::Date { .. })
            ),
            Some((key, "birth_date")) => matches!(
                self.field(key).map(|f| &f.kind),
                Some(FieldKind::Person(p)) if p.birth_date.asked()
            ),
            Some(_) => false,
        }
    }

    /// Checks the declaration's own consistency: keys well formed and unique, texts present and
    /// clean, choices with options, groups bounded and flat, conditions on a choice or yes/no
    /// with one of its values, rules on date paths, the replaced component among `components`.
    pub fn validate(&self, components: &[&str]) -> Result<(), InvalidDeclaration> {
        let err = |m: String| InvalidDeclaration {
            code: self.code.clone(),
            message: m,
        };
        if !key_ok(&self.code.to_ascii_lowercase().replace('-', "_")) {
            return Err(err("the code must be letters, digits and dashes".into()));
        }
        if !self.title.ok(300) || self.form.name.trim().is_empty() || self.form.basis.is_empty() {
            return Err(err("title, form name and basis are required".into()));
        }
        if let Some(c) = &self.replaces_component
            && !components.contains(&c.as_str())
        {
            return Err(err(format!("replaces unknown component {c:?}")));
        }
        if self.pages.is_empty() || self.pages.len() > MAX_PAGES {
            return Err(err(format!("1 to {MAX_PAGES} pages")));
        }
        let mut page_keys = std::collections::HashSet::new();
        let mut keys = std::collections::HashSet::new();
        for p in &self.pages {
            if !key_ok(&p.key) || !page_keys.insert(p.key.as_str()) || !p.title.ok(300) {
                return Err(err(format!(
                    "page {:?}: bad or repeated key, or no title",
                    p.key
                )));
            }
            if p.fields.is_empty() || p.fields.len() > MAX_FIELDS {
                return Err(err(format!("page {}: 1 to {MAX_FIELDS} fields", p.key)));
            }
            for f in &p.fields {
                if !keys.insert(f.key.as_str()) {
                    return Err(err(format!("field {:?} is repeated", f.key)));
                }
                check_field(f, true).map_err(&err)?;
            }
        }
        let conditions = self
            .pages
            .iter()
            .filter_map(|p| p.when.as_ref().map(|c| (p.key.as_str(), c)))
            .chain(
                self.fields()
                    .filter_map(|(_, f)| f.when.as_ref().map(|c| (f.key.as_str(), c))),
            );
        for (owner, c) in conditions {
            let ok = match self.field(&c.field).map(|f| &f.kind) {
                Some(FieldKind::YesNo) => c.equals == "yes" || c.equals == "no",
                Some(FieldKind::Choice { options }) => options.iter().any(|o| o.key == c.equals),
                _ => false,
            };
            if !ok || c.field == owner {
                return Err(err(format!(
                    "{owner}: the condition must name another choice or yes/no field and one of its values"
                )));
            }
        }
        for r in &self.rules {
            if let Some(bad) = r.paths().into_iter().find(|p| !self.is_date_path(p)) {
                return Err(err(format!(
                    "rule on {bad:?}: not a date of the declaration"
                )));
            }
            if !r.message().ok(300) {
                return Err(err("every rule needs its message".into()));
            }
        }
        Ok(())
    }
}

fn check_field(f: &Field, top: bool) -> Result<(), String> {
    if !key_ok(&f.key) || !f.label.ok(300) {
        return Err(format!("field {:?}: bad key or no label", f.key));
    }
    if f.help.as_ref().is_some_and(|h| !h.ok(1000)) {
        return Err(format!("field {}: bad help text", f.key));
    }
    if !top && f.when.is_some() {
        return Err(format!("field {}: conditions only outside groups", f.key));
    }
    match &f.kind {
        FieldKind::Text { max, .. } if *max == 0 || *max > 2000 => {
            Err(format!("field {}: text max 1 to 2000", f.key))
        }
        FieldKind::Number {
            min: Some(a),
            max: Some(b),
        } if a > b => Err(format!("field {}: min above max", f.key)),
        FieldKind::Choice { options } => {
            let mut seen = std::collections::HashSet::new();
            let bad = options.is_empty()
                || options.len() > MAX_OPTIONS
                || options
                    .iter()
                    .any(|o| !key_ok(&o.key) || !seen.insert(&o.key) || !o.label.ok(300));
            if bad {
                Err(format!(
                    "field {}: 1 to {MAX_OPTIONS} options, keys unique",
                    f.key
                ))
            } else {
                Ok(())
            }
        }
        FieldKind::Group {
            fields,
            min,
            max,
            item,
        } => {
            if !top {
                return Err(format!("field {}: no group inside a group", f.key));
            }
            if *max == 0 || *max > MAX_ITEMS || min > max || !item.ok(100) {
                return Err(format!(
                    "field {}: items 0 ≤ min ≤ max ≤ {MAX_ITEMS}",
                    f.key
                ));
            }
            if fields.is_empty() || fields.len() > MAX_FIELDS {
                return Err(format!("field {}: 1 to {MAX_FIELDS} fields", f.key));
            }
            let mut seen = std::collections::HashSet::new();
            for g in fields {
                if !seen.insert(g.key.as_str()) {
                    return Err(format!("field {}.{} is repeated", f.key, g.key));
                }
                check_field(g, false)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
