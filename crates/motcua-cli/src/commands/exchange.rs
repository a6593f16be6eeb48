//! `motcua exchange run|status|retry|skip|verify`: the outbox to the national portal and the
//! exchange log, from the server's console (issue #33).

use super::with_app;
use crate::args::ExchangeWhat;
use crate::settings::Settings;
use anyhow::{Result, anyhow, bail};
use motcua_app::exchange::Operator;
use motcua_app::ports::{OperatorDecision, OutboxMessage};
use motcua_domain::dossier::fmt;

fn line(m: &OutboxMessage) -> String {
    format!(
        "{}  {}#{}  attempts {}  since {}  {}: {}",
        m.event_id,
        m.dossier_code,
        m.seq,
        m.attempts,
        fmt(m.since),
        m.last_reason.as_deref().unwrap_or("-"),
        m.last_error.as_deref().unwrap_or("-"),
    )
}

/// `motcua exchange …`.
pub(crate) async fn run(s: Settings, what: ExchangeWhat) -> Result<()> {
    with_app(&s, async |app| match what {
        ExchangeWhat::Run { once } => {
            let Some(w) = crate::portal::worker(&s, app)? else {
                bail!("no national portal is configured: set [portal] url, username and the password (docs/OPERATIONS.md)");
            };
            if once {
                let r = w.drain(100_000).await.map_err(|e| anyhow!("{e}"))?;
                println!(
                    "delivered {} messages of {} dossiers ({} found at the portal already), {} failed, {} dead{}",
                    r.delivered,
                    r.dossiers,
                    r.found_there,
                    r.failed,
                    r.dead,
                    if r.circuit_open { "; the portal's circuit is open: stopped" } else { "" }
                );
                return Ok(());
            }
            println!("delivering the outbox to {} — Ctrl-C to stop", s.portal.url.as_deref().unwrap_or(""));
            crate::portal::run(w, std::time::Duration::from_millis(s.portal.poll_ms.max(50))).await;
            Ok(())
        }
        ExchangeWhat::Status { json } => {
            let o = app
                .exchange_overview(Operator::Console)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&o)?);
                return Ok(());
            }
            let st = &o.status;
            println!(
                "outbox to the national portal: {} pending ({} being delivered), {} delivered, {} dead, {} skipped",
                st.pending, st.leased, st.delivered, st.dead, st.skipped
            );
            match (st.oldest_pending, o.oldest_pending_seconds) {
                (Some(t), Some(age)) => println!("oldest pending: queued {} ({age} s ago)", fmt(t)),
                _ => println!("oldest pending: none"),
            }
            if !st.failing.is_empty() {
                let parts: Vec<String> = st.failing.iter().map(|(r, n)| format!("{r} {n}")).collect();
                println!("failing by reason: {}", parts.join(", "));
            }
            println!("exchange log: {} records, last hash {}", o.log_records, &o.log_head[..16.min(o.log_head.len())]);
            if !o.dead.is_empty() {
                println!("dead letters (retry: motcua exchange retry ID; skip: motcua exchange skip ID --reason …):");
                for m in &o.dead {
                    println!("  {}", line(m));
                }
            }
            if !o.failing.is_empty() {
                println!("failing, to be retried:");
                for m in o.failing.iter().take(20) {
                    println!("  {}", line(m));
                }
            }
            Ok(())
        }
        ExchangeWhat::Retry { id, note } => {
            let m = app
                .decide_exchange(Operator::Console, id, OperatorDecision::Retry, &note)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!("{}#{} is pending again, due now", m.dossier_code, m.seq);
            Ok(())
        }
        ExchangeWhat::Skip { id, reason } => {
            let m = app
                .decide_exchange(Operator::Console, id, OperatorDecision::Skip, &reason)
                .await
                .map_err(|e| anyhow!("{e}"))?;
            println!("{}#{} is skipped: it will not be sent", m.dossier_code, m.seq);
            Ok(())
        }
        ExchangeWhat::Verify => {
            let (v, last, mismatch) = s.anchor().verify_exchange(app).await?;
            if let Some((seq, problem)) = &v.broken {
                println!("BROKEN record {seq}: {problem}");
                bail!("the exchange log is broken at record {seq}");
            }
            if let Some(m) = &mismatch {
                println!("REWRITTEN {m}");
                bail!("the exchange log was rewritten before the last checkpoint");
            }
            let anchored = match &last {
                Some(c) => format!("; the checkpoint of {} matches", fmt(c.cutoff)),
                None => "; no checkpoint of it yet (`motcua audit checkpoint`)".into(),
            };
            println!("exchange log ok: {} records, every link verifies{anchored}", v.records);
            Ok(())
        }
    })
    .await
}
