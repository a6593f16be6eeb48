//! The [`Store`] implementation for PostgreSQL.

use crate::json_text::JsonText;
use async_trait::async_trait;
use motcua_app::ports::{
    Attachment, BulkBatch, ChainHead, CitizenSessionRecord, DocumentJob, DocumentRecord,
    DossierFilter, DossierStats, DraftRecord, IdempotencyRecord, Issued, KpiQuery, KpiRow,
    NewDocument, Notice, OfficerRow, SecurityEvent, SessionRecord, StoredEvent, TokenRecord,
    UserRecord, WatchPage, WatchScope,
};
use motcua_app::store_support::{
    distinct_prefixes, enum_parse, enum_str, json_err, parse, status_condition,
};
use motcua_app::{Store, StoreError};
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
use motcua_domain::units::{Commune, MappingRow, Province, UnitsData};
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

const TOKEN_COLS: &str = "id, agency_code, role, label, created_at, expires_at, revoked_at";

fn token_from_row(r: &sqlx::postgres::PgRow) -> Result<TokenRecord, StoreError> {
    Ok(TokenRecord {
        id: r.get("id"),
        agency: parse(r.get::<&str, _>("agency_code"))?,
        role: Role::parse(r.get::<&str, _>("role"))
            .ok_or_else(|| StoreError::Internal("stored role".into()))?,
        label: r.get("label"),
        created_at: r.get("created_at"),
        expires_at: r.get("expires_at"),
        revoked_at: r.get("revoked_at"),
    })
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

const AGENCY_COLS: &str = "code, name, kind, level, province_code, unit_code";
const EVENT_COLS: &str = "id, dossier_id, province_code, seq, action, status, actor, agency, at, payload, prev_hash, hash";
const ATTACHMENT_COLS: &str = "id, province_code, draft_id, dossier_id, component_code, file_name, content_type, size, sha256, created_at";

fn agency_from_row(r: &PgRow) -> Result<Agency, StoreError> {
    let unit: Option<String> = r.get("unit_code");
    Ok(Agency {
        code: parse(r.get::<&str, _>("code"))?,
        name: r.get("name"),
        kind: enum_parse(r.get::<&str, _>("kind"))?,
        level: enum_parse(r.get::<&str, _>("level"))?,
        province_code: parse(r.get::<&str, _>("province_code"))?,
        unit_code: unit.as_deref().map(parse).transpose()?,
    })
}

fn event_from_row(r: &PgRow) -> Result<StoredEvent, StoreError> {
    Ok(StoredEvent {
        id: r.get("id"),
        dossier_id: r.get("dossier_id"),
        province_code: parse(r.get::<&str, _>("province_code"))?,
        seq: r.get("seq"),
        action: r.get("action"),
        status: r.get("status"),
        actor: r.get("actor"),
        agency: r.get("agency"),
        at: r.get("at"),
        payload: r.get("payload"),
        prev_hash: r.get("prev_hash"),
        hash: r.get("hash"),
    })
}

fn attachment_from_row(r: &PgRow) -> Result<Attachment, StoreError> {
    Ok(Attachment {
        id: r.get("id"),
        province_code: parse(r.get::<&str, _>("province_code"))?,
        draft_id: r.get("draft_id"),
        dossier_id: r.get("dossier_id"),
        component_code: r.get("component_code"),
        file_name: r.get("file_name"),
        content_type: r.get("content_type"),
        size: r.get("size"),
        sha256: r.get("sha256"),
        created_at: r.get("created_at"),
    })
}

const DOCUMENT_COLS: &str = "id, province_code, dossier_id, dossier_code, kind, number, title, file_name, sha256, size, signed_by, signer_name, actor, event_seq, created_at";

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

const JOB_COLS: &str = "id, province_code, dossier_id, dossier_code, kind, number, issuer, actor, officer, event_seq, issued_at, dossier";

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

fn job_from_row(r: &PgRow) -> Result<DocumentJob, StoreError> {
    Ok(DocumentJob {
        id: r.get("id"),
        province_code: parse(r.get::<&str, _>("province_code"))?,
        dossier_id: r.get("dossier_id"),
        dossier_code: parse(r.get::<&str, _>("dossier_code"))?,
        kind: r.get("kind"),
        number: r.get("number"),
        issuer: parse(r.get::<&str, _>("issuer"))?,
        actor: r.get("actor"),
        officer: r.get("officer"),
        event_seq: r.get("event_seq"),
        issued_at: r.get("issued_at"),
        dossier: r.get("dossier"),
    })
}

fn document_from_row(r: &PgRow) -> Result<DocumentRecord, StoreError> {
    Ok(DocumentRecord {
        id: r.get("id"),
        province_code: parse(r.get::<&str, _>("province_code"))?,
        dossier_id: r.get("dossier_id"),
        dossier_code: parse(r.get::<&str, _>("dossier_code"))?,
        kind: r.get("kind"),
        number: r.get("number"),
        title: r.get("title"),
        file_name: r.get("file_name"),
        sha256: r.get("sha256"),
        size: r.get("size"),
        signed_by: r
            .get::<Option<&str>, _>("signed_by")
            .map(parse)
            .transpose()?,
        signer_name: r.get("signer_name"),
        actor: r.get("actor"),
        event_seq: r.get("event_seq"),
        created_at: r.get("created_at"),
    })
}

#[async_trait]
impl Store for PgStore {
    async fn replace_units(&self, data: &UnitsData) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        sqlx::query("DELETE FROM unit_mapping")
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        for p in &data.provinces {
            sqlx::query(
                "INSERT INTO provinces (code, name, kind, codename) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, codename = excluded.codename",
            )
            .bind(p.code.as_str())
            .bind(&p.name)
            .bind(&p.kind)
            .bind(&p.codename)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        for c in &data.communes {
            sqlx::query(
                "INSERT INTO communes (code, province_code, name, kind, codename) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (code) DO UPDATE SET province_code = excluded.province_code, name = excluded.name,
                 kind = excluded.kind, codename = excluded.codename",
            )
            .bind(c.code.as_str())
            .bind(c.province_code.as_str())
            .bind(&c.name)
            .bind(&c.kind)
            .bind(&c.codename)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        for m in &data.mapping {
            sqlx::query(
                "INSERT INTO unit_mapping (new_province_code, old_province_code, old_province_name, old_district_code,
                 old_district_name, old_commune_code, old_commune_name, new_commune_code, new_commune_name,
                 new_province_name, nso_note, is_partial, old_split_count)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(m.new_province_code.as_str())
            .bind(&m.old_province_code)
            .bind(&m.old_province_name)
            .bind(&m.old_district_code)
            .bind(&m.old_district_name)
            .bind(&m.old_commune_code)
            .bind(&m.old_commune_name)
            .bind(m.new_commune_code.as_str())
            .bind(&m.new_commune_name)
            .bind(&m.new_province_name)
            .bind(&m.nso_note)
            .bind(m.is_partial)
            .bind(m.old_split_count as i32)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn load_units(&self) -> Result<UnitsData, StoreError> {
        let provinces =
            sqlx::query("SELECT code, name, kind, codename FROM provinces ORDER BY ord")
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|r| {
                    Ok(Province {
                        code: parse(r.get::<&str, _>("code"))?,
                        name: r.get("name"),
                        kind: r.get("kind"),
                        codename: r.get("codename"),
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
        let communes = sqlx::query(
            "SELECT code, province_code, name, kind, codename FROM communes ORDER BY ord",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| {
            Ok(Commune {
                code: parse(r.get::<&str, _>("code"))?,
                name: r.get("name"),
                kind: r.get("kind"),
                province_code: parse(r.get::<&str, _>("province_code"))?,
                codename: r.get("codename"),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let mapping = sqlx::query(
            "SELECT new_province_code, old_province_code, old_province_name, old_district_code, old_district_name,
             old_commune_code, old_commune_name, new_commune_code, new_commune_name, new_province_name, nso_note,
             is_partial, old_split_count FROM unit_mapping ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| {
            Ok(MappingRow {
                old_province_code: r.get("old_province_code"),
                old_province_name: r.get("old_province_name"),
                old_district_code: r.get("old_district_code"),
                old_district_name: r.get("old_district_name"),
                old_commune_code: r.get("old_commune_code"),
                old_commune_name: r.get("old_commune_name"),
                new_commune_code: parse(r.get::<&str, _>("new_commune_code"))?,
                new_commune_name: r.get("new_commune_name"),
                new_province_code: parse(r.get::<&str, _>("new_province_code"))?,
                new_province_name: r.get("new_province_name"),
                nso_note: r.get("nso_note"),
                is_partial: r.get("is_partial"),
                old_split_count: r.get::<i32, _>("old_split_count") as u32,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(UnitsData {
            provinces,
            communes,
            mapping,
        })
    }

    async fn upsert_agencies(&self, agencies: &[Agency]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        for a in agencies {
            sqlx::query(
                "INSERT INTO agencies (code, province_code, unit_code, name, kind, level) VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (code) DO UPDATE SET province_code = excluded.province_code, unit_code = excluded.unit_code,
                 name = excluded.name, kind = excluded.kind, level = excluded.level",
            )
            .bind(a.code.as_str())
            .bind(a.province_code.as_str())
            .bind(a.unit_code.as_ref().map(|u| u.as_str().to_owned()))
            .bind(&a.name)
            .bind(enum_str(&a.kind))
            .bind(enum_str(&a.level))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn agency(&self, code: &AgencyCode) -> Result<Option<Agency>, StoreError> {
        let sql = format!("SELECT {AGENCY_COLS} FROM agencies WHERE code = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(agency_from_row).transpose()
    }

    async fn agencies_of_unit(&self, unit: &UnitCode) -> Result<Vec<Agency>, StoreError> {
        let sql = format!("SELECT {AGENCY_COLS} FROM agencies WHERE unit_code = $1 ORDER BY code");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(unit.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(agency_from_row).collect()
    }

    async fn agencies_in_province(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<Agency>, StoreError> {
        let sql =
            format!("SELECT {AGENCY_COLS} FROM agencies WHERE province_code = $1 ORDER BY code");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(province.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(agency_from_row).collect()
    }

    async fn agencies_of_province(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<Agency>, StoreError> {
        let sql = format!(
            "SELECT {AGENCY_COLS} FROM agencies WHERE province_code = $1 AND level = 'province' ORDER BY code"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(province.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(agency_from_row).collect()
    }

    async fn count_agencies(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COUNT(*) FROM agencies")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn insert_procedure_version(&self, p: &Procedure) -> Result<(), StoreError> {
        let data = serde_json::to_value(p).map_err(json_err)?;
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let latest: Option<i32> = sqlx::query_scalar(
            "SELECT MAX(version) FROM procedures WHERE province_code = $1 AND code = $2",
        )
        .bind(NATIONAL)
        .bind(p.code.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        if i64::from(latest.unwrap_or(0)) + 1 != i64::from(p.version) {
            return Err(StoreError::Duplicate(format!(
                "procedure {} version {}",
                p.code, p.version
            )));
        }
        sqlx::query("INSERT INTO procedures (province_code, code, version, name, data, created_at) VALUES ($1, $2, $3, $4, $5, now())")
            .bind(NATIONAL)
            .bind(p.code.as_str())
            .bind(p.version as i32)
            .bind(&p.name)
            .bind(Json(data))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn procedure(
        &self,
        code: &ProcedureCode,
        version: Option<u32>,
    ) -> Result<Option<Procedure>, StoreError> {
        let data: Option<Json<serde_json::Value>> = match version {
            Some(v) => sqlx::query_scalar("SELECT data FROM procedures WHERE province_code = $1 AND code = $2 AND version = $3")
                .bind(NATIONAL)
                .bind(code.as_str())
                .bind(v as i32)
                .fetch_optional(&self.pool)
                .await,
            None => sqlx::query_scalar(
                "SELECT data FROM procedures WHERE province_code = $1 AND code = $2 ORDER BY version DESC LIMIT 1",
            )
            .bind(NATIONAL)
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await,
        }
        .map_err(db_err)?;
        data.map(|d| from_json(d.0)).transpose()
    }

    async fn current_procedures(&self) -> Result<Vec<Procedure>, StoreError> {
        let rows: Vec<Json<serde_json::Value>> = sqlx::query_scalar(
            "SELECT DISTINCT ON (code) data FROM procedures WHERE province_code = $1 ORDER BY code, version DESC",
        )
        .bind(NATIONAL)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(|d| from_json(d.0)).collect()
    }

    async fn holiday_years(&self, province: &ProvinceCode) -> Result<Vec<HolidayYear>, StoreError> {
        let rows: Vec<Json<serde_json::Value>> = sqlx::query_scalar(
            "SELECT data FROM holiday_years WHERE province_code = $1 ORDER BY year",
        )
        .bind(province.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(|d| from_json(d.0)).collect()
    }

    async fn save_holiday_year(
        &self,
        province: &ProvinceCode,
        year: &HolidayYear,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO holiday_years (province_code, year, data) VALUES ($1, $2, $3)
             ON CONFLICT (province_code, year) DO UPDATE SET data = excluded.data",
        )
        .bind(province.as_str())
        .bind(year.year)
        .bind(Json(serde_json::to_value(year).map_err(json_err)?))
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn office_hours(&self, unit: &UnitCode) -> Result<Option<OfficeHours>, StoreError> {
        let d: Option<Json<serde_json::Value>> =
            sqlx::query_scalar("SELECT data FROM office_hours WHERE unit_code = $1")
                .bind(unit.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        d.map(|d| from_json(d.0)).transpose()
    }

    async fn set_office_hours(
        &self,
        unit: &UnitCode,
        province: &ProvinceCode,
        hours: &OfficeHours,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO office_hours (unit_code, province_code, data) VALUES ($1, $2, $3)
             ON CONFLICT (unit_code) DO UPDATE SET data = excluded.data",
        )
        .bind(unit.as_str())
        .bind(province.as_str())
        .bind(Json(serde_json::to_value(hours).map_err(json_err)?))
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn next_code_sequences(
        &self,
        province: &ProvinceCode,
        prefixes: &[&str],
    ) -> Result<Vec<u64>, StoreError> {
        distinct_prefixes(prefixes)?;
        // One statement: every number or none. The rows are locked in prefix order, so two
        // writes asking for the same prefixes in another order cannot deadlock.
        let rows = sqlx::query(
            "INSERT INTO code_sequences (prefix, province_code, last)
             SELECT p, $2, 1 FROM unnest($1::text[]) AS t(p) ORDER BY p
             ON CONFLICT (prefix) DO UPDATE SET last = code_sequences.last + 1
             RETURNING prefix, last",
        )
        .bind(prefixes)
        .bind(province.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        prefixes
            .iter()
            .map(|p| {
                rows.iter()
                    .find(|r| r.get::<&str, _>(0) == *p)
                    .map(|r| r.get::<i64, _>(1) as u64)
                    .ok_or_else(|| StoreError::Internal(format!("no number for {p}")))
            })
            .collect()
    }

    async fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT key, request_hash, dossier_code FROM idempotency_keys WHERE key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.map(|r| {
            Ok(IdempotencyRecord {
                key: r.get("key"),
                request_hash: r.get("request_hash"),
                dossier_code: parse(r.get::<&str, _>("dossier_code"))?,
            })
        })
        .transpose()
    }

    async fn insert_dossier(
        &self,
        d: &Dossier,
        first: &StoredEvent,
        idem: Option<&IdempotencyRecord>,
        documents: &[Issued],
    ) -> Result<(), StoreError> {
        if let Some(jobs) = only_jobs(documents) {
            return crate::writes::insert_dossier(&self.pool, d, first, idem, &jobs).await;
        }
        // Inline forms carry their PDF bytes: the same statement, then the documents, in one
        // transaction.
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        crate::writes::insert_dossier(&mut *tx, d, first, idem, &[]).await?;
        insert_issued(&mut tx, documents).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn append_transition(
        &self,
        before: &Dossier,
        d: &Dossier,
        event: &StoredEvent,
        documents: &[Issued],
    ) -> Result<(), StoreError> {
        if let Some(jobs) = only_jobs(documents) {
            return crate::writes::append_transition(&self.pool, before, d, event, &jobs).await;
        }
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        crate::writes::append_transition(&mut *tx, before, d, event, &[]).await?;
        insert_issued(&mut tx, documents).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn add_document(&self, doc: &NewDocument) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        insert_document(&mut tx, doc).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn document_jobs(&self, limit: u32) -> Result<Vec<DocumentJob>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {JOB_COLS} FROM document_jobs ORDER BY issued_at, id LIMIT $1"
        )))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(job_from_row).collect()
    }

    async fn dossier_document_jobs(
        &self,
        dossier_id: Uuid,
    ) -> Result<Vec<DocumentJob>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {JOB_COLS} FROM document_jobs WHERE dossier_id = $1 ORDER BY issued_at, id"
        )))
        .bind(dossier_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(job_from_row).collect()
    }

    async fn complete_document_job(&self, doc: &NewDocument) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        // The delete takes the row lock: a second finisher waits, then deletes nothing.
        let gone = sqlx::query("DELETE FROM document_jobs WHERE id = $1")
            .bind(doc.record.id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        if gone == 0 {
            return Ok(false);
        }
        insert_document(&mut tx, doc).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn dossier_documents(&self, dossier_id: Uuid) -> Result<Vec<DocumentRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {DOCUMENT_COLS} FROM documents WHERE dossier_id = $1 ORDER BY created_at, id"
        )))
        .bind(dossier_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(document_from_row).collect()
    }

    async fn document(&self, id: Uuid) -> Result<Option<DocumentRecord>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {DOCUMENT_COLS} FROM documents WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.as_ref().map(document_from_row).transpose()
    }

    async fn document_bytes(&self, id: Uuid) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar("SELECT bytes FROM documents WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn documents_by_sha256(&self, sha256: &str) -> Result<Vec<DocumentRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {DOCUMENT_COLS} FROM documents WHERE sha256 = $1 ORDER BY created_at"
        )))
        .bind(sha256)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(document_from_row).collect()
    }

    async fn dossier(&self, code: &DossierCode) -> Result<Option<Dossier>, StoreError> {
        // Straight from the stored text into the type: no intermediate `serde_json::Value`.
        let data: Option<JsonText<Dossier>> =
            sqlx::query_scalar("SELECT data FROM dossiers WHERE code = $1")
                .bind(code.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(data.map(|d| d.0))
    }

    async fn list_dossiers(&self, f: &DossierFilter) -> Result<Vec<DossierListing>, StoreError> {
        let statuses = f.statuses();
        if statuses.is_empty() {
            return Ok(Vec::new());
        }
        // Built only from static fragments — the statuses' names are the enum's own constants —
        // with numbered placeholders; every value is bound. $1 is the agency (when filtered by
        // one); the other filters follow.
        let mut rest = String::new();
        let mut n = 1;
        let mut next = || {
            n += 1;
            n
        };
        if f.due_before.is_some() {
            rest.push_str(&format!(" AND due_at < ${}", next()));
        }
        if f.due_after.is_some() {
            rest.push_str(&format!(" AND due_at >= ${}", next()));
        }
        if f.procedure.is_some() {
            rest.push_str(&format!(" AND procedure_code = ${}", next()));
        }
        if f.province.is_some() {
            rest.push_str(&format!(" AND province_code = ${}", next()));
        }
        let (l, o, top) = (next(), next(), next());
        // Ascending order puts NULLs last in PostgreSQL, so this is "due date, none last" and
        // lets the planner walk a due-date index in order and stop at the page's end.
        let sql = if f.agency.is_some() {
            // An agency sees what it holds, receives or is competent for. One OR over the three
            // columns makes PostgreSQL read every matching row (a bitmap scan) and sort them all:
            // on 5 million dossiers a busy commune's inbox read ~1,500 heap blocks for 50 rows
            // (12 ms). Instead each role walks its own (agency, status, due_at, code) index in
            // order, one walk per status kept — an index gives the order only within one status
            // — and stops after the page's end; the heads are merged, a dossier met in two roles
            // kept once (DISTINCT ON its id: `json` has no equality, so no UNION), and the page
            // cut from them. A page reads at most its length from each walk, however many
            // dossiers the agency has closed over the years (docs/ARCHITECTURE.md, "Data").
            let mut branches = Vec::with_capacity(3 * statuses.len());
            for col in ["current_agency", "receiving_agency", "competent_agency"] {
                for st in &statuses {
                    branches.push(format!(
                        "(SELECT id, due_at, code, data FROM dossiers WHERE {col} = $1 AND status = '{}'{rest} ORDER BY due_at, code LIMIT ${top})",
                        st.as_str()
                    ));
                }
            }
            format!(
                "SELECT data FROM (SELECT DISTINCT ON (id) id, due_at, code, data FROM ({}) AS heads ORDER BY id) AS c
                 ORDER BY due_at, code LIMIT ${l} OFFSET ${o}",
                branches.join(" UNION ALL ")
            )
        } else {
            let kept = status_condition(&statuses);
            format!(
                "SELECT data FROM dossiers WHERE ($1::text IS NULL){kept}{rest} ORDER BY due_at, code LIMIT ${l} OFFSET ${o}"
            )
        };
        // Only the listing's fields are decoded; the rest of each stored text is skipped.
        let mut q = sqlx::query_scalar::<_, JsonText<DossierListing>>(AssertSqlSafe(sql))
            .bind(f.agency.as_ref().map(|a| a.as_str().to_owned()));
        if let Some(t) = f.due_before {
            q = q.bind(t);
        }
        if let Some(t) = f.due_after {
            q = q.bind(t);
        }
        if let Some(p) = &f.procedure {
            q = q.bind(p.as_str().to_owned());
        }
        if let Some(p) = &f.province {
            q = q.bind(p.as_str().to_owned());
        }
        let rows = q
            .bind(i64::from(f.limit))
            .bind(i64::from(f.offset))
            .bind(i64::from(f.limit) + i64::from(f.offset))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(|d| d.0).collect())
    }

    async fn watch_page(&self, q: &WatchPage) -> Result<Vec<Dossier>, StoreError> {
        // Each walks an index in order within the province and stops at the page's end:
        // `dossiers_open_due_cover` (province, due date; open only) for a due-date range, the
        // keyset starting the range at the last page's due date; `dossiers_by_province_status`
        // for a status (sorting only that province's dossiers in that status by code).
        let rows = match q.scope {
            WatchScope::DueBetween { from, to } => {
                let (from, after_code) = match &q.after {
                    Some(c) => (c.due_at.unwrap_or(from).max(from), Some(c.code.as_str())),
                    None => (from, None),
                };
                sqlx::query_scalar::<_, JsonText<Dossier>>(
                    "SELECT data FROM dossiers
                     WHERE province_code = $1 AND status IN ('received', 'processing', 'awaiting_payment')
                       AND due_at >= $2 AND due_at < $3
                       AND ($4::text IS NULL OR (due_at, code) > ($2, $4))
                     ORDER BY due_at, code LIMIT $5",
                )
                .bind(q.province.as_str())
                .bind(from)
                .bind(to)
                .bind(after_code)
                .bind(i64::from(q.limit))
                .fetch_all(&self.pool)
                .await
            }
            WatchScope::InStatus(status) => {
                sqlx::query_scalar::<_, JsonText<Dossier>>(
                    "SELECT data FROM dossiers
                     WHERE province_code = $1 AND status = $2 AND code > $3
                     ORDER BY code LIMIT $4",
                )
                .bind(q.province.as_str())
                .bind(status.as_str())
                .bind(q.after.as_ref().map_or("", |c| c.code.as_str()))
                .bind(i64::from(q.limit))
                .fetch_all(&self.pool)
                .await
            }
        }
        .map_err(db_err)?;
        Ok(rows.into_iter().map(|d| d.0).collect())
    }

    async fn dossiers(&self, codes: &[DossierCode]) -> Result<Vec<Dossier>, StoreError> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let codes: Vec<&str> = codes.iter().map(DossierCode::as_str).collect();
        let rows: Vec<JsonText<Dossier>> =
            sqlx::query_scalar("SELECT data FROM dossiers WHERE code = ANY($1)")
                .bind(&codes)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(rows.into_iter().map(|d| d.0).collect())
    }

    async fn count_dossiers(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COUNT(*) FROM dossiers")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn events(&self, dossier_id: Uuid) -> Result<Vec<StoredEvent>, StoreError> {
        let sql =
            format!("SELECT {EVENT_COLS} FROM dossier_events WHERE dossier_id = $1 ORDER BY seq");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(dossier_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(event_from_row).collect()
    }

    async fn dossier_with_events(
        &self,
        code: &DossierCode,
    ) -> Result<Option<(Dossier, Vec<StoredEvent>)>, StoreError> {
        // One round trip: the events joined to the dossier, the dossier's text sent with the
        // first row only (the outer join still finds a dossier with no event: one row of NULLs).
        static SQL: LazyLock<String> = LazyLock::new(|| {
            let cols = EVENT_COLS
                .split(", ")
                .map(|c| format!("e.{c}"))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "SELECT CASE WHEN row_number() OVER (ORDER BY e.seq) = 1 THEN d.data END AS data, {cols}
                 FROM dossiers d LEFT JOIN dossier_events e ON e.dossier_id = d.id
                 WHERE d.code = $1 ORDER BY e.seq"
            )
        });
        let rows = sqlx::query(AssertSqlSafe(SQL.as_str()))
            .bind(code.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let JsonText(d): JsonText<Dossier> = first.try_get("data").map_err(db_err)?;
        let events = if first
            .try_get::<Option<Uuid>, _>("id")
            .map_err(db_err)?
            .is_none()
        {
            Vec::new()
        } else {
            rows.iter().map(event_from_row).collect::<Result<_, _>>()?
        };
        Ok(Some((d, events)))
    }

    async fn chain_heads(&self) -> Result<Vec<ChainHead>, StoreError> {
        let rows =
            sqlx::query("SELECT id, code, version, last_event_hash, status, competent_agency, current_agency FROM dossiers ORDER BY code")
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(ChainHead {
                    dossier_id: r.get("id"),
                    code: parse(r.get::<&str, _>("code"))?,
                    version: r.get("version"),
                    last_event_hash: r.get("last_event_hash"),
                    columns: [
                        r.get("status"),
                        r.get("competent_agency"),
                        r.get("current_agency"),
                    ],
                })
            })
            .collect()
    }

    async fn bulk_load(&self, batch: &BulkBatch) -> Result<(), StoreError> {
        crate::bulk::bulk_load(&self.pool, batch).await
    }

    async fn dossier_stats(
        &self,
        province: &ProvinceCode,
        agency: Option<&AgencyCode>,
        now: OffsetDateTime,
        since: OffsetDateTime,
    ) -> Result<DossierStats, StoreError> {
        const SCOPE: &str = "province_code = $1 AND ($2::text IS NULL OR receiving_agency = $2 OR competent_agency = $2 OR current_agency = $2)";
        const OPEN: &str = "status IN ('received', 'processing', 'awaiting_payment')";
        let agency = agency.map(|a| a.as_str().to_owned());
        let by_status: Vec<(String, i64)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT status, COUNT(*) FROM dossiers WHERE {SCOPE} GROUP BY status ORDER BY status"
        )))
        .bind(province.as_str())
        .bind(&agency)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let by_agency: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT receiving_agency, COUNT(*),
                    COUNT(*) FILTER (WHERE status IN ('finished', 'returned')),
                    COUNT(*) FILTER (WHERE data->>'timeliness' IN ('on_time', 'early')),
                    COUNT(*) FILTER (WHERE {OPEN} AND due_at < $3)
             FROM dossiers WHERE {SCOPE} GROUP BY receiving_agency ORDER BY receiving_agency"
        )))
        .bind(province.as_str())
        .bind(&agency)
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let per_day: Vec<(String, i64)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT to_char(submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') AS d, COUNT(*) FROM dossiers
             WHERE {SCOPE} AND submitted_at >= $3 GROUP BY d ORDER BY d"
        )))
        .bind(province.as_str())
        .bind(&agency)
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let (on_time, late, overdue): (i64, i64, i64) = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT COUNT(*) FILTER (WHERE data->>'timeliness' IN ('on_time', 'early')),
                    COUNT(*) FILTER (WHERE data->>'timeliness' = 'late'),
                    COUNT(*) FILTER (WHERE {OPEN} AND due_at < $3)
             FROM dossiers WHERE {SCOPE}"
        )))
        .bind(province.as_str())
        .bind(&agency)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(DossierStats {
            by_status,
            by_agency,
            per_day,
            on_time,
            late,
            overdue,
        })
    }

    async fn kpi_rows(&self, q: &KpiQuery) -> Result<Vec<KpiRow>, StoreError> {
        crate::kpi::rows(&self.pool, q).await
    }

    async fn procedure_popularity(
        &self,
        from_month: &str,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        sqlx::query_as(
            "SELECT procedure_code, CAST(SUM(filed) AS BIGINT) FROM kpi_monthly WHERE month >= $1 GROUP BY procedure_code",
        )
        .bind(from_month)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    async fn kpi_grouped(
        &self,
        q: &KpiQuery,
        by: motcua_app::ports::KpiGroup,
    ) -> Result<Vec<(String, motcua_domain::kpi::Counts)>, StoreError> {
        crate::kpi::grouped(&self.pool, q, by).await
    }

    async fn kpi_breakdown(
        &self,
        q: &KpiQuery,
    ) -> Result<[Vec<(String, motcua_domain::kpi::Counts)>; 3], StoreError> {
        crate::kpi::breakdown(&self.pool, q).await
    }

    async fn handler_load(
        &self,
        agency: &AgencyCode,
    ) -> Result<Vec<(Option<String>, i64)>, StoreError> {
        crate::kpi::handler_load(&self.pool, agency).await
    }

    async fn kpi_sum(
        &self,
        q: &KpiQuery,
        measure: motcua_domain::kpi::Measure,
    ) -> Result<i64, StoreError> {
        crate::kpi::sum(&self.pool, q, measure).await
    }

    async fn officer_rows(
        &self,
        province: &ProvinceCode,
        agency: Option<&AgencyCode>,
        from_month: &str,
        to_month: &str,
    ) -> Result<Vec<OfficerRow>, StoreError> {
        crate::kpi::officers(&self.pool, province, agency, from_month, to_month).await
    }

    async fn dossiers_submitted(
        &self,
        province: &ProvinceCode,
        from: time::OffsetDateTime,
        to: time::OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Dossier>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar("SELECT data::text FROM dossiers WHERE province_code = $1 AND submitted_at >= $2 AND submitted_at < $3 ORDER BY submitted_at, code LIMIT $4")
            .bind(province.as_str()).bind(from).bind(to).bind(i64::from(limit)).fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|d| serde_json::from_str(d).map_err(json_err))
            .collect()
    }

    async fn counter_intakes(
        &self,
        province: &ProvinceCode,
        from: time::OffsetDateTime,
        to: time::OffsetDateTime,
    ) -> Result<Vec<(AgencyCode, String, time::OffsetDateTime, ProcedureCode)>, StoreError> {
        let rows: Vec<(String, String, OffsetDateTime, String)> = sqlx::query_as(
            "SELECT d.receiving_agency, e.actor, e.at, d.procedure_code FROM dossiers d
             JOIN dossier_events e ON e.dossier_id = d.id AND e.seq = 1
             WHERE d.province_code = $1 AND d.submitted_at >= $2 AND d.submitted_at < $3
               AND e.action = 'receive' AND e.actor LIKE 'token:%'",
        )
        .bind(province.as_str())
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter()
            .map(|(a, o, t, p)| Ok((parse(&a)?, o, t, parse(&p)?)))
            .collect()
    }

    async fn staff_on_record(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<(AgencyCode, Role, i64)>, StoreError> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT agency_code, role, COUNT(*) FROM staff_users WHERE province_code = $1 AND NOT disabled
             GROUP BY agency_code, role ORDER BY agency_code, role",
        )
        .bind(province.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter()
            .map(|(a, r, n)| {
                Ok((
                    parse(&a)?,
                    Role::parse(&r).ok_or_else(|| StoreError::Internal("stored role".into()))?,
                    n,
                ))
            })
            .collect()
    }

    async fn insert_notices(&self, notices: &[Notice]) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let mut new = 0;
        for n in notices {
            let roles: Vec<&str> = n.roles.iter().map(|r| r.as_str()).collect();
            new += sqlx::query("INSERT INTO notices (key, province_code, dossier_code, rule_id, action, agency, roles, message, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING")
                .bind(&n.key)
                .bind(n.province_code.as_str())
                .bind(n.dossier_code.as_str())
                .bind(&n.rule_id)
                .bind(enum_str(&n.action))
                .bind(n.agency.as_str())
                .bind(roles.join(","))
                .bind(&n.message)
                .bind(n.created_at)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?
                .rows_affected();
        }
        tx.commit().await.map_err(db_err)?;
        Ok(new)
    }

    async fn notices_for(
        &self,
        agency: &AgencyCode,
        role: Role,
        limit: u32,
    ) -> Result<Vec<Notice>, StoreError> {
        let rows = sqlx::query("SELECT key, province_code, dossier_code, rule_id, action, agency, roles, message, created_at FROM notices WHERE agency = $1 AND (',' || roles || ',') LIKE $2 ORDER BY created_at DESC, key LIMIT $3")
            .bind(agency.as_str())
            .bind(format!("%,{},%", role.as_str()))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(Notice {
                    key: r.get("key"),
                    province_code: parse(r.get::<&str, _>("province_code"))?,
                    dossier_code: parse(r.get::<&str, _>("dossier_code"))?,
                    rule_id: r.get("rule_id"),
                    action: enum_parse(r.get::<&str, _>("action"))?,
                    agency: parse(r.get::<&str, _>("agency"))?,
                    roles: r
                        .get::<&str, _>("roles")
                        .split(',')
                        .filter_map(Role::parse)
                        .collect(),
                    message: r.get("message"),
                    created_at: r.get("created_at"),
                })
            })
            .collect()
    }

    async fn rebuild_kpis(&self, province: &ProvinceCode) -> Result<u64, StoreError> {
        crate::kpi::rebuild(&self.pool, province).await
    }

    async fn overdue_counts(
        &self,
        province: &ProvinceCode,
        from: OffsetDateTime,
        to: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Vec<(AgencyCode, ProcedureCode, i64)>, StoreError> {
        crate::kpi::overdue(&self.pool, province, from, to, now).await
    }

    async fn save_draft(&self, d: &DraftRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO drafts (id, province_code, procedure_code, data, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (id) DO UPDATE SET province_code = excluded.province_code, data = excluded.data, updated_at = excluded.updated_at",
        )
        .bind(d.id)
        .bind(d.province_code.as_str())
        .bind(d.procedure.as_str())
        .bind(Json(&d.data))
        .bind(d.created_at)
        .bind(d.updated_at)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn draft(&self, id: Uuid) -> Result<Option<DraftRecord>, StoreError> {
        let row = sqlx::query("SELECT id, province_code, procedure_code, data, created_at, updated_at FROM drafts WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.map(|r| {
            Ok(DraftRecord {
                id: r.get("id"),
                province_code: parse(r.get::<&str, _>("province_code"))?,
                procedure: parse(r.get::<&str, _>("procedure_code"))?,
                data: r.get::<Json<serde_json::Value>, _>("data").0,
                created_at: r.get("created_at"),
                updated_at: r.get("updated_at"),
            })
        })
        .transpose()
    }

    async fn add_attachment(&self, a: &Attachment, bytes: &[u8]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        sqlx::query("INSERT INTO attachment_blobs (sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING")
            .bind(&a.sha256)
            .bind(bytes)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO attachments (id, province_code, draft_id, dossier_id, component_code, file_name, content_type, size, sha256, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(a.id)
        .bind(a.province_code.as_str())
        .bind(a.draft_id)
        .bind(a.dossier_id)
        .bind(&a.component_code)
        .bind(&a.file_name)
        .bind(&a.content_type)
        .bind(a.size)
        .bind(&a.sha256)
        .bind(a.created_at)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn remove_draft_attachment(&self, draft_id: Uuid, id: Uuid) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "DELETE FROM attachments WHERE id = $1 AND draft_id = $2 AND dossier_id IS NULL",
        )
        .bind(id)
        .bind(draft_id)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn draft_attachments(&self, draft_id: Uuid) -> Result<Vec<Attachment>, StoreError> {
        let sql = format!(
            "SELECT {ATTACHMENT_COLS} FROM attachments WHERE draft_id = $1 AND dossier_id IS NULL ORDER BY created_at, id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(draft_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(attachment_from_row).collect()
    }

    async fn dossier_attachments(&self, dossier_id: Uuid) -> Result<Vec<Attachment>, StoreError> {
        let sql = format!(
            "SELECT {ATTACHMENT_COLS} FROM attachments WHERE dossier_id = $1 ORDER BY created_at, id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(dossier_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(attachment_from_row).collect()
    }

    async fn attachment_bytes(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar("SELECT bytes FROM attachment_blobs WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn link_draft(
        &self,
        draft_id: Uuid,
        dossier_id: Uuid,
        province: &ProvinceCode,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        sqlx::query("UPDATE attachments SET dossier_id = $1, province_code = $2, draft_id = NULL WHERE draft_id = $3")
            .bind(dossier_id)
            .bind(province.as_str())
            .bind(draft_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query("DELETE FROM drafts WHERE id = $1")
            .bind(draft_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn insert_token(&self, secret_hash: &str, t: &TokenRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_tokens (id, secret_hash, province_code, agency_code, role, label, created_at, expires_at)
             VALUES ($1, $2, (SELECT province_code FROM agencies WHERE code = $3), $3, $4, $5, $6, $7)",
        )
        .bind(t.id)
        .bind(secret_hash)
        .bind(t.agency.as_str())
        .bind(t.role.as_str())
        .bind(&t.label)
        .bind(t.created_at)
        .bind(t.expires_at)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn token(&self, secret_hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLS} FROM api_tokens WHERE secret_hash = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(secret_hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(token_from_row).transpose()
    }

    async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLS} FROM api_tokens ORDER BY created_at DESC, id");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_token(&self, id: Uuid, at: OffsetDateTime) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn purge_drafts(&self, before: OffsetDateTime) -> Result<(u64, u64), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        // The files of the drafts to go (and their bytes), then the drafts, then the bytes no
        // other file still names — in one transaction.
        let blobs: Vec<String> = sqlx::query_scalar(
            "DELETE FROM attachments a USING drafts d
              WHERE d.id = a.draft_id AND d.updated_at < $1 AND a.dossier_id IS NULL
              RETURNING a.sha256",
        )
        .bind(before)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        let drafts = sqlx::query("DELETE FROM drafts WHERE updated_at < $1")
            .bind(before)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        sqlx::query(
            "DELETE FROM attachment_blobs b WHERE b.sha256 = ANY($1)
               AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = b.sha256)",
        )
        .bind(&blobs)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok((drafts, blobs.len() as u64))
    }

    async fn insert_user(&self, u: &UserRecord) -> Result<(), StoreError> {
        let r = sqlx::query(
            "INSERT INTO staff_users (id, username, display_name, province_code, agency_code, role,
                 password_hash, must_change_password, disabled, failed_logins, locked_until,
                 password_changed_at, created_at)
             SELECT $1, $2, $3, province_code, code, $4, $5, $6, $7, $8, $9, $10, $11 FROM agencies WHERE code = $12",
        )
        .bind(u.id)
        .bind(u.username.as_str())
        .bind(&u.display_name)
        .bind(u.role.as_str())
        .bind(&u.password_hash)
        .bind(u.must_change_password)
        .bind(u.disabled)
        .bind(i64::from(u.login.failures))
        .bind(u.login.locked_until)
        .bind(u.password_changed_at)
        .bind(u.created_at)
        .bind(u.agency.as_str())
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        if r.rows_affected() == 0 {
            return Err(StoreError::Internal(format!("no agency {}", u.agency)));
        }
        Ok(())
    }

    async fn user_by_name(&self, name: &Username) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("{USER_COLUMNS} WHERE username = $1")))
            .bind(name.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.map(|r| user_row(&r)).transpose()
    }

    async fn user(&self, id: Uuid) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("{USER_COLUMNS} WHERE id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.map(|r| user_row(&r)).transpose()
    }

    async fn users(&self, province: Option<&ProvinceCode>) -> Result<Vec<UserRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{USER_COLUMNS} WHERE $1::text IS NULL OR province_code = $2 ORDER BY username"
        )))
        .bind(province.map(|p| p.as_str()))
        .bind(province.map(|p| p.as_str()))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(user_row).collect()
    }

    async fn set_login_state(&self, id: Uuid, state: &LoginState) -> Result<(), StoreError> {
        sqlx::query("UPDATE staff_users SET failed_logins = $1, locked_until = $2 WHERE id = $3")
            .bind(i64::from(state.failures))
            .bind(state.locked_until)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn set_password(
        &self,
        id: Uuid,
        hash: &str,
        must_change: bool,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE staff_users SET password_hash = $1, must_change_password = $2,
                 password_changed_at = $3, failed_logins = 0, locked_until = NULL WHERE id = $4",
        )
        .bind(hash)
        .bind(must_change)
        .bind(at)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn set_user_disabled(&self, id: Uuid, disabled: bool) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE staff_users SET disabled = $1 WHERE id = $2")
            .bind(disabled)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected() > 0)
    }

    async fn insert_session(&self, secret_hash: &str, s: &SessionRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO staff_sessions (secret_hash, user_id, created_at, last_seen_at, ip)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(secret_hash)
        .bind(s.user_id)
        .bind(s.created_at)
        .bind(s.last_seen_at)
        .bind(&s.ip)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn session(&self, secret_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id, created_at, last_seen_at, ip FROM staff_sessions WHERE secret_hash = $1",
        )
        .bind(secret_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.map(|r| {
            Ok(SessionRecord {
                user_id: r.get("user_id"),
                created_at: r.get("created_at"),
                last_seen_at: r.get("last_seen_at"),
                ip: r.get("ip"),
            })
        })
        .transpose()
    }

    async fn touch_session(&self, secret_hash: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query("UPDATE staff_sessions SET last_seen_at = $1 WHERE secret_hash = $2")
            .bind(at)
            .bind(secret_hash)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_session(&self, secret_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM staff_sessions WHERE secret_hash = $1")
            .bind(secret_hash)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_user_sessions(&self, user_id: Uuid) -> Result<u64, StoreError> {
        let r = sqlx::query("DELETE FROM staff_sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected())
    }

    async fn insert_citizen_session(
        &self,
        secret_hash: &str,
        s: &CitizenSessionRecord,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO citizen_sessions (secret_hash, subject, id_number, name, created_at, last_seen_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(secret_hash)
        .bind(&s.subject)
        .bind(s.id_number.as_str())
        .bind(&s.name)
        .bind(s.created_at)
        .bind(s.last_seen_at)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn citizen_session(
        &self,
        secret_hash: &str,
    ) -> Result<Option<CitizenSessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT subject, id_number, name, created_at, last_seen_at FROM citizen_sessions
             WHERE secret_hash = $1",
        )
        .bind(secret_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.map(|r| {
            Ok(CitizenSessionRecord {
                subject: r.get("subject"),
                id_number: parse(r.get::<&str, _>("id_number"))?,
                name: r.get("name"),
                created_at: r.get("created_at"),
                last_seen_at: r.get("last_seen_at"),
            })
        })
        .transpose()
    }

    async fn touch_citizen_session(
        &self,
        secret_hash: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE citizen_sessions SET last_seen_at = $1 WHERE secret_hash = $2")
            .bind(at)
            .bind(secret_hash)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_citizen_session(&self, secret_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM citizen_sessions WHERE secret_hash = $1")
            .bind(secret_hash)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn dossiers_of_applicant(
        &self,
        id_number: &CitizenId,
        limit: u32,
    ) -> Result<Vec<Dossier>, StoreError> {
        let rows: Vec<JsonText<Dossier>> = sqlx::query_scalar(
            "SELECT data FROM dossiers WHERE (data->'applicant'->>'id_number') = $1
             ORDER BY submitted_at DESC, code DESC LIMIT $2",
        )
        .bind(id_number.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.into_iter().map(|d| d.0).collect())
    }

    async fn insert_security_event(&self, e: &SecurityEvent) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO security_events (id, at, kind, actor, province_code, subject, ip, detail)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(e.id)
        .bind(e.at)
        .bind(&e.kind)
        .bind(&e.actor)
        .bind(e.province.as_deref())
        .bind(&e.subject)
        .bind(&e.ip)
        .bind(&e.detail)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn security_events(
        &self,
        province: Option<&ProvinceCode>,
        limit: u32,
    ) -> Result<Vec<SecurityEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, kind, actor, province_code, subject, ip, detail FROM security_events
             WHERE $1::text IS NULL OR province_code = $2 ORDER BY at DESC, id DESC LIMIT $3",
        )
        .bind(province.map(|p| p.as_str()))
        .bind(province.map(|p| p.as_str()))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(SecurityEvent {
                    id: r.get("id"),
                    at: r.get("at"),
                    kind: r.get("kind"),
                    actor: r.get("actor"),
                    province: r.get("province_code"),
                    subject: r.get("subject"),
                    ip: r.get("ip"),
                    detail: r.get("detail"),
                })
            })
            .collect()
    }

    async fn insert_authority_rule(&self, rule: &AuthorityRule) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO authority_rules (province_code, id, valid_from, valid_to, data)
             VALUES ($1, $2, $3, $4, $5::json)",
        )
        .bind(rule.province_code.as_str())
        .bind(&rule.id)
        .bind(rule.valid_from)
        .bind(rule.valid_to)
        .bind(serde_json::to_string(rule).map_err(json_err)?)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn replace_authority_rule(&self, rule: &AuthorityRule) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE authority_rules SET valid_from = $1, valid_to = $2, data = $3::json
             WHERE province_code = $4 AND id = $5",
        )
        .bind(rule.valid_from)
        .bind(rule.valid_to)
        .bind(serde_json::to_string(rule).map_err(json_err)?)
        .bind(rule.province_code.as_str())
        .bind(&rule.id)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn authority_rules(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<AuthorityRule>, StoreError> {
        let rows: Vec<Json<AuthorityRule>> = sqlx::query_scalar(
            "SELECT data FROM authority_rules WHERE province_code = $1 ORDER BY id",
        )
        .bind(province.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.into_iter().map(|Json(r)| r).collect())
    }

    async fn insert_linked(
        &self,
        a: &LinkedApplication,
        idem: Option<&IdempotencyRecord>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO linked_applications (province_code, id, code, service, filed_at, idempotency_key, request_hash, data)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(a.province_code.as_str())
        .bind(a.id)
        .bind(a.code.as_str())
        .bind(a.service.as_str())
        .bind(a.filed_at)
        .bind(idem.map(|i| i.key.as_str()))
        .bind(idem.map(|i| i.request_hash.as_str()))
        .bind(Json(a))
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn linked_idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT idempotency_key, request_hash, code FROM linked_applications WHERE idempotency_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.map(|r| {
            Ok(IdempotencyRecord {
                key: r.try_get(0).map_err(db_err)?,
                request_hash: r.try_get(1).map_err(db_err)?,
                dossier_code: parse(&r.try_get::<String, _>(2).map_err(db_err)?)?,
            })
        })
        .transpose()
    }

    async fn linked(&self, code: &DossierCode) -> Result<Option<LinkedApplication>, StoreError> {
        let row: Option<Json<LinkedApplication>> =
            sqlx::query_scalar("SELECT data FROM linked_applications WHERE code = $1")
                .bind(code.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(row.map(|Json(a)| a))
    }

    async fn linked_since(
        &self,
        since: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<LinkedApplication>, StoreError> {
        let rows: Vec<Json<LinkedApplication>> = sqlx::query_scalar(
            "SELECT data FROM linked_applications WHERE filed_at >= $1 ORDER BY filed_at, id LIMIT $2",
        )
        .bind(since)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.into_iter().map(|Json(a)| a).collect())
    }
}

/// The columns of an account, for `user_row`.
const USER_COLUMNS: &str = "SELECT id, username, display_name, agency_code, role, password_hash,
    must_change_password, disabled, failed_logins, locked_until, password_changed_at, created_at
    FROM staff_users";

fn user_row(r: &PgRow) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        id: r.get("id"),
        username: Username::parse(r.get::<&str, _>("username"))
            .map_err(|e| StoreError::Internal(format!("stored user name: {e}")))?,
        display_name: r.get("display_name"),
        agency: parse(r.get::<&str, _>("agency_code"))?,
        role: Role::parse(r.get::<&str, _>("role"))
            .ok_or_else(|| StoreError::Internal("stored role".into()))?,
        password_hash: r.get("password_hash"),
        must_change_password: r.get("must_change_password"),
        disabled: r.get("disabled"),
        login: LoginState {
            failures: u32::try_from(r.get::<i32, _>("failed_logins")).unwrap_or(0),
            locked_until: r.get("locked_until"),
        },
        password_changed_at: r.get("password_changed_at"),
        created_at: r.get("created_at"),
    })
}
