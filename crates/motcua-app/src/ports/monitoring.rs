//! The store's monitoring role (see [`super::Store`]).

use super::*;

/// What leaders and the sweep read: statistics, the incremental KPI counters and their breakdowns, officers' and counters' records, notices, and the health check.
#[async_trait]
pub trait MonitoringStore: Send + Sync + 'static {
    /// One round trip to the database (`SELECT 1`), for the health check.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Dashboard counts for a province (all of it) or one agency (dossiers it receives, is
    /// competent for or holds), with "overdue" judged at `now` and days counted from `since`.
    async fn dossier_stats(
        &self,
        province: &ProvinceCode,
        agency: Option<&AgencyCode>,
        now: OffsetDateTime,
        since: OffsetDateTime,
    ) -> Result<DossierStats, StoreError>;
    /// Monthly counters (`kpi_monthly`) of a province in `[from_month, to_month]` (`YYYY-MM`),
    /// of the given competent agencies only when `agencies` is `Some`.
    async fn kpi_rows(&self, q: &KpiQuery) -> Result<Vec<KpiRow>, StoreError>;
    /// The counters of a query summed in the database by agency, procedure or month (the
    /// dashboards read a few hundred sums, not the province's tens of thousands of rows).
    async fn kpi_grouped(
        &self,
        q: &KpiQuery,
        by: KpiGroup,
    ) -> Result<Vec<(String, motcua_domain::kpi::Counts)>, StoreError>;
    /// The three sums at once — by agency, by procedure, by month — in that order (PostgreSQL
    /// reads the rows once, with grouping sets).
    async fn kpi_breakdown(
        &self,
        q: &KpiQuery,
    ) -> Result<[Vec<(String, motcua_domain::kpi::Counts)>; 3], StoreError> {
        Ok([
            self.kpi_grouped(q, KpiGroup::Agency).await?,
            self.kpi_grouped(q, KpiGroup::Procedure).await?,
            self.kpi_grouped(q, KpiGroup::Month).await?,
        ])
    }
    /// Open dossiers held by `agency` (received, processing, awaiting payment, supplement
    /// requested) by assigned handler (the account and the name; both `None`: not assigned).
    async fn handler_load(&self, agency: &AgencyCode) -> Result<Vec<HandlerLoad>, StoreError>;
    /// Dossiers filed per procedure code in every province from `from_month` (`YYYY-MM`) on:
    /// the popularity that search ranking uses.
    async fn procedure_popularity(
        &self,
        from_month: &str,
    ) -> Result<Vec<(String, i64)>, StoreError>;
    /// The sum of one counter over a query's rows (a backlog over every month, say).
    async fn kpi_sum(
        &self,
        q: &KpiQuery,
        measure: motcua_domain::kpi::Measure,
    ) -> Result<i64, StoreError>;
    /// Officers' monthly counters in `[from_month, to_month]`: of one agency, or of the whole
    /// province when `agency` is `None`.
    async fn officer_rows(
        &self,
        province: &ProvinceCode,
        agency: Option<&AgencyCode>,
        from_month: &str,
        to_month: &str,
    ) -> Result<Vec<OfficerRow>, StoreError>;
    /// The dossiers of a province submitted in `[from, to)`, oldest first, at most `limit`
    /// (analyses over a period: brokers, forbidden demands, staffing).
    async fn dossiers_submitted(
        &self,
        province: &ProvinceCode,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<Dossier>, StoreError>;
    /// The intakes at the counters of a province for dossiers filed in `[from, to)`: each
    /// dossier received by a staff member (an account or a token) — at the counter, or an
    /// online filing checked and received there — as (receiving agency, officer, time,
    /// procedure).
    async fn counter_intakes(
        &self,
        province: &ProvinceCode,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<(AgencyCode, String, OffsetDateTime, ProcedureCode)>, StoreError>;
    /// Enabled staff accounts (people, not service tokens) in a province, by agency and role.
    async fn staff_on_record(
        &self,
        province: &ProvinceCode,
    ) -> Result<Vec<(AgencyCode, Role, i64)>, StoreError>;
    /// Records notices; one whose key exists is skipped. Returns how many were new.
    async fn insert_notices(&self, notices: &[Notice]) -> Result<u64, StoreError>;
    /// An agency's notices for a role, newest first, at most `limit`.
    async fn notices_for(
        &self,
        agency: &AgencyCode,
        role: Role,
        limit: u32,
    ) -> Result<Vec<Notice>, StoreError>;
    /// Recomputes a province's monthly counters from its dossiers (after a restore or an import
    /// that bypassed the writes), in one transaction; returns the number of rows written.
    async fn rebuild_kpis(&self, province: &ProvinceCode) -> Result<u64, StoreError>;
    /// Open dossiers (received, processing, awaiting payment) past their due date at `now`, by
    /// competent agency and procedure, of those submitted in `[from, to)`.
    async fn overdue_counts(
        &self,
        province: &ProvinceCode,
        from: OffsetDateTime,
        to: OffsetDateTime,
        now: OffsetDateTime,
    ) -> Result<Vec<(AgencyCode, ProcedureCode, i64)>, StoreError>;
}
