//! `motcua serve`: the API and pages, with the background work a server does (the minute sweep,
//! the hourly draft purge, the documents worker, the audit anchor, the exchange worker).

use super::with_db;
use crate::server;
use crate::settings::Settings;
use crate::setup;
use anyhow::{Context, Result, bail};

/// `motcua serve`: refuses a database without units (`motcua init` first).
pub(crate) async fn run(s: Settings) -> Result<()> {
    with_db(&s, true, async |db| {
        let app = setup::open_app(&s, db.store()).await?;
        if app.units().provinces().is_empty() {
            bail!("the database has no units; run `motcua init` first");
        }
        serve(&s, app).await
    })
    .await
}

/// Serves `app` until Ctrl-C (also the demo's last step).
pub(crate) async fn serve(s: &Settings, app: motcua_app::App) -> Result<()> {
    let addr = format!("{}:{}", s.listen, s.port);
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let local = listener.local_addr()?;
    // Without a configured public address, documents link to the address actually bound.
    let app = match &s.public_url {
        Some(_) => app,
        None => app.with_public_url(&format!("http://{local}")),
    };
    println!(
        "\nmotcua is serving at http://{local}/  (API docs: http://{local}/api/docs) — Ctrl-C to stop"
    );
    // The search index (catalogue + popularity) is built now rather than on the first search.
    {
        let app = app.clone();
        tokio::spawn(async move {
            if let Err(e) = app.search_index().await {
                tracing::warn!(error = %e, "search index not built at start; the first search builds it");
            }
        });
    }
    // Every minute: linked applications — start any step whose prerequisite finished but whose
    // start was interrupted (a crash between the two writes) — and the escalation rules. Both
    // are idempotent.
    {
        let app = app.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
            let mut minutes: u64 = 0;
            loop {
                tick.tick().await;
                // Every hour: abandoned drafts and their files (idempotent).
                if minutes.is_multiple_of(60) {
                    match app.purge_stale_drafts().await {
                        Ok((0, _)) => {}
                        Ok((drafts, files)) => {
                            tracing::info!(drafts, files, "stale drafts removed")
                        }
                        Err(e) => tracing::warn!(error = %e, "stale drafts not removed"),
                    }
                }
                minutes += 1;
                let started = std::time::Instant::now();
                match app.advance_recent_linked(90).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(steps = n, "linked sweep opened steps"),
                    Err(e) => {
                        tracing::warn!(error = %e, "linked sweep failed; retrying in a minute")
                    }
                }
                // Escalation rules: due-soon, overdue and step-budget notices (idempotent).
                match app.apply_escalations().await {
                    Ok(run) => tracing::debug!(
                        checked = run.checked,
                        created = run.created,
                        watched = run.watched,
                        reloaded = run.reloaded,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "minute sweep done"
                    ),
                    Err(e) => {
                        tracing::warn!(error = %e, "escalation run failed; retrying in a minute")
                    }
                }
            }
        });
    }
    // The outbox to the national portal (portal.rs): delivered while the server runs.
    match crate::portal::worker(s, &app)? {
        Some(w) => {
            tracing::info!(node = %w.settings().node, "delivering the outbox to the national portal");
            tokio::spawn(crate::portal::run(
                w,
                std::time::Duration::from_millis(s.portal.poll_ms.max(50)),
            ));
        }
        None => tracing::warn!(
            "no national portal configured ([portal] url): dossiers wait in the outbox (motcua exchange status)"
        ),
    }
    if app.issues_documents() && s.defer_documents {
        tokio::spawn(app.clone().run_document_worker(s.documents_worker_share));
    }
    // The audit chain anchored outside the database at a fixed interval (anchor.rs).
    if s.audit_checkpoint_minutes > 0 {
        let (app, anchor) = (app.clone(), s.anchor());
        let every = std::time::Duration::from_secs(s.audit_checkpoint_minutes * 60);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            loop {
                tick.tick().await;
                match anchor.checkpoint(&app, false).await {
                    Ok((_, c)) => tracing::info!(
                        dossiers = c.dossiers,
                        events = c.events,
                        "audit checkpoint written"
                    ),
                    Err(e) => tracing::error!(error = %e, "audit checkpoint NOT written"),
                }
            }
        });
    }
    let router = motcua_web::router_with(
        app,
        motcua_web::WebSettings {
            kiosk_reset_seconds: s.kiosk_reset_seconds.max(5),
            public_url: s.public_url.clone(),
            trusted_proxy: s.trusted_proxy,
            rate_limits: motcua_web::security::RateLimits {
                login_per_minute: s.rate_limit_login_per_minute,
                tracking_per_minute: s.rate_limit_tracking_per_minute,
                search_per_minute: s.rate_limit_search_per_minute,
                verify_per_minute: s.rate_limit_verify_per_minute,
                filing_per_minute: s.rate_limit_filing_per_minute,
                upload_mb_per_hour: s.upload_mb_per_hour,
            },
            oidc: match (&s.oidc_issuer, &s.oidc_client_id, &s.oidc_client_secret) {
                (Some(issuer), Some(client_id), Some(client_secret)) => {
                    Some(motcua_web::oidc::OidcSettings {
                        issuer: issuer.clone(),
                        client_id: client_id.clone(),
                        client_secret: client_secret.clone(),
                    })
                }
                (None, None, _) => None,
                _ => anyhow::bail!(
                    "citizen login needs oidc_issuer, oidc_client_id and the client secret together"
                ),
            },
            limit_clock: motcua_web::security::LimitClock::default(),
        },
    );
    server::serve(
        listener,
        router,
        server::ConnectionLimits {
            max_connections: s.max_connections,
            header_timeout: std::time::Duration::from_secs(s.header_timeout_seconds.max(1)),
        },
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    )
    .await?;
    Ok(())
}
