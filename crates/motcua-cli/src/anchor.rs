//! The audit chain anchored outside the database (issue #29). Hash chains alone let anyone who
//! can write the database rewrite an event and recompute every hash after it. A *checkpoint*
//! records, for a moment a minute in the past, the digest of every chain as it was then
//! ([`motcua_app::audit::ChainsDigest`]), MACed (HMAC-SHA-256) with a key the database never
//! holds, in a file the database's writers cannot reach: `<data-dir>/audit/checkpoints.jsonl`,
//! one line each, every line MACing the one before it. `audit verify` recomputes the latest
//! checkpoint's digest from the events as they are now: any change to an event at or before
//! it fails, even with every hash recomputed.
//!
//! What remains possible, and is documented in docs/SECURITY.md: someone holding both the
//! database and the anchor key can rewrite history and re-anchor it; a change made after the
//! last checkpoint is caught only by the hash chain (which a database writer can recompute).

use anyhow::{Context, Result, anyhow, bail};
use hmac::{Hmac, Mac};
use motcua_app::App;
use motcua_app::audit::{AuditReport, ChainsDigest};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::io::Write;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// How far behind "now" a checkpoint's cutoff is: every action acknowledged before it has
/// committed (a request is cut off after 30 s).
const SETTLE: time::Duration = time::Duration::seconds(60);

/// One line of the checkpoint file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Checkpoint {
    /// The moment covered (events at or before it), RFC 3339.
    #[serde(with = "time::serde::rfc3339")]
    pub cutoff: OffsetDateTime,
    /// Dossiers with events by then.
    pub dossiers: usize,
    /// Events by then.
    pub events: usize,
    /// The chains' digest (hex).
    pub digest: String,
    /// The previous line's MAC (empty for the first).
    pub prev: String,
    /// The exchange log's end when the checkpoint was written (issue #33); absent in lines
    /// written before the exchange existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange: Option<ExchangeAnchor>,
    /// HMAC-SHA-256 (hex) of the fields above, under the anchor key.
    #[serde(default)]
    pub mac: String,
}

/// The exchange log's end as a checkpoint anchors it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ExchangeAnchor {
    /// Its records then.
    pub records: i64,
    /// The last one's hash.
    pub head: String,
}

impl Checkpoint {
    fn signed_text(&self) -> String {
        let v1 = format!(
            "{}\n{}\n{}\n{}\n{}",
            self.cutoff.unix_timestamp(),
            self.dossiers,
            self.events,
            self.digest,
            self.prev
        );
        match &self.exchange {
            None => format!("motcua-audit-checkpoint-v1\n{v1}"),
            Some(e) => format!(
                "motcua-audit-checkpoint-v2\n{v1}\n{}\n{}",
                e.records, e.head
            ),
        }
    }

    fn compute_mac(&self, key: &[u8]) -> String {
        let mut m = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
        m.update(self.signed_text().as_bytes());
        hex::encode(m.finalize().into_bytes())
    }
}

/// Where a deployment keeps its anchor.
#[derive(Debug, Clone)]
pub struct Anchor {
    /// The checkpoint file.
    pub file: PathBuf,
    /// The key file (hex, 32 bytes), created on first use when absent.
    pub key_file: PathBuf,
}

impl Anchor {
    /// The anchor under `data_dir` (the key may live elsewhere: `audit_key_file`).
    pub fn new(data_dir: &Path, key_file: Option<&Path>) -> Anchor {
        let dir = data_dir.join("audit");
        Anchor {
            file: dir.join("checkpoints.jsonl"),
            key_file: key_file
                .map(Path::to_path_buf)
                .unwrap_or_else(|| dir.join("anchor.key")),
        }
    }

    fn key(&self, create: bool) -> Result<Vec<u8>> {
        match std::fs::read_to_string(&self.key_file) {
            Ok(text) => hex::decode(text.trim())
                .ok()
                .filter(|k| k.len() >= 32)
                .ok_or_else(|| anyhow!("{} is not a 32-byte hex key", self.key_file.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                if let Some(dir) = self.key_file.parent() {
                    crate::setup::secure_data_dir(dir)?;
                }
                let key: [u8; 32] = rand::random();
                let mut f = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&self.key_file)
                    .with_context(|| format!("creating {}", self.key_file.display()))?;
                writeln!(f, "{}", hex::encode(key))?;
                f.sync_all()?;
                Ok(key.to_vec())
            }
            Err(e) => Err(anyhow!("reading {}: {e}", self.key_file.display())),
        }
    }

    /// The checkpoints on file, each MAC and the links between them checked.
    pub fn read(&self) -> Result<Vec<Checkpoint>> {
        let text = match std::fs::read_to_string(&self.file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => bail!("reading {}: {e}", self.file.display()),
        };
        let key = self.key(false)?;
        let mut out: Vec<Checkpoint> = Vec::new();
        for (i, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let c: Checkpoint = serde_json::from_str(line)
                .with_context(|| format!("{} line {}", self.file.display(), i + 1))?;
            let prev = out.last().map(|p| p.mac.as_str()).unwrap_or("");
            if c.prev != prev || c.mac != c.compute_mac(&key) {
                bail!(
                    "checkpoint {} of {} was altered (its MAC or its link to the one before does not verify)",
                    i + 1,
                    self.file.display()
                );
            }
            out.push(c);
        }
        Ok(out)
    }

    /// Verifies every chain, anchors their state a minute ago, and returns the checkpoint.
    /// Refuses to anchor broken chains, and to start a new file under a key that already has
    /// one (checkpoints removed or emptied) unless `first` says this is the first checkpoint
    /// under a key made elsewhere.
    pub async fn checkpoint(&self, app: &App, first: bool) -> Result<(AuditReport, Checkpoint)> {
        let prev = self.read()?;
        if prev.is_empty() && self.key_file.exists() && !first {
            bail!(
                "the anchor key {} exists but {} holds no checkpoint: the checkpoints were removed (a key made elsewhere starts with `audit checkpoint --first`)",
                self.key_file.display(),
                self.file.display()
            );
        }
        if first && !prev.is_empty() {
            bail!("there are checkpoints already: --first is only for a new key");
        }
        let key = self.key(true)?;
        let cutoff = (app.now() - SETTLE).replace_nanosecond(0)?;
        let (report, digests) = app
            .verify_audit_at(&[cutoff])
            .await
            .map_err(|e| anyhow!("{e}"))?;
        if !report.breaks.is_empty() {
            bail!(
                "{} of {} dossiers have a broken chain: not anchored (run `motcua audit verify`)",
                report.breaks.len(),
                report.dossiers
            );
        }
        let d: &ChainsDigest = digests.first().ok_or_else(|| anyhow!("no digest"))?;
        // The exchange log is anchored as it stands, once its chain verifies.
        let x = app.verify_exchange().await.map_err(|e| anyhow!("{e}"))?;
        if let Some((seq, problem)) = &x.broken {
            bail!(
                "the exchange log is broken at record {seq}: {problem}; not anchored (run `motcua exchange verify`)"
            );
        }
        let mut c = Checkpoint {
            exchange: Some(ExchangeAnchor {
                records: x.records,
                head: x.head,
            }),
            cutoff,
            dossiers: d.dossiers,
            events: d.events,
            digest: d.digest.clone(),
            prev: prev.last().map(|p| p.mac.clone()).unwrap_or_default(),
            mac: String::new(),
        };
        c.mac = c.compute_mac(&key);
        if let Some(dir) = self.file.parent() {
            crate::setup::secure_data_dir(dir)?;
        }
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&self.file)
            .with_context(|| format!("opening {}", self.file.display()))?;
        writeln!(f, "{}", serde_json::to_string(&c)?)?;
        f.sync_all()?;
        Ok((report, c))
    }

    /// Verifies every chain and the latest checkpoint against the events as they are now.
    /// Returns the report, the checkpoint checked (if any) and, when it does not match, what
    /// differs.
    pub async fn verify(
        &self,
        app: &App,
    ) -> Result<(AuditReport, Option<Checkpoint>, Option<String>)> {
        let all = self.read()?;
        // A key with no checkpoint under it: the checkpoints were emptied.
        if all.is_empty() && self.key_file.exists() {
            bail!(
                "{} holds no checkpoint but the anchor key {} exists: the checkpoints were removed",
                self.file.display(),
                self.key_file.display()
            );
        }
        let last = all.last().cloned();
        let cutoffs: Vec<OffsetDateTime> = last.iter().map(|c| c.cutoff).collect();
        let (report, digests) = app
            .verify_audit_at(&cutoffs)
            .await
            .map_err(|e| anyhow!("{e}"))?;
        let mismatch = match (&last, digests.first()) {
            (Some(c), Some(d))
                if c.digest != d.digest || c.events != d.events || c.dossiers != d.dossiers =>
            {
                Some(format!(
                    "the history up to the checkpoint of {} was rewritten: it anchored {} events of {} dossiers, the database now has {} events of {} dossiers up to then{}",
                    motcua_domain::dossier::fmt(c.cutoff),
                    c.events,
                    c.dossiers,
                    d.events,
                    d.dossiers,
                    if c.events == d.events {
                        " with different content"
                    } else {
                        ""
                    }
                ))
            }
            _ => None,
        };
        Ok((report, last, mismatch))
    }

    /// Verifies the exchange log's chain and that it still holds what the latest checkpoint
    /// anchored: the verification, that checkpoint, and what differs when it does not.
    pub async fn verify_exchange(
        &self,
        app: &App,
    ) -> Result<(
        motcua_app::exchange::ExchangeVerification,
        Option<Checkpoint>,
        Option<String>,
    )> {
        let last = self
            .read()?
            .into_iter()
            .rev()
            .find(|c| c.exchange.is_some());
        let v = app.verify_exchange().await.map_err(|e| anyhow!("{e}"))?;
        let mismatch = match last
            .as_ref()
            .and_then(|c| c.exchange.as_ref().map(|e| (c, e)))
        {
            Some((c, e)) if e.records > v.records => Some(format!(
                "the checkpoint of {} anchored {} records; the log now has {}: records were removed",
                motcua_domain::dossier::fmt(c.cutoff),
                e.records,
                v.records
            )),
            Some((c, e)) if e.records > 0 => {
                let at = app
                    .store()
                    .exchange_records(e.records - 1, 1)
                    .await
                    .map_err(|x| anyhow!("{x}"))?;
                match at.first() {
                    Some(r) if r.seq == e.records && r.hash == e.head => None,
                    _ => Some(format!(
                        "record {} is not the one the checkpoint of {} anchored: the log was rewritten",
                        e.records,
                        motcua_domain::dossier::fmt(c.cutoff)
                    )),
                }
            }
            _ => None,
        };
        Ok((v, last, mismatch))
    }

    /// Copies the checkpoint file beside a backup (`FILE.checkpoints.jsonl`), when there is one.
    pub fn export_beside(&self, backup: &Path) -> Result<Option<PathBuf>> {
        if !self.file.exists() {
            return Ok(None);
        }
        let mut name = backup.as_os_str().to_owned();
        name.push(".checkpoints.jsonl");
        let to = PathBuf::from(name);
        std::fs::copy(&self.file, &to)
            .with_context(|| format!("copying the audit checkpoints to {}", to.display()))?;
        Ok(Some(to))
    }
}
