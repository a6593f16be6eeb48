-- Indexes for the hot queries beyond those of 0001 (the same as PostgreSQL's 0003).
-- Overdue scans and due-soon notices: only open dossiers, by province and due date.
CREATE INDEX dossiers_open_due ON dossiers(province_code, due_at)
    WHERE status IN ('received', 'processing', 'awaiting_payment');
-- Per-unit period aggregates: submissions of a province in a time window.
CREATE INDEX dossiers_by_province_submitted ON dossiers(province_code, submitted_at);
