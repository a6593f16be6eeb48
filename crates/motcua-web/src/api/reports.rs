//! Reports (issue #7): the Decision 766 service index and the live indicators of a unit, and
//! their tables as CSV or XLSX.

use crate::AppState;
use crate::error::ApiError;
use crate::exports::{Cell, Table, to_csv, to_xlsx};
use crate::extract::{ApiQuery, Staff};
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use motcua_app::Actor;
use motcua_app::integrity::IntegrityReport;
use motcua_app::monitoring::{IndexReport, KpiLine, KpiReport, MetricDossiers};
use motcua_app::staffing::StaffingReport;
use motcua_domain::integrity::Outlier;
use motcua_domain::kpi::Period;
use motcua_domain::staffing::Target;
use serde::Deserialize;

/// Which unit and period.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ReportQuery {
    /// A province (`68`), a commune (`22945`) or an agency (`68.SNV`).
    pub unit: String,
    /// Year (2000–2100).
    pub year: i32,
    /// Quarter 1–4 (or a month, or neither for the whole year).
    #[serde(default)]
    pub quarter: Option<u8>,
    /// Month 1–12.
    #[serde(default)]
    pub month: Option<u8>,
}

/// A year with an optional quarter or month, or `report.invalid_period`.
pub fn period_of(year: i32, quarter: Option<u8>, month: Option<u8>) -> Result<Period, ApiError> {
    Period::new(year, quarter, month)
        .map_err(|e| ApiError::new("report.invalid_period", e.to_string()))
}

impl ReportQuery {
    /// The period asked for, or `report.invalid_period`.
    pub fn period(&self) -> Result<Period, ApiError> {
        period_of(self.year, self.quarter, self.month)
    }
}

/// The Decision 766 service index of a unit for a month, quarter or year: every metric with its
/// numerator, denominator, ratio, target, score and maximum (shaped like the national portal's
/// reporting API), group totals, and the points the system cannot measure yet. Public: counts
/// only, no personal data.
#[utoipa::path(get, path = "/api/v1/reports/index", tag = "reports", params(ReportQuery),
    responses((status = 200, body = IndexReport), (status = 400, description = "report.invalid_period"),
        (status = 404, description = "report.unknown_unit")))]
pub async fn get_index(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<IndexReport>, ApiError> {
    let period = q.period()?;
    Ok(Json(s.app.service_index(&q.unit, period).await?))
}

/// The live indicators of a unit for a period — received, finished, on time, early, late,
/// overdue now, backlog, processing times, online share — by agency, procedure, month and (for
/// an agency) officer. For the unit's leaders and its province's administrators.
#[utoipa::path(get, path = "/api/v1/reports/kpis", tag = "reports", params(ReportQuery),
    security(("bearer" = [])),
    responses((status = 200, body = KpiReport), (status = 403, description = "auth.forbidden"),
        (status = 404, description = "report.unknown_unit")))]
pub async fn get_kpis(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<KpiReport>, ApiError> {
    let period = q.period()?;
    Ok(Json(
        s.app
            .kpi_report(&Actor::Staff(staff), &q.unit, period)
            .await?,
    ))
}

/// An export's choice of table and format.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ExportQuery {
    /// A province (`68`), a commune (`22945`) or an agency (`68.SNV`).
    pub unit: String,
    /// Year (2000–2100).
    pub year: i32,
    /// Quarter 1–4.
    #[serde(default)]
    pub quarter: Option<u8>,
    /// Month 1–12.
    #[serde(default)]
    pub month: Option<u8>,
    /// `csv` (one table) or `xlsx` (every table, a sheet each).
    pub format: String,
    /// For CSV: `metrics` or `groups` of the index; `agencies`, `procedures`, `months`,
    /// `officers` or `load` of the indicators.
    #[serde(default)]
    pub table: Option<String>,
}

impl ExportQuery {
    fn period(&self) -> Result<Period, ApiError> {
        period_of(self.year, self.quarter, self.month)
    }
}

/// A unit-like enum's serde name (`progress`, `no_data`) as a cell.
fn serde_name<T: serde::Serialize>(v: &T) -> Cell {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
        .into()
}

/// The index's tables.
pub fn index_tables(r: &IndexReport) -> Vec<Table> {
    vec![
        Table {
            name: "metrics",
            headers: vec![
                "code",
                "group",
                "name",
                "numerator",
                "denominator",
                "ratio",
                "target",
                "score",
                "max_score",
                "basis",
                "note",
            ],
            rows: r
                .metrics
                .iter()
                .map(|m| {
                    vec![
                        m.code.into(),
                        serde_name(&m.group),
                        m.name.into(),
                        m.numerator.into(),
                        m.denominator.into(),
                        m.ratio.into(),
                        m.target.into(),
                        m.score.into(),
                        Cell::Num(m.max_score),
                        serde_name(&m.basis),
                        m.note.clone().unwrap_or_default().into(),
                    ]
                })
                .collect(),
        },
        Table {
            name: "groups",
            headers: vec!["group", "name", "score", "max_score", "unmeasured"],
            rows: r
                .groups
                .iter()
                .map(|g| {
                    vec![
                        serde_name(&g.group),
                        g.name.into(),
                        Cell::Num(g.score),
                        Cell::Num(g.max_score),
                        Cell::Num(g.unmeasured),
                    ]
                })
                .collect(),
        },
    ]
}

const LINE_HEADERS: [&str; 19] = [
    "key",
    "name",
    "filed",
    "received",
    "finished",
    "early",
    "on_time",
    "late",
    "overdue_now",
    "open",
    "closed_without_result",
    "online_share",
    "on_time_share",
    "supplement_share",
    "refusal_share",
    "avg_processing_hours",
    "p90_hours_at_most",
    "approvals",
    "avg_approval_hours",
];

fn line_row(l: &KpiLine) -> Vec<Cell> {
    vec![
        l.key.clone().into(),
        l.name.clone().into(),
        l.filed.into(),
        l.received.into(),
        l.finished.into(),
        l.early.into(),
        l.on_time.into(),
        l.late.into(),
        l.overdue_now.into(),
        l.open.into(),
        l.closed_without_result.into(),
        l.online_share.into(),
        l.on_time_share.into(),
        l.supplement_share.into(),
        l.refusal_share.into(),
        l.avg_processing_hours.into(),
        l.p90_hours_at_most.into(),
        l.approvals.into(),
        l.avg_approval_hours.into(),
    ]
}

/// The indicators' tables.
pub fn kpi_tables(r: &KpiReport) -> Vec<Table> {
    let lines = |name, v: &[KpiLine]| Table {
        name,
        headers: LINE_HEADERS.to_vec(),
        rows: v.iter().map(line_row).collect(),
    };
    vec![
        lines("agencies", &r.by_agency),
        lines("procedures", &r.by_procedure),
        lines("months", &r.by_month),
        Table {
            name: "load",
            headers: vec!["handler", "open"],
            rows: r
                .load_now
                .iter()
                .map(|(h, n)| vec![h.clone().into(), (*n).into()])
                .collect(),
        },
        Table {
            name: "officers",
            headers: vec!["officer", "name", "actions", "finishes"],
            rows: r
                .officers
                .iter()
                .map(|o| {
                    vec![
                        o.officer.clone().into(),
                        o.name.clone().into(),
                        o.actions.into(),
                        o.finishes.into(),
                    ]
                })
                .collect(),
        },
    ]
}

/// Sends tables as a file: one table as CSV, or all as XLSX.
pub fn export(
    base: &str,
    tables: Vec<Table>,
    format: &str,
    table: Option<&str>,
) -> Result<Response, ApiError> {
    let unknown = || {
        ApiError::new(
            "report.unknown_table",
            format!(
                "format is csv or xlsx; table is one of {}",
                tables.iter().map(|t| t.name).collect::<Vec<_>>().join(", ")
            ),
        )
    };
    let (bytes, kind, name) = match format {
        "csv" => {
            let t = tables
                .iter()
                .find(|t| Some(t.name) == table)
                .ok_or_else(unknown)?;
            (
                to_csv(t),
                "text/csv; charset=utf-8",
                format!("{base}-{}.csv", t.name),
            )
        }
        "xlsx" => (
            to_xlsx(&tables).map_err(|e| {
                tracing::error!(error = %e, "xlsx export failed");
                ApiError::new("internal", "internal error; nothing was changed")
            })?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            format!("{base}.xlsx"),
        ),
        _ => return Err(unknown()),
    };
    // The name is built from codes and digits only (validated unit codes, period labels).
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "._-".contains(*c))
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The index's tables (`metrics`, `groups`) as CSV, or both as XLSX. Public, like the index.
#[utoipa::path(get, path = "/api/v1/reports/index/export", tag = "reports", params(ExportQuery),
    responses((status = 200, description = "The file"), (status = 400, description = "report.unknown_table")))]
pub async fn export_index(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let period = q.period()?;
    let r = s.app.service_index(&q.unit, period).await?;
    export(
        &format!("chi-so-766-{}-{}", r.unit, r.period),
        index_tables(&r),
        &q.format,
        q.table.as_deref(),
    )
}

/// The indicators' tables (`agencies`, `procedures`, `months`, `officers`) as CSV, or all as
/// XLSX.
#[utoipa::path(get, path = "/api/v1/reports/kpis/export", tag = "reports", params(ExportQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The file"), (status = 400, description = "report.unknown_table"),
        (status = 403, description = "auth.forbidden")))]
pub async fn export_kpis(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let period = q.period()?;
    let r = s
        .app
        .kpi_report(&Actor::Staff(staff), &q.unit, period)
        .await?;
    export(
        &format!("chi-tieu-{}-{}", r.unit.code, r.period),
        kpi_tables(&r),
        &q.format,
        q.table.as_deref(),
    )
}

/// The integrity review's query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct IntegrityQuery {
    /// A province (`68`), a commune (`22945`) or an agency (`68.SNV`).
    pub unit: String,
    /// Year (2000–2100).
    pub year: i32,
    /// Quarter 1–4.
    #[serde(default)]
    pub quarter: Option<u8>,
    /// Month 1–12.
    #[serde(default)]
    pub month: Option<u8>,
    /// Different applicants one contact must serve to be listed (2–100; 5 when absent).
    #[serde(default)]
    pub threshold: Option<usize>,
    /// For an export: `csv` or `xlsx`.
    #[serde(default)]
    pub format: Option<String>,
    /// For a CSV export: `brokers`, `demands` or `outliers`.
    #[serde(default)]
    pub table: Option<String>,
}

impl IntegrityQuery {
    /// The period and threshold, or `report.invalid_period` / `request.invalid_query`.
    pub fn checked(&self) -> Result<(Period, usize), ApiError> {
        let period = period_of(self.year, self.quarter, self.month)?;
        let threshold = self.threshold.unwrap_or(5);
        if !(2..=100).contains(&threshold) {
            return Err(ApiError::new(
                "request.invalid_query",
                "threshold must be 2 to 100",
            ));
        }
        Ok((period, threshold))
    }
}

/// The integrity review of a unit for a period: contacts shared by many unrelated applicants
/// (possible brokers) with the dossiers behind them, refusals and supplement requests demanding
/// what Dispatch 111/CĐ-TTg forbids, agencies and officers whose refusal or supplement rates are
/// far above their peers' for the same procedure, and communes that need support. Evidence for
/// the unit's leaders and its province's administrators; nothing is done to anyone.
#[utoipa::path(get, path = "/api/v1/reports/integrity", tag = "reports", params(IntegrityQuery),
    security(("bearer" = [])),
    responses((status = 200, body = IntegrityReport), (status = 403, description = "auth.forbidden"),
        (status = 404, description = "report.unknown_unit")))]
pub async fn get_integrity(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiQuery(q): ApiQuery<IntegrityQuery>,
) -> Result<Response, ApiError> {
    let (period, threshold) = q.checked()?;
    let r = s
        .app
        .integrity_report(&Actor::Staff(staff), &q.unit, period, threshold)
        .await?;
    match q.format.as_deref() {
        None => Ok(Json(r).into_response()),
        Some(format) => export(
            &format!("ra-soat-{}-{}", r.unit, r.period),
            integrity_tables(&r),
            format,
            q.table.as_deref(),
        ),
    }
}

/// The review's tables.
pub fn integrity_tables(r: &IntegrityReport) -> Vec<Table> {
    let mut brokers = Vec::new();
    for c in &r.brokers {
        for d in &c.dossiers {
            brokers.push(vec![
                c.contact.clone().into(),
                i64::try_from(c.applicants).unwrap_or(i64::MAX).into(),
                d.code.clone().into(),
                d.applicant.clone().into(),
                d.procedure.clone().into(),
                d.agency.clone().into(),
                d.submitted_at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
                    .into(),
            ]);
        }
    }
    let mut outliers: Vec<Vec<Cell>> = Vec::new();
    let groups: [(&str, &Vec<Outlier>); 6] = [
        ("agency_refusals", &r.agency_refusals),
        ("agency_supplements", &r.agency_supplements),
        ("officer_refusals", &r.officer_refusals),
        ("officer_supplements", &r.officer_supplements),
        ("capacity_late", &r.capacity_late),
        ("capacity_supplements", &r.capacity_supplements),
    ];
    for (kind, list) in groups {
        for o in list {
            outliers.push(vec![
                kind.into(),
                o.who.clone().into(),
                o.procedure.clone().into(),
                o.numerator.into(),
                o.denominator.into(),
                Some(o.rate).into(),
                Some(o.peer_rate).into(),
            ]);
        }
    }
    vec![
        Table {
            name: "brokers",
            headers: vec![
                "contact",
                "applicants",
                "dossier",
                "applicant",
                "procedure",
                "agency",
                "submitted_at",
            ],
            rows: brokers,
        },
        Table {
            name: "demands",
            headers: vec!["dossier", "demand", "action", "text", "agency"],
            rows: r
                .demands
                .iter()
                .map(|d| {
                    vec![
                        d.code.clone().into(),
                        serde_name(&d.demand),
                        d.action.into(),
                        d.text.clone().into(),
                        d.agency.clone().into(),
                    ]
                })
                .collect(),
        },
        Table {
            name: "outliers",
            headers: vec![
                "kind",
                "who",
                "procedure",
                "numerator",
                "denominator",
                "rate",
                "peer_rate",
            ],
            rows: outliers,
        },
    ]
}

/// The staffing table's query.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct StaffingQuery {
    /// A province (`68`), a commune (`22945`) or an agency (`68.SNV`).
    pub unit: String,
    /// Weeks of history (1–52; 8 when absent).
    #[serde(default)]
    pub weeks: Option<u32>,
    /// Minutes an applicant may wait (1–240; 15 when absent).
    #[serde(default)]
    pub wait: Option<f64>,
    /// Share served within that wait (0.5–0.99; 0.8 when absent).
    #[serde(default)]
    pub level: Option<f64>,
    /// For an export: `csv` or `xlsx`.
    #[serde(default)]
    pub format: Option<String>,
    /// For a CSV export: `centers`, `hours` or `service_times`.
    #[serde(default)]
    pub table: Option<String>,
}

impl StaffingQuery {
    /// The weeks and the target.
    pub fn target(&self) -> (u32, Target) {
        let d = Target::default();
        (
            self.weeks.unwrap_or(8),
            Target {
                wait_minutes: self.wait.unwrap_or(d.wait_minutes),
                level: self.level.unwrap_or(d.level),
            },
        )
    }
}

/// For each one-stop center of a unit: in-person arrivals per hour by weekday and intake times
/// per procedure from its own history, the counter officers needed so that `level` of
/// applicants wait at most `wait` minutes (Erlang C; the model's assumptions are in the answer),
/// compared with the officers on record.
#[utoipa::path(get, path = "/api/v1/reports/staffing", tag = "reports", params(StaffingQuery),
    security(("bearer" = [])),
    responses((status = 200, body = StaffingReport), (status = 403, description = "auth.forbidden"),
        (status = 422, description = "request.invalid_field")))]
pub async fn get_staffing(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiQuery(q): ApiQuery<StaffingQuery>,
) -> Result<Response, ApiError> {
    let (weeks, target) = q.target();
    let r = s
        .app
        .staffing_report(&Actor::Staff(staff), &q.unit, weeks, target)
        .await?;
    match q.format.as_deref() {
        None => Ok(Json(r).into_response()),
        Some(format) => export(
            &format!("can-bo-tiep-nhan-{}", r.unit),
            staffing_tables(&r),
            format,
            q.table.as_deref(),
        ),
    }
}

/// The staffing tables.
pub fn staffing_tables(r: &StaffingReport) -> Vec<Table> {
    let verdict = |c: &motcua_app::staffing::CenterStaffing| serde_name(&c.verdict);
    vec![
        Table {
            name: "centers",
            headers: vec![
                "agency",
                "name",
                "intakes",
                "per_week",
                "mean_service_minutes",
                "peak_weekday",
                "peak_hour",
                "peak_arrivals",
                "needed_at_peak",
                "on_record",
                "verdict",
            ],
            rows: r
                .centers
                .iter()
                .map(|c| {
                    vec![
                        c.agency.clone().into(),
                        c.name.clone().into(),
                        i64::try_from(c.intakes).unwrap_or(i64::MAX).into(),
                        Cell::Num(c.per_week),
                        Cell::Num(c.mean_service_minutes),
                        c.peak
                            .as_ref()
                            .map_or(Cell::Empty, |p| i64::from(p.weekday).into()),
                        c.peak
                            .as_ref()
                            .map_or(Cell::Empty, |p| i64::from(p.hour).into()),
                        c.peak
                            .as_ref()
                            .map_or(Cell::Empty, |p| Cell::Num(p.arrivals)),
                        c.peak
                            .as_ref()
                            .map_or(Cell::Empty, |p| i64::from(p.officers).into()),
                        i64::from(c.on_record).into(),
                        verdict(c),
                    ]
                })
                .collect(),
        },
        Table {
            name: "hours",
            headers: vec!["agency", "weekday", "hour", "arrivals", "officers_needed"],
            rows: r
                .centers
                .iter()
                .flat_map(|c| {
                    c.hours.iter().map(|h| {
                        vec![
                            c.agency.clone().into(),
                            i64::from(h.weekday).into(),
                            i64::from(h.hour).into(),
                            Cell::Num(h.arrivals),
                            i64::from(h.officers).into(),
                        ]
                    })
                })
                .collect(),
        },
        Table {
            name: "service_times",
            headers: vec![
                "agency",
                "procedure",
                "minutes",
                "samples",
                "assumed",
                "intakes",
            ],
            rows: r
                .centers
                .iter()
                .flat_map(|c| {
                    c.service_times.iter().map(|t| {
                        vec![
                            c.agency.clone().into(),
                            t.procedure.clone().into(),
                            Cell::Num(t.minutes),
                            i64::try_from(t.samples).unwrap_or(i64::MAX).into(),
                            (if t.assumed { "yes" } else { "no" }).into(),
                            i64::try_from(t.intakes).unwrap_or(i64::MAX).into(),
                        ]
                    })
                })
                .collect(),
        },
    ]
}

/// How many notices.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct NoticesQuery {
    /// At most this many (1–200; 50 when absent).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// The caller's notices from the escalation rules: due soon, overdue, step budget exceeded,
/// escalated to the leader — for their agency and role, newest first.
#[utoipa::path(get, path = "/api/v1/notices", tag = "reports", params(NoticesQuery),
    security(("bearer" = [])),
    responses((status = 200, body = [motcua_app::ports::Notice]), (status = 401, description = "auth.unauthenticated")))]
pub async fn list_notices(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiQuery(q): ApiQuery<NoticesQuery>,
) -> Result<Json<Vec<motcua_app::ports::Notice>>, ApiError> {
    Ok(Json(
        s.app
            .my_notices(&Actor::Staff(staff), q.limit.unwrap_or(50))
            .await?,
    ))
}

/// Which metric's dossiers.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MetricQuery {
    /// A province (`68`), a commune (`22945`) or an agency (`68.SNV`).
    pub unit: String,
    /// Year (2000–2100).
    pub year: i32,
    /// Quarter 1–4.
    #[serde(default)]
    pub quarter: Option<u8>,
    /// Month 1–12.
    #[serde(default)]
    pub month: Option<u8>,
    /// `ON_TIME`, `ONLINE_CHANNEL`, `FULL_ONLINE_DOSSIERS`, `DOSSIERS_PAID_ONLINE` or
    /// `ELECTRONIC_RESULT`.
    pub metric: String,
    /// Dossiers listed (1–1000; 200 when absent).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// The dossiers behind a dossier-counted metric of a unit's index: the same numerator and
/// denominator as the index, and each dossier, counted for or against.
#[utoipa::path(get, path = "/api/v1/reports/index/dossiers", tag = "reports", params(MetricQuery),
    security(("bearer" = [])),
    responses((status = 200, body = MetricDossiers), (status = 403, description = "auth.forbidden"),
        (status = 422, description = "report.unknown_metric")))]
pub async fn get_metric_dossiers(
    State(s): State<AppState>,
    Staff(staff): Staff,
    ApiQuery(q): ApiQuery<MetricQuery>,
) -> Result<Json<MetricDossiers>, ApiError> {
    let period = period_of(q.year, q.quarter, q.month)?;
    Ok(Json(
        s.app
            .metric_dossiers(
                &Actor::Staff(staff),
                &q.unit,
                period,
                &q.metric,
                q.limit.unwrap_or(200).clamp(1, 1000),
            )
            .await?,
    ))
}
