//! Pages of issue #7: the Decision 766 index of any unit (`/reports/index`, public) and the live
//! indicators of a unit (`/reports`, its leaders and its province's administrators), with charts
//! drawn on the server and every table downloadable as CSV or XLSX.

use super::charts;
use super::context::{Page, StaffPage};
use super::failure::PageError;
use super::i18n::Tr;
use super::public::render;
use super::{Chrome, grouped};
use crate::AppState;
use crate::api::reports::{ReportQuery, export, integrity_tables, kpi_tables, staffing_tables};
use crate::error::status_for;
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use motcua_app::AppError;
use motcua_app::integrity::IntegrityReport;
use motcua_app::monitoring::{IndexReport, KpiLine, KpiReport, MetricDossiers};
use motcua_app::staffing::StaffingReport;
use motcua_domain::access::Jurisdiction;
use motcua_domain::ids::{AgencyCode, ProvinceCode, UnitCode};
use motcua_domain::index766::Basis;
use motcua_domain::kpi::Period;
use motcua_domain::staffing::{Target, WEEKDAYS};
use serde::Deserialize;

/// The selector's values as typed (all optional, so an empty form shows the defaults).
#[derive(Debug, Default, Deserialize)]
pub struct Selector {
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    year: Option<String>,
    #[serde(default)]
    quarter: Option<String>,
    #[serde(default)]
    month: Option<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    table: Option<String>,
    #[serde(default)]
    threshold: Option<String>,
    /// For `/reports/metric`: the metric's code.
    #[serde(default)]
    metric: Option<String>,
    /// For `/reports/export`: `kpis` (default), `integrity` or `staffing`.
    #[serde(default)]
    what: Option<String>,
    #[serde(default)]
    weeks: Option<String>,
    #[serde(default)]
    wait: Option<String>,
    #[serde(default)]
    level: Option<String>,
}

/// The form's state, echoed back.
pub struct Form {
    unit: String,
    year: String,
    quarter: String,
    month: String,
    /// `unit=…&year=…` for links.
    query: String,
    /// The units the reader may choose, by name (filled by [`Form::with_units`]).
    units: Vec<UnitGroup>,
    /// The chosen unit's name, with its code as secondary text.
    unit_name: String,
}

/// One group of the unit picker: its label and its (code, "name (code)", chosen) options.
pub struct UnitGroup {
    label: String,
    options: Vec<(String, String, bool)>,
}

fn num(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

impl Selector {
    fn form(&self, default_unit: &str, default_year: i32) -> Form {
        let unit = num(&self.unit).unwrap_or_else(|| default_unit.to_owned());
        let year = num(&self.year).unwrap_or_else(|| default_year.to_string());
        let quarter = num(&self.quarter).unwrap_or_default();
        let month = num(&self.month).unwrap_or_default();
        let mut query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("unit", &unit)
            .append_pair("year", &year)
            .finish();
        if !quarter.is_empty() {
            query.push_str(&format!("&quarter={}", urlencode(&quarter)));
        }
        if !month.is_empty() {
            query.push_str(&format!("&month={}", urlencode(&month)));
        }
        Form {
            unit,
            year,
            quarter,
            month,
            query,
            units: Vec::new(),
            unit_name: String::new(),
        }
    }
}

/// The province a unit code belongs to: a province's own, a commune's, an agency's.
async fn province_of(app: &motcua_app::App, code: &str) -> Option<ProvinceCode> {
    let units = app.units();
    if let Ok(p) = ProvinceCode::parse(code) {
        return units.province(&p).map(|x| x.code.clone());
    }
    if let Ok(u) = UnitCode::parse(code) {
        return units.commune(&u).map(|c| c.province_code.clone());
    }
    let a = AgencyCode::parse(code).ok()?;
    app.agency(&a).await.ok().map(|a| a.province_code)
}

impl Form {
    /// The picker of the units `scope` reaches (a reader's jurisdiction; `None`: the public,
    /// every province): the provinces, the communes and province-level agencies of the chosen
    /// unit's province, or one commune and its agencies, or one agency — each by name, the code
    /// beside it. The reader picks instead of typing a code.
    async fn with_units(
        mut self,
        app: &motcua_app::App,
        scope: Option<&Jurisdiction>,
        tr: Tr,
    ) -> Self {
        let units = app.units();
        let chosen = self.unit.clone();
        let opt = |code: String, name: &str| {
            let selected = code == chosen;
            let label = format!("{name} ({code})");
            (code, label, selected)
        };
        let mut groups: Vec<UnitGroup> = Vec::new();
        let province = province_of(app, &chosen).await;
        let province_groups = |p: &ProvinceCode, groups: &mut Vec<UnitGroup>| {
            let communes = units
                .communes_of(p)
                .into_iter()
                .map(|c| opt(c.code.to_string(), &c.name))
                .collect();
            groups.push(UnitGroup {
                label: tr.t("reports-unit-communes"),
                options: communes,
            });
        };
        match scope {
            None | Some(Jurisdiction::Country) => {
                groups.push(UnitGroup {
                    label: tr.t("reports-unit-provinces"),
                    options: units
                        .provinces()
                        .iter()
                        .map(|p| opt(p.code.to_string(), &p.name))
                        .collect(),
                });
                if let Some(p) = &province {
                    province_groups(p, &mut groups);
                }
            }
            Some(Jurisdiction::Province(p)) => {
                if let Some(x) = units.province(p) {
                    groups.push(UnitGroup {
                        label: tr.t("reports-unit-provinces"),
                        options: vec![opt(x.code.to_string(), &x.name)],
                    });
                }
                province_groups(p, &mut groups);
            }
            Some(Jurisdiction::Unit(u)) => {
                if let Some(c) = units.commune(u) {
                    groups.push(UnitGroup {
                        label: tr.t("reports-unit-communes"),
                        options: vec![opt(c.code.to_string(), &c.name)],
                    });
                }
                if let Ok(agencies) = app.agencies_of_unit(u).await {
                    groups.push(UnitGroup {
                        label: tr.t("reports-unit-agencies"),
                        options: agencies
                            .iter()
                            .map(|a| opt(a.code.to_string(), &a.name))
                            .collect(),
                    });
                }
            }
            Some(Jurisdiction::Agency(a)) => {
                if let Ok(x) = app.agency(a).await {
                    groups.push(UnitGroup {
                        label: tr.t("reports-unit-agencies"),
                        options: vec![opt(x.code.to_string(), &x.name)],
                    });
                }
            }
        }
        // The province's own agencies (departments, the province's centre) for readers whose
        // reach takes the province in.
        if matches!(
            scope,
            None | Some(Jurisdiction::Country | Jurisdiction::Province(_))
        ) && let Some(p) = &province
            && let Ok(agencies) = app.agencies_of_province(p).await
        {
            groups.push(UnitGroup {
                label: tr.t("reports-unit-agencies"),
                options: agencies
                    .iter()
                    .map(|a| opt(a.code.to_string(), &a.name))
                    .collect(),
            });
        }
        groups.retain(|g| !g.options.is_empty());
        // A chosen code the picker does not offer stays chosen (and is refused by the report
        // with its reason, as before).
        if !groups.iter().any(|g| g.options.iter().any(|o| o.2)) && !chosen.is_empty() {
            groups.insert(
                0,
                UnitGroup {
                    label: tr.t("reports-unit-typed"),
                    options: vec![(chosen.clone(), chosen.clone(), true)],
                },
            );
        }
        self.unit_name = groups
            .iter()
            .flat_map(|g| g.options.iter())
            .find(|o| o.2)
            .map(|o| o.1.clone())
            .unwrap_or_default();
        self.units = groups;
        self
    }
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl Form {
    /// The query read exactly as the API reads it (its `ReportQuery` and `period`, one parser for
    /// both), or the reason it cannot be read.
    fn report_query(&self, tr: Tr) -> Result<(ReportQuery, Period), String> {
        let bad = || tr.t("reports-bad-period");
        let uri: axum::http::Uri = format!("/?{}", self.query).parse().map_err(|_| bad())?;
        let Query(q) = Query::<ReportQuery>::try_from_uri(&uri).map_err(|_| bad())?;
        let period = q.period().map_err(|_| bad())?;
        Ok((q, period))
    }
}

fn pct(v: Option<f64>) -> String {
    v.map(|x| format!("{:.1}%", x * 100.0))
        .unwrap_or_else(|| "—".into())
}

fn opt_num(v: Option<u64>) -> String {
    v.map(|x| grouped(i64::try_from(x).unwrap_or(i64::MAX)))
        .unwrap_or_else(|| "—".into())
}

fn points(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.2}")).unwrap_or_else(|| "—".into())
}

/// One metric as a table row.
pub struct MetricRow {
    code: &'static str,
    name: &'static str,
    numerator: String,
    denominator: String,
    ratio: String,
    target: String,
    score: String,
    max: String,
    note: String,
    unmeasured: bool,
    /// The dossiers behind the counts, for dossier-counted metrics.
    link: Option<String>,
}

#[derive(Template)]
#[template(path = "report_index.html")]
struct IndexPage {
    c: Chrome,
    f: Form,
    error: Option<String>,
    unit_name: String,
    period: String,
    /// Points earned.
    total: String,
    /// Points that could be measured (100 less the unmeasured).
    measurable: String,
    /// Points earned over the measurable ones, as a share of 100 (empty when none is
    /// measurable).
    normalised: String,
    /// Points that cannot be measured yet.
    unmeasured: String,
    /// The metrics not measured yet: (code, name, points, why).
    missing: Vec<(&'static str, &'static str, String, String)>,
    chart: String,
    metrics: Vec<MetricRow>,
}

fn index_page(c: Chrome, f: Form, r: Option<IndexReport>, error: Option<String>) -> IndexPage {
    let tr = c.tr;
    let (unit_name, period, total, unmeasured, chart, metrics) = match &r {
        Some(r) => (
            r.unit_name.clone(),
            r.period.clone(),
            format!("{:.2}", r.total),
            format!("{:.2}", r.unmeasured),
            charts::scores(
                &tr.t("reports-index-groups"),
                &r.groups
                    .iter()
                    .map(|g| (g.name.to_owned(), g.score, g.max_score, g.unmeasured))
                    .collect::<Vec<_>>(),
            ),
            r.metrics
                .iter()
                .map(|m| MetricRow {
                    code: m.code,
                    name: m.name,
                    numerator: opt_num(m.numerator),
                    denominator: opt_num(m.denominator),
                    ratio: pct(m.ratio),
                    target: pct(m.target),
                    score: points(m.score),
                    max: format!("{:.0}", m.max_score),
                    note: m.note.clone().unwrap_or_default(),
                    unmeasured: matches!(m.basis, Basis::NoData | Basis::Empty),
                    link: m.dossiers.clone(),
                })
                .collect(),
        ),
        None => Default::default(),
    };
    // The headline never reads as a failing grade because inputs are missing (issue #32): the
    // score over the points that could be measured, and the points that could not, each with
    // its reason.
    let (measurable, normalised, missing) = match &r {
        Some(r) => {
            let measurable = (100.0 - r.unmeasured).max(0.0);
            let normalised = if measurable > 0.0 {
                format!("{:.1}", r.total / measurable * 100.0)
            } else {
                String::new()
            };
            let missing = r
                .metrics
                .iter()
                .filter(|m| matches!(m.basis, Basis::NoData | Basis::Empty))
                .map(|m| {
                    (
                        m.code,
                        m.name,
                        format!("{:.0}", m.max_score),
                        m.note.clone().unwrap_or_else(|| {
                            tr.t(match m.basis {
                                Basis::Empty => "reports-why-empty",
                                _ => "reports-why-no-data",
                            })
                        }),
                    )
                })
                .collect();
            (format!("{measurable:.0}"), normalised, missing)
        }
        None => Default::default(),
    };
    IndexPage {
        c,
        f,
        error,
        unit_name,
        period,
        total,
        measurable,
        normalised,
        unmeasured,
        missing,
        chart,
        metrics,
    }
}

fn this_year(s: &AppState) -> i32 {
    s.app.now().to_offset(motcua_domain::VN_OFFSET).year()
}

/// The words a report page shows beside its form for a failure that is the request's (a
/// server's failure is the error page instead: `PageError`).
fn message_of(tr: Tr, e: &AppError) -> String {
    match e {
        AppError::NotFound { .. } => tr.t("reports-unknown-unit"),
        AppError::Forbidden(_) | AppError::Unauthenticated => tr.t("reports-forbidden"),
        _ => tr.t("reports-bad-period"),
    }
}

/// A report that could not be made: the server's failure as the error page; the request's as
/// the report page again with its message, answered with its code's status.
fn report_failure(
    fail: impl FnOnce(AppError) -> PageError,
    e: AppError,
    again: impl FnOnce(String) -> Response,
    message: impl FnOnce(&AppError) -> String,
) -> Result<Response, PageError> {
    if e.is_server_fault() {
        return Err(fail(e));
    }
    let status = status_for(e.code());
    let mut r = again(message(&e));
    *r.status_mut() = status;
    Ok(r)
}

/// A page of the report form with a message for input it cannot read (`code` gives the status).
fn bad_input(code: &'static str, page: Response) -> Response {
    let mut r = page;
    *r.status_mut() = status_for(code);
    r
}

/// `GET /reports/index`: the Decision 766 index of a unit for a period (public).
pub async fn index(
    p: Page,
    sess: Result<super::staff::StaffSession, Response>,
    Query(sel): Query<Selector>,
) -> Result<Response, PageError> {
    let tr = p.tr;
    // Public, but a signed-in officer keeps their menu (and their reports in it).
    let staff = sess.ok();
    let f = sel
        .form("68", this_year(&p.s))
        .with_units(&p.s.app, None, tr)
        .await;
    let c = match &staff {
        Some(s) => s.chrome(tr, &p.uri, tr.t("reports-index-title")),
        None => p.chrome(tr.t("reports-index-title")),
    };
    let (q, period) = match f.report_query(tr) {
        Ok(q) => q,
        Err(m) => {
            let page = render(&index_page(c, f, None, Some(m)));
            return Ok(bad_input("report.invalid_period", page));
        }
    };
    match p.s.app.service_index(&q.unit, period).await {
        Ok(r) => Ok(render(&index_page(c, f, Some(r), None))),
        Err(e) => report_failure(
            |e| p.fail(e),
            e,
            |m| render(&index_page(c, f, None, Some(m))),
            |e| message_of(tr, e),
        ),
    }
}

/// One indicator line as table cells.
pub struct LineRow {
    key: String,
    name: String,
    filed: String,
    finished: String,
    on_time: String,
    late: i64,
    overdue: i64,
    open: i64,
    online: String,
    supplement: String,
    avg: String,
    p90: String,
    approval: String,
}

/// Average wait for the approver and how many drafts were decided ("2.5 h · 4"), or "—".
fn approval_text(l: &KpiLine) -> String {
    l.avg_approval_hours
        .map(|h| format!("{h:.1} h · {}", l.approvals))
        .unwrap_or_else(|| "—".into())
}

fn row(l: &KpiLine) -> LineRow {
    LineRow {
        key: l.key.clone(),
        name: l.name.clone(),
        filed: grouped(l.filed),
        finished: grouped(l.finished),
        on_time: pct(l.on_time_share),
        late: l.late,
        overdue: l.overdue_now,
        open: l.open,
        online: pct(l.online_share),
        supplement: pct(l.supplement_share),
        avg: l
            .avg_processing_hours
            .map(|h| format!("{h:.1} h"))
            .unwrap_or_else(|| "—".into()),
        p90: l
            .p90_hours_at_most
            .map(|h| format!("≤ {h:.0} h"))
            .unwrap_or_else(|| "—".into()),
        approval: approval_text(l),
    }
}

#[derive(Template)]
#[template(path = "reports.html")]
struct KpiPage {
    c: Chrome,
    f: Form,
    error: Option<String>,
    unit_name: String,
    period: String,
    stats: Vec<(String, String)>,
    month_chart: String,
    /// (title, lines): by agency, by procedure.
    sections: Vec<(String, Vec<LineRow>)>,
    officers: Vec<(String, i64, i64)>,
    /// Open dossiers by assigned handler (`""` shown as not assigned).
    load: Vec<(String, i64)>,
}

fn kpi_page(c: Chrome, f: Form, r: Option<KpiReport>, error: Option<String>) -> KpiPage {
    let tr = c.tr;
    let Some(r) = r else {
        return KpiPage {
            c,
            f,
            error,
            unit_name: String::new(),
            period: String::new(),
            stats: vec![],
            month_chart: String::new(),
            sections: vec![],
            officers: vec![],
            load: vec![],
        };
    };
    let t = &r.total;
    let stats = vec![
        (tr.t("reports-filed"), grouped(t.filed)),
        (tr.t("dash-finished"), grouped(t.finished)),
        (tr.t("dash-on-time-rate"), pct(t.on_time_share)),
        (tr.t("reports-overdue-now"), grouped(r.overdue_now)),
        (tr.t("reports-backlog"), grouped(r.backlog_now)),
        (tr.t("reports-online-share"), pct(t.online_share)),
        (
            tr.t("reports-avg-time"),
            t.avg_processing_hours
                .map(|h| format!("{h:.1} h"))
                .unwrap_or_else(|| "—".into()),
        ),
        (tr.t("reports-approval-time"), approval_text(t)),
    ];
    KpiPage {
        month_chart: charts::columns(
            &tr.t("reports-by-month"),
            &r.by_month
                .iter()
                .map(|m| (m.key.clone(), m.filed))
                .collect::<Vec<_>>(),
        ),
        sections: vec![
            (
                tr.t("reports-by-agency"),
                r.by_agency.iter().map(row).collect(),
            ),
            (
                tr.t("reports-by-procedure"),
                r.by_procedure.iter().map(row).collect(),
            ),
        ],
        officers: r
            .officers
            .iter()
            .map(|o| (o.name.clone(), o.actions, o.finishes))
            .collect(),
        load: r.load_now.clone(),
        unit_name: r.unit.name.clone(),
        period: r.period.clone(),
        stats,
        c,
        f,
        error,
    }
}

/// The unit a staff member sees first: their province for an administrator, their agency
/// otherwise.
async fn default_unit(p: &StaffPage) -> Result<String, PageError> {
    let a = &p.sess.actor().agency;
    if p.sess.actor().role.may_administer() {
        let agency = p.s.app.agency(a).await.map_err(|e| p.fail(e))?;
        return Ok(agency.province_code.to_string());
    }
    Ok(a.to_string())
}

/// `GET /reports`: the live indicators of a unit for a period.
pub async fn kpis(p: StaffPage, Query(sel): Query<Selector>) -> Result<Response, PageError> {
    let tr = p.tr;
    let f = sel
        .form(&default_unit(&p).await?, this_year(&p.s))
        .with_units(&p.s.app, Some(&p.sess.actor().jurisdiction), p.tr)
        .await;
    let c = p.chrome(tr.t("reports-title"));
    let (q, period) = match f.report_query(tr) {
        Ok(q) => q,
        Err(m) => {
            let page = render(&kpi_page(c, f, None, Some(m)));
            return Ok(bad_input("report.invalid_period", page));
        }
    };
    match p.s.app.kpi_report(&p.actor(), &q.unit, period).await {
        Ok(r) => Ok(render(&kpi_page(c, f, Some(r), None))),
        Err(e) => report_failure(
            |e| p.fail(e),
            e,
            |m| render(&kpi_page(c, f, None, Some(m))),
            |e| message_of(tr, e),
        ),
    }
}

/// The threshold of the integrity review as typed: 2–100, 5 when empty.
fn threshold(sel: &Selector) -> Option<usize> {
    match num(&sel.threshold) {
        None => Some(5),
        Some(t) => t.parse().ok().filter(|t| (2..=100).contains(t)),
    }
}

/// `GET /reports/export`: a report's tables as a file (`what=kpis` or `integrity`), for a
/// signed-in leader (the API's exports need a bearer token; this one the session).
pub async fn export_report(
    p: StaffPage,
    Query(sel): Query<Selector>,
) -> Result<Response, PageError> {
    let (s, tr) = (&p.s, p.tr);
    let f = sel
        .form(&default_unit(&p).await?, this_year(s))
        .with_units(&p.s.app, Some(&p.sess.actor().jurisdiction), p.tr)
        .await;
    let actor = p.actor();
    let format = sel.format.as_deref().unwrap_or("xlsx");
    let table = sel.table.as_deref();
    let what = sel.what.as_deref().unwrap_or("kpis");
    // The indicators and the review are of a period; the staffing table of recent weeks.
    let (q, period) = match f.report_query(tr) {
        Ok(x) => x,
        Err(_) if what == "staffing" => (
            ReportQuery {
                unit: f.unit.clone(),
                year: this_year(s),
                quarter: None,
                month: None,
            },
            Period::Year { year: this_year(s) },
        ),
        Err(m) => return Err(p.error("report.invalid_period", m)),
    };
    match what {
        "kpis" => s
            .app
            .kpi_report(&actor, &q.unit, period)
            .await
            .map_err(|e| p.fail(e))
            .and_then(|r| {
                export(
                    &format!("chi-tieu-{}-{}", r.unit.code, r.period),
                    kpi_tables(&r),
                    format,
                    table,
                )
                .map_err(|e| export_failure(&p, e))
            }),
        "integrity" => match threshold(&sel) {
            None => Err(p.error("request.invalid_query", tr.t("integrity-bad-threshold"))),
            Some(th) => s
                .app
                .integrity_report(&actor, &q.unit, period, th)
                .await
                .map_err(|e| p.fail(e))
                .and_then(|r| {
                    export(
                        &format!("ra-soat-{}-{}", r.unit, r.period),
                        integrity_tables(&r),
                        format,
                        table,
                    )
                    .map_err(|e| export_failure(&p, e))
                }),
        },
        "staffing" => match staffing_params(&sel) {
            None => Err(p.error("request.invalid_query", tr.t("staffing-bad-params"))),
            Some((weeks, target)) => s
                .app
                .staffing_report(&actor, &q.unit, weeks, target)
                .await
                .map_err(|e| p.fail(e))
                .and_then(|r| {
                    export(
                        &format!("can-bo-tiep-nhan-{}", r.unit),
                        staffing_tables(&r),
                        format,
                        table,
                    )
                    .map_err(|e| export_failure(&p, e))
                }),
        },
        _ => Err(p.error("report.unknown_table", tr.t("reports-unknown-table"))),
    }
}

/// An export the table module refused (an unknown table or format) or could not write.
fn export_failure(p: &StaffPage, e: crate::error::ApiError) -> PageError {
    let message = if e.code == "report.unknown_table" {
        p.tr.t("reports-unknown-table")
    } else {
        p.tr.t("err-internal")
    };
    p.error(e.code, message)
}

#[derive(Template)]
#[template(path = "report_integrity.html")]
struct IntegrityPage {
    c: Chrome,
    f: Form,
    threshold: String,
    error: Option<String>,
    r: Option<IntegrityReport>,
    /// (title, outliers) of the six comparisons.
    sections: Vec<(String, Vec<motcua_domain::integrity::Outlier>)>,
}

impl IntegrityPage {
    /// A date as the page shows it (Vietnam time).
    fn day(&self, t: &time::OffsetDateTime) -> String {
        super::fmt_datetime(*t)
    }
}

fn integrity_sections(
    tr: Tr,
    r: &IntegrityReport,
) -> Vec<(String, Vec<motcua_domain::integrity::Outlier>)> {
    [
        ("integrity-agency-refusals", &r.agency_refusals),
        ("integrity-agency-supplements", &r.agency_supplements),
        ("integrity-officer-refusals", &r.officer_refusals),
        ("integrity-officer-supplements", &r.officer_supplements),
        ("integrity-capacity-late", &r.capacity_late),
        ("integrity-capacity-supplements", &r.capacity_supplements),
    ]
    .into_iter()
    .map(|(k, v)| (tr.t(k), v.clone()))
    .collect()
}

/// `GET /reports/integrity`: the integrity review of a unit for a period (leaders, admins).
pub async fn integrity(p: StaffPage, Query(sel): Query<Selector>) -> Result<Response, PageError> {
    let tr = p.tr;
    let f = sel
        .form(&default_unit(&p).await?, this_year(&p.s))
        .with_units(&p.s.app, Some(&p.sess.actor().jurisdiction), p.tr)
        .await;
    let c = p.chrome(tr.t("integrity-title"));
    let shown = num(&sel.threshold).unwrap_or_else(|| "5".into());
    let page = |c, f, error, r: Option<IntegrityReport>| IntegrityPage {
        c,
        f,
        threshold: shown.clone(),
        error,
        sections: r
            .as_ref()
            .map(|r| integrity_sections(tr, r))
            .unwrap_or_default(),
        r,
    };
    let (q, period) = match f.report_query(tr) {
        Ok(q) => q,
        Err(m) => {
            let r = render(&page(c, f, Some(m), None));
            return Ok(bad_input("report.invalid_period", r));
        }
    };
    let Some(th) = threshold(&sel) else {
        let m = tr.t("integrity-bad-threshold");
        let r = render(&page(c, f, Some(m), None));
        return Ok(bad_input("request.invalid_query", r));
    };
    match p
        .s
        .app
        .integrity_report(&p.actor(), &q.unit, period, th)
        .await
    {
        Ok(r) => Ok(render(&page(c, f, None, Some(r)))),
        Err(e) => report_failure(
            |e| p.fail(e),
            e,
            |m| render(&page(c, f, Some(m), None)),
            |e| message_of(tr, e),
        ),
    }
}

/// The staffing form's values: weeks (8), wait minutes (15), level (0.8) when empty.
fn staffing_params(sel: &Selector) -> Option<(u32, Target)> {
    let d = Target::default();
    let weeks = match num(&sel.weeks) {
        None => 8,
        Some(w) => w.parse().ok()?,
    };
    let wait_minutes = match num(&sel.wait) {
        None => d.wait_minutes,
        Some(w) => w.parse().ok()?,
    };
    let level = match num(&sel.level) {
        None => d.level,
        Some(l) => l.parse().ok()?,
    };
    Some((
        weeks,
        Target {
            wait_minutes,
            level,
        },
    ))
}

#[derive(Template)]
#[template(path = "report_staffing.html")]
struct StaffingPage {
    c: Chrome,
    /// The unit picker (by name).
    units: Vec<UnitGroup>,
    weeks: String,
    wait: String,
    level: String,
    /// `unit=…&weeks=…&wait=…&level=…` for links.
    query: String,
    error: Option<String>,
    r: Option<StaffingReport>,
}

impl StaffingPage {
    /// A weekday's short name.
    fn weekday(&self, i: &u8) -> String {
        WEEKDAYS
            .get(usize::from(*i))
            .map(|d| self.c.tr.t(&format!("weekday-{}", d.number_from_monday())))
            .unwrap_or_default()
    }

    /// The officers needed in a weekday's hour of a center, `""` when nobody came.
    fn need(&self, c: &motcua_app::staffing::CenterStaffing, weekday: &u8, hour: &u8) -> String {
        c.hours
            .iter()
            .find(|h| h.weekday == *weekday && h.hour == *hour)
            .map(|h| h.officers.to_string())
            .unwrap_or_default()
    }

    /// The verdict's words.
    fn verdict(&self, c: &motcua_app::staffing::CenterStaffing) -> String {
        let key = match c.verdict {
            motcua_domain::staffing::Verdict::Understaffed => "staffing-under",
            motcua_domain::staffing::Verdict::Adequate => "staffing-adequate",
            motcua_domain::staffing::Verdict::Overstaffed => "staffing-over",
        };
        self.c.tr.t(key)
    }
}

/// `GET /reports/staffing`: counter officers needed by each center, with the model.
pub async fn staffing(p: StaffPage, Query(sel): Query<Selector>) -> Result<Response, PageError> {
    let tr = p.tr;
    let unit = match num(&sel.unit) {
        Some(u) => u,
        None => default_unit(&p).await?,
    };
    let c = p.chrome(tr.t("staffing-title"));
    // The serializer is not `Send`: finished before any await.
    let query = {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("unit", &unit);
        for (k, v) in [
            ("weeks", &sel.weeks),
            ("wait", &sel.wait),
            ("level", &sel.level),
        ] {
            if let Some(v) = num(v) {
                q.append_pair(k, &v);
            }
        }
        q.finish()
    };
    let units = sel
        .form(&unit, this_year(&p.s))
        .with_units(&p.s.app, Some(&p.sess.actor().jurisdiction), tr)
        .await
        .units;
    let mut page = StaffingPage {
        units,
        c,
        weeks: num(&sel.weeks).unwrap_or_else(|| "8".into()),
        wait: num(&sel.wait).unwrap_or_else(|| "15".into()),
        level: num(&sel.level).unwrap_or_else(|| "0.8".into()),
        query,
        error: None,
        r: None,
    };
    let Some((weeks, target)) = staffing_params(&sel) else {
        page.error = Some(tr.t("staffing-bad-params"));
        return Ok(bad_input("request.invalid_query", render(&page)));
    };
    match p
        .s
        .app
        .staffing_report(&p.actor(), &unit, weeks, target)
        .await
    {
        Ok(r) => {
            page.r = Some(r);
            Ok(render(&page))
        }
        Err(e) => report_failure(
            |e| p.fail(e),
            e,
            |m| {
                page.error = Some(m);
                render(&page)
            },
            |e| match e {
                AppError::Invalid { .. } => tr.t("staffing-bad-params"),
                e => message_of(tr, e),
            },
        ),
    }
}

#[derive(Template)]
#[template(path = "report_metric.html")]
struct MetricPage {
    c: Chrome,
    f: Form,
    error: Option<String>,
    r: Option<MetricDossiers>,
}

impl MetricPage {
    fn day(&self, t: &time::OffsetDateTime) -> String {
        super::fmt_datetime(*t)
    }
    fn status(&self, s: &str) -> String {
        self.c.tr.t(&format!("status-{s}"))
    }
}

/// `GET /reports/metric`: the dossiers behind one metric of a unit's 766 index.
pub async fn metric(p: StaffPage, Query(sel): Query<Selector>) -> Result<Response, PageError> {
    let tr = p.tr;
    let f = sel
        .form(&default_unit(&p).await?, this_year(&p.s))
        .with_units(&p.s.app, Some(&p.sess.actor().jurisdiction), p.tr)
        .await;
    let c = p.chrome(tr.t("metric-title"));
    let (q, period) = match f.report_query(tr) {
        Ok(q) => q,
        Err(m) => {
            let page = MetricPage {
                c,
                f,
                error: Some(m),
                r: None,
            };
            return Ok(bad_input("report.invalid_period", render(&page)));
        }
    };
    let code = sel.metric.clone().unwrap_or_default();
    match p
        .s
        .app
        .metric_dossiers(&p.actor(), &q.unit, period, &code, 500)
        .await
    {
        Ok(r) => Ok(render(&MetricPage {
            c,
            f,
            error: None,
            r: Some(r),
        })),
        Err(e) => report_failure(
            |e| p.fail(e),
            e,
            |m| {
                render(&MetricPage {
                    c,
                    f,
                    error: Some(m),
                    r: None,
                })
            },
            |e| match e {
                AppError::Invalid { .. } => tr.t("metric-unknown"),
                e => message_of(tr, e),
            },
        ),
    }
}
