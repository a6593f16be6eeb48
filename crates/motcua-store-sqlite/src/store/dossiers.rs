//! The SQLite store's dossiers role ([`motcua_app::ports::DossierStore`]).

use super::*;

#[async_trait]
impl DossierStore for SqliteStore {
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
                    queue_event(&mut *tx, &first, &d.code).await?;
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
        let desk = motcua_app::store_support::DeskColumns::of(d);
        let expected_version = before.version;
        let deltas = kpi::delta(Some(before), d);
        let (d, event, documents) = (d.clone(), event.clone(), documents.to_vec());
        self.group
            .write(move |tx| {
                Box::pin(async move {
                    let updated = sqlx::query(
                        "UPDATE dossiers SET status = ?, version = ?, current_agency = ?, due_at = ?, last_event_hash = ?, data = ?,
                           search = ?, handler_id = ?, approver_id = ?
                         WHERE id = ? AND province_code = ? AND version = ?",
                    )
                    .bind(d.status.as_str())
                    .bind(d.version)
                    .bind(d.current_agency.as_str())
                    .bind(d.due_at.map(ts))
                    .bind(&d.last_event_hash)
                    .bind(data)
                    .bind(desk.search_text())
                    .bind(desk.handler_id.map(|u| u.to_string()))
                    .bind(desk.approver_id.map(|u| u.to_string()))
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
                    queue_event(&mut *tx, &event, &d.code).await?;
                    crate::kpi::add(&mut *tx, &deltas).await?;
                    crate::kpi::add_officer(&mut *tx, &event, &d).await?;
                    insert_issued(tx, &documents).await
                })
            })
            .await
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
        if !f.is_plain() {
            return crate::desk::list(&self.reader, f).await;
        }
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

    async fn inbox_counts(&self, q: &InboxCountQuery) -> Result<InboxCounts, StoreError> {
        crate::desk::counts(&self.reader, q).await
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
}
