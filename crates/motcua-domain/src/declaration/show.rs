//! Filed answers as labelled rows in a language: the check-answers page, the officer's dossier
//! page and the printed form read the same rows.

use super::check::{Answers, parse_date};
use super::{Declaration, Field, FieldKind, IdKind, PERSON_PARTS, PersonParts, sex_label};
use serde::Serialize;
use serde_json::Value;

/// One answered question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The answer's path.
    pub path: String,
    /// The question.
    pub label: String,
    /// The answer as text (empty when not answered).
    pub value: String,
    /// Nesting: 0 for a question, 1 for a part of a person or of a group's item.
    pub depth: u8,
    /// A heading over the rows that follow (a person, a group, a group's item), not a question.
    pub block: bool,
}

impl Row {
    /// A question with its answer.
    fn line(path: String, label: String, value: String, depth: u8) -> Row {
        Row {
            path,
            label,
            value,
            depth,
            block: false,
        }
    }

    /// A heading over the rows that follow (a person, a group, a group's item).
    fn head(path: String, label: String, depth: u8) -> Row {
        Row {
            path,
            label,
            value: String::new(),
            depth,
            block: true,
        }
    }
}

/// A page's rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// The page's key.
    pub page: String,
    /// Its heading.
    pub title: String,
    /// Its rows (questions asked; unanswered optional ones with an empty value).
    pub rows: Vec<Row>,
}

/// How an answer reads, in `lang`.
pub fn value_text(kind: &FieldKind, v: &Value, lang: &str) -> String {
    let vi = lang == "vi";
    match (kind, v) {
        (_, Value::Null) => String::new(),
        (FieldKind::Date { .. }, Value::String(s)) => date_shown(s),
        (FieldKind::Choice { options }, Value::String(s)) => options
            .iter()
            .find(|o| &o.key == s)
            .map(|o| o.label.get(lang).to_owned())
            .unwrap_or_else(|| s.clone()),
        (FieldKind::YesNo, Value::Bool(b)) => match (b, vi) {
            (true, true) => "Có",
            (false, true) => "Không",
            (true, false) => "Yes",
            (false, false) => "No",
        }
        .to_owned(),
        (FieldKind::Money { .. }, Value::Number(n)) => {
            format!("{} đ", crate::text::grouped(n.as_i64().unwrap_or(0)))
        }
        (FieldKind::IdDocument { .. }, Value::Object(m)) => {
            let kind = m
                .get("kind")
                .and_then(Value::as_str)
                .and_then(IdKind::parse)
                .map(|k| k.label(lang))
                .unwrap_or("");
            let number = m.get("number").and_then(Value::as_str).unwrap_or("");
            format!("{kind}: {number}")
        }
        (FieldKind::Address, Value::Object(m)) => address_text(m, lang),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Number(n)) => n.to_string(),
        (_, other) => other.to_string(),
    }
}

/// `YYYY-MM-DD` as `DD/MM/YYYY`.
pub fn date_shown(s: &str) -> String {
    match parse_date(s) {
        Some(d) => format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year()),
        None => s.to_owned(),
    }
}

/// An address: street, commune, province, and the old name it was given by.
pub fn address_text(m: &serde_json::Map<String, Value>, lang: &str) -> String {
    let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").trim();
    let mut parts: Vec<&str> = [s("street"), s("commune_name"), s("province_name")]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    parts.dedup();
    let mut out = parts.join(", ");
    if !s("old_name").is_empty() {
        let before = if lang == "vi" {
            "trước đây"
        } else {
            "formerly"
        };
        out.push_str(&format!(" ({before}: {})", s("old_name")));
    }
    out
}

fn person_rows(path: &str, parts: &PersonParts, v: &Value, lang: &str, out: &mut Vec<Row>) {
    for part in PERSON_PARTS {
        if !parts.ask(part).asked() {
            continue;
        }
        let x = v.get(part).unwrap_or(&Value::Null);
        let value = match part {
            "birth_date" => x.as_str().map(date_shown).unwrap_or_default(),
            "sex" => sex_label(x.as_str().unwrap_or(""), lang).to_owned(),
            "id" => value_text(&FieldKind::IdDocument { kinds: vec![] }, x, lang),
            _ => x.as_str().unwrap_or("").to_owned(),
        };
        out.push(Row::line(
            format!("{path}.{part}"),
            PersonParts::label(part, lang).to_owned(),
            value,
            1,
        ));
    }
}

fn field_rows(path: &str, f: &Field, v: &Value, lang: &str, depth: u8, out: &mut Vec<Row>) {
    match &f.kind {
        FieldKind::Person(parts) => {
            out.push(Row::head(
                path.to_owned(),
                f.label.get(lang).to_owned(),
                depth,
            ));
            if !v.is_null() {
                person_rows(path, parts, v, lang, out);
            }
        }
        FieldKind::Group { fields, item, .. } => {
            out.push(Row::head(
                path.to_owned(),
                f.label.get(lang).to_owned(),
                depth,
            ));
            for (i, x) in v.as_array().into_iter().flatten().enumerate() {
                out.push(Row::head(
                    format!("{path}.{i}"),
                    format!("{} {}", item.get(lang), i + 1),
                    1,
                ));
                for g in fields {
                    let value = x.get(&g.key).unwrap_or(&Value::Null);
                    out.push(Row::line(
                        format!("{path}.{i}.{}", g.key),
                        g.label.get(lang).to_owned(),
                        value_text(&g.kind, value, lang),
                        1,
                    ));
                }
            }
        }
        kind => out.push(Row::line(
            path.to_owned(),
            f.label.get(lang).to_owned(),
            value_text(kind, v, lang),
            depth,
        )),
    }
}

impl Declaration {
    /// The answers as sections of rows, one per page asked, in `lang`.
    pub fn show(&self, answers: &Answers, lang: &str) -> Vec<Section> {
        self.pages_asked(&answers.0)
            .into_iter()
            .map(|p| {
                let mut rows = Vec::new();
                for f in &p.fields {
                    if f.when
                        .as_ref()
                        .is_some_and(|c| !super::check::holds(c, &answers.0))
                    {
                        continue;
                    }
                    let v = answers.0.get(&f.key).unwrap_or(&Value::Null);
                    field_rows(&f.key, f, v, lang, 0, &mut rows);
                }
                Section {
                    page: p.key.clone(),
                    title: p.title.get(lang).to_owned(),
                    rows,
                }
            })
            .collect()
    }
}

/// How a choice is printed on a blank form: every option with a box to tick.
fn boxes(options: impl Iterator<Item = String>) -> String {
    options
        .map(|o| format!("☐ {o}"))
        .collect::<Vec<_>>()
        .join("    ")
}

fn blank_rows(path: &str, f: &Field, lang: &str, depth: u8, out: &mut Vec<Row>) {
    let (row, head) = (Row::line, Row::head);
    match &f.kind {
        FieldKind::Person(parts) => {
            out.push(head(path.into(), f.label.get(lang).into(), depth));
            for part in PERSON_PARTS {
                if !parts.ask(part).asked() {
                    continue;
                }
                let value = if part == "sex" {
                    boxes(super::SEXES.iter().map(|s| sex_label(s, lang).to_owned()))
                } else {
                    String::new()
                };
                out.push(row(
                    format!("{path}.{part}"),
                    PersonParts::label(part, lang).into(),
                    value,
                    1,
                ));
            }
        }
        FieldKind::Group {
            fields,
            min,
            max,
            item,
        } => {
            out.push(head(path.into(), f.label.get(lang).into(), depth));
            for i in 0..(*min).max(2).min(*max) {
                out.push(head(
                    format!("{path}.{i}"),
                    format!("{} {}", item.get(lang), i + 1),
                    1,
                ));
                for g in fields {
                    blank_rows(&format!("{path}.{i}.{}", g.key), g, lang, 1, out);
                }
            }
        }
        FieldKind::Choice { options } => out.push(row(
            path.into(),
            f.label.get(lang).into(),
            boxes(options.iter().map(|o| o.label.get(lang).to_owned())),
            depth,
        )),
        FieldKind::YesNo => out.push(row(
            path.into(),
            f.label.get(lang).into(),
            boxes(
                [
                    if lang == "vi" { "Có" } else { "Yes" },
                    if lang == "vi" { "Không" } else { "No" },
                ]
                .into_iter()
                .map(str::to_owned),
            ),
            depth,
        )),
        _ => out.push(row(
            path.into(),
            f.label.get(lang).into(),
            String::new(),
            depth,
        )),
    }
}

impl Declaration {
    /// Every question of every page with no answer (choices as boxes to tick): the blank form
    /// to print and fill by hand.
    pub fn blank(&self, lang: &str) -> Vec<Section> {
        self.pages
            .iter()
            .map(|p| {
                let mut rows = Vec::new();
                for f in &p.fields {
                    blank_rows(&f.key, f, lang, 0, &mut rows);
                }
                Section {
                    page: p.key.clone(),
                    title: p.title.get(lang).to_owned(),
                    rows,
                }
            })
            .collect()
    }
}
