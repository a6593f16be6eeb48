//! The integrity review (issue #7): brokers, forbidden demands, units and officers far above
//! their peers, and communes that need support with newly decentralised procedures. Evidence for
//! leaders; nothing here acts on anyone.

use crate::AppError;
use crate::monitoring::ReportUnit;
use crate::ports::KpiQuery;
use crate::service::{Actor, App};
use motcua_domain::agency::Level;
use motcua_domain::ids::AgencyCode;
use motcua_domain::integrity::{
    BrokerCluster, DemandFlag, Outlier, OutlierRule, RateInput, broker_clusters, demand_flags,
    outliers,
};
use motcua_domain::kpi::{Measure, Period};
use serde::Serialize;
use std::collections::BTreeMap;

/// The most dossiers one review reads (a province's quarter is far below it).
pub const MAX_SCANNED: u32 = 500_000;

/// The integrity review of a unit for a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntegrityReport {
    /// The unit's code.
    pub unit: String,
    /// Its name.
    pub unit_name: String,
    /// The period's label.
    pub period: String,
    /// Different applicants one contact must serve to be listed.
    pub threshold: usize,
    /// How far above their peers rates must be to be listed.
    pub rule: OutlierRule,
    /// Dossiers read for the contact and demand checks.
    pub scanned: usize,
    /// Contacts shared by many unrelated applicants.
    pub brokers: Vec<BrokerCluster>,
    /// Refusals and supplement requests demanding what Dispatch 111/CĐ-TTg forbids.
    pub demands: Vec<DemandFlag>,
    /// Competent agencies refusing far more than their peers (refused ÷ filed).
    pub agency_refusals: Vec<Outlier>,
    /// Competent agencies asking for supplements far more than their peers (÷ received).
    pub agency_supplements: Vec<Outlier>,
    /// Officers refusing far more than their peers (refusals ÷ intake decisions).
    pub officer_refusals: Vec<Outlier>,
    /// Officers asking for supplements far more than their peers (÷ their actions).
    pub officer_supplements: Vec<Outlier>,
    /// Communes late far more often than the province (late ÷ finished): send support.
    pub capacity_late: Vec<Outlier>,
    /// Communes asking for supplements far more often than the province.
    pub capacity_supplements: Vec<Outlier>,
}

impl App {
    /// The integrity review of a unit for a period (its leaders, its province's administrators).
    pub async fn integrity_report(
        &self,
        actor: &Actor,
        unit_code: &str,
        period: Period,
        threshold: usize,
    ) -> Result<IntegrityReport, AppError> {
        let unit = self.monitored_unit(actor, unit_code).await?;
        let (from, to) = period.months();
        let (start, end) = period.bounds();
        let in_unit = |a: &AgencyCode| unit.agencies.as_ref().is_none_or(|l| l.contains(a));
        // The review names applicants and contacts: only of dossiers the reader may open (an
        // agency's leader sees the commune's rates, not the other agencies' applicants).
        let mut dossiers = Vec::new();
        for d in self
            .store
            .dossiers_submitted(&unit.province, start, end, MAX_SCANNED)
            .await?
        {
            if (in_unit(&d.receiving_agency) || in_unit(&d.competent_agency))
                && self.may_see(actor, &d).await
            {
                dossiers.push(d);
            }
        }
        let rule = OutlierRule::default();
        // Peers are the whole province; the unit sees its own among them.
        let rows = self
            .store
            .kpi_rows(&KpiQuery {
                province: unit.province.clone(),
                agencies: None,
                from_month: from.clone(),
                to_month: to.clone(),
            })
            .await?;
        let mut by_agency: BTreeMap<(AgencyCode, String), motcua_domain::kpi::Counts> =
            BTreeMap::new();
        for r in &rows {
            by_agency
                .entry((r.agency.clone(), r.procedure.to_string()))
                .or_default()
                .add(&r.counts);
        }
        let rates = |num: Measure, den: Measure| -> Vec<RateInput> {
            by_agency
                .iter()
                .map(|((a, p), c)| RateInput {
                    who: a.to_string(),
                    procedure: p.clone(),
                    numerator: c.get(num),
                    denominator: c.get(den),
                })
                .collect()
        };
        let mine = |o: &Vec<Outlier>, unit: &ReportUnit| -> Vec<Outlier> {
            o.iter()
                .filter(|x| {
                    unit.agencies
                        .as_ref()
                        .is_none_or(|l| l.iter().any(|a| a.as_str() == x.who))
                })
                .cloned()
                .collect()
        };
        let agency_refusals = mine(
            &outliers(&rates(Measure::Refused, Measure::Filed), rule),
            &unit,
        );
        let agency_supplements = mine(
            &outliers(&rates(Measure::Supplemented, Measure::Received), rule),
            &unit,
        );
        // Communes: the commune-level agencies' counters summed by commune.
        let mut by_commune: BTreeMap<(String, String), motcua_domain::kpi::Counts> =
            BTreeMap::new();
        for ((a, p), c) in &by_agency {
            if let Ok(agency) = self.agency(a).await
                && agency.level == Level::Commune
                && let Some(u) = &agency.unit_code
            {
                let name = self
                    .units()
                    .commune(u)
                    .map(|c| format!("{u} {}", c.name))
                    .unwrap_or_else(|| u.to_string());
                by_commune.entry((name, p.clone())).or_default().add(c);
            }
        }
        let commune_rates = |num: Measure, den: Measure| -> Vec<RateInput> {
            by_commune
                .iter()
                .map(|((u, p), c)| RateInput {
                    who: u.clone(),
                    procedure: p.clone(),
                    numerator: c.get(num),
                    denominator: c.get(den),
                })
                .collect()
        };
        let commune_filter = |o: Vec<Outlier>| -> Vec<Outlier> {
            match unit.level {
                motcua_domain::index766::UnitLevel::Commune => o
                    .into_iter()
                    .filter(|x| x.who.starts_with(&unit.code))
                    .collect(),
                motcua_domain::index766::UnitLevel::Province => o,
                motcua_domain::index766::UnitLevel::Agency => Vec::new(),
            }
        };
        let capacity_late = commune_filter(outliers(
            &commune_rates(Measure::Late, Measure::Finished),
            rule,
        ));
        let capacity_supplements = commune_filter(outliers(
            &commune_rates(Measure::Supplemented, Measure::Received),
            rule,
        ));
        // Officers, by name where the token is on record.
        let officers = self
            .store
            .officer_rows(&unit.province, None, &from, &to)
            .await?;
        let mut by_officer: BTreeMap<(String, String), motcua_domain::kpi::OfficerCounts> =
            BTreeMap::new();
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        for r in &officers {
            by_officer
                .entry((r.officer.clone(), r.procedure.to_string()))
                .or_default()
                .add(&r.counts);
            names.insert(
                r.officer.clone(),
                format!(
                    "{} · {}",
                    r.label.as_deref().unwrap_or(&r.officer),
                    r.agency
                ),
            );
        }
        let officer_rates = |f: fn(&motcua_domain::kpi::OfficerCounts) -> (i64, i64)| {
            by_officer
                .iter()
                .map(|((o, p), c)| {
                    let (n, d) = f(c);
                    RateInput {
                        who: o.clone(),
                        procedure: p.clone(),
                        numerator: n,
                        denominator: d,
                    }
                })
                .collect::<Vec<_>>()
        };
        let named = |v: Vec<Outlier>| -> Vec<Outlier> {
            v.into_iter()
                .map(|mut o| {
                    if let Some(n) = names.get(&o.who) {
                        o.who = n.clone();
                    }
                    o
                })
                .collect()
        };
        // An officer's rows carry the agency they acted for; the unit sees its agencies' officers.
        let officer_in_unit = |o: &Outlier| -> bool {
            unit.agencies.is_none()
                || officers.iter().any(|r| {
                    r.officer == o.who
                        && unit
                            .agencies
                            .as_ref()
                            .is_some_and(|l| l.iter().any(|a| a.as_str() == r.agency))
                })
        };
        let officer_refusals: Vec<Outlier> =
            outliers(&officer_rates(|c| (c.refusals(), c.intakes())), rule)
                .into_iter()
                .filter(|o| officer_in_unit(o))
                .collect();
        let officer_supplements: Vec<Outlier> = outliers(
            &officer_rates(|c| (c.supplement_requests(), c.actions())),
            rule,
        )
        .into_iter()
        .filter(|o| officer_in_unit(o))
        .collect();
        Ok(IntegrityReport {
            unit: unit.code.clone(),
            unit_name: unit.name.clone(),
            period: period.label(),
            threshold,
            rule,
            scanned: dossiers.len(),
            brokers: broker_clusters(&dossiers, threshold),
            demands: demand_flags(&dossiers),
            agency_refusals,
            agency_supplements,
            officer_refusals: named(officer_refusals),
            officer_supplements: named(officer_supplements),
            capacity_late,
            capacity_supplements,
        })
    }
}
