//! The PostgreSQL store's exchange role ([`motcua_app::ports::ExchangeStore`]): the outbox and
//! the exchange log. A claim takes the dossiers' first messages `FOR UPDATE SKIP LOCKED`, so
//! several servers share the work without waiting for one another, and leases them; log records
//! are appended one after the other under the lock of the chain's end (`exchange_head`).

use super::*;
use motcua_app::ports::{
    ExchangeRecord, NewExchangeRecord, OperatorDecision, OutboxClaim, OutboxMessage, OutboxState,
    OutboxStatus, Settlement, seal_exchange_record,
};
use motcua_app::store_rows::{EXCHANGE_COLS, OUTBOX_COLS, exchange_record, outbox_message};

fn messages(rows: &[PgRow]) -> Result<Vec<OutboxMessage>, StoreError> {
    rows.iter().map(|r| outbox_message(&Cols(r))).collect()
}

static CLAIM_HEADS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH heads AS (
           SELECT o.destination, o.event_id FROM outbox o
           WHERE o.destination = $3 AND o.state = 'pending' AND o.next_at <= $4
             AND (o.lease_until IS NULL OR o.lease_until < $4)
             AND NOT EXISTS (SELECT 1 FROM outbox p
               WHERE p.destination = o.destination AND p.dossier_id = o.dossier_id
                 AND p.seq < o.seq AND p.state IN ('pending', 'dead'))
           ORDER BY o.next_at, o.queued_at LIMIT $5
           FOR UPDATE SKIP LOCKED
         )
         UPDATE outbox SET lease_owner = $1, lease_until = $2, attempts = attempts + 1
         FROM heads WHERE outbox.destination = heads.destination AND outbox.event_id = heads.event_id
         RETURNING {}",
        prefixed("outbox.", OUTBOX_COLS)
    )
});

static CLAIM_REST: LazyLock<String> = LazyLock::new(|| {
    format!(
        "UPDATE outbox SET lease_owner = $1, lease_until = $2
         WHERE (destination, event_id) IN (
           SELECT destination, event_id FROM outbox
           WHERE destination = $3 AND dossier_id = $4 AND state = 'pending' AND seq > $5
           ORDER BY seq LIMIT $6)
         RETURNING {OUTBOX_COLS}"
    )
});

/// `a, b` → `t.a, t.b` (a column list qualified by its table).
fn prefixed(table: &str, cols: &str) -> String {
    cols.split(',')
        .map(|c| format!("{table}{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[async_trait]
impl ExchangeStore for PgStore {
    async fn claim_outbox(
        &self,
        destination: &str,
        owner: &str,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        dossiers: u32,
        per_dossier: u32,
    ) -> Result<Vec<OutboxClaim>, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let heads = sqlx::query(AssertSqlSafe(CLAIM_HEADS.as_str()))
            .bind(owner)
            .bind(lease_until)
            .bind(destination)
            .bind(now)
            .bind(i64::from(dossiers))
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
        let mut claims = Vec::with_capacity(heads.len());
        for head in messages(&heads)? {
            let rest = sqlx::query(AssertSqlSafe(CLAIM_REST.as_str()))
                .bind(owner)
                .bind(lease_until)
                .bind(destination)
                .bind(head.dossier_id)
                .bind(head.seq)
                .bind(i64::from(per_dossier.saturating_sub(1)))
                .fetch_all(&mut *tx)
                .await
                .map_err(db_err)?;
            let delivered_before: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM outbox WHERE destination = $1 AND dossier_id = $2 AND state = 'delivered'",
            )
            .bind(destination)
            .bind(head.dossier_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            let mut run = vec![head];
            run.extend(messages(&rest)?);
            run.sort_by_key(|m| m.seq);
            claims.push(OutboxClaim {
                messages: run,
                delivered_before,
            });
        }
        tx.commit().await.map_err(db_err)?;
        Ok(claims)
    }

    async fn settle_outbox(
        &self,
        destination: &str,
        owner: &str,
        settlements: &[(Uuid, Settlement)],
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let mut n = 0;
        for (id, s) in settlements {
            let sql = match s {
                Settlement::Delivered { .. } => {
                    "UPDATE outbox SET state = 'delivered', delivered_at = $4, lease_owner = NULL, lease_until = NULL
                     WHERE destination = $1 AND event_id = $2 AND lease_owner = $3"
                }
                Settlement::Failed { .. } => {
                    "UPDATE outbox SET next_at = $4, last_reason = $5, last_error = $6, attempts = attempts + $7,
                       lease_owner = NULL, lease_until = NULL
                     WHERE destination = $1 AND event_id = $2 AND lease_owner = $3"
                }
                Settlement::Dead { .. } => {
                    "UPDATE outbox SET state = 'dead', last_reason = $4, last_error = $5, attempts = attempts + $6,
                       lease_owner = NULL, lease_until = NULL
                     WHERE destination = $1 AND event_id = $2 AND lease_owner = $3"
                }
                Settlement::Release => {
                    "UPDATE outbox SET lease_owner = NULL, lease_until = NULL
                     WHERE destination = $1 AND event_id = $2 AND lease_owner = $3"
                }
            };
            let q = sqlx::query(sql).bind(destination).bind(*id).bind(owner);
            let q = match s {
                Settlement::Delivered { at } => q.bind(*at),
                Settlement::Failed {
                    next_at,
                    reason,
                    error,
                    counted,
                } => q
                    .bind(*next_at)
                    .bind(reason.as_str())
                    .bind(error.as_str())
                    .bind(i32::from(!*counted)),
                Settlement::Dead {
                    reason,
                    error,
                    counted,
                } => q
                    .bind(reason.as_str())
                    .bind(error.as_str())
                    .bind(i32::from(!*counted)),
                Settlement::Release => q,
            };
            let done = q.execute(&mut *tx).await.map_err(db_err)?.rows_affected();
            if done == 1 && matches!(s, Settlement::Delivered { .. }) {
                // A dossier's first message acknowledged: its bucket counts it as received
                // by the portal.
                sqlx::query(AssertSqlSafe(format!(
                    "UPDATE kpi_monthly k SET synced = k.synced + 1
                     FROM outbox o JOIN dossiers d ON d.id = o.dossier_id
                     WHERE o.destination = $1 AND o.event_id = $2 AND o.seq = 1
                       AND k.province_code = d.province_code AND k.agency = d.competent_agency
                       AND k.procedure_code = d.procedure_code AND k.month = {MONTH_OF_SUBMITTED}"
                )))
                .bind(destination)
                .bind(*id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            n += done;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(n)
    }

    async fn decide_outbox(
        &self,
        destination: &str,
        event_id: Uuid,
        decision: &OperatorDecision,
        by: &str,
        note: &str,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let sql = match decision {
            OperatorDecision::Retry => {
                "UPDATE outbox SET state = 'pending', next_at = $3, since = $3, attempts = 1,
                   settled_by = $4, note = $5
                 WHERE destination = $1 AND event_id = $2 AND state = 'dead'"
            }
            OperatorDecision::Skip => {
                "UPDATE outbox SET state = 'skipped', settled_by = $4, note = $5, lease_owner = NULL, lease_until = NULL
                 WHERE destination = $1 AND event_id = $2 AND state IN ('pending', 'dead')
                   AND (lease_until IS NULL OR lease_until < $3)"
            }
        };
        let done = sqlx::query(sql)
            .bind(destination)
            .bind(event_id)
            .bind(now)
            .bind(by)
            .bind(note)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn outbox_status(
        &self,
        destination: &str,
        now: OffsetDateTime,
    ) -> Result<OutboxStatus, StoreError> {
        let mut st = OutboxStatus::default();
        let rows = sqlx::query(
            "SELECT state, COUNT(*) AS n FROM outbox WHERE destination = $1 GROUP BY state",
        )
        .bind(destination)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        for r in &rows {
            let (state, n): (String, i64) = (r.get("state"), r.get("n"));
            match OutboxState::parse(&state) {
                Some(OutboxState::Pending) => st.pending = n,
                Some(OutboxState::Delivered) => st.delivered = n,
                Some(OutboxState::Dead) => st.dead = n,
                Some(OutboxState::Skipped) => st.skipped = n,
                None => {}
            }
        }
        let row = sqlx::query(
            "SELECT MIN(queued_at) AS oldest, COUNT(*) FILTER (WHERE lease_until >= $2) AS leased
             FROM outbox WHERE destination = $1 AND state = 'pending'",
        )
        .bind(destination)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        st.oldest_pending = row.get("oldest");
        st.leased = row.get("leased");
        let failing = sqlx::query(
            "SELECT last_reason, COUNT(*) AS n FROM outbox
             WHERE destination = $1 AND state IN ('pending', 'dead') AND last_reason IS NOT NULL
             GROUP BY last_reason ORDER BY n DESC, last_reason",
        )
        .bind(destination)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        st.failing = failing
            .iter()
            .map(|r| (r.get("last_reason"), r.get("n")))
            .collect();
        Ok(st)
    }

    async fn outbox_backlog(
        &self,
        destination: &str,
    ) -> Result<(i64, i64, Option<OffsetDateTime>), StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM outbox WHERE destination = $1 AND state = 'pending') AS pending,
                    (SELECT COUNT(*) FROM outbox WHERE destination = $1 AND state = 'dead') AS dead,
                    (SELECT MIN(queued_at) FROM outbox WHERE destination = $1 AND state = 'pending') AS oldest",
        )
        .bind(destination)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        Ok((row.get("pending"), row.get("dead"), row.get("oldest")))
    }

    async fn outbox_messages(
        &self,
        destination: &str,
        state: OutboxState,
        limit: u32,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {OUTBOX_COLS} FROM outbox WHERE destination = $1 AND state = $2
             ORDER BY since, dossier_code, seq LIMIT $3"
        )))
        .bind(destination)
        .bind(state.as_str())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        messages(&rows)
    }

    async fn outbox_message(
        &self,
        destination: &str,
        event_id: Uuid,
    ) -> Result<Option<OutboxMessage>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {OUTBOX_COLS} FROM outbox WHERE destination = $1 AND event_id = $2"
        )))
        .bind(destination)
        .bind(event_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.map(|r| outbox_message(&Cols(&r))).transpose()
    }

    async fn outbox_of_dossier(&self, dossier_id: Uuid) -> Result<Vec<OutboxMessage>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {OUTBOX_COLS} FROM outbox WHERE dossier_id = $1 ORDER BY destination, seq"
        )))
        .bind(dossier_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        messages(&rows)
    }

    async fn append_exchange(&self, r: &NewExchangeRecord) -> Result<ExchangeRecord, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        // The chain's end, locked: a second writer waits here and then reads this one's end.
        let head = sqlx::query("SELECT seq, hash FROM exchange_head WHERE id = 1 FOR UPDATE")
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let sealed = seal_exchange_record(head.get("seq"), head.get("hash"), r);
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO exchange_log ({EXCHANGE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        )))
        .bind(sealed.seq)
        .bind(sealed.record.requested_at)
        .bind(sealed.record.answered_at)
        .bind(&sealed.record.destination)
        .bind(&sealed.record.service)
        .bind(&sealed.record.requester)
        .bind(&sealed.record.subject)
        .bind(&sealed.record.status)
        .bind(&sealed.record.request_body)
        .bind(&sealed.record.answer_body)
        .bind(&sealed.request_sha256)
        .bind(&sealed.answer_sha256)
        .bind(&sealed.prev_hash)
        .bind(&sealed.hash)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        sqlx::query("UPDATE exchange_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(sealed.seq)
            .bind(&sealed.hash)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(sealed)
    }

    async fn exchange_records(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<ExchangeRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {EXCHANGE_COLS} FROM exchange_log WHERE seq > $1 ORDER BY seq LIMIT $2"
        )))
        .bind(after_seq)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(|r| exchange_record(&Cols(r))).collect()
    }

    async fn exchange_records_about(
        &self,
        subject: &str,
        limit: u32,
    ) -> Result<Vec<ExchangeRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {EXCHANGE_COLS} FROM exchange_log WHERE subject = $1 ORDER BY seq DESC LIMIT $2"
        )))
        .bind(subject)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(|r| exchange_record(&Cols(r))).collect()
    }

    async fn exchange_head(&self) -> Result<(i64, String), StoreError> {
        let row = sqlx::query("SELECT seq, hash FROM exchange_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        Ok((row.get("seq"), row.get("hash")))
    }
}

/// The bucket's month of a dossier row, as `kpi::month_of` writes it (Vietnam time).
pub(crate) const MONTH_OF_SUBMITTED: &str =
    "to_char((d.submitted_at AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM')";
