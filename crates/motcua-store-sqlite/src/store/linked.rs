//! The SQLite store's linked role ([`motcua_app::ports::LinkedStore`]).

use super::*;

#[async_trait]
impl LinkedStore for SqliteStore {
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
