-- The exchange with the national portal (issue #33). `outbox`: one message per dossier event,
-- written by the statement that writes the event (writes.rs), delivered by the exchange worker
-- in each dossier's order; leases let several servers share the work (SKIP LOCKED). A message
-- is pending, delivered, dead (given up: an operator retries or skips it) or skipped.
CREATE TABLE outbox (
    destination    TEXT NOT NULL,
    event_id       UUID NOT NULL,
    province_code  TEXT NOT NULL,
    dossier_id     UUID NOT NULL REFERENCES dossiers(id),
    dossier_code   TEXT NOT NULL,
    seq            BIGINT NOT NULL,
    queued_at      TIMESTAMPTZ NOT NULL,
    since          TIMESTAMPTZ NOT NULL,
    state          TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'delivered', 'dead', 'skipped')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_at        TIMESTAMPTZ NOT NULL,
    lease_owner    TEXT,
    lease_until    TIMESTAMPTZ,
    last_reason    TEXT,
    last_error     TEXT,
    delivered_at   TIMESTAMPTZ,
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
    seq            BIGINT PRIMARY KEY,
    requested_at   TIMESTAMPTZ NOT NULL,
    answered_at    TIMESTAMPTZ NOT NULL,
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
CREATE FUNCTION exchange_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'exchange_log is append-only';
END;
$$;
CREATE TRIGGER exchange_log_no_change BEFORE UPDATE OR DELETE ON exchange_log
    FOR EACH ROW EXECUTE FUNCTION exchange_log_append_only();

CREATE TABLE exchange_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);
INSERT INTO exchange_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
