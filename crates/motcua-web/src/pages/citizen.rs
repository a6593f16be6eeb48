//! The citizen's pages: login with the national identity (VNeID, OpenID Connect), their own
//! dossiers, and the documents issued on them. Filing and tracking never need this.
//!
//! The session cookie is SameSite=Lax, not Strict: the browser arrives from the provider's site,
//! and a Strict cookie set there would not be sent on the redirect that follows. Lax still keeps
//! it off cross-site posts, and every form here carries the session's anti-forgery token.

use super::account::cookie_with;
use super::failure::public_failure;
use super::i18n::Tr;
use super::public::{render, status_class};
use super::{Chrome, cookie, fmt_datetime, form};
use crate::AppState;
use crate::oidc::Pending;
use crate::security::Client;
use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use motcua_app::AppError;
use motcua_app::citizens::Citizen;
use motcua_app::tokens::csrf_for;
use motcua_domain::ids::{CitizenId, DossierCode};
use serde::Deserialize;

/// The citizen's session cookie.
pub const CITIZEN_COOKIE: &str = "motcua_citizen";
/// The login in progress (state, PKCE verifier, nonce), for ten minutes.
const PENDING_COOKIE: &str = "motcua_oidc";

/// `Set-Cookie` for the citizen's cookies (SameSite=Lax: see the module comment).
fn lax_cookie(name: &str, value: &str, client: &Client, max_age: Option<i64>) -> String {
    cookie_with(name, value, client, max_age, "Lax")
}

/// Where the provider sends the browser back: the public address when configured, else this
/// request's host (the provider accepts only the registered address anyway).
fn callback_url(s: &AppState, headers: &HeaderMap, client: &Client) -> String {
    if let Some(base) = &s.web.public_url {
        return format!("{}/citizen/callback", base.trim_end_matches('/'));
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .unwrap_or("127.0.0.1");
    let scheme = if client.tls { "https" } else { "http" };
    format!("{scheme}://{host}/citizen/callback")
}

struct Row {
    code: String,
    procedure: String,
    status: String,
    status_class: &'static str,
    submitted: String,
    due: String,
}

#[derive(Template)]
#[template(path = "citizen.html")]
struct CitizenPage {
    c: Chrome,
    /// The signed-in citizen's name and masked number.
    who: Option<(String, String)>,
    /// Whether a provider is configured.
    available: bool,
    rows: Vec<Row>,
    error: Option<String>,
}

struct DocRow {
    id: String,
    title: String,
    at: String,
    /// `form01` … `form07`, `scan`, `result`.
    kind: String,
}

struct Step {
    at: String,
    text: String,
}

#[derive(Template)]
#[template(path = "citizen_dossier.html")]
struct CitizenDossierPage {
    c: Chrome,
    code: String,
    procedure: String,
    status: String,
    status_class: &'static str,
    submitted: String,
    due: String,
    agency: String,
    timeline: Vec<Step>,
    documents: Vec<DocRow>,
    /// An open supplement request and how to answer it.
    supplement: Option<SupplementView>,
    version: i64,
    /// The supplement was just answered.
    answered: bool,
    errors: Vec<(String, String)>,
}

/// What the officer asked for, on the citizen's page.
struct SupplementView {
    reason: String,
    asked: String,
    /// (component code, its name, the officer's note)
    items: Vec<(String, String, String)>,
    /// Form 02 among the dossier's documents.
    form02: Option<String>,
}

/// Query of a citizen's dossier page.
#[derive(Debug, Deserialize)]
pub struct DossierQuery {
    answered: Option<String>,
}

/// The signed-in citizen of a request, with the cookie's secret; `None` without a session that
/// is valid now. A lost database is an error, not a signed-out citizen.
pub(crate) async fn signed_in(
    s: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Citizen, String)>, AppError> {
    let Some(secret) = cookie(headers, CITIZEN_COOKIE) else {
        return Ok(None);
    };
    match s.app.citizen_session(&secret).await {
        Ok(c) => Ok(Some((c, secret))),
        Err(e) if e.is_server_fault() => Err(e),
        Err(_) => Ok(None),
    }
}

/// The signed-in citizen, their session's secret and the dossier code of the address; the sign
/// in page without a session, not found for a code that does not parse.
async fn own_request(
    s: &AppState,
    tr: Tr,
    uri: &Uri,
    headers: &HeaderMap,
    code: &str,
) -> Result<(Citizen, String, DossierCode), Response> {
    let (citizen, secret) = match signed_in(s, headers).await {
        Ok(Some(x)) => x,
        Ok(None) => return Err(Redirect::to("/citizen").into_response()),
        Err(e) => return Err(public_failure(tr, uri, e)),
    };
    let Ok(code) = DossierCode::parse(code) else {
        return Err(super::public::not_found_page(&tr, uri));
    };
    Ok((citizen, secret, code))
}

fn chrome(tr: Tr, uri: &Uri, title: String, secret: Option<&str>) -> Chrome {
    let mut c = Chrome::new(tr, uri, title);
    if let Some(s) = secret {
        c.csrf = csrf_for(s);
    }
    c
}

fn page(
    tr: Tr,
    uri: &Uri,
    s: &AppState,
    who: Option<(&Citizen, &str)>,
    rows: Vec<Row>,
    error: Option<String>,
) -> CitizenPage {
    CitizenPage {
        c: chrome(tr, uri, tr.t("citizen-title"), who.map(|w| w.1)),
        who: who.map(|(c, _)| (c.name.clone(), c.id_number.masked())),
        available: s.oidc.is_some(),
        rows,
        error,
    }
}

/// `GET /citizen`: the citizen's dossiers, or the way to sign in.
pub async fn home(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let (citizen, secret) = match signed_in(&s, &headers).await {
        Ok(Some(x)) => x,
        Ok(None) => return render(&page(tr, &uri, &s, None, vec![], None)),
        Err(e) => return public_failure(tr, &uri, e),
    };
    let dossiers = match s.app.my_dossiers(&citizen).await {
        Ok(d) => d,
        Err(e) => return public_failure(tr, &uri, e),
    };
    let rows = dossiers
        .iter()
        .map(|d| Row {
            code: d.code.to_string(),
            procedure: d.procedure_name.clone(),
            status: tr.t(&format!("status-{}", d.status.as_str())),
            status_class: status_class(d.status),
            submitted: fmt_datetime(d.submitted_at),
            due: d.due_at.map(fmt_datetime).unwrap_or_default(),
        })
        .collect();
    render(&page(tr, &uri, &s, Some((&citizen, &secret)), rows, None))
}

/// `GET /citizen/login`: to the provider, with a new state, PKCE challenge and nonce.
pub async fn login(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    headers: HeaderMap,
    client: Client,
) -> Response {
    let Some(oidc) = s.oidc.clone() else {
        let p = page(
            tr,
            &uri,
            &s,
            None,
            vec![],
            Some(tr.t("citizen-unavailable")),
        );
        return (StatusCode::SERVICE_UNAVAILABLE, render(&p)).into_response();
    };
    match oidc.start(&callback_url(&s, &headers, &client)).await {
        Ok((url, pending)) => (
            [(
                header::SET_COOKIE,
                lax_cookie(PENDING_COOKIE, &pending.to_cookie(), &client, Some(600)),
            )],
            Redirect::to(&url),
        )
            .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "identity provider unreachable");
            let p = page(
                tr,
                &uri,
                &s,
                None,
                vec![],
                Some(tr.t("citizen-provider-down")),
            );
            (StatusCode::BAD_GATEWAY, render(&p)).into_response()
        }
    }
}

/// Query of the provider's redirect back.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /citizen/callback`: checks the state against this browser's pending login, exchanges
/// the code, checks the ID token, and starts the citizen's session.
pub async fn callback(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    headers: HeaderMap,
    client: Client,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let fail = |key: &str, status: StatusCode| {
        let p = page(tr, &uri, &s, None, vec![], Some(tr.t(key)));
        (
            status,
            [(
                header::SET_COOKIE,
                lax_cookie(PENDING_COOKIE, "", &client, Some(0)),
            )],
            render(&p),
        )
            .into_response()
    };
    let Some(oidc) = s.oidc.clone() else {
        return fail("citizen-unavailable", StatusCode::SERVICE_UNAVAILABLE);
    };
    if q.error.is_some() {
        return fail("citizen-login-cancelled", StatusCode::UNAUTHORIZED);
    }
    let pending = cookie(&headers, PENDING_COOKIE).and_then(|v| Pending::from_cookie(&v));
    let (Some(pending), Some(code), Some(state)) = (pending, q.code, q.state) else {
        return fail("citizen-login-expired", StatusCode::BAD_REQUEST);
    };
    if state != pending.state {
        return fail("citizen-login-expired", StatusCode::BAD_REQUEST);
    }
    let identity = match oidc
        .finish(&callback_url(&s, &headers, &client), &code, &pending)
        .await
    {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!(error = %e, "citizen login refused");
            return fail("citizen-login-failed", StatusCode::UNAUTHORIZED);
        }
    };
    // VNeID identifies a citizen by their personal identification number.
    let Ok(id_number) = CitizenId::parse(&identity.subject) else {
        return fail("citizen-no-id-number", StatusCode::UNAUTHORIZED);
    };
    let name = identity.name.unwrap_or_default();
    match s
        .app
        .citizen_login(&identity.subject, id_number, &name, &client.origin())
        .await
    {
        Ok(secret) => (
            AppendHeaders([
                (
                    header::SET_COOKIE,
                    lax_cookie(CITIZEN_COOKIE, &secret, &client, None),
                ),
                (
                    header::SET_COOKIE,
                    lax_cookie(PENDING_COOKIE, "", &client, Some(0)),
                ),
            ]),
            Redirect::to("/citizen"),
        )
            .into_response(),
        Err(e) => public_failure(tr, &uri, e),
    }
}

/// `POST /citizen/logout`.
pub async fn logout(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    headers: HeaderMap,
    client: Client,
    body: Bytes,
) -> Response {
    let clear = [(
        header::SET_COOKIE,
        lax_cookie(CITIZEN_COOKIE, "", &client, Some(0)),
    )];
    let (_, secret) = match signed_in(&s, &headers).await {
        Ok(Some(x)) => x,
        Ok(None) => return (clear, Redirect::to("/citizen")).into_response(),
        Err(e) => return public_failure(tr, &uri, e),
    };
    if form(&body).get("csrf") != Some(&csrf_for(&secret)) {
        return super::staff::forged(Chrome::new(tr, &uri, String::new()));
    }
    if let Err(e) = s.app.citizen_logout(&secret).await {
        return public_failure(tr, &uri, e);
    }
    (clear, Redirect::to("/citizen")).into_response()
}

/// `GET /citizen/dossiers/{code}`: one of the citizen's dossiers.
pub async fn dossier(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<DossierQuery>,
) -> Response {
    let (citizen, secret, code) = match own_request(&s, tr, &uri, &headers, &code).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    dossier_view(
        &s,
        tr,
        &uri,
        &citizen,
        &secret,
        &code,
        q.answered.is_some(),
        vec![],
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn dossier_view(
    s: &AppState,
    tr: Tr,
    uri: &Uri,
    citizen: &Citizen,
    secret: &str,
    code: &DossierCode,
    answered: bool,
    errors: Vec<(String, String)>,
) -> Response {
    let mine = match s.app.my_dossier(citizen, code).await {
        Ok(m) => m,
        Err(motcua_app::AppError::NotFound { .. }) => {
            return super::public::not_found_page(&tr, uri);
        }
        Err(e) => return public_failure(tr, uri, e),
    };
    let d = &mine.dossier;
    let agency = match s.app.agency(&d.current_agency).await {
        Ok(a) => a.name,
        Err(AppError::NotFound { .. }) => d.current_agency.to_string(),
        Err(e) => return public_failure(tr, uri, e),
    };
    let supplement = match s.app.supplement_request(d, &mine.events).await {
        Ok(r) => r.map(|r| SupplementView {
            reason: r.reason.unwrap_or_default(),
            asked: fmt_datetime(r.asked_at),
            items: r
                .items
                .into_iter()
                .map(|(c, n, note)| (c, n, note.unwrap_or_default()))
                .collect(),
            form02: mine
                .documents
                .iter()
                .rev()
                .find(|x| x.kind == "form02")
                .map(|x| x.id.to_string()),
        }),
        Err(e) => return public_failure(tr, uri, e),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = render(&CitizenDossierPage {
        c: chrome(tr, uri, d.code.to_string(), Some(secret)),
        code: d.code.to_string(),
        procedure: d.procedure_name.clone(),
        status: tr.t(&format!("status-{}", d.status.as_str())),
        status_class: status_class(d.status),
        submitted: fmt_datetime(d.submitted_at),
        due: d.due_at.map(fmt_datetime).unwrap_or_default(),
        agency,
        timeline: mine
            .events
            .iter()
            .map(|e| Step {
                at: fmt_datetime(e.at),
                text: tr.t(&format!("action-{}", e.action)),
            })
            .collect(),
        documents: mine
            .documents
            .iter()
            .map(|x| DocRow {
                id: x.id.to_string(),
                title: x.title.clone(),
                at: fmt_datetime(x.created_at),
                kind: x.kind.clone(),
            })
            .collect(),
        supplement,
        version: d.version,
        answered,
        errors,
    });
    (status, page).into_response()
}

/// `POST /citizen/dossiers/{code}/supplement` (multipart): the signed-in applicant answers the
/// supplement request with a file for each item asked; the dossier takes its `supplement`
/// action as the applicant. Anything else asked for, missing, or of the wrong kind is refused
/// with the page again and nothing is stored.
pub async fn answer_supplement(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    client: Client,
    headers: HeaderMap,
    Path(code): Path<String>,
    mut mp: axum::extract::Multipart,
) -> Response {
    let (citizen, secret, code) = match own_request(&s, tr, &uri, &headers, &code).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut csrf_ok = false;
    let mut confirmed = false;
    let mut version: Option<i64> = None;
    let mut files = Vec::new();
    let mut broken = false;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                broken = true;
                break;
            }
        };
        let name = field.name().unwrap_or("").to_owned();
        match name.as_str() {
            "csrf" => {
                csrf_ok = field.text().await.ok().as_deref() == Some(csrf_for(&secret).as_str());
            }
            "confirm" => confirmed = true,
            "version" => version = field.text().await.ok().and_then(|v| v.trim().parse().ok()),
            _ => {
                if let Some(component) = name.strip_prefix("file_") {
                    let component = component.to_owned();
                    let file_name = field.file_name().unwrap_or("").to_owned();
                    let declared_type = field.content_type().map(str::to_owned);
                    match field.bytes().await {
                        Ok(b) if b.is_empty() && file_name.is_empty() => {}
                        Ok(b) => files.push(motcua_app::supplements::AnswerFile {
                            component,
                            file_name,
                            declared_type,
                            bytes: b.to_vec(),
                        }),
                        Err(_) => broken = true,
                    }
                }
            }
        }
    }
    if !csrf_ok {
        return super::staff::forged(Chrome::new(tr, &uri, String::new()));
    }
    let again = |errors: Vec<(String, String)>| {
        dossier_view(&s, tr, &uri, &citizen, &secret, &code, false, errors)
    };
    if broken {
        return again(vec![("documents".into(), tr.t("apply-docs-hint"))]).await;
    }
    if !confirmed {
        return again(vec![("confirm".into(), tr.t("supplement-confirm-error"))]).await;
    }
    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    if let Some(too_many) = s.limits.over_upload(&client.ip, total, uri.path()) {
        return too_many;
    }
    match s
        .app
        .answer_supplement(&citizen, &code, version.unwrap_or(-1), files)
        .await
    {
        Ok(d) => Redirect::to(&format!("/citizen/dossiers/{}?answered=1", d.code)).into_response(),
        Err(e) if e.is_server_fault() => public_failure(tr, &uri, e),
        Err(AppError::NotFound { .. }) => super::public::not_found_page(&tr, &uri),
        Err(e) => {
            let field = match &e {
                AppError::Invalid { field: Some(f), .. } => f.clone(),
                _ => "documents".to_owned(),
            };
            let message = match e.code() {
                "supplement.incomplete" => tr.t("supplement-incomplete"),
                "supplement.not_requested_item" => tr.t("supplement-not-requested-item"),
                "supplement.not_requested" => tr.t("supplement-not-requested"),
                "dossier.version_conflict" => tr.t("supplement-changed"),
                "upload.too_large" => tr.t("upload-too-large"),
                "upload.unsupported_type" => tr.t("upload-unsupported"),
                "upload.mislabelled" => tr.t("upload-mislabelled"),
                "upload.empty" => tr.t("upload-empty"),
                _ => tr.error(&e),
            };
            again(vec![(field, message)]).await
        }
    }
}

/// `GET /citizen/dossiers/{code}/documents/{id}`: a document of one's own dossier.
pub async fn document(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    headers: HeaderMap,
    Path((code, id)): Path<(String, String)>,
) -> Response {
    let citizen = match signed_in(&s, &headers).await {
        Ok(Some((c, _))) => c,
        Ok(None) => return Redirect::to("/citizen").into_response(),
        Err(e) => return public_failure(tr, &uri, e),
    };
    let (Ok(code), Ok(id)) = (DossierCode::parse(&code), id.parse::<uuid::Uuid>()) else {
        return super::public::not_found_page(&tr, &uri);
    };
    match s.app.my_document(&citizen, &code, id).await {
        Ok((rec, bytes)) => crate::api::documents::pdf_response(&rec.file_name, bytes),
        Err(motcua_app::AppError::NotFound { .. }) => super::public::not_found_page(&tr, &uri),
        Err(e) => public_failure(tr, &uri, e),
    }
}
