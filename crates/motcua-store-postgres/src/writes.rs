//! The two hot writes — opening a dossier and appending a transition — each as ONE statement.
//!
//! A transaction of separate statements costs a round trip and a parse/plan/execute cycle per
//! statement plus `BEGIN` and `COMMIT`: six or seven exchanges for one counter action. Written as
//! data-modifying CTEs (PostgreSQL manual, "WITH Queries", 7.8.4) the same rows are written by one
//! statement, which PostgreSQL runs atomically in its own implicit transaction: every part —
//! the dossier, its event, the event's outbox message, form jobs, counters — is
//! written or none is, and foreign keys are checked at the end of the statement, after the
//! dossier row of the same statement exists. The form jobs travel as arrays and are unnested, so
//! one statement serves any number of them.
//!
//! Inline forms (`Issued::Document`, carrying PDF bytes, only with `defer_documents = false`)
//! are inserted after the same statement, inside a transaction opened by `store.rs`.

use crate::kpi::{KPI_PART, OFFICER_PART, bind_kpi, bind_officers, one_officer};
use crate::store::db_err;
use motcua_app::StoreError;
use motcua_app::ports::{DocumentJob, IdempotencyRecord, StoredEvent};
use motcua_app::store_support::{DeskColumns, json_err};
use motcua_domain::dossier::Dossier;
use motcua_domain::kpi;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{AssertSqlSafe, PgExecutor, Postgres, Row};
use std::sync::LazyLock;

/// The event's part: inserts the event when the dossier row was written (`d` returns it).
const EVENT_PART: &str = "INSERT INTO dossier_events (id, dossier_id, province_code, seq, action, status, actor, agency, at, payload, prev_hash, hash)
     SELECT $E1::uuid, $E2::uuid, $E3::text, $E4::int8, $E5::text, $E6::text, $E7::text, $E8::text, $E9::timestamptz, $E10::text, $E11::text, $E12::text FROM d";

/// The form jobs' part: inserts the unnested arrays when the dossier row was written.
const JOBS_PART: &str = "INSERT INTO document_jobs (id, province_code, dossier_id, dossier_code, kind, number, issuer, actor, officer, event_seq, issued_at, dossier)
     SELECT * FROM unnest($J1::uuid[], $J2::text[], $J3::uuid[], $J4::text[], $J5::text[], $J6::text[], $J7::text[], $J8::text[], $J9::text[], $J10::int8[], $J11::timestamptz[], $J12::text[])
     WHERE EXISTS (SELECT 1 FROM d)";

/// The outbox's part: queues the event for the national portal (`ExchangeStore`) when the
/// dossier row was written (`d` returns its code).
const OUTBOX_PART: &str = "INSERT INTO outbox (destination, event_id, province_code, dossier_id, dossier_code, seq, queued_at, since, next_at)
     SELECT 'dvcqg', $E1::uuid, $E3::text, $E2::uuid, d.code, $E4::int8, $E9::timestamptz, $E9::timestamptz, $E9::timestamptz FROM d";

/// The named parts of the two statements, in parameter order: event, jobs, counters, officer.
const PARTS: [(&str, usize); 4] = [
    ("$E", 12),
    ("$J", 12),
    ("$K", crate::kpi::KPI_PARAMS),
    ("$O", crate::kpi::OFFICER_PARAMS),
];

/// Renumbers the named placeholders of `parts` (prefix, count), in order, after the statement's
/// own `first` ones.
pub(crate) fn number(sql: &str, first: usize, parts: &[(&str, usize)]) -> String {
    let mut out = sql.to_owned();
    let mut base = first;
    for (prefix, count) in parts {
        // Highest numbers first so `$E10` is not read as `$E1` followed by `0`.
        for i in (1..=*count).rev() {
            out = out.replace(&format!("{prefix}{i}"), &format!("${}", base + i));
        }
        base += count;
    }
    out
}

fn bind_event<'q>(
    q: Query<'q, Postgres, PgArguments>,
    e: &'q StoredEvent,
) -> Query<'q, Postgres, PgArguments> {
    q.bind(e.id)
        .bind(e.dossier_id)
        .bind(e.province_code.as_str())
        .bind(e.seq)
        .bind(&e.action)
        .bind(&e.status)
        .bind(&e.actor)
        .bind(&e.agency)
        .bind(e.at)
        .bind(&e.payload)
        .bind(&e.prev_hash)
        .bind(&e.hash)
}

fn bind_jobs<'q>(
    q: Query<'q, Postgres, PgArguments>,
    jobs: &[&'q DocumentJob],
) -> Query<'q, Postgres, PgArguments> {
    q.bind(jobs.iter().map(|j| j.id).collect::<Vec<_>>())
        .bind(
            jobs.iter()
                .map(|j| j.province_code.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(jobs.iter().map(|j| j.dossier_id).collect::<Vec<_>>())
        .bind(
            jobs.iter()
                .map(|j| j.dossier_code.as_str())
                .collect::<Vec<_>>(),
        )
        .bind(jobs.iter().map(|j| j.kind.as_str()).collect::<Vec<_>>())
        .bind(jobs.iter().map(|j| j.number.as_deref()).collect::<Vec<_>>())
        .bind(jobs.iter().map(|j| j.issuer.as_str()).collect::<Vec<_>>())
        .bind(jobs.iter().map(|j| j.actor.as_str()).collect::<Vec<_>>())
        .bind(
            jobs.iter()
                .map(|j| j.officer.as_deref())
                .collect::<Vec<_>>(),
        )
        .bind(jobs.iter().map(|j| j.event_seq).collect::<Vec<_>>())
        .bind(jobs.iter().map(|j| j.issued_at).collect::<Vec<_>>())
        .bind(jobs.iter().map(|j| j.dossier.as_str()).collect::<Vec<_>>())
}

/// A new dossier, its first event, its idempotency key and its form jobs, in one statement.
pub(crate) async fn insert_dossier(
    ex: impl PgExecutor<'_>,
    d: &Dossier,
    first: &StoredEvent,
    idem: Option<&IdempotencyRecord>,
    jobs: &[&DocumentJob],
) -> Result<(), StoreError> {
    let data = serde_json::to_string(d).map_err(json_err)?;
    static SQL: LazyLock<String> = LazyLock::new(|| {
        number(
            &format!(
                "WITH d AS (
                   INSERT INTO dossiers (id, province_code, code, procedure_code, procedure_version, status, version,
                     receiving_agency, competent_agency, current_agency, due_at, submitted_at, last_event_hash, data,
                     search, handler_id, approver_id)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::json,
                     array_to_tsvector($17::text[]), $18::uuid, $19::uuid)
                   RETURNING id, code
                 ), e AS ({EVENT_PART}), x AS ({OUTBOX_PART}), i AS (
                   INSERT INTO idempotency_keys (key, province_code, request_hash, dossier_code, created_at)
                   SELECT $15::text, $2, $16::text, $3, $12 FROM d WHERE $15::text IS NOT NULL
                 ), j AS ({JOBS_PART}), k AS ({}), o AS ({})
                 SELECT COUNT(*) FROM d",
                KPI_PART.as_str(),
                OFFICER_PART.as_str()
            ),
            19,
            &PARTS,
        )
    });
    let desk = DeskColumns::of(d);
    let q = sqlx::query(AssertSqlSafe(SQL.as_str()))
        .bind(d.id)
        .bind(d.province_code.as_str())
        .bind(d.code.as_str())
        .bind(d.procedure.code.as_str())
        .bind(d.procedure.version as i32)
        .bind(d.status.as_str())
        .bind(d.version)
        .bind(d.receiving_agency.as_str())
        .bind(d.competent_agency.as_str())
        .bind(d.current_agency.as_str())
        .bind(d.due_at)
        .bind(d.submitted_at)
        .bind(&d.last_event_hash)
        .bind(&data)
        .bind(idem.map(|i| i.key.as_str()))
        .bind(idem.map(|i| i.request_hash.as_str()))
        .bind(&desk.search)
        .bind(desk.handler_id)
        .bind(desk.approver_id);
    let deltas = kpi::delta(None, d);
    let q = bind_officers(
        bind_kpi(bind_jobs(bind_event(q, first), jobs), &deltas),
        one_officer(first, d),
    );
    q.execute(ex).await.map_err(db_err)?;
    Ok(())
}

/// The new state, its event, its form jobs and the counters' deltas, in one statement, if the
/// stored version is still `before.version`; else `Conflict` and nothing is written.
pub(crate) async fn append_transition(
    ex: impl PgExecutor<'_>,
    before: &Dossier,
    d: &Dossier,
    event: &StoredEvent,
    jobs: &[&DocumentJob],
) -> Result<(), StoreError> {
    let data = serde_json::to_string(d).map_err(json_err)?;
    static SQL: LazyLock<String> = LazyLock::new(|| {
        number(
            &format!(
                "WITH d AS (
                   UPDATE dossiers SET status = $1, version = $2, current_agency = $3, due_at = $4,
                     last_event_hash = $5, data = $6::json,
                     search = array_to_tsvector($10::text[]), handler_id = $11::uuid, approver_id = $12::uuid
                   WHERE id = $7 AND province_code = $8 AND version = $9
                   RETURNING id, code
                 ), e AS ({EVENT_PART}), x AS ({OUTBOX_PART}), j AS ({JOBS_PART}), k AS ({}), o AS ({})
                 SELECT COUNT(*) FROM d",
                KPI_PART.as_str(),
                OFFICER_PART.as_str()
            ),
            12,
            &PARTS,
        )
    });
    let desk = DeskColumns::of(d);
    let q = sqlx::query(AssertSqlSafe(SQL.as_str()))
        .bind(d.status.as_str())
        .bind(d.version)
        .bind(d.current_agency.as_str())
        .bind(d.due_at)
        .bind(&d.last_event_hash)
        .bind(&data)
        .bind(d.id)
        .bind(d.province_code.as_str())
        .bind(before.version)
        .bind(&desk.search)
        .bind(desk.handler_id)
        .bind(desk.approver_id);
    let deltas = kpi::delta(Some(before), d);
    let row = bind_officers(
        bind_kpi(bind_jobs(bind_event(q, event), jobs), &deltas),
        one_officer(event, d),
    )
    .fetch_one(ex)
    .await
    .map_err(db_err)?;
    let written: i64 = row.get(0);
    if written != 1 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn placeholders_are_numbered_after_the_statements_own() {
        let sql = number(
            "$1, $E1, $E10, $E12, $J1, $J12, $K1, $K36, $O1, $O10",
            9,
            &super::PARTS,
        );
        assert_eq!(sql, "$1, $10, $19, $21, $22, $33, $34, $69, $73, $82");
    }
}
