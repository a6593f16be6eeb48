-- motcua PostgreSQL schema, version 1: the same tables as the SQLite store, every row keyed by
-- province (the distribution key if a deployment is spread over several machines). The national
-- catalogue uses province code '00'. Event payloads are TEXT, exactly as hashed.

CREATE TABLE provinces (
    ord       BIGINT GENERATED ALWAYS AS IDENTITY,
    code      TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    codename  TEXT NOT NULL
);

CREATE TABLE communes (
    ord            BIGINT GENERATED ALWAYS AS IDENTITY,
    code           TEXT PRIMARY KEY,
    province_code  TEXT NOT NULL REFERENCES provinces(code),
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    codename       TEXT NOT NULL
);
CREATE INDEX communes_by_province ON communes(province_code, code);

CREATE TABLE unit_mapping (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    is_partial         BOOLEAN NOT NULL,
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
    data           JSONB NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (province_code, code, version)
);

CREATE TABLE holiday_years (
    province_code  TEXT NOT NULL,
    year           INTEGER NOT NULL,
    data           JSONB NOT NULL,
    PRIMARY KEY (province_code, year)
);

CREATE TABLE office_hours (
    unit_code      TEXT PRIMARY KEY REFERENCES communes(code),
    province_code  TEXT NOT NULL,
    data           JSONB NOT NULL
);

CREATE TABLE code_sequences (
    prefix         TEXT PRIMARY KEY,
    province_code  TEXT NOT NULL,
    last           BIGINT NOT NULL
);

CREATE TABLE dossiers (
    id                 UUID PRIMARY KEY,
    province_code      TEXT NOT NULL,
    code               TEXT NOT NULL UNIQUE,
    procedure_code     TEXT NOT NULL,
    procedure_version  INTEGER NOT NULL,
    status             TEXT NOT NULL,
    version            BIGINT NOT NULL,
    receiving_agency   TEXT NOT NULL,
    competent_agency   TEXT NOT NULL,
    current_agency     TEXT NOT NULL,
    due_at             TIMESTAMPTZ,
    submitted_at       TIMESTAMPTZ NOT NULL,
    last_event_hash    TEXT NOT NULL,
    data               JSONB NOT NULL
);
CREATE INDEX dossiers_current_inbox ON dossiers(current_agency, status, due_at);
CREATE INDEX dossiers_receiving_inbox ON dossiers(receiving_agency, due_at);
CREATE INDEX dossiers_competent_inbox ON dossiers(competent_agency, due_at);
CREATE INDEX dossiers_by_province_status ON dossiers(province_code, status, due_at);

CREATE TABLE dossier_events (
    id             UUID PRIMARY KEY,
    province_code  TEXT NOT NULL,
    dossier_id     UUID NOT NULL REFERENCES dossiers(id),
    seq            BIGINT NOT NULL,
    action         TEXT NOT NULL,
    status         TEXT NOT NULL,
    actor          TEXT NOT NULL,
    agency         TEXT NOT NULL,
    at             TIMESTAMPTZ NOT NULL,
    payload        TEXT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL,
    UNIQUE (dossier_id, seq)
);

-- The event log is append-only. (The hash chain detects tampering by anyone who drops this.)
CREATE FUNCTION dossier_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'dossier_events is append-only';
END;
$$;
CREATE TRIGGER dossier_events_no_change BEFORE UPDATE OR DELETE ON dossier_events
    FOR EACH ROW EXECUTE FUNCTION dossier_events_append_only();

CREATE TABLE idempotency_keys (
    key            TEXT PRIMARY KEY,
    province_code  TEXT NOT NULL,
    request_hash   TEXT NOT NULL,
    dossier_code   TEXT NOT NULL REFERENCES dossiers(code),
    created_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_tokens (
    id             UUID PRIMARY KEY,
    secret_hash    TEXT NOT NULL UNIQUE,
    province_code  TEXT,
    agency_code    TEXT NOT NULL REFERENCES agencies(code),
    role           TEXT NOT NULL,
    label          TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE drafts (
    id             UUID PRIMARY KEY,
    province_code  TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    data           JSONB NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE attachment_blobs (
    sha256  TEXT PRIMARY KEY,
    bytes   BYTEA NOT NULL
);

CREATE TABLE attachments (
    id              UUID PRIMARY KEY,
    province_code   TEXT NOT NULL,
    draft_id        UUID REFERENCES drafts(id) ON DELETE SET NULL,
    dossier_id      UUID REFERENCES dossiers(id),
    component_code  TEXT NOT NULL,
    file_name       TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            BIGINT NOT NULL,
    sha256          TEXT NOT NULL REFERENCES attachment_blobs(sha256),
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_by_draft ON attachments(draft_id);
CREATE INDEX attachments_by_dossier ON attachments(dossier_id);
