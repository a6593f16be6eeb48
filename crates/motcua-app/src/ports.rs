//! Ports: what the use cases need from the outside world.

use async_trait::async_trait;
use motcua_domain::access::Role;
use motcua_domain::accounts::{LoginState, Username};
use motcua_domain::agency::Agency;
use motcua_domain::authority::AuthorityRule;
use motcua_domain::calendar::{HolidayYear, OfficeHours};
use motcua_domain::catalogue::Procedure;
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
    /// Page size (1–200).
    pub limit: u32,
    /// Offset.
    pub offset: u32,
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
    /// `due_before` only those whose clock runs (a paused or closed dossier is never overdue).
    /// The one place both stores take them from; empty means the list is empty.
    pub fn statuses(&self) -> Vec<Status> {
        Status::ALL
            .into_iter()
            .filter(|s| self.status.keeps(*s))
            .filter(|s| self.due_before.is_none() || s.is_open_with_clock())
            .collect()
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

/// The most codes one [`Store::dossiers`] call is given.
pub const DOSSIERS_PER_READ: usize = 1_000;

/// Everything the use cases need from a database. Implemented by `motcua-store-sqlite` (and the
/// PostgreSQL store); both must pass `motcua-store-tests`.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Replaces the unit catalogue (provinces, communes, mapping) atomically.
    async fn replace_units(&self, data: &UnitsData) -> Result<(), StoreError>;
    /// Loads the unit catalogue.
    async fn load_units(&self) -> Result<UnitsData, StoreError>;

    /// Inserts or updates agencies.
    async fn upsert_agencies(&self, agencies: &[Agency]) -> Result<(), StoreError>;
    /// One agency.
    async fn agency(&self, code: &AgencyCode) -> Result<Option<Agency>, StoreError>;
    /// Agencies of a commune (`unit`), or of a province when `unit` is a province's level.
    async fn agencies_of_unit(&self, unit: &UnitCode) -> Result<Vec<Agency>, StoreError>;
    /// Province-level agencies of a province.
    async fn agencies_of_province(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<Agency>, StoreError>;
    /// Every agency of a province, at every level (the authority registry's "is it registered").
    async fn agencies_in_province(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<Agency>, StoreError>;
    /// Number of agencies.
    async fn count_agencies(&self) -> Result<i64, StoreError>;

    /// Stores `p` as a new version (its `version` field is the new number, one more than the
    /// latest stored). Fails with `Duplicate` if that version exists (a concurrent edit).
    async fn insert_procedure_version(&self, p: &Procedure) -> Result<(), StoreError>;
    /// A procedure at a version, or its latest version.
    async fn procedure(
        &self,
        code: &ProcedureCode,
        version: Option<u32>,
    ) -> Result<Option<Procedure>, StoreError>;
    /// The latest version of every procedure.
    async fn current_procedures(&self) -> Result<Vec<Procedure>, StoreError>;

    /// Official holiday tables entered for a province.
    async fn holiday_years(&self, province: &ProvinceCode) -> Result<Vec<HolidayYear>, StoreError>;
    /// Saves (replaces) one year's official table for a province.
    async fn save_holiday_year(
        &self,
        province: &ProvinceCode,
        year: &HolidayYear,
    ) -> Result<(), StoreError>;
    /// Office hours set for a unit, if not the default.
    async fn office_hours(&self, unit: &UnitCode) -> Result<Option<OfficeHours>, StoreError>;
    /// Sets a unit's office hours.
    async fn set_office_hours(
        &self,
        unit: &UnitCode,
        province: &ProvinceCode,
        hours: &OfficeHours,
    ) -> Result<(), StoreError>;

    /// Allocates the next sequence number of each of `prefixes` (distinct) in one atomic write —
    /// a dossier's code and its receipt's number together cost one commit: numbers are never
    /// reused, and either all are taken or none. Returned in the order of `prefixes`.
    async fn next_code_sequences(
        &self,
        province: &ProvinceCode,
        prefixes: &[&str],
    ) -> Result<Vec<u64>, StoreError>;
    /// Allocates the next sequence number for one prefix (see [`Store::next_code_sequences`]).
    async fn next_code_sequence(
        &self,
        province: &ProvinceCode,
        prefix: &str,
    ) -> Result<u64, StoreError> {
        self.next_code_sequences(province, &[prefix])
            .await?
            .first()
            .copied()
            .ok_or_else(|| StoreError::Internal("no sequence number returned".into()))
    }
    /// Looks up an idempotency key.
    async fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError>;
    /// Inserts a new dossier with its first event (and idempotency record) in one transaction.
    /// `Duplicate` if the idempotency key or code already exists; nothing is written then.
    async fn insert_dossier(
        &self,
        d: &Dossier,
        first: &StoredEvent,
        idem: Option<&IdempotencyRecord>,
        documents: &[Issued],
    ) -> Result<(), StoreError>;
    /// Writes `after` and appends its event in one transaction, if the stored version is still
    /// `before.version`; else `Conflict` and nothing is written. The monthly counters move by
    /// `kpi::delta(before, after)` and the acting officer's by `kpi::officer_counts` in the same
    /// transaction (as `insert_dossier` adds `kpi::delta(None, d)`).
    async fn append_transition(
        &self,
        before: &Dossier,
        after: &Dossier,
        event: &StoredEvent,
        documents: &[Issued],
    ) -> Result<(), StoreError>;
    /// Stores a document issued outside a transition (a signed result, a digitised component).
    async fn add_document(&self, doc: &NewDocument) -> Result<(), StoreError>;
    /// Document jobs waiting, oldest first.
    async fn document_jobs(&self, limit: u32) -> Result<Vec<DocumentJob>, StoreError>;
    /// A dossier's document jobs waiting, oldest first.
    async fn dossier_document_jobs(&self, dossier_id: Uuid)
    -> Result<Vec<DocumentJob>, StoreError>;
    /// Finishes a job: stores the document (same id) and removes the job, in one transaction.
    /// `false` (and nothing written) when the job is no longer waiting (finished by another).
    async fn complete_document_job(&self, doc: &NewDocument) -> Result<bool, StoreError>;
    /// A dossier's documents, oldest first.
    async fn dossier_documents(&self, dossier_id: Uuid) -> Result<Vec<DocumentRecord>, StoreError>;
    /// A document by id.
    async fn document(&self, id: Uuid) -> Result<Option<DocumentRecord>, StoreError>;
    /// A document's bytes.
    async fn document_bytes(&self, id: Uuid) -> Result<Option<Vec<u8>>, StoreError>;
    /// Documents whose bytes have this SHA-256 (verification of an uploaded file).
    async fn documents_by_sha256(&self, sha256: &str) -> Result<Vec<DocumentRecord>, StoreError>;
    /// A dossier by code.
    async fn dossier(&self, code: &DossierCode) -> Result<Option<Dossier>, StoreError>;
    /// The dossiers with these codes, in one read, in no particular order; codes with no
    /// dossier are left out. At most [`DOSSIERS_PER_READ`] codes.
    async fn dossiers(&self, codes: &[DossierCode]) -> Result<Vec<Dossier>, StoreError>;
    /// A page of dossiers, ordered by due date (none last), then code, as a list shows them.
    async fn list_dossiers(&self, f: &DossierFilter) -> Result<Vec<DossierListing>, StoreError>;
    /// A page of one province's open dossiers for the escalation sweep ([`WatchPage`]).
    async fn watch_page(&self, q: &WatchPage) -> Result<Vec<Dossier>, StoreError>;
    /// Number of dossiers.
    async fn count_dossiers(&self) -> Result<i64, StoreError>;
    /// The events of a dossier in sequence order.
    async fn events(&self, dossier_id: Uuid) -> Result<Vec<StoredEvent>, StoreError>;
    /// A dossier by code with its events in sequence order. A store whose reads cross a network
    /// answers in one round trip (public tracking and a dossier's page read both, and they were
    /// two); the default reads one after the other.
    async fn dossier_with_events(
        &self,
        code: &DossierCode,
    ) -> Result<Option<(Dossier, Vec<StoredEvent>)>, StoreError> {
        let Some(d) = self.dossier(code).await? else {
            return Ok(None);
        };
        let events = self.events(d.id).await?;
        Ok(Some((d, events)))
    }
    /// Chain heads of all dossiers, for audit verification.
    async fn chain_heads(&self) -> Result<Vec<ChainHead>, StoreError>;
    /// Loads whole dossier histories at once (a migration from another system, the benchmark's
    /// data set) in one transaction, by the fastest path the database has (COPY on PostgreSQL,
    /// one prepared statement per table on SQLite), and raises the code sequences to at least
    /// the numbers given. Callers build the histories through the lifecycle and seal every
    /// event onto its chain; the store checks only its keys (`Duplicate`, nothing written).
    async fn bulk_load(&self, batch: &BulkBatch) -> Result<(), StoreError>;

    /// Dashboard counts for a province (all of it) or one agency (dossiers it receives, is
    /// competent for or holds), with "overdue" judged at `now` and days counted from `since`.
    async fn dossier_stats(
        &self,
        province: &ProvinceCode,
        agency: Option<&AgencyCode>,
        now: OffsetDateTime,
        since: OffsetDateTime,
    ) -> Result<DossierStats, StoreError>;

    /// Monthly counters (`kpi_monthly`) of a province in `[from_month, to_month]` (`YYYY-MM`),
    /// of the given competent agencies only when `agencies` is `Some`.
    async fn kpi_rows(&self, q: &KpiQuery) -> Result<Vec<KpiRow>, StoreError>;
    /// The counters of a query summed in the database by agency, procedure or month (the
    /// dashboards read a few hundred sums, not the province's tens of thousands of rows).
    async fn kpi_grouped(
        &self,
        q: &KpiQuery,
        by: KpiGroup,
    ) -> Result<Vec<(String, motcua_domain::kpi::Counts)>, StoreError>;
    /// The three sums at once — by agency, by procedure, by month — in that order (PostgreSQL
    /// reads the rows once, with grouping sets).
    async fn kpi_breakdown(
        &self,
        q: &KpiQuery,
    ) -> Result<[Vec<(String, motcua_domain::kpi::Counts)>; 3], StoreError> {
        Ok([
            self.kpi_grouped(q, KpiGroup::Agency).await?,
            self.kpi_grouped(q, KpiGroup::Procedure).await?,
            self.kpi_grouped(q, KpiGroup::Month).await?,
        ])
    }
    /// Open dossiers held by `agency` (received, processing, awaiting payment, supplement
    /// requested) by assigned handler (`None`: not assigned).
    async fn handler_load(
        &self,
        agency: &AgencyCode,
    ) -> Result<Vec<(Option<String>, i64)>, StoreError>;
    /// Dossiers filed per procedure code in every province from `from_month` (`YYYY-MM`) on:
    /// the popularity that search ranking uses.
    async fn procedure_popularity(
        &self,
        from_month: &str,
    ) -> Result<Vec<(String, i64)>, StoreError>;
    /// The sum of one counter over a query's rows (a backlog over every month, say).
    async fn kpi_sum(
        &self,
        q: &KpiQuery,
        measure: motcua_domain::kpi::Measure,
    ) -> Result<i64, StoreError>;
    /// Officers' monthly counters in `[from_month, to_month]`: of one agency, or of the whole
    /// province when `agency` is `None`.
    async fn officer_rows(
        &self,
        province: &ProvinceCode,
        agency: Option<&AgencyCode>,
        from_month: &str,
        to_month: &str,
    ) -> Result<Vec<OfficerRow>, StoreError>;
    /// The dossiers of a province submitted in `[from, to)`, oldest first, at most `limit`
    /// (analyses over a period: brokers, forbidden demands, staffing).
    async fn dossiers_submitted(
        &self,
        province: &ProvinceCode,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Dossier>, StoreError>;
    /// In-person intakes at the counters of a province in `[from, to)`: dossiers whose first
    /// event is a staff member's `receive` — (receiving agency, officer, time, procedure).
    async fn counter_intakes(
        &self,
        province: &ProvinceCode,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<(AgencyCode, String, OffsetDateTime, ProcedureCode)>, StoreError>;
    /// Enabled staff accounts (people, not service tokens) in a province, by agency and role.
    async fn staff_on_record(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<(AgencyCode, Role, i64)>, StoreError>;
    /// Records notices; one whose key exists is skipped. Returns how many were new.
    async fn insert_notices(&self, notices: &[Notice]) -> Result<u64, StoreError>;
    /// An agency's notices for a role, newest first, at most `limit`.
    async fn notices_for(
        &self,
        agency: &AgencyCode,
        role: Role,
        limit: u32,
    ) -> Result<Vec<Notice>, StoreError>;
    /// Recomputes a province's monthly counters from its dossiers (after a restore or an import
    /// that bypassed the writes), in one transaction; returns the number of rows written.
    async fn rebuild_kpis(&self, province: &ProvinceCode) -> Result<u64, StoreError>;
    /// Open dossiers (received, processing, awaiting payment) past their due date at `now`, by
    /// competent agency and procedure, of those submitted in `[from, to)`.
    async fn overdue_counts(
        &self,
        province: &ProvinceCode,
        from: OffsetDateTime,
        to: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Vec<(AgencyCode, ProcedureCode, i64)>, StoreError>;

    /// Inserts or replaces a draft.
    async fn save_draft(&self, d: &DraftRecord) -> Result<(), StoreError>;
    /// A draft by id.
    async fn draft(&self, id: Uuid) -> Result<Option<DraftRecord>, StoreError>;
    /// Stores an attachment and its bytes (bytes are kept once per SHA-256).
    async fn add_attachment(&self, a: &Attachment, bytes: &[u8]) -> Result<(), StoreError>;
    /// Removes an attachment from a draft (not from a dossier).
    async fn remove_draft_attachment(&self, draft_id: Uuid, id: Uuid) -> Result<bool, StoreError>;
    /// Attachments of a draft, oldest first.
    async fn draft_attachments(&self, draft_id: Uuid) -> Result<Vec<Attachment>, StoreError>;
    /// Attachments of a dossier, oldest first.
    async fn dossier_attachments(&self, dossier_id: Uuid) -> Result<Vec<Attachment>, StoreError>;
    /// The bytes of an attachment.
    async fn attachment_bytes(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Moves a draft's attachments to the dossier and deletes the draft, in one transaction.
    async fn link_draft(
        &self,
        draft_id: Uuid,
        dossier_id: Uuid,
        province: &ProvinceCode,
    ) -> Result<(), StoreError>;

    /// Stores a token (by the SHA-256 of its secret).
    async fn insert_token(&self, secret_hash: &str, t: &TokenRecord) -> Result<(), StoreError>;
    /// Finds a token by the SHA-256 of its secret (revoked and expired ones too).
    async fn token(&self, secret_hash: &str) -> Result<Option<TokenRecord>, StoreError>;
    /// Every token, newest first.
    async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError>;
    /// Marks a token revoked at `at`; false when there is no such token or it was revoked.
    async fn revoke_token(&self, id: Uuid, at: OffsetDateTime) -> Result<bool, StoreError>;
    /// Removes the drafts last changed before `before` with their files (and the bytes no other
    /// file shares); returns how many drafts and files went.
    async fn purge_drafts(&self, before: OffsetDateTime) -> Result<(u64, u64), StoreError>;

    /// Stores a new account (`Duplicate` when the user name is taken).
    async fn insert_user(&self, u: &UserRecord) -> Result<(), StoreError>;
    /// An account by user name.
    async fn user_by_name(&self, name: &Username) -> Result<Option<UserRecord>, StoreError>;
    /// An account by id.
    async fn user(&self, id: Uuid) -> Result<Option<UserRecord>, StoreError>;
    /// Accounts, by user name; of one province when given.
    async fn users(&self, province: Option<&ProvinceCode>) -> Result<Vec<UserRecord>, StoreError>;
    /// Records failed logins and lock.
    async fn set_login_state(&self, id: Uuid, state: &LoginState) -> Result<(), StoreError>;
    /// Sets a new password hash (and whether it must be changed at next login); clears the lock.
    async fn set_password(
        &self,
        id: Uuid,
        hash: &str,
        must_change: bool,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Disables or enables an account; false when there is none.
    async fn set_user_disabled(&self, id: Uuid, disabled: bool) -> Result<bool, StoreError>;
    /// Stores a session by the SHA-256 of its secret.
    async fn insert_session(&self, secret_hash: &str, s: &SessionRecord) -> Result<(), StoreError>;
    /// A session by the SHA-256 of its secret.
    async fn session(&self, secret_hash: &str) -> Result<Option<SessionRecord>, StoreError>;
    /// Records a request on a session.
    async fn touch_session(&self, secret_hash: &str, at: OffsetDateTime) -> Result<(), StoreError>;
    /// Ends a session.
    async fn delete_session(&self, secret_hash: &str) -> Result<(), StoreError>;
    /// Ends every session of an account (password change, disable); returns how many.
    async fn delete_user_sessions(&self, user_id: Uuid) -> Result<u64, StoreError>;
    /// Stores a citizen's session by the SHA-256 of its secret.
    async fn insert_citizen_session(
        &self,
        secret_hash: &str,
        s: &CitizenSessionRecord,
    ) -> Result<(), StoreError>;
    /// A citizen's session by the SHA-256 of its secret.
    async fn citizen_session(
        &self,
        secret_hash: &str,
    ) -> Result<Option<CitizenSessionRecord>, StoreError>;
    /// Records a request on a citizen's session.
    async fn touch_citizen_session(
        &self,
        secret_hash: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Ends a citizen's session.
    async fn delete_citizen_session(&self, secret_hash: &str) -> Result<(), StoreError>;
    /// The dossiers whose applicant has this identification number, newest first (indexed).
    async fn dossiers_of_applicant(
        &self,
        id_number: &CitizenId,
        limit: u32,
    ) -> Result<Vec<Dossier>, StoreError>;
    /// Appends to the security audit log.
    async fn insert_security_event(&self, e: &SecurityEvent) -> Result<(), StoreError>;
    /// The security audit log, newest first: of one province when given (events with no
    /// province only for the whole country), at most `limit`.
    async fn security_events(
        &self,
        province: Option<&ProvinceCode>,
        limit: u32,
    ) -> Result<Vec<SecurityEvent>, StoreError>;

    /// Adds a rule to a province's authority registry (`Duplicate` when its id is taken there).
    async fn insert_authority_rule(&self, rule: &AuthorityRule) -> Result<(), StoreError>;
    /// Replaces a stored rule by (province, id) — only to end it; false when there is none.
    async fn replace_authority_rule(&self, rule: &AuthorityRule) -> Result<bool, StoreError>;
    /// A province's rules, every date, by id.
    async fn authority_rules(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<AuthorityRule>, StoreError>;

    /// Stores a linked application with its idempotency record, if any, in one transaction
    /// (`Duplicate` when its code, id or key is taken; then nothing is written). Never updated.
    async fn insert_linked(
        &self,
        a: &LinkedApplication,
        idem: Option<&IdempotencyRecord>,
    ) -> Result<(), StoreError>;
    /// The idempotency record of a linked application filed with `key` (its code in
    /// `dossier_code`).
    async fn linked_idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError>;
    /// A linked application by its tracking code.
    async fn linked(&self, code: &DossierCode) -> Result<Option<LinkedApplication>, StoreError>;
    /// Linked applications filed at or after `since`, oldest first (the sweep that starts steps
    /// whose prerequisites finished).
    async fn linked_since(
        &self,
        since: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<LinkedApplication>, StoreError>;
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
