-- SQLite's full-text index needed room for more than 1,000 documents
-- registered in the same millisecond (../sqlite/00012_fts_rowid_room.sql).
-- PostgreSQL's term table has no such limit; this migration keeps the two
-- dialects' version numbers in step.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
