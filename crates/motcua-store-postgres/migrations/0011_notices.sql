-- Notices of the escalation rules (issue #7): one per rule, dossier and clock (the key), so the
-- job that applies the rules can run any number of times. Roles are a comma-separated list.
CREATE TABLE notices (
    key            TEXT PRIMARY KEY,
    province_code  TEXT NOT NULL,
    dossier_code   TEXT NOT NULL,
    rule_id        TEXT NOT NULL,
    action         TEXT NOT NULL,
    agency         TEXT NOT NULL,
    roles          TEXT NOT NULL,
    message        TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
-- A staff member's notices: their agency's, newest first.
CREATE INDEX notices_by_agency ON notices(agency, created_at);
