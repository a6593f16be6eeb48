//! The PostgreSQL store's monitoring role ([`motcua_app::ports::MonitoringStore`]).

use super::*;

#[async_trait]
impl MonitoringStore for PgStore {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query_scalar::<_, i32>("SELECT 1")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn dossier_stats(
        &self,
        province: &ProvinceCode,
        agency: Option<&AgencyCode>,
        now: OffsetDateTime,
        since: OffsetDateTime,
    ) -> Result<DossierStats, StoreError> {
        const SCOPE: &str = "province_code = $1 AND ($2::text IS NULL OR receiving_agency = $2 OR competent_agency = $2 OR current_agency = $2)";
        const OPEN: &str = "status IN ('received', 'processing', 'awaiting_payment')";
        let agency = agency.map(|a| a.as_str().to_owned());
        let by_status: Vec<(String, i64)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT status, COUNT(*) FROM dossiers WHERE {SCOPE} GROUP BY status ORDER BY status"
        )))
        .bind(province.as_str())
        .bind(&agency)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let by_agency: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT receiving_agency, COUNT(*),
                    COUNT(*) FILTER (WHERE status IN ('finished', 'returned')),
                    COUNT(*) FILTER (WHERE data->>'timeliness' IN ('on_time', 'early')),
                    COUNT(*) FILTER (WHERE {OPEN} AND due_at < $3)
             FROM dossiers WHERE {SCOPE} GROUP BY receiving_agency ORDER BY receiving_agency"
        )))
        .bind(province.as_str())
        .bind(&agency)
        .bind(now)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let per_day: Vec<(String, i64)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT to_char(submitted_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD') AS d, COUNT(*) FROM dossiers
             WHERE {SCOPE} AND submitted_at >= $3 GROUP BY d ORDER BY d"
        )))
        .bind(province.as_str())
        .bind(&agency)
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let (on_time, late, overdue): (i64, i64, i64) = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT COUNT(*) FILTER (WHERE data->>'timeliness' IN ('on_time', 'early')),
                    COUNT(*) FILTER (WHERE data->>'timeliness' = 'late'),
                    COUNT(*) FILTER (WHERE {OPEN} AND due_at < $3)
             FROM dossiers WHERE {SCOPE}"
        )))
        .bind(province.as_str())
        .bind(&agency)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(DossierStats {
            by_status,
            by_agency,
            per_day,
            on_time,
            late,
            overdue,
        })
    }

    async fn kpi_rows(&self, q: &KpiQuery) -> Result<Vec<KpiRow>, StoreError> {
        crate::kpi::rows(&self.pool, q).await
    }

    async fn procedure_popularity(
        &self,
        from_month: &str,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        sqlx::query_as(
            "SELECT procedure_code, CAST(SUM(filed) AS BIGINT) FROM kpi_monthly WHERE month >= $1 GROUP BY procedure_code",
        )
        .bind(from_month)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    async fn kpi_grouped(
        &self,
        q: &KpiQuery,
        by: motcua_app::ports::KpiGroup,
    ) -> Result<Vec<(String, motcua_domain::kpi::Counts)>, StoreError> {
        crate::kpi::grouped(&self.pool, q, by).await
    }

    async fn kpi_breakdown(
        &self,
        q: &KpiQuery,
    ) -> Result<[Vec<(String, motcua_domain::kpi::Counts)>; 3], StoreError> {
        crate::kpi::breakdown(&self.pool, q).await
    }

    async fn handler_load(&self, agency: &AgencyCode) -> Result<Vec<HandlerLoad>, StoreError> {
        crate::kpi::handler_load(&self.pool, agency).await
    }

    async fn kpi_sum(
        &self,
        q: &KpiQuery,
        measure: motcua_domain::kpi::Measure,
    ) -> Result<i64, StoreError> {
        crate::kpi::sum(&self.pool, q, measure).await
    }

    async fn officer_rows(
        &self,
        province: &ProvinceCode,
        agency: Option<&AgencyCode>,
        from_month: &str,
        to_month: &str,
    ) -> Result<Vec<OfficerRow>, StoreError> {
        crate::kpi::officers(&self.pool, province, agency, from_month, to_month).await
    }

    async fn dossiers_submitted(
        &self,
        province: &ProvinceCode,
        from: time::OffsetDateTime,
        to: time::OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Dossier>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar("SELECT data::text FROM dossiers WHERE province_code = $1 AND submitted_at >= $2 AND submitted_at < $3 ORDER BY submitted_at, code LIMIT $4")
            .bind(province.as_str()).bind(from).bind(to).bind(i64::from(limit)).fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|d| serde_json::from_str(d).map_err(json_err))
            .collect()
    }

    async fn counter_intakes(
        &self,
        province: &ProvinceCode,
        from: time::OffsetDateTime,
        to: time::OffsetDateTime,
    ) -> Result<Vec<(AgencyCode, String, time::OffsetDateTime, ProcedureCode)>, StoreError> {
        let rows: Vec<(String, String, OffsetDateTime, String)> = sqlx::query_as(
            "SELECT d.receiving_agency, e.actor, e.at, d.procedure_code FROM dossiers d
             JOIN dossier_events e ON e.dossier_id = d.id AND e.action = 'receive'
             WHERE d.province_code = $1 AND d.submitted_at >= $2 AND d.submitted_at < $3
               AND e.action = 'receive' AND (e.actor LIKE 'token:%' OR e.actor LIKE 'user:%')",
        )
        .bind(province.as_str())
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter()
            .map(|(a, o, t, p)| Ok((parse(&a)?, o, t, parse(&p)?)))
            .collect()
    }

    async fn staff_on_record(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<(AgencyCode, Role, i64)>, StoreError> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT agency_code, role, COUNT(*) FROM staff_users WHERE province_code = $1 AND NOT disabled
             GROUP BY agency_code, role ORDER BY agency_code, role",
        )
        .bind(province.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter()
            .map(|(a, r, n)| {
                Ok((
                    parse(&a)?,
                    Role::parse(&r).ok_or_else(|| StoreError::Internal("stored role".into()))?,
                    n,
                ))
            })
            .collect()
    }

    async fn insert_notices(&self, notices: &[Notice]) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let mut new = 0;
        for n in notices {
            let roles: Vec<&str> = n.roles.iter().map(|r| r.as_str()).collect();
            new += sqlx::query("INSERT INTO notices (key, province_code, dossier_code, rule_id, action, agency, roles, message, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING")
                .bind(&n.key)
                .bind(n.province_code.as_str())
                .bind(n.dossier_code.as_str())
                .bind(&n.rule_id)
                .bind(enum_str(&n.action))
                .bind(n.agency.as_str())
                .bind(roles.join(","))
                .bind(&n.message)
                .bind(n.created_at)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?
                .rows_affected();
        }
        tx.commit().await.map_err(db_err)?;
        Ok(new)
    }

    async fn notices_for(
        &self,
        agency: &AgencyCode,
        role: Role,
        limit: u32,
    ) -> Result<Vec<Notice>, StoreError> {
        let rows = sqlx::query("SELECT key, province_code, dossier_code, rule_id, action, agency, roles, message, created_at FROM notices WHERE agency = $1 AND (',' || roles || ',') LIKE $2 ORDER BY created_at DESC, key LIMIT $3")
            .bind(agency.as_str())
            .bind(format!("%,{},%", role.as_str()))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| {
                Ok(Notice {
                    key: r.get("key"),
                    province_code: parse(r.get::<&str, _>("province_code"))?,
                    dossier_code: parse(r.get::<&str, _>("dossier_code"))?,
                    rule_id: r.get("rule_id"),
                    action: enum_parse(r.get::<&str, _>("action"))?,
                    agency: parse(r.get::<&str, _>("agency"))?,
                    roles: r
                        .get::<&str, _>("roles")
                        .split(',')
                        .filter_map(Role::parse)
                        .collect(),
                    message: r.get("message"),
                    created_at: r.get("created_at"),
                })
            })
            .collect()
    }

    async fn rebuild_kpis(&self, province: &ProvinceCode) -> Result<u64, StoreError> {
        crate::kpi::rebuild(&self.pool, province).await
    }

    async fn overdue_counts(
        &self,
        province: &ProvinceCode,
        from: OffsetDateTime,
        to: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Vec<(AgencyCode, ProcedureCode, i64)>, StoreError> {
        crate::kpi::overdue(&self.pool, province, from, to, now).await
    }
}
