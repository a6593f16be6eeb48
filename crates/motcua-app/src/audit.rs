//! Audit verification: recompute every dossier's hash chain and compare with the stored hashes
//! and with the chain head recorded on the dossier row.

use crate::error::AppError;
use crate::service::App;
use motcua_domain::dossier::chain::{ChainInput, GENESIS, chain_time, event_hash};
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

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

/// Where the row's columns disagree with its JSON (the inbox and the lists filter on the
/// columns: an edited column hides or moves a dossier without touching its JSON).
fn columns_mismatch(
    head: &crate::ports::ChainHead,
    row: &motcua_domain::dossier::Dossier,
) -> Option<(i64, String)> {
    let json = [
        row.status.as_str(),
        row.competent_agency.as_str(),
        row.current_agency.as_str(),
    ];
    let names = ["status", "competent_agency", "current_agency"];
    names
        .iter()
        .zip(head.columns.iter().zip(json))
        .find(|(_, (col, js))| col.as_str() != *js)
        .map(|(name, (col, js))| {
            (
                0,
                format!(
                    "dossier row's {name} column says {col}, its record {js} (the row was edited)"
                ),
            )
        })
}

/// Where the dossier row disagrees with its own chain, if it does.
fn row_mismatch(
    row: &motcua_domain::dossier::Dossier,
    events: &[crate::ports::StoredEvent],
) -> Option<(i64, String)> {
    let last = events.last()?;
    if row.status.as_str() != last.status {
        return Some((
            0,
            format!(
                "dossier row says {}, its last event {} (the row was edited)",
                row.status.as_str(),
                last.status
            ),
        ));
    }
    let first: serde_json::Value = serde_json::from_str(&events.first()?.payload).ok()?;
    // Who decides, who holds it, and what was decided, as the events say.
    if first.get("competent_agency").and_then(|v| v.as_str()) != Some(row.competent_agency.as_str())
    {
        return Some((
            0,
            "dossier row's competent agency differs from its first event's (the row was edited)"
                .into(),
        ));
    }
    let mut holder = first
        .get("receiving_agency")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    let mut result = None;
    for e in events {
        let p: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
        match e.action.as_str() {
            "transfer" => holder = p["to_agency"].as_str().map(str::to_owned),
            "finish" => result = Some(p["result"].clone()),
            _ => {}
        }
    }
    if holder.as_deref() != Some(row.current_agency.as_str()) {
        return Some((
            0,
            "dossier row's holder differs from where its events sent it (the row was edited)"
                .into(),
        ));
    }
    if let Some(r) = result
        && serde_json::to_value(&row.result).ok().as_ref() != Some(&r)
    {
        return Some((
            0,
            "dossier row's result differs from the one its finish event recorded (the row was edited)"
                .into(),
        ));
    }
    let recorded = first.get("applicant")?;
    let stored = serde_json::to_value(&row.applicant).ok()?;
    (recorded != &stored).then(|| {
        (
            0,
            "dossier row's applicant differs from the one its first event recorded (the row was edited)"
                .into(),
        )
    })
}

/// What every chain looked like at `cutoff`: a digest over each dossier's id, the number of its
/// events at or before `cutoff` and the hash of the last of them, in dossier-id order. A
/// checkpoint keeps it (outside the database, with a MAC), and a later verification recomputes
/// it from the events as they are then: an event before `cutoff` altered, removed, inserted or
/// back-dated — even with every hash after it recomputed — changes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainsDigest {
    /// The moment the digest covers (events at or before it).
    #[serde(with = "time::serde::rfc3339")]
    pub cutoff: OffsetDateTime,
    /// Dossiers with at least one event by then.
    pub dossiers: usize,
    /// Events by then.
    pub events: usize,
    /// SHA-256 (hex) over the dossiers' (id, count, head) lines.
    pub digest: String,
}

impl App {
    /// Recomputes every chain.
    pub async fn verify_audit(&self) -> Result<AuditReport, AppError> {
        Ok(self.verify_audit_at(&[]).await?.0)
    }

    /// Recomputes every chain, and the digest of every chain as it was at each of `cutoffs`
    /// (in the same pass over the events).
    pub async fn verify_audit_at(
        &self,
        cutoffs: &[OffsetDateTime],
    ) -> Result<(AuditReport, Vec<ChainsDigest>), AppError> {
        let mut heads = self.store.chain_heads().await?;
        heads.sort_by_key(|h| h.dossier_id);
        let mut digests: Vec<(Sha256, usize, usize)> =
            cutoffs.iter().map(|_| (Sha256::new(), 0, 0)).collect();
        let mut report = AuditReport::default();
        for head in heads {
            report.dossiers += 1;
            let Some((row, events)) = self.store.dossier_with_events(&head.code).await? else {
                report.breaks.push(ChainBreak {
                    dossier: head.code.to_string(),
                    seq: 0,
                    problem: "the dossier row vanished during the check".into(),
                });
                continue;
            };
            // Each cutoff's part: how many events by then, and the stored hash of the last.
            for (cut, (h, dossiers, total)) in cutoffs.iter().zip(digests.iter_mut()) {
                let upto = events.iter().take_while(|e| e.at <= *cut).count();
                if upto > 0 {
                    *dossiers += 1;
                    *total += upto;
                    h.update(format!(
                        "{}\t{upto}\t{}\n",
                        head.dossier_id,
                        events[upto - 1].hash
                    ));
                }
            }
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
            // The row is a projection of the chain: its status is the last event's, and its
            // applicant the one the first event recorded (dossiers filed before the applicant was
            // recorded in the first event are checked on their status only).
            if broken.is_none() {
                broken = row_mismatch(&row, &events).or_else(|| columns_mismatch(&head, &row));
            }
            if let Some((seq, problem)) = broken {
                report.breaks.push(ChainBreak {
                    dossier: head.code.to_string(),
                    seq,
                    problem,
                });
            }
        }
        let digests = cutoffs
            .iter()
            .zip(digests)
            .map(|(cutoff, (h, dossiers, events))| ChainsDigest {
                cutoff: *cutoff,
                dossiers,
                events,
                digest: hex::encode(h.finalize()),
            })
            .collect();
        Ok((report, digests))
    }
}
