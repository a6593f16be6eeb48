-- The officer's desk (issue #32): search, the handler and the approver as columns.
--
-- `search` holds the applicant name's words once per scope a list is read in, as
-- ` scope|word ` terms separated by spaces (motcua_domain::dossier::search::name_terms); a name
-- query looks for ` scope|beginning` in it among the scope's rows. Written with every dossier
-- row; rows written before this migration are filled by the store when it opens
-- (`backfill_desk`).
ALTER TABLE dossiers ADD COLUMN search TEXT;
ALTER TABLE dossiers ADD COLUMN handler_id TEXT;
ALTER TABLE dossiers ADD COLUMN approver_id TEXT;
CREATE INDEX dossiers_by_handler ON dossiers (handler_id, status) WHERE handler_id IS NOT NULL;
CREATE INDEX dossiers_by_approver ON dossiers (approver_id) WHERE approver_id IS NOT NULL;
CREATE INDEX dossiers_unfilled ON dossiers (id) WHERE search IS NULL;
-- The applicant's phone, written once at intake like the identification number (0015).
CREATE TABLE dossier_phones (
    phone          TEXT NOT NULL,
    code           TEXT NOT NULL REFERENCES dossiers(code),
    PRIMARY KEY (phone, code)
) WITHOUT ROWID;
INSERT INTO dossier_phones (phone, code)
    SELECT json_extract(data, '$.applicant.phone'), code FROM dossiers;
CREATE TRIGGER dossiers_phone AFTER INSERT ON dossiers
BEGIN
    INSERT INTO dossier_phones (phone, code)
    VALUES (json_extract(NEW.data, '$.applicant.phone'), NEW.code);
END;
CREATE INDEX documents_receipt_number ON documents (province_code, number) WHERE kind = 'form01';
CREATE INDEX document_jobs_receipt_number ON document_jobs (province_code, number) WHERE kind = 'form01';
