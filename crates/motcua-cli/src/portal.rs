//! The exchange with the national portal as a server runs it (issue #33): the adapter and the
//! delivery worker built from `[portal]`, and the loop `serve` and `motcua exchange run` keep.

use crate::settings::{PortalConfig, Settings};
use anyhow::{Result, anyhow};
use motcua_app::App;
use motcua_app::exchange::{ExchangeSettings, ExchangeWorker};
use motcua_domain::exchange::{BreakerPolicy, RetryPolicy};
use motcua_portal::client::{PortalClient, PortalSettings};
use std::sync::Arc;
use std::time::Duration;

/// This process's name in leases and in the exchange log: host and process id.
pub fn node_name() -> String {
    let host = rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned();
    format!("motcua@{host}:{}", std::process::id())
}

/// The worker's settings from `[portal]`.
pub fn exchange_settings(p: &PortalConfig) -> ExchangeSettings {
    ExchangeSettings {
        retry: RetryPolicy {
            base: time::Duration::milliseconds(p.retry_base_ms as i64),
            cap: time::Duration::seconds(p.retry_cap_seconds as i64),
            max_attempts: p.max_attempts,
            max_age: time::Duration::hours(p.max_age_hours as i64),
        },
        breaker: BreakerPolicy {
            threshold: p.breaker_failures.max(1),
            cooldown: time::Duration::seconds(p.breaker_cooldown_seconds as i64),
        },
        call_timeout: time::Duration::milliseconds(p.timeout_ms as i64),
        lease: time::Duration::milliseconds((p.timeout_ms as i64) * 12)
            .max(time::Duration::seconds(60)),
        concurrency: p.concurrency,
        node: node_name(),
        ..ExchangeSettings::default()
    }
}

/// The worker, when a portal is configured.
pub fn worker(s: &Settings, app: &App) -> Result<Option<Arc<ExchangeWorker>>> {
    let p = &s.portal;
    let Some(url) = &p.url else {
        return Ok(None);
    };
    let settings = exchange_settings(p);
    let client = PortalClient::new(PortalSettings {
        base_url: url.clone(),
        username: p.username.clone(),
        password: p.password.clone().unwrap_or_default(),
        dstcode: p.dstcode.clone(),
        timeout: Duration::from_millis(p.timeout_ms),
        session_ttl: Duration::from_secs(p.session_minutes.max(1) * 60),
        session_error_codes: p.session_error_codes.clone(),
        requester: settings.node.clone(),
    })
    .map_err(|e| anyhow!("the portal client could not start: {e}"))?;
    Ok(Some(Arc::new(ExchangeWorker::new(
        app,
        Arc::new(client),
        settings,
    ))))
}

/// Delivers for ever, in `lanes` side by side: each lane claims a few dossiers, delivers them,
/// and claims again. When there is nothing due (or the circuit is open, or the store failed)
/// only the first lane keeps looking, every `poll`; the others wait until it finds work, so an
/// idle server asks the database once per `poll`, not once per lane.
pub async fn run(worker: Arc<ExchangeWorker>, poll: Duration) {
    let work = Arc::new(tokio::sync::Notify::new());
    let mut lanes = tokio::task::JoinSet::new();
    for lane in 0..worker.lanes() {
        let (worker, work) = (worker.clone(), work.clone());
        lanes.spawn(async move {
            loop {
                match worker.lane_round(lane).await {
                    Ok(r) if r.dossiers > 0 && !r.circuit_open => {
                        if lane == 0 {
                            work.notify_waiters();
                        }
                        continue;
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, lane, "exchange round failed; trying again")
                    }
                }
                if lane == 0 {
                    tokio::time::sleep(poll).await;
                } else {
                    let _ = tokio::time::timeout(poll * 20, work.notified()).await;
                }
            }
        });
    }
    while lanes.join_next().await.is_some() {}
}

/// The demo simulator's account (it runs on this host only, for the demo's own server).
pub const SIM_USERNAME: &str = "demo";
/// Its password.
pub const SIM_PASSWORD: &str = "demo-portal";

/// Starts the portal simulator in this process on a free port of 127.0.0.1 (the demo's
/// portal); returns its base URL.
pub async fn start_simulator() -> Result<String> {
    let sim = motcua_portal::sim::Sim::new(motcua_portal::sim::SimSettings {
        username: SIM_USERNAME.into(),
        password: SIM_PASSWORD.into(),
        dstcode: Some("DVCQG".into()),
        ..Default::default()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        if let Err(e) = motcua_portal::sim::serve_on(sim, listener).await {
            tracing::error!(error = %e, "the portal simulator stopped");
        }
    });
    Ok(url)
}
