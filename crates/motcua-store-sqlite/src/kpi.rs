//! The monthly counters (`kpi_monthly`, `kpi_officers`): added to in the dossier's own
//! transaction, read by dashboards and the 766 index, rebuilt from the dossiers when needed.

use crate::rows::{db_err, ts};
use futures_util::TryStreamExt as _;
use motcua_app::StoreError;
use motcua_app::ports::{HandlerLoad, KpiGroup, KpiQuery, KpiRow, OfficerRow, StoredEvent};
use motcua_app::store_support::{json_err, parse};
use motcua_domain::dossier::Dossier;
use motcua_domain::ids::{AgencyCode, ProcedureCode, ProvinceCode};
use motcua_domain::kpi::{Counts, KpiDelta, MEASURES, Measure, OfficerCounts, OfficerTally, Tally};
use sqlx::sqlite::{SqliteConnection, SqlitePool};
use sqlx::{AssertSqlSafe, Row};
use std::sync::LazyLock;
use time::OffsetDateTime;

/// `INSERT … ON CONFLICT DO UPDATE SET c = c + excluded.c` over every measure (the column names
/// are the domain's constants, not input).
static UPSERT: LazyLock<String> = LazyLock::new(|| {
    let cols: Vec<&str> = Measure::ALL.iter().map(|m| m.column()).collect();
    let marks = vec!["?"; MEASURES].join(", ");
    let sets: Vec<String> = cols
        .iter()
        .map(|c| format!("{c} = kpi_monthly.{c} + excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO kpi_monthly (province_code, month, agency, procedure_code, {}) VALUES (?, ?, ?, ?, {marks})
         ON CONFLICT (province_code, month, agency, procedure_code) DO UPDATE SET {}",
        cols.join(", "),
        sets.join(", ")
    )
});

static SELECT_COLS: LazyLock<String> = LazyLock::new(|| {
    Measure::ALL
        .iter()
        .map(|m| m.column())
        .collect::<Vec<_>>()
        .join(", ")
});

/// Adds the deltas of one write.
pub(crate) async fn add(tx: &mut SqliteConnection, deltas: &[KpiDelta]) -> Result<(), StoreError> {
    for d in deltas {
        let mut q = sqlx::query(AssertSqlSafe(UPSERT.as_str()))
            .bind(d.key.province.as_str())
            .bind(&d.key.month)
            .bind(d.key.agency.as_str())
            .bind(d.key.procedure.as_str());
        for v in d.counts.0 {
            q = q.bind(v);
        }
        q.execute(&mut *tx).await.map_err(db_err)?;
    }
    Ok(())
}

/// Adds officers' counts.
pub(crate) async fn add_officers(
    tx: &mut SqliteConnection,
    tally: OfficerTally,
) -> Result<(), StoreError> {
    for (k, c) in tally.into_rows() {
        sqlx::query(
            "INSERT INTO kpi_officers (province_code, agency, officer, month, procedure_code,
               actions, finishes, intakes, refusals, supplement_requests) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (province_code, agency, month, officer, procedure_code) DO UPDATE SET
               actions = kpi_officers.actions + excluded.actions,
               finishes = kpi_officers.finishes + excluded.finishes,
               intakes = kpi_officers.intakes + excluded.intakes,
               refusals = kpi_officers.refusals + excluded.refusals,
               supplement_requests = kpi_officers.supplement_requests + excluded.supplement_requests",
        )
        .bind(k.province.as_str())
        .bind(&k.agency)
        .bind(&k.officer)
        .bind(&k.month)
        .bind(k.procedure.as_str())
        .bind(c.0[0])
        .bind(c.0[1])
        .bind(c.0[2])
        .bind(c.0[3])
        .bind(c.0[4])
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    }
    Ok(())
}

/// The officer's part of one write.
pub(crate) async fn add_officer(
    tx: &mut SqliteConnection,
    e: &StoredEvent,
    d: &Dossier,
) -> Result<(), StoreError> {
    let mut t = OfficerTally::default();
    t.add(
        &e.province_code,
        &e.agency,
        &e.actor,
        &e.action,
        e.at,
        &d.procedure.code,
    );
    add_officers(tx, t).await
}

/// The query's agencies as one JSON array parameter (`NULL`: the whole province).
fn agency_param(q: &KpiQuery) -> Result<Option<String>, StoreError> {
    q.agencies
        .as_ref()
        .map(|a| serde_json::to_string(&a.iter().map(|x| x.as_str()).collect::<Vec<_>>()))
        .transpose()
        .map_err(json_err)
}

/// The counters from column `first` on, in `Measure::ALL` order.
fn counts_at(r: &sqlx::sqlite::SqliteRow, first: usize) -> Counts {
    let mut counts = Counts::default();
    for (i, v) in counts.0.iter_mut().enumerate() {
        *v = r.get::<i64, _>(first + i);
    }
    counts
}

pub(crate) async fn rows(pool: &SqlitePool, q: &KpiQuery) -> Result<Vec<KpiRow>, StoreError> {
    // One statement whatever the agencies: they come as a JSON array bound as one value.
    let agencies = agency_param(q)?;
    let sql = format!(
        "SELECT agency, month, procedure_code, {} FROM kpi_monthly
         WHERE province_code = ?1 AND month >= ?2 AND month <= ?3
           AND (?4 IS NULL OR agency IN (SELECT value FROM json_each(?4)))",
        SELECT_COLS.as_str()
    );
    let found = sqlx::query(AssertSqlSafe(sql))
        .bind(q.province.as_str())
        .bind(&q.from_month)
        .bind(&q.to_month)
        .bind(agencies)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    found
        .iter()
        .map(|r| {
            let counts = counts_at(r, 3);
            Ok(KpiRow {
                agency: parse(r.get::<&str, _>(0))?,
                month: r.get(1),
                procedure: parse(r.get::<&str, _>(2))?,
                counts,
            })
        })
        .collect()
}

pub(crate) async fn officers(
    pool: &SqlitePool,
    province: &ProvinceCode,
    agency: Option<&AgencyCode>,
    from: &str,
    to: &str,
) -> Result<Vec<OfficerRow>, StoreError> {
    let found = sqlx::query(
        "SELECT o.officer, COALESCE(t.label, u.display_name), o.month, o.procedure_code, o.actions, o.finishes, o.intakes,
                o.refusals, o.supplement_requests, o.agency
         FROM kpi_officers o LEFT JOIN api_tokens t ON o.officer = 'token:' || t.id
         LEFT JOIN staff_users u ON o.officer = 'user:' || u.id
         WHERE o.province_code = ?1 AND (?2 IS NULL OR o.agency = ?2) AND o.month >= ?3 AND o.month <= ?4
         ORDER BY o.officer, o.month, o.procedure_code",
    )
    .bind(province.as_str())
    .bind(agency.map(|a| a.as_str()))
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    found
        .iter()
        .map(|r| {
            let mut counts = OfficerCounts::default();
            for (i, v) in counts.0.iter_mut().enumerate() {
                *v = r.get::<i64, _>(4 + i);
            }
            Ok(OfficerRow {
                officer: r.get(0),
                label: r.get(1),
                agency: r.get(9),
                month: r.get(2),
                procedure: parse(r.get::<&str, _>(3))?,
                counts,
            })
        })
        .collect()
}

/// Recomputes one province's counters from its dossiers and events, in one write transaction
/// (writes wait for it, so nothing is counted twice or missed).
pub(crate) async fn rebuild(pool: &SqlitePool, province: &ProvinceCode) -> Result<u64, StoreError> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    sqlx::query("DELETE FROM kpi_monthly WHERE province_code = ?")
        .bind(province.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    sqlx::query("DELETE FROM kpi_officers WHERE province_code = ?")
        .bind(province.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
    let mut tally = Tally::default();
    {
        let mut data =
            sqlx::query_scalar::<_, String>("SELECT data FROM dossiers WHERE province_code = ?")
                .bind(province.as_str())
                .fetch(&mut *tx);
        while let Some(s) = data.try_next().await.map_err(db_err)? {
            tally.add(&serde_json::from_str::<Dossier>(&s).map_err(json_err)?);
        }
    }
    let sums = tally.into_deltas();
    add(&mut tx, &sums).await?;
    let events: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT e.agency, e.actor, e.action, e.at, d.procedure_code FROM dossier_events e
         JOIN dossiers d ON d.id = e.dossier_id
         WHERE e.province_code = ? AND (e.actor LIKE 'token:%' OR e.actor LIKE 'user:%') AND e.agency <> ''",
    )
    .bind(province.as_str())
    .fetch_all(&mut *tx)
    .await
    .map_err(db_err)?;
    let mut tally = OfficerTally::default();
    for (agency, actor, action, at, procedure) in events {
        let at = crate::rows::parse_ts(&at)?;
        tally.add(province, &agency, &actor, &action, at, &parse(&procedure)?);
    }
    add_officers(&mut tx, tally).await?;
    // What the portal acknowledged is not in the dossiers: recounted from the outbox.
    sqlx::query(AssertSqlSafe(format!(
        "UPDATE kpi_monthly SET synced = (
           SELECT COUNT(*) FROM outbox o JOIN dossiers d ON d.id = o.dossier_id
           WHERE o.destination = 'dvcqg' AND o.seq = 1 AND o.state = 'delivered'
             AND d.province_code = kpi_monthly.province_code AND d.competent_agency = kpi_monthly.agency
             AND d.procedure_code = kpi_monthly.procedure_code
             AND {} = kpi_monthly.month)
         WHERE province_code = ?",
        crate::store::MONTH_OF_SUBMITTED
    )))
    .bind(province.as_str())
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    tx.commit().await.map_err(db_err)?;
    Ok(sums.len() as u64)
}

/// After migrations: a database whose dossiers predate the counters gets them computed once.
pub(crate) async fn backfill_if_missing(pool: &SqlitePool) -> Result<(), StoreError> {
    let has_counters: Option<i64> = sqlx::query_scalar("SELECT 1 FROM kpi_monthly LIMIT 1")
        .fetch_optional(pool)
        .await
        .map_err(db_err)?;
    if has_counters.is_some() {
        return Ok(());
    }
    let provinces: Vec<String> = sqlx::query_scalar("SELECT DISTINCT province_code FROM dossiers")
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    for p in provinces {
        let p: ProvinceCode = parse(&p)?;
        let n = rebuild(pool, &p).await?;
        tracing::info!(province = %p, rows = n, "monthly counters computed from the dossiers");
    }
    Ok(())
}

pub(crate) async fn overdue(
    pool: &SqlitePool,
    province: &ProvinceCode,
    from: OffsetDateTime,
    to: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Vec<(AgencyCode, ProcedureCode, i64)>, StoreError> {
    // The partial index dossiers_open_due (province, due_at) holds only open dossiers.
    let found: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT competent_agency, procedure_code, COUNT(*) FROM dossiers
         WHERE province_code = ? AND status IN ('received', 'processing', 'awaiting_payment')
           AND due_at < ? AND submitted_at >= ? AND submitted_at < ?
         GROUP BY competent_agency, procedure_code",
    )
    .bind(province.as_str())
    .bind(ts(now))
    .bind(ts(from))
    .bind(ts(to))
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    found
        .into_iter()
        .map(|(a, p, n)| Ok((parse(&a)?, parse(&p)?, n)))
        .collect()
}

/// The sum of one counter over a query's rows.
pub(crate) async fn sum(pool: &SqlitePool, q: &KpiQuery, m: Measure) -> Result<i64, StoreError> {
    let agencies = agency_param(q)?;
    // The column name is the domain's constant, not input.
    let sql = format!(
        "SELECT COALESCE(SUM({}), 0) FROM kpi_monthly
         WHERE province_code = ?1 AND month >= ?2 AND month <= ?3
           AND (?4 IS NULL OR agency IN (SELECT value FROM json_each(?4)))",
        m.column()
    );
    sqlx::query_scalar(AssertSqlSafe(sql))
        .bind(q.province.as_str())
        .bind(&q.from_month)
        .bind(&q.to_month)
        .bind(agencies)
        .fetch_one(pool)
        .await
        .map_err(db_err)
}

/// Sums by agency, procedure or month.
pub(crate) async fn grouped(
    pool: &SqlitePool,
    q: &KpiQuery,
    by: KpiGroup,
) -> Result<Vec<(String, Counts)>, StoreError> {
    let agencies = agency_param(q)?;
    let sums: Vec<String> = Measure::ALL
        .iter()
        .map(|m| format!("SUM({})", m.column()))
        .collect();
    // Column names are the domain's constants, not input.
    let sql = format!(
        "SELECT {k}, {} FROM kpi_monthly
         WHERE province_code = ?1 AND month >= ?2 AND month <= ?3
           AND (?4 IS NULL OR agency IN (SELECT value FROM json_each(?4)))
         GROUP BY {k} ORDER BY {k}",
        sums.join(", "),
        k = by.column()
    );
    let found = sqlx::query(AssertSqlSafe(sql))
        .bind(q.province.as_str())
        .bind(&q.from_month)
        .bind(&q.to_month)
        .bind(agencies)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    Ok(found
        .iter()
        .map(|r| {
            let counts = counts_at(r, 1);
            (r.get::<String, _>(0), counts)
        })
        .collect())
}

/// Open dossiers held by an agency by assigned handler.
pub(crate) async fn handler_load(
    pool: &SqlitePool,
    agency: &AgencyCode,
) -> Result<Vec<HandlerLoad>, StoreError> {
    let rows: Vec<(Option<String>, Option<String>, i64)> = sqlx::query_as(
        "SELECT handler_id, json_extract(data, '$.handler'), COUNT(*) FROM dossiers
         WHERE current_agency = ?
           AND status IN ('received', 'processing', 'awaiting_payment', 'supplement_requested')
         GROUP BY 1, 2",
    )
    .bind(agency.as_str())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, open)| HandlerLoad {
            id: id.and_then(|i| uuid::Uuid::parse_str(&i).ok()),
            name,
            open,
        })
        .collect())
}
