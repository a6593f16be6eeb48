//! The application wizard (GOV.UK pattern): one question per page, uploads, check your answers
//! with "Change" links, a confirmation with the dossier code. The draft id lives in an HttpOnly
//! cookie scoped to `/apply`; forms carry an anti-forgery token derived from it.

use super::declaration::{Builder, Kind, Summary, Widget, failures, page_of, summary};
use super::failure::public_failure;
use super::i18n::Tr;
use super::public::{render, time_text};
use super::{Chrome, cookie, form};
use crate::AppState;
use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use fluent_templates::fluent_bundle::FluentValue;
use motcua_app::AppError;
use motcua_app::drafts::Draft;
use motcua_app::tokens::csrf_for;
use motcua_domain::catalogue::{Channel, Procedure};
use motcua_domain::declaration::form::{page_from_form, to_form};
use motcua_domain::declaration::{CheckContext, Declaration};
use motcua_domain::dossier::ResultDelivery;
use motcua_domain::ids::{AgencyCode, CitizenId, Phone, ProcedureCode};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

pub(crate) const DRAFT_COOKIE: &str = "motcua_draft";

/// At a kiosk, every page of the application stays in kiosk mode with its inactivity reset.
fn kiosk_of(s: &AppState, d: &Draft) -> Option<u32> {
    d.answers.kiosk.then_some(s.web.kiosk_reset_seconds)
}

/// The applicant's questions, before the declaration's pages.
const QUESTIONS: [&str; 5] = ["where", "name", "id", "contact", "delivery"];

/// The case's declaration, if the catalogue has one.
fn declaration_of(p: &Procedure) -> Option<&Declaration> {
    p.case(None).and_then(|c| c.declaration.as_ref())
}

/// The component the declaration stands for (not uploaded).
fn replaced_component(p: &Procedure) -> Option<&str> {
    declaration_of(p).and_then(|d| d.replaces_component.as_deref())
}

/// What the identity provider vouched for (the name, the ID number) is not asked again and
/// cannot be changed.
fn locked(d: &Draft, step: &str) -> bool {
    d.answers.verified
        && match step {
            "id" => d.answers.id_number.is_some(),
            "name" => d.answers.name.is_some(),
            _ => false,
        }
}

/// The wizard's steps for this application, in order: the applicant's questions, the
/// declaration's pages asked (a page's condition reads the answers so far), the documents, the
/// check.
fn steps(p: &Procedure, d: &Draft) -> Vec<String> {
    let mut out: Vec<String> = QUESTIONS
        .iter()
        .filter(|s| !locked(d, s))
        .map(|s| (*s).to_owned())
        .collect();
    if let Some(decl) = declaration_of(p) {
        out.extend(
            decl.pages_asked(&d.answers.declaration)
                .into_iter()
                .map(|pg| format!("form/{}", pg.key)),
        );
    }
    // A kiosk asks for no uploads: the papers go to the counter with the slip's code.
    if !d.answers.kiosk {
        out.push("documents".into());
    }
    out.push("check".into());
    out
}

/// The procedure of a code in the address: `Ok(None)` when the catalogue has no such code, the
/// page of the failure when it cannot be read.
async fn procedure_of(
    s: &AppState,
    tr: Tr,
    uri: &Uri,
    code: &str,
) -> Result<Option<std::sync::Arc<Procedure>>, Response> {
    let Ok(code) = ProcedureCode::parse(code) else {
        return Ok(None);
    };
    match s.app.procedure(&code, None).await {
        Ok(p) => Ok(Some(p)),
        Err(AppError::NotFound { .. }) => Ok(None),
        Err(e) => Err(public_failure(tr, uri, e)),
    }
}

/// The procedure of a code in the address, or the answer to send instead (not found, failure).
async fn known_procedure(
    s: &AppState,
    tr: Tr,
    uri: &Uri,
    code: &str,
) -> Result<std::sync::Arc<Procedure>, Response> {
    match procedure_of(s, tr, uri, code).await? {
        Some(p) => Ok(p),
        None => Err(super::public::not_found_page(&tr, uri)),
    }
}

/// This browser's draft for `p`; `None` without one (none started, expired, another
/// procedure's). A lost database is an error, not an expired draft.
async fn load(s: &AppState, headers: &HeaderMap, p: &Procedure) -> Result<Option<Draft>, AppError> {
    let Some(id) = cookie(headers, DRAFT_COOKIE).and_then(|c| c.parse::<Uuid>().ok()) else {
        return Ok(None);
    };
    match s.app.draft(id, &p.code).await {
        Ok(d) => Ok(Some(d)),
        Err(e) if e.is_server_fault() => Err(e),
        Err(_) => Ok(None),
    }
}

/// The procedure and this browser's draft for it; otherwise the answer to send instead (not
/// found, or back to the start when the draft expired).
async fn application(
    s: &AppState,
    tr: &Tr,
    uri: &Uri,
    headers: &HeaderMap,
    code: &str,
) -> Result<(std::sync::Arc<Procedure>, Draft), Response> {
    let p = known_procedure(s, *tr, uri, code).await?;
    match load(s, headers, &p).await {
        // Submitted: every step (Back, reload, a second submit) shows the confirmation.
        Ok(Some(d)) if d.answers.submitted.is_some() => {
            Err(Redirect::to(&format!("/apply/{}/done/{}", p.code, d.id)).into_response())
        }
        Ok(Some(d)) => Ok((p, d)),
        Ok(None) => Err(restart(&p.code)),
        Err(e) => Err(public_failure(*tr, uri, e)),
    }
}

/// A form posted to a step of this browser's application: the procedure, the draft and the
/// form's fields, once its anti-forgery token is the draft's; otherwise the answer to send.
async fn posted(
    s: &AppState,
    tr: &Tr,
    uri: &Uri,
    headers: &HeaderMap,
    code: &str,
    body: &Bytes,
) -> Result<(std::sync::Arc<Procedure>, Draft, HashMap<String, String>), Response> {
    let (p, d) = application(s, tr, uri, headers, code).await?;
    let f = form(body);
    if f.get("csrf").map(String::as_str) != Some(csrf_for(&d.id.to_string()).as_str()) {
        return Err(super::staff::forged(Chrome::new(*tr, uri, String::new())));
    }
    Ok((p, d, f))
}

fn restart(code: &ProcedureCode) -> Response {
    Redirect::to(&format!("/apply/{code}?expired=1")).into_response()
}

#[derive(Template)]
#[template(path = "apply_start.html")]
struct StartPage {
    c: Chrome,
    code: String,
    name: String,
    time: String,
    documents: Vec<String>,
    expired: bool,
    kiosk: bool,
}

/// Query of the start page.
#[derive(Debug, Deserialize)]
pub struct StartQuery {
    expired: Option<String>,
    kiosk: Option<String>,
}

/// `GET /apply/{code}`: what you will need, and the start button.
pub async fn start_page(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    Path(code): Path<String>,
    Query(q): Query<StartQuery>,
) -> Response {
    let p = match known_procedure(&s, tr, &uri, &code).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let time = p
        .offer(Channel::Online)
        .map(|o| time_text(&tr, o.processing_time))
        .unwrap_or_default();
    let page = StartPage {
        c: {
            let mut c = Chrome::new(tr, &uri, tr.t("apply-start-title"));
            if q.kiosk.as_deref() == Some("1") {
                c.kiosk_reset = Some(s.web.kiosk_reset_seconds);
            }
            c
        },
        code: p.code.to_string(),
        name: p.name.clone(),
        time,
        documents: p
            .case(None)
            .map(|c| c.components.iter().map(|x| x.name.clone()).collect())
            .unwrap_or_default(),
        expired: q.expired.is_some(),
        kiosk: q.kiosk.as_deref() == Some("1"),
    };
    render(&page)
}

/// `POST /apply/{code}`: starts a draft.
pub async fn start(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    client: crate::security::Client,
    headers: HeaderMap,
    Path(code): Path<String>,
    body: Bytes,
) -> Response {
    let p = match known_procedure(&s, tr, &uri, &code).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let kiosk = form(&body).get("kiosk").is_some_and(|v| v == "1");
    // Signed in through the identity provider: the applicant is who it vouched for.
    let citizen = match super::citizen::signed_in(&s, &headers).await {
        Ok(c) => c.map(|(c, _)| c),
        Err(e) => return public_failure(tr, &uri, e),
    };
    match s.app.start_draft(&p.code, kiosk, citizen.as_ref()).await {
        Ok(id) => {
            // Secure over TLS like every other cookie (issue #29).
            let secure = if client.tls { "; Secure" } else { "" };
            let c = format!(
                "{DRAFT_COOKIE}={id}; Path=/apply; HttpOnly; SameSite=Lax; Max-Age=86400{secure}"
            );
            (
                [(header::SET_COOKIE, c)],
                Redirect::to(&format!("/apply/{}/where", p.code)),
            )
                .into_response()
        }
        Err(e) => public_failure(tr, &uri, e),
    }
}

/// A radio choice on the "where" step.
pub struct Choice {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "apply_question.html")]
struct QuestionPage {
    c: Chrome,
    step: &'static str,
    back: String,
    error: Option<String>,
    values: HashMap<String, String>,
    choices: Vec<Choice>,
}

impl QuestionPage {
    fn value(&self, k: &str) -> String {
        self.values.get(k).cloned().unwrap_or_default()
    }
}

fn back_of(p: &Procedure, d: &Draft, step: &str) -> String {
    let all = steps(p, d);
    let code = &p.code;
    match all.iter().position(|s| s == step) {
        Some(0) | None => format!("/apply/{code}"),
        Some(i) => format!("/apply/{code}/{}", all[i - 1]),
    }
}

fn next_of(p: &Procedure, d: &Draft, step: &str, change: bool) -> String {
    let code = &p.code;
    if change {
        return format!("/apply/{code}/check");
    }
    let all = steps(p, d);
    let i = all.iter().position(|s| s == step).unwrap_or(0);
    format!("/apply/{code}/{}", all[(i + 1).min(all.len() - 1)])
}

fn title_of(tr: &Tr, step: &str) -> String {
    tr.t(match step {
        "where" => "apply-where-title",
        "name" => "apply-name-title",
        "id" => "apply-id-title",
        "delivery" => "apply-delivery-title",
        _ => "apply-contact-title",
    })
}

#[allow(clippy::too_many_arguments)]
fn question(
    tr: Tr,
    uri: &Uri,
    kiosk: Option<u32>,
    p: &Procedure,
    d: &Draft,
    step: &'static str,
    error: Option<String>,
    values: HashMap<String, String>,
    choices: Vec<Choice>,
) -> QuestionPage {
    let mut c = Chrome::new(tr, uri, title_of(&tr, step));
    c.csrf = csrf_for(&d.id.to_string());
    c.kiosk_reset = kiosk;
    QuestionPage {
        c,
        step,
        back: back_of(p, d, step),
        error,
        values,
        choices,
    }
}

fn current_values(d: &Draft) -> HashMap<String, String> {
    let a = &d.answers;
    let (delivery, postal) = match &a.result_delivery {
        Some(ResultDelivery::Counter) => (Some("counter".to_owned()), None),
        Some(ResultDelivery::Postal { address }) => {
            (Some("postal".to_owned()), Some(address.clone()))
        }
        Some(ResultDelivery::Electronic) => (Some("electronic".to_owned()), None),
        None => (None, None),
    };
    [
        ("address", &a.address),
        ("name", &a.name),
        ("id_number", &a.id_number),
        ("phone", &a.phone),
        ("email", &a.email),
        ("delivery", &delivery),
        // The postal address defaults to where the applicant lives.
        ("postal_address", &postal.or_else(|| a.address.clone())),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().map(|v| (k.to_owned(), v)))
    .collect()
}

/// Query of a question page.
#[derive(Debug, Deserialize)]
pub struct StepQuery {
    change: Option<String>,
}

/// `GET /apply/{code}/{step}` for the question steps.
pub async fn question_page(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    headers: HeaderMap,
    Path((code, step)): Path<(String, String)>,
) -> Response {
    let (p, d) = match application(&s, &tr, &uri, &headers, &code).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(step) = QUESTIONS.into_iter().find(|x| *x == step) else {
        return super::public::not_found_page(&tr, &uri);
    };
    if locked(&d, step) {
        return Redirect::to(&next_of(&p, &d, step, false)).into_response();
    }
    render(&question(
        tr,
        &uri,
        kiosk_of(&s, &d),
        &p,
        &d,
        step,
        None,
        current_values(&d),
        vec![],
    ))
}

fn receiving_for(p: &Procedure, unit: &motcua_domain::units::ResolvedUnit) -> Option<AgencyCode> {
    let provincial = p.competent_agency_kind.level() != motcua_domain::agency::Level::Commune;
    let code = if provincial {
        format!("{}.TTPVHCC", unit.province_code)
    } else {
        format!("{}.TTPVHCC", unit.commune_code)
    };
    AgencyCode::parse(&code).ok()
}

/// `POST /apply/{code}/{step}`: validates one answer; the next step, or the question again
/// with the error and what was typed.
pub async fn answer(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    headers: HeaderMap,
    Path((code, step)): Path<(String, String)>,
    Query(q): Query<StepQuery>,
    body: Bytes,
) -> Response {
    let (p, mut d, f) = match posted(&s, &tr, &uri, &headers, &code, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(step) = QUESTIONS.into_iter().find(|x| *x == step) else {
        return super::public::not_found_page(&tr, &uri);
    };
    // A verified answer is not changed by a post.
    if locked(&d, step) {
        return Redirect::to(&next_of(&p, &d, step, q.change.is_some())).into_response();
    }
    let get = |k: &str| f.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let values: HashMap<String, String> = f
        .iter()
        .filter(|(k, _)| k.as_str() != "csrf")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let fail = |msg: String, choices: Vec<Choice>| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&question(
                tr,
                &uri,
                kiosk_of(&s, &d),
                &p,
                &d,
                step,
                Some(msg),
                values.clone(),
                choices,
            )),
        )
            .into_response()
    };
    match step {
        "where" => {
            let address: String = get("address").chars().take(300).collect();
            // Nothing typed is an error, not a list of whatever matches nothing (issue #31).
            if address.trim().is_empty() {
                return fail(tr.t("apply-where-empty"), vec![]);
            }
            let r = s.app.units().resolve_address(&address);
            let mut units: Vec<motcua_domain::units::ResolvedUnit> = Vec::new();
            for c in r.candidates {
                if !units.iter().any(|u| u.commune_code == c.commune_code) {
                    units.push(c);
                }
            }
            let chosen = match (units.len(), f.get("unit")) {
                (0, _) => return fail(tr.t("apply-where-error"), vec![]),
                (1, _) => units.into_iter().next(),
                (_, Some(u)) => units.into_iter().find(|x| x.commune_code.as_str() == u),
                (_, None) => None,
            };
            let Some(unit) = chosen else {
                let r = s.app.units().resolve_address(&address);
                let mut choices: Vec<Choice> = Vec::new();
                for c in r.candidates {
                    if !choices.iter().any(|x| x.value == c.commune_code.as_str()) {
                        choices.push(Choice {
                            value: c.commune_code.to_string(),
                            label: format!("{}, {}", c.commune_name, c.province_name),
                        });
                    }
                }
                let msg = if f.contains_key("unit") || f.contains_key("choosing") {
                    Some(tr.t("apply-where-choose-error"))
                } else {
                    None
                };
                let page = question(
                    tr,
                    &uri,
                    kiosk_of(&s, &d),
                    &p,
                    &d,
                    step,
                    msg.clone(),
                    values.clone(),
                    choices,
                );
                let status = if msg.is_some() {
                    StatusCode::UNPROCESSABLE_ENTITY
                } else {
                    StatusCode::OK
                };
                return (status, render(&page)).into_response();
            };
            d.answers.address = Some(address);
            d.answers.receiving_agency = receiving_for(&p, &unit);
            d.answers.applicant_unit = Some(unit.commune_code.clone());
        }
        "name" => {
            let name = get("name");
            if name.is_empty()
                || name.chars().count() > 200
                || motcua_domain::text::has_hostile_chars(&name)
            {
                return fail(tr.t("apply-name-error"), vec![]);
            }
            d.answers.name = Some(name);
        }
        "delivery" => {
            d.answers.result_delivery = Some(match get("delivery").as_str() {
                "counter" => ResultDelivery::Counter,
                "electronic" => ResultDelivery::Electronic,
                "postal" => {
                    let address = get("postal_address");
                    if address.is_empty()
                        || address.chars().count() > 300
                        || motcua_domain::text::has_hostile_chars(&address)
                    {
                        return fail(tr.t("apply-delivery-address-error"), vec![]);
                    }
                    ResultDelivery::Postal { address }
                }
                _ => return fail(tr.t("apply-delivery-error"), vec![]),
            });
        }
        "id" => match CitizenId::parse(&get("id_number")) {
            Ok(id) => d.answers.id_number = Some(id.to_string()),
            Err(_) => return fail(tr.t("apply-id-error"), vec![]),
        },
        _ => {
            let Ok(phone) = Phone::parse(&get("phone")) else {
                return fail(tr.t("error-phone-invalid"), vec![]);
            };
            let email = get("email");
            if !email.is_empty()
                && (!email.contains('@') || email.contains(' ') || email.chars().count() > 200)
            {
                return fail(tr.t("apply-email-error"), vec![]);
            }
            d.answers.phone = Some(phone.to_string());
            d.answers.email = Some(email).filter(|e| !e.is_empty());
        }
    }
    match s.app.save_answers(&d).await {
        Ok(()) => Redirect::to(&next_of(&p, &d, step, q.change.is_some())).into_response(),
        Err(e) => public_failure(tr, &uri, e),
    }
}

/// One component row on the documents page.
pub struct DocRow {
    code: String,
    name: String,
    required: bool,
    files: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "apply_documents.html")]
struct DocumentsPage {
    c: Chrome,
    code: String,
    rows: Vec<DocRow>,
    errors: Vec<(String, String)>,
}

async fn documents_view(
    s: &AppState,
    tr: Tr,
    uri: &Uri,
    p: &Procedure,
    d: &Draft,
    errors: Vec<(String, String)>,
) -> Response {
    let files = match s.app.draft_files(d).await {
        Ok(f) => f,
        Err(e) => return public_failure(tr, uri, e),
    };
    let rows = p
        .case(None)
        .map(|c| {
            c.components
                .iter()
                .filter(|x| Some(x.code.as_str()) != replaced_component(p))
                .map(|x| DocRow {
                    code: x.code.clone(),
                    name: x.name.clone(),
                    required: x.required,
                    files: files
                        .iter()
                        .filter(|f| f.component_code == x.code)
                        .map(|f| (f.id.to_string(), f.file_name.clone()))
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut c = Chrome::new(tr, uri, tr.t("apply-docs-title"));
    c.csrf = csrf_for(&d.id.to_string());
    c.kiosk_reset = kiosk_of(s, d);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (
        status,
        render(&DocumentsPage {
            c,
            code: p.code.to_string(),
            rows,
            errors,
        }),
    )
        .into_response()
}

/// `GET /apply/{code}/documents`.
pub async fn documents_page(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    let (p, d) = match application(&s, &tr, &uri, &headers, &code).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    documents_view(&s, tr, &uri, &p, &d, vec![]).await
}

/// `POST /apply/{code}/documents` (multipart): stores the files sent, removes one if asked, and
/// continues when every required component has a file.
pub async fn upload(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    client: crate::security::Client,
    headers: HeaderMap,
    Path(code): Path<String>,
    mut mp: Multipart,
) -> Response {
    let (p, d) = match application(&s, &tr, &uri, &headers, &code).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut errors = Vec::new();
    let mut csrf_seen = false;
    let mut remove: Option<Uuid> = None;
    let mut files: Vec<(String, String, Option<String>, Bytes)> = Vec::new();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                errors.push(("documents".into(), tr.t("apply-docs-hint")));
                break;
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        if name == "csrf" {
            csrf_seen =
                field.text().await.ok().as_deref() == Some(csrf_for(&d.id.to_string()).as_str());
        } else if name == "remove" {
            remove = field.text().await.ok().and_then(|t| t.parse().ok());
        } else if let Some(comp) = name.strip_prefix("file_") {
            let comp = comp.to_owned();
            let file_name = field.file_name().unwrap_or("").to_owned();
            let declared = field.content_type().map(str::to_owned);
            match field.bytes().await {
                Ok(b) if b.is_empty() && file_name.is_empty() => {}
                Ok(b) => files.push((comp, file_name, declared, b)),
                Err(_) => errors.push((format!("file_{comp}"), tr.t("apply-docs-hint"))),
            }
        }
    }
    if !csrf_seen {
        return super::staff::forged(Chrome::new(tr, &uri, String::new()));
    }
    if let Some(id) = remove {
        // A file already gone is not an error; a lost database is.
        if let Err(e) = s.app.remove_draft_file(&d, id).await
            && e.is_server_fault()
        {
            return public_failure(tr, &uri, e);
        }
        return Redirect::to(&format!("/apply/{}/documents", p.code)).into_response();
    }
    // Each address has an hourly budget of bytes for drafts (issue #29: new drafts are cheap,
    // so a draft's own caps alone do not bound what one address stores).
    let total: usize = files.iter().map(|f| f.3.len()).sum();
    if let Some(too_many) = s.limits.over_upload(&client.ip, total, uri.path()) {
        return too_many;
    }
    for (comp, file_name, declared, bytes) in files {
        if let Err(e) = s
            .app
            .add_draft_file(&d, &comp, &file_name, declared.as_deref(), &bytes)
            .await
        {
            let comp_name = p
                .case(None)
                .and_then(|c| c.components.iter().find(|x| x.code == comp))
                .map(|x| x.name.clone())
                .unwrap_or_default();
            errors.push((
                format!("file_{comp}"),
                format!("{comp_name}: {}", upload_message(&tr, &e)),
            ));
        }
    }
    if errors.is_empty() {
        let have = match s.app.draft_files(&d).await {
            Ok(f) => f,
            Err(e) => return public_failure(tr, &uri, e),
        };
        for x in p
            .case(None)
            .map(|c| c.components.clone())
            .unwrap_or_default()
        {
            if x.required
                && Some(x.code.as_str()) != replaced_component(&p)
                && !have.iter().any(|f| f.component_code == x.code)
            {
                errors.push((
                    format!("file_{}", x.code),
                    tr.ta(
                        "apply-docs-missing",
                        &[("name", FluentValue::from(x.name.clone()))],
                    ),
                ));
            }
        }
    }
    if errors.is_empty() {
        return Redirect::to(&format!("/apply/{}/check", p.code)).into_response();
    }
    documents_view(&s, tr, &uri, &p, &d, errors).await
}

fn upload_message(tr: &Tr, e: &motcua_app::AppError) -> String {
    match e.code() {
        "upload.too_large" => tr.t("upload-too-large"),
        "upload.unsupported_type" => tr.t("upload-unsupported"),
        "upload.mislabelled" => tr.t("upload-mislabelled"),
        "upload.empty" => tr.t("upload-empty"),
        _ => tr.error(e),
    }
}

/// A row of the check-your-answers list.
pub struct AnswerRow {
    label: String,
    value: String,
    change: String,
}

/// An answer on the check page, marked when the identity provider vouched for it.
fn verified_text(tr: &Tr, value: Option<String>, verified: bool) -> String {
    let v = value.unwrap_or_default();
    if verified {
        format!("{v} ({})", tr.t("apply-verified"))
    } else {
        v
    }
}

/// The change link of an answer; none for a verified one.
fn change_link(verified: bool, href: String) -> String {
    if verified { String::new() } else { href }
}

/// A section of the check-your-answers page: a page of the declaration.
pub struct CheckSection {
    title: String,
    rows: Vec<motcua_domain::declaration::show::Row>,
    change: String,
}

#[derive(Template)]
#[template(path = "apply_check.html")]
struct CheckPage {
    c: Chrome,
    code: String,
    name: String,
    rows: Vec<AnswerRow>,
    sections: Vec<CheckSection>,
    docs: AnswerRow,
    errors: Vec<Summary>,
}

async fn check_view(
    s: &AppState,
    tr: Tr,
    uri: &Uri,
    p: &Procedure,
    d: &Draft,
    errors: Vec<Summary>,
) -> Response {
    let a = &d.answers;
    let receiving = match &a.receiving_agency {
        Some(c) => match s.app.agency(c).await {
            Ok(x) => x.name,
            Err(AppError::NotFound { .. }) => String::new(),
            Err(e) => return public_failure(tr, uri, e),
        },
        None => String::new(),
    };
    let files = match s.app.draft_files(d).await {
        Ok(f) => f,
        Err(e) => return public_failure(tr, uri, e),
    };
    let code = &p.code;
    let rows = vec![
        AnswerRow {
            label: tr.t("counter-address"),
            value: a.address.clone().unwrap_or_default(),
            change: format!("/apply/{code}/where?change=1"),
        },
        AnswerRow {
            label: tr.t("apply-receiving"),
            value: receiving,
            change: format!("/apply/{code}/where?change=1"),
        },
        AnswerRow {
            label: tr.t("counter-name"),
            value: verified_text(&tr, a.name.clone(), locked(d, "name")),
            change: change_link(locked(d, "name"), format!("/apply/{code}/name?change=1")),
        },
        AnswerRow {
            label: tr.t("counter-id"),
            value: verified_text(&tr, a.id_number.clone(), locked(d, "id")),
            change: change_link(locked(d, "id"), format!("/apply/{code}/id?change=1")),
        },
        AnswerRow {
            label: tr.t("counter-phone"),
            value: a.phone.clone().unwrap_or_default(),
            change: format!("/apply/{code}/contact?change=1"),
        },
        AnswerRow {
            label: tr.t("counter-email"),
            value: a.email.clone().unwrap_or_default(),
            change: format!("/apply/{code}/contact?change=1"),
        },
        AnswerRow {
            label: tr.t("apply-delivery-title"),
            value: match &a.result_delivery {
                Some(ResultDelivery::Counter) => tr.t("delivery-counter"),
                Some(ResultDelivery::Postal { address }) => {
                    format!("{}: {address}", tr.t("delivery-postal"))
                }
                Some(ResultDelivery::Electronic) => tr.t("delivery-electronic"),
                None => String::new(),
            },
            change: format!("/apply/{code}/delivery?change=1"),
        },
    ];
    let docs = AnswerRow {
        label: tr.t("apply-docs-title"),
        value: files
            .iter()
            .map(|f| f.file_name.clone())
            .collect::<Vec<_>>()
            .join(", "),
        change: format!("/apply/{code}/documents"),
    };
    // Every answer of the declaration with its page's change link; answers not yet given show
    // empty (submitting then names them).
    let sections = declaration_of(p)
        .map(|decl| {
            let answers = motcua_domain::declaration::Answers(a.declaration.clone());
            decl.show(&answers, tr.lang.code())
                .into_iter()
                .map(|sec| CheckSection {
                    change: format!("/apply/{code}/form/{}?change=1", sec.page),
                    title: sec.title,
                    rows: sec.rows,
                })
                .collect()
        })
        .unwrap_or_default();
    let mut c = Chrome::new(tr, uri, tr.t("apply-check-title"));
    c.csrf = csrf_for(&d.id.to_string());
    c.kiosk_reset = kiosk_of(s, d);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    (
        status,
        render(&CheckPage {
            c,
            code: code.to_string(),
            name: p.name.clone(),
            rows,
            sections,
            docs,
            errors,
        }),
    )
        .into_response()
}

/// `GET /apply/{code}/check`.
pub async fn check_page(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    let (p, d) = match application(&s, &tr, &uri, &headers, &code).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    check_view(&s, tr, &uri, &p, &d, vec![]).await
}

/// The summary of a refused submission: each declaration failure linked to the page that asks
/// it; any other failure as text.
fn submit_errors(tr: &Tr, p: &Procedure, e: &AppError) -> Vec<Summary> {
    match (failures(e), declaration_of(p)) {
        (Some(invalid), Some(decl)) => {
            let texts = summary(tr, decl, &invalid.errors);
            invalid
                .errors
                .iter()
                .zip(texts)
                .map(|(f, t)| Summary {
                    href: page_of(decl, &f.path)
                        .map(|pg| format!("/apply/{}/form/{}?change=1{}", p.code, pg.key, t.href))
                        .unwrap_or_default(),
                    text: t.text,
                })
                .collect()
        }
        _ => vec![Summary {
            href: String::new(),
            text: tr.error(e),
        }],
    }
}

#[derive(Template)]
#[template(path = "apply_done.html")]
struct DonePage {
    c: Chrome,
    dossier: String,
    procedure: String,
    agency: String,
    submitted: String,
    applicant: String,
    next_text: String,
    due_text: String,
    kiosk: bool,
}

/// `POST /apply/{code}/check`: submits, then shows the confirmation at its own address
/// (Post/Redirect/Get): a reload or Back shows it again, and a second submission of the same
/// draft finds the first dossier.
pub async fn submit(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    headers: HeaderMap,
    Path(code): Path<String>,
    body: Bytes,
) -> Response {
    let (p, d, _) = match posted(&s, &tr, &uri, &headers, &code, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match s.app.submit_draft(&d).await {
        Ok(_) => Redirect::to(&format!("/apply/{}/done/{}", p.code, d.id)).into_response(),
        Err(e) if e.is_server_fault() => public_failure(tr, &uri, e),
        Err(e) => {
            let errors = submit_errors(&tr, &p, &e);
            check_view(&s, tr, &uri, &p, &d, errors).await
        }
    }
}

/// `GET /apply/{code}/done/{draft}`: the confirmation of a submitted application. Its address
/// holds the draft's random id, which only the applicant's browser knew.
pub async fn done_page(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    headers: HeaderMap,
    Path((code, draft)): Path<(String, String)>,
) -> Response {
    let p = match known_procedure(&s, tr, &uri, &code).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Ok(draft) = draft.parse::<Uuid>() else {
        return super::public::not_found_page(&tr, &uri);
    };
    let dossier = match s.app.confirmation(draft).await {
        Ok(d) if d.procedure.code == p.code => d,
        Ok(_) => return super::public::not_found_page(&tr, &uri),
        Err(e) if e.is_server_fault() => return public_failure(tr, &uri, e),
        Err(_) => return super::public::not_found_page(&tr, &uri),
    };
    // The dossier is filed: whatever else fails, the applicant sees its code (an error page now
    // would invite a second filing). The agency's name falls back to its code.
    let agency = match s.app.agency(&dossier.receiving_agency).await {
        Ok(a) => a.name,
        Err(e) => {
            tracing::warn!(error = %e, "the receiving agency's name could not be read");
            dossier.receiving_agency.to_string()
        }
    };
    let time = p
        .offer(dossier.channel)
        .map(|o| time_text(&tr, o.processing_time))
        .unwrap_or_default();
    let next_text = tr.ta(
        "apply-done-next-text",
        &[
            ("agency", FluentValue::from(agency.clone())),
            ("time", FluentValue::from(time)),
        ],
    );
    // Online filings get their appointment when the point receives them.
    let due_text = match dossier.due_at {
        Some(due) => tr.ta(
            "apply-done-due",
            &[("due", FluentValue::from(super::fmt_datetime(due)))],
        ),
        None => tr.t("apply-done-due-later"),
    };
    let kiosk = dossier.channel == Channel::Kiosk;
    // At a kiosk the slip is shown to the person at the screen only: once the kiosk resets (its
    // draft cookie cleared), the address in the browser's history shows nothing of them.
    let held = cookie(&headers, DRAFT_COOKIE).and_then(|c| c.parse::<Uuid>().ok()) == Some(draft);
    if kiosk && !held {
        return Redirect::to("/kiosk").into_response();
    }
    let mut c = Chrome::new(tr, &uri, tr.t("apply-done-title"));
    if kiosk {
        // At a kiosk: print the slip, then the screen returns to the start by itself.
        c.kiosk_reset = Some(s.web.kiosk_reset_seconds);
    }
    render(&DonePage {
        c,
        dossier: dossier.code.to_string(),
        procedure: dossier.procedure_name.clone(),
        agency,
        submitted: super::fmt_datetime(dossier.submitted_at),
        applicant: dossier.applicant.name.clone(),
        next_text,
        due_text,
        kiosk,
    })
}

#[derive(Template)]
#[template(path = "apply_form.html")]
struct FormPage {
    c: Chrome,
    back: String,
    heading: String,
    help: String,
    procedure: String,
    widgets: Vec<Widget>,
    errors: Vec<Summary>,
    offers: Vec<Offer>,
}

/// An answer of the applicant's earlier dossier offered on a declaration page.
pub struct Offer {
    key: String,
    text: String,
    from: String,
}

/// The earlier answers to offer on a page: for the questions of `page` the form does not
/// answer yet (a failure to read them only hides the offer).
async fn offers_for(
    s: &AppState,
    tr: &Tr,
    d: &Draft,
    decl: &Declaration,
    page: &motcua_domain::declaration::Page,
    values: &HashMap<String, String>,
) -> Vec<Offer> {
    let open: Vec<&str> = page
        .fields
        .iter()
        .map(|f| f.key.as_str())
        .filter(|k| {
            !values.iter().any(|(path, v)| {
                !v.trim().is_empty() && motcua_domain::declaration::check::under(path, k)
            })
        })
        .collect();
    if open.is_empty() {
        return Vec::new();
    }
    let earlier = match s.app.earlier_answers(d, &open).await {
        Ok(x) => x,
        Err(e) => {
            tracing::warn!(error = %e, "earlier answers not read");
            return Vec::new();
        }
    };
    let lang = tr.lang.code();
    earlier
        .into_iter()
        .map(|a| {
            let one = motcua_domain::declaration::Answers(
                [(a.key.clone(), a.value.clone())].into_iter().collect(),
            );
            let text = decl
                .show(&one, lang)
                .into_iter()
                .flat_map(|sec| sec.rows)
                .filter(|r| r.path == a.key || r.path.starts_with(&format!("{}.", a.key)))
                .filter(|r| !r.block || !r.value.is_empty())
                .map(|r| {
                    if r.value.is_empty() {
                        r.label
                    } else {
                        format!("{}: {}", r.label, r.value)
                    }
                })
                .collect::<Vec<_>>()
                .join("; ");
            Offer {
                key: a.key,
                text,
                from: a.dossier.to_string(),
            }
        })
        .collect()
}

/// The declaration and one of its pages.
fn form_of<'p>(
    p: &'p Procedure,
    page: &str,
) -> Option<(&'p Declaration, &'p motcua_domain::declaration::Page)> {
    declaration_of(p).and_then(|d| d.page(page).map(|pg| (d, pg)))
}

#[allow(clippy::too_many_arguments)]
async fn form_view(
    s: &AppState,
    tr: Tr,
    uri: &Uri,
    p: &Procedure,
    d: &Draft,
    page: &motcua_domain::declaration::Page,
    values: &HashMap<String, String>,
    errors: &[motcua_domain::declaration::FieldError],
    add: Option<&str>,
) -> Response {
    let Some(decl) = declaration_of(p) else {
        return super::public::not_found_page(&tr, uri);
    };
    let units = s.app.units();
    let builder = Builder {
        tr: &tr,
        declaration: decl,
        values,
        errors,
        units: &units,
        add,
    };
    let widgets = builder.widgets(&[page], false);
    let offers = offers_for(s, &tr, d, decl, page, values).await;
    let lang = tr.lang.code();
    let mut c = Chrome::new(tr, uri, page.title.get(lang).to_owned());
    c.csrf = csrf_for(&d.id.to_string());
    c.kiosk_reset = kiosk_of(s, d);
    let mut widgets = widgets;
    if c.kiosk_reset.is_some() {
        // A kiosk's browser must not offer the previous person's answers.
        for w in &mut widgets {
            w.auto = "off";
        }
    }
    let body = render(&FormPage {
        c,
        back: back_of(p, d, &format!("form/{}", page.key)),
        heading: page.title.get(lang).to_owned(),
        help: page
            .help
            .as_ref()
            .map(|h| h.get(lang).to_owned())
            .unwrap_or_default(),
        procedure: p.name.clone(),
        widgets,
        errors: summary(&tr, decl, errors),
        offers,
    });
    if errors.is_empty() {
        body
    } else {
        (StatusCode::UNPROCESSABLE_ENTITY, body).into_response()
    }
}

/// `GET /apply/{code}/form/{page}`: one page of the declaration.
pub async fn form_page(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    headers: HeaderMap,
    Path((code, page)): Path<(String, String)>,
) -> Response {
    let (p, d) = match application(&s, &tr, &uri, &headers, &code).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some((_, pg)) = form_of(&p, &page) else {
        return super::public::not_found_page(&tr, &uri);
    };
    let values = to_form(&d.answers.declaration);
    form_view(&s, tr, &uri, &p, &d, pg, &values, &[], None).await
}

/// `POST /apply/{code}/form/{page}`: checks the page's answers (and the rules on them); the next
/// step, or the page again with every error at once and what was typed. "Add another" shows
/// one more item of a group without checking.
pub async fn form_answer(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    headers: HeaderMap,
    Path((code, page)): Path<(String, String)>,
    Query(q): Query<StepQuery>,
    body: Bytes,
) -> Response {
    let (p, mut d, f) = match posted(&s, &tr, &uri, &headers, &code, &body).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some((decl, pg)) = form_of(&p, &page) else {
        return super::public::not_found_page(&tr, &uri);
    };
    let typed: HashMap<String, String> = f
        .iter()
        .filter(|(k, _)| k.as_str() != "csrf" && k.as_str() != "add")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // "Use these answers": the earlier answers the applicant ticked fill the questions they
    // left empty; the page comes back to be checked and continued (nothing is saved yet).
    if f.contains_key("reuse") {
        let mut typed = typed;
        let keys: Vec<&str> = pg
            .fields
            .iter()
            .map(|x| x.key.as_str())
            .filter(|k| f.get(&format!("reuse_{k}")).is_some_and(|v| v == "1"))
            .collect();
        if let Ok(earlier) = s.app.earlier_answers(&d, &keys).await {
            for a in earlier {
                let filled = to_form(&[(a.key.clone(), a.value)].into_iter().collect());
                typed.retain(|path, _| !motcua_domain::declaration::check::under(path, &a.key));
                typed.extend(filled);
            }
        }
        typed.retain(|k, _| !k.starts_with("reuse"));
        return form_view(&s, tr, &uri, &p, &d, pg, &typed, &[], None).await;
    }
    if let Some(group) = f.get("add") {
        return form_view(&s, tr, &uri, &p, &d, pg, &typed, &[], Some(group)).await;
    }
    let mut merged = d.answers.declaration.clone();
    for field in &pg.fields {
        merged.remove(&field.key);
    }
    merged.extend(page_from_form(decl, &pg.key, &typed));
    let units = s.app.units();
    let ctx = CheckContext {
        filing_date: s.app.now().to_offset(motcua_domain::VN_OFFSET).date(),
        units: &units,
    };
    match decl.check_page(&pg.key, &serde_json::Value::Object(merged), ctx) {
        Ok(answers) => {
            d.answers.declaration = answers.0;
            match s.app.save_answers(&d).await {
                Ok(()) => Redirect::to(&next_of(
                    &p,
                    &d,
                    &format!("form/{}", pg.key),
                    q.change.is_some(),
                ))
                .into_response(),
                Err(e) => public_failure(tr, &uri, e),
            }
        }
        Err(invalid) => form_view(&s, tr, &uri, &p, &d, pg, &typed, &invalid.errors, None).await,
    }
}
