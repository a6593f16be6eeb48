-- The dossier document is stored as `json` (its text, validated) rather than `jsonb`: it is
-- always written and read whole, never searched inside on a hot path, and `jsonb` costs a parse
-- into the binary form on every write and a conversion back to text on every read — on every
-- one of the 50 rows an inbox page returns. (`->>` still works on `json` for ad-hoc queries.)
-- On a database that already holds dossiers this rewrites the table once.
ALTER TABLE dossiers ALTER COLUMN data TYPE json USING data::json;
