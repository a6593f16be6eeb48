-- Linked applications (liên thông, issue #6): one tracking code for several dossiers. The row
-- never changes after it is written; its steps are dossiers that point back at it. A client's
-- Idempotency-Key is kept on the row (idempotency_keys points at dossiers only).
CREATE TABLE linked_applications (
    province_code TEXT NOT NULL,
    id            TEXT NOT NULL PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    service       TEXT NOT NULL,
    filed_at      TEXT NOT NULL,
    idempotency_key TEXT UNIQUE,
    request_hash  TEXT,
    data          TEXT NOT NULL
);
CREATE INDEX linked_applications_by_time ON linked_applications(province_code, filed_at);
CREATE TRIGGER linked_applications_no_update BEFORE UPDATE ON linked_applications
BEGIN SELECT RAISE(ABORT, 'linked applications are immutable'); END;
