//! The monitoring toolkit's reads (issue #7): the Decision 766 service index and the live
//! indicators of a unit — a province, a commune, or one agency — for a month, quarter or year,
//! computed from the monthly counters (`kpi_monthly`), never by scanning dossiers.

use crate::service::{Actor, App};
use crate::{
    AppError,
    ports::{KpiGroup, KpiQuery},
};
use motcua_domain::access::Jurisdiction;
use motcua_domain::agency::{Agency, Level};
use motcua_domain::catalogue::{Channel, Procedure};
use motcua_domain::ids::{AgencyCode, ProcedureCode, ProvinceCode, UnitCode};
use motcua_domain::index766::{self, IndexScore, Input, UnitLevel};
use motcua_domain::kpi::{Counts, Measure, Period, percentile_bound};
use serde::Serialize;
use std::collections::BTreeMap;

/// The unit a report is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportUnit {
    /// Its code as asked: `68`, `22945`, `68.SNV`.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Province, commune or agency.
    pub level: UnitLevel,
    /// Its province.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub province: ProvinceCode,
    /// The competent agencies counted (`None`: every agency of the province).
    #[serde(skip)]
    pub agencies: Option<Vec<AgencyCode>>,
    /// The agency itself, for an agency.
    #[serde(skip)]
    pub agency: Option<Agency>,
}

/// The index of a unit for a period, shaped like the national portal's reporting API.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndexReport {
    /// The unit's code as asked (`68`, `22945`, `68.SNV`).
    pub unit: String,
    /// Its name.
    pub unit_name: String,
    /// Province, commune or agency (a commune gets full points where a metric does not apply).
    pub level: UnitLevel,
    /// The period's label (`2025-Q1`).
    pub period: String,
    /// The period.
    pub period_detail: Period,
    /// Points earned.
    pub total: f64,
    /// Points of metrics with no data or nothing to count.
    pub unmeasured: f64,
    /// By group.
    pub groups: Vec<index766::GroupScore>,
    /// Every metric with its inputs.
    pub metrics: Vec<index766::MetricScore>,
}

/// Counts of a slice of dossiers (one agency, one procedure, one month, or all).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KpiLine {
    /// What the line is (an agency code, a procedure code, a month, `total`).
    pub key: String,
    /// Its name, where it has one.
    pub name: String,
    /// Filed (every channel).
    pub filed: i64,
    /// Received.
    pub received: i64,
    /// Finished.
    pub finished: i64,
    /// Finished early.
    pub early: i64,
    /// Finished on time (not early).
    pub on_time: i64,
    /// Finished late.
    pub late: i64,
    /// Open and past their due date now.
    pub overdue_now: i64,
    /// Still owed to the applicant.
    pub open: i64,
    /// Refused, withdrawn or stopped.
    pub closed_without_result: i64,
    /// Share filed online, 0–1 (`None` when nothing was filed).
    pub online_share: Option<f64>,
    /// Share finished early or on time, of those finished, 0–1.
    pub on_time_share: Option<f64>,
    /// Supplement requests, as a share of received, 0–1.
    pub supplement_share: Option<f64>,
    /// Refusals, as a share of filed, 0–1.
    pub refusal_share: Option<f64>,
    /// Average processing time in hours (receipt to result, supplement pauses excluded).
    pub avg_processing_hours: Option<f64>,
    /// Median processing time: the upper bound of its histogram bucket, in hours (`None`
    /// when unknown or above 30 days).
    pub p50_hours_at_most: Option<f64>,
    /// 90th percentile, likewise.
    pub p90_hours_at_most: Option<f64>,
    /// Draft decisions an approver decided on (approved or returned) in these dossiers.
    pub approvals: i64,
    /// How long a draft waited for its approver, on average, in hours (calendar time; one
    /// decimal); `None` when none was decided.
    pub avg_approval_hours: Option<f64>,
}

/// One officer's work in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficerLine {
    /// The actor id.
    pub officer: String,
    /// The name on record.
    pub name: String,
    /// Actions taken in the period.
    pub actions: i64,
    /// Results recorded in the period.
    pub finishes: i64,
}

/// The live indicators of a unit for a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KpiReport {
    /// The unit.
    pub unit: ReportUnit,
    /// The period's label.
    pub period: String,
    /// Everything submitted in the period.
    pub total: KpiLine,
    /// Open now, whenever submitted (the backlog).
    pub backlog_now: i64,
    /// Open and past their due date now, whenever submitted.
    pub overdue_now: i64,
    /// By competent agency.
    pub by_agency: Vec<KpiLine>,
    /// By procedure.
    pub by_procedure: Vec<KpiLine>,
    /// By month.
    pub by_month: Vec<KpiLine>,
    /// By officer (an agency's report only).
    pub officers: Vec<OfficerLine>,
    /// The load now: open dossiers held by the agency, by the handler they are assigned to
    /// (`""`: not assigned yet), most first (an agency's report only; at most the first 5,000
    /// open dossiers are read).
    pub load_now: Vec<(String, i64)>,
}

fn share(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| (n as f64 / d as f64 * 10_000.0).round() / 10_000.0)
}

fn hours(secs: Option<Option<i64>>) -> Option<f64> {
    secs.flatten().map(|s| s as f64 / 3600.0)
}

/// A line from summed counters.
pub fn line(key: String, name: String, c: &Counts, overdue_now: i64) -> KpiLine {
    let g = |m| c.get(m);
    let finished = g(Measure::Finished);
    KpiLine {
        key,
        name,
        filed: g(Measure::Filed),
        received: g(Measure::Received),
        finished,
        early: g(Measure::Early),
        on_time: g(Measure::OnTime),
        late: g(Measure::Late),
        overdue_now,
        open: g(Measure::Open),
        closed_without_result: g(Measure::Refused) + g(Measure::Withdrawn) + g(Measure::Stopped),
        online_share: share(g(Measure::ChannelOnline), g(Measure::Filed)),
        on_time_share: share(g(Measure::Early) + g(Measure::OnTime), finished),
        supplement_share: share(g(Measure::Supplemented), g(Measure::Received)),
        refusal_share: share(g(Measure::Refused), g(Measure::Filed)),
        avg_processing_hours: (g(Measure::TimedCount) > 0).then(|| {
            let h = g(Measure::TimedSeconds) as f64 / g(Measure::TimedCount) as f64 / 3600.0;
            (h * 10.0).round() / 10.0
        }),
        p50_hours_at_most: hours(percentile_bound(c, 0.5)),
        p90_hours_at_most: hours(percentile_bound(c, 0.9)),
        approvals: g(Measure::ApprovalRounds),
        avg_approval_hours: (g(Measure::ApprovalRounds) > 0).then(|| {
            let h = g(Measure::ApprovalSeconds) as f64 / g(Measure::ApprovalRounds) as f64 / 3600.0;
            (h * 10.0).round() / 10.0
        }),
    }
}

/// Sums keyed by their parsed key.
fn keyed<K: Ord + std::str::FromStr>(
    rows: Vec<(String, Counts)>,
) -> Result<BTreeMap<K, Counts>, AppError> {
    rows.into_iter()
        .map(|(k, c)| {
            k.parse::<K>()
                .map(|key| (key, c))
                .map_err(|_| AppError::Internal(format!("stored counter key {k:?}")))
        })
        .collect()
}

/// Whether a procedure of the catalogue is one the unit implements.
fn applies(p: &Procedure, unit: &ReportUnit) -> bool {
    match (unit.level, &unit.agency) {
        (UnitLevel::Commune, _) => p.levels.contains(&Level::Commune),
        (UnitLevel::Agency, Some(a)) => {
            p.competent_agency_kind == a.kind && p.levels.contains(&a.level)
        }
        _ => p.levels.iter().any(|l| *l != Level::Central),
    }
}

/// The catalogue's "complete content" rule (Decision 766 PUBLIC_CONTENT_FULL): name, steps,
/// channels with their processing time, components for every case, and the competent agency.
/// (The catalogue has no separate "subjects" field; it is not checked.)
pub fn content_complete(p: &Procedure) -> bool {
    !p.name.trim().is_empty()
        && !p.steps.is_empty()
        && !p.channels.is_empty()
        && p.cases.iter().all(|c| !c.components.is_empty())
}

/// Why the system cannot count a metric yet, by code.
fn no_data(code: &str) -> Option<&'static str> {
    Some(match code {
        "PUBLISH_ON_TIME" | "PUBLIC_UPDATE_ON_TIME" => {
            "danh mục chưa ghi ngày quyết định công bố, ngày công khai và ngày hiệu lực của văn bản"
        }
        "DIGITISED" => "bản số hóa thành phần hồ sơ chưa được tổng hợp theo kỳ",
        "ELECTRONIC_COPY" => "hệ thống chưa cấp bản sao điện tử từ sổ gốc",
        "DATA_REUSE" | "PERSONAL_STORE" => "chưa kết nối kho dữ liệu cá nhân của người dân",
        "POPULATION_DB_DOSSIER" | "POPULATION_DB_PROCEDURE" => {
            "chưa kết nối Cơ sở dữ liệu quốc gia về dân cư"
        }
        "FEEDBACK_ON_TIME" | "FEEDBACK_SATISFACTION" => {
            "hệ thống chưa tiếp nhận phản ánh, kiến nghị"
        }
        "PROCEDURE_SATISFACTION" => "chưa ghi nhận đánh giá mức độ hài lòng của người dân",
        _ => return None,
    })
}

/// The index's inputs from the period's counters (by procedure), the dossiers overdue now of the
/// period, and the catalogue.
pub fn index_inputs(
    by_procedure: &BTreeMap<ProcedureCode, Counts>,
    overdue_open: i64,
    catalogue: &[&Procedure],
) -> impl Fn(&str) -> Option<Input> {
    let mut total = Counts::default();
    let mut full_online = Counts::default();
    let (mut fee_procs, mut fee_procs_paid) = (0u64, 0u64);
    let is_full_online =
        |code: &ProcedureCode| catalogue.iter().any(|p| &p.code == code && p.full_online);
    for (code, c) in by_procedure {
        total.add(c);
        if is_full_online(code) {
            full_online.add(c);
        }
        if c.get(Measure::FeeDue) > 0 {
            fee_procs += 1;
            if c.get(Measure::PaidOnline) > 0 {
                fee_procs_paid += 1;
            }
        }
    }
    let applicable = catalogue.len() as u64;
    let complete = catalogue.iter().filter(|p| content_complete(p)).count() as u64;
    let online = catalogue
        .iter()
        .filter(|p| p.channels.iter().any(|c| c.channel == Channel::Online))
        .count() as u64;
    let has_fees = |p: &&&Procedure| p.channels.iter().any(|c| !c.fees.is_empty());
    let fee_bearing = catalogue.iter().filter(has_fees).count() as u64;
    let payable_online = catalogue
        .iter()
        .filter(has_fees)
        .filter(|p| p.channels.iter().any(|c| c.channel == Channel::Online))
        .count() as u64;
    let n = |x: i64| u64::try_from(x).unwrap_or(0);
    let g = move |m: Measure| n(total.get(m));
    let f = move |m: Measure| n(full_online.get(m));
    move |code: &str| {
        if let Some(reason) = no_data(code) {
            return Some(Input::NoData {
                reason: reason.into(),
            });
        }
        let (numerator, denominator) = match code {
            "PUBLIC_CONTENT_FULL" => (complete, applicable),
            "ON_TIME" => (
                g(Measure::Early) + g(Measure::OnTime),
                g(Measure::Finished) + n(overdue_open),
            ),
            "FULL_ONLINE_DOSSIERS" => (f(Measure::ChannelOnline), f(Measure::Filed)),
            "ONLINE_PROCEDURES" => (online, applicable),
            "ONLINE_CHANNEL" => (g(Measure::ChannelOnline), g(Measure::Filed)),
            // Dossiers the national portal acknowledged, of those filed (issue #33).
            "DOSSIER_SYNC" => (g(Measure::Synced), g(Measure::Filed)),
            "PAYABLE_ONLINE" => (payable_online, fee_bearing),
            "PROCEDURES_PAID_ONLINE" => (fee_procs_paid, fee_procs),
            "DOSSIERS_PAID_ONLINE" => (g(Measure::PaidOnline), g(Measure::FeeDue)),
            "ELECTRONIC_RESULT" => (g(Measure::ElectronicResult), g(Measure::Finished)),
            _ => return None,
        };
        Some(Input::Counted {
            numerator,
            denominator,
        })
    }
}

impl App {
    /// Resolves a report's unit: a province (`68`), a commune (`22945`) or an agency (`68.SNV`).
    pub async fn report_unit(&self, code: &str) -> Result<ReportUnit, AppError> {
        let code = code.trim();
        let unknown = || AppError::not_found("report.unknown_unit", format!("no unit {code}"));
        if let Ok(p) = ProvinceCode::parse(code) {
            let units = self.units();
            let prov = units.province(&p).ok_or_else(unknown)?;
            return Ok(ReportUnit {
                code: code.into(),
                name: prov.name.clone(),
                level: UnitLevel::Province,
                province: p,
                agencies: None,
                agency: None,
            });
        }
        if let Ok(u) = UnitCode::parse(code) {
            let commune = self.units().commune(&u).cloned().ok_or_else(unknown)?;
            let agencies = self.agencies_of_unit(&u).await?;
            return Ok(ReportUnit {
                code: code.into(),
                name: commune.name,
                level: UnitLevel::Commune,
                province: commune.province_code,
                agencies: Some(agencies.into_iter().map(|a| a.code).collect()),
                agency: None,
            });
        }
        let a = AgencyCode::parse(code).map_err(|_| unknown())?;
        let agency = self.agency(&a).await.map_err(|e| e.not_found_as(unknown))?;
        Ok(ReportUnit {
            code: code.into(),
            name: agency.name.clone(),
            level: UnitLevel::Agency,
            province: agency.province_code.clone(),
            agencies: Some(vec![a]),
            agency: Some(agency),
        })
    }

    /// The unit's counters for `[from, to]` summed by `by`, keyed by the parsed key.
    async fn grouped<K: Ord + std::str::FromStr>(
        &self,
        unit: &ReportUnit,
        from: &str,
        to: &str,
        by: KpiGroup,
    ) -> Result<BTreeMap<K, Counts>, AppError> {
        let rows = self
            .store
            .kpi_grouped(
                &KpiQuery {
                    province: unit.province.clone(),
                    agencies: unit.agencies.clone(),
                    from_month: from.into(),
                    to_month: to.into(),
                },
                by,
            )
            .await?;
        keyed(rows)
    }

    /// Open dossiers past their due date now, of those submitted in `[from, to)`, in the unit, by
    /// (agency, procedure).
    async fn overdue_in(
        &self,
        unit: &ReportUnit,
        from: time::OffsetDateTime,
        to: time::OffsetDateTime,
    ) -> Result<Vec<(AgencyCode, ProcedureCode, i64)>, AppError> {
        let all = self
            .store
            .overdue_counts(&unit.province, from, to, self.now())
            .await?;
        Ok(match &unit.agencies {
            None => all,
            Some(list) => all
                .into_iter()
                .filter(|(a, _, _)| list.contains(a))
                .collect(),
        })
    }

    /// The Decision 766 index of a unit for a period (public: aggregates only).
    pub async fn service_index(
        &self,
        unit_code: &str,
        period: Period,
    ) -> Result<IndexReport, AppError> {
        let unit = self.report_unit(unit_code).await?;
        let (from, to) = period.months();
        let by_procedure: BTreeMap<ProcedureCode, Counts> =
            self.grouped(&unit, &from, &to, KpiGroup::Procedure).await?;
        let (start, end) = period.bounds();
        let overdue: i64 = self
            .overdue_in(&unit, start, end)
            .await?
            .iter()
            .map(|x| x.2)
            .sum();
        let procedures = self.procedures().await?;
        let catalogue: Vec<&Procedure> = procedures.iter().filter(|p| applies(p, &unit)).collect();
        let input = index_inputs(&by_procedure, overdue, &catalogue);
        let IndexScore {
            total,
            unmeasured,
            groups,
            mut metrics,
        } = index766::compute(unit.level, &input);
        for m in &mut metrics {
            if motcua_domain::kpi::DOSSIER_METRICS.contains(&m.code) {
                m.dossiers = Some(metric_link(&unit.code, period, m.code));
            }
        }
        Ok(IndexReport {
            unit: unit.code,
            unit_name: unit.name,
            level: unit.level,
            period: period.label(),
            period_detail: period,
            total,
            unmeasured,
            groups,
            metrics,
        })
    }

    /// The unit, if `actor` may read its indicators and reviews: a leader or administrator
    /// whose jurisdiction takes it in — an agency leader their agency or their commune, a unit
    /// leader their unit or one of its agencies, a province administrator any unit of the
    /// province, a system administrator any unit.
    pub async fn monitored_unit(
        &self,
        actor: &Actor,
        unit_code: &str,
    ) -> Result<ReportUnit, AppError> {
        let Actor::Staff(s) = actor else {
            return Err(AppError::Unauthenticated);
        };
        let unit = self.report_unit(unit_code).await?;
        let allowed = s.role.leads()
            && match &s.jurisdiction {
                Jurisdiction::Country => true,
                Jurisdiction::Province(p) => *p == unit.province,
                Jurisdiction::Agency(a) => unit.agencies.as_ref().is_some_and(|l| l.contains(a)),
                Jurisdiction::Unit(u) => match unit.level {
                    UnitLevel::Commune => unit.code == u.as_str(),
                    UnitLevel::Agency => unit
                        .agency
                        .as_ref()
                        .is_some_and(|a| a.unit_code.as_ref() == Some(u)),
                    UnitLevel::Province => false,
                },
            };
        if allowed {
            Ok(unit)
        } else {
            Err(AppError::Forbidden(
                "the indicators of a unit are for its leaders and its province's administrators"
                    .into(),
            ))
        }
    }

    /// Open dossiers held by `agency` by assigned handler, most first (`""`: not assigned).
    async fn handler_load(&self, agency: &AgencyCode) -> Result<Vec<(String, i64)>, AppError> {
        let mut v: Vec<(String, i64)> = self
            .store
            .handler_load(agency)
            .await?
            .into_iter()
            .map(|l| (l.name.unwrap_or_default(), l.open))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(v)
    }

    /// The live indicators of a unit for a period.
    pub async fn kpi_report(
        &self,
        actor: &Actor,
        unit_code: &str,
        period: Period,
    ) -> Result<KpiReport, AppError> {
        let unit = self.monitored_unit(actor, unit_code).await?;
        let (from, to) = period.months();
        let (start, end) = period.bounds();
        let all_months = KpiQuery {
            province: unit.province.clone(),
            agencies: unit.agencies.clone(),
            from_month: "0000-00".into(),
            to_month: "9999-99".into(),
        };
        let in_period = KpiQuery {
            from_month: from.clone(),
            to_month: to.clone(),
            ..all_months.clone()
        };
        // Independent reads, on separate connections at once.
        let (sums, overdue, backlog_now, overdue_all) = tokio::try_join!(
            async {
                self.store
                    .kpi_breakdown(&in_period)
                    .await
                    .map_err(AppError::from)
            },
            self.overdue_in(&unit, start, end),
            async {
                self.store
                    .kpi_sum(&all_months, Measure::Open)
                    .await
                    .map_err(AppError::from)
            },
            self.overdue_in(&unit, time::OffsetDateTime::UNIX_EPOCH, self.now()),
        )?;
        let [agencies_sums, procedures_sums, months_sums] = sums;
        let by_agency: BTreeMap<AgencyCode, Counts> = keyed(agencies_sums)?;
        let by_procedure: BTreeMap<ProcedureCode, Counts> = keyed(procedures_sums)?;
        let by_month: BTreeMap<String, Counts> = keyed(months_sums)?;
        let overdue_now: i64 = overdue_all.iter().map(|x| x.2).sum();
        let mut total = Counts::default();
        for c in by_month.values() {
            total.add(c);
        }
        let od = |f: &dyn Fn(&(AgencyCode, ProcedureCode, i64)) -> bool| -> i64 {
            overdue.iter().filter(|x| f(x)).map(|x| x.2).sum()
        };
        let procedures = self.procedures().await?;
        let proc_name = |c: &ProcedureCode| {
            procedures
                .iter()
                .find(|p| &p.code == c)
                .map(|p| p.name.clone())
                .unwrap_or_default()
        };
        let mut agencies = Vec::new();
        for (a, c) in &by_agency {
            let name = self.agency(a).await.map(|x| x.name).unwrap_or_default();
            agencies.push(line(a.to_string(), name, c, od(&|x| &x.0 == a)));
        }
        let officers = match &unit.agency {
            Some(a) => {
                let mut by: BTreeMap<String, OfficerLine> = BTreeMap::new();
                for r in self
                    .store
                    .officer_rows(&unit.province, Some(&a.code), &from, &to)
                    .await?
                {
                    let e = by.entry(r.officer.clone()).or_insert_with(|| OfficerLine {
                        officer: r.officer.clone(),
                        name: r.label.clone().unwrap_or_else(|| r.officer.clone()),
                        actions: 0,
                        finishes: 0,
                    });
                    e.actions += r.counts.actions();
                    e.finishes += r.counts.finishes();
                }
                let mut v: Vec<OfficerLine> = by.into_values().collect();
                v.sort_by(|a, b| b.actions.cmp(&a.actions).then(a.name.cmp(&b.name)));
                v
            }
            None => Vec::new(),
        };
        let load_now = match &unit.agency {
            Some(a) => self.handler_load(&a.code).await?,
            None => Vec::new(),
        };
        Ok(KpiReport {
            load_now,
            period: period.label(),
            total: line("total".into(), unit.name.clone(), &total, od(&|_| true)),
            backlog_now,
            overdue_now,
            by_agency: agencies,
            by_procedure: by_procedure
                .iter()
                .map(|(p, c)| line(p.to_string(), proc_name(p), c, od(&|x| &x.1 == p)))
                .collect(),
            by_month: by_month
                .iter()
                .map(|(m, c)| line(m.clone(), m.clone(), c, 0))
                .collect(),
            officers,
            unit,
        })
    }
}

/// One dossier behind a metric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MetricDossier {
    /// Dossier code.
    pub code: String,
    /// Procedure code.
    pub procedure: String,
    /// Competent agency.
    pub agency: String,
    /// Status.
    pub status: String,
    /// Submitted.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub submitted_at: time::OffsetDateTime,
    /// In the numerator (true) or counted against (false).
    pub counts: bool,
}

/// The dossiers behind one metric of a unit's index.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MetricDossiers {
    /// The metric's code.
    pub metric: String,
    /// The unit's code.
    pub unit: String,
    /// Its name.
    pub unit_name: String,
    /// The period's label.
    pub period: String,
    /// Dossiers in the numerator.
    pub numerator: u64,
    /// Dossiers in the denominator.
    pub denominator: u64,
    /// The dossiers (the first `limit`, oldest first).
    pub dossiers: Vec<MetricDossier>,
    /// True when more dossiers are behind the metric than listed.
    pub truncated: bool,
}

/// The link to the dossiers behind a dossier-counted metric.
pub fn metric_link(unit: &str, period: Period, metric: &str) -> String {
    let p = match period {
        Period::Month { year, month } => format!("year={year}&month={month}"),
        Period::Quarter { year, quarter } => format!("year={year}&quarter={quarter}"),
        Period::Year { year } => format!("year={year}"),
    };
    format!("/reports/metric?unit={unit}&{p}&metric={metric}")
}

impl App {
    /// The dossiers behind a dossier-counted metric of a unit's index for a period (its leaders
    /// and its province's administrators: the list names dossiers).
    pub async fn metric_dossiers(
        &self,
        actor: &Actor,
        unit_code: &str,
        period: Period,
        metric: &str,
        limit: usize,
    ) -> Result<MetricDossiers, AppError> {
        if !motcua_domain::kpi::DOSSIER_METRICS.contains(&metric) {
            return Err(AppError::Invalid {
                code: "report.unknown_metric",
                message: format!(
                    "metric is one of {}",
                    motcua_domain::kpi::DOSSIER_METRICS.join(", ")
                ),
                field: Some("metric".into()),
            });
        }
        let unit = self.monitored_unit(actor, unit_code).await?;
        let (start, end) = period.bounds();
        let now = self.now();
        let procedures = self.procedures().await?;
        let full_online =
            |code: &ProcedureCode| procedures.iter().any(|p| &p.code == code && p.full_online);
        let mut out = MetricDossiers {
            metric: metric.to_owned(),
            unit: unit.code.clone(),
            unit_name: unit.name.clone(),
            period: period.label(),
            numerator: 0,
            denominator: 0,
            dossiers: Vec::new(),
            truncated: false,
        };
        for d in self
            .store
            .dossiers_submitted(&unit.province, start, end, crate::integrity::MAX_SCANNED)
            .await?
        {
            if unit
                .agencies
                .as_ref()
                .is_some_and(|l| !l.contains(&d.competent_agency))
            {
                continue;
            }
            let Some(counts) = motcua_domain::kpi::metric_member(
                metric,
                &d,
                d.is_overdue(now),
                full_online(&d.procedure.code),
            ) else {
                continue;
            };
            out.denominator += 1;
            out.numerator += u64::from(counts);
            // The counts are the unit's; the list names only dossiers the reader may open.
            if !self.may_see(actor, &d).await {
                continue;
            }
            if out.dossiers.len() < limit {
                out.dossiers.push(MetricDossier {
                    code: d.code.to_string(),
                    procedure: d.procedure.code.to_string(),
                    agency: d.competent_agency.to_string(),
                    status: d.status.as_str().to_owned(),
                    submitted_at: d.submitted_at,
                    counts,
                });
            } else {
                out.truncated = true;
            }
        }
        Ok(out)
    }
}
