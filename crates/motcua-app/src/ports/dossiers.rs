//! The store's dossiers role (see [`super::Store`]).

use super::*;

/// Dossiers and their hash-chained events: numbers, intake, transitions, reads, lists, the escalation sweep's pages, a citizen's own dossiers, and the benchmark's bulk load.
#[async_trait]
pub trait DossierStore: Send + Sync + 'static {
    /// Allocates the next sequence number of each of `prefixes` (distinct) in one atomic write —
    /// a dossier's code and its receipt's number together cost one commit: numbers are never
    /// reused, and either all are taken or none. Returned in the order of `prefixes`.
    async fn next_code_sequences(
        &self,
        province: &ProvinceCode,
        prefixes: &[&str],
    ) -> Result<Vec<u64>, StoreError>;
    /// Allocates the next sequence number for one prefix (see [`DossierStore::next_code_sequences`]).
    async fn next_code_sequence(
        &self,
        province: &ProvinceCode,
        prefix: &str,
    ) -> Result<u64, StoreError> {
        self.next_code_sequences(province, &[prefix])
            .await?
            .first()
            .copied()
            .ok_or_else(|| StoreError::Internal("no sequence number returned".into()))
    }
    /// Looks up an idempotency key.
    async fn idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError>;
    /// Inserts a new dossier with its first event (and idempotency record) in one transaction.
    /// `Duplicate` if the idempotency key or code already exists; nothing is written then.
    async fn insert_dossier(
        &self,
        d: &Dossier,
        first: &StoredEvent,
        idem: Option<&IdempotencyRecord>,
        documents: &[Issued],
    ) -> Result<(), StoreError>;
    /// Writes `after` and appends its event in one transaction, if the stored version is still
    /// `before.version`; else `Conflict` and nothing is written. The monthly counters move by
    /// `kpi::delta(before, after)` and the acting officer's by `kpi::officer_counts` in the same
    /// transaction (as `insert_dossier` adds `kpi::delta(None, d)`).
    async fn append_transition(
        &self,
        before: &Dossier,
        after: &Dossier,
        event: &StoredEvent,
        documents: &[Issued],
    ) -> Result<(), StoreError>;
    /// A dossier by code.
    async fn dossier(&self, code: &DossierCode) -> Result<Option<Dossier>, StoreError>;
    /// The dossiers with these codes, in one read, in no particular order; codes with no
    /// dossier are left out. At most [`DOSSIERS_PER_READ`] codes.
    async fn dossiers(&self, codes: &[DossierCode]) -> Result<Vec<Dossier>, StoreError>;
    /// A page of dossiers in the filter's order (then code), as a list shows them.
    async fn list_dossiers(&self, f: &DossierFilter) -> Result<Vec<DossierListing>, StoreError>;
    /// The counts on an inbox's tabs.
    async fn inbox_counts(&self, q: &InboxCountQuery) -> Result<InboxCounts, StoreError>;
    /// A page of one province's open dossiers for the escalation sweep ([`WatchPage`]).
    async fn watch_page(&self, q: &WatchPage) -> Result<Vec<Dossier>, StoreError>;
    /// Number of dossiers.
    async fn count_dossiers(&self) -> Result<i64, StoreError>;
    /// The events of a dossier in sequence order.
    async fn events(&self, dossier_id: Uuid) -> Result<Vec<StoredEvent>, StoreError>;
    /// A dossier by code with its events in sequence order. A store whose reads cross a network
    /// answers in one round trip (public tracking and a dossier's page read both, and they were
    /// two); the default reads one after the other.
    async fn dossier_with_events(
        &self,
        code: &DossierCode,
    ) -> Result<Option<(Dossier, Vec<StoredEvent>)>, StoreError> {
        let Some(d) = self.dossier(code).await? else {
            return Ok(None);
        };
        let events = self.events(d.id).await?;
        Ok(Some((d, events)))
    }
    /// Chain heads of all dossiers, for audit verification.
    async fn chain_heads(&self) -> Result<Vec<ChainHead>, StoreError>;
    /// Loads whole dossier histories at once (a migration from another system, the benchmark's
    /// data set) in one transaction, by the fastest path the database has (COPY on PostgreSQL,
    /// one prepared statement per table on SQLite), and raises the code sequences to at least
    /// the numbers given. Callers build the histories through the lifecycle and seal every
    /// event onto its chain; the store checks only its keys (`Duplicate`, nothing written).
    async fn bulk_load(&self, batch: &BulkBatch) -> Result<(), StoreError>;
    /// The dossiers whose applicant has this identification number, newest first (indexed).
    async fn dossiers_of_applicant(
        &self,
        id_number: &CitizenId,
        limit: u32,
    ) -> Result<Vec<Dossier>, StoreError>;
}
