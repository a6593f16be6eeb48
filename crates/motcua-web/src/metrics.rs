//! Prometheus metrics at `/metrics` (issue #33): HTTP latency by route, method and status
//! class; the exchange's counters (delivered, failures by reason, dead letters, lag from commit
//! to acknowledgement) recorded by the worker; and, read at each scrape, the outbox's backlog.
//! Served only to clients on this host or a private network (the resolved client address, so a
//! public client behind the trusted proxy is not one).

use crate::AppState;
use crate::security::Client;
use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::net::IpAddr;
use std::sync::OnceLock;
use std::time::Instant;

/// Latency buckets (seconds) of every `…_seconds` histogram.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's recorder, installed on first use (one per process; every router shares it).
pub fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &BUCKETS)
                .and_then(|b| b.install_recorder());
            match built {
                Ok(h) => Some(h),
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed: /metrics is empty");
                    None
                }
            }
        })
        .as_ref()
}

/// Records each request's latency under its route's pattern (never the raw path: a code in
/// a path would make a series per dossier).
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "other".into());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let res = next.run(req).await;
    let class = match res.status().as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    };
    metrics::histogram!(
        "motcua_http_request_duration_seconds",
        "route" => route,
        "method" => method,
        "status" => class
    )
    .record(started.elapsed().as_secs_f64());
    res
}

fn private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v) => {
            v.is_loopback() || v.is_private() || v.is_unspecified() || v.is_link_local()
        }
        IpAddr::V6(v) => {
            v.is_loopback()
                || v.is_unspecified()
                || v.to_ipv4_mapped()
                    .is_some_and(|m| m.is_loopback() || m.is_private())
                || (v.segments()[0] & 0xfe00) == 0xfc00
        }
    }
}

/// `GET /metrics`, in the Prometheus text format.
pub async fn page(State(state): State<AppState>, client: Client) -> Response {
    if !private(client.ip) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match state.app.exchange_backlog().await {
        Ok((pending, dead, oldest)) => {
            metrics::gauge!("motcua_exchange_pending").set(pending as f64);
            metrics::gauge!("motcua_exchange_dead").set(dead as f64);
            metrics::gauge!("motcua_exchange_oldest_pending_seconds")
                .set(oldest.unwrap_or(0) as f64);
            metrics::gauge!("motcua_store_up").set(1.0);
        }
        Err(e) => {
            tracing::warn!(error = %e, "the outbox backlog could not be read for the metrics");
            metrics::gauge!("motcua_store_up").set(0.0);
        }
    }
    let body = handle().map(|h| h.render()).unwrap_or_default();
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}
