//! The monthly counters (`kpi_monthly`, `kpi_officers`): added to by the dossier's own statement
//! (`writes.rs` embeds [`KPI_PART`] and [`OFFICER_PART`]), read by dashboards and the 766 index,
//! rebuilt from the dossiers when needed.

use crate::store::db_err;
use futures_util::TryStreamExt as _;
use motcua_app::StoreError;
use motcua_app::ports::{HandlerLoad, KpiGroup, KpiQuery, KpiRow, OfficerRow, StoredEvent};
use motcua_app::store_support::{json_err, parse};
use motcua_domain::dossier::Dossier;
use motcua_domain::ids::{AgencyCode, ProcedureCode, ProvinceCode};
use motcua_domain::kpi::{Counts, KpiDelta, MEASURES, Measure, OfficerCounts, OfficerTally, Tally};
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{AssertSqlSafe, PgExecutor, PgPool, Postgres, Row};
use std::sync::LazyLock;
use time::OffsetDateTime;

/// Parameters of [`KPI_PART`]: the key's four arrays and one per measure.
pub(crate) const KPI_PARAMS: usize = 4 + MEASURES;
/// Parameters of [`OFFICER_PART`]: the key's five arrays and one per counter.
pub(crate) const OFFICER_PARAMS: usize = 10;

/// Adds unnested deltas (`$K1`…`$K36`) to `kpi_monthly`; `guard` limits it (e.g. to when the
/// dossier row of the same statement was written).
fn kpi_sql(guard: &str) -> String {
    let cols: Vec<&str> = Measure::ALL.iter().map(|m| m.column()).collect();
    let arrays: Vec<String> = (1..=KPI_PARAMS)
        .map(|i| format!("$K{i}::{}", if i <= 4 { "text[]" } else { "int8[]" }))
        .collect();
    let sets: Vec<String> = cols
        .iter()
        .map(|c| format!("{c} = kpi_monthly.{c} + EXCLUDED.{c}"))
        .collect();
    format!(
        "INSERT INTO kpi_monthly (province_code, month, agency, procedure_code, {})
         SELECT * FROM unnest({}) {guard}
         ON CONFLICT (province_code, month, agency, procedure_code) DO UPDATE SET {}",
        cols.join(", "),
        arrays.join(", "),
        sets.join(", ")
    )
}

/// The counters' part of a dossier write (a CTE after `d`).
pub(crate) static KPI_PART: LazyLock<String> =
    LazyLock::new(|| kpi_sql("WHERE EXISTS (SELECT 1 FROM d)"));

/// Adds unnested officers' counts (`$O1`…`$O10`) to `kpi_officers`.
fn officer_sql(guard: &str) -> String {
    format!(
        "INSERT INTO kpi_officers (province_code, agency, officer, month, procedure_code,
           actions, finishes, intakes, refusals, supplement_requests)
         SELECT * FROM unnest($O1::text[], $O2::text[], $O3::text[], $O4::text[], $O5::text[],
           $O6::int8[], $O7::int8[], $O8::int8[], $O9::int8[], $O10::int8[]) {guard}
         ON CONFLICT (province_code, agency, month, officer, procedure_code) DO UPDATE SET
           actions = kpi_officers.actions + EXCLUDED.actions,
           finishes = kpi_officers.finishes + EXCLUDED.finishes,
           intakes = kpi_officers.intakes + EXCLUDED.intakes,
           refusals = kpi_officers.refusals + EXCLUDED.refusals,
           supplement_requests = kpi_officers.supplement_requests + EXCLUDED.supplement_requests"
    )
}

/// The officer's part of a dossier write (a CTE after `d`).
pub(crate) static OFFICER_PART: LazyLock<String> =
    LazyLock::new(|| officer_sql("WHERE EXISTS (SELECT 1 FROM d)"));

/// Binds the deltas as the arrays of [`KPI_PART`].
pub(crate) fn bind_kpi<'q>(
    mut q: Query<'q, Postgres, PgArguments>,
    deltas: &[KpiDelta],
) -> Query<'q, Postgres, PgArguments> {
    q = q
        .bind(
            deltas
                .iter()
                .map(|d| d.key.province.to_string())
                .collect::<Vec<_>>(),
        )
        .bind(
            deltas
                .iter()
                .map(|d| d.key.month.clone())
                .collect::<Vec<_>>(),
        )
        .bind(
            deltas
                .iter()
                .map(|d| d.key.agency.to_string())
                .collect::<Vec<_>>(),
        )
        .bind(
            deltas
                .iter()
                .map(|d| d.key.procedure.to_string())
                .collect::<Vec<_>>(),
        );
    for m in Measure::ALL {
        q = q.bind(deltas.iter().map(|d| d.counts.get(m)).collect::<Vec<_>>());
    }
    q
}

/// Binds officers' counts as the arrays of [`OFFICER_PART`].
pub(crate) fn bind_officers<'q>(
    mut q: Query<'q, Postgres, PgArguments>,
    tally: OfficerTally,
) -> Query<'q, Postgres, PgArguments> {
    let rows = tally.into_rows();
    q = q
        .bind(
            rows.iter()
                .map(|r| r.0.province.to_string())
                .collect::<Vec<_>>(),
        )
        .bind(rows.iter().map(|r| r.0.agency.clone()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.0.officer.clone()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.0.month.clone()).collect::<Vec<_>>())
        .bind(
            rows.iter()
                .map(|r| r.0.procedure.to_string())
                .collect::<Vec<_>>(),
        );
    for i in 0..5 {
        q = q.bind(rows.iter().map(|r| r.1.0[i]).collect::<Vec<_>>());
    }
    q
}

/// The officer's counts of one write.
pub(crate) fn one_officer(e: &StoredEvent, d: &Dossier) -> OfficerTally {
    let mut t = OfficerTally::default();
    t.add(
        &e.province_code,
        &e.agency,
        &e.actor,
        &e.action,
        e.at,
        &d.procedure.code,
    );
    t
}

/// Adds deltas in one statement.
pub(crate) async fn add(ex: impl PgExecutor<'_>, deltas: &[KpiDelta]) -> Result<(), StoreError> {
    static SQL: LazyLock<String> =
        LazyLock::new(|| crate::writes::number(&kpi_sql(""), 0, &[("$K", KPI_PARAMS)]));
    if deltas.is_empty() {
        return Ok(());
    }
    bind_kpi(sqlx::query(AssertSqlSafe(SQL.as_str())), deltas)
        .execute(ex)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Adds officers' counts in one statement (bulk loads, rebuilds).
pub(crate) async fn add_officers(
    ex: impl PgExecutor<'_>,
    tally: OfficerTally,
) -> Result<(), StoreError> {
    static SQL: LazyLock<String> =
        LazyLock::new(|| crate::writes::number(&officer_sql(""), 0, &[("$O", OFFICER_PARAMS)]));
    bind_officers(sqlx::query(AssertSqlSafe(SQL.as_str())), tally)
        .execute(ex)
        .await
        .map_err(db_err)?;
    Ok(())
}

/// The query's agencies as the `text[]` parameter (`NULL`: the whole province).
fn agency_param(q: &KpiQuery) -> Option<Vec<String>> {
    q.agencies
        .as_ref()
        .map(|a| a.iter().map(|x| x.to_string()).collect())
}

/// The counters from column `first` on, in `Measure::ALL` order.
fn counts_at(r: &sqlx::postgres::PgRow, first: usize) -> Counts {
    let mut counts = Counts::default();
    for (i, v) in counts.0.iter_mut().enumerate() {
        *v = r.get::<i64, _>(first + i);
    }
    counts
}

pub(crate) async fn rows(pool: &PgPool, q: &KpiQuery) -> Result<Vec<KpiRow>, StoreError> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        // One row per key (the primary key): no grouping needed.
        let cols: Vec<&str> = Measure::ALL.iter().map(|m| m.column()).collect();
        format!(
            "SELECT agency, month, procedure_code, {} FROM kpi_monthly
             WHERE province_code = $1 AND month >= $2 AND month <= $3
               AND ($4::text[] IS NULL OR agency = ANY($4::text[]))",
            cols.join(", ")
        )
    });
    let agencies = agency_param(q);
    let found = sqlx::query(AssertSqlSafe(SQL.as_str()))
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
    pool: &PgPool,
    province: &ProvinceCode,
    agency: Option<&AgencyCode>,
    from: &str,
    to: &str,
) -> Result<Vec<OfficerRow>, StoreError> {
    let found = sqlx::query(
        "SELECT o.officer, COALESCE(t.label, u.display_name), o.month, o.procedure_code, o.actions, o.finishes, o.intakes,
                o.refusals, o.supplement_requests, o.agency
         FROM kpi_officers o LEFT JOIN api_tokens t ON o.officer = 'token:' || t.id::text
         LEFT JOIN staff_users u ON o.officer = 'user:' || u.id::text
         WHERE o.province_code = $1 AND ($2::text IS NULL OR o.agency = $2) AND o.month >= $3 AND o.month <= $4
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

/// Recomputes one province's counters from its dossiers and events in one transaction. The
/// counters' table is locked first: a write that already added its delta has committed before
/// the dossiers are read, and one that has not waits and adds its delta after the rebuild.
pub(crate) async fn rebuild(pool: &PgPool, province: &ProvinceCode) -> Result<u64, StoreError> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    for sql in [
        "SET LOCAL statement_timeout = 0",
        "LOCK TABLE kpi_monthly, kpi_officers IN EXCLUSIVE MODE",
    ] {
        sqlx::query(sql).execute(&mut *tx).await.map_err(db_err)?;
    }
    for sql in [
        "DELETE FROM kpi_monthly WHERE province_code = $1",
        "DELETE FROM kpi_officers WHERE province_code = $1",
    ] {
        sqlx::query(sql)
            .bind(province.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    let mut tally = Tally::default();
    {
        let mut data = sqlx::query_scalar::<_, String>(
            "SELECT data::text FROM dossiers WHERE province_code = $1",
        )
        .bind(province.as_str())
        .fetch(&mut *tx);
        while let Some(s) = data.try_next().await.map_err(db_err)? {
            tally.add(&serde_json::from_str::<Dossier>(&s).map_err(json_err)?);
        }
    }
    let sums = tally.into_deltas();
    for chunk in sums.chunks(5_000) {
        add(&mut *tx, chunk).await?;
    }
    let events: Vec<(String, String, String, OffsetDateTime, String)> = sqlx::query_as(
        "SELECT e.agency, e.actor, e.action, e.at, d.procedure_code FROM dossier_events e
         JOIN dossiers d ON d.id = e.dossier_id
         WHERE e.province_code = $1 AND (e.actor LIKE 'token:%' OR e.actor LIKE 'user:%') AND e.agency <> ''",
    )
    .bind(province.as_str())
    .fetch_all(&mut *tx)
    .await
    .map_err(db_err)?;
    let mut tally = OfficerTally::default();
    for (agency, actor, action, at, procedure) in events {
        tally.add(province, &agency, &actor, &action, at, &parse(&procedure)?);
    }
    add_officers(&mut *tx, tally).await?;
    // What the portal acknowledged is not in the dossiers: recounted from the outbox.
    sqlx::query(AssertSqlSafe(format!(
        "UPDATE kpi_monthly k SET synced = s.n FROM (
           SELECT d.province_code, d.competent_agency, d.procedure_code, {} AS month, COUNT(*) AS n
           FROM outbox o JOIN dossiers d ON d.id = o.dossier_id
           WHERE o.destination = 'dvcqg' AND o.seq = 1 AND o.state = 'delivered' AND d.province_code = $1
           GROUP BY 1, 2, 3, 4) s
         WHERE k.province_code = s.province_code AND k.agency = s.competent_agency
           AND k.procedure_code = s.procedure_code AND k.month = s.month",
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
pub(crate) async fn backfill_if_missing(pool: &PgPool) -> Result<(), StoreError> {
    let has_counters: Option<i32> = sqlx::query_scalar("SELECT 1 FROM kpi_monthly LIMIT 1")
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
    pool: &PgPool,
    province: &ProvinceCode,
    from: OffsetDateTime,
    to: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Vec<(AgencyCode, ProcedureCode, i64)>, StoreError> {
    let found: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT competent_agency, procedure_code, COUNT(*) FROM dossiers
         WHERE province_code = $1 AND status IN ('received', 'processing', 'awaiting_payment')
           AND due_at < $2 AND submitted_at >= $3 AND submitted_at < $4
         GROUP BY competent_agency, procedure_code",
    )
    .bind(province.as_str())
    .bind(now)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    found
        .into_iter()
        .map(|(a, p, n)| Ok((parse(&a)?, parse(&p)?, n)))
        .collect()
}

/// The sum of one counter over a query's rows.
pub(crate) async fn sum(pool: &PgPool, q: &KpiQuery, m: Measure) -> Result<i64, StoreError> {
    let agencies = agency_param(q);
    // The column name is the domain's constant, not input.
    let sql = format!(
        "SELECT COALESCE(SUM({}), 0)::int8 FROM kpi_monthly
         WHERE province_code = $1 AND month >= $2 AND month <= $3
           AND ($4::text[] IS NULL OR agency = ANY($4::text[]))",
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
    pool: &PgPool,
    q: &KpiQuery,
    by: KpiGroup,
) -> Result<Vec<(String, Counts)>, StoreError> {
    let agencies = agency_param(q);
    let sums: Vec<String> = Measure::ALL
        .iter()
        .map(|m| format!("SUM({})::int8", m.column()))
        .collect();
    // Column names are the domain's constants, not input.
    let sql = format!(
        "SELECT {k}, {} FROM kpi_monthly
         WHERE province_code = $1 AND month >= $2 AND month <= $3
           AND ($4::text[] IS NULL OR agency = ANY($4::text[]))
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

/// The three sums in one scan (grouping sets).
pub(crate) async fn breakdown(
    pool: &PgPool,
    q: &KpiQuery,
) -> Result<[Vec<(String, Counts)>; 3], StoreError> {
    static SQL: LazyLock<String> = LazyLock::new(|| {
        let sums: Vec<String> = Measure::ALL
            .iter()
            .map(|m| format!("SUM({})::int8", m.column()))
            .collect();
        format!(
            "SELECT agency, procedure_code, month, {} FROM kpi_monthly
             WHERE province_code = $1 AND month >= $2 AND month <= $3
               AND ($4::text[] IS NULL OR agency = ANY($4::text[]))
             GROUP BY GROUPING SETS ((agency), (procedure_code), (month))
             ORDER BY 1, 2, 3",
            sums.join(", ")
        )
    });
    let agencies = agency_param(q);
    let found = sqlx::query(AssertSqlSafe(SQL.as_str()))
        .bind(q.province.as_str())
        .bind(&q.from_month)
        .bind(&q.to_month)
        .bind(agencies)
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    let mut out: [Vec<(String, Counts)>; 3] = Default::default();
    for r in &found {
        let counts = counts_at(r, 3);
        for (slot, col) in out.iter_mut().zip(0..3) {
            if let Some(k) = r.get::<Option<String>, _>(col) {
                slot.push((k, counts));
            }
        }
    }
    Ok(out)
}

/// Open dossiers held by an agency by assigned handler.
pub(crate) async fn handler_load(
    pool: &PgPool,
    agency: &AgencyCode,
) -> Result<Vec<HandlerLoad>, StoreError> {
    let rows: Vec<(Option<uuid::Uuid>, Option<String>, i64)> = sqlx::query_as(
        "SELECT handler_id, data->>'handler', COUNT(*) FROM dossiers
         WHERE current_agency = $1
           AND status IN ('received', 'processing', 'awaiting_payment', 'supplement_requested')
         GROUP BY 1, 2",
    )
    .bind(agency.as_str())
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    Ok(rows
        .into_iter()
        .map(|(id, name, open)| HandlerLoad { id, name, open })
        .collect())
}
