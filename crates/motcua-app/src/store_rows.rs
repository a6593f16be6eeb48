//! Rows decoded once for both stores. A backend says how it reads one column as text, a number,
//! a flag, an id or a time ([`Columns`], a few lines over its own row type: SQLite keeps ids and
//! times as text, PostgreSQL as `uuid` and `timestamptz`); what a row means — which column is
//! which field, what a stored value may be — is written here, once. Every read returns an error
//! rather than panicking on a damaged row.
//!
//! The column lists (`*_COLS`) are the `SELECT` lists these decoders expect; the SQL around them is
//! each backend's own.

use crate::StoreError;
use crate::ports::{
    Attachment, CitizenSessionRecord, DocumentJob, DocumentRecord, SecurityEvent, SessionRecord,
    StoredEvent, TokenRecord, UserRecord,
};
use crate::store_support::{enum_parse, parse};
use motcua_domain::access::Role;
use motcua_domain::accounts::{LoginState, Username};
use motcua_domain::agency::Agency;
use motcua_domain::units::{Commune, MappingRow, Province};
use time::OffsetDateTime;
use uuid::Uuid;

/// How a backend reads one column of a row.
pub trait Columns {
    /// A text column.
    fn text(&self, col: &str) -> Result<String, StoreError>;
    /// A text column that may be NULL.
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError>;
    /// An integer column of any width.
    fn int(&self, col: &str) -> Result<i64, StoreError>;
    /// An integer column of any width that may be NULL.
    fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError>;
    /// A boolean column.
    fn flag(&self, col: &str) -> Result<bool, StoreError>;
    /// An id column.
    fn id(&self, col: &str) -> Result<Uuid, StoreError>;
    /// An id column that may be NULL.
    fn opt_id(&self, col: &str) -> Result<Option<Uuid>, StoreError>;
    /// A time column.
    fn time(&self, col: &str) -> Result<OffsetDateTime, StoreError>;
    /// A time column that may be NULL.
    fn opt_time(&self, col: &str) -> Result<Option<OffsetDateTime>, StoreError>;

    /// A text column parsed as `T` (codes, names).
    fn parsed<T: std::str::FromStr>(&self, col: &str) -> Result<T, StoreError>
    where
        T::Err: std::fmt::Display,
    {
        parse(&self.text(col)?)
    }

    /// A text column that may be NULL, parsed as `T`.
    fn opt_parsed<T: std::str::FromStr>(&self, col: &str) -> Result<Option<T>, StoreError>
    where
        T::Err: std::fmt::Display,
    {
        self.opt_text(col)?.as_deref().map(parse).transpose()
    }
}

/// A column that could not be read as the decoder expects.
pub fn column_err(col: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("column {col}: {e}"))
}

fn role(r: &impl Columns) -> Result<Role, StoreError> {
    let s = r.text("role")?;
    Role::parse(&s).ok_or_else(|| StoreError::Internal(format!("stored role {s:?}")))
}

/// The columns [`agency`] reads.
pub const AGENCY_COLS: &str = "code, name, kind, level, province_code, unit_code, contact";

/// An agency.
pub fn agency(r: &impl Columns) -> Result<Agency, StoreError> {
    Ok(Agency {
        code: r.parsed("code")?,
        name: r.text("name")?,
        kind: enum_parse(&r.text("kind")?)?,
        level: enum_parse(&r.text("level")?)?,
        province_code: r.parsed("province_code")?,
        unit_code: r.opt_parsed("unit_code")?,
        contact: r
            .opt_text("contact")?
            .map(|t| serde_json::from_str::<motcua_domain::agency::AgencyContact>(&t))
            .transpose()
            .map_err(|e| StoreError::Internal(format!("agency contact: {e}")))?
            // A cleared contact is stored empty (so `init` does not bring an old one back).
            .filter(|c| *c != motcua_domain::agency::AgencyContact::default()),
    })
}

/// The columns [`event`] reads.
pub const EVENT_COLS: &str = "id, dossier_id, province_code, seq, action, status, actor, agency, at, payload, prev_hash, hash";

/// A dossier's event.
pub fn event(r: &impl Columns) -> Result<StoredEvent, StoreError> {
    Ok(StoredEvent {
        id: r.id("id")?,
        dossier_id: r.id("dossier_id")?,
        province_code: r.parsed("province_code")?,
        seq: r.int("seq")?,
        action: r.text("action")?,
        status: r.text("status")?,
        actor: r.text("actor")?,
        agency: r.text("agency")?,
        at: r.time("at")?,
        payload: r.text("payload")?,
        prev_hash: r.text("prev_hash")?,
        hash: r.text("hash")?,
    })
}

/// The columns [`token`] reads.
pub const TOKEN_COLS: &str = "id, agency_code, role, label, created_at, expires_at, revoked_at";

/// A service token (never its secret).
pub fn token(r: &impl Columns) -> Result<TokenRecord, StoreError> {
    Ok(TokenRecord {
        id: r.id("id")?,
        agency: r.parsed("agency_code")?,
        role: role(r)?,
        label: r.text("label")?,
        created_at: r.time("created_at")?,
        expires_at: r.opt_time("expires_at")?,
        revoked_at: r.opt_time("revoked_at")?,
    })
}

/// The columns [`attachment`] reads.
pub const ATTACHMENT_COLS: &str = "id, province_code, draft_id, dossier_id, component_code, file_name, content_type, size, sha256, created_at";

/// A file of a draft or a dossier (not its bytes).
pub fn attachment(r: &impl Columns) -> Result<Attachment, StoreError> {
    Ok(Attachment {
        id: r.id("id")?,
        province_code: r.parsed("province_code")?,
        draft_id: r.opt_id("draft_id")?,
        dossier_id: r.opt_id("dossier_id")?,
        component_code: r.text("component_code")?,
        file_name: r.text("file_name")?,
        content_type: r.text("content_type")?,
        size: r.int("size")?,
        sha256: r.text("sha256")?,
        created_at: r.time("created_at")?,
    })
}

/// The columns [`document`] reads.
pub const DOCUMENT_COLS: &str = "id, province_code, dossier_id, dossier_code, kind, number, title, file_name, sha256, size, signed_by, signer_name, actor, event_seq, created_at";

/// An issued document (not its bytes).
pub fn document(r: &impl Columns) -> Result<DocumentRecord, StoreError> {
    Ok(DocumentRecord {
        id: r.id("id")?,
        province_code: r.parsed("province_code")?,
        dossier_id: r.id("dossier_id")?,
        dossier_code: r.parsed("dossier_code")?,
        kind: r.text("kind")?,
        number: r.opt_text("number")?,
        title: r.text("title")?,
        file_name: r.text("file_name")?,
        sha256: r.text("sha256")?,
        size: r.int("size")?,
        signed_by: r.opt_parsed("signed_by")?,
        signer_name: r.opt_text("signer_name")?,
        actor: r.text("actor")?,
        event_seq: r.opt_int("event_seq")?,
        created_at: r.time("created_at")?,
    })
}

/// The columns [`job`] reads.
pub const JOB_COLS: &str = "id, province_code, dossier_id, dossier_code, kind, number, issuer, actor, officer, event_seq, issued_at, dossier";

/// A deferred document's job.
pub fn job(r: &impl Columns) -> Result<DocumentJob, StoreError> {
    Ok(DocumentJob {
        id: r.id("id")?,
        province_code: r.parsed("province_code")?,
        dossier_id: r.id("dossier_id")?,
        dossier_code: r.parsed("dossier_code")?,
        kind: r.text("kind")?,
        number: r.opt_text("number")?,
        issuer: r.parsed("issuer")?,
        actor: r.text("actor")?,
        officer: r.opt_text("officer")?,
        event_seq: r.int("event_seq")?,
        issued_at: r.time("issued_at")?,
        dossier: r.text("dossier")?,
    })
}

/// `SELECT … FROM staff_users`: the columns [`user`] reads.
pub const USER_SELECT: &str = "SELECT id, username, display_name, agency_code, role, password_hash,
    must_change_password, disabled, failed_logins, locked_until, password_changed_at, created_at
    FROM staff_users";

/// A staff account.
pub fn user(r: &impl Columns) -> Result<UserRecord, StoreError> {
    let username = r.text("username")?;
    Ok(UserRecord {
        id: r.id("id")?,
        username: Username::parse(&username)
            .map_err(|e| StoreError::Internal(format!("stored user name: {e}")))?,
        display_name: r.text("display_name")?,
        agency: r.parsed("agency_code")?,
        role: role(r)?,
        password_hash: r.text("password_hash")?,
        must_change_password: r.flag("must_change_password")?,
        disabled: r.flag("disabled")?,
        login: LoginState {
            failures: u32::try_from(r.int("failed_logins")?).unwrap_or(0),
            locked_until: r.opt_time("locked_until")?,
        },
        password_changed_at: r.time("password_changed_at")?,
        created_at: r.time("created_at")?,
    })
}

/// A staff session (`user_id, created_at, last_seen_at, ip`; never its secret).
pub fn session(r: &impl Columns) -> Result<SessionRecord, StoreError> {
    Ok(SessionRecord {
        user_id: r.id("user_id")?,
        created_at: r.time("created_at")?,
        last_seen_at: r.time("last_seen_at")?,
        ip: r.text("ip")?,
    })
}

/// A citizen's session (`subject, id_number, name, created_at, last_seen_at`).
pub fn citizen_session(r: &impl Columns) -> Result<CitizenSessionRecord, StoreError> {
    Ok(CitizenSessionRecord {
        subject: r.text("subject")?,
        id_number: r.parsed("id_number")?,
        name: r.text("name")?,
        created_at: r.time("created_at")?,
        last_seen_at: r.time("last_seen_at")?,
    })
}

/// An entry of the security log (`id, at, kind, actor, province_code, subject, ip, detail`).
pub fn security_event(r: &impl Columns) -> Result<SecurityEvent, StoreError> {
    Ok(SecurityEvent {
        id: r.id("id")?,
        at: r.time("at")?,
        kind: r.text("kind")?,
        actor: r.text("actor")?,
        province: r.opt_text("province_code")?,
        subject: r.text("subject")?,
        ip: r.text("ip")?,
        detail: r.text("detail")?,
    })
}

/// A province (`code, name, kind, codename`).
pub fn province(r: &impl Columns) -> Result<Province, StoreError> {
    Ok(Province {
        code: r.parsed("code")?,
        name: r.text("name")?,
        kind: r.text("kind")?,
        codename: r.text("codename")?,
    })
}

/// A commune (`code, name, kind, province_code, codename`).
pub fn commune(r: &impl Columns) -> Result<Commune, StoreError> {
    Ok(Commune {
        code: r.parsed("code")?,
        name: r.text("name")?,
        kind: r.text("kind")?,
        province_code: r.parsed("province_code")?,
        codename: r.text("codename")?,
    })
}

/// A row of the old→new unit mapping.
pub fn mapping_row(r: &impl Columns) -> Result<MappingRow, StoreError> {
    Ok(MappingRow {
        old_province_code: r.text("old_province_code")?,
        old_province_name: r.text("old_province_name")?,
        old_district_code: r.text("old_district_code")?,
        old_district_name: r.text("old_district_name")?,
        old_commune_code: r.text("old_commune_code")?,
        old_commune_name: r.text("old_commune_name")?,
        new_commune_code: r.parsed("new_commune_code")?,
        new_commune_name: r.text("new_commune_name")?,
        new_province_code: r.parsed("new_province_code")?,
        new_province_name: r.text("new_province_name")?,
        nso_note: r.text("nso_note")?,
        is_partial: r.flag("is_partial")?,
        old_split_count: u32::try_from(r.int("old_split_count")?)
            .map_err(|e| column_err("old_split_count", e))?,
    })
}

/// The columns [`outbox_message`] reads.
pub const OUTBOX_COLS: &str = "destination, event_id, province_code, dossier_id, dossier_code, seq, queued_at, since, state, attempts, next_at, last_reason, last_error, delivered_at, settled_by, note";

/// An outbox row.
pub fn outbox_message(r: &impl Columns) -> Result<crate::ports::OutboxMessage, StoreError> {
    let state = r.text("state")?;
    Ok(crate::ports::OutboxMessage {
        destination: r.text("destination")?,
        event_id: r.id("event_id")?,
        province_code: r.parsed("province_code")?,
        dossier_id: r.id("dossier_id")?,
        dossier_code: r.parsed("dossier_code")?,
        seq: r.int("seq")?,
        queued_at: r.time("queued_at")?,
        since: r.time("since")?,
        state: crate::ports::OutboxState::parse(&state)
            .ok_or_else(|| StoreError::Internal(format!("stored outbox state {state:?}")))?,
        attempts: u32::try_from(r.int("attempts")?).unwrap_or(0),
        next_at: r.time("next_at")?,
        last_reason: r.opt_text("last_reason")?,
        last_error: r.opt_text("last_error")?,
        delivered_at: r.opt_time("delivered_at")?,
        settled_by: r.opt_text("settled_by")?,
        note: r.opt_text("note")?,
    })
}

/// The columns [`exchange_record`] reads.
pub const EXCHANGE_COLS: &str = "seq, requested_at, answered_at, destination, service, requester, subject, status, request_body, answer_body, request_sha256, answer_sha256, prev_hash, hash";

/// An exchange-log row.
pub fn exchange_record(r: &impl Columns) -> Result<crate::ports::ExchangeRecord, StoreError> {
    Ok(crate::ports::ExchangeRecord {
        seq: r.int("seq")?,
        record: crate::ports::NewExchangeRecord {
            requested_at: r.time("requested_at")?,
            answered_at: r.time("answered_at")?,
            destination: r.text("destination")?,
            service: r.text("service")?,
            requester: r.text("requester")?,
            subject: r.text("subject")?,
            status: r.text("status")?,
            request_body: r.text("request_body")?,
            answer_body: r.text("answer_body")?,
        },
        request_sha256: r.text("request_sha256")?,
        answer_sha256: r.text("answer_sha256")?,
        prev_hash: r.text("prev_hash")?,
        hash: r.text("hash")?,
    })
}
