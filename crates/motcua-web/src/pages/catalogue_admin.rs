//! The catalogue editor (`/admin/procedures/…`, issue #32): a system administrator adds a
//! procedure or saves a new version of one through a form with every problem shown beside its
//! field ([`super::procedure_form`]); the catalogue's import file stays for bulk work.

use super::i18n::Tr;
use super::procedure_form::{self, EXAMPLE_FLAGS, LEVELS, ProcedureForm, UNITS};
use super::public::render;
use super::staff::StaffSession;
use super::{Chrome, form};
use crate::AppState;
use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use fluent_templates::fluent_bundle::FluentValue;
use motcua_app::AppError;
use motcua_domain::access::Role;
use motcua_domain::catalogue::Procedure;
use motcua_domain::ids::ProcedureCode;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "admin_procedure.html")]
struct ProcedureEditPage {
    c: Chrome,
    form: ProcedureForm,
    /// A new procedure (its code is typed).
    new: bool,
    versions: Vec<(u32, String)>,
    saved: Option<String>,
    /// A refusal that belongs to no field (someone saved a newer version meanwhile).
    refusal: Option<String>,
    /// `(field id, "label: problem")` for the summary.
    errors: Vec<(String, String)>,
    /// Field id → problem, beside the field.
    field_errors: HashMap<String, String>,
    kinds: Vec<(String, String)>,
    levels: Vec<(String, String)>,
    units: Vec<(String, String)>,
    examples: Vec<(String, String)>,
}

impl ProcedureEditPage {
    fn err(&self, id: &str) -> Option<&String> {
        self.field_errors.get(id)
    }

    fn level_on(&self, key: &str) -> bool {
        self.form.levels.contains(&key)
    }

    fn nth(&self, key: &str, n: &usize) -> String {
        self.c.tr.ta(key, &[("n", FluentValue::from(*n))])
    }

    fn declaration(&self, title: &str, n: &usize) -> String {
        self.c.tr.ta(
            "pf-declaration",
            &[
                ("title", FluentValue::from(title.to_owned())),
                ("n", FluentValue::from(*n)),
            ],
        )
    }

    fn example_on(&self, path: &str) -> bool {
        self.form.examples.iter().any(|x| x == path)
    }
}

fn page(tr: Tr, c: Chrome, form: ProcedureForm, new: bool) -> ProcedureEditPage {
    ProcedureEditPage {
        c,
        form,
        new,
        versions: Vec::new(),
        saved: None,
        refusal: None,
        errors: Vec::new(),
        field_errors: HashMap::new(),
        kinds: procedure_form::kind_choices(&tr),
        levels: LEVELS
            .iter()
            .map(|(_, k)| ((*k).to_owned(), tr.t(&format!("level-{k}"))))
            .collect(),
        units: UNITS
            .iter()
            .map(|u| {
                (
                    u.as_str().to_owned(),
                    tr.t(&format!("pf-unit-{}", u.as_str())),
                )
            })
            .collect(),
        examples: EXAMPLE_FLAGS
            .iter()
            .map(|x| {
                let key = format!("pf-example-{}", x.replace(['.', '_'], "-"));
                ((*x).to_owned(), tr.t(&key))
            })
            .collect(),
    }
}

/// Where a field stands on the page: its section, then its rows (numbers compared as numbers).
fn page_order(id: &str) -> (usize, Vec<(usize, String)>) {
    const SECTIONS: [&str; 13] = [
        "code",
        "name",
        "name_en",
        "field",
        "description",
        "levels",
        "kind",
        "steps",
        "requirements",
        "legal_basis",
        "results",
        "channels",
        "cases",
    ];
    let head = id.split('-').next().unwrap_or(id);
    let section = SECTIONS
        .iter()
        .position(|s| *s == head)
        .unwrap_or(SECTIONS.len());
    let channel = |s: &str| match s {
        "direct" => 0,
        "online" => 1,
        "postal" => 2,
        "kiosk" => 3,
        _ => usize::MAX,
    };
    // The fields of a row, in the order the form shows them.
    const FIELDS: [&str; 12] = [
        "on",
        "value",
        "unit",
        "note",
        "fees",
        "code",
        "name",
        "originals",
        "copies",
        "form",
        "form_url",
        "amount",
    ];
    let parts = id
        .split('-')
        .map(|p| match p.parse::<usize>() {
            Ok(n) => (n, String::new()),
            Err(_) if channel(p) != usize::MAX => (channel(p), String::new()),
            Err(_) => (
                FIELDS.iter().position(|f| *f == p).unwrap_or(usize::MAX),
                p.to_owned(),
            ),
        })
        .collect();
    (section, parts)
}

fn refuse(tr: Tr, uri: &Uri, sess: &StaffSession) -> Response {
    sess.refuse(tr, uri, "auth.forbidden", tr.t("admin-forbidden"))
        .into_response()
}

async fn versions_of(s: &AppState, p: &Procedure) -> Result<Vec<(u32, String)>, AppError> {
    let mut out = Vec::new();
    for v in (1..=p.version).rev() {
        let x = match s.app.procedure(&p.code, Some(v)).await {
            Ok(x) => x,
            // A version never stored (numbers are not always contiguous) is not listed.
            Err(AppError::NotFound { .. }) => continue,
            Err(e) => return Err(e),
        };
        let time = x
            .channels
            .first()
            .map(|o| o.processing_time.describe_vi())
            .unwrap_or_default();
        out.push((v, format!("{} · {time}", x.name)));
    }
    Ok(out)
}

/// The current version of `code`, `None` when the catalogue has no such procedure.
async fn current(s: &AppState, code: &str) -> Result<Option<Procedure>, AppError> {
    let Ok(code) = ProcedureCode::parse(code) else {
        return Ok(None);
    };
    match s.app.procedure(&code, None).await {
        Ok(p) => Ok(Some((*p).clone())),
        Err(AppError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `GET /admin/procedures/new`: the empty form.
pub async fn new_procedure(Extension(tr): Extension<Tr>, uri: Uri, sess: StaffSession) -> Response {
    if sess.actor().role != Role::Admin {
        return refuse(tr, &uri, &sess);
    }
    let c = sess.chrome(tr, &uri, tr.t("pf-new"));
    render(&page(tr, c, ProcedureForm::new_procedure(), true))
}

/// `GET /admin/procedures/{code}`: the current version in the form, and the versions.
pub async fn edit_procedure(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    sess: StaffSession,
    Path(code): Path<String>,
) -> Response {
    if sess.actor().role != Role::Admin {
        return refuse(tr, &uri, &sess);
    }
    let p = match current(&s, &code).await {
        Ok(Some(p)) => p,
        Ok(None) => {
            return sess
                .refuse(tr, &uri, "route.not_found", tr.t("not-found-lead"))
                .into_response();
        }
        Err(e) => return sess.fail(tr, &uri, e).into_response(),
    };
    let c = sess.chrome(tr, &uri, format!("{} — {}", p.code, tr.t("admin-edit")));
    let mut view = page(tr, c, ProcedureForm::from_procedure(&p), false);
    view.saved = match uri.query() {
        Some(q) if q.contains("saved=created") => Some(tr.t("pf-saved-created")),
        Some(q) if q.contains("saved=updated") => Some(tr.t("pf-saved-updated")),
        Some(q) if q.contains("saved=unchanged") => Some(tr.t("pf-saved-unchanged")),
        _ => None,
    };
    view.versions = match versions_of(&s, &p).await {
        Ok(v) => v,
        Err(e) => return sess.fail(tr, &uri, e).into_response(),
    };
    render(&view)
}

/// `POST /admin/procedures/new`: adds a procedure (version 1).
pub async fn create_procedure(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    sess: StaffSession,
    body: Bytes,
) -> Response {
    submit(&s, tr, &uri, &sess, None, &body).await
}

/// `POST /admin/procedures/{code}`: saves the form as a new version (or re-shows it with one
/// more blank row when "add a row" was pressed, saving nothing).
pub async fn save_procedure(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    sess: StaffSession,
    Path(code): Path<String>,
    body: Bytes,
) -> Response {
    submit(&s, tr, &uri, &sess, Some(code), &body).await
}

async fn submit(
    s: &AppState,
    tr: Tr,
    uri: &Uri,
    sess: &StaffSession,
    code: Option<String>,
    body: &Bytes,
) -> Response {
    if sess.actor().role != Role::Admin {
        return refuse(tr, uri, sess);
    }
    let f = form(body);
    if !sess.csrf_ok(&f) {
        return super::staff::forged(sess.chrome(tr, uri, String::new()));
    }
    let base = match &code {
        Some(code) => match current(s, code).await {
            Ok(Some(p)) => Some(p),
            Ok(None) => {
                return sess
                    .refuse(tr, uri, "route.not_found", tr.t("not-found-lead"))
                    .into_response();
            }
            Err(e) => return sess.fail(tr, uri, e).into_response(),
        },
        None => None,
    };
    let mut posted = ProcedureForm::from_post(&f, base.as_ref());
    if let Some(b) = &base {
        // The code of a stored procedure is not edited here.
        posted.code = b.code.to_string();
    }
    let title = match &base {
        Some(b) => format!("{} — {}", b.code, tr.t("admin-edit")),
        None => tr.t("pf-new"),
    };
    let mut view = page(
        tr,
        sess.chrome(tr, uri, title),
        posted.clone(),
        base.is_none(),
    );
    if let Some(b) = &base {
        view.versions = match versions_of(s, b).await {
            Ok(v) => v,
            Err(e) => return sess.fail(tr, uri, e).into_response(),
        };
    }
    if let Some(which) = f.get("more") {
        view.form.add_row(which);
        return render(&view);
    }
    if base.is_some() && posted.base_version == 0 {
        // An edit that does not say which version it was opened on cannot be checked against
        // a newer one: it is refused as a stale form would be.
        view.refusal = Some(tr.t("pf-stale"));
        view.form = view.form.with_blank_rows();
        return (StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response();
    }
    let record = match posted.to_procedure(base.as_ref()) {
        Ok(r) => r,
        Err(problems) => {
            for (id, p) in problems {
                let what = procedure_form::describe(&tr, p.what);
                view.errors.push((
                    id.clone(),
                    format!("{}: {what}", procedure_form::label(&tr, &id)),
                ));
                view.field_errors.entry(id).or_insert(what);
            }
            // The summary lists the problems in the order of the page.
            view.errors.sort_by_key(|(id, _)| page_order(id));
            view.form = view.form.with_blank_rows();
            return (StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response();
        }
    };
    let code = record.code.to_string();
    match s
        .app
        .save_procedure(sess.actor(), record, posted.base_version)
        .await
    {
        Ok(r) => {
            let done = if !r.created.is_empty() {
                "created"
            } else if !r.updated.is_empty() {
                "updated"
            } else {
                "unchanged"
            };
            Redirect::to(&format!("/admin/procedures/{code}?saved={done}")).into_response()
        }
        Err(e) if e.is_server_fault() || matches!(e, AppError::Forbidden(_)) => {
            sess.fail(tr, uri, e).into_response()
        }
        Err(e) => {
            match e.code() {
                "catalogue.code_exists" => {
                    let what = tr.t("pf-code-exists");
                    view.errors.push((
                        "code".into(),
                        format!("{}: {what}", procedure_form::label(&tr, "code")),
                    ));
                    view.field_errors.insert("code".into(), what);
                }
                "catalogue.stale_version" => view.refusal = Some(tr.t("pf-stale")),
                _ => view.refusal = Some(tr.t("pf-refused")),
            }
            view.form = view.form.with_blank_rows();
            (StatusCode::UNPROCESSABLE_ENTITY, render(&view)).into_response()
        }
    }
}
