//! The PostgreSQL store's authority role ([`motcua_app::ports::AuthorityStore`]).

use super::*;

#[async_trait]
impl AuthorityStore for PgStore {
    async fn insert_authority_rule(&self, rule: &AuthorityRule) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO authority_rules (province_code, id, valid_from, valid_to, data)
             VALUES ($1, $2, $3, $4, $5::json)",
        )
        .bind(rule.province_code.as_str())
        .bind(&rule.id)
        .bind(rule.valid_from)
        .bind(rule.valid_to)
        .bind(serde_json::to_string(rule).map_err(json_err)?)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn replace_authority_rule(&self, rule: &AuthorityRule) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "UPDATE authority_rules SET valid_from = $1, valid_to = $2, data = $3::json
             WHERE province_code = $4 AND id = $5",
        )
        .bind(rule.valid_from)
        .bind(rule.valid_to)
        .bind(serde_json::to_string(rule).map_err(json_err)?)
        .bind(rule.province_code.as_str())
        .bind(&rule.id)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn authority_rules(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<AuthorityRule>, StoreError> {
        let rows: Vec<Json<AuthorityRule>> = sqlx::query_scalar(
            "SELECT data FROM authority_rules WHERE province_code = $1 ORDER BY id",
        )
        .bind(province.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.into_iter().map(|Json(r)| r).collect())
    }
}
