-- Issue #29: service tokens expire and can be revoked; abandoned drafts (and their files) are
-- removed after a while, found by when they were last touched.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
ALTER TABLE api_tokens ADD COLUMN revoked_at TIMESTAMPTZ;
CREATE INDEX drafts_by_updated ON drafts(updated_at);
CREATE INDEX attachments_by_sha256 ON attachments(sha256);
