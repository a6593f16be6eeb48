//! The store's reference role (see [`super::Store`]).

use super::*;

/// Reference data: the unit catalogue, agencies, the procedure catalogue's versions, holiday tables and office hours.
#[async_trait]
pub trait ReferenceStore: Send + Sync + 'static {
    /// Replaces the unit catalogue (provinces, communes, mapping) atomically.
    async fn replace_units(&self, data: &UnitsData) -> Result<(), StoreError>;
    /// Loads the unit catalogue.
    async fn load_units(&self) -> Result<UnitsData, StoreError>;
    /// Inserts or updates agencies.
    async fn upsert_agencies(&self, agencies: &[Agency]) -> Result<(), StoreError>;
    /// One agency.
    async fn agency(&self, code: &AgencyCode) -> Result<Option<Agency>, StoreError>;
    /// Agencies of a commune (`unit`), or of a province when `unit` is a province's level.
    async fn agencies_of_unit(&self, unit: &UnitCode) -> Result<Vec<Agency>, StoreError>;
    /// Province-level agencies of a province.
    async fn agencies_of_province(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<Agency>, StoreError>;
    /// Every agency of a province, at every level (the authority registry's "is it registered").
    async fn agencies_in_province(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<Agency>, StoreError>;
    /// Number of agencies.
    async fn count_agencies(&self) -> Result<i64, StoreError>;
    /// Stores `p` as a new version (its `version` field is the new number, one more than the
    /// latest stored). Fails with `Duplicate` if that version exists (a concurrent edit).
    async fn insert_procedure_version(&self, p: &Procedure) -> Result<(), StoreError>;
    /// A procedure at a version, or its latest version.
    async fn procedure(
        &self,
        code: &ProcedureCode,
        version: Option<u32>,
    ) -> Result<Option<Procedure>, StoreError>;
    /// The latest version of every procedure.
    async fn current_procedures(&self) -> Result<Vec<Procedure>, StoreError>;
    /// Official holiday tables entered for a province.
    async fn holiday_years(&self, province: &ProvinceCode) -> Result<Vec<HolidayYear>, StoreError>;
    /// Saves (replaces) one year's official table for a province.
    async fn save_holiday_year(
        &self,
        province: &ProvinceCode,
        year: &HolidayYear,
    ) -> Result<(), StoreError>;
    /// Office hours set for a unit, if not the default.
    async fn office_hours(&self, unit: &UnitCode) -> Result<Option<OfficeHours>, StoreError>;
    /// Sets a unit's office hours.
    async fn set_office_hours(
        &self,
        unit: &UnitCode,
        province: &ProvinceCode,
        hours: &OfficeHours,
    ) -> Result<(), StoreError>;
}
