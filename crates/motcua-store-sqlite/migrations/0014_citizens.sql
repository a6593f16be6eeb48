-- Citizens signed in through the national identity provider (issue #8), and their dossiers found
-- by the applicant's identification number (an index on the stored dossier's field: the write
-- path is unchanged).
CREATE TABLE citizen_sessions (
    secret_hash   TEXT PRIMARY KEY,
    subject       TEXT NOT NULL,
    id_number     TEXT NOT NULL,
    name          TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL
);
CREATE INDEX dossiers_by_applicant ON dossiers(json_extract(data, '$.applicant.id_number'));
