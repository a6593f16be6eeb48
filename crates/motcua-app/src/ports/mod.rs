//! Ports: what the use cases need from the outside world.

use async_trait::async_trait;
use motcua_domain::access::Role;
use motcua_domain::accounts::{LoginState, Username};
use motcua_domain::agency::Agency;
use motcua_domain::authority::AuthorityRule;
use motcua_domain::calendar::{HolidayYear, OfficeHours};
use motcua_domain::catalogue::Procedure;
use motcua_domain::dossier::search::{SearchQuery, SearchScope};
use motcua_domain::dossier::{Dossier, DossierListing, Status};
use motcua_domain::ids::{
    AgencyCode, CitizenId, DossierCode, ProcedureCode, ProvinceCode, UnitCode,
};
use motcua_domain::linked::LinkedApplication;
use motcua_domain::units::UnitsData;
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

/// A store failure. `Conflict` and `Duplicate` are expected outcomes the use cases handle; the
/// rest are internal errors.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    /// The dossier's version was not the one expected (someone acted first).
    #[error("version conflict")]
    Conflict,
    /// A unique key already exists (idempotency key, dossier code).
    #[error("duplicate key: {0}")]
    Duplicate(String),
    /// The database cannot be reached or is overloaded (connection lost, pool exhausted,
    /// statement timeout). Nothing was written; the request may be retried.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Anything else (I/O, corruption, …); details for the log only.
    #[error("store error: {0}")]
    Internal(String),
}

/// One stored dossier event (a row of the append-only, hash-chained log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoredEvent {
    /// Event id (UUIDv7).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: Uuid,
    /// Dossier id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub dossier_id: Uuid,
    /// Province (tenant key).
    pub province_code: ProvinceCode,
    /// 1-based sequence within the dossier (= dossier version after the event).
    pub seq: i64,
    /// Action name.
    pub action: String,
    /// Status after the action.
    pub status: String,
    /// Who acted (token id, `applicant`, `system`).
    pub actor: String,
    /// For which agency (empty for the applicant).
    pub agency: String,
    /// When, truncated to seconds.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    /// Payload JSON text, exactly as hashed.
    pub payload: String,
    /// Previous event's hash.
    pub prev_hash: String,
    /// This event's hash.
    pub hash: String,
}

/// The chain head recorded on a dossier row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    /// Dossier id.
    pub dossier_id: Uuid,
    /// Dossier code.
    pub code: DossierCode,
    /// Version (= number of events).
    pub version: i64,
    /// Hash of the last event.
    pub last_event_hash: String,
    /// The row's own columns that the queries filter on — status, competent and current
    /// agency — as stored beside the dossier's JSON (audit verify checks they agree).
    pub columns: [String; 3],
}

/// Filters for dossier lists.
#[derive(Debug, Clone, Default)]
pub struct DossierFilter {
    /// Only this province.
    pub province: Option<ProvinceCode>,
    /// Dossiers this agency receives, is competent for, or holds.
    pub agency: Option<AgencyCode>,
    /// Which statuses.
    pub status: StatusFilter,
    /// Only open dossiers due before this instant (overdue when it is "now").
    pub due_before: Option<OffsetDateTime>,
    /// Only dossiers due at or after this instant.
    pub due_after: Option<OffsetDateTime>,
    /// Only this procedure.
    pub procedure: Option<ProcedureCode>,
    /// Only dossiers the query finds (code, receipt number, identity number, phone, name).
    pub search: Option<SearchQuery>,
    /// Whose dossiers.
    pub handler: HandlerFilter,
    /// Only dossiers whose draft waits for this account's approval.
    pub approver: Option<Uuid>,
    /// The order.
    pub order: ListOrder,
    /// Page size (1–200).
    pub limit: u32,
    /// Offset.
    pub offset: u32,
}

/// Whose dossiers a list keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HandlerFilter {
    /// Anyone's, and nobody's.
    #[default]
    Any,
    /// Those assigned to this account.
    Is(Uuid),
    /// Those the agency holds (received or in processing) that nobody was given yet.
    Unassigned,
}

/// The order of a dossier list; the dossier's code breaks ties.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListOrder {
    /// Due date, soonest first, none last (the desk's order: what is late comes first).
    #[default]
    Due,
    /// Newest filed first.
    Newest,
    /// Procedure code.
    Procedure,
    /// Status, in national-code order.
    Status,
}

impl ListOrder {
    /// Every order.
    pub const ALL: [ListOrder; 4] = [
        ListOrder::Due,
        ListOrder::Newest,
        ListOrder::Procedure,
        ListOrder::Status,
    ];

    /// Its name in a query string.
    pub fn as_str(self) -> &'static str {
        match self {
            ListOrder::Due => "due",
            ListOrder::Newest => "newest",
            ListOrder::Procedure => "procedure",
            ListOrder::Status => "status",
        }
    }

    /// Parses a query's `sort`.
    pub fn parse(s: &str) -> Option<ListOrder> {
        ListOrder::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// The counts on an inbox's tabs (open dossiers of one scope, as [`DossierFilter`] scopes them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InboxCounts {
    /// Open dossiers (not closed).
    pub open: i64,
    /// Open dossiers assigned to the account.
    pub mine: i64,
    /// Received or in processing at the agency, nobody given them yet.
    pub unassigned: i64,
    /// Clock running, due from now to the end of the day.
    pub due_today: i64,
    /// Clock running, due before now.
    pub overdue: i64,
    /// Drafts waiting for the account's approval.
    pub approval: i64,
}

/// One handler's open dossiers ([`MonitoringStore::handler_load`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerLoad {
    /// The account (none for assignments by name from before accounts were picked).
    pub id: Option<Uuid>,
    /// The name as recorded on the dossier.
    pub name: Option<String>,
    /// Open dossiers.
    pub open: i64,
}

/// What [`DossierStore::inbox_counts`] counts.
#[derive(Debug, Clone)]
pub struct InboxCountQuery {
    /// The scope: an agency's dossiers, else a province's, else all.
    pub agency: Option<AgencyCode>,
    /// The province (when no agency).
    pub province: Option<ProvinceCode>,
    /// The account whose "mine" and "approval" are counted.
    pub me: Uuid,
    /// Now (overdue before it).
    pub now: OffsetDateTime,
    /// The end of today (due today before it).
    pub day_end: OffsetDateTime,
}

/// The search terms a name query looks for in a filter's scope (the store matches each as the
/// beginning of a stored term: [`motcua_domain::dossier::search`]).
pub fn name_query_terms(f: &DossierFilter, words: &[String]) -> Vec<String> {
    search_scope(f.agency.as_ref(), f.province.as_ref()).terms(words)
}

/// The scope a list is read in: its agency, else its province, else everything.
pub fn search_scope(agency: Option<&AgencyCode>, province: Option<&ProvinceCode>) -> SearchScope {
    match (agency, province) {
        (Some(a), _) => SearchScope::Agency(a.clone()),
        (None, Some(p)) => SearchScope::Province(p.clone()),
        (None, None) => SearchScope::All,
    }
}

/// Which statuses a dossier list keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StatusFilter {
    /// Every status.
    #[default]
    Any,
    /// Only this one.
    Is(Status),
    /// Only dossiers not closed (`Status::is_closed`): the work still in the agencies' hands,
    /// `finished` included (its result is still to be returned). The staff inbox's default.
    Open,
}

impl StatusFilter {
    /// Parses a query's `status`: a status's snake_case name, or `open`; `None` when unknown.
    pub fn parse(s: &str) -> Option<StatusFilter> {
        match s {
            "open" => Some(StatusFilter::Open),
            _ => Status::parse(s).map(StatusFilter::Is),
        }
    }

    /// Whether a dossier in `status` is kept.
    pub fn keeps(self, status: Status) -> bool {
        match self {
            StatusFilter::Any => true,
            StatusFilter::Is(s) => s == status,
            StatusFilter::Open => !status.is_closed(),
        }
    }
}

impl DossierFilter {
    /// The statuses a list keeps, in national-code order: the status filter's, and with
    /// `due_before` only those whose clock runs (a paused or closed dossier is never overdue),
    /// with `handler` only open ones (received or processing for the unassigned), with
    /// `approver` only processing. The one place both stores take them from; empty means the
    /// list is empty.
    pub fn statuses(&self) -> Vec<Status> {
        Status::ALL
            .into_iter()
            .filter(|s| self.status.keeps(*s))
            .filter(|s| self.due_before.is_none() || s.is_open_with_clock())
            .filter(|s| match self.handler {
                HandlerFilter::Any => true,
                HandlerFilter::Is(_) => !s.is_closed(),
                HandlerFilter::Unassigned => matches!(s, Status::Received | Status::Processing),
            })
            .filter(|s| self.approver.is_none() || *s == Status::Processing)
            .collect()
    }

    /// True when the list is the plain desk (scope, statuses, due dates, procedure, in due
    /// order): the stores' fastest path serves it.
    pub fn is_plain(&self) -> bool {
        self.search.is_none()
            && self.handler == HandlerFilter::Any
            && self.approver.is_none()
            && self.order == ListOrder::Due
    }
}

/// Which open dossiers (received, processing, awaiting payment) of one province the
/// escalation sweep reads, a page at a time, by keyset — never by offset, never sorting more
/// than the province's share (`motcua_app::escalation`).
#[derive(Debug, Clone)]
pub struct WatchPage {
    /// The province.
    pub province: ProvinceCode,
    /// Which of its open dossiers.
    pub scope: WatchScope,
    /// The last dossier of the previous page (none: the first page).
    pub after: Option<WatchCursor>,
    /// Page size.
    pub limit: u32,
}

/// The open dossiers a [`WatchPage`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchScope {
    /// Due in `[from, to)`, in (due date, code) order.
    DueBetween {
        /// First due date included.
        from: OffsetDateTime,
        /// First due date excluded.
        to: OffsetDateTime,
    },
    /// In this status (an open one), whatever the due date, in code order.
    InStatus(Status),
}

/// Where a page ends: its last dossier's due date (for [`WatchScope::DueBetween`]) and code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchCursor {
    /// Due date of the last dossier read.
    pub due_at: Option<OffsetDateTime>,
    /// Code of the last dossier read.
    pub code: DossierCode,
}

impl WatchCursor {
    /// The cursor after `d`.
    pub fn after(d: &Dossier) -> Self {
        Self {
            due_at: d.due_at,
            code: d.code.clone(),
        }
    }
}

/// An API token's stored form (the secret itself is never stored, only its SHA-256).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Token id (shown in logs and events as the actor).
    pub id: Uuid,
    /// The agency it is scoped to.
    pub agency: AgencyCode,
    /// Its role.
    pub role: Role,
    /// Free label.
    pub label: String,
    /// When created.
    pub created_at: OffsetDateTime,
    /// When it stops working (issue #29: a token is never forever).
    pub expires_at: Option<OffsetDateTime>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<OffsetDateTime>,
}

impl TokenRecord {
    /// Whether it authenticates at `now`: not revoked, not expired.
    pub fn valid_at(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| now < e)
    }
}

/// A staff account as stored (the password only as its Argon2id PHC string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// Account id (recorded as the actor of its actions: `user:<id>`).
    pub id: Uuid,
    /// Login name.
    pub username: Username,
    /// The officer's name as printed on forms.
    pub display_name: String,
    /// Home agency.
    pub agency: AgencyCode,
    /// Role (its jurisdiction follows from the role and the home agency).
    pub role: Role,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Set by a reset: the next login must choose a new password.
    pub must_change_password: bool,
    /// Disabled accounts cannot log in and their sessions are gone.
    pub disabled: bool,
    /// Failed logins and lock.
    pub login: LoginState,
    /// When the password was last set.
    pub password_changed_at: OffsetDateTime,
    /// When created.
    pub created_at: OffsetDateTime,
}

/// A staff session as stored (keyed by the SHA-256 of its secret; the secret is only in the
/// browser's cookie).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The account.
    pub user_id: Uuid,
    /// Login time (the absolute timeout counts from it).
    pub created_at: OffsetDateTime,
    /// Last request (the idle timeout counts from it; written at most once a minute).
    pub last_seen_at: OffsetDateTime,
    /// The client address at login.
    pub ip: String,
}

/// A citizen's session (signed in through the national identity provider), keyed by the SHA-256
/// of its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitizenSessionRecord {
    /// The provider's subject identifier.
    pub subject: String,
    /// The citizen's personal identification number (CCCD), as the provider vouches.
    pub id_number: CitizenId,
    /// The name the provider gives.
    pub name: String,
    /// Login time.
    pub created_at: OffsetDateTime,
    /// Last request (written at most once a minute).
    pub last_seen_at: OffsetDateTime,
}

/// One entry of the security audit log: logins, failures, lock-outs, password changes,
/// account changes, permission denials and data exports. Append-only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityEvent {
    /// Event id (UUIDv7).
    pub id: Uuid,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    /// What: `login`, `login_failed`, `locked`, `logout`, `password_changed`, `password_reset`,
    /// `user_created`, `user_disabled`, `user_enabled`, `permission_denied`, `export`.
    pub kind: String,
    /// Who acted (`user:<id>`, `token:<id>`, `applicant`, `cli`), or the name tried.
    pub actor: String,
    /// The province concerned, when known.
    pub province: Option<String>,
    /// What it was about (a user name, a path, an export's name).
    pub subject: String,
    /// Client address.
    pub ip: String,
    /// Further detail (never a secret).
    pub detail: String,
}

/// An idempotency record: the key, the hash of the request it was first used with, and the
/// dossier that request created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    /// The client's key.
    pub key: String,
    /// SHA-256 of the canonical request.
    pub request_hash: String,
    /// The dossier created.
    pub dossier_code: DossierCode,
}

/// An online application in progress (the wizard's answers as JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct DraftRecord {
    /// Draft id (random; the applicant's browser holds it in a cookie).
    pub id: Uuid,
    /// Province of the chosen receiving point (`00` until one is chosen).
    pub province_code: ProvinceCode,
    /// The procedure applied for.
    pub procedure: ProcedureCode,
    /// The answers so far.
    pub data: serde_json::Value,
    /// When started.
    pub created_at: OffsetDateTime,
    /// When last changed.
    pub updated_at: OffsetDateTime,
}

/// A file uploaded for a component, first to a draft, then linked to the dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    /// Attachment id.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: Uuid,
    /// Province (tenant key).
    pub province_code: ProvinceCode,
    /// The draft it was uploaded to.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub draft_id: Option<Uuid>,
    /// The dossier it belongs to once submitted.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub dossier_id: Option<Uuid>,
    /// Component code of the procedure case.
    pub component_code: String,
    /// Cleaned file name.
    pub file_name: String,
    /// MIME type judged from the bytes.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the bytes (hex).
    pub sha256: String,
    /// When uploaded.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: OffsetDateTime,
}

/// An issued document: a form, a signed result or a digitised component, stored with its
/// dossier. The bytes are stored beside it and never change (a re-issue is a new document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentRecord {
    /// Public id (in the QR code's verification link).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: Uuid,
    /// Province (partition key).
    pub province_code: ProvinceCode,
    /// The dossier.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub dossier_id: Uuid,
    /// The dossier's code.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub dossier_code: DossierCode,
    /// `form01` … `form06`, `result` or `scan`.
    pub kind: String,
    /// Document number (`Số`), for numbered forms.
    pub number: Option<String>,
    /// Title in Vietnamese.
    pub title: String,
    /// File name offered on download.
    pub file_name: String,
    /// SHA-256 of the stored bytes.
    pub sha256: String,
    /// Size in bytes.
    pub size: i64,
    /// The agency whose certificate signed it; `None` when issued unsigned.
    pub signed_by: Option<AgencyCode>,
    /// The signer as the certificate names it.
    pub signer_name: Option<String>,
    /// Who issued it (the actor recorded in events, e.g. `token:<id>`).
    pub actor: String,
    /// The event (sequence number) that issued it.
    pub event_seq: Option<i64>,
    /// When issued.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: OffsetDateTime,
}

/// A document with its bytes, to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocument {
    /// The record.
    pub record: DocumentRecord,
    /// The PDF.
    pub bytes: Vec<u8>,
}

/// Dossiers with their complete event logs, and the code sequences they used.
#[derive(Debug, Clone, Default)]
pub struct BulkBatch {
    /// Each dossier (current state) with its events in sequence order.
    pub dossiers: Vec<(Dossier, Vec<StoredEvent>)>,
    /// (province, code prefix, highest sequence number used).
    pub sequences: Vec<(ProvinceCode, String, u64)>,
}

/// A form an action issued whose bytes are made after the transition commits: its identity,
/// number, issuer and date are fixed in the transition's transaction; a worker (or the first
/// reader) renders and signs it from the dossier as the action left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentJob {
    /// The document's id once issued (printed in its QR link).
    pub id: Uuid,
    /// Province (partition key).
    pub province_code: ProvinceCode,
    /// The dossier.
    pub dossier_id: Uuid,
    /// The dossier's code.
    pub dossier_code: DossierCode,
    /// `form01` … `form06`.
    pub kind: String,
    /// Document number, for numbered forms.
    pub number: Option<String>,
    /// The issuing agency.
    pub issuer: AgencyCode,
    /// Who acted (the event's actor).
    pub actor: String,
    /// The officer's name printed on the form.
    pub officer: Option<String>,
    /// The event that issued it.
    pub event_seq: i64,
    /// When issued (the date printed on the form).
    pub issued_at: OffsetDateTime,
    /// The dossier after the action, as JSON.
    pub dossier: String,
}

/// What a transition issues with it: a finished document, or a job to finish it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Issued {
    /// Rendered and signed already.
    Document(NewDocument),
    /// To be rendered and signed after commit.
    Deferred(DocumentJob),
}

/// Counts for a dashboard scope (a province, or one agency's dossiers).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DossierStats {
    /// Dossiers per status.
    pub by_status: Vec<(String, i64)>,
    /// Per receiving agency: (agency, received, finished or returned, on time or early, overdue now).
    pub by_agency: Vec<(String, i64, i64, i64, i64)>,
    /// Dossiers submitted per day (Vietnam date, `YYYY-MM-DD`) in the window asked for.
    pub per_day: Vec<(String, i64)>,
    /// Finished dossiers classified on time or early.
    pub on_time: i64,
    /// Finished dossiers classified late.
    pub late: i64,
    /// Open dossiers past their due date.
    pub overdue: i64,
}

/// Which monthly counters to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiQuery {
    /// The province.
    pub province: ProvinceCode,
    /// Only these competent agencies (`None`: the whole province).
    pub agencies: Option<Vec<AgencyCode>>,
    /// First month, `YYYY-MM`.
    pub from_month: String,
    /// Last month, `YYYY-MM` (inclusive).
    pub to_month: String,
}

/// How to sum the monthly counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KpiGroup {
    /// By competent agency.
    Agency,
    /// By procedure.
    Procedure,
    /// By month.
    Month,
}

impl KpiGroup {
    /// The store's column.
    pub fn column(self) -> &'static str {
        match self {
            KpiGroup::Agency => "agency",
            KpiGroup::Procedure => "procedure_code",
            KpiGroup::Month => "month",
        }
    }
}

/// One row of the monthly counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiRow {
    /// Competent agency.
    pub agency: AgencyCode,
    /// Month submitted, `YYYY-MM`.
    pub month: String,
    /// Procedure.
    pub procedure: ProcedureCode,
    /// The counters.
    pub counts: motcua_domain::kpi::Counts,
}

/// One officer's counters for a month and procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficerRow {
    /// The actor id (`token:…`).
    pub officer: String,
    /// The officer's name (the token's label), when the token is on record.
    pub label: Option<String>,
    /// The agency the officer acted for.
    pub agency: String,
    /// Month of the actions, `YYYY-MM`.
    pub month: String,
    /// The dossiers' procedure.
    pub procedure: ProcedureCode,
    /// The counters.
    pub counts: motcua_domain::kpi::OfficerCounts,
}

/// A notice of an escalation rule for the agency holding a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notice {
    /// Rule, dossier and clock: the same notice is never made twice.
    pub key: String,
    /// Province.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub province_code: ProvinceCode,
    /// The dossier.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub dossier_code: DossierCode,
    /// The rule.
    pub rule_id: String,
    /// Notify, or escalate to the leader.
    pub action: motcua_domain::escalation::RuleAction,
    /// The agency holding the dossier when the rule fired.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub agency: AgencyCode,
    /// Who is told.
    pub roles: Vec<Role>,
    /// The words.
    pub message: String,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: OffsetDateTime,
}

mod authority;
mod documents;
mod dossiers;
mod exchange;
mod identity;
mod linked;
mod monitoring;
mod reference;
pub use exchange::{
    DVCQG, ExchangeRecord, ExchangeStore, NewExchangeRecord, OperatorDecision, OutboxClaim,
    OutboxMessage, OutboxState, OutboxStatus, Settlement, seal_exchange_record,
};
pub use {
    authority::AuthorityStore, documents::DocumentStore, dossiers::DossierStore,
    identity::IdentityStore, linked::LinkedStore, monitoring::MonitoringStore,
    reference::ReferenceStore,
};

/// The store's roles, to bring their methods into scope: `use motcua_app::ports::roles::*`.
pub mod roles {
    pub use super::{
        AuthorityStore, DocumentStore, DossierStore, ExchangeStore, IdentityStore, LinkedStore,
        MonitoringStore, ReferenceStore,
    };
}

/// The most codes one [`DossierStore::dossiers`] call is given.
pub const DOSSIERS_PER_READ: usize = 1_000;

/// Everything the use cases need from a database: the sum of its roles, each a trait of its own
/// module ([`ReferenceStore`], [`DossierStore`], [`DocumentStore`], [`IdentityStore`],
/// [`MonitoringStore`], [`AuthorityStore`], [`LinkedStore`], [`ExchangeStore`]). Implemented by
/// `motcua-store-sqlite` and `motcua-store-postgres`, one file per role; both must pass
/// `motcua-store-tests`, whose files follow the same roles. Adding a store method touches one
/// role trait, its two implementations and one suite file (CONTRIBUTING.md).
///
/// Callers bring the roles' methods into scope with `use motcua_app::ports::roles::*`.
pub trait Store:
    ReferenceStore
    + DossierStore
    + DocumentStore
    + IdentityStore
    + MonitoringStore
    + AuthorityStore
    + LinkedStore
    + ExchangeStore
{
}

impl<T> Store for T where
    T: ReferenceStore
        + DossierStore
        + DocumentStore
        + IdentityStore
        + MonitoringStore
        + AuthorityStore
        + LinkedStore
        + ExchangeStore
{
}

/// The clock, so that use cases and tests control "now".
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> OffsetDateTime;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A settable clock for tests and for generating demo histories.
#[derive(Debug)]
pub struct FixedClock(std::sync::Mutex<OffsetDateTime>);

impl FixedClock {
    /// A clock stopped at `t`.
    pub fn new(t: OffsetDateTime) -> Self {
        Self(std::sync::Mutex::new(t))
    }

    /// Moves the clock to `t`.
    pub fn set(&self, t: OffsetDateTime) {
        *self.0.lock().expect("clock lock") = t;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().expect("clock lock")
    }
}

#[cfg(test)]
mod tests {
    use super::{DossierFilter, StatusFilter};
    use motcua_domain::dossier::Status;
    use time::macros::datetime;

    #[test]
    fn status_filters_parse_and_keep() {
        for (text, want) in [
            ("open", Some(StatusFilter::Open)),
            ("processing", Some(StatusFilter::Is(Status::Processing))),
            ("returned", Some(StatusFilter::Is(Status::Returned))),
            ("all", None),
            ("", None),
            ("OPEN", None),
            ("processing'--", None),
        ] {
            assert_eq!(StatusFilter::parse(text), want, "{text:?}");
        }
        use Status::*;
        let kept = |f: StatusFilter, due: bool| {
            DossierFilter {
                status: f,
                due_before: due.then_some(datetime!(2025-03-03 08:00 +7)),
                ..Default::default()
            }
            .statuses()
        };
        assert_eq!(kept(StatusFilter::Any, false), Status::ALL);
        assert_eq!(
            kept(StatusFilter::Open, false),
            [
                Submitted,
                Received,
                Processing,
                SupplementRequested,
                AwaitingPayment,
                Finished
            ]
        );
        assert_eq!(kept(StatusFilter::Is(Stopped), false), [Stopped]);
        // Overdue: only the statuses whose clock runs, whatever else is asked.
        assert_eq!(
            kept(StatusFilter::Any, true),
            [Received, Processing, AwaitingPayment]
        );
        assert_eq!(
            kept(StatusFilter::Open, true),
            [Received, Processing, AwaitingPayment]
        );
        assert_eq!(kept(StatusFilter::Is(Processing), true), [Processing]);
        assert!(kept(StatusFilter::Is(Stopped), true).is_empty());
        assert!(kept(StatusFilter::Is(SupplementRequested), true).is_empty());
    }
}
