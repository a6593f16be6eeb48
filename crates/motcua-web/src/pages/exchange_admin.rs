//! The exchange with the national portal for a system administrator (`/admin/exchange`, issue
//! #33): the outbox in figures, failures by reason, the exchange log's end, dead letters with
//! "retry" and "skip" (a reason required), the messages failing now. Both decisions are in
//! the security log.

use super::i18n::Tr;
use super::public::render;
use super::staff::StaffSession;
use super::{Chrome, fmt_datetime, form};
use crate::AppState;
use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_templates::fluent_bundle::FluentValue;
use motcua_app::AppError;
use motcua_app::exchange::{MAX_NOTE, Operator};
use motcua_app::ports::{OperatorDecision, OutboxMessage};
use motcua_domain::access::Role;
use serde::Deserialize;

/// One message as the page lists it.
struct Line {
    id: String,
    dossier: String,
    seq: i64,
    attempts: u32,
    since: String,
    reason: String,
    error: String,
    note: String,
}

fn line(tr: Tr, m: &OutboxMessage) -> Line {
    Line {
        id: m.event_id.to_string(),
        dossier: m.dossier_code.to_string(),
        seq: m.seq,
        attempts: m.attempts,
        since: fmt_datetime(m.since),
        reason: m
            .last_reason
            .as_deref()
            .map(|r| tr.t(&format!("exchange-reason-{r}")))
            .unwrap_or_default(),
        error: m.last_error.clone().unwrap_or_default(),
        note: m.note.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "admin_exchange.html")]
struct ExchangePage {
    c: Chrome,
    figures: Vec<(String, String)>,
    failing_by_reason: Vec<(String, i64)>,
    log: String,
    dead: Vec<Line>,
    failing: Vec<Line>,
    done: Option<String>,
    error: Option<String>,
    max_note: usize,
}

/// What the page says after a decision.
#[derive(Debug, Deserialize)]
pub struct Done {
    done: Option<String>,
}

async fn view(
    s: &AppState,
    tr: Tr,
    uri: &Uri,
    sess: &StaffSession,
    done: Option<String>,
    error: Option<String>,
) -> Result<ExchangePage, AppError> {
    let o = s
        .app
        .exchange_overview(Operator::Staff(sess.actor()))
        .await?;
    let st = &o.status;
    let age = match o.oldest_pending_seconds {
        Some(secs) => tr.ta(
            "exchange-age",
            &[
                ("minutes", FluentValue::from(secs / 60)),
                ("seconds", FluentValue::from(secs % 60)),
            ],
        ),
        None => tr.t("exchange-none"),
    };
    let figures = vec![
        (tr.t("exchange-pending"), st.pending.to_string()),
        (tr.t("exchange-leased"), st.leased.to_string()),
        (tr.t("exchange-oldest"), age),
        (tr.t("exchange-delivered"), st.delivered.to_string()),
        (tr.t("exchange-dead"), st.dead.to_string()),
        (tr.t("exchange-skipped"), st.skipped.to_string()),
    ];
    Ok(ExchangePage {
        c: sess.chrome(tr, uri, tr.t("exchange-title")),
        figures,
        failing_by_reason: st
            .failing
            .iter()
            .map(|(r, n)| (tr.t(&format!("exchange-reason-{r}")), *n))
            .collect(),
        log: tr.ta(
            "exchange-log",
            &[
                ("records", FluentValue::from(o.log_records)),
                (
                    "head",
                    FluentValue::from(o.log_head.chars().take(16).collect::<String>()),
                ),
            ],
        ),
        dead: o.dead.iter().map(|m| line(tr, m)).collect(),
        failing: o.failing.iter().take(100).map(|m| line(tr, m)).collect(),
        done: done.and_then(|d| match d.as_str() {
            "retried" => Some(tr.t("exchange-retried")),
            "skipped" => Some(tr.t("exchange-skipped-done")),
            _ => None,
        }),
        error,
        max_note: MAX_NOTE,
    })
}

fn refuse(tr: Tr, uri: &Uri, sess: &StaffSession) -> Response {
    sess.refuse(tr, uri, "auth.forbidden", tr.t("admin-forbidden"))
        .into_response()
}

/// `GET /admin/exchange`.
pub async fn page(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    sess: StaffSession,
    Query(q): Query<Done>,
) -> Response {
    if sess.actor().role != Role::Admin {
        return refuse(tr, &uri, &sess);
    }
    match view(&s, tr, &uri, &sess, q.done, None).await {
        Ok(p) => render(&p),
        Err(e) => sess.fail(tr, &uri, e).into_response(),
    }
}

/// `POST /admin/exchange/{id}/{retry|skip}` with `note`.
pub async fn decide(
    State(s): State<AppState>,
    Extension(tr): Extension<Tr>,
    uri: Uri,
    sess: StaffSession,
    Path((id, what)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    if sess.actor().role != Role::Admin {
        return refuse(tr, &uri, &sess);
    }
    let f = form(&body);
    if !sess.csrf_ok(&f) {
        return super::staff::forged(sess.chrome(tr, &uri, String::new()));
    }
    let (decision, done) = match what.as_str() {
        "retry" => (OperatorDecision::Retry, "retried"),
        "skip" => (OperatorDecision::Skip, "skipped"),
        _ => {
            return sess
                .refuse(tr, &uri, "route.not_found", tr.t("not-found-lead"))
                .into_response();
        }
    };
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return sess
            .refuse(tr, &uri, "exchange.not_found", tr.t("exchange-not-found"))
            .into_response();
    };
    let note = f.get("note").map(String::as_str).unwrap_or("");
    match s
        .app
        .decide_exchange(Operator::Staff(sess.actor()), id, decision, note)
        .await
    {
        Ok(_) => Redirect::to(&format!("/admin/exchange?done={done}")).into_response(),
        // What the administrator can put right is said on the page itself.
        Err(e @ (AppError::Invalid { .. } | AppError::NotFound { .. })) => {
            let message = match (&e, e.field()) {
                (_, Some("note"))
                    if decision == OperatorDecision::Skip && note.trim().is_empty() =>
                {
                    tr.t("exchange-reason-required")
                }
                (_, Some("note")) => tr.ta(
                    "exchange-note-invalid",
                    &[("max", FluentValue::from(MAX_NOTE))],
                ),
                (AppError::NotFound { .. }, _) => tr.t("exchange-not-found"),
                _ => tr.t("exchange-wrong-state"),
            };
            let status = crate::error::status_for(e.code());
            match view(&s, tr, &uri, &sess, None, Some(message)).await {
                Ok(p) => (status, render(&p)).into_response(),
                Err(e) => sess.fail(tr, &uri, e).into_response(),
            }
        }
        Err(e) => sess.fail(tr, &uri, e).into_response(),
    }
}
