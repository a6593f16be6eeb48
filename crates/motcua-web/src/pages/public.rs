//! The citizen portal's public pages: search, procedure, tracking.

use super::failure::{PageError, public_failure};
use super::i18n::Tr;
use super::{Chrome, fmt_datetime, grouped};
use crate::AppState;
use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use fluent_templates::fluent_bundle::FluentValue;
use motcua_app::AppError;
use motcua_domain::calendar::{ProcessingTime, TimeUnit};
use motcua_domain::catalogue::{Channel, Procedure};
use motcua_domain::ids::{AgencyCode, ProcedureCode};
use serde::Deserialize;

pub(super) fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// Processing time in plain words.
pub fn time_text(tr: &Tr, t: ProcessingTime) -> String {
    let n = i64::from(t.value);
    match t.unit {
        _ if t.value == 0 => tr.t("time-same-day"),
        TimeUnit::SameDay => tr.t("time-same-day"),
        TimeUnit::WorkingHours => tr.tn("time-working-hours", n),
        TimeUnit::WorkingDays => tr.tn("time-working-days", n),
        TimeUnit::Days => tr.tn("time-days", n),
        TimeUnit::Months => tr.tn("time-months", n),
    }
}

fn display_name(tr: &Tr, p: &Procedure) -> (String, Option<String>) {
    match (tr.lang, &p.name_en) {
        (super::i18n::Lang::Vi, _) | (_, None) => (p.name.clone(), None),
        (_, Some(en)) => (en.clone(), Some(p.name.clone())),
    }
}

/// A procedure in a list.
pub struct Card {
    code: String,
    name: String,
    name_alt: Option<String>,
    field: String,
    full_online: bool,
    time: String,
}

fn card(tr: &Tr, p: &Procedure) -> Card {
    let (name, name_alt) = display_name(tr, p);
    let time = p
        .offer(Channel::Direct)
        .or(p.channels.first())
        .map(|o| time_text(tr, o.processing_time))
        .unwrap_or_default();
    Card {
        code: p.code.to_string(),
        name,
        name_alt,
        field: p.field.clone(),
        full_online: p.full_online,
        time,
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    c: Chrome,
    q: String,
    searched: bool,
    results_heading: String,
    stats: String,
    results: Vec<Card>,
    /// Life events (key, label, chosen) and fields (name, chosen) to browse by.
    events: Vec<(String, String, bool)>,
    fields: Vec<(String, bool)>,
    /// The heading of a browsed event or field.
    browsing: Option<String>,
}

/// A life event and the procedures it usually needs (`data/procedures/life_events.json`).
#[derive(Debug, Deserialize)]
struct LifeEvent {
    key: String,
    vi: String,
    en: String,
    procedures: Vec<String>,
}

/// The shipped life events (their codes are checked against the catalogue by a test).
static LIFE_EVENTS: std::sync::LazyLock<Vec<LifeEvent>> = std::sync::LazyLock::new(|| {
    serde_json::from_str(include_str!("../../../../data/procedures/life_events.json"))
        .expect("the shipped life events parse (tested)")
});

/// Query of the home page.
#[derive(Debug, Deserialize)]
pub struct HomeQuery {
    q: Option<String>,
    /// Browse by a field (lĩnh vực).
    field: Option<String>,
    /// Browse by a life event's key.
    event: Option<String>,
}

/// `GET /`: the search box, results or the whole catalogue.
pub async fn home(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    Query(q): Query<HomeQuery>,
) -> Response {
    let query: String = q.q.unwrap_or_default().chars().take(200).collect();
    let searched = !query.trim().is_empty();
    let all = match s.app.search_procedures(&query).await {
        Ok(r) => r,
        Err(e) => return public_failure(tr, &uri, e),
    };
    let mut fields: Vec<String> = all.iter().map(|p| p.field.clone()).collect();
    fields.sort();
    fields.dedup();
    let event = q
        .event
        .as_deref()
        .and_then(|k| LIFE_EVENTS.iter().find(|e| e.key == k));
    let field = q.field.filter(|f| fields.contains(f));
    let lang = tr.lang.code();
    let label = |e: &LifeEvent| {
        if lang == "vi" {
            e.vi.clone()
        } else {
            e.en.clone()
        }
    };
    let (results, browsing) = match (searched, event, &field) {
        (false, Some(e), _) => (
            e.procedures
                .iter()
                .filter_map(|c| all.iter().find(|p| p.code.as_str() == c).cloned())
                .collect::<Vec<_>>(),
            Some(label(e)),
        ),
        (false, None, Some(f)) => (
            all.iter().filter(|p| &p.field == f).cloned().collect(),
            Some(f.clone()),
        ),
        _ => (all, None),
    };
    let units = s.app.units();
    let stats = tr.ta(
        "home-stats",
        &[
            (
                "procedures",
                FluentValue::from(grouped(results.len() as i64)),
            ),
            (
                "provinces",
                FluentValue::from(grouped(units.provinces().len() as i64)),
            ),
            (
                "communes",
                FluentValue::from(grouped(units.data().communes.len() as i64)),
            ),
        ],
    );
    let results_heading = tr.ta(
        "search-results",
        &[
            ("count", FluentValue::from(results.len() as i64)),
            ("q", FluentValue::from(query.clone())),
        ],
    );
    let page = HomePage {
        c: Chrome::new(tr, &uri, tr.t("home-title")),
        q: query,
        searched,
        results_heading,
        stats,
        results: results.iter().map(|p| card(&tr, p)).collect(),
        events: LIFE_EVENTS
            .iter()
            .map(|e| {
                (
                    e.key.clone(),
                    label(e),
                    event.is_some_and(|x| x.key == e.key),
                )
            })
            .collect(),
        fields: fields
            .into_iter()
            .map(|f| {
                let chosen = field.as_ref() == Some(&f);
                (f, chosen)
            })
            .collect(),
        browsing,
    };
    render(&page)
}

struct CaseView {
    name: String,
    components: Vec<motcua_domain::catalogue::Component>,
    /// The declaration's form name and legal basis, when the case has one.
    declaration: Option<String>,
}

struct ChannelView {
    channel: String,
    time: String,
    note: Option<String>,
    fees: Vec<String>,
}

#[derive(Template)]
#[template(path = "procedure.html")]
struct ProcedurePage {
    c: Chrome,
    p: Card,
    version_label: String,
    tags: Vec<String>,
    example_fields: String,
    description: Option<String>,
    cases: Vec<CaseView>,
    channels: Vec<ChannelView>,
    steps: Vec<String>,
    requirements: Vec<String>,
    results: Vec<String>,
    legal: Vec<String>,
    where_text: String,
    online: bool,
    agency_kind: String,
    address: String,
    where_message: Option<String>,
    points: Vec<PointView>,
    all_points_label: String,
    all_points: Vec<String>,
}

/// A one-stop point where the procedure may be filed: its name and place, and how to reach it
/// — the address and phone its administrator recorded (nothing when none is), and its hours
/// (recorded, else those of its working calendar).
pub struct PointView {
    name: String,
    place: String,
    address: String,
    phone: String,
    hours: String,
}

/// How a point is shown.
async fn point_view(s: &AppState, a: motcua_domain::agency::Agency, place: String) -> PointView {
    let contact = a.contact.clone().unwrap_or_default();
    let hours = match contact.hours {
        Some(h) => h,
        None => match s.app.calendar_for(&a).await {
            Ok(cal) => cal
                .office()
                .periods()
                .iter()
                .map(|p| {
                    format!(
                        "{:02}:{:02}–{:02}:{:02}",
                        p.open.hour(),
                        p.open.minute(),
                        p.close.hour(),
                        p.close.minute()
                    )
                })
                .collect::<Vec<_>>()
                .join(", "),
            Err(_) => String::new(),
        },
    };
    PointView {
        name: a.name,
        place,
        address: contact.address.unwrap_or_default(),
        phone: contact.phone.unwrap_or_default(),
        hours,
    }
}

/// Query of the procedure page: an address to find where to file.
#[derive(Debug, Deserialize)]
pub struct ProcedureQuery {
    address: Option<String>,
    /// `1` when opened from a kiosk: the page stays in kiosk mode.
    kiosk: Option<String>,
}

fn fee_text(tr: &Tr, f: &motcua_domain::catalogue::Fee) -> String {
    match (f.amount_vnd, &f.note) {
        (Some(0), _) => format!("{}: {}", f.name, tr.t("proc-fee-free")),
        (Some(a), Some(n)) => format!("{}: {} đ. {n}", f.name, grouped(a as i64)),
        (Some(a), None) => format!("{}: {} đ", f.name, grouped(a as i64)),
        // No fixed national amount: the note says who sets it (or when it is free).
        (None, Some(n)) => format!("{}: {n}", f.name),
        (None, None) => format!("{}: {}", f.name, tr.t("proc-fee-council")),
    }
}

/// `GET /procedures/{code}`: what a procedure is, what to bring, fees, time, where to file.
pub async fn procedure_page(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    Path(code): Path<String>,
    Query(q): Query<ProcedureQuery>,
) -> Response {
    let unknown = || {
        not_found(
            &tr,
            &uri,
            "catalogue.unknown_procedure",
            tr.t("proc-not-found"),
        )
    };
    let Some(p) = ProcedureCode::parse(&code).ok() else {
        return unknown();
    };
    let p = match s.app.procedure(&p, None).await {
        Ok(p) => p,
        Err(AppError::NotFound { .. }) => return unknown(),
        Err(e) => return public_failure(tr, &uri, e),
    };
    let level_key = |l: &motcua_domain::agency::Level| match l {
        motcua_domain::agency::Level::Commune => "level-commune",
        motcua_domain::agency::Level::Province => "level-province",
        motcua_domain::agency::Level::Central => "level-central",
    };
    let mut tags = vec![p.field.clone()];
    tags.extend(p.levels.iter().map(|l| tr.t(level_key(l))));
    let kind = serde_json::to_value(p.competent_agency_kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let provincial = p.competent_agency_kind.level() != motcua_domain::agency::Level::Commune;
    let where_text = if p.boundary_free {
        tr.t("proc-where-boundary-free")
    } else if provincial {
        tr.t("proc-where-province")
    } else {
        tr.t("proc-where-commune")
    };
    let address: String = q.address.unwrap_or_default().chars().take(300).collect();
    let (mut where_message, mut points) = (None, Vec::new());
    let mut all_points: Vec<String> = Vec::new();
    if !address.trim().is_empty() {
        let r = s.app.units().resolve_address(&address);
        if r.candidates.is_empty() {
            where_message = Some(tr.t("proc-where-none"));
        } else {
            let mut seen = std::collections::BTreeSet::new();
            for cand in &r.candidates {
                if !seen.insert(cand.commune_code.clone()) {
                    continue;
                }
                let center = AgencyCode::parse(&format!("{}.TTPVHCC", cand.commune_code)).ok();
                let place = format!("{}, {}", cand.commune_name, cand.province_name);
                if let Some(c) = center {
                    match s.app.agency(&c).await {
                        Ok(a) => points.push(point_view(&s, a, place).await),
                        Err(AppError::NotFound { .. }) => {}
                        Err(e) => return public_failure(tr, &uri, e),
                    }
                }
                if provincial
                    && let Ok(pc) = AgencyCode::parse(&format!("{}.TTPVHCC", cand.province_code))
                    && let Ok(a) = s.app.agency(&pc).await
                    && !points.iter().any(|x| x.name == a.name)
                {
                    points.push(point_view(&s, a, String::new()).await);
                }
            }
            // Boundary-free procedures can be filed at every one-stop point of the province.
            if p.boundary_free
                && let Some(province) = r.candidates.first().map(|c| c.province_code.clone())
            {
                for commune in s.app.units().communes_of(&province) {
                    if let Ok(code) = AgencyCode::parse(&format!("{}.TTPVHCC", commune.code))
                        && let Ok(a) = s.app.agency(&code).await
                    {
                        all_points.push(a.name);
                    }
                }
            }
            where_message = Some(
                if seen.len() > 1 || r.candidates.iter().any(|c| c.partial) && seen.len() > 1 {
                    tr.t("proc-where-partial")
                } else {
                    let c0 = &r.candidates[0];
                    tr.ta(
                        "proc-where-result",
                        &[
                            ("commune", FluentValue::from(c0.commune_name.clone())),
                            ("province", FluentValue::from(c0.province_name.clone())),
                        ],
                    )
                },
            );
        }
    }
    let channel_key = |c: Channel| match c {
        Channel::Direct => "channel-direct",
        Channel::Online => "channel-online",
        Channel::Postal => "channel-postal",
        Channel::Kiosk => "channel-kiosk",
    };
    let example = unconfirmed_text(
        &tr,
        p.unconfirmed
            .iter()
            .filter(|f| f.as_str() != "code")
            .map(String::as_str),
    );
    let page = ProcedurePage {
        c: {
            let mut c = Chrome::new(tr, &uri, display_name(&tr, &p).0);
            if q.kiosk.as_deref() == Some("1") {
                c.kiosk_reset = Some(s.web.kiosk_reset_seconds);
            }
            c
        },
        version_label: tr.ta(
            "proc-version",
            &[("version", FluentValue::from(i64::from(p.version)))],
        ),
        tags,
        example_fields: example,
        description: p.description.clone(),
        cases: p
            .cases
            .iter()
            .map(|c| CaseView {
                name: c.name.clone(),
                components: c.components.clone(),
                declaration: c
                    .declaration
                    .as_ref()
                    .map(|d| format!("{} ({})", d.form.name, d.form.basis)),
            })
            .collect(),
        channels: p
            .channels
            .iter()
            .map(|o| ChannelView {
                channel: tr.t(channel_key(o.channel)),
                time: time_text(&tr, o.processing_time),
                note: o.note.clone(),
                fees: o.fees.iter().map(|f| fee_text(&tr, f)).collect(),
            })
            .collect(),
        steps: p.steps.clone(),
        requirements: p.requirements.clone(),
        results: p.results.clone(),
        legal: p.legal_basis.clone(),
        where_text,
        online: p.channels.iter().any(|o| o.channel == Channel::Online),
        agency_kind: tr.t(&format!("kind-{kind}")),
        address,
        where_message,
        points,
        all_points_label: tr.ta(
            "proc-where-all",
            &[("count", FluentValue::from(all_points.len() as i64))],
        ),
        all_points,
        p: card(&tr, &p),
    };
    render(&page)
}

/// A form error for the summary.
pub struct FormError {
    field: &'static str,
    message: String,
}

/// One line of the public timeline.
pub struct Step {
    at: String,
    text: String,
}

/// The tracking result.
pub struct TrackResult {
    code: String,
    procedure: String,
    status: String,
    status_class: &'static str,
    submitted: String,
    due: Option<String>,
    agency: String,
    timeline: Vec<Step>,
    /// While documents are asked for: (reason, items as (name, note)).
    supplement: Option<(String, Vec<(String, String)>)>,
    /// The query for the slip's address (code and phone, encoded).
    slip_query: String,
    /// When the result is ready: where and how to receive it.
    ready: Option<String>,
}

#[derive(Template)]
#[template(path = "track.html")]
struct TrackPage {
    c: Chrome,
    code: String,
    phone: String,
    errors: Vec<FormError>,
    error_code: bool,
    error_phone: bool,
    not_found: bool,
    result: Option<TrackResult>,
}

/// Query of the tracking page.
#[derive(Debug, Deserialize)]
pub struct TrackQuery {
    code: Option<String>,
    phone: Option<String>,
}

pub(super) fn parse_rfc3339(s: &str) -> Option<time::OffsetDateTime> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
}

/// `GET /track`: the form, and the dossier's status when code and phone match.
pub async fn track_page(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    Query(q): Query<TrackQuery>,
) -> Response {
    let code: String = q
        .code
        .clone()
        .unwrap_or_default()
        .trim()
        .chars()
        .take(60)
        .collect();
    let phone: String = q
        .phone
        .clone()
        .unwrap_or_default()
        .trim()
        .chars()
        .take(20)
        .collect();
    let submitted = q.code.is_some() || q.phone.is_some();
    let mut errors = Vec::new();
    let error_code = submitted && code.is_empty();
    let error_phone = submitted && motcua_domain::ids::Phone::parse(&phone).is_err();
    if error_code {
        errors.push(FormError {
            field: "code",
            message: tr.t("error-code-required"),
        });
    }
    if error_phone {
        errors.push(FormError {
            field: "phone",
            message: tr.t("error-phone-invalid"),
        });
    }
    let (mut not_found, mut result) = (false, None);
    if submitted && errors.is_empty() {
        match s.app.track(&code, &phone).await {
            Ok(v) => {
                let status_class = status_class(v.status);
                result = Some(TrackResult {
                    code: v.code.clone(),
                    procedure: v.procedure_name.clone(),
                    status: tr.t(&format!("status-{}", v.status.as_str())),
                    status_class,
                    submitted: parse_rfc3339(&v.submitted_at)
                        .map(fmt_datetime)
                        .unwrap_or_default(),
                    due: v
                        .due_at
                        .as_deref()
                        .and_then(parse_rfc3339)
                        .map(fmt_datetime),
                    agency: v.current_agency.clone(),
                    supplement: v.supplement.as_ref().map(|sup| {
                        (
                            sup.reason.clone().unwrap_or_default(),
                            sup.items
                                .iter()
                                .map(|i| (i.name.clone(), i.note.clone().unwrap_or_default()))
                                .collect(),
                        )
                    }),
                    ready: match (v.status, v.result_delivery.as_str()) {
                        (motcua_domain::dossier::Status::Finished, "postal") => {
                            Some(tr.t("track-result-ready-postal"))
                        }
                        (motcua_domain::dossier::Status::Finished, "counter") => {
                            Some(tr.t("track-result-ready-counter"))
                        }
                        (motcua_domain::dossier::Status::Returned, "online") => {
                            Some(tr.t("track-result-ready-electronic"))
                        }
                        _ => None,
                    },
                    slip_query: form_urlencoded::Serializer::new(String::new())
                        .append_pair("code", &code)
                        .append_pair("phone", &phone)
                        .finish(),
                    timeline: v
                        .timeline
                        .iter()
                        .map(|st| Step {
                            at: parse_rfc3339(&st.at).map(fmt_datetime).unwrap_or_default(),
                            text: tr.t(&format!("action-{}", st.action)),
                        })
                        .collect(),
                });
            }
            Err(e) if e.is_server_fault() => return public_failure(tr, &uri, e),
            Err(_) => {
                // One tracking code also follows a linked application's steps.
                match s.app.track_linked(&code, &phone).await {
                    Ok(Some(v)) => {
                        return axum::response::Html(super::registry::public_linked(tr, &uri, v))
                            .into_response();
                    }
                    Err(e) if e.is_server_fault() => return public_failure(tr, &uri, e),
                    _ => not_found = true,
                }
            }
        }
    }
    let title = tr.t("track-title");
    let page = TrackPage {
        c: Chrome::new(tr, &uri, title),
        code,
        phone,
        errors,
        error_code,
        error_phone,
        not_found,
        result,
    };
    let status = if not_found {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    (status, render(&page)).into_response()
}

fn not_found(tr: &Tr, uri: &Uri, code: &'static str, message: String) -> Response {
    PageError::new(Chrome::new(*tr, uri, String::new()), code, message).into_response()
}

/// The HTML 404 page for unknown non-API paths.
pub fn not_found_page(tr: &Tr, uri: &Uri) -> Response {
    not_found(tr, uri, "route.not_found", tr.t("not-found-lead"))
}

/// The CSS class of a status badge: done, needs the applicant's attention, closed.
pub(super) fn status_class(s: motcua_domain::dossier::Status) -> &'static str {
    use motcua_domain::dossier::Status;
    match s {
        Status::Finished | Status::Returned => "done",
        Status::SupplementRequested | Status::AwaitingPayment => "attention",
        s if s.is_closed() => "closed",
        _ => "",
    }
}

/// `GET /procedures/{code}/declaration.pdf`: the blank declaration form of the procedure, to
/// print and fill by hand.
pub async fn blank_declaration(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    Path(code): Path<String>,
) -> Response {
    let Ok(code) = ProcedureCode::parse(&code) else {
        return not_found_page(&tr, &uri);
    };
    match s.app.blank_declaration_pdf(&code, None).await {
        Ok(bytes) => crate::api::documents::pdf_response(&format!("to-khai-{code}.pdf"), bytes),
        Err(e) if e.is_server_fault() => super::failure::public_failure(tr, &uri, e),
        Err(_) => not_found_page(&tr, &uri),
    }
}

/// `GET /track/supplement-slip?code=…&phone=…`: the supplement request slip (form 02) of a
/// dossier waiting for documents, for whoever can track it.
pub async fn supplement_slip(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    Query(q): Query<TrackQuery>,
) -> Response {
    let (Some(code), Some(phone)) = (q.code.as_deref(), q.phone.as_deref()) else {
        return not_found_page(&tr, &uri);
    };
    match s
        .app
        .tracked_supplement_slip(code.trim(), phone.trim())
        .await
    {
        Ok((rec, bytes)) => crate::api::documents::pdf_response(&rec.file_name, bytes),
        Err(e) if e.is_server_fault() => public_failure(tr, &uri, e),
        Err(_) => not_found_page(&tr, &uri),
    }
}

/// The parts of a record marked as example values, in words a citizen reads (never the
/// record's field names such as `channels.fees`).
pub fn unconfirmed_text<'a>(tr: &Tr, fields: impl Iterator<Item = &'a str>) -> String {
    let mut out: Vec<String> = Vec::new();
    for f in fields {
        let key = match f {
            "channels.fees" => "proc-fees",
            "channels.processing_time" => "proc-time",
            "cases.components" => "proc-documents",
            "code" => "proc-unconfirmed-code",
            _ => "proc-unconfirmed-other",
        };
        let text = tr.t(key).to_lowercase();
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out.join(", ")
}
