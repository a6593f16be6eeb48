-- An agency's address, phone and public hours as its province administrator records them
-- (JSON: {"address", "phone", "hours"}); absent until recorded.
ALTER TABLE agencies ADD COLUMN contact TEXT;
