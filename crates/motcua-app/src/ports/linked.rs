//! The store's linked role (see [`super::Store`]).

use super::*;

/// Linked applications (several procedures filed as one).
#[async_trait]
pub trait LinkedStore: Send + Sync + 'static {
    /// Stores a linked application with its idempotency record, if any, in one transaction
    /// (`Duplicate` when its code, id or key is taken; then nothing is written). Never updated.
    async fn insert_linked(
        &self,
        a: &LinkedApplication,
        idem: Option<&IdempotencyRecord>,
    ) -> Result<(), StoreError>;
    /// The idempotency record of a linked application filed with `key` (its code in
    /// `dossier_code`).
    async fn linked_idempotency(&self, key: &str) -> Result<Option<IdempotencyRecord>, StoreError>;
    /// A linked application by its tracking code.
    async fn linked(&self, code: &DossierCode) -> Result<Option<LinkedApplication>, StoreError>;
    /// Linked applications filed at or after `since`, oldest first (the sweep that starts steps
    /// whose prerequisites finished).
    async fn linked_since(
        &self,
        since: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<LinkedApplication>, StoreError>;
}
