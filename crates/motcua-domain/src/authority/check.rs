//! The checker: for one province and date, resolve every procedure of the catalogue for every
//! commune, and report overlaps, gaps, delegations that expired or point to agencies that no
//! longer exist, and procedures whose level changed.

use super::{Basis, Competence, GapCause, Grant, Registry, Resolution, Target};
use crate::agency::Level;
use crate::catalogue::Procedure;
use crate::ids::{AgencyCode, ProcedureCode, ProvinceCode, UnitCode};
use crate::units::Commune;
use serde::Serialize;
use std::collections::BTreeMap;
use time::Date;

/// Two or more agencies competent for one procedure in the same communes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overlap {
    /// Procedure code.
    pub procedure: ProcedureCode,
    /// Procedure name.
    pub procedure_name: String,
    /// The competing rules (and `catalogue` for the national default).
    pub rules: Vec<String>,
    /// The agencies found competent (all communes of the group together).
    pub agencies: Vec<AgencyCode>,
    /// The communes affected.
    pub units: Vec<UnitCode>,
}

/// No agency competent for one procedure in some communes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Gap {
    /// Procedure code.
    pub procedure: ProcedureCode,
    /// Procedure name.
    pub procedure_name: String,
    /// Why.
    pub cause: GapCause,
    /// In words (for the first commune).
    pub reason: String,
    /// The rules involved.
    pub rules: Vec<String>,
    /// The communes affected.
    pub units: Vec<UnitCode>,
}

/// A delegation whose term has ended with no delegation in force to take over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExpiredDelegation {
    /// Rule id.
    pub rule: String,
    /// Its last day.
    pub valid_to: Date,
    /// Legal basis.
    pub legal_basis: String,
}

/// A delegation in force that names an agency that does not exist (never registered, or its
/// commune merged away in the 2025 reorganisation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DanglingRule {
    /// Rule id.
    pub rule: String,
    /// The agency that does not exist.
    pub agency: AgencyCode,
    /// The commune the old one merged into, when the code is an old commune's.
    pub merged_into: Option<UnitCode>,
}

/// A procedure handled at another level than the catalogue's (by a rule), or whose catalogue
/// level changed between versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelChange {
    /// Procedure code.
    pub procedure: ProcedureCode,
    /// Procedure name.
    pub procedure_name: String,
    /// The level before: the catalogue's (or the previous version's).
    pub from: Level,
    /// The level now.
    pub to: Level,
    /// What changed it: rule ids, or `catalogue version N`.
    pub by: Vec<String>,
    /// The communes where it applies (empty for a catalogue change, which applies everywhere).
    pub units: Vec<UnitCode>,
}

/// The checker's report for one province and date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthorityReport {
    /// Province.
    pub province: ProvinceCode,
    /// The date checked.
    pub date: Date,
    /// Procedures checked.
    pub procedures: usize,
    /// Communes checked.
    pub units: usize,
    /// Rules in the province's registry (all dates).
    pub rules: usize,
    /// Overlaps.
    pub overlaps: Vec<Overlap>,
    /// Gaps.
    pub gaps: Vec<Gap>,
    /// Delegations expired with no successor.
    pub expired_delegations: Vec<ExpiredDelegation>,
    /// Delegations in force naming agencies that do not exist.
    pub dangling_delegations: Vec<DanglingRule>,
    /// Procedures whose level changed.
    pub level_changes: Vec<LevelChange>,
}

impl AuthorityReport {
    /// True when nothing needs attention.
    pub fn is_clean(&self) -> bool {
        self.overlaps.is_empty()
            && self.gaps.is_empty()
            && self.expired_delegations.is_empty()
            && self.dangling_delegations.is_empty()
            && self.level_changes.is_empty()
    }
}

/// What the checker needs to know about the world besides the registry.
pub struct Lookups<'a> {
    /// Whether an agency is registered.
    pub exists: &'a dyn Fn(&AgencyCode) -> bool,
    /// A registered agency's level.
    pub level_of: &'a dyn Fn(&AgencyCode) -> Option<Level>,
    /// The new commune an old commune code merged into (the NSO conversion table).
    pub merged_into: &'a dyn Fn(&str) -> Option<UnitCode>,
}

fn chain_ids(c: &Competence) -> Vec<String> {
    c.chain
        .iter()
        .map(|b| match b {
            Basis::Catalogue { .. } => "catalogue".to_owned(),
            Basis::Rule { id, .. } => id.clone(),
        })
        .collect()
}

/// Checks one province on `date`. `procedures` is the current catalogue; `previous_levels`
/// gives, for procedures with an earlier catalogue version at another level, that version and
/// level.
#[allow(clippy::too_many_arguments)]
pub fn check_province(
    province: &ProvinceCode,
    date: Date,
    procedures: &[Procedure],
    communes: &[Commune],
    registry: &Registry,
    lookups: &Lookups<'_>,
    previous_levels: &[(ProcedureCode, u32, Level)],
) -> AuthorityReport {
    let communes: Vec<&Commune> = communes
        .iter()
        .filter(|c| c.province_code == *province)
        .collect();
    let mut overlaps: BTreeMap<(ProcedureCode, Vec<String>), Overlap> = BTreeMap::new();
    let mut gaps: BTreeMap<(ProcedureCode, Vec<String>, GapCause), Gap> = BTreeMap::new();
    let mut levels: BTreeMap<(ProcedureCode, Vec<String>, Level), LevelChange> = BTreeMap::new();
    for p in procedures {
        let base = p.competent_agency_kind.level();
        for c in &communes {
            match registry.resolve(p, c, date, lookups.exists) {
                Resolution::Competent(comp) => {
                    let Some(level) = (lookups.level_of)(&comp.agency) else {
                        continue;
                    };
                    if level != base {
                        let by: Vec<String> = comp
                            .chain
                            .iter()
                            .filter_map(Basis::rule_id)
                            .map(str::to_owned)
                            .collect();
                        levels
                            .entry((p.code.clone(), by.clone(), level))
                            .or_insert_with(|| LevelChange {
                                procedure: p.code.clone(),
                                procedure_name: p.name.clone(),
                                from: base,
                                to: level,
                                by,
                                units: vec![],
                            })
                            .units
                            .push(c.code.clone());
                    }
                }
                Resolution::Gap {
                    cause,
                    reason,
                    rules,
                } => {
                    gaps.entry((p.code.clone(), rules.clone(), cause.clone()))
                        .or_insert_with(|| Gap {
                            procedure: p.code.clone(),
                            procedure_name: p.name.clone(),
                            cause,
                            reason,
                            rules,
                            units: vec![],
                        })
                        .units
                        .push(c.code.clone());
                }
                Resolution::Overlap { competent } => {
                    let mut rules: Vec<String> = competent.iter().flat_map(chain_ids).collect();
                    rules.sort();
                    rules.dedup();
                    let o = overlaps
                        .entry((p.code.clone(), rules.clone()))
                        .or_insert_with(|| Overlap {
                            procedure: p.code.clone(),
                            procedure_name: p.name.clone(),
                            rules,
                            agencies: vec![],
                            units: vec![],
                        });
                    for comp in competent {
                        if !o.agencies.contains(&comp.agency) {
                            o.agencies.push(comp.agency);
                        }
                    }
                    o.units.push(c.code.clone());
                }
            }
        }
    }
    let mut level_changes: Vec<LevelChange> = previous_levels
        .iter()
        .filter_map(|(code, version, from)| {
            let p = procedures.iter().find(|p| p.code == *code)?;
            let to = p.competent_agency_kind.level();
            (to != *from)
                .then(|| LevelChange {
                    procedure: p.code.clone(),
                    procedure_name: p.name.clone(),
                    from: *from,
                    to,
                    by: vec![format!("catalogue version {}", p.version)],
                    units: vec![],
                })
                .filter(|_| *version < p.version)
        })
        .collect();
    level_changes.extend(levels.into_values());

    let province_rules: Vec<_> = registry
        .rules()
        .iter()
        .filter(|r| r.province_code == *province)
        .collect();
    let delegations: Vec<_> = province_rules
        .iter()
        .filter_map(|r| match &r.grant {
            Grant::Delegation { from, to } => Some((*r, from, to)),
            _ => None,
        })
        .collect();
    let expired_delegations = delegations
        .iter()
        .filter(|(r, _, _)| r.valid_to.is_some_and(|t| t < date))
        .filter(|(r, from, _)| {
            // Renewed: a delegation in force for the same subject from the same agency.
            !delegations.iter().any(|(s, sfrom, _)| {
                s.id != r.id && s.in_force(date) && s.subject == r.subject && sfrom == from
            })
        })
        .map(|(r, _, _)| ExpiredDelegation {
            rule: r.id.clone(),
            valid_to: r.valid_to.expect("filtered"),
            legal_basis: r.legal_basis.clone(),
        })
        .collect();
    let mut dangling_delegations = Vec::new();
    for (r, from, to) in delegations.iter().filter(|(r, _, _)| r.in_force(date)) {
        for t in [from, to] {
            if let Target::Agency(a) = t
                && !(lookups.exists)(a)
            {
                let unit = a.as_str().split('.').next().unwrap_or_default();
                dangling_delegations.push(DanglingRule {
                    rule: r.id.clone(),
                    agency: a.clone(),
                    merged_into: (lookups.merged_into)(unit),
                });
            }
        }
    }
    AuthorityReport {
        province: province.clone(),
        date,
        procedures: procedures.len(),
        units: communes.len(),
        rules: province_rules.len(),
        overlaps: overlaps.into_values().collect(),
        gaps: gaps.into_values().collect(),
        expired_delegations,
        dangling_delegations,
        level_changes,
    }
}
