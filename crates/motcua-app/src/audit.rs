//! Audit verification: recompute every dossier's hash chain and compare with the stored hashes
//! and with the chain head recorded on the dossier row.

use crate::error::AppError;
use crate::service::App;
use motcua_domain::dossier::chain::{ChainInput, GENESIS, chain_time, event_hash};
use serde::Serialize;

/// A broken chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainBreak {
    /// Dossier code.
    pub dossier: String,
    /// The first event sequence number found wrong (0 = the head on the dossier row).
    pub seq: i64,
    /// What is wrong.
    pub problem: String,
}

/// The result of `motcua audit verify`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditReport {
    /// Dossiers checked.
    pub dossiers: usize,
    /// Events checked.
    pub events: usize,
    /// Broken chains (empty when everything verifies).
    pub breaks: Vec<ChainBreak>,
}

impl App {
    /// Recomputes every chain.
    pub async fn verify_audit(&self) -> Result<AuditReport, AppError> {
        let mut report = AuditReport::default();
        for head in self.store.chain_heads().await? {
            report.dossiers += 1;
            let events = self.store.events(head.dossier_id).await?;
            report.events += events.len();
            let id = head.dossier_id.to_string();
            let mut prev = GENESIS.to_owned();
            let mut broken = None;
            for (i, e) in events.iter().enumerate() {
                let expected_seq = i as i64 + 1;
                if e.seq != expected_seq {
                    broken = Some((
                        expected_seq,
                        format!("event {expected_seq} is missing (found {})", e.seq),
                    ));
                    break;
                }
                let at = chain_time(e.at);
                let h = event_hash(&ChainInput {
                    prev_hash: &prev,
                    dossier_id: &id,
                    seq: e.seq,
                    action: &e.action,
                    actor: &e.actor,
                    agency: &e.agency,
                    at: &at,
                    payload: &e.payload,
                });
                if e.prev_hash != prev || e.hash != h {
                    broken = Some((e.seq, "content does not match its hash (altered)".into()));
                    break;
                }
                prev = h;
            }
            if broken.is_none()
                && (head.version != events.len() as i64 || head.last_event_hash != prev)
            {
                broken = Some((
                    0,
                    format!(
                        "dossier row says {} events, chain has {} (events removed or added)",
                        head.version,
                        events.len()
                    ),
                ));
            }
            if let Some((seq, problem)) = broken {
                report.breaks.push(ChainBreak {
                    dossier: head.code.to_string(),
                    seq,
                    problem,
                });
            }
        }
        Ok(report)
    }
}
