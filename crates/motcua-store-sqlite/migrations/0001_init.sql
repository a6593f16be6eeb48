-- motcua SQLite schema, version 1. Every row carries its province code (the tenant key);
-- the national procedure catalogue uses province code '00'. Times are RFC 3339 UTC text.

CREATE TABLE provinces (
    code      TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    codename  TEXT NOT NULL
);

CREATE TABLE communes (
    code           TEXT PRIMARY KEY,
    province_code  TEXT NOT NULL REFERENCES provinces(code),
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    codename       TEXT NOT NULL
);
CREATE INDEX communes_by_province ON communes(province_code, code);

CREATE TABLE unit_mapping (
    id                 INTEGER PRIMARY KEY,
    new_province_code  TEXT NOT NULL REFERENCES provinces(code),
    old_province_code  TEXT NOT NULL,
    old_province_name  TEXT NOT NULL,
    old_district_code  TEXT NOT NULL,
    old_district_name  TEXT NOT NULL,
    old_commune_code   TEXT NOT NULL,
    old_commune_name   TEXT NOT NULL,
    new_commune_code   TEXT NOT NULL REFERENCES communes(code),
    new_commune_name   TEXT NOT NULL,
    new_province_name  TEXT NOT NULL,
    nso_note           TEXT NOT NULL,
    is_partial         INTEGER NOT NULL,
    old_split_count    INTEGER NOT NULL
);

CREATE TABLE agencies (
    code           TEXT PRIMARY KEY,
    province_code  TEXT NOT NULL REFERENCES provinces(code),
    unit_code      TEXT REFERENCES communes(code),
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    level          TEXT NOT NULL
);
CREATE INDEX agencies_by_unit ON agencies(unit_code);
CREATE INDEX agencies_by_province ON agencies(province_code, level);

CREATE TABLE procedures (
    province_code  TEXT NOT NULL,
    code           TEXT NOT NULL,
    version        INTEGER NOT NULL,
    name           TEXT NOT NULL,
    data           TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (province_code, code, version)
);

CREATE TABLE holiday_years (
    province_code  TEXT NOT NULL,
    year           INTEGER NOT NULL,
    data           TEXT NOT NULL,
    PRIMARY KEY (province_code, year)
);

CREATE TABLE office_hours (
    unit_code      TEXT PRIMARY KEY REFERENCES communes(code),
    province_code  TEXT NOT NULL,
    data           TEXT NOT NULL
);

CREATE TABLE code_sequences (
    prefix         TEXT PRIMARY KEY,
    province_code  TEXT NOT NULL,
    last           INTEGER NOT NULL
);

CREATE TABLE dossiers (
    id                 TEXT PRIMARY KEY,
    province_code      TEXT NOT NULL,
    code               TEXT NOT NULL UNIQUE,
    procedure_code     TEXT NOT NULL,
    procedure_version  INTEGER NOT NULL,
    status             TEXT NOT NULL,
    version            INTEGER NOT NULL,
    receiving_agency   TEXT NOT NULL,
    competent_agency   TEXT NOT NULL,
    current_agency     TEXT NOT NULL,
    due_at             TEXT,
    submitted_at       TEXT NOT NULL,
    last_event_hash    TEXT NOT NULL,
    data               TEXT NOT NULL
);
-- Inbox by agency and status, ordered by due date; overdue scans.
CREATE INDEX dossiers_current_inbox ON dossiers(current_agency, status, due_at);
CREATE INDEX dossiers_receiving_inbox ON dossiers(receiving_agency, due_at);
CREATE INDEX dossiers_competent_inbox ON dossiers(competent_agency, due_at);
CREATE INDEX dossiers_by_province_status ON dossiers(province_code, status, due_at);

CREATE TABLE dossier_events (
    id             TEXT PRIMARY KEY,
    province_code  TEXT NOT NULL,
    dossier_id     TEXT NOT NULL REFERENCES dossiers(id),
    seq            INTEGER NOT NULL,
    action         TEXT NOT NULL,
    status         TEXT NOT NULL,
    actor          TEXT NOT NULL,
    agency         TEXT NOT NULL,
    at             TEXT NOT NULL,
    payload        TEXT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL,
    UNIQUE (dossier_id, seq)
);

-- The event log is append-only. (The hash chain detects tampering by anyone who drops these.)
CREATE TRIGGER dossier_events_no_update BEFORE UPDATE ON dossier_events
BEGIN SELECT RAISE(ABORT, 'dossier_events is append-only'); END;
CREATE TRIGGER dossier_events_no_delete BEFORE DELETE ON dossier_events
BEGIN SELECT RAISE(ABORT, 'dossier_events is append-only'); END;

CREATE TABLE idempotency_keys (
    key            TEXT PRIMARY KEY,
    province_code  TEXT NOT NULL,
    request_hash   TEXT NOT NULL,
    dossier_code   TEXT NOT NULL REFERENCES dossiers(code),
    created_at     TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id             TEXT PRIMARY KEY,
    secret_hash    TEXT NOT NULL UNIQUE,
    province_code  TEXT NOT NULL,
    agency_code    TEXT NOT NULL REFERENCES agencies(code),
    role           TEXT NOT NULL,
    label          TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
