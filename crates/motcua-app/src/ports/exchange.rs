//! The store's exchange role (see [`super::Store`]): the outbox of messages to outside systems
//! and the exchange log (issue #33).
//!
//! Every dossier event queues one message for the national portal in the transaction that
//! writes the event (`insert_dossier`, `append_transition`; `bulk_load` queues none — histories
//! loaded from another system were that system's to report). The worker claims a dossier's
//! oldest open message — never one whose predecessor is still pending or dead — with the
//! pending messages after it, under a lease; it settles each one it tried.

use super::*;

/// The national portal, as an outbox destination.
pub const DVCQG: &str = "dvcqg";

/// Where a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting to be delivered (or being delivered, under a lease).
    Pending,
    /// Acknowledged by the destination.
    Delivered,
    /// Given up after its attempts or its age; an operator retries or skips it.
    Dead,
    /// Left out by an operator, with a reason.
    Skipped,
}

impl OutboxState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Delivered => "delivered",
            OutboxState::Dead => "dead",
            OutboxState::Skipped => "skipped",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<OutboxState> {
        [
            OutboxState::Pending,
            OutboxState::Delivered,
            OutboxState::Dead,
            OutboxState::Skipped,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// One message of the outbox: a dossier event to report to a destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxMessage {
    /// The destination ([`DVCQG`]).
    pub destination: String,
    /// The event it reports (its id is the message's key).
    pub event_id: Uuid,
    /// The province.
    pub province_code: ProvinceCode,
    /// The dossier.
    pub dossier_id: Uuid,
    /// Its code.
    pub dossier_code: DossierCode,
    /// The event's number in the dossier.
    pub seq: i64,
    /// When it was queued (with the event).
    #[serde(with = "time::serde::rfc3339")]
    pub queued_at: OffsetDateTime,
    /// Since when it has been in its current run (queued, or retried by an operator): the
    /// dead-letter age counts from here.
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
    /// Where it is.
    pub state: OutboxState,
    /// Attempts so far (a claim counts one for the dossier's first message).
    pub attempts: u32,
    /// When it may be tried next.
    #[serde(with = "time::serde::rfc3339")]
    pub next_at: OffsetDateTime,
    /// The last failure's reason (`motcua_domain::exchange::Failure::reason`).
    pub last_reason: Option<String>,
    /// The last failure, as text.
    pub last_error: Option<String>,
    /// When the destination acknowledged it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub delivered_at: Option<OffsetDateTime>,
    /// Who retried or skipped it.
    pub settled_by: Option<String>,
    /// Why it was skipped (or retried).
    pub note: Option<String>,
}

/// A claimed run of one dossier's messages, oldest first, leased to the claimer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxClaim {
    /// The messages: the dossier's oldest open one, then the pending ones after it.
    pub messages: Vec<OutboxMessage>,
    /// How many of the dossier's messages to this destination were delivered before.
    pub delivered_before: i64,
}

/// What became of a claimed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    /// Acknowledged.
    Delivered {
        /// When.
        at: OffsetDateTime,
    },
    /// Failed; tried again at `next_at`.
    Failed {
        /// When it may be tried next.
        next_at: OffsetDateTime,
        /// The failure's reason.
        reason: String,
        /// The failure, as text.
        error: String,
        /// Whether the claim already counted this attempt (it counts the run's first message).
        counted: bool,
    },
    /// Given up.
    Dead {
        /// The failure's reason.
        reason: String,
        /// The failure, as text.
        error: String,
        /// Whether the claim already counted this attempt (as for `Failed`).
        counted: bool,
    },
    /// Not tried: back to the queue as it was.
    Release,
}

/// An operator's decision about a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperatorDecision {
    /// A dead letter goes back to the queue, due now; its age counts from now.
    Retry,
    /// A pending or dead message is left out; the ones after it may go.
    Skip,
}

/// The outbox of a destination in figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OutboxStatus {
    /// Pending messages (the backlog).
    pub pending: i64,
    /// Of which leased by a worker now.
    pub leased: i64,
    /// Delivered.
    pub delivered: i64,
    /// Dead letters.
    pub dead: i64,
    /// Skipped.
    pub skipped: i64,
    /// When the oldest pending message was queued.
    #[serde(with = "time::serde::rfc3339::option")]
    pub oldest_pending: Option<OffsetDateTime>,
    /// Pending and dead messages whose last attempt failed, by reason.
    pub failing: Vec<(String, i64)>,
}

/// An exchange-log record to append (its number and hashes are the store's to compute), and
/// the fields of a stored one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewExchangeRecord {
    /// When the request went out.
    #[serde(with = "time::serde::rfc3339")]
    pub requested_at: OffsetDateTime,
    /// When the answer came, or the attempt ended.
    #[serde(with = "time::serde::rfc3339")]
    pub answered_at: OffsetDateTime,
    /// The peer.
    pub destination: String,
    /// The service called (the form of the request).
    pub service: String,
    /// Who asked.
    pub requester: String,
    /// What it was about (a dossier code, a procedure code; empty for a login).
    pub subject: String,
    /// The answer's status (`ok`, or the failure).
    pub status: String,
    /// The request as sent, secrets masked.
    pub request_body: String,
    /// The answer as received (empty when none came).
    pub answer_body: String,
}

/// A stored exchange-log record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExchangeRecord {
    /// Its number, from 1, in order.
    pub seq: i64,
    /// The fields as appended.
    #[serde(flatten)]
    pub record: NewExchangeRecord,
    /// SHA-256 of the request body.
    pub request_sha256: String,
    /// SHA-256 of the answer body.
    pub answer_sha256: String,
    /// The previous record's hash.
    pub prev_hash: String,
    /// This record's hash.
    pub hash: String,
}

impl ExchangeRecord {
    /// The record as it was appended (to seal it again and compare).
    pub fn appended(&self) -> NewExchangeRecord {
        self.record.clone()
    }

    /// The fields its hash covers.
    pub fn chain_fields<'a>(
        &'a self,
        requested_at: &'a str,
        answered_at: &'a str,
    ) -> motcua_domain::exchange::LogFields<'a> {
        motcua_domain::exchange::LogFields {
            seq: self.seq,
            requested_at,
            answered_at,
            destination: &self.record.destination,
            service: &self.record.service,
            requester: &self.record.requester,
            subject: &self.record.subject,
            status: &self.record.status,
            request_sha256: &self.request_sha256,
            answer_sha256: &self.answer_sha256,
        }
    }
}

/// Seals a new record onto the chain after `prev` (its number and hash): what both stores
/// store, computed in one place.
pub fn seal_exchange_record(
    prev_seq: i64,
    prev_hash: &str,
    r: &NewExchangeRecord,
) -> ExchangeRecord {
    use motcua_domain::dossier::chain::chain_time;
    use motcua_domain::exchange::body_sha256;
    let requested_at = r
        .requested_at
        .replace_nanosecond(0)
        .unwrap_or(r.requested_at);
    let answered_at = r.answered_at.replace_nanosecond(0).unwrap_or(r.answered_at);
    let mut out = ExchangeRecord {
        seq: prev_seq + 1,
        record: NewExchangeRecord {
            requested_at,
            answered_at,
            ..r.clone()
        },
        request_sha256: body_sha256(r.request_body.as_bytes()),
        answer_sha256: body_sha256(r.answer_body.as_bytes()),
        prev_hash: prev_hash.to_owned(),
        hash: String::new(),
    };
    let (a, b) = (chain_time(requested_at), chain_time(answered_at));
    out.hash = motcua_domain::exchange::record_hash(prev_hash, &out.chain_fields(&a, &b));
    out
}

/// Outbox and exchange log.
#[async_trait]
pub trait ExchangeStore: Send + Sync + 'static {
    /// Claims up to `dossiers` runs for `owner` until `lease_until`: for each dossier whose
    /// oldest open message (pending or dead) is pending, due at `now` and not leased, that
    /// message (its attempts counted) and up to `per_dossier − 1` pending messages after it.
    /// Oldest due first. Two claimers never get the same message while its lease lasts.
    async fn claim_outbox(
        &self,
        destination: &str,
        owner: &str,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        dossiers: u32,
        per_dossier: u32,
    ) -> Result<Vec<OutboxClaim>, StoreError>;
    /// Settles messages claimed by `owner` (a message whose lease was lost is left alone;
    /// returns how many were settled).
    async fn settle_outbox(
        &self,
        destination: &str,
        owner: &str,
        settlements: &[(Uuid, Settlement)],
    ) -> Result<u64, StoreError>;
    /// An operator retries a dead letter or skips a pending or dead message (not one leased
    /// now). `false` when the message is not in a state the decision applies to.
    async fn decide_outbox(
        &self,
        destination: &str,
        event_id: Uuid,
        decision: &OperatorDecision,
        by: &str,
        note: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError>;
    /// The outbox of a destination in figures at `now`.
    async fn outbox_status(
        &self,
        destination: &str,
        now: OffsetDateTime,
    ) -> Result<OutboxStatus, StoreError>;
    /// The backlog, cheaply (the partial indexes only): pending and dead messages, and when the
    /// oldest pending one was queued (the metrics read it on every scrape).
    async fn outbox_backlog(
        &self,
        destination: &str,
    ) -> Result<(i64, i64, Option<OffsetDateTime>), StoreError>;
    /// Messages in a state, oldest first (the operators' list of dead letters, of the backlog).
    async fn outbox_messages(
        &self,
        destination: &str,
        state: OutboxState,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError>;
    /// A message by its key.
    async fn outbox_message(
        &self,
        destination: &str,
        event_id: Uuid,
    ) -> Result<Option<OutboxMessage>, StoreError>;
    /// A dossier's messages to every destination, in order.
    async fn outbox_of_dossier(&self, dossier_id: Uuid) -> Result<Vec<OutboxMessage>, StoreError>;
    /// Appends a record to the exchange log, after the last one, and returns it sealed
    /// ([`seal_exchange_record`]).
    async fn append_exchange(&self, r: &NewExchangeRecord) -> Result<ExchangeRecord, StoreError>;
    /// Records after `after_seq`, in order.
    async fn exchange_records(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<ExchangeRecord>, StoreError>;
    /// A subject's records (a dossier's exchanges), newest first.
    async fn exchange_records_about(
        &self,
        subject: &str,
        limit: u32,
    ) -> Result<Vec<ExchangeRecord>, StoreError>;
    /// The chain's end: the last record's number and hash (0 and the genesis hash when empty).
    async fn exchange_head(&self) -> Result<(i64, String), StoreError>;
}
