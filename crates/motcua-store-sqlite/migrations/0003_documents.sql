-- Issued documents (forms 01-06, signed results, digitised components). Bytes beside the record;
-- documents are never changed or deleted (a re-issue is a new document).
CREATE TABLE documents (
    id             TEXT PRIMARY KEY,
    province_code  TEXT NOT NULL,
    dossier_id     TEXT NOT NULL REFERENCES dossiers(id),
    dossier_code   TEXT NOT NULL,
    kind           TEXT NOT NULL,
    number         TEXT,
    title          TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    size           INTEGER NOT NULL,
    signed_by      TEXT,
    signer_name    TEXT,
    actor          TEXT NOT NULL,
    event_seq      INTEGER,
    created_at     TEXT NOT NULL,
    bytes          BLOB NOT NULL
);
CREATE INDEX documents_by_dossier ON documents(dossier_id, created_at);
CREATE INDEX documents_by_sha256 ON documents(sha256);
CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents
BEGIN SELECT RAISE(ABORT, 'documents are immutable'); END;
CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
BEGIN SELECT RAISE(ABORT, 'documents are immutable'); END;
