-- Staff accounts, their sessions and the security audit log (issue #8). Passwords are stored
-- only as Argon2id PHC strings, sessions only by the SHA-256 of their secret.
CREATE TABLE staff_users (
    id                   UUID PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    province_code        TEXT NOT NULL,
    agency_code          TEXT NOT NULL REFERENCES agencies(code),
    role                 TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL,
    disabled             BOOLEAN NOT NULL DEFAULT false,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         TIMESTAMPTZ,
    password_changed_at  TIMESTAMPTZ NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX staff_users_by_province ON staff_users(province_code, username);

CREATE TABLE staff_sessions (
    secret_hash   TEXT PRIMARY KEY,
    user_id       UUID NOT NULL REFERENCES staff_users(id),
    created_at    TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    ip            TEXT NOT NULL
);
CREATE INDEX staff_sessions_by_user ON staff_sessions(user_id);

-- Append-only: logins, failures, lock-outs, account changes, permission denials, exports.
CREATE TABLE security_events (
    id             UUID PRIMARY KEY,
    at             TIMESTAMPTZ NOT NULL,
    kind           TEXT NOT NULL,
    actor          TEXT NOT NULL,
    province_code  TEXT,
    subject        TEXT NOT NULL,
    ip             TEXT NOT NULL,
    detail         TEXT NOT NULL
);
CREATE INDEX security_events_by_province ON security_events(province_code, at);
CREATE INDEX security_events_by_time ON security_events(at);
