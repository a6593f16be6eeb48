//! The authority registry: who is competent for which procedure, at which level, for an
//! applicant in which commune, on which date — and the chain of legal bases that makes it so.
//!
//! Conclusion 210-KL/TW asks to divide authority between the central, provincial and commune
//! levels for each field and to "eliminate overlaps and gaps". Competence here comes from three
//! layers, the most specific winning:
//!
//! 1. the national catalogue: each procedure names its competent level and kind of agency
//!    (`Procedure::competent_agency_kind`), which resolves per commune to a concrete agency
//!    (`24958.UBND` for a commune People's Committee, `68.STP` for a provincial department);
//! 2. the province's **assignments** (the published list of who handles a procedure or a whole
//!    field): once a province assigns a procedure, the list is the whole truth for that
//!    province — a commune it leaves out has no competent agency (a *gap*);
//! 3. **decentralisations** (phân cấp, Law on Organisation of Local Government 2025 art. 13):
//!    a competence handed to another level or body for the listed units, overriding (1) and (2)
//!    there;
//!
//! and on top, **delegations** (ủy quyền, same law art. 14): an agency lets another act in its
//! name, for a scope and a fixed term; a delegate may not delegate further, so one step applies.
//!
//! Every rule carries its legal basis, issuing body and validity (`valid_from`..=`valid_to`);
//! rules are never edited, only ended and succeeded, so the registry answers for any date. Two
//! rules of the same layer naming different agencies for one commune make an *overlap*.

mod check;
mod filing;

pub use check::{
    AuthorityReport, DanglingRule, ExpiredDelegation, Gap, LevelChange, Lookups, Overlap,
    check_province,
};
pub use filing::{FilingRefusal, may_file_at};

use crate::agency::{AgencyKind, Level};
use crate::catalogue::Procedure;
use crate::ids::{AgencyCode, ProcedureCode, ProvinceCode, UnitCode};
use crate::problem::{Problem, Problems, Wrong};
use crate::units::Commune;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use time::Date;

/// What a rule is about: one procedure, or every procedure of a field (lĩnh vực).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Subject {
    /// One procedure, by national code.
    Procedure(ProcedureCode),
    /// A whole field, by its name in the catalogue (e.g. "Hộ tịch").
    Field(String),
}

impl Subject {
    /// How specifically this subject names `p`: 2 for the procedure itself, 1 for its field,
    /// `None` when it does not cover it.
    fn specificity(&self, p: &Procedure) -> Option<u8> {
        match self {
            Subject::Procedure(c) if *c == p.code => Some(2),
            Subject::Field(f) if f.eq_ignore_ascii_case(&p.field) || *f == p.field => Some(1),
            _ => None,
        }
    }
}

/// An agency a rule names: a kind (resolved per commune: that commune's body for commune-level
/// kinds, the province's for the others) or one concrete agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Target {
    /// A kind of agency.
    Kind(AgencyKind),
    /// A concrete agency.
    Agency(AgencyCode),
}

impl Target {
    /// The concrete agency this target means for an applicant in `unit`.
    pub fn resolve(&self, unit: &Commune) -> AgencyCode {
        match self {
            Target::Agency(a) => a.clone(),
            Target::Kind(k) => standard_agency(*k, unit),
        }
    }
}

/// The standard agency of kind `k` serving `unit`.
pub fn standard_agency(k: AgencyKind, unit: &Commune) -> AgencyCode {
    let owner = match k.level() {
        Level::Commune => unit.code.as_str(),
        Level::Province | Level::Central => unit.province_code.as_str(),
    };
    AgencyCode::parse(&format!("{owner}.{}", k.suffix())).expect("unit codes are digits")
}

/// What a rule grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Grant {
    /// The province's assignment (giao, phân công) of the subject to `to`.
    Assignment {
        /// The competent agency.
        to: Target,
    },
    /// Decentralisation (phân cấp) of the subject to `to` for the rule's units.
    Decentralisation {
        /// The agency that becomes competent.
        to: Target,
    },
    /// Delegation (ủy quyền): `to` acts in the name of `from` for the rule's units and term.
    Delegation {
        /// The delegating (competent) agency.
        from: Target,
        /// The delegate.
        to: Target,
    },
    /// Consultation (lấy ý kiến, phối hợp): the subject's dossiers of the rule's units may be
    /// sent to `to` for an opinion. Grants no competence; it is what lets a consultation leave
    /// the province (inside it any agency may be consulted).
    Consultation {
        /// The agency that may be consulted.
        to: Target,
    },
}

impl Grant {
    /// The rule kind's name, for reports.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Grant::Assignment { .. } => "assignment",
            Grant::Decentralisation { .. } => "decentralisation",
            Grant::Delegation { .. } => "delegation",
            Grant::Consultation { .. } => "consultation",
        }
    }
}

/// One rule of the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthorityRule {
    /// Stable identifier, unique in the registry (e.g. `68-2025-PC-01`).
    pub id: String,
    /// The province whose registry holds it (the tenant key).
    pub province_code: ProvinceCode,
    /// What it is about.
    pub subject: Subject,
    /// What it grants.
    #[serde(flatten)]
    pub grant: Grant,
    /// The communes it covers; empty for the whole province.
    #[serde(default)]
    pub units: Vec<UnitCode>,
    /// First day in force.
    pub valid_from: Date,
    /// Last day in force; open-ended when absent.
    #[serde(default)]
    pub valid_to: Option<Date>,
    /// Legal basis (the decision's number, date and article).
    pub legal_basis: String,
    /// The body that issued it.
    pub issued_by: String,
    /// True for the demo's illustrative rules (not real decisions); shown as "example".
    #[serde(default)]
    pub example: bool,
}

/// Why a rule is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("authority rule {id}: {message}")]
pub struct InvalidRule {
    /// The rule id (as given).
    pub id: String,
    /// What is wrong, in one line.
    pub message: String,
    /// Every problem, with its place.
    pub problems: Vec<Problem>,
}

impl AuthorityRule {
    /// Checks the rule on its own: id, texts, dates, units in the rule's province, no agency
    /// delegating to itself. The problems, as one error (see [`Self::problems`]).
    pub fn validate(&self, province_communes: &[Commune]) -> Result<(), InvalidRule> {
        let problems = self.problems(province_communes);
        if problems.is_empty() {
            return Ok(());
        }
        Err(InvalidRule {
            id: self.id.clone(),
            message: crate::problem::join(&problems),
            problems,
        })
    }

    /// Every problem of the rule, each with its place (`id`, `legal_basis`, `units.3`, …).
    pub fn problems(&self, province_communes: &[Commune]) -> Vec<Problem> {
        let mut p = Problems::default();
        // Starting with a letter or digit: `.` and `..` are not ids (nor path segments).
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 64
            && self.id.as_bytes()[0].is_ascii_alphanumeric()
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b));
        if self.id.trim().is_empty() {
            p.add("id", Wrong::Required);
        } else if !id_ok {
            p.add("id", Wrong::BadId);
        }
        if let Subject::Field(f) = &self.subject {
            p.text("subject.field", f, 200);
        }
        if let Grant::Delegation { from, to } = &self.grant
            && (from == to || self.same_provincial_agency(from, to))
        {
            p.add("to", Wrong::SelfDelegation);
        }
        let mut seen = BTreeSet::new();
        for (i, u) in self.units.iter().enumerate() {
            if !province_communes.iter().any(|c| c.code == *u) {
                p.add(format!("units.{i}"), Wrong::OutsideProvince);
            } else if !seen.insert(u) {
                p.add(format!("units.{i}"), Wrong::Repeated);
            }
        }
        let plausible = |d: Date| (1945..=2100).contains(&d.year());
        if !plausible(self.valid_from) {
            p.add("valid_from", Wrong::BadDate);
        }
        if let Some(to) = self.valid_to {
            if !plausible(to) {
                p.add("valid_to", Wrong::BadDate);
            } else if to < self.valid_from {
                p.add("valid_to", Wrong::EndsBeforeStart);
            }
        }
        p.text("legal_basis", &self.legal_basis, 500);
        p.text("issued_by", &self.issued_by, 500);
        p.0
    }

    /// Whether two targets name one body of the province: a provincial kind is one agency
    /// (`68.STP` is "the Department of Justice" of province 68).
    fn same_provincial_agency(&self, a: &Target, b: &Target) -> bool {
        let resolve = |t: &Target| match t {
            Target::Agency(x) => Some(x.to_string()),
            Target::Kind(k) if k.level() != Level::Commune => {
                Some(format!("{}.{}", self.province_code, k.suffix()))
            }
            Target::Kind(_) => None,
        };
        matches!((resolve(a), resolve(b)), (Some(x), Some(y)) if x == y)
    }

    /// True when in force on `date`.
    pub fn in_force(&self, date: Date) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|t| date <= t)
    }

    /// True when it covers the commune `unit`.
    pub fn covers(&self, unit: &UnitCode) -> bool {
        self.units.is_empty() || self.units.contains(unit)
    }
}

/// One link of the chain that makes an agency competent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Basis {
    /// The national catalogue's record of the procedure.
    Catalogue {
        /// Procedure code.
        procedure: ProcedureCode,
        /// Catalogue version.
        version: u32,
        /// The competent kind it names.
        agency_kind: AgencyKind,
        /// The procedure's legal basis.
        legal_basis: Vec<String>,
    },
    /// A rule of the registry.
    Rule {
        /// Rule id.
        id: String,
        /// `assignment`, `decentralisation` or `delegation`.
        kind: String,
        /// Legal basis.
        legal_basis: String,
        /// Issuing body.
        issued_by: String,
        /// First day in force.
        valid_from: Date,
        /// Last day in force.
        valid_to: Option<Date>,
        /// True for an illustrative demo rule.
        example: bool,
    },
}

impl Basis {
    fn of_rule(r: &AuthorityRule) -> Self {
        Basis::Rule {
            id: r.id.clone(),
            kind: r.grant.kind_name().to_owned(),
            legal_basis: r.legal_basis.clone(),
            issued_by: r.issued_by.clone(),
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            example: r.example,
        }
    }

    /// The rule id, for rules.
    pub fn rule_id(&self) -> Option<&str> {
        match self {
            Basis::Rule { id, .. } => Some(id),
            Basis::Catalogue { .. } => None,
        }
    }
}

/// A competent agency with the chain that makes it so (first the source of competence, then
/// any delegation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Competence {
    /// The agency that handles the dossier.
    pub agency: AgencyCode,
    /// Why.
    pub chain: Vec<Basis>,
}

/// How intake routed a dossier: for an applicant in `applicant_unit`, on `date`, the registry
/// made the dossier's competent agency competent by `chain`. Kept on the dossier and in its first
/// event, so the rule that routed it stays known after the registry changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Routing {
    /// The applicant's commune.
    pub applicant_unit: UnitCode,
    /// The date the registry was read for.
    pub date: Date,
    /// The bases, first the source of competence, then any delegation.
    pub chain: Vec<Basis>,
}

impl Routing {
    /// The chain in words, for the processing control slip: "danh mục TTHC 1.004873 v1 → ủy
    /// quyền 68-UQ-1 (Quyết định …)".
    pub fn describe_vi(&self) -> String {
        self.chain
            .iter()
            .map(|b| match b {
                Basis::Catalogue {
                    procedure, version, ..
                } => format!("danh mục TTHC {procedure} v{version}"),
                Basis::Rule {
                    id,
                    kind,
                    legal_basis,
                    ..
                } => {
                    let kind = match kind.as_str() {
                        "assignment" => "giao",
                        "decentralisation" => "phân cấp",
                        "delegation" => "ủy quyền",
                        other => other,
                    };
                    format!("{kind} {id} ({legal_basis})")
                }
            })
            .collect::<Vec<_>>()
            .join(" → ")
    }
}

/// The registry's answer for one procedure, commune and date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Resolution {
    /// Exactly one agency is competent.
    Competent(Competence),
    /// No agency: the province's assignment leaves the commune out, or the agency named is not
    /// registered.
    Gap {
        /// Why there is none.
        cause: GapCause,
        /// What is missing, in words.
        reason: String,
        /// The rules involved (empty when none).
        rules: Vec<String>,
    },
    /// More than one agency is competent.
    Overlap {
        /// Each with its chain.
        competent: Vec<Competence>,
    },
}

/// Why no agency is competent.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GapCause {
    /// The province assigned the procedure, but not for this commune.
    NotCovered,
    /// The agencies named are not registered (never were, or merged away).
    NotRegistered {
        /// The agencies named.
        agencies: Vec<AgencyCode>,
    },
}

/// The rules of one province, for resolving and checking.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    rules: Vec<AuthorityRule>,
}

impl Registry {
    /// A registry over `rules` (of one province; others are ignored by every query).
    pub fn new(rules: Vec<AuthorityRule>) -> Self {
        Self { rules }
    }

    /// The rules, in the order given.
    pub fn rules(&self) -> &[AuthorityRule] {
        &self.rules
    }

    /// Whether a consultation rule in force on `date` lets dossiers of `p` for an applicant in
    /// `unit` be sent to `agency` for an opinion.
    pub fn consultation_allowed(
        &self,
        p: &Procedure,
        unit: &Commune,
        date: Date,
        agency: &AgencyCode,
    ) -> bool {
        self.rules.iter().any(|r| {
            r.province_code == unit.province_code
                && r.in_force(date)
                && r.subject.specificity(p).is_some()
                && r.covers(&unit.code)
                && matches!(&r.grant, Grant::Consultation { to } if to.resolve(unit) == *agency)
        })
    }

    /// Who is competent for `p` for an applicant in `unit` on `date`; `exists` says whether an
    /// agency code is registered.
    pub fn resolve(
        &self,
        p: &Procedure,
        unit: &Commune,
        date: Date,
        exists: &dyn Fn(&AgencyCode) -> bool,
    ) -> Resolution {
        let in_force = |r: &&AuthorityRule| {
            r.province_code == unit.province_code
                && r.in_force(date)
                && r.subject.specificity(p).is_some()
        };
        // The most specific rules of a kind win (the procedure over its field).
        let pick = |want: fn(&Grant) -> bool| -> Vec<&AuthorityRule> {
            let all: Vec<&AuthorityRule> = self
                .rules
                .iter()
                .filter(in_force)
                .filter(|r| want(&r.grant))
                .collect();
            let best = all.iter().filter_map(|r| r.subject.specificity(p)).max();
            all.into_iter()
                .filter(|r| r.subject.specificity(p) == best)
                .collect()
        };
        let decentralised: Vec<&AuthorityRule> =
            pick(|g| matches!(g, Grant::Decentralisation { .. }))
                .into_iter()
                .filter(|r| r.covers(&unit.code))
                .collect();
        let mut sources: Vec<Competence> = Vec::new();
        let mut push = |agency: AgencyCode, basis: Basis| {
            // The same agency by two rules is not an overlap; the first basis is kept.
            if !sources.iter().any(|c| c.agency == agency) {
                sources.push(Competence {
                    agency,
                    chain: vec![basis],
                });
            }
        };
        if !decentralised.is_empty() {
            for r in &decentralised {
                if let Grant::Decentralisation { to } = &r.grant {
                    push(to.resolve(unit), Basis::of_rule(r));
                }
            }
        } else {
            let assigned = pick(|g| matches!(g, Grant::Assignment { .. }));
            if assigned.is_empty() {
                push(
                    standard_agency(p.competent_agency_kind, unit),
                    Basis::Catalogue {
                        procedure: p.code.clone(),
                        version: p.version,
                        agency_kind: p.competent_agency_kind,
                        legal_basis: p.legal_basis.clone(),
                    },
                );
            } else {
                let covering: Vec<_> = assigned.iter().filter(|r| r.covers(&unit.code)).collect();
                if covering.is_empty() {
                    return Resolution::Gap {
                        cause: GapCause::NotCovered,
                        reason: format!(
                            "the province's assignment of {} does not cover {}",
                            p.code, unit.name
                        ),
                        rules: assigned.iter().map(|r| r.id.clone()).collect(),
                    };
                }
                for r in covering {
                    if let Grant::Assignment { to } = &r.grant {
                        push(to.resolve(unit), Basis::of_rule(r));
                    }
                }
            }
        }
        // Delegations apply once (a delegate may not delegate further).
        let delegations = pick(|g| matches!(g, Grant::Delegation { .. }));
        let mut competent: Vec<Competence> = Vec::new();
        for source in sources {
            let delegates: Vec<&AuthorityRule> = delegations
                .iter()
                .copied()
                .filter(|r| r.covers(&unit.code))
                .filter(|r| matches!(&r.grant, Grant::Delegation { from, .. } if from.resolve(unit) == source.agency))
                .collect();
            if delegates.is_empty() {
                competent.push(source);
            } else {
                for r in delegates {
                    if let Grant::Delegation { to, .. } = &r.grant {
                        let mut chain = source.chain.clone();
                        chain.push(Basis::of_rule(r));
                        competent.push(Competence {
                            agency: to.resolve(unit),
                            chain,
                        });
                    }
                }
            }
        }
        let mut seen = BTreeSet::new();
        competent.retain(|c| seen.insert(c.agency.clone()));
        let (known, missing): (Vec<_>, Vec<_>) =
            competent.into_iter().partition(|c| exists(&c.agency));
        match known.len() {
            1 => Resolution::Competent(known.into_iter().next().expect("one")),
            0 => {
                let names: Vec<String> = missing.iter().map(|c| c.agency.to_string()).collect();
                Resolution::Gap {
                    cause: GapCause::NotRegistered {
                        agencies: missing.iter().map(|c| c.agency.clone()).collect(),
                    },
                    reason: format!(
                        "no registered agency: {} is not registered",
                        names.join(", ")
                    ),
                    rules: missing
                        .iter()
                        .flat_map(|c| c.chain.iter().filter_map(Basis::rule_id))
                        .map(str::to_owned)
                        .collect(),
                }
            }
            _ => Resolution::Overlap { competent: known },
        }
    }
}

#[cfg(test)]
mod tests;
