-- The FTS rowid of a document is its registration time in microseconds;
-- documents of the same millisecond took the next free rowid among its
-- 1,000. A mass registration (a tax assessment's decisions, registered in
-- one transaction with one registration time) has far more than 1,000,
-- so the next free rowid is now sought in the whole second that follows,
-- which the date filter's second of slack already allows for
-- (search.go, sqliteWords). Keep in step with
-- ../postgres/00012_fts_rowid_room.sql (which has no such index).

-- +goose Up
DROP TRIGGER records_documents_fts_insert;
DROP TRIGGER records_documents_fts_update;

-- +goose StatementBegin
CREATE TRIGGER records_documents_fts_insert AFTER INSERT ON records_documents
BEGIN
    INSERT INTO records_documents_fts (rowid, tenant_id, document_id, subject, partner, external_ref, keywords)
    SELECT coalesce((SELECT max(rowid) + 1 FROM records_documents_fts WHERE rowid BETWEEN t.base AND t.base + 999999), t.base),
           new.tenant_id, new.id, new.subject, new.partner, new.external_ref, new.keywords
    FROM (SELECT CAST(unixepoch(new.registered_at, 'subsec') * 1000 AS INTEGER) * 1000 AS base) AS t;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER records_documents_fts_update AFTER UPDATE OF subject, partner, external_ref, keywords ON records_documents
BEGIN
    DELETE FROM records_documents_fts WHERE tenant_id = old.tenant_id AND document_id = old.id;
    INSERT INTO records_documents_fts (rowid, tenant_id, document_id, subject, partner, external_ref, keywords)
    SELECT coalesce((SELECT max(rowid) + 1 FROM records_documents_fts WHERE rowid BETWEEN t.base AND t.base + 999999), t.base),
           new.tenant_id, new.id, new.subject, new.partner, new.external_ref, new.keywords
    FROM (SELECT CAST(unixepoch(new.registered_at, 'subsec') * 1000 AS INTEGER) * 1000 AS base) AS t;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER records_documents_fts_insert;
DROP TRIGGER records_documents_fts_update;

-- +goose StatementBegin
CREATE TRIGGER records_documents_fts_insert AFTER INSERT ON records_documents
BEGIN
    INSERT INTO records_documents_fts (rowid, tenant_id, document_id, subject, partner, external_ref, keywords)
    SELECT coalesce((SELECT max(rowid) + 1 FROM records_documents_fts WHERE rowid BETWEEN t.base AND t.base + 999), t.base),
           new.tenant_id, new.id, new.subject, new.partner, new.external_ref, new.keywords
    FROM (SELECT CAST(unixepoch(new.registered_at, 'subsec') * 1000 AS INTEGER) * 1000 AS base) AS t;
END;
-- +goose StatementEnd

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
