//! The assistant's evaluation set (`data/search/eval.toml`) and its runner: top-1 and top-3
//! accuracy, latency, and a grounding check of every answer.

use crate::assistant::{Kind, Lang, check_grounded, compose, decide, detect_language};
use crate::index::ProcedureIndex;
use motcua_domain::catalogue::Procedure;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Instant;

/// The evaluation set shipped with the binary.
pub const EMBEDDED: &str = include_str!("../../../data/search/eval.toml");

/// One question and the procedures that answer it (none: the catalogue has no answer).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The question as a citizen would ask it.
    pub q: String,
    /// Acceptable procedure codes; empty when the right answer is "nothing matches".
    pub expect: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    question: Vec<Question>,
}

/// Parses an evaluation file.
pub fn parse(text: &str) -> Result<Vec<Question>, String> {
    toml::from_str::<File>(text)
        .map(|f| f.question)
        .map_err(|e| e.to_string())
}

/// A question the assistant got wrong.
#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    /// The question.
    pub q: String,
    /// What was expected.
    pub expect: Vec<String>,
    /// What the assistant ranked first (at most three), and its kind of answer.
    pub got: Vec<String>,
    /// `answer`, `clarify` or `no_match`.
    pub kind: Kind,
}

/// The result of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Questions asked.
    pub questions: usize,
    /// Of which Vietnamese with diacritics / without / English.
    pub by_language: HashMap<String, usize>,
    /// Share with the expected procedure first (or "nothing matches" when none is expected).
    pub top1: f64,
    /// Share with an expected procedure among the first three.
    pub top3: f64,
    /// Median time per question (retrieval and answer), milliseconds.
    pub p50_ms: f64,
    /// 95th percentile, milliseconds.
    pub p95_ms: f64,
    /// Slowest, milliseconds.
    pub max_ms: f64,
    /// Answers stating something their record does not hold (must be empty).
    pub grounding_problems: Vec<String>,
    /// Questions missed at top-1.
    pub misses: Vec<Miss>,
}

/// The value at share `p` of sorted samples (nearest rank; 0 when there are none).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Asks every question of `set` and scores the answers. Questions are asked without a commune.
pub fn run(index: &ProcedureIndex, catalogue: &[Procedure], set: &[Question]) -> Report {
    let records: HashMap<String, &Procedure> =
        catalogue.iter().map(|p| (p.code.to_string(), p)).collect();
    let (mut top1, mut top3) = (0usize, 0usize);
    let mut times = Vec::with_capacity(set.len());
    let mut misses = Vec::new();
    let mut grounding_problems = Vec::new();
    let mut by_language: HashMap<String, usize> = HashMap::new();
    for item in set {
        let lang = detect_language(&item.q);
        let tag = match lang {
            Lang::En => "en",
            Lang::Vi if item.q.is_ascii() => "vi_unaccented",
            Lang::Vi => "vi",
        };
        *by_language.entry(tag.into()).or_default() += 1;
        let started = Instant::now();
        let decision = decide(index, &item.q, None);
        let answer = compose(&decision, &records, lang, &|_| None, None);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        for p in check_grounded(&answer, &records) {
            grounding_problems.push(format!("{:?}: {p}", item.q));
        }
        let ranked: Vec<String> = decision.ranked.iter().map(|h| h.code.to_string()).collect();
        let (hit1, hit3) = if item.expect.is_empty() {
            let ok = decision.kind == Kind::NoMatch;
            (ok, ok)
        } else if decision.kind == Kind::NoMatch {
            (false, false)
        } else {
            (
                ranked.first().is_some_and(|c| item.expect.contains(c)),
                ranked.iter().take(3).any(|c| item.expect.contains(c)),
            )
        };
        top1 += usize::from(hit1);
        top3 += usize::from(hit3);
        if !hit1 {
            misses.push(Miss {
                q: item.q.clone(),
                expect: item.expect.clone(),
                got: ranked.into_iter().take(3).collect(),
                kind: decision.kind,
            });
        }
    }
    times.sort_by(f64::total_cmp);
    let n = set.len().max(1) as f64;
    Report {
        questions: set.len(),
        by_language,
        top1: top1 as f64 / n,
        top3: top3 as f64 / n,
        p50_ms: percentile(&times, 0.5),
        p95_ms: percentile(&times, 0.95),
        max_ms: times.last().copied().unwrap_or(0.0),
        grounding_problems,
        misses,
    }
}
