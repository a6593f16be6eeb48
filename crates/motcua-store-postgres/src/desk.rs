//! The officer's desk on PostgreSQL (issue #32): lists with a search, a handler, an approver or
//! another order than the due date's, the inbox's tab counts, and filling the desk columns of
//! rows written before them.
//!
//! The plain desk (scope, statuses, due dates, procedure, due order) keeps its own path in
//! `store/dossiers.rs`, walking each role's index in order. A search narrows first by its own
//! index — the code's, the identity number's and the phone's expression indexes, the receipts'
//! numbers, the name's `scope|word` lexemes in `dossiers_search` (GIN) — then the scope and the
//! filters are checked on the few rows found, and only those are sorted.

use crate::json_text::JsonText;
use crate::store::db_err;
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
use sqlx::{AssertSqlSafe, PgPool};
use uuid::Uuid;

/// A tsquery matching the beginning of every term (`'t1':* & 't2':*`); the terms are quoted
/// (`'` doubled, `\` doubled), never parsed as operators.
pub(crate) fn prefix_query(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("'{}':*", t.replace('\\', "\\\\").replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// A page of the desk (see the module's documentation).
pub(crate) async fn list(
    pool: &PgPool,
    f: &DossierFilter,
) -> Result<Vec<DossierListing>, StoreError> {
    let statuses = f.statuses();
    if statuses.is_empty() {
        return Ok(Vec::new());
    }
    // Built only from static fragments and the enum's own names; every value is bound:
    // $1 scope, $2 search, $3 handler/approver account, $4 due before, $5 due after,
    // $6 procedure, $7 limit, $8 offset.
    let (scope_cond, scope) = scope_sql(f.agency.as_ref(), f.province.as_ref(), "$1::text");
    let mut sql = format!(
        "SELECT data FROM dossiers WHERE {scope_cond}{}",
        status_condition(&statuses)
    );
    let search: Option<String> = match &f.search {
        None => None,
        Some(SearchQuery::Code(c)) => {
            sql.push_str(" AND code = $2::text");
            Some(c.as_str().to_owned())
        }
        Some(SearchQuery::IdNumber(id)) => {
            sql.push_str(" AND (data->'applicant'->>'id_number') = $2::text");
            Some(id.as_str().to_owned())
        }
        Some(SearchQuery::Phone(p)) => {
            sql.push_str(" AND (data->'applicant'->>'phone') = $2::text");
            Some(p.as_str().to_owned())
        }
        Some(SearchQuery::Receipt(n)) => {
            sql.push_str(
                " AND id IN (SELECT dossier_id FROM documents WHERE kind = 'form01' AND number = $2::text
                             UNION ALL SELECT dossier_id FROM document_jobs WHERE kind = 'form01' AND number = $2::text)",
            );
            Some(n.clone())
        }
        Some(SearchQuery::Name(words)) => {
            sql.push_str(" AND search @@ $2::text::tsquery");
            Some(prefix_query(&name_query_terms(f, words)))
        }
    };
    let account: Option<Uuid> = match f.handler {
        HandlerFilter::Any => None,
        HandlerFilter::Is(u) => {
            sql.push_str(" AND handler_id = $3::uuid");
            Some(u)
        }
        HandlerFilter::Unassigned => {
            sql.push_str(" AND handler_id IS NULL");
            if f.agency.is_some() {
                sql.push_str(" AND current_agency = $1::text");
            }
            None
        }
    };
    let account = match f.approver {
        Some(u) => {
            sql.push_str(" AND approver_id = $3::uuid");
            Some(u)
        }
        None => account,
    };
    if f.due_before.is_some() {
        sql.push_str(" AND due_at < $4");
    }
    if f.due_after.is_some() {
        sql.push_str(" AND due_at >= $5");
    }
    if f.procedure.is_some() {
        sql.push_str(" AND procedure_code = $6::text");
    }
    sql.push_str(&format!(
        " ORDER BY {} LIMIT $7 OFFSET $8",
        order_clause(f.order)
    ));
    let rows = sqlx::query_scalar::<_, JsonText<DossierListing>>(AssertSqlSafe(sql))
        .bind(scope)
        .bind(search)
        .bind(account)
        .bind(f.due_before)
        .bind(f.due_after)
        .bind(f.procedure.as_ref().map(|p| p.as_str().to_owned()))
        .bind(i64::from(f.limit))
        .bind(i64::from(f.offset))
        .fetch_all(pool)
        .await
        .map_err(db_err)?;
    Ok(rows.into_iter().map(|d| d.0).collect())
}

/// The inbox's tab counts over the scope's open dossiers, in one pass.
pub(crate) async fn counts(pool: &PgPool, q: &InboxCountQuery) -> Result<InboxCounts, StoreError> {
    let clock = clock_statuses_sql();
    let (scope_cond, scope) = scope_sql(q.agency.as_ref(), q.province.as_ref(), "$1::text");
    let held = if q.agency.is_some() {
        " AND current_agency = $1::text"
    } else {
        ""
    };
    let sql = format!(
        "SELECT COUNT(*),
                COUNT(*) FILTER (WHERE handler_id = $2),
                COUNT(*) FILTER (WHERE handler_id IS NULL AND status IN ('received', 'processing'){held}),
                COUNT(*) FILTER (WHERE status IN {clock} AND due_at >= $3 AND due_at < $4),
                COUNT(*) FILTER (WHERE status IN {clock} AND due_at < $3),
                COUNT(*) FILTER (WHERE approver_id = $2)
         FROM dossiers WHERE {scope_cond} AND status NOT IN {}",
        closed_statuses_sql()
    );
    let (open, mine, unassigned, due_today, overdue, approval): (i64, i64, i64, i64, i64, i64) =
        sqlx::query_as(AssertSqlSafe(sql))
            .bind(scope)
            .bind(q.me)
            .bind(q.now)
            .bind(q.day_end)
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

/// Fills the desk columns of rows written before migration 0018, a batch at a time (each
/// batch its own transaction; a restart goes on where it stopped). Returns how many were filled.
pub(crate) async fn backfill(pool: &PgPool) -> Result<u64, StoreError> {
    let mut filled = 0u64;
    loop {
        let rows: Vec<(Uuid, String)> =
            sqlx::query_as("SELECT id, data::text FROM dossiers WHERE search IS NULL LIMIT $1")
                .bind(DESK_BACKFILL_BATCH)
                .fetch_all(pool)
                .await
                .map_err(db_err)?;
        if rows.is_empty() {
            return Ok(filled);
        }
        let mut ids = Vec::with_capacity(rows.len());
        let mut search = Vec::with_capacity(rows.len());
        let mut handlers = Vec::with_capacity(rows.len());
        let mut approvers = Vec::with_capacity(rows.len());
        for (id, data) in &rows {
            let d: Dossier = serde_json::from_str(data).map_err(json_err)?;
            let desk = DeskColumns::of(&d);
            ids.push(*id);
            search.push(crate::bulk::tsvector_text(&desk.search));
            handlers.push(desk.handler_id);
            approvers.push(desk.approver_id);
        }
        sqlx::query(
            "UPDATE dossiers SET search = u.search::tsvector, handler_id = u.handler, approver_id = u.approver
             FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[]) AS u(id, search, handler, approver)
             WHERE dossiers.id = u.id",
        )
        .bind(&ids)
        .bind(&search)
        .bind(&handlers)
        .bind(&approvers)
        .execute(pool)
        .await
        .map_err(db_err)?;
        filled += rows.len() as u64;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_terms_are_quoted_never_operators() {
        let q = super::prefix_query(&["24958.UBND|an".into(), "x'|&!b\\".into()]);
        assert_eq!(q, r"'24958.UBND|an':* & 'x''|&!b\\':*");
    }
}
