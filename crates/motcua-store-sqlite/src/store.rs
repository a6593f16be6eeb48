//! The [`Store`] implementation.

use crate::group::GroupWriter;
use crate::rows::{db_err, decode_all, parse_ts, ts};
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
use motcua_domain::kpi;
use motcua_domain::linked::LinkedApplication;
use motcua_domain::units::{Commune, MappingRow, Province, UnitsData};
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

fn agency_from_row(r: &SqliteRow) -> Result<Agency, StoreError> {
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

fn event_from_row(r: &SqliteRow) -> Result<StoredEvent, StoreError> {
    Ok(StoredEvent {
        id: parse(r.get::<&str, _>("id"))?,
        dossier_id: parse(r.get::<&str, _>("dossier_id"))?,
        province_code: parse(r.get::<&str, _>("province_code"))?,
        seq: r.get("seq"),
        action: r.get("action"),
        status: r.get("status"),
        actor: r.get("actor"),
        agency: r.get("agency"),
        at: parse_ts(r.get::<&str, _>("at"))?,
        payload: r.get("payload"),
        prev_hash: r.get("prev_hash"),
        hash: r.get("hash"),
    })
}

const TOKEN_COLS: &str = "id, agency_code, role, label, created_at, expires_at, revoked_at";

fn token_from_row(r: &sqlx::sqlite::SqliteRow) -> Result<TokenRecord, StoreError> {
    let opt = |c: &str| -> Result<Option<OffsetDateTime>, StoreError> {
        r.get::<Option<&str>, _>(c).map(parse_ts).transpose()
    };
    Ok(TokenRecord {
        id: parse(r.get::<&str, _>("id"))?,
        agency: parse(r.get::<&str, _>("agency_code"))?,
        role: Role::parse(r.get::<&str, _>("role"))
            .ok_or_else(|| StoreError::Internal("stored role".into()))?,
        label: r.get("label"),
        created_at: parse_ts(r.get::<&str, _>("created_at"))?,
        expires_at: opt("expires_at")?,
        revoked_at: opt("revoked_at")?,
    })
}

const ATTACHMENT_COLS: &str = "id, province_code, draft_id, dossier_id, component_code, file_name, content_type, size, sha256, created_at";

fn attachment_from_row(r: &SqliteRow) -> Result<Attachment, StoreError> {
    let opt = |c: &str| -> Result<Option<Uuid>, StoreError> {
        r.get::<Option<String>, _>(c)
            .as_deref()
            .map(parse)
            .transpose()
    };
    Ok(Attachment {
        id: parse(r.get::<&str, _>("id"))?,
        province_code: parse(r.get::<&str, _>("province_code"))?,
        draft_id: opt("draft_id")?,
        dossier_id: opt("dossier_id")?,
        component_code: r.get("component_code"),
        file_name: r.get("file_name"),
        content_type: r.get("content_type"),
        size: r.get("size"),
        sha256: r.get("sha256"),
        created_at: parse_ts(r.get::<&str, _>("created_at"))?,
    })
}

const AGENCY_COLS: &str = "code, name, kind, level, province_code, unit_code";
const EVENT_COLS: &str = "id, dossier_id, province_code, seq, action, status, actor, agency, at, payload, prev_hash, hash";

const DOCUMENT_COLS: &str = "id, province_code, dossier_id, dossier_code, kind, number, title, file_name, sha256, size, signed_by, signer_name, actor, event_seq, created_at";

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

fn document_from_row(r: &SqliteRow) -> Result<DocumentRecord, StoreError> {
    Ok(DocumentRecord {
        id: parse(r.get::<&str, _>("id"))?,
        province_code: parse(r.get::<&str, _>("province_code"))?,
        dossier_id: parse(r.get::<&str, _>("dossier_id"))?,
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
        created_at: parse_ts(r.get::<&str, _>("created_at"))?,
    })
}

const JOB_COLS: &str = "id, province_code, dossier_id, dossier_code, kind, number, issuer, actor, officer, event_seq, issued_at, dossier";

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

fn job_from_row(r: &SqliteRow) -> Result<DocumentJob, StoreError> {
    Ok(DocumentJob {
        id: parse(r.get::<&str, _>("id"))?,
        province_code: parse(r.get::<&str, _>("province_code"))?,
        dossier_id: parse(r.get::<&str, _>("dossier_id"))?,
        dossier_code: parse(r.get::<&str, _>("dossier_code"))?,
        kind: r.get("kind"),
        number: r.get("number"),
        issuer: parse(r.get::<&str, _>("issuer"))?,
        actor: r.get("actor"),
        officer: r.get("officer"),
        event_seq: r.get("event_seq"),
        issued_at: parse_ts(r.get::<&str, _>("issued_at"))?,
        dossier: r.get("dossier"),
    })
}

async fn insert_dossier_row(
    tx: &mut sqlx::SqliteConnection,
    d: &Dossier,
) -> Result<(), StoreError> {
    let data = serde_json::to_string(d).map_err(json_err)?;
    sqlx::query(
        "INSERT INTO dossiers (id, province_code, code, procedure_code, procedure_version, status, version,
         receiving_agency, competent_agency, current_agency, due_at, submitted_at, last_event_hash, data)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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

#[async_trait]
impl Store for SqliteStore {
    async fn replace_units(&self, data: &UnitsData) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await.map_err(db_err)?;
        // Agencies reference units; keep them, replacing units in place.
        sqlx::query("DELETE FROM unit_mapping")
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        for p in &data.provinces {
            sqlx::query(
                "INSERT INTO provinces (code, name, kind, codename) VALUES (?, ?, ?, ?)
                 ON CONFLICT(code) DO UPDATE SET name = excluded.name, kind = excluded.kind, codename = excluded.codename",
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
                "INSERT INTO communes (code, province_code, name, kind, codename) VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT(code) DO UPDATE SET province_code = excluded.province_code, name = excluded.name,
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
                 new_province_name, nso_note, is_partial, old_split_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            .bind(i64::from(m.old_split_count))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn load_units(&self) -> Result<UnitsData, StoreError> {
        let provinces =
            sqlx::query("SELECT code, name, kind, codename FROM provinces ORDER BY rowid")
                .fetch_all(&self.reader)
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
            "SELECT code, province_code, name, kind, codename FROM communes ORDER BY rowid",
        )
        .fetch_all(&self.reader)
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
        .fetch_all(&self.reader)
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
                old_split_count: r.get::<i64, _>("old_split_count") as u32,
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
        let mut tx = self.writer.begin().await.map_err(db_err)?;
        for a in agencies {
            sqlx::query(
                "INSERT INTO agencies (code, province_code, unit_code, name, kind, level) VALUES (?, ?, ?, ?, ?, ?)
                 ON CONFLICT(code) DO UPDATE SET province_code = excluded.province_code, unit_code = excluded.unit_code,
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
        let sql = format!("SELECT {AGENCY_COLS} FROM agencies WHERE code = ?");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(code.as_str())
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        row.as_ref().map(agency_from_row).transpose()
    }

    async fn agencies_of_unit(&self, unit: &UnitCode) -> Result<Vec<Agency>, StoreError> {
        let sql = format!("SELECT {AGENCY_COLS} FROM agencies WHERE unit_code = ? ORDER BY code");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(unit.as_str())
            .fetch_all(&self.reader)
            .await
            .map_err(db_err)?;
        rows.iter().map(agency_from_row).collect()
    }

    async fn agencies_in_province(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<Agency>, StoreError> {
        let sql =
            format!("SELECT {AGENCY_COLS} FROM agencies WHERE province_code = ? ORDER BY code");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(province.as_str())
            .fetch_all(&self.reader)
            .await
            .map_err(db_err)?;
        rows.iter().map(agency_from_row).collect()
    }

    async fn agencies_of_province(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<Agency>, StoreError> {
        let sql = format!(
            "SELECT {AGENCY_COLS} FROM agencies WHERE province_code = ? AND level = 'province' ORDER BY code"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(province.as_str())
            .fetch_all(&self.reader)
            .await
            .map_err(db_err)?;
        rows.iter().map(agency_from_row).collect()
    }

    async fn count_agencies(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COUNT(*) FROM agencies")
            .fetch_one(&self.reader)
            .await
            .map_err(db_err)
    }

    async fn insert_procedure_version(&self, p: &Procedure) -> Result<(), StoreError> {
        let data = serde_json::to_string(p).map_err(json_err)?;
        let mut tx = self.writer.begin().await.map_err(db_err)?;
        let latest: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(version) FROM procedures WHERE province_code = ? AND code = ?",
        )
        .bind(NATIONAL)
        .bind(p.code.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        if latest.unwrap_or(0) + 1 != i64::from(p.version) {
            return Err(StoreError::Duplicate(format!(
                "procedure {} version {}",
                p.code, p.version
            )));
        }
        sqlx::query("INSERT INTO procedures (province_code, code, version, name, data, created_at) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(NATIONAL)
            .bind(p.code.as_str())
            .bind(i64::from(p.version))
            .bind(&p.name)
            .bind(data)
            .bind(ts(time::OffsetDateTime::now_utc()))
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
        let data: Option<String> = match version {
            Some(v) => sqlx::query_scalar("SELECT data FROM procedures WHERE province_code = ? AND code = ? AND version = ?")
                .bind(NATIONAL)
                .bind(code.as_str())
                .bind(i64::from(v))
                .fetch_optional(&self.reader)
                .await,
            None => sqlx::query_scalar(
                "SELECT data FROM procedures WHERE province_code = ? AND code = ? ORDER BY version DESC LIMIT 1",
            )
            .bind(NATIONAL)
            .bind(code.as_str())
            .fetch_optional(&self.reader)
            .await,
        }
        .map_err(db_err)?;
        data.map(|d| serde_json::from_str(&d).map_err(json_err))
            .transpose()
    }

    async fn current_procedures(&self) -> Result<Vec<Procedure>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT p.data FROM procedures p
             WHERE p.province_code = ? AND p.version = (SELECT MAX(version) FROM procedures q
                   WHERE q.province_code = p.province_code AND q.code = p.code)
             ORDER BY p.code",
        )
        .bind(NATIONAL)
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        decode_all(&rows)
    }

    async fn holiday_years(&self, province: &ProvinceCode) -> Result<Vec<HolidayYear>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM holiday_years WHERE province_code = ? ORDER BY year",
        )
        .bind(province.as_str())
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        decode_all(&rows)
    }

    async fn save_holiday_year(
        &self,
        province: &ProvinceCode,
        year: &HolidayYear,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO holiday_years (province_code, year, data) VALUES (?, ?, ?)
             ON CONFLICT(province_code, year) DO UPDATE SET data = excluded.data",
        )
        .bind(province.as_str())
        .bind(year.year)
        .bind(serde_json::to_string(year).map_err(json_err)?)
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn office_hours(&self, unit: &UnitCode) -> Result<Option<OfficeHours>, StoreError> {
        let d: Option<String> =
            sqlx::query_scalar("SELECT data FROM office_hours WHERE unit_code = ?")
                .bind(unit.as_str())
                .fetch_optional(&self.reader)
                .await
                .map_err(db_err)?;
        d.map(|d| serde_json::from_str(&d).map_err(json_err))
            .transpose()
    }

    async fn set_office_hours(
        &self,
        unit: &UnitCode,
        province: &ProvinceCode,
        hours: &OfficeHours,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO office_hours (unit_code, province_code, data) VALUES (?, ?, ?)
             ON CONFLICT(unit_code) DO UPDATE SET data = excluded.data",
        )
        .bind(unit.as_str())
        .bind(province.as_str())
        .bind(serde_json::to_string(hours).map_err(json_err)?)
        .execute(&self.writer)
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
        let prefixes: Vec<String> = prefixes.iter().map(|p| (*p).to_owned()).collect();
        let province = province.clone();
        // One transaction of the write group: every number or none.
        self.group
            .write(move |conn| {
                Box::pin(async move {
                    let mut numbers = Vec::with_capacity(prefixes.len());
                    for prefix in &prefixes {
                        let n: i64 = sqlx::query_scalar(
                            "INSERT INTO code_sequences (prefix, province_code, last) VALUES (?, ?, 1)
                             ON CONFLICT(prefix) DO UPDATE SET last = last + 1 RETURNING last",
                        )
                        .bind(prefix)
                        .bind(province.as_str())
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(db_err)?;
                        numbers.push(n as u64);
                    }
                    Ok(numbers)
                })
            })
            .await
    }

    async fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT key, request_hash, dossier_code FROM idempotency_keys WHERE key = ?",
        )
        .bind(key)
        // A reader sees every committed key (WAL); a key committed after this read is caught by
        // the unique index when the dossier is inserted.
        .fetch_optional(&self.reader)
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
        let (d, first, idem, documents) =
            (d.clone(), first.clone(), idem.cloned(), documents.to_vec());
        self.group
            .write(move |tx| {
                Box::pin(async move {
                    insert_dossier_row(&mut *tx, &d).await?;
                    insert_event(&mut *tx, &first).await?;
                    crate::kpi::add(&mut *tx, &kpi::delta(None, &d)).await?;
                    crate::kpi::add_officer(&mut *tx, &first, &d).await?;
                    if let Some(i) = idem {
                        sqlx::query(
                            "INSERT INTO idempotency_keys (key, province_code, request_hash, dossier_code, created_at) VALUES (?, ?, ?, ?, ?)",
                        )
                        .bind(&i.key)
                        .bind(d.province_code.as_str())
                        .bind(&i.request_hash)
                        .bind(d.code.as_str())
                        .bind(ts(d.submitted_at))
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?;
                    }
                    insert_issued(tx, &documents).await
                })
            })
            .await
    }

    async fn append_transition(
        &self,
        before: &Dossier,
        d: &Dossier,
        event: &StoredEvent,
        documents: &[Issued],
    ) -> Result<(), StoreError> {
        let data = serde_json::to_string(d).map_err(json_err)?;
        let expected_version = before.version;
        let deltas = kpi::delta(Some(before), d);
        let (d, event, documents) = (d.clone(), event.clone(), documents.to_vec());
        self.group
            .write(move |tx| {
                Box::pin(async move {
                    let updated = sqlx::query(
                        "UPDATE dossiers SET status = ?, version = ?, current_agency = ?, due_at = ?, last_event_hash = ?, data = ?
                         WHERE id = ? AND province_code = ? AND version = ?",
                    )
                    .bind(d.status.as_str())
                    .bind(d.version)
                    .bind(d.current_agency.as_str())
                    .bind(d.due_at.map(ts))
                    .bind(&d.last_event_hash)
                    .bind(data)
                    .bind(d.id.to_string())
                    .bind(d.province_code.as_str())
                    .bind(expected_version)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                    if updated.rows_affected() != 1 {
                        return Err(StoreError::Conflict);
                    }
                    insert_event(&mut *tx, &event).await?;
                    crate::kpi::add(&mut *tx, &deltas).await?;
                    crate::kpi::add_officer(&mut *tx, &event, &d).await?;
                    insert_issued(tx, &documents).await
                })
            })
            .await
    }

    async fn add_document(&self, doc: &NewDocument) -> Result<(), StoreError> {
        let doc = doc.clone();
        self.group
            .write(move |tx| Box::pin(async move { insert_document(tx, &doc).await }))
            .await
    }

    async fn document_jobs(&self, limit: u32) -> Result<Vec<DocumentJob>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {JOB_COLS} FROM document_jobs ORDER BY issued_at, id LIMIT ?"
        )))
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(job_from_row).collect()
    }

    async fn dossier_document_jobs(
        &self,
        dossier_id: Uuid,
    ) -> Result<Vec<DocumentJob>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {JOB_COLS} FROM document_jobs WHERE dossier_id = ? ORDER BY issued_at, id"
        )))
        .bind(dossier_id.to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(job_from_row).collect()
    }

    async fn complete_document_job(&self, doc: &NewDocument) -> Result<bool, StoreError> {
        // One writer: the delete and the insert cannot interleave with another finisher's.
        let doc = doc.clone();
        self.group
            .write(move |tx| {
                Box::pin(async move {
                    let gone = sqlx::query("DELETE FROM document_jobs WHERE id = ?")
                        .bind(doc.record.id.to_string())
                        .execute(&mut *tx)
                        .await
                        .map_err(db_err)?
                        .rows_affected();
                    if gone == 0 {
                        return Ok(false);
                    }
                    insert_document(tx, &doc).await?;
                    Ok(true)
                })
            })
            .await
    }

    async fn dossier_documents(&self, dossier_id: Uuid) -> Result<Vec<DocumentRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {DOCUMENT_COLS} FROM documents WHERE dossier_id = ? ORDER BY created_at, id"
        )))
        .bind(dossier_id.to_string())
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(document_from_row).collect()
    }

    async fn document(&self, id: Uuid) -> Result<Option<DocumentRecord>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {DOCUMENT_COLS} FROM documents WHERE id = ?"
        )))
        .bind(id.to_string())
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.as_ref().map(document_from_row).transpose()
    }

    async fn document_bytes(&self, id: Uuid) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar("SELECT bytes FROM documents WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)
    }

    async fn documents_by_sha256(&self, sha256: &str) -> Result<Vec<DocumentRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {DOCUMENT_COLS} FROM documents WHERE sha256 = ? ORDER BY created_at"
        )))
        .bind(sha256)
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(document_from_row).collect()
    }

    async fn dossier(&self, code: &DossierCode) -> Result<Option<Dossier>, StoreError> {
        let data: Option<String> = sqlx::query_scalar("SELECT data FROM dossiers WHERE code = ?")
            .bind(code.as_str())
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        data.map(|d| serde_json::from_str(&d).map_err(json_err))
            .transpose()
    }

    async fn list_dossiers(&self, f: &DossierFilter) -> Result<Vec<DossierListing>, StoreError> {
        let statuses = f.statuses();
        if statuses.is_empty() {
            return Ok(Vec::new());
        }
        // Built only from static fragments — the statuses' names are the enum's own constants;
        // every value is bound.
        let mut sql = String::from("SELECT data FROM dossiers WHERE 1 = 1");
        if f.agency.is_some() {
            sql.push_str(
                " AND (current_agency = ?1 OR receiving_agency = ?1 OR competent_agency = ?1)",
            );
        }
        sql.push_str(&status_condition(&statuses));
        if f.due_before.is_some() {
            sql.push_str(" AND due_at < ?3");
        }
        if f.procedure.is_some() {
            sql.push_str(" AND procedure_code = ?4");
        }
        if f.province.is_some() {
            sql.push_str(" AND province_code = ?7");
        }
        if f.due_after.is_some() {
            sql.push_str(" AND due_at >= ?8");
        }
        sql.push_str(" ORDER BY due_at IS NULL, due_at, code LIMIT ?5 OFFSET ?6");
        let rows: Vec<String> = sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(f.agency.as_ref().map(|a| a.as_str().to_owned()))
            .bind(None::<&str>) // ?2: unused (the statuses are inline above)
            .bind(f.due_before.map(ts))
            .bind(f.procedure.as_ref().map(|p| p.as_str().to_owned()))
            .bind(i64::from(f.limit))
            .bind(i64::from(f.offset))
            .bind(f.province.as_ref().map(|p| p.as_str().to_owned()))
            .bind(f.due_after.map(ts))
            .fetch_all(&self.reader)
            .await
            .map_err(db_err)?;
        decode_all(&rows)
    }

    async fn watch_page(&self, q: &WatchPage) -> Result<Vec<Dossier>, StoreError> {
        // As PostgreSQL's: a range of `dossiers_open_due_cover` (province, due date; open only)
        // from the last page's due date, or a province's dossiers in one status by code.
        let rows: Vec<String> = match q.scope {
            WatchScope::DueBetween { from, to } => {
                let (from, after_code) = match &q.after {
                    Some(c) => (c.due_at.unwrap_or(from).max(from), Some(c.code.as_str())),
                    None => (from, None),
                };
                sqlx::query_scalar(
                    "SELECT data FROM dossiers
                     WHERE province_code = ?1 AND status IN ('received', 'processing', 'awaiting_payment')
                       AND due_at >= ?2 AND due_at < ?3
                       AND (?4 IS NULL OR (due_at, code) > (?2, ?4))
                     ORDER BY due_at, code LIMIT ?5",
                )
                .bind(q.province.as_str())
                .bind(ts(from))
                .bind(ts(to))
                .bind(after_code)
                .bind(i64::from(q.limit))
                .fetch_all(&self.reader)
                .await
            }
            WatchScope::InStatus(status) => {
                sqlx::query_scalar(
                    "SELECT data FROM dossiers
                     WHERE province_code = ?1 AND status = ?2 AND code > ?3
                     ORDER BY code LIMIT ?4",
                )
                .bind(q.province.as_str())
                .bind(status.as_str())
                .bind(q.after.as_ref().map_or("", |c| c.code.as_str()))
                .bind(i64::from(q.limit))
                .fetch_all(&self.reader)
                .await
            }
        }
        .map_err(db_err)?;
        decode_all(&rows)
    }

    async fn dossiers(&self, codes: &[DossierCode]) -> Result<Vec<Dossier>, StoreError> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        // The codes as one JSON array: one statement, however many there are.
        let codes =
            serde_json::to_string(&codes.iter().map(DossierCode::as_str).collect::<Vec<_>>())
                .map_err(json_err)?;
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM dossiers WHERE code IN (SELECT value FROM json_each(?))",
        )
        .bind(codes)
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        decode_all(&rows)
    }

    async fn count_dossiers(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COUNT(*) FROM dossiers")
            .fetch_one(&self.reader)
            .await
            .map_err(db_err)
    }

    async fn events(&self, dossier_id: Uuid) -> Result<Vec<StoredEvent>, StoreError> {
        let sql =
            format!("SELECT {EVENT_COLS} FROM dossier_events WHERE dossier_id = ? ORDER BY seq");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(dossier_id.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(db_err)?;
        rows.iter().map(event_from_row).collect()
    }

    async fn chain_heads(&self) -> Result<Vec<ChainHead>, StoreError> {
        let rows =
            sqlx::query("SELECT id, code, version, last_event_hash, status, competent_agency, current_agency FROM dossiers ORDER BY code")
                .fetch_all(&self.reader)
                .await
                .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(ChainHead {
                    dossier_id: parse(r.get::<&str, _>("id"))?,
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
        let mut tx = self.writer.begin().await.map_err(db_err)?;
        for (d, events) in &batch.dossiers {
            insert_dossier_row(&mut tx, d).await?;
            for e in events {
                insert_event(&mut tx, e).await?;
            }
        }
        crate::kpi::add(&mut tx, &kpi::totals(batch.dossiers.iter().map(|(d, _)| d))).await?;
        crate::kpi::add_officers(
            &mut tx,
            motcua_app::store_support::officer_tally(&batch.dossiers),
        )
        .await?;
        for (province, prefix, last) in &batch.sequences {
            sqlx::query(
                "INSERT INTO code_sequences (prefix, province_code, last) VALUES (?, ?, ?)
                 ON CONFLICT (prefix) DO UPDATE SET last = MAX(code_sequences.last, excluded.last)",
            )
            .bind(prefix)
            .bind(province.as_str())
            .bind(i64::try_from(*last).unwrap_or(i64::MAX))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn dossier_stats(
        &self,
        province: &ProvinceCode,
        agency: Option<&AgencyCode>,
        now: time::OffsetDateTime,
        since: time::OffsetDateTime,
    ) -> Result<DossierStats, StoreError> {
        // Scope: ?1 province, ?2 agency (NULL = the whole province). Static SQL, values bound.
        const SCOPE: &str = "province_code = ?1 AND (?2 IS NULL OR receiving_agency = ?2 OR competent_agency = ?2 OR current_agency = ?2)";
        let agency = agency.map(|a| a.as_str().to_owned());
        let by_status: Vec<(String, i64)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT status, COUNT(*) FROM dossiers WHERE {SCOPE} GROUP BY status ORDER BY status"
        )))
        .bind(province.as_str())
        .bind(&agency)
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        let by_agency: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT receiving_agency, COUNT(*),
                    SUM(status IN ('finished', 'returned')),
                    SUM(json_extract(data, '$.timeliness') IN ('on_time', 'early')),
                    SUM(status IN ('received', 'processing', 'awaiting_payment') AND due_at < ?3)
             FROM dossiers WHERE {SCOPE} GROUP BY receiving_agency ORDER BY receiving_agency"
        )))
        .bind(province.as_str())
        .bind(&agency)
        .bind(ts(now))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        let per_day: Vec<(String, i64)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT date(submitted_at, '+7 hours') AS d, COUNT(*) FROM dossiers
             WHERE {SCOPE} AND submitted_at >= ?3 GROUP BY d ORDER BY d"
        )))
        .bind(province.as_str())
        .bind(&agency)
        .bind(ts(since))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        let (on_time, late, overdue): (Option<i64>, Option<i64>, Option<i64>) =
            sqlx::query_as(AssertSqlSafe(format!(
                "SELECT SUM(json_extract(data, '$.timeliness') IN ('on_time', 'early')),
                    SUM(json_extract(data, '$.timeliness') = 'late'),
                    SUM(status IN ('received', 'processing', 'awaiting_payment') AND due_at < ?3)
             FROM dossiers WHERE {SCOPE}"
            )))
            .bind(province.as_str())
            .bind(&agency)
            .bind(ts(now))
            .fetch_one(&self.reader)
            .await
            .map_err(db_err)?;
        Ok(DossierStats {
            by_status,
            by_agency,
            per_day,
            on_time: on_time.unwrap_or(0),
            late: late.unwrap_or(0),
            overdue: overdue.unwrap_or(0),
        })
    }

    async fn kpi_rows(&self, q: &KpiQuery) -> Result<Vec<KpiRow>, StoreError> {
        crate::kpi::rows(&self.reader, q).await
    }

    async fn procedure_popularity(
        &self,
        from_month: &str,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        sqlx::query_as(
            "SELECT procedure_code, CAST(SUM(filed) AS BIGINT) FROM kpi_monthly WHERE month >= ?1 GROUP BY procedure_code",
        )
        .bind(from_month)
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)
    }

    async fn kpi_grouped(
        &self,
        q: &KpiQuery,
        by: motcua_app::ports::KpiGroup,
    ) -> Result<Vec<(String, motcua_domain::kpi::Counts)>, StoreError> {
        crate::kpi::grouped(&self.reader, q, by).await
    }

    async fn handler_load(
        &self,
        agency: &AgencyCode,
    ) -> Result<Vec<(Option<String>, i64)>, StoreError> {
        crate::kpi::handler_load(&self.reader, agency).await
    }

    async fn kpi_sum(
        &self,
        q: &KpiQuery,
        measure: motcua_domain::kpi::Measure,
    ) -> Result<i64, StoreError> {
        crate::kpi::sum(&self.reader, q, measure).await
    }

    async fn officer_rows(
        &self,
        province: &ProvinceCode,
        agency: Option<&AgencyCode>,
        from_month: &str,
        to_month: &str,
    ) -> Result<Vec<OfficerRow>, StoreError> {
        crate::kpi::officers(&self.reader, province, agency, from_month, to_month).await
    }

    async fn dossiers_submitted(
        &self,
        province: &ProvinceCode,
        from: time::OffsetDateTime,
        to: time::OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Dossier>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar("SELECT data FROM dossiers WHERE province_code = ? AND submitted_at >= ? AND submitted_at < ? ORDER BY submitted_at, code LIMIT ?")
            .bind(province.as_str()).bind(crate::rows::ts(from)).bind(crate::rows::ts(to)).bind(i64::from(limit)).fetch_all(&self.reader)
            .await
            .map_err(db_err)?;
        decode_all(&rows)
    }

    async fn counter_intakes(
        &self,
        province: &ProvinceCode,
        from: time::OffsetDateTime,
        to: time::OffsetDateTime,
    ) -> Result<Vec<(AgencyCode, String, time::OffsetDateTime, ProcedureCode)>, StoreError> {
        let rows: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT d.receiving_agency, e.actor, e.at, d.procedure_code FROM dossiers d
             JOIN dossier_events e ON e.dossier_id = d.id AND e.seq = 1
             WHERE d.province_code = ? AND d.submitted_at >= ? AND d.submitted_at < ?
               AND e.action = 'receive' AND e.actor LIKE 'token:%'",
        )
        .bind(province.as_str())
        .bind(crate::rows::ts(from))
        .bind(crate::rows::ts(to))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.into_iter()
            .map(|(a, o, t, p)| Ok((parse(&a)?, o, parse_ts(&t)?, parse(&p)?)))
            .collect()
    }

    async fn staff_on_record(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<(AgencyCode, Role, i64)>, StoreError> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT agency_code, role, COUNT(*) FROM staff_users WHERE province_code = ? AND NOT disabled
             GROUP BY agency_code, role ORDER BY agency_code, role",
        )
        .bind(province.as_str())
        .fetch_all(&self.reader)
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
        let mut tx = self.writer.begin().await.map_err(db_err)?;
        let mut new = 0;
        for n in notices {
            let roles: Vec<&str> = n.roles.iter().map(|r| r.as_str()).collect();
            new += sqlx::query("INSERT INTO notices (key, province_code, dossier_code, rule_id, action, agency, roles, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING")
                .bind(&n.key)
                .bind(n.province_code.as_str())
                .bind(n.dossier_code.as_str())
                .bind(&n.rule_id)
                .bind(enum_str(&n.action))
                .bind(n.agency.as_str())
                .bind(roles.join(","))
                .bind(&n.message)
                .bind(ts(n.created_at))
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
        let rows = sqlx::query("SELECT key, province_code, dossier_code, rule_id, action, agency, roles, message, created_at FROM notices WHERE agency = ? AND (',' || roles || ',') LIKE ? ORDER BY created_at DESC, key LIMIT ?")
            .bind(agency.as_str())
            .bind(format!("%,{},%", role.as_str()))
            .bind(i64::from(limit))
            .fetch_all(&self.reader)
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
                    created_at: parse_ts(r.get::<&str, _>("created_at"))?,
                })
            })
            .collect()
    }

    async fn rebuild_kpis(&self, province: &ProvinceCode) -> Result<u64, StoreError> {
        crate::kpi::rebuild(&self.writer, province).await
    }

    async fn overdue_counts(
        &self,
        province: &ProvinceCode,
        from: time::OffsetDateTime,
        to: time::OffsetDateTime,
        now: time::OffsetDateTime,
    ) -> Result<Vec<(AgencyCode, ProcedureCode, i64)>, StoreError> {
        crate::kpi::overdue(&self.reader, province, from, to, now).await
    }

    async fn save_draft(&self, d: &DraftRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO drafts (id, province_code, procedure_code, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT(id) DO UPDATE SET province_code = excluded.province_code, data = excluded.data, updated_at = excluded.updated_at",
        )
        .bind(d.id.to_string())
        .bind(d.province_code.as_str())
        .bind(d.procedure.as_str())
        .bind(d.data.to_string())
        .bind(ts(d.created_at))
        .bind(ts(d.updated_at))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn draft(&self, id: Uuid) -> Result<Option<DraftRecord>, StoreError> {
        let row = sqlx::query("SELECT id, province_code, procedure_code, data, created_at, updated_at FROM drafts WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        row.map(|r| {
            Ok(DraftRecord {
                id: parse(r.get::<&str, _>("id"))?,
                province_code: parse(r.get::<&str, _>("province_code"))?,
                procedure: parse(r.get::<&str, _>("procedure_code"))?,
                data: serde_json::from_str(r.get::<&str, _>("data")).map_err(json_err)?,
                created_at: parse_ts(r.get::<&str, _>("created_at"))?,
                updated_at: parse_ts(r.get::<&str, _>("updated_at"))?,
            })
        })
        .transpose()
    }

    async fn add_attachment(&self, a: &Attachment, bytes: &[u8]) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await.map_err(db_err)?;
        sqlx::query("INSERT INTO attachment_blobs (sha256, bytes) VALUES (?, ?) ON CONFLICT(sha256) DO NOTHING")
            .bind(&a.sha256)
            .bind(bytes)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO attachments (id, province_code, draft_id, dossier_id, component_code, file_name, content_type, size, sha256, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(a.id.to_string())
        .bind(a.province_code.as_str())
        .bind(a.draft_id.map(|x| x.to_string()))
        .bind(a.dossier_id.map(|x| x.to_string()))
        .bind(&a.component_code)
        .bind(&a.file_name)
        .bind(&a.content_type)
        .bind(a.size)
        .bind(&a.sha256)
        .bind(ts(a.created_at))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn remove_draft_attachment(&self, draft_id: Uuid, id: Uuid) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "DELETE FROM attachments WHERE id = ? AND draft_id = ? AND dossier_id IS NULL",
        )
        .bind(id.to_string())
        .bind(draft_id.to_string())
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn draft_attachments(&self, draft_id: Uuid) -> Result<Vec<Attachment>, StoreError> {
        let sql = format!(
            "SELECT {ATTACHMENT_COLS} FROM attachments WHERE draft_id = ? AND dossier_id IS NULL ORDER BY created_at, id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(draft_id.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(db_err)?;
        rows.iter().map(attachment_from_row).collect()
    }

    async fn dossier_attachments(&self, dossier_id: Uuid) -> Result<Vec<Attachment>, StoreError> {
        let sql = format!(
            "SELECT {ATTACHMENT_COLS} FROM attachments WHERE dossier_id = ? ORDER BY created_at, id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(dossier_id.to_string())
            .fetch_all(&self.reader)
            .await
            .map_err(db_err)?;
        rows.iter().map(attachment_from_row).collect()
    }

    async fn attachment_bytes(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar("SELECT bytes FROM attachment_blobs WHERE sha256 = ?")
            .bind(sha256)
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)
    }

    async fn link_draft(
        &self,
        draft_id: Uuid,
        dossier_id: Uuid,
        province: &ProvinceCode,
    ) -> Result<(), StoreError> {
        let mut tx = self.writer.begin().await.map_err(db_err)?;
        sqlx::query("UPDATE attachments SET dossier_id = ?, province_code = ?, draft_id = NULL WHERE draft_id = ?")
            .bind(dossier_id.to_string())
            .bind(province.as_str())
            .bind(draft_id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query("DELETE FROM drafts WHERE id = ?")
            .bind(draft_id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn insert_token(&self, secret_hash: &str, t: &TokenRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_tokens (id, secret_hash, province_code, agency_code, role, label, created_at, expires_at)
             VALUES (?, ?, (SELECT province_code FROM agencies WHERE code = ?), ?, ?, ?, ?, ?)",
        )
        .bind(t.id.to_string())
        .bind(secret_hash)
        .bind(t.agency.as_str())
        .bind(t.agency.as_str())
        .bind(t.role.as_str())
        .bind(&t.label)
        .bind(ts(t.created_at))
        .bind(t.expires_at.map(ts))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn token(&self, secret_hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLS} FROM api_tokens WHERE secret_hash = ?");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(secret_hash)
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        row.as_ref().map(token_from_row).transpose()
    }

    async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLS} FROM api_tokens ORDER BY created_at DESC, id");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&self.reader)
            .await
            .map_err(db_err)?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_token(&self, id: Uuid, at: OffsetDateTime) -> Result<bool, StoreError> {
        let r =
            sqlx::query("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                .bind(ts(at))
                .bind(id.to_string())
                .execute(&self.writer)
                .await
                .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn purge_drafts(&self, before: OffsetDateTime) -> Result<(u64, u64), StoreError> {
        let mut tx = self.writer.begin().await.map_err(db_err)?;
        // The files of the drafts to go (and their bytes), then the drafts, then the bytes no
        // other file still names — in one transaction, as on PostgreSQL.
        let blobs: Vec<String> = sqlx::query_scalar(
            "DELETE FROM attachments WHERE dossier_id IS NULL
               AND draft_id IN (SELECT id FROM drafts WHERE updated_at < ?)
             RETURNING sha256",
        )
        .bind(ts(before))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        let drafts = sqlx::query("DELETE FROM drafts WHERE updated_at < ?")
            .bind(ts(before))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        for sha in blobs.iter().collect::<std::collections::BTreeSet<_>>() {
            sqlx::query(
                "DELETE FROM attachment_blobs WHERE sha256 = ?
                   AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = attachment_blobs.sha256)",
            )
            .bind(sha)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok((drafts, blobs.len() as u64))
    }

    async fn insert_user(&self, u: &UserRecord) -> Result<(), StoreError> {
        let r = sqlx::query(
            "INSERT INTO staff_users (id, username, display_name, province_code, agency_code, role,
                 password_hash, must_change_password, disabled, failed_logins, locked_until,
                 password_changed_at, created_at)
             SELECT ?, ?, ?, province_code, code, ?, ?, ?, ?, ?, ?, ?, ? FROM agencies WHERE code = ?",
        )
        .bind(u.id.to_string())
        .bind(u.username.as_str())
        .bind(&u.display_name)
        .bind(u.role.as_str())
        .bind(&u.password_hash)
        .bind(u.must_change_password)
        .bind(u.disabled)
        .bind(i64::from(u.login.failures))
        .bind(u.login.locked_until.map(ts))
        .bind(ts(u.password_changed_at))
        .bind(ts(u.created_at))
        .bind(u.agency.as_str())
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        if r.rows_affected() == 0 {
            return Err(StoreError::Internal(format!("no agency {}", u.agency)));
        }
        Ok(())
    }

    async fn user_by_name(&self, name: &Username) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("{USER_COLUMNS} WHERE username = ?")))
            .bind(name.as_str())
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        row.map(|r| user_row(&r)).transpose()
    }

    async fn user(&self, id: Uuid) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("{USER_COLUMNS} WHERE id = ?")))
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        row.map(|r| user_row(&r)).transpose()
    }

    async fn users(&self, province: Option<&ProvinceCode>) -> Result<Vec<UserRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{USER_COLUMNS} WHERE ? IS NULL OR province_code = ? ORDER BY username"
        )))
        .bind(province.map(|p| p.as_str()))
        .bind(province.map(|p| p.as_str()))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(user_row).collect()
    }

    async fn set_login_state(&self, id: Uuid, state: &LoginState) -> Result<(), StoreError> {
        sqlx::query("UPDATE staff_users SET failed_logins = ?, locked_until = ? WHERE id = ?")
            .bind(i64::from(state.failures))
            .bind(state.locked_until.map(ts))
            .bind(id.to_string())
            .execute(&self.writer)
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
            "UPDATE staff_users SET password_hash = ?, must_change_password = ?,
                 password_changed_at = ?, failed_logins = 0, locked_until = NULL WHERE id = ?",
        )
        .bind(hash)
        .bind(must_change)
        .bind(ts(at))
        .bind(id.to_string())
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn set_user_disabled(&self, id: Uuid, disabled: bool) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE staff_users SET disabled = ? WHERE id = ?")
            .bind(disabled)
            .bind(id.to_string())
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected() > 0)
    }

    async fn insert_session(&self, secret_hash: &str, s: &SessionRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO staff_sessions (secret_hash, user_id, created_at, last_seen_at, ip)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(secret_hash)
        .bind(s.user_id.to_string())
        .bind(ts(s.created_at))
        .bind(ts(s.last_seen_at))
        .bind(&s.ip)
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn session(&self, secret_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id, created_at, last_seen_at, ip FROM staff_sessions WHERE secret_hash = ?",
        )
        .bind(secret_hash)
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.map(|r| {
            Ok(SessionRecord {
                user_id: parse(r.get::<&str, _>("user_id"))?,
                created_at: parse_ts(r.get::<&str, _>("created_at"))?,
                last_seen_at: parse_ts(r.get::<&str, _>("last_seen_at"))?,
                ip: r.get("ip"),
            })
        })
        .transpose()
    }

    async fn touch_session(&self, secret_hash: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query("UPDATE staff_sessions SET last_seen_at = ? WHERE secret_hash = ?")
            .bind(ts(at))
            .bind(secret_hash)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_session(&self, secret_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM staff_sessions WHERE secret_hash = ?")
            .bind(secret_hash)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_user_sessions(&self, user_id: Uuid) -> Result<u64, StoreError> {
        let r = sqlx::query("DELETE FROM staff_sessions WHERE user_id = ?")
            .bind(user_id.to_string())
            .execute(&self.writer)
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
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(secret_hash)
        .bind(&s.subject)
        .bind(s.id_number.as_str())
        .bind(&s.name)
        .bind(ts(s.created_at))
        .bind(ts(s.last_seen_at))
        .execute(&self.writer)
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
             WHERE secret_hash = ?",
        )
        .bind(secret_hash)
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.map(|r| {
            Ok(CitizenSessionRecord {
                subject: r.get("subject"),
                id_number: parse(r.get::<&str, _>("id_number"))?,
                name: r.get("name"),
                created_at: parse_ts(r.get::<&str, _>("created_at"))?,
                last_seen_at: parse_ts(r.get::<&str, _>("last_seen_at"))?,
            })
        })
        .transpose()
    }

    async fn touch_citizen_session(
        &self,
        secret_hash: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE citizen_sessions SET last_seen_at = ? WHERE secret_hash = ?")
            .bind(ts(at))
            .bind(secret_hash)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_citizen_session(&self, secret_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM citizen_sessions WHERE secret_hash = ?")
            .bind(secret_hash)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn dossiers_of_applicant(
        &self,
        id_number: &CitizenId,
        limit: u32,
    ) -> Result<Vec<Dossier>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT d.data FROM dossier_applicants a JOIN dossiers d ON d.code = a.code
             WHERE a.id_number = ? ORDER BY a.submitted_at DESC, a.code DESC LIMIT ?",
        )
        .bind(id_number.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        decode_all(&rows)
    }

    async fn insert_security_event(&self, e: &SecurityEvent) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO security_events (id, at, kind, actor, province_code, subject, ip, detail)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(e.id.to_string())
        .bind(ts(e.at))
        .bind(&e.kind)
        .bind(&e.actor)
        .bind(e.province.as_deref())
        .bind(&e.subject)
        .bind(&e.ip)
        .bind(&e.detail)
        .execute(&self.writer)
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
             WHERE ? IS NULL OR province_code = ? ORDER BY at DESC, id DESC LIMIT ?",
        )
        .bind(province.map(|p| p.as_str()))
        .bind(province.map(|p| p.as_str()))
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(SecurityEvent {
                    id: parse(r.get::<&str, _>("id"))?,
                    at: parse_ts(r.get::<&str, _>("at"))?,
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
            "INSERT INTO authority_rules (province_code, id, valid_from, valid_to, data, created_at)
             VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
        )
        .bind(rule.province_code.as_str())
        .bind(&rule.id)
        .bind(rule.valid_from.to_string())
        .bind(rule.valid_to.map(|d| d.to_string()))
        .bind(serde_json::to_string(rule).map_err(json_err)?)
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn replace_authority_rule(&self, rule: &AuthorityRule) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE authority_rules SET valid_from = ?, valid_to = ?, data = ?
             WHERE province_code = ? AND id = ?",
        )
        .bind(rule.valid_from.to_string())
        .bind(rule.valid_to.map(|d| d.to_string()))
        .bind(serde_json::to_string(rule).map_err(json_err)?)
        .bind(rule.province_code.as_str())
        .bind(&rule.id)
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn authority_rules(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<AuthorityRule>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM authority_rules WHERE province_code = ? ORDER BY id",
        )
        .bind(province.as_str())
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        decode_all(&rows)
    }

    async fn insert_linked(
        &self,
        a: &LinkedApplication,
        idem: Option<&IdempotencyRecord>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO linked_applications (province_code, id, code, service, filed_at, idempotency_key, request_hash, data)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(a.province_code.as_str())
        .bind(a.id.to_string())
        .bind(a.code.as_str())
        .bind(a.service.as_str())
        .bind(ts(a.filed_at))
        .bind(idem.map(|i| i.key.as_str()))
        .bind(idem.map(|i| i.request_hash.as_str()))
        .bind(serde_json::to_string(a).map_err(json_err)?)
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn linked_idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT idempotency_key, request_hash, code FROM linked_applications WHERE idempotency_key = ?",
        )
        .bind(key)
        .fetch_optional(&self.reader)
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
        let row: Option<String> =
            sqlx::query_scalar("SELECT data FROM linked_applications WHERE code = ?")
                .bind(code.as_str())
                .fetch_optional(&self.reader)
                .await
                .map_err(db_err)?;
        row.map(|d| serde_json::from_str(&d).map_err(json_err))
            .transpose()
    }

    async fn linked_since(
        &self,
        since: time::OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<LinkedApplication>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM linked_applications WHERE filed_at >= ? ORDER BY filed_at, id LIMIT ?",
        )
        .bind(ts(since))
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        decode_all(&rows)
    }
}

/// The columns of an account, for `user_row`.
const USER_COLUMNS: &str = "SELECT id, username, display_name, agency_code, role, password_hash,
    must_change_password, disabled, failed_logins, locked_until, password_changed_at, created_at
    FROM staff_users";

fn user_row(r: &sqlx::sqlite::SqliteRow) -> Result<UserRecord, StoreError> {
    Ok(UserRecord {
        id: parse(r.get::<&str, _>("id"))?,
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
            failures: u32::try_from(r.get::<i64, _>("failed_logins")).unwrap_or(0),
            locked_until: r
                .get::<Option<&str>, _>("locked_until")
                .map(parse_ts)
                .transpose()?,
        },
        password_changed_at: parse_ts(r.get::<&str, _>("password_changed_at"))?,
        created_at: parse_ts(r.get::<&str, _>("created_at"))?,
    })
}
