-- Year-end closure (Iratkr. 43. §): a closed book keeps the hash of its
-- manifest (every entry, in order) so that any later change shows.

-- +goose Up
ALTER TABLE records_books ADD COLUMN closure_entries BIGINT NOT NULL DEFAULT 0;
ALTER TABLE records_books ADD COLUMN closure_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE records_books ADD COLUMN closed_by TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE records_books DROP COLUMN closed_by;
ALTER TABLE records_books DROP COLUMN closure_hash;
ALTER TABLE records_books DROP COLUMN closure_entries;
