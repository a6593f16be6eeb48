-- "Overdue now" by competent agency and procedure for a period of submissions (the 766 index and
-- the indicators, issue #7) reads only this index (the same as PostgreSQL's 0012).
CREATE INDEX dossiers_open_due_cover ON dossiers(province_code, due_at, submitted_at, competent_agency, procedure_code)
    WHERE status IN ('received', 'processing', 'awaiting_payment');
DROP INDEX dossiers_open_due;
