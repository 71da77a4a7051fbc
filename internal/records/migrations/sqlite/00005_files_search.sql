-- Attached files and full-text search (SQLite). Keep the tables and
-- columns identical to ../postgres/00005_files_search.sql; the full-text
-- index (records_documents_fts) is each engine's own.

-- +goose Up
-- Keywords (tárgyszavak, Iratkr. 42. § (2)), comma-separated.
ALTER TABLE records_documents ADD COLUMN keywords TEXT NOT NULL DEFAULT '';

-- Newest first, and date ranges, without sorting the book.
CREATE INDEX records_documents_registered ON records_documents (tenant_id, registered_at, id);

-- A file attached to a registered document. The content is in the file
-- store under sha256; the row is never deleted (disposal is a later,
-- logged step of its own).
CREATE TABLE records_attachments (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    document_id TEXT NOT NULL,
    sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
    file_name   TEXT NOT NULL CHECK (file_name <> ''),
    media_type  TEXT NOT NULL,
    size        BIGINT NOT NULL CHECK (size > 0),
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, document_id) REFERENCES records_documents (tenant_id, id)
);
CREATE INDEX records_attachments_document ON records_attachments (tenant_id, document_id, uploaded_at);

-- +goose StatementBegin
CREATE TRIGGER records_attachments_no_delete BEFORE DELETE ON records_attachments
BEGIN
    SELECT RAISE(ABORT, 'attachments are never deleted');
END;
-- +goose StatementEnd

-- The full-text index of the documents: one row per document, kept by the
-- triggers below. It holds its own copy of the text (not an external
-- content table) because records_documents has no INTEGER PRIMARY KEY,
-- and its rowids may change on VACUUM.
--
-- Tokenizer: unicode61 with remove_diacritics 2 folds every accent
-- (á→a, ő→o, ű→u), so a clerk can type "kerelem" or "petofi" on a keyboard
-- without Hungarian letters and still find "kérelem", "Petőfi"; SQLite has
-- no Hungarian stemmer, so a word matches by prefix instead ("kérel"
-- finds "kérelem" and "kérelmet"). prefix = '2 3' keeps short prefixes
-- fast. tenant_id is indexed too: every query names its tenant, so a big
-- municipality's matches cost a small one nothing.
--
-- The rowid is the registration time in microseconds (to the millisecond,
-- the rest of the microseconds telling apart documents of the same
-- millisecond), so the index itself yields matches newest first and a
-- date range is a rowid range: no search sorts or filters all its
-- matches.
CREATE VIRTUAL TABLE records_documents_fts USING fts5(
    tenant_id, document_id UNINDEXED, subject, partner, external_ref, keywords,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);

-- +goose StatementBegin
CREATE TRIGGER records_documents_fts_insert AFTER INSERT ON records_documents
BEGIN
    INSERT INTO records_documents_fts (rowid, tenant_id, document_id, subject, partner, external_ref, keywords)
    SELECT coalesce((SELECT max(rowid) + 1 FROM records_documents_fts WHERE rowid BETWEEN t.base AND t.base + 999), t.base),
           new.tenant_id, new.id, new.subject, new.partner, new.external_ref, new.keywords
    FROM (SELECT CAST(unixepoch(new.registered_at, 'subsec') * 1000 AS INTEGER) * 1000 AS base) AS t;
END;
-- +goose StatementEnd

-- Registrations do not change their text today; should one, its row is
-- found by a scan, which is slow on a large index but correct.
-- +goose StatementBegin
CREATE TRIGGER records_documents_fts_update AFTER UPDATE OF subject, partner, external_ref, keywords ON records_documents
BEGIN
    DELETE FROM records_documents_fts WHERE tenant_id = old.tenant_id AND document_id = old.id;
    INSERT INTO records_documents_fts (rowid, tenant_id, document_id, subject, partner, external_ref, keywords)
    SELECT coalesce((SELECT max(rowid) + 1 FROM records_documents_fts WHERE rowid BETWEEN t.base AND t.base + 999), t.base),
           new.tenant_id, new.id, new.subject, new.partner, new.external_ref, new.keywords
    FROM (SELECT CAST(unixepoch(new.registered_at, 'subsec') * 1000 AS INTEGER) * 1000 AS base) AS t;
END;
-- +goose StatementEnd

INSERT INTO records_documents_fts (rowid, tenant_id, document_id, subject, partner, external_ref, keywords)
SELECT base + row_number() OVER (PARTITION BY base ORDER BY id) - 1, tenant_id, id, subject, partner, external_ref, keywords
FROM (SELECT CAST(unixepoch(registered_at, 'subsec') * 1000 AS INTEGER) * 1000 AS base, * FROM records_documents);

-- +goose Down
DROP TRIGGER records_documents_fts_update;
DROP TRIGGER records_documents_fts_insert;
DROP TABLE records_documents_fts;
DROP TRIGGER records_attachments_no_delete;
DROP TABLE records_attachments;
DROP INDEX records_documents_registered;
ALTER TABLE records_documents DROP COLUMN keywords;
