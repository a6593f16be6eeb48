//! The [`Store`] implementation.

use crate::group::GroupWriter;
use crate::rows::{Cols, db_err, decode_all, parse_ts, ts};
use async_trait::async_trait;
use motcua_app::StoreError;
use motcua_app::ports::roles::*;
use motcua_app::ports::{
    Attachment, BulkBatch, ChainHead, CitizenSessionRecord, DocumentJob, DocumentRecord,
    DossierFilter, DossierStats, DraftRecord, HandlerLoad, IdempotencyRecord, InboxCountQuery,
    InboxCounts, Issued, KpiQuery, KpiRow, NewDocument, Notice, OfficerRow, SecurityEvent,
    SessionRecord, StoredEvent, TokenRecord, UserRecord, WatchPage, WatchScope,
};
use motcua_app::store_rows::{
    self, AGENCY_COLS, ATTACHMENT_COLS, DOCUMENT_COLS, EVENT_COLS, JOB_COLS, TOKEN_COLS,
    USER_SELECT as USER_COLUMNS,
};
use motcua_app::store_support::{
    distinct_prefixes, enum_parse, enum_str, json_err, parse, status_condition,
};
use motcua_domain::access::Role;
use motcua_domain::accounts::{LoginState, Username};
use motcua_domain::agency::Agency;
use motcua_domain::authority::AuthorityRule;
use motcua_domain::calendar::{HolidayYear, OfficeHours};
use motcua_domain::catalogue::Procedure;
use motcua_domain::dossier::{Dossier, DossierListing};
use motcua_domain::ids::{
    AgencyCode, CitizenId, DossierCode, ProcedureCode, ProvinceCode, UnitCode,
};
use motcua_domain::kpi;
use motcua_domain::linked::LinkedApplication;
use motcua_domain::units::UnitsData;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Row};
use std::path::Path;
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

/// The national catalogue's province key.
const NATIONAL: &str = "00";

/// The SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    /// The hot writes (intake, actions, numbers, finished forms), committed in groups.
    group: GroupWriter,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path` and runs pending migrations.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let opts = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // Page caches: 64 MiB for the writer, 32 MiB per reader instead of SQLite's 2 MB
        // (filled only as pages are used). On the 1 M-dossier benchmark this run measured
        // 1,400 operations/s against 1,162 with the default readers' cache (docs/BENCHMARKS.md).
        let writer_opts = opts.clone().pragma("cache_size", "-65536");
        let opts = opts.pragma("cache_size", "-32768");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(writer_opts)
            .await
            .map_err(db_err)?;
        sqlx::migrate!("./migrations")
            .run(&writer)
            .await
            .map_err(|e| StoreError::Internal(e.to_string()))?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts.read_only(true))
            .await
            .map_err(db_err)?;
        crate::kpi::backfill_if_missing(&writer).await?;
        let filled = crate::desk::backfill(&writer).await?;
        if filled > 0 {
            tracing::info!(dossiers = filled, "desk columns filled (migration 0018)");
        }
        let group = GroupWriter::start(writer.clone());
        Ok(Self {
            writer,
            reader,
            group,
        })
    }

    /// Applies pending migrations (done by [`SqliteStore::open`] too); returns how many are known.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let m = sqlx::migrate!("./migrations");
        m.run(&self.writer)
            .await
            .map_err(|e| StoreError::Internal(e.to_string()))?;
        Ok(m.iter().count())
    }

    /// Closes the pools (flushes the WAL on the last connection).
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    /// Writes a consistent copy of the whole database to `to` (which must not exist) while the
    /// store keeps serving: `VACUUM INTO` reads one snapshot (WAL mode lets writers go on) on a
    /// reader connection, so the copy holds every transaction committed before it started and
    /// none after.
    pub async fn backup_to(&self, to: &Path) -> Result<(), StoreError> {
        let target = to
            .to_str()
            .ok_or_else(|| StoreError::Internal("the backup path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO ?")
            .bind(target)
            .execute(&self.reader)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    /// `PRAGMA integrity_check`: `ok`, or SQLite's list of problems.
    pub async fn integrity_check(&self) -> Result<String, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.reader)
            .await
            .map_err(db_err)?;
        Ok(rows.join("; "))
    }

    /// Runs raw SQL on the writer (for maintenance and tamper tests only).
    #[doc(hidden)]
    pub async fn execute_raw(&self, sql: &str) -> Result<u64, StoreError> {
        let r = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected())
    }
}

async fn insert_document(
    tx: &mut sqlx::SqliteConnection,
    d: &NewDocument,
) -> Result<(), StoreError> {
    let r = &d.record;
    sqlx::query(
        "INSERT INTO documents (id, province_code, dossier_id, dossier_code, kind, number, title, file_name, sha256, size, signed_by, signer_name, actor, event_seq, created_at, bytes)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(r.id.to_string())
    .bind(r.province_code.as_str())
    .bind(r.dossier_id.to_string())
    .bind(r.dossier_code.as_str())
    .bind(&r.kind)
    .bind(&r.number)
    .bind(&r.title)
    .bind(&r.file_name)
    .bind(&r.sha256)
    .bind(r.size)
    .bind(r.signed_by.as_ref().map(|c| c.as_str()))
    .bind(&r.signer_name)
    .bind(&r.actor)
    .bind(r.event_seq)
    .bind(ts(r.created_at))
    .bind(&d.bytes)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

async fn insert_issued(
    tx: &mut sqlx::SqliteConnection,
    issued: &[Issued],
) -> Result<(), StoreError> {
    for i in issued {
        match i {
            Issued::Document(doc) => insert_document(&mut *tx, doc).await?,
            Issued::Deferred(j) => {
                sqlx::query(AssertSqlSafe(format!(
                    "INSERT INTO document_jobs ({JOB_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                )))
                .bind(j.id.to_string())
                .bind(j.province_code.as_str())
                .bind(j.dossier_id.to_string())
                .bind(j.dossier_code.as_str())
                .bind(&j.kind)
                .bind(&j.number)
                .bind(j.issuer.as_str())
                .bind(&j.actor)
                .bind(&j.officer)
                .bind(j.event_seq)
                .bind(ts(j.issued_at))
                .bind(&j.dossier)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
        }
    }
    Ok(())
}

async fn insert_dossier_row(
    tx: &mut sqlx::SqliteConnection,
    d: &Dossier,
) -> Result<(), StoreError> {
    let data = serde_json::to_string(d).map_err(json_err)?;
    let desk = motcua_app::store_support::DeskColumns::of(d);
    sqlx::query(
        "INSERT INTO dossiers (id, province_code, code, procedure_code, procedure_version, status, version,
         receiving_agency, competent_agency, current_agency, due_at, submitted_at, last_event_hash, data,
         search, handler_id, approver_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(d.id.to_string())
    .bind(d.province_code.as_str())
    .bind(d.code.as_str())
    .bind(d.procedure.code.as_str())
    .bind(i64::from(d.procedure.version))
    .bind(d.status.as_str())
    .bind(d.version)
    .bind(d.receiving_agency.as_str())
    .bind(d.competent_agency.as_str())
    .bind(d.current_agency.as_str())
    .bind(d.due_at.map(ts))
    .bind(ts(d.submitted_at))
    .bind(&d.last_event_hash)
    .bind(data)
    .bind(desk.search_text())
    .bind(desk.handler_id.map(|u| u.to_string()))
    .bind(desk.approver_id.map(|u| u.to_string()))
    .execute(tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

async fn insert_event(tx: &mut sqlx::SqliteConnection, e: &StoredEvent) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO dossier_events (id, dossier_id, province_code, seq, action, status, actor, agency, at, payload, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(e.id.to_string())
    .bind(e.dossier_id.to_string())
    .bind(e.province_code.as_str())
    .bind(e.seq)
    .bind(&e.action)
    .bind(&e.status)
    .bind(&e.actor)
    .bind(&e.agency)
    .bind(ts(e.at))
    .bind(&e.payload)
    .bind(&e.prev_hash)
    .bind(&e.hash)
    .execute(tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Queues the event for the national portal (the outbox, `ExchangeStore`), in the event's own
/// transaction.
async fn queue_event(
    tx: &mut sqlx::SqliteConnection,
    e: &StoredEvent,
    code: &DossierCode,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbox (destination, event_id, province_code, dossier_id, dossier_code, seq, queued_at, since, next_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(motcua_app::ports::DVCQG)
    .bind(e.id.to_string())
    .bind(e.province_code.as_str())
    .bind(e.dossier_id.to_string())
    .bind(code.as_str())
    .bind(e.seq)
    .bind(ts(e.at))
    .bind(ts(e.at))
    .bind(ts(e.at))
    .execute(tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

// The rows' meaning is decoded once for both stores (motcua_app::store_rows); `Cols` is how this
// backend reads a column.
fn agency_from_row(r: &SqliteRow) -> Result<Agency, StoreError> {
    store_rows::agency(&Cols(r))
}

fn event_from_row(r: &SqliteRow) -> Result<StoredEvent, StoreError> {
    store_rows::event(&Cols(r))
}

fn token_from_row(r: &SqliteRow) -> Result<TokenRecord, StoreError> {
    store_rows::token(&Cols(r))
}

fn attachment_from_row(r: &SqliteRow) -> Result<Attachment, StoreError> {
    store_rows::attachment(&Cols(r))
}

fn document_from_row(r: &SqliteRow) -> Result<DocumentRecord, StoreError> {
    store_rows::document(&Cols(r))
}

fn job_from_row(r: &SqliteRow) -> Result<DocumentJob, StoreError> {
    store_rows::job(&Cols(r))
}

fn user_row(r: &SqliteRow) -> Result<UserRecord, StoreError> {
    store_rows::user(&Cols(r))
}

// One file per role of the port (motcua_app::ports), each an `impl` of that role.
mod authority;
mod documents;
mod dossiers;
mod exchange;
pub(crate) use exchange::MONTH_OF_SUBMITTED;
mod identity;
mod linked;
mod monitoring;
mod reference;
