-- The forms worker takes the oldest job: ORDER BY issued_at, id — the whole key indexed, so the
-- queue is not sorted for each form.
DROP INDEX IF EXISTS document_jobs_by_time;
CREATE INDEX IF NOT EXISTS document_jobs_by_time ON document_jobs(issued_at, id);
