//! The leader's dashboard and the administration pages (catalogue versions, holiday tables).

use super::charts;
use super::i18n::Tr;
use super::public::render;
use super::staff::StaffSession;
use super::{Chrome, fmt_datetime, grouped};
use crate::AppState;
use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use fluent_templates::fluent_bundle::FluentValue;
use motcua_app::AppError;
use motcua_domain::calendar::{DayKind, HolidaySource, HolidayYear, SpecialDay};
use motcua_domain::ids::ProvinceCode;
use serde::Deserialize;
use std::collections::HashMap;

fn forbidden(tr: Tr, uri: &Uri, s: &StaffSession, key: &str) -> Response {
    s.refuse(tr, uri, "auth.forbidden", tr.t(key))
        .into_response()
}

/// The error page of a leader's or administrator's page.
fn fail(tr: Tr, uri: &Uri, s: &StaffSession, e: AppError) -> Response {
    s.fail(tr, uri, e).into_response()
}

/// Nothing at this address.
fn not_found(tr: Tr, uri: &Uri, s: &StaffSession) -> Response {
    s.refuse(tr, uri, "route.not_found", tr.t("not-found-lead"))
        .into_response()
}

struct AgencyRow {
    name: String,
    received: i64,
    finished: i64,
    on_time: String,
    overdue: i64,
}

struct OverdueRow {
    code: String,
    procedure: String,
    due: String,
    agency: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    c: Chrome,
    scope: String,
    total: String,
    rate: String,
    overdue: String,
    status_chart: String,
    status_rows: Vec<(String, i64)>,
    day_chart: String,
    agencies: Vec<AgencyRow>,
    overdue_rows: Vec<OverdueRow>,
}

/// `GET /dashboard`: counts by status, on-time rate, overdue list, a table per receiving point,
/// and charts drawn as SVG on the server.
pub async fn dashboard(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    sess: StaffSession,
) -> Response {
    let d = match s.app.dashboard(sess.actor()).await {
        Ok(d) => d,
        Err(AppError::Forbidden(_) | AppError::Unauthenticated) => {
            return forbidden(tr, &uri, &sess, "dash-forbidden");
        }
        Err(e) => return fail(tr, &uri, &sess, e),
    };
    let st = &d.stats;
    let total: i64 = st.by_status.iter().map(|x| x.1).sum();
    let finished = st.on_time + st.late;
    let rate = if finished > 0 {
        (st.on_time * 1000 / finished) as f64 / 10.0
    } else {
        0.0
    };
    let status_rows: Vec<(String, i64)> = st
        .by_status
        .iter()
        .map(|(k, n)| (tr.t(&format!("status-{k}")), *n))
        .collect();
    let mut agencies = Vec::new();
    for (code, received, fin, on_time, overdue) in &st.by_agency {
        // An agency the counts name but the catalogue no longer has is shown by its code.
        let name = match code.parse() {
            Ok(c) => match s.app.agency(&c).await {
                Ok(a) => a.name,
                Err(AppError::NotFound { .. }) => code.clone(),
                Err(e) => return fail(tr, &uri, &sess, e),
            },
            Err(_) => code.clone(),
        };
        agencies.push(AgencyRow {
            name,
            received: *received,
            finished: *fin,
            on_time: if *fin > 0 {
                format!(
                    "{:.0}% ({on_time}/{fin})",
                    *on_time as f64 * 100.0 / *fin as f64
                )
            } else {
                "—".into()
            },
            overdue: *overdue,
        });
    }
    let page = DashboardPage {
        c: sess.chrome(tr, &uri, tr.t("dash-title")),
        scope: tr.t(if d.scope == "province" {
            "dash-scope-province"
        } else {
            "dash-scope-agency"
        }),
        total: grouped(total),
        rate: tr.ta(
            "dash-on-time-rate-value",
            &[
                ("rate", FluentValue::from(format!("{rate:.1}"))),
                ("on_time", FluentValue::from(st.on_time)),
                ("finished", FluentValue::from(finished)),
            ],
        ),
        overdue: grouped(st.overdue),
        status_chart: charts::bars(&tr.t("dash-by-status"), &status_rows),
        status_rows,
        day_chart: charts::columns(&tr.t("dash-per-day"), &st.per_day),
        agencies,
        overdue_rows: d
            .overdue
            .iter()
            .map(|x| OverdueRow {
                code: x.code.to_string(),
                procedure: x.procedure_name.clone(),
                due: x.due_at.map(fmt_datetime).unwrap_or_default(),
                agency: x.current_agency.to_string(),
            })
            .collect(),
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    c: Chrome,
    procedures: Vec<(String, String, u32)>,
    province: String,
    year: i32,
    /// The national catalogue is edited by a system administrator only.
    edit_catalogue: bool,
}

/// `GET /admin`: the catalogue and links to the holiday tables.
pub async fn admin(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    sess: StaffSession,
) -> Response {
    if !sess.actor().role.may_administer() {
        return forbidden(tr, &uri, &sess, "admin-forbidden");
    }
    let all = match s.app.procedures().await {
        Ok(p) => p.to_vec(),
        Err(e) => return fail(tr, &uri, &sess, e),
    };
    let province = match s.app.agency(&sess.actor().agency).await {
        Ok(a) => a.province_code.to_string(),
        Err(e) => return fail(tr, &uri, &sess, e),
    };
    let page = AdminPage {
        c: sess.chrome(tr, &uri, tr.t("admin-title")),
        procedures: all
            .iter()
            .map(|p| (p.code.to_string(), p.name.clone(), p.version))
            .collect(),
        province,
        year: s.app.now().to_offset(motcua_domain::VN_OFFSET).year(),
        edit_catalogue: sess.actor().role == motcua_domain::access::Role::Admin,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "admin_holidays.html")]
struct HolidaysPage {
    c: Chrome,
    province: String,
    year: i32,
    provinces: Vec<(String, String, bool)>,
    source: String,
    days: Vec<(String, String, String)>,
    lines: String,
    error: Option<String>,
}

/// Query of the holiday page.
#[derive(Debug, Deserialize)]
pub struct HolidayQuery {
    province: Option<String>,
    year: Option<i32>,
}

async fn holidays_view(
    s: &AppState,
    tr: Tr,
    uri: &Uri,
    sess: &StaffSession,
    (province, year): (ProvinceCode, i32),
    edit: (Option<String>, Option<String>),
) -> Response {
    let (lines, error) = edit;
    let table = match s.app.holiday_year(&province, year).await {
        Ok(t) => t,
        Err(e) => return fail(tr, uri, sess, e),
    };
    let kind = |k: DayKind| if k == DayKind::Off { "off" } else { "work" };
    let page = HolidaysPage {
        c: sess.chrome(tr, uri, tr.t("admin-holidays")),
        provinces: s
            .app
            .units()
            .provinces()
            .iter()
            .map(|p| (p.code.to_string(), p.name.clone(), p.code == province))
            .collect(),
        province: province.to_string(),
        year,
        source: tr.t(if table.source == HolidaySource::Official {
            "admin-holiday-source-official"
        } else {
            "admin-holiday-source-default"
        }),
        days: table
            .days
            .iter()
            .map(|d| (d.date.to_string(), kind(d.kind).to_owned(), d.name.clone()))
            .collect(),
        lines: lines.unwrap_or_else(|| {
            table
                .days
                .iter()
                .map(|d| format!("{}, {}, {}", d.date, kind(d.kind), d.name))
                .collect::<Vec<_>>()
                .join("\n")
        }),
        error: error.clone(),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, render(&page)).into_response()
}

/// The table typed in the holiday form, or what is wrong with it in the reader's language.
fn parse_lines(tr: &Tr, year: i32, text: &str) -> Result<HolidayYear, String> {
    let line_err = |i: usize, key: &str| tr.ta(key, &[("line", FluentValue::from(i + 1))]);
    let mut days = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let mut parts = line.splitn(3, ',').map(str::trim);
        let (Some(date), Some(kind), Some(name)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(line_err(i, "admin-holiday-line-shape"));
        };
        let date = time::Date::parse(date, &time::format_description::well_known::Iso8601::DATE)
            .map_err(|_| line_err(i, "admin-holiday-line-date"))?;
        let kind = match kind {
            "off" => DayKind::Off,
            "work" => DayKind::Work,
            _ => return Err(line_err(i, "admin-holiday-line-kind")),
        };
        days.push(SpecialDay {
            date,
            kind,
            name: name.to_owned(),
        });
    }
    let y = HolidayYear {
        year,
        source: HolidaySource::Official,
        days,
    };
    y.validate().map_err(|_| tr.t("admin-holiday-invalid"))?;
    Ok(y)
}

/// `GET /admin/holidays?province=68&year=2026`: the table in force.
pub async fn holidays(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    sess: StaffSession,
    Query(q): Query<HolidayQuery>,
) -> Response {
    if !sess.actor().role.may_administer() {
        return forbidden(tr, &uri, &sess, "admin-forbidden");
    }
    let province = q
        .province
        .as_deref()
        .and_then(|p| ProvinceCode::parse(p).ok())
        .filter(|p| s.app.units().province(p).is_some());
    let province = match province {
        Some(p) => p,
        None => match s.app.agency(&sess.actor().agency).await {
            Ok(a) => a.province_code,
            Err(e) => return fail(tr, &uri, &sess, e),
        },
    };
    let year = q
        .year
        .filter(|y| (1900..=2100).contains(y))
        .unwrap_or_else(|| s.app.now().year());
    holidays_view(&s, tr, &uri, &sess, (province, year), (None, None)).await
}

/// `POST /admin/holidays`: saves the year's official notice.
pub async fn save_holidays(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    sess: StaffSession,
    body: Bytes,
) -> Response {
    if !sess.actor().role.may_administer() {
        return forbidden(tr, &uri, &sess, "admin-forbidden");
    }
    let f: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    if !sess.csrf_ok(&f) {
        return super::staff::forged(sess.chrome(tr, &uri, String::new()));
    }
    let Some(province) = f
        .get("province")
        .and_then(|p| ProvinceCode::parse(p).ok())
        .filter(|p| s.app.units().province(p).is_some())
    else {
        return not_found(tr, &uri, &sess);
    };
    if !sess.actor().jurisdiction.covers_province(&province) {
        return forbidden(tr, &uri, &sess, "admin-forbidden");
    }
    let year: i32 = f
        .get("year")
        .and_then(|y| y.parse().ok())
        .filter(|y| (1900..=2100).contains(y))
        .unwrap_or(0);
    let lines = f.get("lines").cloned().unwrap_or_default();
    match parse_lines(&tr, year, &lines) {
        Ok(table) => match s.app.save_holiday_year(&province, table).await {
            Ok(()) => holidays_view(&s, tr, &uri, &sess, (province, year), (None, None)).await,
            Err(e) if e.is_server_fault() => fail(tr, &uri, &sess, e),
            Err(e) => {
                holidays_view(
                    &s,
                    tr,
                    &uri,
                    &sess,
                    (province, year),
                    (Some(lines), Some(tr.error(&e))),
                )
                .await
            }
        },
        Err(e) => {
            holidays_view(
                &s,
                tr,
                &uri,
                &sess,
                (province, year.max(1900)),
                (Some(lines), Some(e)),
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holiday_lines_parse_and_refuse_bad_rows() {
        let tr = Tr {
            lang: super::super::i18n::Lang::Vi,
        };
        let y = parse_lines(
            &tr,
            2026,
            "2026-01-01, off, Tết Dương lịch\n\n2026-02-14, work, Làm bù",
        )
        .unwrap();
        assert_eq!(y.days.len(), 2);
        assert_eq!(y.days[1].kind, DayKind::Work);
        // Each refusal in the page's language, naming the line.
        for (text, want) in [
            ("2026-13-01, off, x", "Dòng 1: ngày không hợp lệ"),
            ("\n2026-01-01, maybe, x", "Dòng 2: loại ngày là off"),
            ("2026-01-01", "Dòng 1: viết theo mẫu"),
            ("2025-01-01, off, x", "Mỗi ngày phải thuộc năm đã chọn"),
        ] {
            let e = parse_lines(&tr, 2026, text).unwrap_err();
            assert!(e.contains(want), "{text}: {e}");
        }
    }
}
