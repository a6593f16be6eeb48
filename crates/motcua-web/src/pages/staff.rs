//! Staff pages: the session extractor, counter intake, the inbox, and the dossier page with only
//! the actions legal now. Every state-changing form carries an anti-forgery token derived from
//! the session. Signing in and out is in `account`.

use super::context::StaffPage;
use super::declaration::Kind;
use super::failure::PageError;
use super::i18n::{Lang, Tr};
use super::public::{render, time_text};
use super::{Chrome, cookie, fmt_date, fmt_datetime, form};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use fluent_templates::fluent_bundle::FluentValue;
use motcua_app::dossiers::OpenDossier;
use motcua_app::ports::{DossierFilter, StatusFilter};
use motcua_app::tokens::csrf_for;
use motcua_app::{Actor, AppError, StaffActor};
use motcua_domain::catalogue::{Channel, Procedure};
use motcua_domain::dossier::{ActionKind, Command, Dossier, ReceivedComponent, Status};
use motcua_domain::ids::{AgencyCode, DossierCode, ProcedureCode};
use serde::Deserialize;
use std::collections::HashMap;

/// The staff session cookie: a random session secret (the database keeps only its SHA-256);
/// HttpOnly, SameSite=Strict, Secure over TLS.
pub const STAFF_COOKIE: &str = "motcua_staff";

/// A signed-in staff member on a page (an account's session; service tokens are for the API).
#[derive(Debug, Clone)]
pub struct StaffSession {
    actor: StaffActor,
    username: String,
    csrf: String,
    secret: String,
}

impl FromRequestParts<AppState> for StaffSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let to_login = || {
            Redirect::to(&format!(
                "/staff/login?next={}",
                urlencode(parts.uri.path())
            ))
            .into_response()
        };
        let Some(secret) = cookie(&parts.headers, STAFF_COOKIE) else {
            return Err(to_login());
        };
        match state.app.session(&secret).await {
            Ok(s)
                if s.must_change_password && parts.uri.path() != super::account::PASSWORD_PATH =>
            {
                Err(Redirect::to(super::account::PASSWORD_PATH).into_response())
            }
            Ok(s) => Ok(StaffSession {
                actor: s.actor,
                username: s.username.to_string(),
                csrf: csrf_for(&secret),
                secret,
            }),
            Err(AppError::Unauthenticated) => Err(to_login()),
            // A lost database or an internal error is not a reason to sign in again.
            Err(e) => {
                let tr = parts
                    .extensions
                    .get::<Tr>()
                    .copied()
                    .unwrap_or(Tr { lang: Lang::Vi });
                let c = Chrome::new(tr, &parts.uri, String::new());
                Err(PageError::app(c, e).into_response())
            }
        }
    }
}

pub(super) fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

impl StaffSession {
    /// The signed-in staff member.
    pub fn actor(&self) -> &StaffActor {
        &self.actor
    }

    /// The account's login name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The session's secret (to change the password or log out).
    pub(super) fn secret(&self) -> &str {
        &self.secret
    }

    /// The layout for a staff page.
    pub fn chrome(&self, tr: Tr, uri: &Uri, title: String) -> Chrome {
        staff_chrome(tr, uri, title, self)
    }

    /// True when the form carries this session's anti-forgery token.
    pub fn csrf_ok(&self, f: &HashMap<String, String>) -> bool {
        csrf_ok(f, self)
    }

    /// An application error as the error page of a staff page at `uri`.
    pub fn fail(&self, tr: Tr, uri: &Uri, e: AppError) -> PageError {
        PageError::app(self.chrome(tr, uri, String::new()), e)
    }

    /// A failure a staff page at `uri` names itself (`code` from the table).
    pub fn refuse(&self, tr: Tr, uri: &Uri, code: &'static str, message: String) -> PageError {
        PageError::new(self.chrome(tr, uri, String::new()), code, message)
    }
}

fn staff_chrome(tr: Tr, uri: &Uri, title: String, s: &StaffSession) -> Chrome {
    let mut c = Chrome::new(tr, uri, title);
    c.is_leader = s.actor.role.leads();
    c.takes_intake = s.actor.role.takes_intake();
    c.is_admin = s.actor.role.may_administer();
    c.staff = Some(tr.ta(
        "staff-signed-in",
        &[
            ("name", FluentValue::from(s.actor.label.clone())),
            ("agency", FluentValue::from(s.actor.agency.to_string())),
            (
                "role",
                FluentValue::from(tr.t(&format!("role-{}", s.actor.role.as_str()))),
            ),
        ],
    ));
    c.csrf = s.csrf.clone();
    c
}

/// True when the form carries this session's anti-forgery token.
fn csrf_ok(f: &HashMap<String, String>, s: &StaffSession) -> bool {
    f.get("csrf").map(String::as_str) == Some(s.csrf.as_str())
}

/// The answer to a form without this session's anti-forgery token.
pub fn forged(c: Chrome) -> Response {
    let message = c.tr.t("error-form-expired");
    PageError::new(c, "auth.forbidden", message).into_response()
}

struct CompRow {
    code: String,
    name: String,
    originals: u32,
    copies: u32,
    checked: bool,
}

#[derive(Template)]
#[template(path = "counter.html")]
struct CounterPage {
    c: Chrome,
    procedures: Vec<(String, String, bool)>,
    chosen: Option<String>,
    components: Vec<CompRow>,
    values: HashMap<String, String>,
    errors: Vec<(String, String)>,
    /// The declaration's questions, all pages at once (optional at the counter: the paper form
    /// may be received instead).
    widgets: Vec<super::declaration::Widget>,
    declaration_title: String,
}

impl CounterPage {
    fn value(&self, k: &str) -> String {
        self.values.get(k).cloned().unwrap_or_default()
    }

    /// The error of field `k`, shown beside it (and in the summary).
    fn err(&self, k: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == k)
            .map(|(_, m)| m.as_str())
    }
}

/// Query of the counter page.
#[derive(Debug, Deserialize)]
pub struct CounterQuery {
    procedure: Option<String>,
}

async fn counter_page_with(
    p: &StaffPage,
    chosen: Option<std::sync::Arc<Procedure>>,
    values: HashMap<String, String>,
    errors: Vec<(String, String)>,
    declaration_errors: &[motcua_domain::declaration::FieldError],
) -> Result<CounterPage, AppError> {
    let all = p.s.app.procedures().await?;
    let declaration = chosen
        .as_ref()
        .and_then(|p| p.case(None))
        .and_then(|c| c.declaration.clone());
    let units = p.s.app.units();
    let widgets = declaration
        .as_ref()
        .map(|d| {
            let pages: Vec<&motcua_domain::declaration::Page> = d.pages.iter().collect();
            super::declaration::Builder {
                tr: &p.tr,
                declaration: d,
                values: &values,
                errors: declaration_errors,
                units: &units,
                add: values.get("add").map(String::as_str),
            }
            .widgets(&pages, true)
        })
        .unwrap_or_default();
    let declaration_title = declaration
        .as_ref()
        .map(|d| d.title.get(p.tr.lang.code()).to_owned())
        .unwrap_or_default();
    let chosen_code = chosen.as_ref().map(|p| p.code.to_string());
    let components = chosen
        .as_ref()
        .and_then(|p| p.case(None))
        .map(|c| {
            c.components
                .iter()
                .map(|x| CompRow {
                    code: x.code.clone(),
                    name: x.name.clone(),
                    originals: values
                        .get(&format!("orig_{}", x.code))
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(x.originals),
                    copies: values
                        .get(&format!("copy_{}", x.code))
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(x.copies),
                    checked: values.contains_key(&format!("recv_{}", x.code)),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(CounterPage {
        c: p.chrome(p.tr.t("counter-title")),
        procedures: all
            .iter()
            .filter(|p| p.offer(Channel::Direct).is_some())
            .map(|p| {
                (
                    p.code.to_string(),
                    format!("{} — {}", p.code, p.name),
                    Some(p.code.to_string()) == chosen_code,
                )
            })
            .collect(),
        chosen: chosen_code,
        components,
        values,
        errors,
        widgets,
        declaration_title,
    })
}

/// `GET /counter`: choose the procedure, enter the applicant, tick the components received.
pub async fn counter_page(
    p: StaffPage,
    Query(q): Query<CounterQuery>,
) -> Result<Response, PageError> {
    intake_role(&p)?;
    let chosen = match q.procedure.as_deref().map(ProcedureCode::parse) {
        Some(Ok(code)) => known_procedure(&p, &code).await?,
        _ => None,
    };
    let page = counter_page_with(&p, chosen, HashMap::new(), vec![], &[])
        .await
        .map_err(|e| p.fail(e))?;
    Ok(render(&page))
}

/// The counter is for the roles that take dossiers in (counter officers, leaders,
/// administrators of the system); the others get 403 and no link to it.
fn intake_role(p: &StaffPage) -> Result<(), PageError> {
    if p.sess.actor.role.takes_intake() {
        Ok(())
    } else {
        Err(p.fail(AppError::Forbidden(format!(
            "role {} does not take dossiers in",
            p.sess.actor.role.as_str()
        ))))
    }
}

/// A procedure of the catalogue, `None` when it has no such code (a lost database is an error,
/// not an unknown procedure).
async fn known_procedure(
    p: &StaffPage,
    code: &ProcedureCode,
) -> Result<Option<std::sync::Arc<Procedure>>, PageError> {
    match p.s.app.procedure(code, None).await {
        Ok(x) => Ok(Some(x)),
        Err(AppError::NotFound { .. }) => Ok(None),
        Err(e) => Err(p.fail(e)),
    }
}

/// The counter page again with the officer's answers and what is wrong with them.
async fn counter_again(
    p: &StaffPage,
    chosen: Option<std::sync::Arc<Procedure>>,
    f: &HashMap<String, String>,
    errors: Vec<(String, String)>,
) -> Result<Response, PageError> {
    counter_with_declaration(p, chosen, f, errors, &[]).await
}

/// The counter page again, with the declaration's failures on its fields too.
async fn counter_with_declaration(
    p: &StaffPage,
    chosen: Option<std::sync::Arc<Procedure>>,
    f: &HashMap<String, String>,
    errors: Vec<(String, String)>,
    declaration_errors: &[motcua_domain::declaration::FieldError],
) -> Result<Response, PageError> {
    let page = counter_page_with(p, chosen, f.clone(), errors, declaration_errors)
        .await
        .map_err(|e| p.fail(e))?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

/// `POST /counter/scan`: the QR code of the applicant's chip card, typed by a 2D scanner into
/// its own field, fills the applicant block (number, name, residence; the old number, birth
/// date and sex shown beside) — or says which parts of the scan are missing.
pub async fn counter_scan(p: StaffPage, body: Bytes) -> Result<Response, PageError> {
    intake_role(&p)?;
    let f = form(&body);
    if !csrf_ok(&f, &p.sess) {
        return Ok(forged(p.chrome(String::new())));
    }
    let tr = p.tr;
    let procedure = match ProcedureCode::parse(f.get("procedure").map(String::as_str).unwrap_or(""))
    {
        Ok(c) => known_procedure(&p, &c).await?,
        Err(_) => None,
    };
    let mut values = HashMap::new();
    let mut errors = Vec::new();
    match motcua_domain::cccd_qr::CardScan::parse(f.get("scan").map(String::as_str).unwrap_or("")) {
        Ok(card) => {
            values.insert("name".to_owned(), card.name.clone());
            values.insert("id_number".to_owned(), card.id_number.to_string());
            values.insert("address".to_owned(), card.address.clone());
            values.insert(
                "scanned".to_owned(),
                tr.ta(
                    "counter-scan-read",
                    &[
                        ("name", FluentValue::from(card.name)),
                        ("birth", FluentValue::from(fmt_date(card.birth_date))),
                        ("sex", FluentValue::from(card.sex)),
                        (
                            "old",
                            FluentValue::from(card.old_id.unwrap_or_else(|| "—".into())),
                        ),
                        ("issued", FluentValue::from(fmt_date(card.issued))),
                    ],
                ),
            );
        }
        Err(bad) => {
            let parts: Vec<String> = bad
                .missing
                .iter()
                .map(|m| tr.t(&format!("counter-scan-part-{m}")))
                .collect();
            errors.push((
                "scan".to_owned(),
                tr.ta(
                    "counter-scan-bad",
                    &[("parts", FluentValue::from(parts.join(", ")))],
                ),
            ));
        }
    }
    let page = counter_page_with(&p, procedure, values, errors.clone(), &[])
        .await
        .map_err(|e| p.fail(e))?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, render(&page)).into_response())
}

/// `POST /counter`: receive the dossier (issues the appointment) and show it.
pub async fn counter_submit(p: StaffPage, body: Bytes) -> Result<Response, PageError> {
    intake_role(&p)?;
    let (s, tr, sess) = (&p.s, p.tr, &p.sess);
    let f = form(&body);
    if !csrf_ok(&f, sess) {
        return Ok(forged(p.chrome(String::new())));
    }
    let get = |k: &str| f.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let procedure = match ProcedureCode::parse(&get("procedure")) {
        Ok(c) => known_procedure(&p, &c).await?,
        Err(_) => None,
    };
    let mut errors = Vec::new();
    let Some(procedure) = procedure else {
        errors.push(("procedure".to_owned(), tr.t("counter-choose")));
        return counter_again(&p, None, &f, errors).await;
    };
    // "Add another" item of a declaration's group: the page again with one more row.
    if f.contains_key("add") {
        let page = counter_page_with(&p, Some(procedure), f.clone(), vec![], &[])
            .await
            .map_err(|e| p.fail(e))?;
        return Ok(render(&page));
    }
    // The declaration typed at the counter, if any of it was (optional here).
    let declaration = procedure
        .case(None)
        .and_then(|c| c.declaration.as_ref())
        .map(|d| motcua_domain::declaration::form::from_form(d.fields().map(|(_, x)| x), &f))
        .map(serde_json::Value::Object)
        .filter(|v| !motcua_domain::declaration::check::is_empty(v));
    let components: Vec<ReceivedComponent> = procedure
        .case(None)
        .map(|c| {
            c.components
                .iter()
                .filter(|x| f.contains_key(&format!("recv_{}", x.code)))
                .map(|x| ReceivedComponent {
                    code: x.code.clone(),
                    originals: f
                        .get(&format!("orig_{}", x.code))
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0),
                    copies: f
                        .get(&format!("copy_{}", x.code))
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0),
                })
                .collect()
        })
        .unwrap_or_default();
    let applicant = serde_json::json!({
        "name": get("name"), "id_number": get("id_number"), "phone": get("phone"),
        "email": Some(get("email")).filter(|e| !e.is_empty()), "address": Some(get("address")).filter(|a| !a.is_empty()),
    });
    // The intake check's outcome: receive (default), refuse with a reason, or ask for the
    // components not ticked as received (only the procedure's own components can be asked for).
    let decision = get("decision");
    let missing: Vec<serde_json::Value> = procedure
        .case(None)
        .map(|c| {
            c.components
                .iter()
                .filter(|x| !f.contains_key(&format!("recv_{}", x.code)))
                // The paper form a typed declaration stands for is not missing.
                .filter(|x| {
                    declaration.is_none()
                        || c.declaration
                            .as_ref()
                            .and_then(|d| d.replaces_component.as_deref())
                            != Some(x.code.as_str())
                })
                .map(|x| serde_json::json!({"component": x.code}))
                .collect()
        })
        .unwrap_or_default();
    let follow_up = match decision.as_str() {
        "refuse" if get("reason").is_empty() => {
            errors.push(("reason".to_owned(), tr.t("counter-reason")));
            None
        }
        "refuse" => Some(serde_json::json!({"action": "refuse", "reason": get("reason")})),
        "supplement" if missing.is_empty() => {
            errors.push(("recv".to_owned(), tr.t("counter-supplement-none")));
            None
        }
        "supplement" => Some(
            serde_json::json!({"action": "request_supplement", "items": missing, "reason": Some(get("reason")).filter(|r| !r.is_empty())}),
        ),
        _ => None,
    };
    // Every problem of the form at once (GOV.UK's error summary): the applicant's fields, the
    // decision, and the declaration's answers, each on its field; the answers kept.
    for (field, _) in motcua_domain::dossier::applicant_problems(
        &get("name"),
        &get("id_number"),
        &get("phone"),
        &get("email"),
        &get("address"),
    ) {
        let message = match field {
            "id_number" => tr.t("apply-id-error"),
            "phone" => tr.t("error-phone-invalid"),
            "email" => tr.t("apply-email-error"),
            "address" => tr.t("counter-address-error"),
            _ => tr.t("apply-name-error"),
        };
        errors.push((field.to_owned(), message));
    }
    let declaration_errors = match s.app.filed_declaration(
        &procedure,
        None,
        Channel::Direct,
        declaration.as_ref(),
        &mut components.clone(),
    ) {
        Err(AppError::Declaration(invalid)) => invalid.errors,
        _ => Vec::new(),
    };
    if !declaration_errors.is_empty()
        && let Some(d) = procedure.case(None).and_then(|c| c.declaration.clone())
    {
        errors.extend(
            super::declaration::summary(&tr, &d, &declaration_errors)
                .into_iter()
                .map(|x| (x.href.trim_start_matches('#').to_owned(), x.text)),
        );
    }
    if !errors.is_empty() {
        return counter_with_declaration(&p, Some(procedure), &f, errors, &declaration_errors)
            .await;
    }
    let follow_up: Option<Command> = match follow_up.map(serde_json::from_value) {
        Some(Ok(c)) => Some(c),
        Some(Err(e)) => {
            errors.push(("reason".to_owned(), e.to_string()));
            return counter_again(&p, Some(procedure), &f, errors).await;
        }
        None => None,
    };
    let req = serde_json::json!({
        "procedure": procedure.code, "applicant": applicant, "components": components,
        "summary": Some(get("summary")).filter(|x| !x.is_empty()),
        "support_point": Some(get("support_point")).filter(|x| !x.is_empty()),
        "receive": follow_up.is_none(),
        "declaration": declaration,
    });
    let result = match serde_json::from_value::<OpenDossier>(req) {
        Ok(req) => {
            s.app
                .open_dossier(
                    &Actor::Staff(sess.actor.clone()),
                    req,
                    f.get("idem").map(String::as_str),
                )
                .await
        }
        Err(e) => {
            let msg = e.to_string();
            let field = if msg.contains("CCCD") {
                "id_number"
            } else if msg.contains("phone") {
                "phone"
            } else {
                "name"
            };
            Err(AppError::invalid(field, msg))
        }
    };
    let result = match (result, follow_up) {
        (Ok(d), Some(cmd)) => {
            let kind = cmd.kind();
            s.app
                .act(&Actor::Staff(sess.actor.clone()), &d.code, d.version, cmd)
                .await
                .map(|d| (d, kind))
        }
        (Ok(d), None) => Ok((d, ActionKind::Receive)),
        (Err(e), _) => Err(e),
    };
    match result {
        Ok((d, kind)) => {
            Ok(Redirect::to(&format!("/inbox/{}?done={}", d.code, kind.as_str())).into_response())
        }
        // Not the officer's answers: the page of the failure (a lost database, a denial).
        Err(e) if e.is_server_fault() => Err(p.fail(e)),
        // Every failure of the declaration at once, each on its field.
        Err(AppError::Declaration(invalid)) => {
            let d = procedure
                .case(None)
                .and_then(|c| c.declaration.clone())
                .ok_or_else(|| p.fail(AppError::Internal("declaration vanished".into())))?;
            let errors = super::declaration::summary(&tr, &d, &invalid.errors)
                .into_iter()
                .map(|x| (x.href.trim_start_matches('#').to_owned(), x.text))
                .collect();
            counter_with_declaration(&p, Some(procedure), &f, errors, &invalid.errors).await
        }
        Err(e) => {
            let field = match &e {
                AppError::Invalid { field: Some(f), .. } => {
                    f.trim_start_matches("applicant.").to_owned()
                }
                AppError::Dossier(motcua_domain::dossier::DossierError::InvalidField {
                    field,
                    ..
                }) => field.trim_start_matches("applicant.").to_owned(),
                _ => "procedure".into(),
            };
            // Say what to do, in the user's language.
            let message = match field.as_str() {
                "id_number" => tr.t("apply-id-error"),
                "phone" => tr.t("error-phone-invalid"),
                "name" => tr.t("apply-name-error"),
                "email" => tr.t("apply-email-error"),
                _ => tr.error(&e),
            };
            errors.push((field, message));
            counter_again(&p, Some(procedure), &f, errors).await
        }
    }
}

struct Row {
    code: String,
    version: i64,
    procedure: String,
    applicant: String,
    status: String,
    handler: String,
    approval: Option<String>,
    due: String,
    overdue: bool,
}

/// One tab of the inbox: (name, label, count, chosen, link).
struct Tab {
    label: String,
    count: i64,
    chosen: bool,
    href: String,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    c: Chrome,
    rows: Vec<Row>,
    tabs: Vec<Tab>,
    /// The search as typed, and what it was read as.
    q: String,
    found_by: Option<String>,
    statuses: Vec<(String, String, bool)>,
    /// "All statuses" chosen (the default is the dossiers not closed).
    status_all: bool,
    sorts: Vec<(&'static str, String, bool)>,
    procedures: Vec<(String, String, bool)>,
    /// A filter other than the default is chosen: the filters are shown open.
    filters_open: bool,
    /// Hidden fields that keep the tab (and a legacy due filter) when the filters are changed.
    keep: Vec<(&'static str, String)>,
    prev: Option<String>,
    next: Option<String>,
    page_no: u32,
    register_from: String,
    register_to: String,
    /// Notices of the escalation rules for this agency and role: (dossier, words, escalated to
    /// the leader, when).
    notices: Vec<(String, String, bool, String)>,
    /// What was just done, when the officer came back from it.
    done: Option<String>,
    /// Bulk assignment: the accounts of the officer's agency (user name, label).
    assignees: Vec<(String, String)>,
    /// Receipts can be printed in bulk (this server issues documents).
    print_receipts: bool,
    /// Dossiers can be ticked (to assign them, or to print their receipts).
    picks: bool,
    /// Errors of the search or of a bulk action.
    errors: Vec<String>,
}

/// Filters of the inbox page.
#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    status: Option<String>,
    /// `overdue`, `today` (due by the end of today) or `soon` (within three days).
    due: Option<String>,
    /// Kept for old links: `overdue=1` is `due=overdue`.
    overdue: Option<String>,
    procedure: Option<String>,
    /// The search (code, receipt number, identity number, phone, name).
    q: Option<String>,
    /// `due`, `newest`, `procedure`, `status`.
    sort: Option<String>,
    /// `open`, `mine`, `unassigned`, `due_today`, `overdue`, `approval`.
    tab: Option<String>,
    offset: Option<u32>,
    /// `consultation`: a consultation was just sent back; `bulk`: a bulk assignment.
    done: Option<String>,
    /// After a bulk assignment: how many were assigned.
    n: Option<u32>,
}

/// The inbox's page size.
const INBOX_PAGE: u32 = 50;

/// `GET /inbox`: the officer's desk — the scope's dossiers in tabs with their counts, found by
/// a search, filtered, sorted, a page at a time with every filter kept.
#[allow(clippy::too_many_lines)]
pub async fn inbox_page(p: StaffPage, Query(q): Query<InboxQuery>) -> Result<Response, PageError> {
    inbox_with(p, q, Vec::new()).await
}

async fn inbox_with(
    p: StaffPage,
    q: InboxQuery,
    mut errors: Vec<String>,
) -> Result<Response, PageError> {
    use motcua_app::desk::InboxTab;
    use motcua_app::ports::ListOrder;
    let (s, tr) = (&p.s, p.tr);
    // The inbox opens on the work still in hand: a province's closed dossiers of two years
    // would otherwise fill its first pages, oldest due date first. `all` shows every status.
    let status = match q.status.as_deref() {
        None | Some("") => StatusFilter::Open,
        Some("all") => StatusFilter::Any,
        Some(x) => StatusFilter::parse(x).unwrap_or(StatusFilter::Open),
    };
    // Old links' due filters are tabs now; "soon" (three days) stays a filter of its own.
    let legacy_due = match (q.due.as_deref(), q.overdue.as_deref()) {
        (Some(d @ ("overdue" | "today" | "soon")), _) => Some(d),
        (_, Some("1")) => Some("overdue"),
        _ => None,
    };
    let tab = match (q.tab.as_deref().and_then(InboxTab::parse), legacy_due) {
        (Some(t), _) => t,
        (None, Some("overdue")) => InboxTab::Overdue,
        (None, Some("today")) => InboxTab::DueToday,
        _ => InboxTab::Open,
    };
    let soon = legacy_due == Some("soon");
    let order = q
        .sort
        .as_deref()
        .and_then(ListOrder::parse)
        .unwrap_or_default();
    let procedure = q
        .procedure
        .as_deref()
        .and_then(|p| ProcedureCode::parse(p).ok());
    let typed = q.q.clone().unwrap_or_default();
    let search = match motcua_app::desk::parse_search(&typed) {
        Ok(x) => x,
        Err(e) => {
            errors.push(tr.error(&e));
            None
        }
    };
    let offset = q.offset.unwrap_or(0);
    let now = s.app.now();
    let local = now.to_offset(motcua_domain::VN_OFFSET);
    let end_of_today = local.replace_time(time::macros::time!(23:59:59));
    let mut f = DossierFilter {
        status,
        due_before: soon.then(|| end_of_today + time::Duration::days(3)),
        procedure: procedure.clone(),
        search: search.clone(),
        order,
        limit: INBOX_PAGE,
        offset,
        ..Default::default()
    };
    motcua_app::App::tab_filter(&p.sess.actor, tab, &mut f, now);
    let actor = p.actor();
    let list = s
        .app
        .list_dossiers(&actor, f)
        .await
        .map_err(|e| p.fail(e))?;
    let counts = s.app.inbox_counts(&actor).await.map_err(|e| p.fail(e))?;
    // Every link of the page keeps every filter: the tab, the search, the status, the
    // procedure, the order (the offset only where it moves).
    let link = |tab: InboxTab, offset: u32| {
        let mut parts: Vec<String> = Vec::new();
        if tab != InboxTab::Open {
            parts.push(format!("tab={}", tab.as_str()));
        }
        if !typed.trim().is_empty() {
            parts.push(format!(
                "q={}",
                form_urlencoded::byte_serialize(typed.trim().as_bytes()).collect::<String>()
            ));
        }
        match status {
            StatusFilter::Open => {}
            StatusFilter::Any => parts.push("status=all".into()),
            StatusFilter::Is(st) => parts.push(format!("status={}", st.as_str())),
        }
        if soon {
            parts.push("due=soon".into());
        }
        if let Some(p) = &procedure {
            parts.push(format!("procedure={p}"));
        }
        if order != ListOrder::Due {
            parts.push(format!("sort={}", order.as_str()));
        }
        if offset > 0 {
            parts.push(format!("offset={offset}"));
        }
        if parts.is_empty() {
            "/inbox".to_owned()
        } else {
            format!("/inbox?{}", parts.join("&"))
        }
    };
    let next = (list.len() as u32 == INBOX_PAGE).then(|| link(tab, offset + INBOX_PAGE));
    let prev = (offset > 0).then(|| link(tab, offset.saturating_sub(INBOX_PAGE)));
    let tabs = InboxTab::ALL
        .into_iter()
        .map(|t| Tab {
            label: tr.t(&format!("inbox-tab-{}", t.as_str())),
            count: t.count(&counts),
            chosen: t == tab,
            href: link(t, 0),
        })
        .collect();
    let rows = list
        .iter()
        .map(|d| Row {
            code: d.code.to_string(),
            version: d.version,
            procedure: d.procedure_name.clone(),
            applicant: d.applicant.name.clone(),
            status: tr.t(&format!("status-{}", d.status.as_str())),
            handler: match (&d.handler, d.handler_since) {
                (Some(h), Some(t)) => tr.ta(
                    "holder-since",
                    &[
                        ("name", FluentValue::from(h.clone())),
                        ("since", FluentValue::from(fmt_datetime(t))),
                    ],
                ),
                (Some(h), None) => h.clone(),
                (None, _) => String::new(),
            },
            approval: d.approval.as_ref().map(|a| {
                tr.ta(
                    "inbox-awaiting-approval",
                    &[("name", FluentValue::from(a.approver.name.clone()))],
                )
            }),
            due: d.due_at.map(fmt_datetime).unwrap_or_default(),
            overdue: d.is_overdue(now),
        })
        .collect();
    let statuses = Status::ALL
        .iter()
        .map(|st| {
            (
                st.as_str().to_owned(),
                tr.t(&format!("status-{}", st.as_str())),
                StatusFilter::Is(*st) == status,
            )
        })
        .collect();
    let sorts = ListOrder::ALL
        .into_iter()
        .map(|o| {
            (
                o.as_str(),
                tr.t(&format!("inbox-sort-{}", o.as_str())),
                o == order,
            )
        })
        .collect();
    let procedures = s
        .app
        .procedures()
        .await
        .map_err(|e| p.fail(e))?
        .iter()
        .map(|x| {
            (
                x.code.to_string(),
                format!("{} — {}", x.code, x.name),
                Some(&x.code) == procedure.as_ref(),
            )
        })
        .collect();
    let notices = s
        .app
        .my_notices(&actor, 20)
        .await
        .map_err(|e| p.fail(e))?
        .into_iter()
        .map(|n| {
            (
                n.dossier_code.to_string(),
                n.message,
                n.action == motcua_domain::escalation::RuleAction::EscalateToLeader,
                fmt_datetime(n.created_at),
            )
        })
        .collect();
    let assignees = if p.sess.actor.role.may(ActionKind::Assign) {
        s.app
            .agency_staff(&p.sess.actor.agency)
            .await
            .map_err(|e| p.fail(e))?
            .into_iter()
            .map(|c| staff_choice(&tr, c))
            .collect()
    } else {
        Vec::new()
    };
    let today = local.date();
    let mut keep = Vec::new();
    if tab != InboxTab::Open {
        keep.push(("tab", tab.as_str().to_owned()));
    }
    if soon {
        keep.push(("due", "soon".to_owned()));
    }
    let done = match q.done.as_deref() {
        Some("consultation") => Some(tr.t("consultation-sent")),
        Some("bulk") => Some(tr.ta(
            "inbox-bulk-done",
            &[("n", FluentValue::from(q.n.unwrap_or(0)))],
        )),
        _ => None,
    };
    let status_code = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status_code,
        render(&InboxPage {
            notices,
            done,
            register_from: today.replace_day(1).unwrap_or(today).to_string(),
            register_to: today.to_string(),
            c: p.chrome(tr.t("inbox-title")),
            found_by: search
                .as_ref()
                .map(|x| tr.t(&format!("inbox-found-by-{}", x.kind()))),
            q: typed,
            rows,
            tabs,
            statuses,
            status_all: status == StatusFilter::Any,
            filters_open: status != StatusFilter::Open
                || procedure.is_some()
                || order != ListOrder::Due,
            sorts,
            procedures,
            keep,
            page_no: offset / INBOX_PAGE + 1,
            prev,
            next,
            print_receipts: s.app.issues_documents(),
            picks: !assignees.is_empty() || s.app.issues_documents(),
            assignees,
            errors,
        }),
    )
        .into_response())
}

/// An account offered in a picker: its user name, and "name — role · n open".
fn staff_choice(tr: &Tr, c: motcua_app::desk::StaffChoice) -> (String, String) {
    (
        c.username,
        tr.ta(
            "assign-choice",
            &[
                ("name", FluentValue::from(c.name)),
                ("role", FluentValue::from(c.role.title_vi())),
                ("open", FluentValue::from(c.open)),
            ],
        ),
    )
}

/// `POST /inbox/bulk`: assign the dossiers ticked on the inbox to one account. Each is
/// assigned as if alone (the same checks; at the version the list showed); those that fail are
/// named with the reason, the others are assigned.
pub async fn inbox_bulk(p: StaffPage, body: Bytes) -> Result<Response, PageError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let f: HashMap<String, String> = pairs.iter().cloned().collect();
    if !csrf_ok(&f, &p.sess) {
        return Ok(forged(p.chrome(String::new())));
    }
    let handler = f.get("handler").cloned().unwrap_or_default();
    let picked: Vec<(DossierCode, i64)> = pairs
        .iter()
        .filter(|(k, _)| k == "pick")
        .filter_map(|(_, v)| {
            let (code, version) = v.rsplit_once('@')?;
            Some((DossierCode::parse(code).ok()?, version.parse().ok()?))
        })
        .take(INBOX_PAGE as usize)
        .collect();
    let tr = p.tr;
    let actor = p.actor();
    let mut errors = Vec::new();
    if picked.is_empty() {
        errors.push(tr.t("inbox-bulk-none"));
    }
    let mut done = 0u32;
    for (code, version) in &picked {
        let mut fields = serde_json::Map::new();
        fields.insert("handler".into(), handler.clone().into());
        match p
            .s
            .app
            .act_by_name(&actor, code, *version, "assign", fields)
            .await
        {
            Ok(_) => done += 1,
            Err(e) if e.is_server_fault() => return Err(p.fail(e)),
            Err(e) => errors.push(format!("{code}: {}", tr.error(&e))),
        }
    }
    if errors.is_empty() {
        return Ok(Redirect::to(&format!("/inbox?done=bulk&n={done}")).into_response());
    }
    let q = InboxQuery {
        done: (done > 0).then(|| "bulk".to_owned()),
        n: Some(done),
        ..InboxQuery::default()
    };
    inbox_with(p, q, errors).await
}

/// `POST /inbox/receipts`: the receipts (form 01) of the dossiers ticked on the inbox in one PDF
/// to print in one go. Every dossier must be one the officer may see and have its receipt; if
/// one does not, the inbox names it and nothing is printed.
pub async fn inbox_receipts(p: StaffPage, body: Bytes) -> Result<Response, PageError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).into_owned().collect();
    let f: HashMap<String, String> = pairs.iter().cloned().collect();
    if !csrf_ok(&f, &p.sess) {
        return Ok(forged(p.chrome(String::new())));
    }
    // Each dossier once, in the order ticked; at most a page of them.
    let mut codes: Vec<DossierCode> = Vec::new();
    for (_, v) in pairs.iter().filter(|(k, _)| k == "pick") {
        if let Ok(c) = DossierCode::parse(v.rsplit_once('@').map_or(v.as_str(), |x| x.0))
            && !codes.contains(&c)
        {
            codes.push(c);
        }
    }
    let tr = p.tr;
    let error = if codes.is_empty() {
        tr.t("inbox-bulk-none")
    } else if codes.len() > INBOX_PAGE as usize {
        tr.ta(
            "inbox-print-too-many",
            &[("n", FluentValue::from(INBOX_PAGE))],
        )
    } else {
        match p.s.app.receipts_for_print(&p.actor(), &codes).await {
            Ok(Ok(pdf)) => {
                let name = format!("giay-tiep-nhan-{}-ho-so.pdf", codes.len());
                return Ok(crate::api::documents::pdf_inline(&name, pdf));
            }
            Ok(Err(refused)) => refused
                .iter()
                .map(|(code, e)| format!("{code}: {}", tr.error(e)))
                .collect::<Vec<_>>()
                .join(" · "),
            Err(e) => return Err(p.fail(e)),
        }
    };
    inbox_with(p, InboxQuery::default(), vec![error]).await
}

struct ActionForm {
    action: String,
    label: String,
    fields: Vec<&'static str>,
}

struct EventRow {
    at: String,
    action: String,
    agency: String,
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct DossierPage {
    c: Chrome,
    d: Dossier,
    overdue: bool,
    status: String,
    due: String,
    received: String,
    due_summary: String,
    components: Vec<(String, u32, u32)>,
    supplement_options: Vec<(String, String)>,
    agencies: Vec<(String, String)>,
    actions: Vec<ActionForm>,
    events: Vec<EventRow>,
    files: Vec<(String, String, String)>,
    documents: Vec<DocLine>,
    scan_allowed: bool,
    result_allowed: bool,
    done: Option<String>,
    errors: Vec<(String, String)>,
    declaration: Option<DeclarationView>,
    /// Accounts the dossier may be given to: (user name, "name — role · n open").
    assignees: Vec<(String, String)>,
    /// Approvers a draft may go to.
    approvers: Vec<(String, String)>,
    /// Draft result documents on record: (id, "title · time"), newest first.
    drafts: Vec<(String, String)>,
    /// Who holds it now, and since when.
    holder: Option<String>,
    /// Its messages to the national portal, one per event.
    sync: Vec<SyncLine>,
    /// The draft waiting for approval: (summary, number, drafter, approver, since, document id).
    approval: Option<(String, String, String, String, String, String)>,
    /// The last draft returned (reason, by whom, when), while no new one waits.
    returned: Option<(String, String, String)>,
    draft_allowed: bool,
}

/// The declaration a dossier was filed with, as data (its procedure version's form).
struct DeclarationView {
    title: String,
    form: String,
    sections: Vec<motcua_domain::declaration::show::Section>,
}

/// One message to the national portal on the dossier page.
struct SyncLine {
    step: String,
    state: String,
    css: &'static str,
    attempts: u32,
    attempts_text: String,
    when: String,
    error: String,
}

/// One issued document on the dossier page.
struct DocLine {
    id: String,
    title: String,
    number: String,
    at: String,
    signer: String,
    size: String,
}

fn fields_of(a: ActionKind) -> Vec<&'static str> {
    match a {
        ActionKind::Refuse | ActionKind::Stop => vec!["reason"],
        ActionKind::Withdraw => vec!["reason_optional"],
        ActionKind::RequestSupplement => vec!["items", "reason_optional"],
        ActionKind::Assign => vec!["handler"],
        ActionKind::Transfer => vec!["to_agency", "consultation", "note"],
        ActionKind::RequestPayment | ActionKind::Pay => vec!["amount"],
        ActionKind::Finish => vec!["result", "document_number"],
        ActionKind::SubmitDraft => vec!["result", "document_number", "approver", "draft_document"],
        ActionKind::ApproveDraft => vec!["draft"],
        ActionKind::ReturnDraft => vec!["reason"],
        ActionKind::ReturnResult => vec!["method"],
        ActionKind::Reschedule => vec!["reason", "new_due"],
        ActionKind::Submit | ActionKind::Receive | ActionKind::Supplement => vec![],
    }
}

/// Query of the dossier page.
#[derive(Debug, Deserialize)]
pub struct DossierQuery {
    done: Option<String>,
    doc: Option<String>,
}

async fn dossier_page_with(
    p: &StaffPage,
    code: &DossierCode,
    done: Option<String>,
    errors: Vec<(String, String)>,
) -> Result<DossierPage, AppError> {
    let (s, tr, sess) = (&p.s, p.tr, &p.sess);
    let actor = p.actor();
    let (d, events) = s.app.dossier_with_events(&actor, code).await?;
    let procedure = s
        .app
        .procedure(&d.procedure.code, Some(d.procedure.version))
        .await?;
    let comp_name = |c: &str| {
        procedure
            .case(Some(&d.case_code))
            .and_then(|k| k.components.iter().find(|x| x.code == c))
            .map(|x| x.name.clone())
            .unwrap_or_else(|| c.to_owned())
    };
    let due_summary = events
        .iter()
        .rev()
        .find_map(|e| {
            serde_json::from_str::<serde_json::Value>(&e.payload)
                .ok()
                .and_then(|p| {
                    p["due"]["explanation"]["summary"]
                        .as_str()
                        .map(str::to_owned)
                })
        })
        .unwrap_or_default();
    let mut agencies = Vec::new();
    if let Some(u) = s.app.units().commune(&d.receiving_unit).cloned() {
        for a in s
            .app
            .agencies_of_unit(&u.code)
            .await?
            .into_iter()
            .chain(s.app.agencies_of_province(&u.province_code).await?)
        {
            if a.code != d.current_agency {
                agencies.push((a.code.to_string(), format!("{} ({})", a.name, a.code)));
            }
        }
        // Who may hold it first (the competent agency, the receiving point); the others only
        // take it for a consultation. A consulted agency can only send it back.
        let targets: Vec<String> = motcua_app::App::transfer_targets(&d)
            .iter()
            .map(|a| a.to_string())
            .collect();
        if d.consultation_from.is_some() {
            agencies.retain(|(code, _)| targets.contains(code));
        }
        agencies
            .sort_by_key(|(code, _)| targets.iter().position(|t| t == code).unwrap_or(usize::MAX));
        for (code, label) in &mut agencies {
            if !targets.contains(code) {
                label.push_str(&format!(" — {}", tr.t("field-consultation-only")));
            }
        }
    }
    // The declaration against the form of the version it was filed under.
    let declaration = match &d.declaration {
        Some(filed) => {
            let p = s
                .app
                .procedure(&d.procedure.code, Some(d.procedure.version))
                .await?;
            p.case(Some(&d.case_code))
                .and_then(|c| c.declaration.as_ref())
                .map(|decl| DeclarationView {
                    title: decl.title.get(tr.lang.code()).to_owned(),
                    form: format!("{} — {}", decl.form.name, decl.form.basis),
                    sections: decl.show(&filed.answers, tr.lang.code()),
                })
        }
        None => None,
    };
    let mut actions = Vec::new();
    for a in d.legal_actions() {
        if s.app.may_act(&sess.actor, &d, a).await {
            actions.push(ActionForm {
                action: a.as_str().to_owned(),
                label: tr.t(&format!("do-{}", a.as_str())),
                fields: fields_of(a),
            });
        }
    }
    let scan_allowed = s.app.issues_documents()
        && !d.status.is_closed()
        && s.app.covers(&sess.actor, &d.receiving_agency).await
        && sess.actor.role.may(ActionKind::Receive);
    let result_allowed = s.app.issues_documents()
        && !d.status.is_closed()
        && d.approval.is_none()
        && s.app.may_act(&sess.actor, &d, ActionKind::Finish).await;
    let draft_allowed = s.app.issues_documents()
        && !d.status.is_closed()
        && d.approval.is_none()
        && s.app
            .may_act(&sess.actor, &d, ActionKind::SubmitDraft)
            .await;
    let choice = |c| staff_choice(&tr, c);
    let offers = |k: ActionKind| actions.iter().any(|a: &ActionForm| a.action == k.as_str());
    let assignees = if offers(ActionKind::Assign) {
        s.app
            .assignable_staff(&d)
            .await?
            .into_iter()
            .map(choice)
            .collect()
    } else {
        Vec::new()
    };
    let approvers = if offers(ActionKind::SubmitDraft) {
        s.app
            .approvers(&d.competent_agency, sess.actor.id)
            .await?
            .into_iter()
            .map(choice)
            .collect()
    } else {
        Vec::new()
    };
    let all_documents = s.app.dossier_documents(&actor, code).await?;
    let mut drafts: Vec<(String, String)> = all_documents
        .iter()
        .filter(|x| x.kind == motcua_app::documents::DRAFT_RESULT_KIND)
        .map(|x| {
            (
                x.id.to_string(),
                format!("{} · {}", x.title, fmt_datetime(x.created_at)),
            )
        })
        .collect();
    drafts.reverse();
    let holder = d.handler.as_ref().map(|h| match d.handler_since {
        Some(t) => tr.ta(
            "holder-since",
            &[
                ("name", FluentValue::from(h.clone())),
                ("since", FluentValue::from(fmt_datetime(t))),
            ],
        ),
        None => h.clone(),
    });
    let approval = d.approval.as_ref().map(|a| {
        (
            a.draft.summary.clone(),
            a.draft.document_number.clone().unwrap_or_default(),
            a.by.name.clone(),
            a.approver.name.clone(),
            fmt_datetime(a.since),
            a.draft_document.map(|u| u.to_string()).unwrap_or_default(),
        )
    });
    // The last return, shown to the specialist until a new draft goes up.
    let returned = if d.approval.is_none() && d.status == Status::Processing {
        events
            .iter()
            .rev()
            .take_while(|e| e.action != "submit_draft")
            .find(|e| e.action == "return_draft")
            .map(|e| {
                let p: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
                (
                    p["reason"].as_str().unwrap_or("").to_owned(),
                    p["approver"]["name"].as_str().unwrap_or("").to_owned(),
                    fmt_datetime(e.at),
                )
            })
    } else {
        None
    };
    // What the national portal got of it (a consulted agency's sight does not reach here).
    let sync = match s.app.dossier_deliveries(&actor, code).await {
        Ok((messages, _)) => messages
            .iter()
            .map(|m| {
                use motcua_app::ports::OutboxState;
                let action = usize::try_from(m.seq - 1)
                    .ok()
                    .and_then(|i| events.get(i))
                    .map(|e| tr.t(&format!("action-{}", e.action)))
                    .unwrap_or_default();
                let (css, when) = match m.state {
                    OutboxState::Delivered => {
                        ("ok", m.delivered_at.map(fmt_datetime).unwrap_or_default())
                    }
                    OutboxState::Pending if m.last_reason.is_some() => {
                        ("warn", fmt_datetime(m.next_at))
                    }
                    OutboxState::Pending => ("", String::new()),
                    OutboxState::Dead => ("bad", fmt_datetime(m.since)),
                    OutboxState::Skipped => ("", m.note.clone().unwrap_or_default()),
                };
                SyncLine {
                    step: format!("{}. {action}", m.seq),
                    state: tr.t(&format!("sync-{}", m.state.as_str())),
                    css,
                    attempts: m.attempts,
                    attempts_text: tr.ta("sync-attempts", &[("n", FluentValue::from(m.attempts))]),
                    when,
                    error: if m.state == OutboxState::Delivered {
                        String::new()
                    } else {
                        m.last_reason
                            .as_deref()
                            .map(|r| tr.t(&format!("exchange-reason-{r}")))
                            .unwrap_or_default()
                    },
                }
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    Ok(DossierPage {
        sync,
        assignees,
        approvers,
        drafts,
        holder,
        approval,
        returned,
        draft_allowed,
        overdue: d.is_overdue(s.app.now()),
        c: p.chrome(tr.ta(
            "dossier-title",
            &[("code", FluentValue::from(d.code.to_string()))],
        )),
        status: tr.t(&format!("status-{}", d.status.as_str())),
        due: d.due_at.map(fmt_datetime).unwrap_or_default(),
        received: d.received_at.map(fmt_datetime).unwrap_or_default(),
        due_summary,
        components: d
            .components
            .iter()
            .map(|c| (comp_name(&c.code), c.originals, c.copies))
            .collect(),
        supplement_options: procedure
            .case(Some(&d.case_code))
            .map(|c| {
                c.components
                    .iter()
                    .map(|x| (x.code.clone(), x.name.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        agencies,
        actions,
        events: events
            .iter()
            .map(|e| EventRow {
                at: fmt_datetime(e.at),
                action: tr.t(&format!("action-{}", e.action)),
                agency: e.agency.clone(),
            })
            .collect(),
        files: s
            .app
            .dossier_files(&actor, code)
            .await?
            .into_iter()
            .map(|f| {
                (
                    f.id.to_string(),
                    f.file_name,
                    format!("{} KB", (f.size + 1023) / 1024),
                )
            })
            .collect(),
        documents: all_documents
            .into_iter()
            .map(|x| DocLine {
                id: x.id.to_string(),
                title: x.title,
                number: x.number.unwrap_or_default(),
                at: fmt_datetime(x.created_at),
                signer: match x.signer_name {
                    Some(n) => tr.ta("docs-signed-by", &[("signer", FluentValue::from(n))]),
                    None => tr.t("docs-unsigned"),
                },
                size: format!("{} KB", (x.size + 1023) / 1024),
            })
            .collect(),
        scan_allowed,
        result_allowed,
        done: if done.as_deref() == Some("document") {
            Some(tr.t("docs-done"))
        } else {
            done.and_then(|a| ActionKind::parse(&a)).map(|a| {
                tr.ta(
                    "dossier-done",
                    &[(
                        "action",
                        FluentValue::from(tr.t(&format!("action-{}", a.as_str()))),
                    )],
                )
            })
        },
        errors,
        declaration,
        d,
    })
}

/// `GET /inbox/{code}`: the dossier, its due-date explanation, timeline and legal actions.
pub async fn dossier_page(
    p: StaffPage,
    Path(code): Path<String>,
    Query(q): Query<DossierQuery>,
) -> Result<Response, PageError> {
    let Ok(code) = DossierCode::parse(&code) else {
        return Err(p.not_found());
    };
    let done = q.done.or(q.doc.map(|_| "document".to_owned()));
    match dossier_page_with(&p, &code, done, vec![]).await {
        Ok(page) => Ok(render(&page)),
        // An agency holding the dossier only for a consultation sees the consultation's part.
        Err(e) if maybe_consulted(&e) => match consultation_page_with(&p, &code, vec![]).await {
            Ok(page) => Ok(render(&page)),
            Err(c) if c.is_server_fault() => Err(p.fail(c)),
            Err(_) => Err(p.fail(e)),
        },
        Err(e) => Err(p.fail(e)),
    }
}

/// A read of the whole dossier refused as a consulted agency's would be: it may still read the
/// consultation (the whole dossier is not visible to it, so the answer is "not found").
fn maybe_consulted(e: &AppError) -> bool {
    matches!(e, AppError::NotFound { .. }) || e.code() == "dossier.consultation_only"
}

#[derive(Template)]
#[template(path = "consultation.html")]
struct ConsultationPage {
    c: Chrome,
    v: motcua_app::dossiers::ConsultationView,
    due: String,
    asked_at: String,
    errors: Vec<String>,
}

async fn consultation_page_with(
    p: &StaffPage,
    code: &DossierCode,
    errors: Vec<String>,
) -> Result<ConsultationPage, AppError> {
    let v = p.s.app.consultation(&p.actor(), code).await?;
    Ok(ConsultationPage {
        c: p.chrome(p.tr.ta(
            "consultation-title",
            &[("code", FluentValue::from(v.code.clone()))],
        )),
        due: local_time(v.due_at.as_deref()),
        asked_at: local_time(v.asked_at.as_deref()),
        v,
        errors,
    })
}

/// An RFC 3339 time of a view as the pages show times ("07/12/2026 16:24").
fn local_time(t: Option<&str>) -> String {
    t.and_then(super::public::parse_rfc3339)
        .map(fmt_datetime)
        .unwrap_or_default()
}

/// The consulted agency's answer: the dossier goes back to the agency that asked, with the
/// opinion as the transfer's note. Nothing else can be posted from a consultation.
async fn consultation_reply(
    p: &StaffPage,
    code: &DossierCode,
    f: &HashMap<String, String>,
    refused: AppError,
) -> Result<Response, PageError> {
    let (s, tr) = (&p.s, p.tr);
    let actor = p.actor();
    // Not a consulted agency either: the dossier's own refusal (not found).
    let v = match s.app.consultation(&actor, code).await {
        Ok(v) => v,
        Err(e) if e.is_server_fault() => return Err(p.fail(e)),
        Err(_) => return Err(p.fail(refused)),
    };
    let version: i64 = f.get("version").and_then(|v| v.parse().ok()).unwrap_or(-1);
    let result = match AgencyCode::parse(f.get("to_agency").map(String::as_str).unwrap_or("")) {
        Ok(to_agency) if f.get("action").map(String::as_str) == Some("transfer") => {
            let note = f
                .get("note")
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty());
            let cmd = Command::Transfer {
                to_agency,
                note,
                consultation: false,
            };
            s.app.act(&actor, code, version, cmd).await
        }
        _ => Err(AppError::Denied {
            code: "dossier.consultation_only",
            message: format!(
                "{code}: a consultation can only be sent back to {}",
                v.asked_by
            ),
        }),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/inbox?done=consultation").into_response()),
        Err(e) if e.is_server_fault() => Err(p.fail(e)),
        Err(e) => {
            let status = crate::error::status_for(e.code());
            let page = consultation_page_with(p, code, vec![tr.error(&e)])
                .await
                .map_err(|e| p.fail(e))?;
            Ok((status, render(&page)).into_response())
        }
    }
}

/// The action a dossier page's form posts, as the API's request fields (`act_by_name` reads
/// both: user names are resolved to accounts there).
fn request_from_form(
    f: &HashMap<String, String>,
    tr: &Tr,
) -> Result<(String, serde_json::Map<String, serde_json::Value>), AppError> {
    let get = |k: &str| {
        f.get(k)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    // The action's name exactly as the form sends it: "withdraw\n" is not "withdraw" (a
    // trimmed name was applied, then its raw form broke the redirect, issue #29).
    let action = f.get("action").cloned().unwrap_or_default();
    if ActionKind::parse(&action).is_none() {
        return Err(AppError::Invalid {
            code: "dossier.unknown_action",
            message: "unknown action".into(),
            field: Some("action".into()),
        });
    }
    let mut body = serde_json::json!({ "action": action });
    match ActionKind::parse(&action) {
        Some(ActionKind::RequestSupplement) => {
            let items: Vec<serde_json::Value> = f
                .keys()
                .filter_map(|k| k.strip_prefix("item_"))
                .map(|c| serde_json::json!({"component": c}))
                .collect();
            body["items"] = items.into();
            body["reason"] = get("reason").into();
        }
        Some(ActionKind::RequestPayment) | Some(ActionKind::Pay) => {
            let amount: u64 = get("amount")
                .and_then(|a| a.replace(['.', ','], "").parse().ok())
                .ok_or_else(|| AppError::invalid("amount", tr.t("field-amount")))?;
            body["amount_vnd"] = amount.into();
            body["online"] = false.into();
        }
        Some(ActionKind::Finish) => {
            body["result"] = serde_json::json!({"summary": get("result").unwrap_or_default(), "document_number": get("document_number")});
        }
        Some(ActionKind::SubmitDraft) => {
            body["result"] = serde_json::json!({"summary": get("result").unwrap_or_default(), "document_number": get("document_number")});
            body["approver"] = get("approver").unwrap_or_default().into();
            if let Some(doc) = get("draft_document") {
                body["draft_document"] = doc.into();
            }
        }
        Some(ActionKind::Reschedule) => {
            let local = get("new_due").unwrap_or_default();
            body["new_due_at"] = format!("{local}:00+07:00").into();
            body["reason"] = get("reason").unwrap_or_default().into();
        }
        _ => {
            for k in ["reason", "handler", "to_agency", "method", "note"] {
                if let Some(v) = get(k) {
                    body[k] = v.into();
                }
            }
            if ActionKind::parse(&action) == Some(ActionKind::Transfer) {
                body["consultation"] = get("consultation").is_some().into();
            }
            if matches!(
                ActionKind::parse(&action),
                Some(ActionKind::Refuse | ActionKind::Stop)
            ) && body.get("reason").is_none()
            {
                body["reason"] = "".into();
            }
            if ActionKind::parse(&action) == Some(ActionKind::Assign)
                && body.get("handler").is_none()
            {
                body["handler"] = "".into();
            }
        }
    }
    let serde_json::Value::Object(mut fields) = body else {
        return Err(AppError::Internal("an action's body is an object".into()));
    };
    fields.remove("action");
    Ok((action, fields))
}

/// `POST /inbox/{code}/act`: apply one action; back to the dossier page.
pub async fn dossier_act(
    p: StaffPage,
    Path(code): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let (s, tr) = (&p.s, p.tr);
    let f = form(&body);
    if !csrf_ok(&f, &p.sess) {
        return Ok(forged(p.chrome(String::new())));
    }
    let Ok(code) = DossierCode::parse(&code) else {
        return Err(p.not_found());
    };
    let actor = p.actor();
    let d = match s.app.dossier(&actor, &code).await {
        Ok(d) => d,
        Err(e) if maybe_consulted(&e) => return consultation_reply(&p, &code, &f, e).await,
        Err(e) => return Err(p.fail(e)),
    };
    let version: i64 = f.get("version").and_then(|v| v.parse().ok()).unwrap_or(-1);
    let result = match request_from_form(&f, &tr) {
        Ok((action, fields)) => {
            s.app
                .act_by_name(&actor, &d.code, version, &action, fields)
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!(
            "/inbox/{code}?done={}",
            f.get("action")
                .and_then(|a| ActionKind::parse(a))
                .map_or("", |k| k.as_str())
        ))
        .into_response()),
        Err(e) if e.is_server_fault() => Err(p.fail(e)),
        Err(e) => {
            let errors = vec![(f.get("action").cloned().unwrap_or_default(), tr.error(&e))];
            dossier_again(&p, &code, &e, errors).await
        }
    }
}

/// The dossier page again with what went wrong, answered with the failure's status.
async fn dossier_again(
    p: &StaffPage,
    code: &DossierCode,
    e: &AppError,
    errors: Vec<(String, String)>,
) -> Result<Response, PageError> {
    let page = dossier_page_with(p, code, None, errors)
        .await
        .map_err(|e| p.fail(e))?;
    Ok((crate::error::status_for(e.code()), render(&page)).into_response())
}

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage {
    c: Chrome,
    qr: String,
    d: Dossier,
    agency: String,
    received: String,
    due: String,
    time: String,
    components: Vec<(String, u32, u32)>,
}

/// `GET /inbox/{code}/receipt`: the receipt and appointment slip (form 01), printable.
pub async fn receipt_page(
    p: StaffPage,
    headers: axum::http::HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let s = &p.s;
    let Ok(code) = DossierCode::parse(&code) else {
        return Err(p.not_found());
    };
    let d = s
        .app
        .dossier(&p.actor(), &code)
        .await
        .map_err(|e| p.fail(e))?;
    // "In giấy tiếp nhận" prints form 01 itself: the signed PDF issued at intake (the latest,
    // should it have been issued again), shown by the browser to print. The HTML page below
    // only where this server issues no documents.
    if s.app.issues_documents() {
        let actor = p.actor();
        let docs = s
            .app
            .dossier_documents(&actor, &code)
            .await
            .map_err(|e| p.fail(e))?;
        let Some(receipt) = docs.iter().rev().find(|x| x.kind == "form01") else {
            return Err(p.not_found());
        };
        let (rec, bytes) = s
            .app
            .document_file(&actor, &code, receipt.id)
            .await
            .map_err(|e| p.fail(e))?;
        return Ok(crate::api::documents::pdf_inline(&rec.file_name, bytes));
    }
    let procedure = s
        .app
        .procedure(&d.procedure.code, Some(d.procedure.version))
        .await
        .map_err(|e| p.fail(e))?;
    let name = |c: &str| {
        Some(&procedure)
            .and_then(|p| p.case(Some(&d.case_code)))
            .and_then(|k| k.components.iter().find(|x| x.code == c))
            .map(|x| x.name.clone())
            .unwrap_or_else(|| c.to_owned())
    };
    let agency = s
        .app
        .agency(&d.receiving_agency)
        .await
        .map_err(|e| p.fail(e))?
        .name;
    // Form 01 is an official Vietnamese document whatever the page language.
    let time = procedure
        .offer(d.channel)
        .map(|o| {
            time_text(
                &Tr {
                    lang: super::i18n::Lang::Vi,
                },
                o.processing_time,
            )
        })
        .unwrap_or_default();
    let base = super::qr::base_url(
        s.web.public_url.as_deref(),
        headers.get(header::HOST).and_then(|h| h.to_str().ok()),
    );
    let qr = super::qr::svg(&format!("{base}/track?code={}", d.code)).unwrap_or_default();
    let page = ReceiptPage {
        qr,
        c: p.chrome(p.tr.t("receipt-title")),
        agency,
        received: d.received_at.map(fmt_datetime).unwrap_or_default(),
        due: d.due_at.map(fmt_datetime).unwrap_or_default(),
        time,
        components: d
            .components
            .iter()
            .map(|c| (name(&c.code), c.originals, c.copies))
            .collect(),
        d,
    };
    Ok(render(&page))
}

/// `GET /inbox/{code}/files/{id}`: a file of the dossier, as a download (never rendered inline).
pub async fn dossier_file(
    p: StaffPage,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (Ok(code), Ok(id)) = (DossierCode::parse(&code), id.parse::<uuid::Uuid>()) else {
        return Err(p.not_found());
    };
    match p.s.app.dossier_file(&p.actor(), &code, id).await {
        Ok((a, bytes)) => {
            let name = motcua_domain::upload::download_name(&a.file_name, &a.content_type);
            let disposition = format!("attachment; filename*=UTF-8''{}", urlencode(&name));
            Ok((
                [
                    (header::CONTENT_TYPE, a.content_type),
                    (header::CONTENT_DISPOSITION, disposition),
                    (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
                ],
                bytes,
            )
                .into_response())
        }
        Err(e) => Err(p.fail(e)),
    }
}

/// `GET /inbox/{code}/documents/{id}`: an issued document's PDF.
pub async fn document_file(
    p: StaffPage,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (Ok(code), Ok(id)) = (DossierCode::parse(&code), id.parse::<uuid::Uuid>()) else {
        return Err(p.not_found());
    };
    let (rec, bytes) =
        p.s.app
            .document_file(&p.actor(), &code, id)
            .await
            .map_err(|e| p.fail(e))?;
    Ok(crate::api::documents::pdf_response(&rec.file_name, bytes))
}

/// The fields of a document upload form.
struct DocumentUpload {
    csrf: String,
    component: String,
    file_name: String,
    content_type: Option<String>,
    bytes: Vec<u8>,
}

async fn read_upload(mut mp: axum::extract::Multipart) -> DocumentUpload {
    let mut u = DocumentUpload {
        csrf: String::new(),
        component: String::new(),
        file_name: String::new(),
        content_type: None,
        bytes: Vec::new(),
    };
    while let Ok(Some(field)) = mp.next_field().await {
        match field.name() {
            Some("csrf") => u.csrf = field.text().await.unwrap_or_default(),
            Some("component") => u.component = field.text().await.unwrap_or_default(),
            Some("file") => {
                u.file_name = field.file_name().unwrap_or("").to_owned();
                u.content_type = field.content_type().map(str::to_owned);
                u.bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
            }
            _ => {}
        }
    }
    u
}

async fn after_upload(
    p: &StaffPage,
    code: &DossierCode,
    field: &str,
    result: Result<motcua_app::ports::DocumentRecord, AppError>,
) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/inbox/{code}?doc=1#documents")).into_response()),
        Err(e) if e.is_server_fault() => Err(p.fail(e)),
        Err(e) => {
            let errors = vec![(field.to_owned(), p.tr.error(&e))];
            dossier_again(p, code, &e, errors).await
        }
    }
}

/// What a document upload form stores.
#[derive(Clone, Copy)]
enum UploadKind {
    /// A component's scan, digitised and signed by the receiving agency.
    Scan,
    /// The result, signed by the competent agency.
    Result,
    /// A draft result, unsigned until its approval.
    DraftResult,
}

async fn document_upload(
    p: StaffPage,
    code: String,
    mp: axum::extract::Multipart,
    kind: UploadKind,
) -> Result<Response, PageError> {
    let s = &p.s;
    let u = read_upload(mp).await;
    if u.csrf != p.sess.csrf {
        return Ok(forged(p.chrome(String::new())));
    }
    let Ok(code) = DossierCode::parse(&code) else {
        return Err(p.not_found());
    };
    let actor = p.actor();
    let (r, field) = match kind {
        UploadKind::Scan => (
            s.app
                .digitise_component(
                    &actor,
                    &code,
                    &u.component,
                    &u.file_name,
                    u.content_type.as_deref(),
                    u.bytes,
                )
                .await,
            "scan-file",
        ),
        UploadKind::Result => (
            s.app.attach_result(&actor, &code, u.bytes).await,
            "result-file",
        ),
        UploadKind::DraftResult => (
            s.app.attach_draft_result(&actor, &code, u.bytes).await,
            "draft-file",
        ),
    };
    after_upload(&p, &code, field, r).await
}

/// `POST /inbox/{code}/scan`: digitise a component received at the counter.
pub async fn scan_component(
    p: StaffPage,
    Path(code): Path<String>,
    mp: axum::extract::Multipart,
) -> Result<Response, PageError> {
    document_upload(p, code, mp, UploadKind::Scan).await
}

/// `POST /inbox/{code}/result`: store the result PDF, signed by the competent agency.
pub async fn result_file(
    p: StaffPage,
    Path(code): Path<String>,
    mp: axum::extract::Multipart,
) -> Result<Response, PageError> {
    document_upload(p, code, mp, UploadKind::Result).await
}

/// `POST /inbox/{code}/draft-result`: store the draft result PDF submitted for approval.
pub async fn draft_result_file(
    p: StaffPage,
    Path(code): Path<String>,
    mp: axum::extract::Multipart,
) -> Result<Response, PageError> {
    document_upload(p, code, mp, UploadKind::DraftResult).await
}

/// Query of the register download.
#[derive(Debug, Deserialize)]
pub struct RegisterQuery {
    from: Option<String>,
    to: Option<String>,
}

/// `GET /inbox/register?from=&to=`: form 07 of the officer's agency, as PDF.
pub async fn register_file(
    p: StaffPage,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    let period = crate::api::documents::parse_period(
        q.from.as_deref().unwrap_or(""),
        q.to.as_deref().unwrap_or(""),
    )
    .map_err(|e| p.error(e.code, p.tr.t("error-register-period")))?;
    let agency = p.sess.actor.agency.clone();
    let pdf =
        p.s.app
            .register_pdf(&p.actor(), &agency, &period)
            .await
            .map_err(|e| p.fail(e))?;
    Ok(crate::api::documents::pdf_response(
        &format!("so-theo-doi-{agency}-{}-{}.pdf", period.from, period.to),
        pdf,
    ))
}

/// `GET /inbox/{code}/declaration.pdf`: the dossier's declaration laid out like its paper form.
pub async fn declaration_pdf(
    p: StaffPage,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let Ok(code) = DossierCode::parse(&code) else {
        return Err(p.not_found());
    };
    let bytes =
        p.s.app
            .filed_declaration_pdf(&p.actor(), &code)
            .await
            .map_err(|e| p.fail(e))?;
    Ok(crate::api::documents::pdf_response(
        &format!("to-khai-{code}.pdf"),
        bytes,
    ))
}
