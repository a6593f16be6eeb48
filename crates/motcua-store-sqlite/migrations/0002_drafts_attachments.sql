-- Online applications in progress, and the files applicants upload. File bytes are kept in the
-- database (content-addressed by SHA-256), never under a served path.

CREATE TABLE drafts (
    id             TEXT PRIMARY KEY,
    province_code  TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    data           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE attachment_blobs (
    sha256  TEXT PRIMARY KEY,
    bytes   BLOB NOT NULL
);

CREATE TABLE attachments (
    id              TEXT PRIMARY KEY,
    province_code   TEXT NOT NULL,
    draft_id        TEXT REFERENCES drafts(id) ON DELETE SET NULL,
    dossier_id      TEXT REFERENCES dossiers(id),
    component_code  TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            INTEGER NOT NULL,
    sha256          TEXT NOT NULL REFERENCES attachment_blobs(sha256),
    created_at      TEXT NOT NULL
);
CREATE INDEX attachments_by_draft ON attachments(draft_id);
CREATE INDEX attachments_by_dossier ON attachments(dossier_id);
