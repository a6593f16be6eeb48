-- The forms worker takes the oldest job: ORDER BY issued_at, id. With only issued_at indexed,
-- PostgreSQL sorted the whole queue for each form (18 ms a call with 50,000 jobs waiting).
DROP INDEX IF EXISTS document_jobs_by_time;
CREATE INDEX IF NOT EXISTS document_jobs_by_time ON document_jobs(issued_at, id);
