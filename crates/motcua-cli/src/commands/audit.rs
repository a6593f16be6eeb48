//! `motcua audit checkpoint|verify`: the audit chain anchored outside the database
//! (`anchor.rs`), and every chain checked against the rows and the last checkpoint.

use super::with_app;
use crate::args::AuditWhat;
use crate::settings::Settings;
use anyhow::{Result, bail};
use motcua_domain::dossier::fmt;

/// `motcua audit …`; `verify` fails when any chain is broken or the history was rewritten.
pub(crate) async fn run(s: Settings, what: AuditWhat) -> Result<()> {
    with_app(&s, async |app| match what {
        AuditWhat::Checkpoint { first } => {
            let (_, c) = s.anchor().checkpoint(app, first).await?;
            println!(
                "checkpoint {}: {} dossiers, {} events, digest {}",
                fmt(c.cutoff),
                c.dossiers,
                c.events,
                &c.digest[..16]
            );
            Ok(())
        }
        AuditWhat::Verify => {
            let (r, last, mismatch) = s.anchor().verify(app).await?;
            for b in &r.breaks {
                println!("BROKEN {} at event {}: {}", b.dossier, b.seq, b.problem);
            }
            if let Some(m) = &mismatch {
                println!("REWRITTEN {m}");
            }
            if !r.breaks.is_empty() {
                bail!(
                    "{} of {} dossiers have a broken chain",
                    r.breaks.len(),
                    r.dossiers
                );
            }
            if mismatch.is_some() {
                bail!("the audit history was rewritten before the last checkpoint");
            }
            let anchored = match &last {
                Some(c) => format!("; the checkpoint of {} matches", fmt(c.cutoff)),
                None => "; no checkpoint yet (`motcua audit checkpoint`)".into(),
            };
            println!(
                "audit ok: {} dossiers, {} events, every chain verifies{anchored}",
                r.dossiers, r.events
            );
            Ok(())
        }
    })
    .await
}
