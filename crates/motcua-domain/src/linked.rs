//! Linked services (liên thông thủ tục hành chính, Decree 63/2024/NĐ-CP): one application that
//! opens dossiers at several agencies, each step starting when the steps it depends on have
//! their result, and receiving the data it needs from them.
//!
//! A [`LinkedService`] is data (`data/linked/services.json`): its steps, each a procedure of the
//! catalogue with its own competent agency, deadline, statuses and control slip; `after` names
//! the steps it waits for and `inputs` what it receives from them (the birth registration
//! number, for instance). The application holds one tracking code; its progress is computed from
//! its steps' dossiers by [`progress`], a pure function.

use crate::catalogue::Procedure;
use crate::dossier::Status;
use crate::ids::{DossierCode, ProcedureCode};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Where an input's value comes from in the step it is taken from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum InputSource {
    /// The result document's number (e.g. the birth registration number).
    ResultNumber,
    /// The result's summary.
    ResultSummary,
    /// The step's dossier code.
    DossierCode,
    /// An answer of the step's declaration, by path (`{"declared": "child.name"}`): what the
    /// applicant declared once goes to the next steps instead of being typed again.
    Declared(String),
}

/// One piece of data a step receives from an earlier step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InputDef {
    /// The name it has in the receiving step.
    pub name: String,
    /// The step it comes from (one of `after`).
    pub from: String,
    /// What of that step.
    pub source: InputSource,
}

/// Another procedure a step can be handled under, chosen by the applicant's case (e.g. the
/// funeral allowance of a person with meritorious services, decided by Home Affairs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Variant {
    /// Key given in the application's `variants`.
    pub key: String,
    /// When it applies, in words.
    pub name: String,
    /// The procedure.
    pub procedure: ProcedureCode,
}

/// One step of a linked service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepDef {
    /// Key, unique in the service.
    pub key: String,
    /// Name shown to the applicant.
    pub name: String,
    /// The procedure (the default when there are variants).
    pub procedure: ProcedureCode,
    /// Steps that must have their result before this one starts (all earlier in the list).
    #[serde(default)]
    pub after: Vec<String>,
    /// Data received from those steps.
    #[serde(default)]
    pub inputs: Vec<InputDef>,
    /// Other procedures by case.
    #[serde(default)]
    pub variants: Vec<Variant>,
    /// What the applicant should do when this step is refused, stopped or withdrawn.
    pub if_not_done: String,
}

impl StepDef {
    /// The procedure for the variant chosen (`None`: the default).
    pub fn procedure_for(&self, variant: Option<&str>) -> Option<&ProcedureCode> {
        match variant {
            None => Some(&self.procedure),
            Some(v) => self
                .variants
                .iter()
                .find(|x| x.key == v)
                .map(|x| &x.procedure),
        }
    }
}

/// A linked service: its code in the catalogue and its steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedService {
    /// The linked procedure's national code (e.g. `2.000986`).
    pub code: ProcedureCode,
    /// Name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// Legal basis of the linkage.
    #[serde(default)]
    pub legal_basis: Vec<String>,
    /// Steps, each after the steps it depends on.
    pub steps: Vec<StepDef>,
}

/// Why a linked service definition is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("linked service {code}: {message}")]
pub struct InvalidService {
    /// The service code.
    pub code: String,
    /// What is wrong.
    pub message: String,
}

impl LinkedService {
    /// Checks the definition against the catalogue: unique step keys, dependencies on earlier
    /// steps only (so there is no cycle), inputs taken from a step it depends on, every
    /// procedure in the catalogue, at least one step that starts at once.
    pub fn validate(&self, catalogue: &[Procedure]) -> Result<(), InvalidService> {
        let bad = |m: String| InvalidService {
            code: self.code.to_string(),
            message: m,
        };
        if self.steps.is_empty() {
            return Err(bad("no steps".into()));
        }
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for s in &self.steps {
            for d in &s.after {
                if !seen.contains(d.as_str()) {
                    return Err(bad(format!(
                        "step {} depends on {d}, which is not an earlier step",
                        s.key
                    )));
                }
            }
            for i in &s.inputs {
                if !s.after.contains(&i.from) {
                    return Err(bad(format!(
                        "step {} takes {} from {}, which it does not wait for",
                        s.key, i.name, i.from
                    )));
                }
            }
            let procedures =
                std::iter::once(&s.procedure).chain(s.variants.iter().map(|v| &v.procedure));
            for p in procedures {
                if !catalogue.iter().any(|c| c.code == *p) {
                    return Err(bad(format!(
                        "step {} names procedure {p}, not in the catalogue",
                        s.key
                    )));
                }
            }
            if !seen.insert(s.key.as_str()) {
                return Err(bad(format!("step {} is listed twice", s.key)));
            }
        }
        if self.steps[0].after.is_empty() {
            Ok(())
        } else {
            Err(bad("the first step must start at once".into()))
        }
    }

    /// A step by key.
    pub fn step(&self, key: &str) -> Option<&StepDef> {
        self.steps.iter().find(|s| s.key == key)
    }
}

/// Parses and checks the shipped definitions.
pub fn parse_services(
    json: &str,
    catalogue: &[Procedure],
) -> Result<Vec<LinkedService>, InvalidService> {
    let all: Vec<LinkedService> = serde_json::from_str(json).map_err(|e| InvalidService {
        code: "-".into(),
        message: e.to_string(),
    })?;
    for s in &all {
        s.validate(catalogue)?;
    }
    Ok(all)
}

/// A linked application as filed: one tracking code for the steps' dossiers. It never changes
/// after it is filed; its steps' dossiers carry their own state ([`crate::dossier::LinkedStep`]
/// points back at it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedApplication {
    /// Internal id (UUIDv7).
    pub id: uuid::Uuid,
    /// The tracking code (from the same sequence as dossier codes).
    pub code: DossierCode,
    /// The tenant key.
    pub province_code: crate::ids::ProvinceCode,
    /// The linked service's code.
    pub service: ProcedureCode,
    /// Where it was filed.
    pub receiving_agency: crate::ids::AgencyCode,
    /// The applicant's commune (routes every step).
    pub applicant_unit: crate::ids::UnitCode,
    /// How it was filed.
    pub channel: crate::catalogue::Channel,
    /// The applicant.
    pub applicant: crate::dossier::Applicant,
    /// Requested content (e.g. the child's name).
    pub summary: String,
    /// Variants chosen, by step key.
    #[serde(default)]
    pub variants: BTreeMap<String, String>,
    /// When it was filed.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub filed_at: time::OffsetDateTime,
    /// Who filed it (an actor id).
    pub filed_by: String,
    /// The declarations filed with it, by step key (checked at filing; each goes to its step's
    /// dossier when the step opens).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub declarations: BTreeMap<String, crate::declaration::FiledDeclaration>,
}

/// What the progress computation needs to know of a started step's dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildView {
    /// Its code.
    pub code: DossierCode,
    /// Its status.
    pub status: Status,
    /// Result document number, once finished.
    pub result_number: Option<String>,
    /// Result summary, once finished.
    pub result_summary: Option<String>,
    /// Its declaration's answers, when it was filed with one.
    pub declaration: Option<crate::declaration::Answers>,
    /// Reason of a refusal, stop or withdrawal.
    pub reason: Option<String>,
}

impl ChildView {
    fn has_result(&self) -> bool {
        matches!(self.status, Status::Finished | Status::Returned)
    }

    fn failed(&self) -> bool {
        matches!(
            self.status,
            Status::Refused | Status::Stopped | Status::Withdrawn
        )
    }
}

/// Where one step is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StepState {
    /// Waiting for the steps it depends on.
    Waiting {
        /// Those not yet done.
        on: Vec<String>,
    },
    /// Its prerequisites are done; its dossier is being opened.
    Ready,
    /// Its dossier is open.
    InProgress,
    /// Its result is there.
    Done,
    /// Refused, stopped or withdrawn.
    NotDone,
    /// Will not start: a step it depends on was not done.
    Blocked {
        /// The step that was not done.
        by: String,
    },
}

/// What the applicant should do about a step that was not done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// The step.
    pub step: String,
    /// Its name.
    pub step_name: String,
    /// Its dossier.
    pub dossier: String,
    /// Its status (`refused`, `stopped`, `withdrawn`).
    pub status: Status,
    /// The agency's reason.
    pub reason: Option<String>,
    /// What to do.
    pub what_to_do: String,
}

/// The whole application's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Overall {
    /// Steps are open or waiting.
    InProgress,
    /// Every step has its result.
    Finished,
    /// A step was refused, stopped or withdrawn: the applicant has something to do.
    NeedsAttention,
}

/// Combined progress of a linked application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    /// Each step's state, in the service's order.
    pub steps: Vec<(String, StepState)>,
    /// Steps with their result.
    pub done: usize,
    /// Steps in all.
    pub total: usize,
    /// The whole.
    pub overall: Overall,
    /// Steps not done, with what to do.
    pub problems: Vec<Problem>,
}

/// Computes where an application is from its steps' dossiers (`children`, by step key).
pub fn progress(service: &LinkedService, children: &BTreeMap<String, ChildView>) -> Progress {
    let mut states: BTreeMap<&str, StepState> = BTreeMap::new();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for s in &service.steps {
        let state = match children.get(&s.key) {
            Some(c) if c.has_result() => StepState::Done,
            Some(c) if c.failed() => {
                problems.push(Problem {
                    step: s.key.clone(),
                    step_name: s.name.clone(),
                    dossier: c.code.to_string(),
                    status: c.status,
                    reason: c.reason.clone(),
                    what_to_do: s.if_not_done.clone(),
                });
                StepState::NotDone
            }
            Some(_) => StepState::InProgress,
            None => {
                let blocked = s.after.iter().find(|d| {
                    matches!(
                        states.get(d.as_str()),
                        Some(StepState::NotDone | StepState::Blocked { .. })
                    )
                });
                match blocked {
                    Some(b) => StepState::Blocked { by: b.clone() },
                    None => {
                        let on: Vec<String> = s
                            .after
                            .iter()
                            .filter(|d| states.get(d.as_str()) != Some(&StepState::Done))
                            .cloned()
                            .collect();
                        if on.is_empty() {
                            StepState::Ready
                        } else {
                            StepState::Waiting { on }
                        }
                    }
                }
            }
        };
        states.insert(&s.key, state.clone());
        out.push((s.key.clone(), state));
    }
    let done = out.iter().filter(|(_, s)| *s == StepState::Done).count();
    let overall = if !problems.is_empty() {
        Overall::NeedsAttention
    } else if done == out.len() {
        Overall::Finished
    } else {
        Overall::InProgress
    };
    Progress {
        total: out.len(),
        steps: out,
        done,
        overall,
        problems,
    }
}

/// The steps whose dossiers should be opened now: every prerequisite has its result and the
/// step has no dossier yet.
pub fn ready_steps<'a>(
    service: &'a LinkedService,
    children: &BTreeMap<String, ChildView>,
) -> Vec<&'a StepDef> {
    let p = progress(service, children);
    service
        .steps
        .iter()
        .zip(p.steps)
        .filter(|(_, (_, st))| *st == StepState::Ready)
        .map(|(s, _)| s)
        .collect()
}

/// The data `step` receives from the steps before it.
pub fn inputs_for(
    step: &StepDef,
    children: &BTreeMap<String, ChildView>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for i in &step.inputs {
        let Some(c) = children.get(&i.from) else {
            continue;
        };
        let v = match &i.source {
            InputSource::ResultNumber => c.result_number.clone(),
            InputSource::ResultSummary => c.result_summary.clone(),
            InputSource::DossierCode => Some(c.code.to_string()),
            InputSource::Declared(path) => c
                .declaration
                .as_ref()
                .and_then(|a| a.at(path))
                .and_then(declared_text),
        };
        if let Some(v) = v {
            out.insert(i.name.clone(), v);
        }
    }
    out
}

/// A declared answer as the text a step's inputs carry: text and dates as given, numbers,
/// yes/no, an address in words, a person by name.
fn declared_text(v: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "yes" } else { "no" }.to_owned()),
        Value::Object(m) if m.contains_key("commune_name") => {
            Some(crate::declaration::show::address_text(m, "vi"))
        }
        Value::Object(m) => m.get("name").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
