//! The PostgreSQL store's dossiers role ([`motcua_app::ports::DossierStore`]).

use super::*;

#[async_trait]
impl DossierStore for PgStore {
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
        if !f.is_plain() {
            return crate::desk::list(&self.pool, f).await;
        }
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

    async fn inbox_counts(&self, q: &InboxCountQuery) -> Result<InboxCounts, StoreError> {
        crate::desk::counts(&self.pool, q).await
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
}
