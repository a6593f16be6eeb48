//! The officer's desk on SQLite (issue #32), with the PostgreSQL store's semantics: lists with a
//! search, a handler, an approver or another order, the inbox's tab counts, and filling the desk
//! columns of rows written before them.
//!
//! A name is matched in the `search` text (` scope|word …`): each query term must begin a stored
//! term, ` scope|beginning` found by `instr` among the scope's rows. The code, the identity
//! number (`dossier_applicants`), the phone (`dossier_phones`) and the receipts' numbers are
//! looked up by their indexes.

use crate::rows::{db_err, decode_all, ts};
use motcua_app::StoreError;
use motcua_app::ports::{
    DossierFilter, HandlerFilter, InboxCountQuery, InboxCounts, name_query_terms,
};
use motcua_app::store_support::{
    DESK_BACKFILL_BATCH, DeskColumns, clock_statuses_sql, closed_statuses_sql, json_err,
    order_clause, scope_sql, status_condition,
};
use motcua_domain::dossier::search::SearchQuery;
use motcua_domain::dossier::{Dossier, DossierListing};
use sqlx::{AssertSqlSafe, SqlitePool};

/// At most this many name terms are matched (`search::MAX_NAME_WORDS`), each a numbered
/// parameter from `?20` on.
const FIRST_TERM: usize = 20;

/// A page of the desk.
pub(crate) async fn list(
    pool: &SqlitePool,
    f: &DossierFilter,
) -> Result<Vec<DossierListing>, StoreError> {
    let statuses = f.statuses();
    if statuses.is_empty() {
        return Ok(Vec::new());
    }
    // Built only from static fragments and the enum's own names; every value is bound:
    // ?1 scope, ?2 search, ?3 account, ?4 due before, ?5 due after, ?6 procedure, ?7 limit,
    // ?8 offset, ?20… name terms.
    let (scope_cond, scope) = scope_sql(f.agency.as_ref(), f.province.as_ref(), "?1");
    let mut sql = format!(
        "SELECT data FROM dossiers WHERE {scope_cond}{}",
        status_condition(&statuses)
    );
    let mut terms: Vec<String> = Vec::new();
    let search: Option<String> = match &f.search {
        None => None,
        Some(SearchQuery::Code(c)) => {
            sql.push_str(" AND code = ?2");
            Some(c.as_str().to_owned())
        }
        Some(SearchQuery::IdNumber(id)) => {
            sql.push_str(" AND code IN (SELECT code FROM dossier_applicants WHERE id_number = ?2)");
            Some(id.as_str().to_owned())
        }
        Some(SearchQuery::Phone(p)) => {
            sql.push_str(" AND code IN (SELECT code FROM dossier_phones WHERE phone = ?2)");
            Some(p.as_str().to_owned())
        }
        Some(SearchQuery::Receipt(n)) => {
            sql.push_str(
                " AND id IN (SELECT dossier_id FROM documents WHERE kind = 'form01' AND number = ?2
                             UNION ALL SELECT dossier_id FROM document_jobs WHERE kind = 'form01' AND number = ?2)",
            );
            Some(n.clone())
        }
        Some(SearchQuery::Name(words)) => {
            terms = name_query_terms(f, words);
            for i in 0..terms.len() {
                sql.push_str(&format!(
                    " AND instr(search, ' ' || ?{}) > 0",
                    FIRST_TERM + i
                ));
            }
            None
        }
    };
    let mut account: Option<String> = None;
    match f.handler {
        HandlerFilter::Any => {}
        HandlerFilter::Is(u) => {
            sql.push_str(" AND handler_id = ?3");
            account = Some(u.to_string());
        }
        HandlerFilter::Unassigned => {
            sql.push_str(" AND handler_id IS NULL");
            if f.agency.is_some() {
                sql.push_str(" AND current_agency = ?1");
            }
        }
    }
    if let Some(u) = f.approver {
        sql.push_str(" AND approver_id = ?3");
        account = Some(u.to_string());
    }
    if f.due_before.is_some() {
        sql.push_str(" AND due_at < ?4");
    }
    if f.due_after.is_some() {
        sql.push_str(" AND due_at >= ?5");
    }
    if f.procedure.is_some() {
        sql.push_str(" AND procedure_code = ?6");
    }
    sql.push_str(&format!(
        " ORDER BY {} LIMIT ?7 OFFSET ?8",
        order_clause(f.order)
    ));
    let mut q = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql))
        .bind(scope)
        .bind(search)
        .bind(account)
        .bind(f.due_before.map(ts))
        .bind(f.due_after.map(ts))
        .bind(f.procedure.as_ref().map(|p| p.as_str().to_owned()))
        .bind(i64::from(f.limit))
        .bind(i64::from(f.offset));
    // ?9 … ?19 are not used; SQLite numbers parameters by their highest index.
    for _ in 9..FIRST_TERM {
        q = q.bind(None::<String>);
    }
    for t in terms {
        q = q.bind(t);
    }
    let rows = q.fetch_all(pool).await.map_err(db_err)?;
    decode_all(&rows)
}

/// The inbox's tab counts over the scope's open dossiers, in one pass.
pub(crate) async fn counts(
    pool: &SqlitePool,
    q: &InboxCountQuery,
) -> Result<InboxCounts, StoreError> {
    let clock = clock_statuses_sql();
    let (scope_cond, scope) = scope_sql(q.agency.as_ref(), q.province.as_ref(), "?1");
    let held = if q.agency.is_some() {
        " AND current_agency = ?1"
    } else {
        ""
    };
    let sql = format!(
        "SELECT COUNT(*),
                COALESCE(SUM(handler_id = ?2), 0),
                COALESCE(SUM(handler_id IS NULL AND status IN ('received', 'processing'){held}), 0),
                COALESCE(SUM(status IN {clock} AND due_at >= ?3 AND due_at < ?4), 0),
                COALESCE(SUM(status IN {clock} AND due_at < ?3), 0),
                COALESCE(SUM(approver_id = ?2), 0)
         FROM dossiers WHERE {scope_cond} AND status NOT IN {}",
        closed_statuses_sql()
    );
    let (open, mine, unassigned, due_today, overdue, approval): (i64, i64, i64, i64, i64, i64) =
        sqlx::query_as(AssertSqlSafe(sql))
            .bind(scope)
            .bind(q.me.to_string())
            .bind(ts(q.now))
            .bind(ts(q.day_end))
            .fetch_one(pool)
            .await
            .map_err(db_err)?;
    Ok(InboxCounts {
        open,
        mine,
        unassigned,
        due_today,
        overdue,
        approval,
    })
}

/// Fills the desk columns of rows written before migration 0018, a batch at a time.
pub(crate) async fn backfill(pool: &SqlitePool) -> Result<u64, StoreError> {
    let mut filled = 0u64;
    loop {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT id, data FROM dossiers WHERE search IS NULL LIMIT ?")
                .bind(DESK_BACKFILL_BATCH)
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
        if rows.is_empty() {
            return Ok(filled);
        }
        let mut tx = pool.begin().await.map_err(db_err)?;
        for (id, data) in &rows {
            let d: Dossier = serde_json::from_str(data).map_err(json_err)?;
            let desk = DeskColumns::of(&d);
            sqlx::query(
                "UPDATE dossiers SET search = ?, handler_id = ?, approver_id = ? WHERE id = ?",
            )
            .bind(desk.search_text())
            .bind(desk.handler_id.map(|u| u.to_string()))
            .bind(desk.approver_id.map(|u| u.to_string()))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)?;
        filled += rows.len() as u64;
    }
}
