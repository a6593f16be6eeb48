-- Forms issued by an action whose bytes follow the commit (deferred issuance): written in the
-- transition's transaction, removed in the transaction that stores the finished document.
CREATE TABLE document_jobs (
    id             TEXT PRIMARY KEY,
    province_code  TEXT NOT NULL,
    dossier_id     TEXT NOT NULL REFERENCES dossiers(id),
    dossier_code   TEXT NOT NULL,
    kind           TEXT NOT NULL,
    number         TEXT,
    issuer         TEXT NOT NULL,
    actor          TEXT NOT NULL,
    officer        TEXT,
    event_seq      INTEGER NOT NULL,
    issued_at      TEXT NOT NULL,
    dossier        TEXT NOT NULL
);
CREATE INDEX document_jobs_by_dossier ON document_jobs(dossier_id, issued_at);
CREATE INDEX document_jobs_by_time ON document_jobs(issued_at);
