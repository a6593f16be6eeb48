-- The authority registry (issue #6): rules are never edited, only ended (valid_to) and succeeded.
CREATE TABLE authority_rules (
    province_code text NOT NULL,
    id            text NOT NULL,
    valid_from    date NOT NULL,
    valid_to      date,
    data          json NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (province_code, id)
);
