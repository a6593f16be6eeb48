-- The authority registry (issue #6): rules are never edited, only ended (valid_to) and succeeded.
CREATE TABLE authority_rules (
    province_code TEXT NOT NULL,
    id            TEXT NOT NULL,
    valid_from    TEXT NOT NULL,
    valid_to      TEXT,
    data          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (province_code, id)
);
