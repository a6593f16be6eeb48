-- The inbox filters by status for each of the three roles an agency has on a dossier (receiving,
-- competent, holding); status joins the receiving and competent indexes (as PostgreSQL's 0005).
DROP INDEX IF EXISTS dossiers_receiving_inbox;
DROP INDEX IF EXISTS dossiers_competent_inbox;
CREATE INDEX IF NOT EXISTS dossiers_receiving_status ON dossiers(receiving_agency, status, due_at);
CREATE INDEX IF NOT EXISTS dossiers_competent_status ON dossiers(competent_agency, status, due_at);
