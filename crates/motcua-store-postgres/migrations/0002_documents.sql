-- Issued documents (forms 01-06, signed results, digitised components). Bytes beside the record;
-- documents are never changed or deleted (a re-issue is a new document).
CREATE TABLE documents (
    id             UUID PRIMARY KEY,
    province_code  TEXT NOT NULL,
    dossier_id     UUID NOT NULL REFERENCES dossiers(id),
    dossier_code   TEXT NOT NULL,
    kind           TEXT NOT NULL,
    number         TEXT,
    title          TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    sha256         TEXT NOT NULL,
    size           BIGINT NOT NULL,
    signed_by      TEXT,
    signer_name    TEXT,
    actor          TEXT NOT NULL,
    event_seq      BIGINT,
    created_at     TIMESTAMPTZ NOT NULL,
    bytes          BYTEA NOT NULL
);
CREATE INDEX documents_by_dossier ON documents(dossier_id, created_at);
CREATE INDEX documents_by_sha256 ON documents(sha256);
CREATE FUNCTION documents_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'documents are immutable';
END $$;
CREATE TRIGGER documents_no_change BEFORE UPDATE OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION documents_immutable();
