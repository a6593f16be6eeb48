//! The exchange with the national portal (issue #33): the port an adapter implements
//! ([`NationalPortal`]), the delivery worker ([`ExchangeWorker`]) that empties the outbox
//! through it, the exchange log the adapter writes through ([`ExchangeLog`]), and the
//! operators' use cases (status, retry, skip, a dossier's deliveries, verifying the log).
//!
//! Exactly once in effect: the outbox is written with the dossier (store), delivery is at least
//! once, and the portal — which deduplicates nothing — is looked up (`TraCuuHoSo`) before a
//! dossier's first sync and after any attempt whose outcome is unknown: the lookup says whether
//! the dossier is there (insert or update) and how many of its steps are (the steps it holds
//! beyond those acknowledged were ours, sent in order, and are not sent again).

use crate::error::AppError;
use crate::ports::{
    DVCQG, ExchangeRecord, NewExchangeRecord, OperatorDecision, OutboxClaim, OutboxMessage,
    OutboxState, OutboxStatus, Settlement, StoredEvent, seal_exchange_record,
};
use crate::service::{App, StaffActor};
use async_trait::async_trait;
use motcua_domain::access::Role;
use motcua_domain::dossier::chain::{GENESIS, chain_time};
use motcua_domain::dossier::{ActionKind, Dossier, Status};
use motcua_domain::exchange::{BreakerPolicy, Circuit, Failure, RetryPolicy};
use motcua_domain::ids::DossierCode;
use motcua_domain::portal::{
    DossierRecord, Handler, ProgressStep, RecordNames, StepFact, dossier_record, progress_step,
};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Where the adapter writes each request and answer before it reports the call's outcome.
#[async_trait]
pub trait ExchangeLog: Send + Sync {
    /// Appends a record; an error means it was not written.
    async fn append(&self, r: NewExchangeRecord) -> Result<(), Failure>;
    /// Whether the log took the last record: while it does not, nothing that changes the
    /// peer's data is sent (fail closed; a lookup may go, and its record tests the log).
    fn writable(&self) -> bool;
}

/// The exchange log in the store.
pub struct StoreLog {
    app: App,
    writable: AtomicBool,
}

impl StoreLog {
    /// The log of `app`'s store.
    pub fn new(app: &App) -> StoreLog {
        StoreLog {
            app: app.clone(),
            writable: AtomicBool::new(true),
        }
    }
}

#[async_trait]
impl ExchangeLog for StoreLog {
    async fn append(&self, r: NewExchangeRecord) -> Result<(), Failure> {
        match self.app.store.append_exchange(&r).await {
            Ok(_) => {
                self.writable.store(true, Ordering::Relaxed);
                Ok(())
            }
            Err(e) => {
                tracing::error!(error = %e, service = %r.service, "the exchange log could not be written: sending stops");
                self.writable.store(false, Ordering::Relaxed);
                Err(Failure::LogUnavailable)
            }
        }
    }

    fn writable(&self) -> bool {
        self.writable.load(Ordering::Relaxed)
    }
}

/// What the portal holds of a dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalDossier {
    /// Its status code there.
    pub status: Option<u8>,
    /// How many processing steps it holds.
    pub steps: u32,
}

/// The national portal, as the worker needs it (the HTTP adapter is `motcua-portal`).
#[async_trait]
pub trait NationalPortal: Send + Sync + 'static {
    /// Looks a dossier up (`TraCuuHoSo`): `None` when the portal does not know it.
    async fn lookup(
        &self,
        code: &str,
        log: &dyn ExchangeLog,
    ) -> Result<Option<PortalDossier>, Failure>;
    /// Sends the dossier (`DongBoHoSoMC`), as an update when it is known there.
    async fn sync(
        &self,
        record: &DossierRecord,
        updating: bool,
        log: &dyn ExchangeLog,
    ) -> Result<(), Failure>;
    /// Sends one processing step (`CapNhatTienDoHoSoMC`).
    async fn progress(&self, step: &ProgressStep, log: &dyn ExchangeLog) -> Result<(), Failure>;
}

/// How the worker delivers.
#[derive(Debug, Clone)]
pub struct ExchangeSettings {
    /// Retries and dead letters.
    pub retry: RetryPolicy,
    /// The destination's circuit breaker.
    pub breaker: BreakerPolicy,
    /// How long a claim is held; a run stops before a call could outlast it.
    pub lease: Duration,
    /// The longest a call may take (the adapter's timeout), to keep within the lease.
    pub call_timeout: Duration,
    /// Dossiers claimed per round.
    pub dossiers_per_round: u32,
    /// Messages of one dossier per run.
    pub per_dossier: u32,
    /// Dossiers delivered at once.
    pub concurrency: usize,
    /// This worker's name (its leases; the requester in the log).
    pub node: String,
}

impl Default for ExchangeSettings {
    fn default() -> Self {
        ExchangeSettings {
            retry: RetryPolicy::default(),
            breaker: BreakerPolicy::default(),
            lease: Duration::seconds(120),
            call_timeout: Duration::seconds(10),
            dossiers_per_round: 64,
            per_dossier: 20,
            concurrency: 8,
            node: format!("motcua-{}", Uuid::now_v7().simple()),
        }
    }
}

/// Dossiers one lane claims at a time.
const LANE_DOSSIERS: u32 = 4;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RoundReport {
    /// Dossiers claimed.
    pub dossiers: usize,
    /// Messages acknowledged (or found at the portal).
    pub delivered: usize,
    /// Of which found there already after an unknown outcome (not sent again).
    pub found_there: usize,
    /// Messages that failed and wait for a retry.
    pub failed: usize,
    /// Messages given up.
    pub dead: usize,
    /// Whether the circuit was open (nothing claimed).
    pub circuit_open: bool,
}

impl RoundReport {
    fn add(&mut self, o: RoundReport) {
        self.dossiers += o.dossiers;
        self.delivered += o.delivered;
        self.found_there += o.found_there;
        self.failed += o.failed;
        self.dead += o.dead;
    }
}

/// The delivery worker: claims, delivers, settles. Several may run on one database.
pub struct ExchangeWorker {
    app: App,
    portal: Arc<dyn NationalPortal>,
    settings: ExchangeSettings,
    circuit: Mutex<Circuit>,
    log: StoreLog,
}

impl ExchangeWorker {
    /// A worker for `app` sending through `portal`.
    pub fn new(app: &App, portal: Arc<dyn NationalPortal>, settings: ExchangeSettings) -> Self {
        ExchangeWorker {
            log: StoreLog::new(app),
            app: app.clone(),
            portal,
            settings,
            circuit: Mutex::new(Circuit::new()),
        }
    }

    /// The worker's settings.
    pub fn settings(&self) -> &ExchangeSettings {
        &self.settings
    }

    /// Whether the destination's circuit is open now.
    pub fn circuit_open(&self) -> bool {
        self.circuit.lock().expect("circuit lock").is_open()
    }

    /// One round: claims up to a round's dossiers and delivers them, a few at once.
    pub async fn round(&self) -> Result<RoundReport, AppError> {
        self.round_as(
            &self.settings.node,
            self.settings.dossiers_per_round,
            self.settings.concurrency,
        )
        .await
    }

    /// One lane's round: a few dossiers, one after the other, leased to `node#lane`. A server
    /// runs `concurrency` lanes side by side ([`ExchangeWorker::lanes`]), so a slow answer
    /// holds up its own lane only — not every dossier claimed with it.
    pub async fn lane_round(&self, lane: usize) -> Result<RoundReport, AppError> {
        let owner = format!("{}#{lane}", self.settings.node);
        self.round_as(&owner, LANE_DOSSIERS, 1).await
    }

    /// How many lanes a server runs.
    pub fn lanes(&self) -> usize {
        self.settings.concurrency.max(1)
    }

    async fn round_as(
        &self,
        owner: &str,
        dossiers: u32,
        concurrency: usize,
    ) -> Result<RoundReport, AppError> {
        let now = self.app.now();
        let trial = {
            let mut c = self.circuit.lock().expect("circuit lock");
            if !c.allow(now, &self.settings.breaker) {
                return Ok(RoundReport {
                    circuit_open: true,
                    ..RoundReport::default()
                });
            }
            c.is_trial()
        };
        let claims = self
            .app
            .store
            .claim_outbox(
                DVCQG,
                owner,
                now,
                now + self.settings.lease,
                // A trial after the circuit opened is one dossier.
                if trial { 1 } else { dossiers },
                self.settings.per_dossier,
            )
            .await?;
        let mut report = RoundReport {
            dossiers: claims.len(),
            ..RoundReport::default()
        };
        use futures_util::StreamExt as _;
        let lease_until = now + self.settings.lease;
        let mut runs = futures_util::stream::iter(claims)
            .map(|c| self.deliver_run(c, owner, lease_until))
            .buffer_unordered(concurrency.max(1));
        while let Some(r) = runs.next().await {
            report.add(r?);
        }
        metrics::counter!("motcua_exchange_delivered_total").increment(report.delivered as u64);
        metrics::counter!("motcua_exchange_dead_total").increment(report.dead as u64);
        Ok(report)
    }

    /// Rounds until nothing is due (or the circuit opens, or `max_rounds`).
    pub async fn drain(&self, max_rounds: usize) -> Result<RoundReport, AppError> {
        let mut total = RoundReport::default();
        for _ in 0..max_rounds {
            let r = self.round().await?;
            total.add(r);
            if r.circuit_open {
                total.circuit_open = true;
                break;
            }
            if r.dossiers == 0 {
                break;
            }
        }
        Ok(total)
    }

    fn note_failure(&self, f: &Failure) {
        metrics::counter!("motcua_exchange_failures_total", "reason" => f.reason()).increment(1);
        let mut c = self.circuit.lock().expect("circuit lock");
        if matches!(f, Failure::LogUnavailable) {
            // Fail closed: nothing more until the log takes records again.
            c.trip(self.app.now(), &self.settings.breaker);
        } else if f.trips_breaker() {
            c.failure(self.app.now(), &self.settings.breaker);
        } else {
            // The destination answered: it is well, whatever it thought of the message.
            c.success();
        }
    }

    fn note_success(&self) {
        self.circuit.lock().expect("circuit lock").success();
    }

    /// What a failure of `m` becomes: a retry later, or a dead letter.
    fn settle_failure(&self, m: &OutboxMessage, f: &Failure, head: bool) -> Settlement {
        let now = self.app.now();
        // The claim counted the head's attempt; any other message's attempt counts now.
        let attempts = if head { m.attempts } else { m.attempts + 1 };
        let (reason, error) = (f.reason().to_owned(), f.to_string());
        if self.settings.retry.is_dead(attempts, m.since, now) {
            Settlement::Dead {
                reason,
                error,
                counted: head,
            }
        } else {
            Settlement::Failed {
                next_at: now + self.settings.retry.delay(attempts, rand::random::<f64>()),
                reason,
                error,
                counted: head,
            }
        }
    }

    /// Delivers one dossier's run: look up if needed, sync, then each step in order.
    async fn deliver_run(
        &self,
        claim: OutboxClaim,
        owner: &str,
        lease_until: OffsetDateTime,
    ) -> Result<RoundReport, AppError> {
        let mut report = RoundReport::default();
        let msgs = claim.messages;
        let Some(head) = msgs.first().cloned() else {
            return Ok(report);
        };
        let mut settled: Vec<(Uuid, Settlement)> = Vec::with_capacity(msgs.len());
        let outcome = self
            .send_run(
                &msgs,
                claim.delivered_before,
                lease_until,
                &mut settled,
                &mut report,
            )
            .await;
        if let Err(f) = outcome {
            // The first message not settled failed; the ones after it go back as they were.
            let done = settled.len();
            if let Some(m) = msgs.get(done) {
                let s = self.settle_failure(m, &f, m.event_id == head.event_id);
                match s {
                    Settlement::Dead { .. } => report.dead += 1,
                    _ => report.failed += 1,
                }
                tracing::warn!(dossier = %m.dossier_code, seq = m.seq, failure = %f, "delivery to the national portal failed");
                settled.push((m.event_id, s));
                self.note_failure(&f);
            }
        }
        for m in msgs.iter().skip(settled.len()) {
            settled.push((m.event_id, Settlement::Release));
        }
        self.app.store.settle_outbox(DVCQG, owner, &settled).await?;
        let now = self.app.now();
        for (m, (_, s)) in msgs.iter().zip(&settled) {
            if matches!(s, Settlement::Delivered { .. }) {
                let lag = (now - m.queued_at).as_seconds_f64().max(0.0);
                metrics::histogram!("motcua_exchange_lag_seconds").record(lag);
            }
        }
        Ok(report)
    }

    /// Sends what the run needs, pushing a settlement for each message acknowledged; stops at
    /// the first failure (returned) or when the lease could run out.
    async fn send_run(
        &self,
        msgs: &[OutboxMessage],
        delivered_before: i64,
        lease_until: OffsetDateTime,
        settled: &mut Vec<(Uuid, Settlement)>,
        report: &mut RoundReport,
    ) -> Result<(), Failure> {
        let head = &msgs[0];
        let code = head.dossier_code.clone();
        let Ok(Some((d, events))) = self.app.store.dossier_with_events(&code).await else {
            return Err(Failure::Malformed {
                detail: format!("dossier {code} could not be read"),
            });
        };
        let mut known = delivered_before > 0;
        let mut skip = 0usize;
        // Before the first sync, and after any attempt whose outcome is not known.
        if !known || head.attempts > 1 {
            self.keep_lease(lease_until)?;
            let found = self.portal.lookup(code.as_str(), &self.log).await?;
            // Any answer closes the circuit: a trial is one call, not a whole run.
            self.note_success();
            match found {
                None => known = false,
                Some(there) => {
                    known = true;
                    let beyond = i64::from(there.steps) - delivered_before;
                    skip = usize::try_from(beyond.max(0)).unwrap_or(0).min(msgs.len());
                }
            }
        }
        let now = self.app.now();
        for m in &msgs[..skip] {
            settled.push((m.event_id, Settlement::Delivered { at: now }));
            report.delivered += 1;
            report.found_there += 1;
        }
        if skip == msgs.len() && known {
            self.note_success();
            return Ok(());
        }
        let payloads: Vec<serde_json::Value> = events
            .iter()
            .map(|e| serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null))
            .collect();
        let facts = step_facts(&events, &payloads, d.status);
        let names = self.record_names(&d).await;
        let procedure = self
            .app
            .procedure(&d.procedure.code, Some(d.procedure.version))
            .await
            .ok();
        let record = dossier_record(&d, procedure.as_deref(), &facts, &names);
        self.keep_lease(lease_until)?;
        if !self.log.writable() {
            return Err(Failure::LogUnavailable);
        }
        self.portal.sync(&record, known, &self.log).await?;
        self.note_success();
        let mut handlers: HashMap<String, Handler> = HashMap::new();
        for m in &msgs[skip..] {
            let index = usize::try_from(m.seq - 1).unwrap_or(usize::MAX);
            let Some(event) = events.get(index) else {
                return Err(Failure::Malformed {
                    detail: format!("dossier {code} has no event {}", m.seq),
                });
            };
            let who = match handlers.get(&event.actor) {
                Some(h) => h.clone(),
                None => {
                    let h = self.handler(&d, event).await;
                    handlers.insert(event.actor.clone(), h.clone());
                    h
                }
            };
            let Some(step) = progress_step(code.as_str(), &facts, index, &who) else {
                return Err(Failure::Malformed {
                    detail: format!("dossier {code} event {} could not be read", m.seq),
                });
            };
            self.keep_lease(lease_until)?;
            if !self.log.writable() {
                return Err(Failure::LogUnavailable);
            }
            self.portal.progress(&step, &self.log).await?;
            self.note_success();
            settled.push((m.event_id, Settlement::Delivered { at: self.app.now() }));
            report.delivered += 1;
        }
        Ok(())
    }

    /// Refuses a call that could outlast the claim's lease (the run is released instead).
    fn keep_lease(&self, lease_until: OffsetDateTime) -> Result<(), Failure> {
        if self.app.now() + self.settings.call_timeout >= lease_until {
            return Err(Failure::Timeout);
        }
        Ok(())
    }

    async fn record_names(&self, d: &Dossier) -> RecordNames {
        let competent = self
            .app
            .agency(&d.competent_agency)
            .await
            .map(|a| a.name)
            .unwrap_or_default();
        let receipt = self
            .app
            .store
            .dossier_documents(d.id)
            .await
            .ok()
            .and_then(|docs| {
                docs.into_iter()
                    .find(|x| x.kind == "form01")
                    .and_then(|x| x.number)
            });
        RecordNames {
            field_code: String::new(),
            competent_agency: competent,
            receipt_number: receipt,
        }
    }

    /// Who acted at an event, as the portal's step names them.
    async fn handler(&self, d: &Dossier, e: &StoredEvent) -> Handler {
        let department = match e.agency.parse() {
            Ok(code) => self
                .app
                .agency(&code)
                .await
                .map(|a| a.name)
                .unwrap_or_else(|_| e.agency.clone()),
            Err(_) => String::new(),
        };
        if let Some(id) = e.actor.strip_prefix("user:").and_then(|s| s.parse().ok())
            && let Ok(Some(u)) = self.app.store.user(id).await
        {
            return Handler {
                name: u.display_name,
                title: u.role.title_vi().to_owned(),
                department,
            };
        }
        if e.actor.starts_with("applicant") {
            return Handler {
                name: d.applicant.name.clone(),
                title: "Người nộp hồ sơ".into(),
                department: String::new(),
            };
        }
        if let Some(id) = e
            .actor
            .strip_prefix("token:")
            .and_then(|s| s.parse::<Uuid>().ok())
            && let Ok(tokens) = self.app.store.tokens().await
            && let Some(t) = tokens.into_iter().find(|t| t.id == id)
        {
            return Handler {
                name: t.label,
                title: t.role.title_vi().to_owned(),
                department,
            };
        }
        Handler {
            name: "Hệ thống một cửa".into(),
            title: String::new(),
            department,
        }
    }
}

/// The events as the mapping reads them: each payload parsed (into `payloads`); an action or
/// status this build does not know is read as an assignment in the dossier's status, so the
/// step is still sent rather than the dossier held back.
fn step_facts<'a>(
    events: &[StoredEvent],
    payloads: &'a [serde_json::Value],
    current: Status,
) -> Vec<StepFact<'a>> {
    events
        .iter()
        .zip(payloads)
        .map(|(e, p)| StepFact {
            seq: e.seq,
            action: ActionKind::parse(&e.action).unwrap_or(ActionKind::Assign),
            status: Status::parse(&e.status).unwrap_or(current),
            at: e.at,
            payload: p,
        })
        .collect()
}

/// Who operates the exchange: a system administrator (pages, API) or the console (the CLI,
/// which holds the database already).
#[derive(Debug, Clone, Copy)]
pub enum Operator<'a> {
    /// A signed-in system administrator.
    Staff(&'a StaffActor),
    /// `motcua exchange …` on the server.
    Console,
}

impl Operator<'_> {
    fn id(&self) -> String {
        match self {
            Operator::Staff(s) => s.actor_id(),
            Operator::Console => "cli".into(),
        }
    }

    fn check(&self) -> Result<(), AppError> {
        match self {
            Operator::Staff(s) if s.role != Role::Admin => Err(AppError::Forbidden(
                "the exchange with the national portal is operated by a system administrator"
                    .into(),
            )),
            _ => Ok(()),
        }
    }
}

/// The exchange as operators see it.
#[derive(Debug, Clone, Serialize)]
pub struct ExchangeOverview {
    /// The outbox to the national portal in figures.
    pub status: OutboxStatus,
    /// How long the oldest pending message has waited, in seconds.
    pub oldest_pending_seconds: Option<i64>,
    /// Dead letters, oldest first (at most 200).
    pub dead: Vec<OutboxMessage>,
    /// Pending messages whose last attempt failed, oldest first (at most 200).
    pub failing: Vec<OutboxMessage>,
    /// Records in the exchange log.
    pub log_records: i64,
    /// The log's last hash.
    pub log_head: String,
}

/// The longest note an operator writes on a message.
pub const MAX_NOTE: usize = 500;

/// The exchange log checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExchangeVerification {
    /// Records checked.
    pub records: i64,
    /// The last record's hash.
    pub head: String,
    /// The first record found wrong, with what is wrong.
    pub broken: Option<(i64, String)>,
}

impl App {
    /// The outbox, its dead letters and failing messages, and the log's end.
    pub async fn exchange_overview(&self, op: Operator<'_>) -> Result<ExchangeOverview, AppError> {
        op.check()?;
        let now = self.now();
        let status = self.store.outbox_status(DVCQG, now).await?;
        let dead = self
            .store
            .outbox_messages(DVCQG, OutboxState::Dead, 200)
            .await?;
        let failing = self
            .store
            .outbox_messages(DVCQG, OutboxState::Pending, 2_000)
            .await?
            .into_iter()
            .filter(|m| m.last_reason.is_some())
            .take(200)
            .collect();
        let (log_records, log_head) = self.store.exchange_head().await?;
        Ok(ExchangeOverview {
            oldest_pending_seconds: status.oldest_pending.map(|t| (now - t).whole_seconds()),
            status,
            dead,
            failing,
            log_records,
            log_head,
        })
    }

    /// The backlog for the metrics (no caller check: counts only): pending, dead, and the
    /// oldest pending message's age in seconds.
    pub async fn exchange_backlog(&self) -> Result<(i64, i64, Option<i64>), AppError> {
        let (pending, dead, oldest) = self.store.outbox_backlog(DVCQG).await?;
        Ok((
            pending,
            dead,
            oldest.map(|t| (self.now() - t).whole_seconds().max(0)),
        ))
    }

    /// An operator retries a dead letter or skips a message, with a note (a reason is required
    /// to skip); audited. Returns the message as it now is.
    pub async fn decide_exchange(
        &self,
        op: Operator<'_>,
        event_id: Uuid,
        decision: OperatorDecision,
        note: &str,
    ) -> Result<OutboxMessage, AppError> {
        op.check()?;
        let note = note.trim();
        if note.chars().count() > MAX_NOTE {
            return Err(AppError::invalid(
                "note",
                format!("at most {MAX_NOTE} characters"),
            ));
        }
        if motcua_domain::text::has_hostile_chars(note) {
            return Err(AppError::invalid(
                "note",
                "control characters are not allowed",
            ));
        }
        if decision == OperatorDecision::Skip && note.is_empty() {
            return Err(AppError::invalid(
                "note",
                "say why the message is skipped (it will never reach the portal)",
            ));
        }
        let Some(before) = self.store.outbox_message(DVCQG, event_id).await? else {
            return Err(AppError::not_found(
                "exchange.not_found",
                format!("no message {event_id}"),
            ));
        };
        let by = op.id();
        let now = self.now();
        if !self
            .store
            .decide_outbox(DVCQG, event_id, &decision, &by, note, now)
            .await?
        {
            return Err(AppError::Invalid {
                code: "exchange.wrong_state",
                message: format!(
                    "the message is {} now: only a dead letter is retried, only a pending or dead one that no worker holds is skipped",
                    before.state.as_str()
                ),
                field: None,
            });
        }
        let kind = match decision {
            OperatorDecision::Retry => "exchange_retried",
            OperatorDecision::Skip => "exchange_skipped",
        };
        self.audit_security(
            kind,
            &by,
            Some(&before.province_code),
            &format!("{}#{}", before.dossier_code, before.seq),
            &crate::accounts::Origin::default(),
            note,
        )
        .await;
        self.store
            .outbox_message(DVCQG, event_id)
            .await?
            .ok_or_else(|| AppError::Internal("a decided message is gone".into()))
    }

    /// A dossier's messages to the portal and the exchanges about it, for staff who see it.
    pub async fn dossier_deliveries(
        &self,
        actor: &crate::service::Actor,
        code: &DossierCode,
    ) -> Result<(Vec<OutboxMessage>, Vec<ExchangeRecord>), AppError> {
        let d = self.load(actor, code).await?;
        let messages = self.store.outbox_of_dossier(d.id).await?;
        let exchanges = self.store.exchange_records_about(code.as_str(), 50).await?;
        Ok((messages, exchanges))
    }

    /// Recomputes the exchange log's chain from its first record; the first record that does
    /// not verify is named.
    pub async fn verify_exchange(&self) -> Result<ExchangeVerification, AppError> {
        let mut prev = (0i64, GENESIS.to_owned());
        loop {
            let page = self.store.exchange_records(prev.0, 1_000).await?;
            if page.is_empty() {
                break;
            }
            for r in page {
                let problem = if r.seq != prev.0 + 1 {
                    Some(format!(
                        "record {} follows record {} (a record is missing)",
                        r.seq, prev.0
                    ))
                } else if r.prev_hash != prev.1 {
                    Some("its link to the record before does not match".to_owned())
                } else {
                    let again = seal_exchange_record(prev.0, &prev.1, &r.appended());
                    if again.request_sha256 != r.request_sha256
                        || again.answer_sha256 != r.answer_sha256
                    {
                        Some("a message body was changed (its hash does not match)".to_owned())
                    } else if again.hash != r.hash {
                        Some("a field was changed (the record's hash does not match)".to_owned())
                    } else {
                        None
                    }
                };
                if let Some(p) = problem {
                    return Ok(ExchangeVerification {
                        records: prev.0,
                        head: prev.1,
                        broken: Some((r.seq, p)),
                    });
                }
                prev = (r.seq, r.hash);
            }
        }
        let (head_seq, head_hash) = self.store.exchange_head().await?;
        if (head_seq, &head_hash) != (prev.0, &prev.1) {
            return Ok(ExchangeVerification {
                records: prev.0,
                head: prev.1,
                broken: Some((
                    head_seq,
                    format!(
                        "the log's recorded end (record {head_seq}) is not its last record ({})",
                        prev.0
                    ),
                )),
            });
        }
        Ok(ExchangeVerification {
            records: prev.0,
            head: prev.1,
            broken: None,
        })
    }
}

/// When a record's fields are hashed, as text (whole seconds, UTC).
pub fn log_time(t: OffsetDateTime) -> String {
    chain_time(t)
}
