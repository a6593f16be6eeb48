-- Staff accounts, their sessions and the security audit log (issue #8). Passwords are stored
-- only as Argon2id PHC strings, sessions only by the SHA-256 of their secret.
CREATE TABLE staff_users (
    id                   TEXT PRIMARY KEY,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    province_code        TEXT NOT NULL,
    agency_code          TEXT NOT NULL REFERENCES agencies(code),
    role                 TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL,
    disabled             INTEGER NOT NULL DEFAULT 0,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         TEXT,
    password_changed_at  TEXT NOT NULL,
    created_at           TEXT NOT NULL
);
CREATE INDEX staff_users_by_province ON staff_users(province_code, username);

CREATE TABLE staff_sessions (
    secret_hash   TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES staff_users(id),
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    ip            TEXT NOT NULL
);
CREATE INDEX staff_sessions_by_user ON staff_sessions(user_id);

-- Append-only: logins, failures, lock-outs, account changes, permission denials, exports.
CREATE TABLE security_events (
    id             TEXT PRIMARY KEY,
    at             TEXT NOT NULL,
    kind           TEXT NOT NULL,
    actor          TEXT NOT NULL,
    province_code  TEXT,
    subject        TEXT NOT NULL,
    ip             TEXT NOT NULL,
    detail         TEXT NOT NULL
);
CREATE INDEX security_events_by_province ON security_events(province_code, at);
CREATE INDEX security_events_by_time ON security_events(at);
