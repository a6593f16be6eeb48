//! The SQLite store's identity role ([`motcua_app::ports::IdentityStore`]).

use super::*;

#[async_trait]
impl IdentityStore for SqliteStore {
    async fn insert_token(&self, secret_hash: &str, t: &TokenRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_tokens (id, secret_hash, province_code, agency_code, role, label, created_at, expires_at)
             VALUES (?, ?, (SELECT province_code FROM agencies WHERE code = ?), ?, ?, ?, ?, ?)",
        )
        .bind(t.id.to_string())
        .bind(secret_hash)
        .bind(t.agency.as_str())
        .bind(t.agency.as_str())
        .bind(t.role.as_str())
        .bind(&t.label)
        .bind(ts(t.created_at))
        .bind(t.expires_at.map(ts))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn token(&self, secret_hash: &str) -> Result<Option<TokenRecord>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLS} FROM api_tokens WHERE secret_hash = ?");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(secret_hash)
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        row.as_ref().map(token_from_row).transpose()
    }

    async fn tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLS} FROM api_tokens ORDER BY created_at DESC, id");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .fetch_all(&self.reader)
            .await
            .map_err(db_err)?;
        rows.iter().map(token_from_row).collect()
    }

    async fn revoke_token(&self, id: Uuid, at: OffsetDateTime) -> Result<bool, StoreError> {
        let r =
            sqlx::query("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
                .bind(ts(at))
                .bind(id.to_string())
                .execute(&self.writer)
                .await
                .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn insert_user(&self, u: &UserRecord) -> Result<(), StoreError> {
        let r = sqlx::query(
            "INSERT INTO staff_users (id, username, display_name, province_code, agency_code, role,
                 password_hash, must_change_password, disabled, failed_logins, locked_until,
                 password_changed_at, created_at)
             SELECT ?, ?, ?, province_code, code, ?, ?, ?, ?, ?, ?, ?, ? FROM agencies WHERE code = ?",
        )
        .bind(u.id.to_string())
        .bind(u.username.as_str())
        .bind(&u.display_name)
        .bind(u.role.as_str())
        .bind(&u.password_hash)
        .bind(u.must_change_password)
        .bind(u.disabled)
        .bind(i64::from(u.login.failures))
        .bind(u.login.locked_until.map(ts))
        .bind(ts(u.password_changed_at))
        .bind(ts(u.created_at))
        .bind(u.agency.as_str())
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        if r.rows_affected() == 0 {
            return Err(StoreError::Internal(format!("no agency {}", u.agency)));
        }
        Ok(())
    }

    async fn user_by_name(&self, name: &Username) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("{USER_COLUMNS} WHERE username = ?")))
            .bind(name.as_str())
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        row.map(|r| user_row(&r)).transpose()
    }

    async fn user(&self, id: Uuid) -> Result<Option<UserRecord>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!("{USER_COLUMNS} WHERE id = ?")))
            .bind(id.to_string())
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err)?;
        row.map(|r| user_row(&r)).transpose()
    }

    async fn users(&self, province: Option<&ProvinceCode>) -> Result<Vec<UserRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{USER_COLUMNS} WHERE ? IS NULL OR province_code = ? ORDER BY username"
        )))
        .bind(province.map(|p| p.as_str()))
        .bind(province.map(|p| p.as_str()))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter().map(user_row).collect()
    }

    async fn set_login_state(&self, id: Uuid, state: &LoginState) -> Result<(), StoreError> {
        sqlx::query("UPDATE staff_users SET failed_logins = ?, locked_until = ? WHERE id = ?")
            .bind(i64::from(state.failures))
            .bind(state.locked_until.map(ts))
            .bind(id.to_string())
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn set_password(
        &self,
        id: Uuid,
        hash: &str,
        must_change: bool,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE staff_users SET password_hash = ?, must_change_password = ?,
                 password_changed_at = ?, failed_logins = 0, locked_until = NULL WHERE id = ?",
        )
        .bind(hash)
        .bind(must_change)
        .bind(ts(at))
        .bind(id.to_string())
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn set_user_disabled(&self, id: Uuid, disabled: bool) -> Result<bool, StoreError> {
        let r = sqlx::query("UPDATE staff_users SET disabled = ? WHERE id = ?")
            .bind(disabled)
            .bind(id.to_string())
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected() > 0)
    }

    async fn insert_session(&self, secret_hash: &str, s: &SessionRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO staff_sessions (secret_hash, user_id, created_at, last_seen_at, ip)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(secret_hash)
        .bind(s.user_id.to_string())
        .bind(ts(s.created_at))
        .bind(ts(s.last_seen_at))
        .bind(&s.ip)
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn session(&self, secret_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id, created_at, last_seen_at, ip FROM staff_sessions WHERE secret_hash = ?",
        )
        .bind(secret_hash)
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.as_ref()
            .map(|r| store_rows::session(&Cols(r)))
            .transpose()
    }

    async fn touch_session(&self, secret_hash: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        sqlx::query("UPDATE staff_sessions SET last_seen_at = ? WHERE secret_hash = ?")
            .bind(ts(at))
            .bind(secret_hash)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_session(&self, secret_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM staff_sessions WHERE secret_hash = ?")
            .bind(secret_hash)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_user_sessions(&self, user_id: Uuid) -> Result<u64, StoreError> {
        let r = sqlx::query("DELETE FROM staff_sessions WHERE user_id = ?")
            .bind(user_id.to_string())
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(r.rows_affected())
    }

    async fn insert_citizen_session(
        &self,
        secret_hash: &str,
        s: &CitizenSessionRecord,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO citizen_sessions (secret_hash, subject, id_number, name, created_at, last_seen_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(secret_hash)
        .bind(&s.subject)
        .bind(s.id_number.as_str())
        .bind(&s.name)
        .bind(ts(s.created_at))
        .bind(ts(s.last_seen_at))
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn citizen_session(
        &self,
        secret_hash: &str,
    ) -> Result<Option<CitizenSessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT subject, id_number, name, created_at, last_seen_at FROM citizen_sessions
             WHERE secret_hash = ?",
        )
        .bind(secret_hash)
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err)?;
        row.as_ref()
            .map(|r| store_rows::citizen_session(&Cols(r)))
            .transpose()
    }

    async fn touch_citizen_session(
        &self,
        secret_hash: &str,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE citizen_sessions SET last_seen_at = ? WHERE secret_hash = ?")
            .bind(ts(at))
            .bind(secret_hash)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn delete_citizen_session(&self, secret_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM citizen_sessions WHERE secret_hash = ?")
            .bind(secret_hash)
            .execute(&self.writer)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn insert_security_event(&self, e: &SecurityEvent) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO security_events (id, at, kind, actor, province_code, subject, ip, detail)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(e.id.to_string())
        .bind(ts(e.at))
        .bind(&e.kind)
        .bind(&e.actor)
        .bind(e.province.as_deref())
        .bind(&e.subject)
        .bind(&e.ip)
        .bind(&e.detail)
        .execute(&self.writer)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn security_events(
        &self,
        province: Option<&ProvinceCode>,
        limit: u32,
    ) -> Result<Vec<SecurityEvent>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, kind, actor, province_code, subject, ip, detail FROM security_events
             WHERE ? IS NULL OR province_code = ? ORDER BY at DESC, id DESC LIMIT ?",
        )
        .bind(province.map(|p| p.as_str()))
        .bind(province.map(|p| p.as_str()))
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(|r| store_rows::security_event(&Cols(r)))
            .collect()
    }
}
