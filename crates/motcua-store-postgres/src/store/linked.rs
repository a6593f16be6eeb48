//! The PostgreSQL store's linked role ([`motcua_app::ports::LinkedStore`]).

use super::*;

#[async_trait]
impl LinkedStore for PgStore {
    async fn insert_linked(
        &self,
        a: &LinkedApplication,
        idem: Option<&IdempotencyRecord>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO linked_applications (province_code, id, code, service, filed_at, idempotency_key, request_hash, data)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(a.province_code.as_str())
        .bind(a.id)
        .bind(a.code.as_str())
        .bind(a.service.as_str())
        .bind(a.filed_at)
        .bind(idem.map(|i| i.key.as_str()))
        .bind(idem.map(|i| i.request_hash.as_str()))
        .bind(Json(a))
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn linked_idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT idempotency_key, request_hash, code FROM linked_applications WHERE idempotency_key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
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
        let row: Option<Json<LinkedApplication>> =
            sqlx::query_scalar("SELECT data FROM linked_applications WHERE code = $1")
                .bind(code.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(row.map(|Json(a)| a))
    }

    async fn linked_since(
        &self,
        since: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<LinkedApplication>, StoreError> {
        let rows: Vec<Json<LinkedApplication>> = sqlx::query_scalar(
            "SELECT data FROM linked_applications WHERE filed_at >= $1 ORDER BY filed_at, id LIMIT $2",
        )
        .bind(since)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.into_iter().map(|Json(a)| a).collect())
    }
}
