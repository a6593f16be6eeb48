//! The SQLite store's authority role ([`motcua_app::ports::AuthorityStore`]).

use super::*;

#[async_trait]
impl AuthorityStore for SqliteStore {
    async fn insert_authority_rule(&self, rule: &AuthorityRule) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO authority_rules (province_code, id, valid_from, valid_to, data, created_at)
             VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
        )
        .bind(rule.province_code.as_str())
        .bind(&rule.id)
        .bind(rule.valid_from.to_string())
        .bind(rule.valid_to.map(|d| d.to_string()))
        .bind(serde_json::to_string(rule).map_err(json_err)?)
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn replace_authority_rule(&self, rule: &AuthorityRule) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE authority_rules SET valid_from = ?, valid_to = ?, data = ?
             WHERE province_code = ? AND id = ?",
        )
        .bind(rule.valid_from.to_string())
        .bind(rule.valid_to.map(|d| d.to_string()))
        .bind(serde_json::to_string(rule).map_err(json_err)?)
        .bind(rule.province_code.as_str())
        .bind(&rule.id)
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn authority_rules(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<AuthorityRule>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT data FROM authority_rules WHERE province_code = ? ORDER BY id",
        )
        .bind(province.as_str())
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        decode_all(&rows)
    }
}
