//! The store's documents role (see [`super::Store`]).

use super::*;

/// Files: issued documents (and the deferred documents' jobs), drafts of online applications and the attachments that move with them to the dossier.
#[async_trait]
pub trait DocumentStore: Send + Sync + 'static {
    /// Stores a document issued outside a transition (a signed result, a digitised component).
    async fn add_document(&self, doc: &NewDocument) -> Result<(), StoreError>;
    /// Document jobs waiting, oldest first.
    async fn document_jobs(&self, limit: u32) -> Result<Vec<DocumentJob>, StoreError>;
    /// A dossier's document jobs waiting, oldest first.
    async fn dossier_document_jobs(&self, dossier_id: Uuid)
    -> Result<Vec<DocumentJob>, StoreError>;
    /// Finishes a job: stores the document (same id) and removes the job, in one transaction.
    /// `false` (and nothing written) when the job is no longer waiting (finished by another).
    async fn complete_document_job(&self, doc: &NewDocument) -> Result<bool, StoreError>;
    /// A dossier's documents, oldest first.
    async fn dossier_documents(&self, dossier_id: Uuid) -> Result<Vec<DocumentRecord>, StoreError>;
    /// A document by id.
    async fn document(&self, id: Uuid) -> Result<Option<DocumentRecord>, StoreError>;
    /// A document's bytes.
    async fn document_bytes(&self, id: Uuid) -> Result<Option<Vec<u8>>, StoreError>;
    /// Documents whose bytes have this SHA-256 (verification of an uploaded file).
    async fn documents_by_sha256(&self, sha256: &str) -> Result<Vec<DocumentRecord>, StoreError>;
    /// Inserts or replaces a draft.
    async fn save_draft(&self, d: &DraftRecord) -> Result<(), StoreError>;
    /// A draft by id.
    async fn draft(&self, id: Uuid) -> Result<Option<DraftRecord>, StoreError>;
    /// Stores an attachment and its bytes (bytes are kept once per SHA-256).
    async fn add_attachment(&self, a: &Attachment, bytes: &[u8]) -> Result<(), StoreError>;
    /// Removes an attachment from a draft (not from a dossier).
    async fn remove_draft_attachment(&self, draft_id: Uuid, id: Uuid) -> Result<bool, StoreError>;
    /// Attachments of a draft, oldest first.
    async fn draft_attachments(&self, draft_id: Uuid) -> Result<Vec<Attachment>, StoreError>;
    /// Attachments of a dossier, oldest first.
    async fn dossier_attachments(&self, dossier_id: Uuid) -> Result<Vec<Attachment>, StoreError>;
    /// The bytes of an attachment.
    async fn attachment_bytes(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Moves a draft's attachments to the dossier and saves the draft as given (its data marked
    /// with the dossier), in one transaction.
    async fn link_draft(&self, draft: &DraftRecord, dossier_id: Uuid) -> Result<(), StoreError>;
    /// Removes the drafts last changed before `before` with their files (and the bytes no other
    /// file shares); returns how many drafts and files went.
    async fn purge_drafts(&self, before: OffsetDateTime) -> Result<(u64, u64), StoreError>;
}
