-- A citizen's dossiers by the applicant's identification number, in a table of their own written
-- once at intake (the applicant never changes after it), replacing 0014's index on an expression
-- over `data`. SQLite rewrites the entry of every index that names a column in an UPDATE's SET
-- list, and every action sets `data`: that index moved one entry per action for a value that never
-- changes — 672 of the 10,910 log frames measured for 603 writes on 1 M dossiers
-- (docs/BENCHMARKS.md, "A ninth machine"). Here an action writes nothing of it.
-- Keyed for the one query that reads it: newest first, by (submitted_at, code) descending. Filled
-- by a trigger, so every path that inserts a dossier (intake, bulk load, import) fills it, in the
-- same statement.
CREATE TABLE dossier_applicants (
    id_number      TEXT NOT NULL,
    submitted_at   TEXT NOT NULL,
    code           TEXT NOT NULL REFERENCES dossiers(code),
    province_code  TEXT NOT NULL,
    PRIMARY KEY (id_number, submitted_at, code)
) WITHOUT ROWID;
INSERT INTO dossier_applicants (id_number, submitted_at, code, province_code)
    SELECT json_extract(data, '$.applicant.id_number'), submitted_at, code, province_code
    FROM dossiers;
DROP INDEX dossiers_by_applicant;
CREATE TRIGGER dossiers_applicant AFTER INSERT ON dossiers
BEGIN
    INSERT INTO dossier_applicants (id_number, submitted_at, code, province_code)
    VALUES (json_extract(NEW.data, '$.applicant.id_number'), NEW.submitted_at, NEW.code, NEW.province_code);
END;
