//! A declaration's questions as form widgets and its failures as messages, shared by the
//! citizen's wizard (one page at a time), the kiosk and the counter's intake (every page at
//! once). Inputs are named by the answer's path, so a post is exactly what the checker takes
//! (`motcua_domain::declaration::form`); nothing needs JavaScript.

use super::i18n::Tr;
use fluent_templates::fluent_bundle::FluentValue;
use motcua_domain::declaration::{
    Declaration, Field, FieldError, FieldKind, IdKind, Invalid, PERSON_PARTS, Page, PersonParts,
    Problem, SEXES, sex_label,
};
use motcua_domain::units::UnitDirectory;
use std::collections::HashMap;

/// What a widget is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A one-line text input (`input` says its type and mode).
    Line,
    /// Several lines.
    Area,
    /// Radio buttons.
    Radios,
    /// A select (identity document kinds).
    Select,
    /// Opens a fieldset with a legend.
    Open,
    /// Closes it.
    Close,
    /// The "add another" button of a group.
    Add,
}

/// One widget of a declaration form.
#[derive(Debug, Clone)]
pub struct Widget {
    /// What it is.
    pub kind: Kind,
    /// The input's name: the answer's path.
    pub name: String,
    /// The element id (the path with `-` for `.`).
    pub id: String,
    /// Label or legend.
    pub label: String,
    /// Hint.
    pub hint: String,
    /// The error shown on it.
    pub error: Option<String>,
    /// The current text.
    pub value: String,
    /// Options (value, label) of radios and selects.
    pub options: Vec<(String, String)>,
    /// `type` of a line input.
    pub input: &'static str,
    /// `inputmode` of a line input ("" for none).
    pub mode: &'static str,
    /// `autocomplete` ("" for none).
    pub auto: &'static str,
    /// Shown only when another answer is given (a hint says which).
    pub optional: bool,
}

impl Widget {
    fn new(kind: Kind, name: &str, label: String) -> Widget {
        Widget {
            kind,
            name: name.to_owned(),
            id: dom_id(name),
            label,
            hint: String::new(),
            error: None,
            value: String::new(),
            options: Vec::new(),
            input: "text",
            mode: "",
            auto: "",
            optional: false,
        }
    }

    /// Whether option `v` is the current value.
    pub fn checked(&self, v: &str) -> bool {
        self.value == v
    }
}

/// An element id for a path.
pub fn dom_id(path: &str) -> String {
    format!("f-{}", path.replace('.', "-"))
}

/// An error for the summary at the top of a page: the message and the element it links to.
#[derive(Debug, Clone)]
pub struct Summary {
    /// `#id` of the field.
    pub href: String,
    /// The message, with the question it is about.
    pub text: String,
}

/// The words of a failure in the page's language.
pub fn problem_text(tr: &Tr, p: &Problem) -> String {
    match p {
        Problem::Rule(t) => t.get(tr.lang.code()).to_owned(),
        other => match other.limit() {
            Some(n) => tr.ta(
                &format!("decl-{}", other.code()),
                &[("n", FluentValue::from(n))],
            ),
            None => tr.t(&format!("decl-{}", other.code())),
        },
    }
}

/// The widgets of one page (or, at the counter, of all pages), with the values typed and the
/// errors on them. `rows` gives the number of items shown per group (beyond those answered).
pub struct Builder<'a> {
    /// Translations.
    pub tr: &'a Tr,
    /// The declaration.
    pub declaration: &'a Declaration,
    /// Values by path, as typed or as stored.
    pub values: &'a HashMap<String, String>,
    /// Failures of the last post.
    pub errors: &'a [FieldError],
    /// The units, for the choices of an ambiguous place.
    pub units: &'a UnitDirectory,
    /// A group that asked for one more row (its key).
    pub add: Option<&'a str>,
}

impl Builder<'_> {
    fn lang(&self) -> &'static str {
        self.tr.lang.code()
    }

    fn value(&self, path: &str) -> String {
        self.values.get(path).cloned().unwrap_or_default()
    }

    fn error_at(&self, path: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.path == path)
            .map(|e| problem_text(self.tr, &e.problem))
    }

    /// The widgets of `pages`, in order.
    pub fn widgets(&self, pages: &[&Page], headings: bool) -> Vec<Widget> {
        let mut out = Vec::new();
        for p in pages {
            if headings {
                let mut w = Widget::new(Kind::Open, &p.key, p.title.get(self.lang()).to_owned());
                w.hint = p
                    .help
                    .as_ref()
                    .map(|h| h.get(self.lang()).to_owned())
                    .unwrap_or_default();
                out.push(w);
            }
            for f in &p.fields {
                self.field(&f.key, f, &mut out);
            }
            if headings {
                out.push(Widget::new(Kind::Close, &p.key, String::new()));
            }
        }
        out
    }

    fn hint_of(&self, f: &Field) -> String {
        let lang = self.lang();
        let mut hint = f
            .help
            .as_ref()
            .map(|h| h.get(lang).to_owned())
            .unwrap_or_default();
        if let Some(c) = &f.when
            && let Some(q) = self.declaration.field(&c.field)
        {
            let answer = match &q.kind {
                FieldKind::Choice { options } => options
                    .iter()
                    .find(|o| o.key == c.equals)
                    .map(|o| o.label.get(lang).to_owned())
                    .unwrap_or_default(),
                _ => self.tr.t(if c.equals == "yes" {
                    "decl-yes"
                } else {
                    "decl-no"
                }),
            };
            let when = self.tr.ta(
                "decl-when",
                &[
                    ("answer", FluentValue::from(answer)),
                    ("question", FluentValue::from(q.label.get(lang).to_owned())),
                ],
            );
            hint = if hint.is_empty() {
                when
            } else {
                format!("{when} {hint}")
            };
        }
        if !f.required && f.when.is_none() {
            let opt = self.tr.t("decl-optional");
            hint = if hint.is_empty() {
                opt
            } else {
                format!("{opt}. {hint}")
            };
        }
        hint
    }

    fn field(&self, path: &str, f: &Field, out: &mut Vec<Widget>) {
        let lang = self.lang();
        let label = f.label.get(lang).to_owned();
        let hint = self.hint_of(f);
        match &f.kind {
            FieldKind::Person(parts) => {
                let mut open = Widget::new(Kind::Open, path, label);
                open.hint = hint;
                open.error = self.error_at(path);
                open.optional = f.when.is_some();
                out.push(open);
                self.person(path, parts, out);
                out.push(Widget::new(Kind::Close, path, String::new()));
            }
            FieldKind::Address => {
                let mut open = Widget::new(Kind::Open, path, label);
                open.hint = hint;
                open.error = self.error_at(path);
                out.push(open);
                self.address(path, out);
                out.push(Widget::new(Kind::Close, path, String::new()));
            }
            FieldKind::IdDocument { kinds } => {
                let mut open = Widget::new(Kind::Open, path, label);
                open.hint = hint;
                open.error = self.error_at(path);
                out.push(open);
                self.id_document(path, kinds, out);
                out.push(Widget::new(Kind::Close, path, String::new()));
            }
            FieldKind::Group {
                fields, item, max, ..
            } => {
                let mut open = Widget::new(Kind::Open, path, label);
                open.hint = hint;
                open.error = self.error_at(path);
                out.push(open);
                let answered = (0..*max as usize)
                    .take_while(|i| {
                        let prefix = format!("{path}.{i}.");
                        self.values.keys().any(|k| k.starts_with(&prefix))
                    })
                    .count();
                let extra = usize::from(self.add == Some(path));
                let rows = motcua_domain::declaration::form::group_rows(&f.kind, answered, extra);
                for i in 0..rows {
                    let item_path = format!("{path}.{i}");
                    out.push(Widget::new(
                        Kind::Open,
                        &item_path,
                        format!("{} {}", item.get(lang), i + 1),
                    ));
                    for g in fields {
                        self.field(&format!("{item_path}.{}", g.key), g, out);
                    }
                    out.push(Widget::new(Kind::Close, &item_path, String::new()));
                }
                if rows < *max as usize {
                    let mut add = Widget::new(
                        Kind::Add,
                        path,
                        self.tr.ta(
                            "decl-add",
                            &[("item", FluentValue::from(item.get(lang).to_owned()))],
                        ),
                    );
                    add.value = path.to_owned();
                    out.push(add);
                }
                out.push(Widget::new(Kind::Close, path, String::new()));
            }
            kind => {
                let w = self.scalar(path, label, hint, kind);
                out.push(Widget {
                    optional: f.when.is_some(),
                    ..w
                });
            }
        }
    }

    fn scalar(&self, path: &str, label: String, hint: String, kind: &FieldKind) -> Widget {
        let lang = self.lang();
        let mut w = Widget::new(Kind::Line, path, label);
        w.hint = hint;
        w.error = self.error_at(path);
        w.value = self.value(path);
        match kind {
            FieldKind::Text {
                multiline: true, ..
            } => w.kind = Kind::Area,
            FieldKind::Number { .. } => w.mode = "numeric",
            FieldKind::Money { .. } => {
                w.mode = "numeric";
                if w.hint.is_empty() {
                    w.hint = self.tr.t("decl-money-hint");
                }
            }
            FieldKind::Date { .. } => {
                w.mode = "numeric";
                let h = self.tr.t("decl-date-hint");
                w.hint = if w.hint.is_empty() {
                    h
                } else {
                    format!("{} {h}", w.hint)
                };
            }
            FieldKind::Phone => {
                w.input = "tel";
                w.auto = "tel";
            }
            FieldKind::Email => {
                w.input = "email";
                w.auto = "email";
            }
            FieldKind::Choice { options } => {
                w.kind = Kind::Radios;
                w.options = options
                    .iter()
                    .map(|o| (o.key.clone(), o.label.get(lang).to_owned()))
                    .collect();
            }
            FieldKind::YesNo => {
                w.kind = Kind::Radios;
                w.options = vec![
                    ("yes".into(), self.tr.t("decl-yes")),
                    ("no".into(), self.tr.t("decl-no")),
                ];
            }
            _ => {}
        }
        w
    }

    fn person(&self, path: &str, parts: &PersonParts, out: &mut Vec<Widget>) {
        let lang = self.lang();
        for part in PERSON_PARTS {
            let ask = parts.ask(part);
            if !ask.asked() {
                continue;
            }
            let p = format!("{path}.{part}");
            let label = PersonParts::label(part, lang).to_owned();
            let hint = if ask == motcua_domain::declaration::Ask::Optional {
                self.tr.t("decl-optional")
            } else {
                String::new()
            };
            match part {
                "id" => {
                    let mut open = Widget::new(Kind::Open, &p, label);
                    open.hint = hint;
                    open.error = self.error_at(&p);
                    out.push(open);
                    self.id_document(&p, &[], out);
                    out.push(Widget::new(Kind::Close, &p, String::new()));
                }
                "sex" => {
                    let mut w = Widget::new(Kind::Radios, &p, label);
                    w.error = self.error_at(&p);
                    w.value = self.value(&p);
                    w.options = SEXES
                        .iter()
                        .map(|s| ((*s).to_owned(), sex_label(s, lang).to_owned()))
                        .collect();
                    out.push(w);
                }
                "birth_date" => {
                    let w = self.scalar(
                        &p,
                        label,
                        hint,
                        &FieldKind::Date {
                            bound: motcua_domain::declaration::DateBound::Past,
                        },
                    );
                    out.push(w);
                }
                "name" => {
                    let mut w = self.scalar(
                        &p,
                        label,
                        hint,
                        &FieldKind::Text {
                            max: 100,
                            multiline: false,
                        },
                    );
                    w.auto = "off";
                    out.push(w);
                }
                _ => out.push(self.scalar(
                    &p,
                    label,
                    hint,
                    &FieldKind::Text {
                        max: 60,
                        multiline: false,
                    },
                )),
            }
        }
    }

    fn id_document(&self, path: &str, kinds: &[IdKind], out: &mut Vec<Widget>) {
        let lang = self.lang();
        let kinds: Vec<IdKind> = if kinds.is_empty() {
            IdKind::ALL.to_vec()
        } else {
            kinds.to_vec()
        };
        let k = format!("{path}.kind");
        let mut kind = Widget::new(Kind::Select, &k, self.tr.t("decl-id-kind"));
        kind.error = self.error_at(&k);
        kind.value = self.value(&k);
        if kind.value.is_empty() {
            kind.value = kinds[0].as_str().to_owned();
        }
        kind.options = kinds
            .iter()
            .map(|x| (x.as_str().to_owned(), x.label(lang).to_owned()))
            .collect();
        out.push(kind);
        let n = format!("{path}.number");
        let mut number = Widget::new(Kind::Line, &n, self.tr.t("decl-id-number"));
        number.error = self.error_at(&n);
        number.value = self.value(&n);
        number.auto = "off";
        out.push(number);
    }

    fn address(&self, path: &str, out: &mut Vec<Widget>) {
        let place_path = format!("{path}.place");
        let mut place = Widget::new(Kind::Line, &place_path, self.tr.t("decl-place"));
        place.hint = self.tr.t("decl-place-hint");
        place.error = self.error_at(&place_path);
        place.value = self.value(&place_path);
        let ambiguous = self
            .errors
            .iter()
            .any(|e| e.path == place_path && e.problem == Problem::AmbiguousPlace);
        out.push(place);
        let commune_path = format!("{path}.commune");
        if ambiguous {
            let mut choose =
                Widget::new(Kind::Radios, &commune_path, self.tr.t("decl-place-choose"));
            // Each 2025 commune the name resolves to, with the old unit it was found through
            // (people recognise their old district).
            let mut options: Vec<(String, String)> = Vec::new();
            for c in self
                .units
                .resolve_address(&self.value(&place_path))
                .candidates
            {
                if options
                    .iter()
                    .any(|(code, _)| code == c.commune_code.as_str())
                {
                    continue;
                }
                let label = match &c.old {
                    Some(o) => format!(
                        "{}, {} ({}, {})",
                        c.commune_name, c.province_name, o.commune_name, o.district_name
                    ),
                    None => format!("{}, {}", c.commune_name, c.province_name),
                };
                options.push((c.commune_code.to_string(), label));
            }
            options.truncate(40);
            choose.options = options;
            out.push(choose);
        } else if let Some(e) = self.error_at(&commune_path)
            && let Some(w) = out.last_mut()
        {
            w.error = Some(e);
        }
        let street_path = format!("{path}.street");
        let mut street = Widget::new(Kind::Line, &street_path, self.tr.t("decl-street"));
        street.error = self.error_at(&street_path);
        street.value = self.value(&street_path);
        street.auto = "street-address";
        out.push(street);
    }
}

/// The error summary of a page's failures, in the declaration's order, each linked to its field.
pub fn summary(tr: &Tr, d: &Declaration, invalid: &[FieldError]) -> Vec<Summary> {
    let lang = tr.lang.code();
    invalid
        .iter()
        .map(|e| {
            let question = question_of(d, &e.path, lang);
            let text = problem_text(tr, &e.problem);
            Summary {
                href: format!("#{}", anchor_of(d, &e.path)),
                text: if question.is_empty() {
                    text
                } else {
                    format!("{question}: {text}")
                },
            }
        })
        .collect()
}

/// The element a failure links to: the input at its path, or the first input under it.
fn anchor_of(d: &Declaration, path: &str) -> String {
    let top = path.split('.').next().unwrap_or("");
    let first_leaf = match d.field(top).map(|f| &f.kind) {
        Some(FieldKind::Person(_)) if path == top => format!("{top}.name"),
        Some(FieldKind::Address) if path == top => format!("{top}.place"),
        Some(FieldKind::Address) if path.ends_with(".commune") => format!("{top}.place"),
        Some(FieldKind::IdDocument { .. }) if path == top => format!("{top}.number"),
        Some(FieldKind::Person(_)) if path == format!("{top}.id") => format!("{path}.number"),
        Some(FieldKind::Group { fields, .. }) if path == top => fields
            .first()
            .map(|g| format!("{top}.0.{}", g.key))
            .unwrap_or_else(|| top.to_owned()),
        _ => path.to_owned(),
    };
    dom_id(&first_leaf)
}

/// The question a path belongs to, as its label (with the part of a person).
fn question_of(d: &Declaration, path: &str, lang: &str) -> String {
    let mut parts = path.split('.');
    let Some(f) = parts.next().and_then(|k| d.field(k)) else {
        return String::new();
    };
    let label = f.label.get(lang).to_owned();
    match (&f.kind, parts.next()) {
        (FieldKind::Person(_), Some(part)) => {
            format!("{label} — {}", PersonParts::label(part, lang))
        }
        (FieldKind::Group { fields, item, .. }, Some(i)) => {
            let n = i.parse::<usize>().map(|i| i + 1).unwrap_or(0);
            let sub = parts
                .next()
                .and_then(|k| fields.iter().find(|g| g.key == k))
                .map(|g| format!(" — {}", g.label.get(lang)))
                .unwrap_or_default();
            format!("{} {n}{sub}", item.get(lang))
        }
        _ => label,
    }
}

/// The page a path's answer is asked on.
pub fn page_of<'d>(d: &'d Declaration, path: &str) -> Option<&'d Page> {
    let top = path.split('.').next()?;
    d.pages
        .iter()
        .find(|p| p.fields.iter().any(|f| f.key == top))
}

/// The failures of a refused declaration (from `AppError::Declaration`).
pub fn failures(e: &motcua_app::AppError) -> Option<&Invalid> {
    match e {
        motcua_app::AppError::Declaration(i) => Some(i),
        _ => None,
    }
}
