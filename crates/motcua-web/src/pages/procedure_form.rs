//! The catalogue editor's form (issue #32): a procedure record as the fields an administrator
//! types — texts, one item per line for the lists, a row per fee and per component — read back
//! into a [`Procedure`] whose every problem ([`Procedure::problems`]) is shown beside its field.
//!
//! Field names and ids are one scheme: the record's path with `-` (`cases-0-components-1-code`,
//! `channels-online-fees-0-amount`). Rows left blank or ticked "remove" are left out; each list
//! always offers one blank row, and "add a row" re-shows the form with one more, saving nothing.

use super::authority_form::kind_name;
use super::i18n::Tr;
use fluent_templates::fluent_bundle::FluentValue;
use motcua_domain::agency::{AgencyKind, Level};
use motcua_domain::calendar::{ProcessingTime, TimeUnit};
use motcua_domain::catalogue::{Case, Channel, ChannelOffer, Component, Fee, Procedure};
use motcua_domain::declaration::Declaration;
use motcua_domain::ids::ProcedureCode;
use motcua_domain::problem::{Problem, Wrong};
use std::collections::HashMap;

/// The channels a procedure may offer, in the order the form shows them.
const CHANNELS: [Channel; 4] = [
    Channel::Direct,
    Channel::Online,
    Channel::Postal,
    Channel::Kiosk,
];
/// The levels, in the order the form shows them.
pub const LEVELS: [(Level, &str); 3] = [
    (Level::Commune, "commune"),
    (Level::Province, "province"),
    (Level::Central, "central"),
];
/// The time units the form offers.
pub const UNITS: [TimeUnit; 5] = [
    TimeUnit::WorkingDays,
    TimeUnit::WorkingHours,
    TimeUnit::Days,
    TimeUnit::Months,
    TimeUnit::SameDay,
];
/// The record paths that may be marked as example values (not confirmed from the legal text).
pub const EXAMPLE_FLAGS: [&str; 4] = [
    "code",
    "channels.processing_time",
    "channels.fees",
    "cases.components",
];
/// At most this many rows of one list are read from a posted form.
const MAX_ROWS: usize = 100;

/// One fee row.
#[derive(Debug, Clone, Default)]
pub struct FeeRow {
    /// The fee's name.
    pub name: String,
    /// The amount in VND as typed (empty: set by the province or not known).
    pub amount: String,
    /// Conditions, exemptions.
    pub note: String,
}

/// One channel's block.
#[derive(Debug, Clone)]
pub struct ChannelRow {
    /// The channel.
    pub channel: Channel,
    /// Offered.
    pub on: bool,
    /// Processing time: how many units, as typed.
    pub value: String,
    /// Processing time: the unit's API name.
    pub unit: String,
    /// Note.
    pub note: String,
    /// Fee rows (the last one blank).
    pub fees: Vec<FeeRow>,
}

/// One component row.
#[derive(Debug, Clone, Default)]
pub struct ComponentRow {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Originals, as typed.
    pub originals: String,
    /// Copies, as typed.
    pub copies: String,
    /// Form name.
    pub form: String,
    /// Form download address.
    pub form_url: String,
    /// Brought in every situation.
    pub required: bool,
}

/// One case's block.
#[derive(Debug, Clone, Default)]
pub struct CaseRow {
    /// The case's code in the version being edited (empty for a new case): its electronic
    /// declaration, which this form does not edit, stays with it.
    pub was: String,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Component rows (the last one blank).
    pub components: Vec<ComponentRow>,
    /// The declaration kept from the version being edited: its title and number of questions.
    pub declaration: Option<(String, usize)>,
}

/// The whole form.
#[derive(Debug, Clone)]
pub struct ProcedureForm {
    /// The version the form was opened on (0 for a new procedure).
    pub base_version: u32,
    /// National code (editable only for a new procedure).
    pub code: String,
    /// Name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Field.
    pub field: String,
    /// Description.
    pub description: String,
    /// Levels ticked, by key (`commune`, `province`, `central`).
    pub levels: Vec<&'static str>,
    /// Competent agency kind (its API name).
    pub kind: String,
    /// Eligible for full-online service.
    pub full_online: bool,
    /// May be filed anywhere in the province.
    pub boundary_free: bool,
    /// Steps, one per line.
    pub steps: String,
    /// Requirements, one per line.
    pub requirements: String,
    /// Legal basis, one per line.
    pub legal_basis: String,
    /// Results, one per line.
    pub results: String,
    /// The four channels.
    pub channels: Vec<ChannelRow>,
    /// Case blocks (the last one blank).
    pub cases: Vec<CaseRow>,
    /// Example-value flags ticked.
    pub examples: Vec<String>,
    /// Flags of the record the form does not offer, kept as they are.
    pub other_examples: Vec<String>,
}

/// Where a posted row of the form came from, to put a record problem beside its field.
#[derive(Debug, Default)]
struct Rows {
    /// For each case of the record, its block's index in the form.
    cases: Vec<usize>,
    /// For each case of the record, each component's row index.
    components: Vec<Vec<usize>>,
    /// For each channel, each fee's row index.
    fees: HashMap<&'static str, Vec<usize>>,
}

/// Every agency kind as a choice: its API name and its name in the reader's language.
pub fn kind_choices(tr: &Tr) -> Vec<(String, String)> {
    kinds()
        .into_iter()
        .map(|(n, _)| {
            let label = tr.t(&format!("kind-{n}"));
            (n, label)
        })
        .collect()
}

/// Every agency kind with its API name.
pub fn kinds() -> Vec<(String, AgencyKind)> {
    AgencyKind::COMMUNE_STANDARD
        .iter()
        .chain(AgencyKind::PROVINCE_STANDARD.iter())
        .map(|k| (kind_name(*k), *k))
        .collect()
}

fn lines(items: &[String]) -> String {
    items.join("\n")
}

fn blank_channel(channel: Channel) -> ChannelRow {
    ChannelRow {
        channel,
        on: false,
        value: String::new(),
        unit: TimeUnit::WorkingDays.as_str().into(),
        note: String::new(),
        fees: vec![FeeRow::default()],
    }
}

fn blank_component() -> ComponentRow {
    ComponentRow {
        originals: "1".into(),
        copies: "0".into(),
        required: true,
        ..ComponentRow::default()
    }
}

fn blank_case() -> CaseRow {
    CaseRow {
        components: vec![blank_component()],
        ..CaseRow::default()
    }
}

impl ProcedureForm {
    /// An empty form for a new procedure.
    pub fn new_procedure() -> Self {
        ProcedureForm {
            base_version: 0,
            code: String::new(),
            name: String::new(),
            name_en: String::new(),
            field: String::new(),
            description: String::new(),
            levels: vec!["commune"],
            kind: kind_name(AgencyKind::CommunePeoplesCommittee),
            full_online: false,
            boundary_free: false,
            steps: String::new(),
            requirements: String::new(),
            legal_basis: String::new(),
            results: String::new(),
            channels: CHANNELS.iter().map(|c| blank_channel(*c)).collect(),
            cases: vec![CaseRow {
                code: "default".into(),
                ..blank_case()
            }],
            examples: Vec::new(),
            other_examples: Vec::new(),
        }
    }

    /// The form filled from a stored version, with a blank row at the end of every list.
    pub fn from_procedure(p: &Procedure) -> Self {
        let channels = CHANNELS
            .iter()
            .map(|c| match p.channels.iter().find(|o| o.channel == *c) {
                Some(o) => ChannelRow {
                    channel: *c,
                    on: true,
                    value: o.processing_time.value.to_string(),
                    unit: o.processing_time.unit.as_str().into(),
                    note: o.note.clone().unwrap_or_default(),
                    fees: o
                        .fees
                        .iter()
                        .map(|f| FeeRow {
                            name: f.name.clone(),
                            amount: f.amount_vnd.map(|a| a.to_string()).unwrap_or_default(),
                            note: f.note.clone().unwrap_or_default(),
                        })
                        .chain([FeeRow::default()])
                        .collect(),
                },
                None => blank_channel(*c),
            })
            .collect();
        let cases = p
            .cases
            .iter()
            .map(|c| CaseRow {
                was: c.code.clone(),
                code: c.code.clone(),
                name: c.name.clone(),
                components: c
                    .components
                    .iter()
                    .map(|x| ComponentRow {
                        code: x.code.clone(),
                        name: x.name.clone(),
                        originals: x.originals.to_string(),
                        copies: x.copies.to_string(),
                        form: x.form.clone().unwrap_or_default(),
                        form_url: x.form_url.clone().unwrap_or_default(),
                        required: x.required,
                    })
                    .chain([blank_component()])
                    .collect(),
                declaration: c.declaration.as_ref().map(summary),
            })
            .chain([blank_case()])
            .collect();
        let (examples, other_examples) = p
            .unconfirmed
            .iter()
            .cloned()
            .partition(|f| EXAMPLE_FLAGS.contains(&f.as_str()));
        ProcedureForm {
            base_version: p.version,
            code: p.code.to_string(),
            name: p.name.clone(),
            name_en: p.name_en.clone().unwrap_or_default(),
            field: p.field.clone(),
            description: p.description.clone().unwrap_or_default(),
            levels: LEVELS
                .iter()
                .filter(|(l, _)| p.levels.contains(l))
                .map(|(_, k)| *k)
                .collect(),
            kind: kind_name(p.competent_agency_kind),
            full_online: p.full_online,
            boundary_free: p.boundary_free,
            steps: lines(&p.steps),
            requirements: lines(&p.requirements),
            legal_basis: lines(&p.legal_basis),
            results: lines(&p.results),
            channels,
            cases,
            examples,
            other_examples,
        }
    }

    /// The form as posted. `base` is the version it was opened on (the declarations and the
    /// example flags the form does not show come from it).
    pub fn from_post(f: &HashMap<String, String>, base: Option<&Procedure>) -> Self {
        let get = |k: &str| f.get(k).cloned().unwrap_or_default();
        let on = |k: &str| f.contains_key(k);
        let channels = CHANNELS
            .iter()
            .map(|c| {
                let at = format!("channels-{}", c.as_str());
                let mut fees = Vec::new();
                for k in 0..MAX_ROWS {
                    let row = format!("{at}-fees-{k}");
                    if !f.contains_key(&format!("{row}-name")) {
                        break;
                    }
                    if on(&format!("{row}-remove")) {
                        continue;
                    }
                    fees.push(FeeRow {
                        name: get(&format!("{row}-name")),
                        amount: get(&format!("{row}-amount")),
                        note: get(&format!("{row}-note")),
                    });
                }
                ChannelRow {
                    channel: *c,
                    on: on(&format!("{at}-on")),
                    value: get(&format!("{at}-value")),
                    unit: get(&format!("{at}-unit")),
                    note: get(&format!("{at}-note")),
                    fees,
                }
            })
            .collect();
        let mut cases = Vec::new();
        for i in 0..MAX_ROWS {
            let at = format!("cases-{i}");
            if !f.contains_key(&format!("{at}-code")) {
                break;
            }
            if on(&format!("{at}-remove")) {
                continue;
            }
            let mut components = Vec::new();
            for j in 0..MAX_ROWS {
                let row = format!("{at}-components-{j}");
                if !f.contains_key(&format!("{row}-code")) {
                    break;
                }
                if on(&format!("{row}-remove")) {
                    continue;
                }
                components.push(ComponentRow {
                    code: get(&format!("{row}-code")),
                    name: get(&format!("{row}-name")),
                    originals: get(&format!("{row}-originals")),
                    copies: get(&format!("{row}-copies")),
                    form: get(&format!("{row}-form")),
                    form_url: get(&format!("{row}-form_url")),
                    required: on(&format!("{row}-required")),
                });
            }
            let was = get(&format!("{at}-was"));
            let declaration = base
                .and_then(|b| b.cases.iter().find(|c| !was.is_empty() && c.code == was))
                .and_then(|c| c.declaration.as_ref())
                .map(summary);
            cases.push(CaseRow {
                was,
                code: get(&format!("{at}-code")),
                name: get(&format!("{at}-name")),
                components,
                declaration,
            });
        }
        ProcedureForm {
            base_version: get("base_version").parse().unwrap_or(0),
            code: get("code").trim().to_owned(),
            name: get("name"),
            name_en: get("name_en"),
            field: get("field"),
            description: get("description"),
            levels: LEVELS
                .iter()
                .filter(|(_, k)| on(&format!("levels-{k}")))
                .map(|(_, k)| *k)
                .collect(),
            kind: get("kind"),
            full_online: on("full_online"),
            boundary_free: on("boundary_free"),
            steps: get("steps"),
            requirements: get("requirements"),
            legal_basis: get("legal_basis"),
            results: get("results"),
            channels,
            cases,
            examples: EXAMPLE_FLAGS
                .iter()
                .filter(|x| on(&format!("example-{x}")))
                .map(|x| (*x).to_owned())
                .collect(),
            other_examples: base
                .map(|b| {
                    b.unconfirmed
                        .iter()
                        .filter(|x| !EXAMPLE_FLAGS.contains(&x.as_str()))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// Adds one blank row to the list named `which` (`cases`, `cases-0-components`,
    /// `channels-online-fees`); anything else changes nothing.
    pub fn add_row(&mut self, which: &str) {
        use motcua_domain::catalogue::{MAX_CASES, MAX_COMPONENTS, MAX_FEES};
        if which == "cases" {
            if self.cases.len() <= MAX_CASES {
                self.cases.push(blank_case());
            }
            return;
        }
        if let Some(rest) = which.strip_prefix("cases-")
            && let Some(i) = rest.strip_suffix("-components")
            && let Ok(i) = i.parse::<usize>()
            && let Some(c) = self.cases.get_mut(i)
        {
            if c.components.len() <= MAX_COMPONENTS {
                c.components.push(blank_component());
            }
            return;
        }
        for ch in &mut self.channels {
            if which == format!("channels-{}-fees", ch.channel.as_str())
                && ch.fees.len() <= MAX_FEES
            {
                ch.fees.push(FeeRow::default());
            }
        }
    }

    /// Makes sure every list ends with a blank row (after a post whose blank rows were read).
    pub fn with_blank_rows(mut self) -> Self {
        for ch in &mut self.channels {
            if ch.fees.last().is_none_or(|f| !f.is_blank()) {
                ch.fees.push(FeeRow::default());
            }
        }
        for c in &mut self.cases {
            if c.components.last().is_none_or(|x| !x.is_blank()) {
                c.components.push(blank_component());
            }
        }
        if self.cases.last().is_none_or(|c| !c.is_blank()) {
            self.cases.push(blank_case());
        }
        self
    }

    /// The record the form describes, or every problem with the form field it belongs to
    /// (`(field id, problem)`). `base` is the version edited (its declarations are kept).
    pub fn to_procedure(
        &self,
        base: Option<&Procedure>,
    ) -> Result<Procedure, Vec<(String, Problem)>> {
        let mut typed: Vec<(String, Problem)> = Vec::new();
        let mut wrong = |id: String, what: Wrong| {
            typed.push((id.clone(), Problem::new(id, what)));
        };
        let code = match ProcedureCode::parse(&self.code) {
            // `/admin/procedures/new` is the editor's own address.
            Ok(c) if c.as_str().eq_ignore_ascii_case("new") => {
                wrong("code".into(), Wrong::Reserved);
                None
            }
            Ok(c) => Some(c),
            Err(_) => {
                let what = if self.code.is_empty() {
                    Wrong::Required
                } else {
                    Wrong::BadId
                };
                wrong("code".into(), what);
                None
            }
        };
        let kind = kinds()
            .into_iter()
            .find(|(n, _)| *n == self.kind)
            .map(|(_, k)| k);
        if kind.is_none() {
            wrong("kind".into(), Wrong::UnknownChoice);
        }
        let mut rows = Rows::default();
        let mut channels = Vec::new();
        for ch in self.channels.iter().filter(|c| c.on) {
            let at = format!("channels-{}", ch.channel.as_str());
            let unit = TimeUnit::parse(&ch.unit);
            if unit.is_none() {
                wrong(format!("{at}-unit"), Wrong::UnknownChoice);
            }
            let value = if unit == Some(TimeUnit::SameDay) && ch.value.trim().is_empty() {
                Some(0)
            } else {
                number(&ch.value, &format!("{at}-value"), &mut wrong)
            };
            let mut fees = Vec::new();
            let mut fee_rows = Vec::new();
            for (k, fee) in ch.fees.iter().enumerate() {
                if fee.is_blank() {
                    continue;
                }
                let amount = if fee.amount.trim().is_empty() {
                    None
                } else {
                    number(&fee.amount, &format!("{at}-fees-{k}-amount"), &mut wrong)
                };
                fees.push(Fee {
                    name: fee.name.trim().to_owned(),
                    amount_vnd: amount,
                    note: some(&fee.note),
                });
                fee_rows.push(k);
            }
            rows.fees.insert(ch.channel.as_str(), fee_rows);
            channels.push(ChannelOffer {
                channel: ch.channel,
                processing_time: ProcessingTime {
                    value: small(value).unwrap_or(0),
                    unit: unit.unwrap_or(TimeUnit::WorkingDays),
                },
                fees,
                note: some(&ch.note),
            });
        }
        let mut cases = Vec::new();
        for (i, c) in self.cases.iter().enumerate() {
            if c.is_blank() {
                continue;
            }
            let mut components = Vec::new();
            let mut comp_rows = Vec::new();
            for (j, x) in c.components.iter().enumerate() {
                if x.is_blank() {
                    continue;
                }
                let at = format!("cases-{i}-components-{j}");
                let originals = number(&x.originals, &format!("{at}-originals"), &mut wrong);
                let copies = number(&x.copies, &format!("{at}-copies"), &mut wrong);
                components.push(Component {
                    code: x.code.trim().to_owned(),
                    name: x.name.trim().to_owned(),
                    originals: small(originals).unwrap_or(0),
                    copies: small(copies).unwrap_or(0),
                    form: some(&x.form),
                    form_url: some(&x.form_url),
                    required: x.required,
                });
                comp_rows.push(j);
            }
            let declaration: Option<Declaration> = base
                .and_then(|b| {
                    b.cases
                        .iter()
                        .find(|k| !c.was.is_empty() && k.code == c.was)
                })
                .and_then(|k| k.declaration.clone());
            cases.push(Case {
                code: c.code.trim().to_owned(),
                name: c.name.trim().to_owned(),
                components,
                declaration,
            });
            rows.cases.push(i);
            rows.components.push(comp_rows);
        }
        // A case whose electronic declaration this form cannot edit is not dropped by it.
        if let Some(b) = base {
            for k in &b.cases {
                let carried = self.cases.iter().any(|c| c.was == k.code && !c.is_blank());
                if k.declaration.is_some() && !carried {
                    wrong("cases".into(), Wrong::DeclarationDropped);
                }
            }
        }
        let list = |s: &str| -> Vec<String> {
            s.lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let mut unconfirmed = self.examples.clone();
        unconfirmed.extend(self.other_examples.iter().cloned());
        let record = Procedure {
            code: code.clone().unwrap_or_else(|| {
                ProcedureCode::parse("0.000000").expect("a well-formed placeholder code")
            }),
            version: self.base_version,
            name: self.name.trim().to_owned(),
            name_en: some(&self.name_en),
            field: self.field.trim().to_owned(),
            levels: LEVELS
                .iter()
                .filter(|(_, k)| self.levels.contains(k))
                .map(|(l, _)| *l)
                .collect(),
            competent_agency_kind: kind.unwrap_or(AgencyKind::CommunePeoplesCommittee),
            description: some(&self.description),
            steps: list(&self.steps),
            cases,
            channels,
            requirements: list(&self.requirements),
            legal_basis: list(&self.legal_basis),
            results: list(&self.results),
            full_online: self.full_online,
            boundary_free: self.boundary_free,
            unconfirmed,
        };
        let mut problems = typed;
        for p in record.problems() {
            let id = field_id(&p.at, &rows);
            // A number already refused as typed is not refused twice.
            if !problems.iter().any(|(i, _)| *i == id) {
                problems.push((id, p));
            }
        }
        if problems.is_empty() && code.is_some() {
            Ok(record)
        } else {
            Err(problems)
        }
    }
}

impl FeeRow {
    fn is_blank(&self) -> bool {
        [&self.name, &self.amount, &self.note]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

impl ComponentRow {
    fn is_blank(&self) -> bool {
        [&self.code, &self.name, &self.form, &self.form_url]
            .iter()
            .all(|s| s.trim().is_empty())
    }
}

impl CaseRow {
    fn is_blank(&self) -> bool {
        self.code.trim().is_empty()
            && self.name.trim().is_empty()
            && self.components.iter().all(ComponentRow::is_blank)
    }
}

fn summary(d: &Declaration) -> (String, usize) {
    (
        d.title.vi.clone(),
        d.pages.iter().map(|p| p.fields.len()).sum(),
    )
}

fn some(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A whole number as typed, or a problem at `id`. Thousands may be grouped by `.`, `,` or a
/// space in threes (`2.000`, `2 000`, `2,000` are 2000); anything else — a decimal (`0.5`), a
/// sign, a letter — is not a whole number. A number too large for any field is kept as the
/// largest one, so the record's own check names the limit.
fn number(s: &str, id: &str, wrong: &mut impl FnMut(String, Wrong)) -> Option<u64> {
    let t = s.trim();
    if t.is_empty() {
        wrong(id.to_owned(), Wrong::Required);
        return None;
    }
    let groups: Vec<&str> = t.split(['.', ',', ' ', '\u{a0}']).collect();
    let grouped = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    if !grouped || !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit())) {
        wrong(id.to_owned(), Wrong::NotANumber);
        return None;
    }
    Some(groups.concat().parse::<u64>().unwrap_or(u64::MAX))
}

/// A number for a `u32` field: one too large becomes `u32::MAX` (then refused by its limit).
fn small(n: Option<u64>) -> Option<u32> {
    n.map(|v| u32::try_from(v).unwrap_or(u32::MAX))
}

/// The form field a record path belongs to.
fn field_id(at: &str, rows: &Rows) -> String {
    let parts: Vec<&str> = at.split('.').collect();
    let idx = |s: &str| s.parse::<usize>().ok();
    match parts.as_slice() {
        ["steps" | "requirements" | "legal_basis" | "results", ..] => parts[0].to_owned(),
        ["levels"] => "levels-commune".into(),
        ["cases"] => "cases".into(),
        ["channels"] => "channels".into(),
        ["cases", i, rest @ ..] => {
            let Some(ci) = idx(i) else {
                return "cases-0-code".into();
            };
            let row = rows.cases.get(ci).copied().unwrap_or(ci);
            match rest {
                ["components", j, field] => {
                    let cj = idx(j).unwrap_or(0);
                    let r = rows
                        .components
                        .get(ci)
                        .and_then(|c| c.get(cj))
                        .copied()
                        .unwrap_or(cj);
                    format!("cases-{row}-components-{r}-{field}")
                }
                ["declaration"] => format!("cases-{row}-code"),
                [field] => format!("cases-{row}-{field}"),
                _ => format!("cases-{row}-code"),
            }
        }
        ["channels", ch, rest @ ..] => match rest {
            ["processing_time"] => format!("channels-{ch}-value"),
            ["note"] => format!("channels-{ch}-note"),
            ["fees", k, field] => {
                let fk = idx(k).unwrap_or(0);
                let r = rows
                    .fees
                    .get(ch)
                    .and_then(|f| f.get(fk))
                    .copied()
                    .unwrap_or(fk);
                let field = if *field == "amount_vnd" {
                    "amount"
                } else {
                    field
                };
                format!("channels-{ch}-fees-{r}-{field}")
            }
            ["fees"] => format!("channels-{ch}-fees"),
            _ => format!("channels-{ch}-on"),
        },
        _ => at.replace('.', "-"),
    }
}

/// What a problem says, in the reader's language (`problem-{key}` with the limit, its
/// thousands grouped).
pub fn describe(tr: &Tr, what: Wrong) -> String {
    let limit = i64::try_from(what.limit()).unwrap_or(i64::MAX);
    tr.ta(
        &format!("problem-{}", what.key()),
        &[(
            "limit",
            FluentValue::from(motcua_domain::text::grouped(limit)),
        )],
    )
}

/// The field's label for the error summary: the section and row, then the field
/// ("Trường hợp 1 · Thành phần 2 · Tên").
pub fn label(tr: &Tr, id: &str) -> String {
    let parts: Vec<&str> = id.split('-').collect();
    let field = |f: &str| tr.t(&format!("pf-{}", f.replace('_', "-")));
    let nth = |key: &str, i: &str| {
        let n = i.parse::<usize>().map(|n| n + 1).unwrap_or(1);
        tr.ta(key, &[("n", FluentValue::from(n))])
    };
    match parts.as_slice() {
        ["cases", i, "components", j, f] => format!(
            "{} · {} · {}",
            nth("pf-case-n", i),
            nth("pf-component-n", j),
            if *f == "name" {
                tr.t("pf-component-name")
            } else {
                field(f)
            }
        ),
        ["cases", i, f] => format!(
            "{} · {}",
            nth("pf-case-n", i),
            if *f == "name" {
                tr.t("pf-case-name")
            } else {
                field(f)
            }
        ),
        ["channels", ch, "fees", k, f] => format!(
            "{} · {} · {}",
            tr.t(&format!("channel-{ch}")),
            nth("pf-fee-n", k),
            if *f == "name" {
                tr.t("pf-fee-name")
            } else {
                field(f)
            }
        ),
        ["channels", ch, f] => format!("{} · {}", tr.t(&format!("channel-{ch}")), field(f)),
        ["levels", _] => field("levels"),
        [f] => field(f),
        _ => field(id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Vec<Procedure> {
        serde_json::from_str(include_str!("../../../../data/procedures/seed.json")).unwrap()
    }

    /// The form a browser would post for `form` (every field rendered, ticked boxes only).
    fn posted(form: &ProcedureForm) -> HashMap<String, String> {
        let mut f = HashMap::new();
        let mut put = |k: String, v: &str| {
            f.insert(k, v.to_owned());
        };
        put("base_version".into(), &form.base_version.to_string());
        put("code".into(), &form.code);
        put("name".into(), &form.name);
        put("name_en".into(), &form.name_en);
        put("field".into(), &form.field);
        put("description".into(), &form.description);
        for l in &form.levels {
            put(format!("levels-{l}"), "on");
        }
        put("kind".into(), &form.kind);
        if form.full_online {
            put("full_online".into(), "on");
        }
        if form.boundary_free {
            put("boundary_free".into(), "on");
        }
        put("steps".into(), &form.steps);
        put("requirements".into(), &form.requirements);
        put("legal_basis".into(), &form.legal_basis);
        put("results".into(), &form.results);
        for ch in &form.channels {
            let at = format!("channels-{}", ch.channel.as_str());
            if ch.on {
                put(format!("{at}-on"), "on");
            }
            put(format!("{at}-value"), &ch.value);
            put(format!("{at}-unit"), &ch.unit);
            put(format!("{at}-note"), &ch.note);
            for (k, fee) in ch.fees.iter().enumerate() {
                put(format!("{at}-fees-{k}-name"), &fee.name);
                put(format!("{at}-fees-{k}-amount"), &fee.amount);
                put(format!("{at}-fees-{k}-note"), &fee.note);
            }
        }
        for (i, c) in form.cases.iter().enumerate() {
            let at = format!("cases-{i}");
            put(format!("{at}-was"), &c.was);
            put(format!("{at}-code"), &c.code);
            put(format!("{at}-name"), &c.name);
            for (j, x) in c.components.iter().enumerate() {
                let row = format!("{at}-components-{j}");
                put(format!("{row}-code"), &x.code);
                put(format!("{row}-name"), &x.name);
                put(format!("{row}-originals"), &x.originals);
                put(format!("{row}-copies"), &x.copies);
                put(format!("{row}-form"), &x.form);
                put(format!("{row}-form_url"), &x.form_url);
                if x.required {
                    put(format!("{row}-required"), "on");
                }
            }
        }
        for x in &form.examples {
            put(format!("example-{x}"), "on");
        }
        f
    }

    #[test]
    fn every_seed_procedure_survives_the_form_unchanged() {
        for p in seed() {
            let form = ProcedureForm::from_procedure(&p);
            let back = ProcedureForm::from_post(&posted(&form), Some(&p));
            let q = back
                .to_procedure(Some(&p))
                .unwrap_or_else(|e| panic!("{}: {e:?}", p.code));
            assert_eq!(q, p, "{}", p.code);
        }
    }

    #[test]
    fn problems_land_beside_the_row_they_came_from() {
        let p = seed().remove(0);
        let mut f = posted(&ProcedureForm::from_procedure(&p));
        f.insert("name".into(), "  ".into());
        f.insert("channels-online-value".into(), "ba".into());
        // The first component is removed: the rows after it move up one, as the page shows
        // them again; the declaration that replaced it no longer holds.
        f.insert("cases-0-components-0-remove".into(), "on".into());
        f.insert("cases-0-components-2-code".into(), String::new());
        f.insert(
            "channels-direct-fees-0-amount".into(),
            "2.000.000.000.000".into(),
        );
        f.insert("channels-direct-fees-0-name".into(), String::new());
        f.remove("levels-commune");
        f.remove("levels-province");
        let form = ProcedureForm::from_post(&f, Some(&p));
        let errs = form.to_procedure(Some(&p)).unwrap_err();
        let got: Vec<(&str, Wrong)> = errs.iter().map(|(i, x)| (i.as_str(), x.what)).collect();
        for want in [
            ("name", Wrong::Required),
            ("channels-online-value", Wrong::NotANumber),
            ("cases-0-components-1-code", Wrong::Required),
            ("cases-0-code", Wrong::BadDeclaration),
            ("channels-direct-fees-0-name", Wrong::Required),
            (
                "channels-direct-fees-0-amount",
                Wrong::TooLarge(100_000_000_000),
            ),
            ("levels-commune", Wrong::Required),
        ] {
            assert!(got.contains(&want), "{want:?} not in {got:?}");
        }
    }

    #[test]
    fn blank_and_removed_rows_are_left_out_and_the_declaration_stays() {
        let p = seed()
            .into_iter()
            .find(|p| p.cases[0].declaration.is_some())
            .unwrap();
        let mut f = posted(&ProcedureForm::from_procedure(&p));
        // Rename the case: its declaration still follows it.
        f.insert("cases-0-code".into(), "chinh".into());
        f.insert("channels-postal-on".into(), "on".into());
        f.insert("channels-postal-value".into(), "5".into());
        f.insert("channels-postal-fees-0-name".into(), "Phí gửi".into());
        f.insert("channels-postal-fees-0-amount".into(), "20.000".into());
        let q = ProcedureForm::from_post(&f, Some(&p))
            .to_procedure(Some(&p))
            .unwrap();
        assert_eq!(q.cases.len(), 1);
        assert_eq!(q.cases[0].code, "chinh");
        assert_eq!(q.cases[0].declaration, p.cases[0].declaration);
        let postal = q.offer(Channel::Postal).unwrap();
        assert_eq!(postal.channel, Channel::Postal);
        assert_eq!(postal.fees[0].amount_vnd, Some(20_000));
        assert_eq!(postal.processing_time.value, 5);
    }

    #[test]
    fn numbers_are_whole_with_thousands_in_threes() {
        let mut got = Vec::new();
        let mut wrong = |id: String, w: Wrong| got.push((id, w));
        assert_eq!(number("2.000", "a", &mut wrong), Some(2000));
        assert_eq!(number("2 000 000", "a", &mut wrong), Some(2_000_000));
        assert_eq!(number("200,000", "a", &mut wrong), Some(200_000));
        assert_eq!(number(" 15 ", "a", &mut wrong), Some(15));
        assert_eq!(
            number("99999999999999999999999", "a", &mut wrong),
            Some(u64::MAX)
        );
        for bad in [
            "0.5",
            "1,5",
            "2,5",
            "-5",
            "1.5",
            "12.34.567",
            "ba",
            "+3",
            ".000",
        ] {
            assert_eq!(number(bad, bad, &mut wrong), None, "{bad}");
        }
        assert_eq!(
            small(Some(4_294_967_296)),
            Some(u32::MAX),
            "never wraps to 0"
        );
        assert!(got.iter().all(|(_, w)| *w == Wrong::NotANumber), "{got:?}");
    }

    #[test]
    fn a_count_too_large_for_its_field_is_refused_not_wrapped() {
        let p = seed()
            .into_iter()
            .find(|p| p.code.as_str() == "2.000884")
            .unwrap();
        let mut f = posted(&ProcedureForm::from_procedure(&p));
        f.insert("cases-0-components-0-originals".into(), "4294967297".into());
        let errs = ProcedureForm::from_post(&f, Some(&p))
            .to_procedure(Some(&p))
            .unwrap_err();
        assert!(
            errs.iter()
                .any(|(id, x)| id == "cases-0-components-0-originals"
                    && x.what == Wrong::TooLarge(100)),
            "{errs:?}"
        );
    }

    #[test]
    fn a_case_with_a_declaration_is_not_dropped_and_new_is_not_a_code() {
        let p = seed()
            .into_iter()
            .find(|p| p.cases[0].declaration.is_some())
            .unwrap();
        let mut f = posted(&ProcedureForm::from_procedure(&p));
        f.insert("cases-0-remove".into(), "on".into());
        f.insert("cases-1-code".into(), "moi".into());
        f.insert("cases-1-name".into(), "Mới".into());
        f.insert("cases-1-components-0-code".into(), "TK".into());
        f.insert("cases-1-components-0-name".into(), "Tờ khai".into());
        let errs = ProcedureForm::from_post(&f, Some(&p))
            .to_procedure(Some(&p))
            .unwrap_err();
        assert!(
            errs.iter()
                .any(|(_, x)| x.what == Wrong::DeclarationDropped),
            "{errs:?}"
        );
        let mut new = ProcedureForm::new_procedure();
        new.code = "new".into();
        let errs = new.to_procedure(None).unwrap_err();
        assert!(
            errs.iter()
                .any(|(id, x)| id == "code" && x.what == Wrong::Reserved)
        );
    }

    #[test]
    fn add_row_adds_exactly_one_blank_row_where_asked() {
        let p = seed().remove(0);
        let mut form = ProcedureForm::from_procedure(&p);
        let (cases, comps) = (form.cases.len(), form.cases[0].components.len());
        form.add_row("cases-0-components");
        form.add_row("cases");
        form.add_row("channels-online-fees");
        form.add_row("nonsense");
        form.add_row("cases-99-components");
        assert_eq!(form.cases.len(), cases + 1);
        assert_eq!(form.cases[0].components.len(), comps + 1);
        assert_eq!(form.channels[1].fees.len(), 3);
    }
}
