-- The officer's desk (issue #32): search, the handler and the approver as columns.
--
-- `search` holds the applicant name's words once per scope a list is read in (each agency that
-- holds, received or decides the dossier, its province, everything) as `scope|word` lexemes
-- (motcua_domain::dossier::search::name_terms), so an agency's name search walks only its own
-- posting lists in the GIN index. Written by the application with every dossier row; rows
-- written before this migration are filled by the store when it opens (`backfill_desk`).
ALTER TABLE dossiers ADD COLUMN search tsvector;
ALTER TABLE dossiers ADD COLUMN handler_id uuid;
ALTER TABLE dossiers ADD COLUMN approver_id uuid;
CREATE INDEX dossiers_search ON dossiers USING gin (search);
CREATE INDEX dossiers_by_phone ON dossiers ((data->'applicant'->>'phone'));
CREATE INDEX dossiers_by_handler ON dossiers (handler_id, status, due_at, code) WHERE handler_id IS NOT NULL;
CREATE INDEX dossiers_by_approver ON dossiers (approver_id) WHERE approver_id IS NOT NULL;
CREATE INDEX dossiers_unfilled ON dossiers (id) WHERE search IS NULL;
-- A receipt (form 01) by its printed number, within a province.
CREATE INDEX documents_receipt_number ON documents (province_code, number) WHERE kind = 'form01';
CREATE INDEX document_jobs_receipt_number ON document_jobs (province_code, number) WHERE kind = 'form01';
