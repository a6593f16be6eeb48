-- The exchange with the national portal (issue #33). `outbox`: one message per dossier event,
-- written in the transaction that writes the event (store/dossiers.rs), delivered by the exchange worker
-- in each dossier's order; a lease marks the messages a worker has taken (SQLite has one writer). A message
-- is pending, delivered, dead (given up: an operator retries or skips it) or skipped.
CREATE TABLE outbox (
    destination    TEXT NOT NULL,
    event_id       TEXT NOT NULL,
    province_code  TEXT NOT NULL,
    dossier_id     TEXT NOT NULL REFERENCES dossiers(id),
    dossier_code   TEXT NOT NULL,
    seq            INTEGER NOT NULL,
    queued_at      TEXT NOT NULL,
    since          TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'delivered', 'dead', 'skipped')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_at        TEXT NOT NULL,
    lease_owner    TEXT,
    lease_until    TEXT,
    last_reason    TEXT,
    last_error     TEXT,
    delivered_at   TEXT,
    settled_by     TEXT,
    note           TEXT,
    PRIMARY KEY (destination, event_id),
    UNIQUE (destination, dossier_id, seq)
);
-- The worker's scan: pending messages by when they are due.
CREATE INDEX outbox_due ON outbox (destination, next_at) WHERE state = 'pending';
-- Dead letters for the operators.
CREATE INDEX outbox_dead ON outbox (destination, since) WHERE state = 'dead';

-- The exchange log (Decree 47/2020 art. 45): every request and answer, append-only, chained by
-- hash (motcua_domain::exchange::record_hash); `exchange_head` holds the chain's end so that
-- concurrent writers append one after the other (its row lock).
CREATE TABLE exchange_log (
    seq            INTEGER PRIMARY KEY,
    requested_at   TEXT NOT NULL,
    answered_at    TEXT NOT NULL,
    destination    TEXT NOT NULL,
    service        TEXT NOT NULL,
    requester      TEXT NOT NULL,
    subject        TEXT NOT NULL,
    status         TEXT NOT NULL,
    request_body   TEXT NOT NULL,
    answer_body    TEXT NOT NULL,
    request_sha256 TEXT NOT NULL,
    answer_sha256  TEXT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
CREATE INDEX exchange_log_subject ON exchange_log (subject, seq);
CREATE TRIGGER exchange_log_no_update BEFORE UPDATE ON exchange_log
BEGIN SELECT RAISE(ABORT, 'exchange_log is append-only'); END;
CREATE TRIGGER exchange_log_no_delete BEFORE DELETE ON exchange_log
BEGIN SELECT RAISE(ABORT, 'exchange_log is append-only'); END;

CREATE TABLE exchange_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO exchange_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
