//! The [`Store`] implementation for PostgreSQL.

use crate::cols::Cols;
use crate::json_text::JsonText;
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
use motcua_domain::linked::LinkedApplication;
use motcua_domain::units::UnitsData;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::types::Json;
use sqlx::{AssertSqlSafe, Row};
use std::str::FromStr as _;
use std::sync::LazyLock;
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

/// The national catalogue's province key.
const NATIONAL: &str = "00";

/// Pool and timeout settings.
#[derive(Debug, Clone)]
pub struct PgOptions {
    /// Largest number of connections.
    pub max_connections: u32,
    /// Connections opened when the pool is built and kept open (a serving process keeps all of
    /// them, so a burst after a start or a quiet hour does not wait for new backends to start;
    /// each connection's first use of a statement is still slower — docs/BENCHMARKS.md).
    pub min_connections: u32,
    /// `statement_timeout` set on every connection.
    pub statement_timeout: Duration,
    /// How long a request waits for a connection before failing as unavailable.
    pub acquire_timeout: Duration,
}

impl Default for PgOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            min_connections: 0,
            statement_timeout: Duration::from_secs(5),
            acquire_timeout: Duration::from_secs(3),
        }
    }
}

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Duplicate(d.message().to_owned())
        }
        // SQLSTATE (PostgreSQL appendix A): 08 connection exception, 53 insufficient resources,
        // 57P01–57P03 shutdown / cannot connect now, 57014 statement timeout; and what a
        // reconnect meets while the database is closed to us: 28 authorization, 3D000 no such
        // database, 55000 "not currently accepting connections".
        sqlx::Error::Database(d)
            if d.code().is_some_and(|c| {
                c.starts_with("08")
                    || c.starts_with("28")
                    || c.starts_with("53")
                    || matches!(
                        c.as_ref(),
                        "57P01" | "57P02" | "57P03" | "57014" | "3D000" | "55000"
                    )
            }) =>
        {
            StoreError::Unavailable(e.to_string())
        }
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(e.to_string()),
        _ => StoreError::Internal(e.to_string()),
    }
}

/// The form jobs of a write when it issues no inline document (the one-statement path).
fn only_jobs(documents: &[Issued]) -> Option<Vec<&DocumentJob>> {
    documents
        .iter()
        .map(|i| match i {
            Issued::Deferred(j) => Some(j),
            Issued::Document(_) => None,
        })
        .collect()
}

fn from_json<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, StoreError> {
    serde_json::from_value(v).map_err(json_err)
}

impl PgStore {
    /// Connects to `url` and applies pending migrations.
    pub async fn connect(url: &str, opts: &PgOptions) -> Result<Self, StoreError> {
        // The parser's message may quote the URL, password included: say only what failed.
        let connect = PgConnectOptions::from_str(url)
            .map_err(|_| StoreError::Internal("the PostgreSQL URL cannot be parsed".into()))?
            .options([(
                "statement_timeout",
                format!("{}", opts.statement_timeout.as_millis()),
            )]);
        let pool = PgPoolOptions::new()
            .max_connections(opts.max_connections)
            .min_connections(opts.min_connections.min(opts.max_connections))
            .acquire_timeout(opts.acquire_timeout)
            .connect_with(connect)
            .await
            .map_err(db_err)?;
        let store = Self { pool };
        store.migrate().await?;
        crate::kpi::backfill_if_missing(&store.pool).await?;
        let filled = crate::desk::backfill(&store.pool).await?;
        if filled > 0 {
            tracing::info!(dossiers = filled, "desk columns filled (migration 0018)");
        }
        Ok(store)
    }

    /// Applies pending migrations; returns the number of migrations the schema has.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let m = sqlx::migrate!("./migrations");
        // A migration may build an index over millions of rows: no statement timeout for it
        // (RESET returns the connection to the pool's configured timeout).
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        sqlx::query("SET statement_timeout = 0")
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
        let ran = m.run(&mut *conn).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::Execute(e) => db_err(e),
            other => StoreError::Internal(other.to_string()),
        });
        sqlx::query("RESET statement_timeout")
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
        ran?;
        Ok(m.iter().count())
    }

    /// The connection pool (bulk loading and the benchmark's baseline use it directly).
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// `VACUUM (ANALYZE)` of the whole database, without the statement timeout (after a bulk
    /// load it runs for minutes). VACUUM also sets the visibility map, so index-only scans work
    /// on fresh rows.
    pub async fn vacuum_analyze(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        sqlx::raw_sql("SET statement_timeout = 0")
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
        let done = sqlx::raw_sql("VACUUM (ANALYZE)")
            .execute(&mut *conn)
            .await
            .map_err(db_err);
        // The connection goes back to the pool: give it its timeout again.
        sqlx::raw_sql("RESET statement_timeout")
            .execute(&mut *conn)
            .await
            .map_err(db_err)?;
        done.map(|_| ())
    }

    /// Runs raw SQL (for maintenance and tamper tests only).
    #[doc(hidden)]
    pub async fn execute_raw(&self, sql: &str) -> Result<u64, StoreError> {
        let r = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected())
    }
}

async fn insert_document(tx: &mut sqlx::PgConnection, d: &NewDocument) -> Result<(), StoreError> {
    let r = &d.record;
    sqlx::query(
        "INSERT INTO documents (id, province_code, dossier_id, dossier_code, kind, number, title, file_name, sha256, size, signed_by, signer_name, actor, event_seq, created_at, bytes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
    )
    .bind(r.id)
    .bind(r.province_code.as_str())
    .bind(r.dossier_id)
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
    .bind(r.created_at)
    .bind(&d.bytes)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

async fn insert_issued(tx: &mut sqlx::PgConnection, issued: &[Issued]) -> Result<(), StoreError> {
    for i in issued {
        match i {
            Issued::Document(doc) => insert_document(&mut *tx, doc).await?,
            Issued::Deferred(j) => {
                sqlx::query(AssertSqlSafe(format!(
                    "INSERT INTO document_jobs ({JOB_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                )))
                .bind(j.id)
                .bind(j.province_code.as_str())
                .bind(j.dossier_id)
                .bind(j.dossier_code.as_str())
                .bind(&j.kind)
                .bind(&j.number)
                .bind(j.issuer.as_str())
                .bind(&j.actor)
                .bind(&j.officer)
                .bind(j.event_seq)
                .bind(j.issued_at)
                .bind(&j.dossier)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
        }
    }
    Ok(())
}

// The rows' meaning is decoded once for both stores (motcua_app::store_rows); `Cols` is how this
// backend reads a column.
fn agency_from_row(r: &PgRow) -> Result<Agency, StoreError> {
    store_rows::agency(&Cols(r))
}

fn event_from_row(r: &PgRow) -> Result<StoredEvent, StoreError> {
    store_rows::event(&Cols(r))
}

fn token_from_row(r: &PgRow) -> Result<TokenRecord, StoreError> {
    store_rows::token(&Cols(r))
}

fn attachment_from_row(r: &PgRow) -> Result<Attachment, StoreError> {
    store_rows::attachment(&Cols(r))
}

fn document_from_row(r: &PgRow) -> Result<DocumentRecord, StoreError> {
    store_rows::document(&Cols(r))
}

fn job_from_row(r: &PgRow) -> Result<DocumentJob, StoreError> {
    store_rows::job(&Cols(r))
}

fn user_row(r: &PgRow) -> Result<UserRecord, StoreError> {
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
