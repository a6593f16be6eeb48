//! The PostgreSQL store's reference role ([`motcua_app::ports::ReferenceStore`]).

use super::*;

#[async_trait]
impl ReferenceStore for PgStore {
    async fn replace_units(&self, data: &UnitsData) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        sqlx::query("DELETE FROM unit_mapping")
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        for p in &data.provinces {
            sqlx::query(
                "INSERT INTO provinces (code, name, kind, codename) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, codename = excluded.codename",
            )
            .bind(p.code.as_str())
            .bind(&p.name)
            .bind(&p.kind)
            .bind(&p.codename)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        for c in &data.communes {
            sqlx::query(
                "INSERT INTO communes (code, province_code, name, kind, codename) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (code) DO UPDATE SET province_code = excluded.province_code, name = excluded.name,
                 kind = excluded.kind, codename = excluded.codename",
            )
            .bind(c.code.as_str())
            .bind(c.province_code.as_str())
            .bind(&c.name)
            .bind(&c.kind)
            .bind(&c.codename)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        for m in &data.mapping {
            sqlx::query(
                "INSERT INTO unit_mapping (new_province_code, old_province_code, old_province_name, old_district_code,
                 old_district_name, old_commune_code, old_commune_name, new_commune_code, new_commune_name,
                 new_province_name, nso_note, is_partial, old_split_count)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(m.new_province_code.as_str())
            .bind(&m.old_province_code)
            .bind(&m.old_province_name)
            .bind(&m.old_district_code)
            .bind(&m.old_district_name)
            .bind(&m.old_commune_code)
            .bind(&m.old_commune_name)
            .bind(m.new_commune_code.as_str())
            .bind(&m.new_commune_name)
            .bind(&m.new_province_name)
            .bind(&m.nso_note)
            .bind(m.is_partial)
            .bind(m.old_split_count as i32)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn load_units(&self) -> Result<UnitsData, StoreError> {
        let provinces =
            sqlx::query("SELECT code, name, kind, codename FROM provinces ORDER BY ord")
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?
                .iter()
                .map(|r| store_rows::province(&Cols(r)))
                .collect::<Result<Vec<_>, StoreError>>()?;
        let communes = sqlx::query(
            "SELECT code, province_code, name, kind, codename FROM communes ORDER BY ord",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| store_rows::commune(&Cols(r)))
        .collect::<Result<Vec<_>, StoreError>>()?;
        let mapping = sqlx::query(
            "SELECT new_province_code, old_province_code, old_province_name, old_district_code, old_district_name,
             old_commune_code, old_commune_name, new_commune_code, new_commune_name, new_province_name, nso_note,
             is_partial, old_split_count FROM unit_mapping ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| store_rows::mapping_row(&Cols(r)))
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(UnitsData {
            provinces,
            communes,
            mapping,
        })
    }

    async fn upsert_agencies(&self, agencies: &[Agency]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        for a in agencies {
            sqlx::query(
                "INSERT INTO agencies (code, province_code, unit_code, name, kind, level, contact) VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (code) DO UPDATE SET province_code = excluded.province_code, unit_code = excluded.unit_code,
                 name = excluded.name, kind = excluded.kind, level = excluded.level,
                 contact = COALESCE(excluded.contact, agencies.contact)",
            )
            .bind(a.code.as_str())
            .bind(a.province_code.as_str())
            .bind(a.unit_code.as_ref().map(|u| u.as_str().to_owned()))
            .bind(&a.name)
            .bind(enum_str(&a.kind))
            .bind(enum_str(&a.level))
            // A recorded contact stays when `init` upserts the generated registry again (it
            // carries none): only a contact given replaces one.
            .bind(
                a.contact
                    .as_ref()
                    .map(|c| serde_json::to_string(c).unwrap_or_default()),
            )
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        tx.commit().await.map_err(db_err)
    }

    async fn agency(&self, code: &AgencyCode) -> Result<Option<Agency>, StoreError> {
        let sql = format!("SELECT {AGENCY_COLS} FROM agencies WHERE code = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.as_ref().map(agency_from_row).transpose()
    }

    async fn agencies_of_unit(&self, unit: &UnitCode) -> Result<Vec<Agency>, StoreError> {
        let sql = format!("SELECT {AGENCY_COLS} FROM agencies WHERE unit_code = $1 ORDER BY code");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(unit.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(agency_from_row).collect()
    }

    async fn agencies_in_province(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<Agency>, StoreError> {
        let sql =
            format!("SELECT {AGENCY_COLS} FROM agencies WHERE province_code = $1 ORDER BY code");
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(province.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(agency_from_row).collect()
    }

    async fn agencies_of_province(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<Agency>, StoreError> {
        let sql = format!(
            "SELECT {AGENCY_COLS} FROM agencies WHERE province_code = $1 AND level = 'province' ORDER BY code"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(province.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(agency_from_row).collect()
    }

    async fn count_agencies(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COUNT(*) FROM agencies")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn insert_procedure_version(&self, p: &Procedure) -> Result<(), StoreError> {
        let data = serde_json::to_value(p).map_err(json_err)?;
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let latest: Option<i32> = sqlx::query_scalar(
            "SELECT MAX(version) FROM procedures WHERE province_code = $1 AND code = $2",
        )
        .bind(NATIONAL)
        .bind(p.code.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        if i64::from(latest.unwrap_or(0)) + 1 != i64::from(p.version) {
            return Err(StoreError::Duplicate(format!(
                "procedure {} version {}",
                p.code, p.version
            )));
        }
        sqlx::query("INSERT INTO procedures (province_code, code, version, name, data, created_at) VALUES ($1, $2, $3, $4, $5, now())")
            .bind(NATIONAL)
            .bind(p.code.as_str())
            .bind(p.version as i32)
            .bind(&p.name)
            .bind(Json(data))
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn procedure(
        &self,
        code: &ProcedureCode,
        version: Option<u32>,
    ) -> Result<Option<Procedure>, StoreError> {
        let data: Option<Json<serde_json::Value>> = match version {
            Some(v) => sqlx::query_scalar("SELECT data FROM procedures WHERE province_code = $1 AND code = $2 AND version = $3")
                .bind(NATIONAL)
                .bind(code.as_str())
                .bind(v as i32)
                .fetch_optional(&self.pool)
                .await,
            None => sqlx::query_scalar(
                "SELECT data FROM procedures WHERE province_code = $1 AND code = $2 ORDER BY version DESC LIMIT 1",
            )
            .bind(NATIONAL)
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await,
        }
        .map_err(db_err)?;
        data.map(|d| from_json(d.0)).transpose()
    }

    async fn current_procedures(&self) -> Result<Vec<Procedure>, StoreError> {
        let rows: Vec<Json<serde_json::Value>> = sqlx::query_scalar(
            "SELECT DISTINCT ON (code) data FROM procedures WHERE province_code = $1 ORDER BY code, version DESC",
        )
        .bind(NATIONAL)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(|d| from_json(d.0)).collect()
    }

    async fn holiday_years(&self, province: &ProvinceCode) -> Result<Vec<HolidayYear>, StoreError> {
        let rows: Vec<Json<serde_json::Value>> = sqlx::query_scalar(
            "SELECT data FROM holiday_years WHERE province_code = $1 ORDER BY year",
        )
        .bind(province.as_str())
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.into_iter().map(|d| from_json(d.0)).collect()
    }

    async fn save_holiday_year(
        &self,
        province: &ProvinceCode,
        year: &HolidayYear,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO holiday_years (province_code, year, data) VALUES ($1, $2, $3)
             ON CONFLICT (province_code, year) DO UPDATE SET data = excluded.data",
        )
        .bind(province.as_str())
        .bind(year.year)
        .bind(Json(serde_json::to_value(year).map_err(json_err)?))
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn office_hours(&self, unit: &UnitCode) -> Result<Option<OfficeHours>, StoreError> {
        let d: Option<Json<serde_json::Value>> =
            sqlx::query_scalar("SELECT data FROM office_hours WHERE unit_code = $1")
                .bind(unit.as_str())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        d.map(|d| from_json(d.0)).transpose()
    }

    async fn set_office_hours(
        &self,
        unit: &UnitCode,
        province: &ProvinceCode,
        hours: &OfficeHours,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO office_hours (unit_code, province_code, data) VALUES ($1, $2, $3)
             ON CONFLICT (unit_code) DO UPDATE SET data = excluded.data",
        )
        .bind(unit.as_str())
        .bind(province.as_str())
        .bind(Json(serde_json::to_value(hours).map_err(json_err)?))
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }
}
