//! The answers of an HTML form and back: inputs are named by the answer's path (`child.name`,
//! `child.id.number`, `copies.0.pages`), so a page without JavaScript posts exactly what
//! [`Declaration::check`](super::Declaration::check) takes.

use super::check::{date_text, parse_date};
use super::{Declaration, Field, FieldKind};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Most items of a group a form may name (`copies.49.pages`); higher indices are ignored.
const MAX_INDEX: usize = 50;
/// Most path segments.
const MAX_DEPTH: usize = 4;

#[derive(Default)]
enum Node {
    #[default]
    Empty,
    Leaf(String),
    Branch(BTreeMap<String, Node>),
}

impl Node {
    fn insert(&mut self, path: &[&str], value: &str) {
        let Some((first, rest)) = path.split_first() else {
            *self = Node::Leaf(value.to_owned());
            return;
        };
        if !matches!(self, Node::Branch(_)) {
            *self = Node::Branch(BTreeMap::new());
        }
        if let Node::Branch(m) = self {
            m.entry((*first).to_owned())
                .or_default()
                .insert(rest, value);
        }
    }

    /// A value; a branch whose keys are all numbers becomes a list in index order.
    fn into_value(self) -> Value {
        match self {
            Node::Empty => Value::Null,
            Node::Leaf(s) => Value::String(s),
            Node::Branch(m) => {
                let numeric = !m.is_empty() && m.keys().all(|k| k.parse::<usize>().is_ok());
                if numeric {
                    let mut items: Vec<(usize, Value)> = m
                        .into_iter()
                        .filter_map(|(k, v)| Some((k.parse().ok()?, v.into_value())))
                        .collect();
                    items.sort_by_key(|(i, _)| *i);
                    Value::Array(items.into_iter().map(|(_, v)| v).collect())
                } else {
                    Value::Object(m.into_iter().map(|(k, v)| (k, v.into_value())).collect())
                }
            }
        }
    }
}

/// The answers to `fields` in a posted form, as JSON (other inputs ignored).
pub fn from_form<'a>(
    fields: impl IntoIterator<Item = &'a Field>,
    form: &HashMap<String, String>,
) -> Map<String, Value> {
    let keys: Vec<&str> = fields.into_iter().map(|f| f.key.as_str()).collect();
    let mut root = Node::Branch(BTreeMap::new());
    for (name, value) in form {
        let path: Vec<&str> = name.split('.').collect();
        let ok = path.len() <= MAX_DEPTH
            && keys.contains(&path[0])
            && path
                .iter()
                .all(|p| !p.is_empty() && p.parse::<usize>().map_or(true, |i| i < MAX_INDEX));
        if ok {
            root.insert(&path, value);
        }
    }
    match root.into_value() {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The answers of a page's fields in a posted form.
pub fn page_from_form(
    d: &Declaration,
    page: &str,
    form: &HashMap<String, String>,
) -> Map<String, Value> {
    from_form(d.page(page).into_iter().flat_map(|p| p.fields.iter()), form)
}

/// Every answer as the text of its input (`path` → text): dates as `DD/MM/YYYY`, yes/no as
/// `yes`/`no`, an address's commune code and the place as written or its commune name.
pub fn to_form(answers: &Map<String, Value>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in answers {
        flatten(k, v, &mut out);
    }
    out
}

fn flatten(path: &str, v: &Value, out: &mut HashMap<String, String>) {
    match v {
        Value::Null => {}
        Value::Bool(b) => {
            out.insert(path.to_owned(), if *b { "yes" } else { "no" }.to_owned());
        }
        Value::Number(n) => {
            out.insert(path.to_owned(), n.to_string());
        }
        Value::String(s) => {
            let shown = match parse_date(s) {
                Some(d) if *s == date_text(d) => {
                    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
                }
                _ => s.clone(),
            };
            out.insert(path.to_owned(), shown);
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                flatten(&format!("{path}.{i}"), x, out);
            }
        }
        Value::Object(m) => {
            // A resolved address shows the place it was resolved from (or its commune) again.
            // The old name it was given by, when there was one: it resolves to the same
            // commune again and keeps the old name on record.
            if let (Some(Value::String(name)), Some(Value::String(province))) =
                (m.get("commune_name"), m.get("province_name"))
            {
                let place = match m.get("old_name") {
                    Some(Value::String(old)) => old.clone(),
                    _ => format!("{name}, {province}"),
                };
                out.insert(format!("{path}.place"), place);
            }
            for (k, x) in m {
                if !matches!(k.as_str(), "commune_name" | "province_name" | "old_name") {
                    flatten(&format!("{path}.{k}"), x, out);
                }
            }
        }
    }
}

/// How many item rows a form shows for a group: its items, plus one blank row to fill while
/// below the maximum (at least `min`, at least one).
pub fn group_rows(kind: &FieldKind, answered: usize, extra: usize) -> usize {
    match kind {
        FieldKind::Group { min, max, .. } => {
            let max = *max as usize;
            (answered + extra).max(*min as usize).max(1).min(max)
        }
        _ => 0,
    }
}
