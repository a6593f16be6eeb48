//! The PostgreSQL store's documents role ([`motcua_app::ports::DocumentStore`]).

use super::*;

#[async_trait]
impl DocumentStore for PgStore {
    async fn add_document(&self, doc: &NewDocument) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        insert_document(&mut tx, doc).await?;
        tx.commit().await.map_err(db_err)
    }

    async fn document_jobs(&self, limit: u32) -> Result<Vec<DocumentJob>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {JOB_COLS} FROM document_jobs ORDER BY issued_at, id LIMIT $1"
        )))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(job_from_row).collect()
    }

    async fn dossier_document_jobs(
        &self,
        dossier_id: Uuid,
    ) -> Result<Vec<DocumentJob>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {JOB_COLS} FROM document_jobs WHERE dossier_id = $1 ORDER BY issued_at, id"
        )))
        .bind(dossier_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(job_from_row).collect()
    }

    async fn complete_document_job(&self, doc: &NewDocument) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        // The delete takes the row lock: a second finisher waits, then deletes nothing.
        let gone = sqlx::query("DELETE FROM document_jobs WHERE id = $1")
            .bind(doc.record.id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        if gone == 0 {
            return Ok(false);
        }
        insert_document(&mut tx, doc).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(true)
    }

    async fn dossier_documents(&self, dossier_id: Uuid) -> Result<Vec<DocumentRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {DOCUMENT_COLS} FROM documents WHERE dossier_id = $1 ORDER BY created_at, id"
        )))
        .bind(dossier_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(document_from_row).collect()
    }

    async fn document(&self, id: Uuid) -> Result<Option<DocumentRecord>, StoreError> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {DOCUMENT_COLS} FROM documents WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        row.as_ref().map(document_from_row).transpose()
    }

    async fn document_bytes(&self, id: Uuid) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar("SELECT bytes FROM documents WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn documents_by_sha256(&self, sha256: &str) -> Result<Vec<DocumentRecord>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {DOCUMENT_COLS} FROM documents WHERE sha256 = $1 ORDER BY created_at"
        )))
        .bind(sha256)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter().map(document_from_row).collect()
    }

    async fn save_draft(&self, d: &DraftRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO drafts (id, province_code, procedure_code, data, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (id) DO UPDATE SET province_code = excluded.province_code, data = excluded.data, updated_at = excluded.updated_at",
        )
        .bind(d.id)
        .bind(d.province_code.as_str())
        .bind(d.procedure.as_str())
        .bind(Json(&d.data))
        .bind(d.created_at)
        .bind(d.updated_at)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn draft(&self, id: Uuid) -> Result<Option<DraftRecord>, StoreError> {
        let row = sqlx::query("SELECT id, province_code, procedure_code, data, created_at, updated_at FROM drafts WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        row.map(|r| {
            Ok(DraftRecord {
                id: r.get("id"),
                province_code: parse(r.get::<&str, _>("province_code"))?,
                procedure: parse(r.get::<&str, _>("procedure_code"))?,
                data: r.get::<Json<serde_json::Value>, _>("data").0,
                created_at: r.get("created_at"),
                updated_at: r.get("updated_at"),
            })
        })
        .transpose()
    }

    async fn add_attachment(&self, a: &Attachment, bytes: &[u8]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        sqlx::query("INSERT INTO attachment_blobs (sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING")
            .bind(&a.sha256)
            .bind(bytes)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO attachments (id, province_code, draft_id, dossier_id, component_code, file_name, content_type, size, sha256, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(a.id)
        .bind(a.province_code.as_str())
        .bind(a.draft_id)
        .bind(a.dossier_id)
        .bind(&a.component_code)
        .bind(&a.file_name)
        .bind(&a.content_type)
        .bind(a.size)
        .bind(&a.sha256)
        .bind(a.created_at)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn remove_draft_attachment(&self, draft_id: Uuid, id: Uuid) -> Result<bool, StoreError> {
        let r = sqlx::query(
            "DELETE FROM attachments WHERE id = $1 AND draft_id = $2 AND dossier_id IS NULL",
        )
        .bind(id)
        .bind(draft_id)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(r.rows_affected() == 1)
    }

    async fn draft_attachments(&self, draft_id: Uuid) -> Result<Vec<Attachment>, StoreError> {
        let sql = format!(
            "SELECT {ATTACHMENT_COLS} FROM attachments WHERE draft_id = $1 AND dossier_id IS NULL ORDER BY created_at, id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(draft_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(attachment_from_row).collect()
    }

    async fn dossier_attachments(&self, dossier_id: Uuid) -> Result<Vec<Attachment>, StoreError> {
        let sql = format!(
            "SELECT {ATTACHMENT_COLS} FROM attachments WHERE dossier_id = $1 ORDER BY created_at, id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(dossier_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter().map(attachment_from_row).collect()
    }

    async fn attachment_bytes(&self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar("SELECT bytes FROM attachment_blobs WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)
    }

    async fn link_draft(&self, draft: &DraftRecord, dossier_id: Uuid) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        sqlx::query("UPDATE attachments SET dossier_id = $1, province_code = $2, draft_id = NULL WHERE draft_id = $3")
            .bind(dossier_id)
            .bind(draft.province_code.as_str())
            .bind(draft.id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        // The draft stays, marked with its dossier, until purged: a second submission and the
        // confirmation's address find the dossier through it.
        sqlx::query(
            "UPDATE drafts SET province_code = $1, data = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(draft.province_code.as_str())
        .bind(Json(&draft.data))
        .bind(draft.updated_at)
        .bind(draft.id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn purge_drafts(&self, before: OffsetDateTime) -> Result<(u64, u64), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        // The files of the drafts to go (and their bytes), then the drafts, then the bytes no
        // other file still names — in one transaction.
        let blobs: Vec<String> = sqlx::query_scalar(
            "DELETE FROM attachments a USING drafts d
              WHERE d.id = a.draft_id AND d.updated_at < $1 AND a.dossier_id IS NULL
              RETURNING a.sha256",
        )
        .bind(before)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        let drafts = sqlx::query("DELETE FROM drafts WHERE updated_at < $1")
            .bind(before)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
        sqlx::query(
            "DELETE FROM attachment_blobs b WHERE b.sha256 = ANY($1)
               AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = b.sha256)",
        )
        .bind(&blobs)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok((drafts, blobs.len() as u64))
    }
}
