-- Who owns a link (issue 9): the id of the API key that created it. NULL for links no key
-- created (seeded, or made with authentication off): only admin keys see those. The index
-- serves "my links, newest first" (owner_key = ? AND id < ? ORDER BY id DESC).
ALTER TABLE links ADD COLUMN owner_key VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NULL;
CREATE INDEX ix_links_owner ON links (owner_key, id);
