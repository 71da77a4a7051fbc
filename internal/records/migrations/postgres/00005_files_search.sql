-- Attached files and full-text search (PostgreSQL). Keep the tables and
-- columns identical to ../sqlite/00005_files_search.sql; the full-text
-- index (records_documents_fts) is each engine's own.

-- +goose Up
-- Keywords (tárgyszavak, Iratkr. 42. § (2)), comma-separated.
ALTER TABLE records_documents ADD COLUMN keywords TEXT NOT NULL DEFAULT '';

-- Newest first, and date ranges, without sorting the book.
CREATE INDEX records_documents_registered ON records_documents (tenant_id, registered_at, id);
-- Number prefixes ("12-" is every document of main number 12) are ranges
-- in byte order, whatever the database's collation.
CREATE INDEX records_documents_number_c ON records_documents (tenant_id, number COLLATE "C");

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
    uploaded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, document_id) REFERENCES records_documents (tenant_id, id)
);
CREATE INDEX records_attachments_document ON records_attachments (tenant_id, document_id, uploaded_at);
ALTER TABLE records_attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_attachments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_attachments
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON records_attachments AS RESTRICTIVE FOR DELETE USING (false);

-- The full-text index of the documents: one row per document, field
-- ('p' partner, 't' subject, external reference and keywords) and term.
--
-- Why not a tsvector column with a GIN index: under the FORCEd row-level
-- security every tenant table has, PostgreSQL uses an index only for
-- operators marked LEAKPROOF, and the text-search match (@@) is not, so a
-- GIN index would never be used and every search would read the whole
-- book (measured: 2 s over 500,000 documents). Text comparison is
-- LEAKPROOF, so a B-tree over the terms serves searches under RLS.
--
-- The terms are the lexemes of PostgreSQL's hungarian configuration
-- (Snowball stemming: "kérelmet" → kérel, "kérelmek" → kérelm), folded
-- to letters without accents, as SQLite does, so "kerelem" finds
-- "kérelem"; a search matches them by prefix, so "kérelem" (kerel) finds
-- both forms above.
--
-- No foreign key to the document: the rows are written only by the
-- triggers below, from the document being written, and documents are
-- never deleted; a key would cost a lookup for every term of every
-- registration (measured: it cut the 16-clerk registration rate by two
-- thirds).
CREATE TABLE records_documents_fts (
    tenant_id   TEXT NOT NULL,
    document_id TEXT NOT NULL,
    field       TEXT NOT NULL CHECK (field IN ('p', 't')),
    term        TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (tenant_id, document_id, field, term)
);
CREATE INDEX records_documents_fts_term ON records_documents_fts (tenant_id, term, field, document_id);
ALTER TABLE records_documents_fts ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_documents_fts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_documents_fts
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));

-- +goose StatementBegin
CREATE FUNCTION records_fold(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT translate(t, 'áàâäãåāăąéèêëēėęěíìîïīįóòôöõőøōúùûüűūůýÿçćčďđğłľĺńňñřŕśšşťţźżž',
                        'aaaaaaaaaeeeeeeeeiiiiiioooooooouuuuuuuyycccddglllnnnrrsssttzzz')
$$;
-- +goose StatementEnd

-- The search terms of a text; the searches use it on the words typed, so
-- both sides are cut the same way. Overlong tokens are left out: nobody
-- types them, and they would bloat the index.
-- +goose StatementBegin
CREATE FUNCTION records_terms(body text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT DISTINCT records_fold(lexeme) FROM unnest(to_tsvector('hungarian', body))
    WHERE octet_length(lexeme) <= 100
$$;
-- +goose StatementEnd

-- A registration batch inserts many documents in one statement; one
-- statement-level trigger indexes them all at once.
-- +goose StatementBegin
CREATE FUNCTION records_documents_fts_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO records_documents_fts (tenant_id, document_id, field, term)
    SELECT n.tenant_id, n.id, 'p', t FROM new_rows n, records_terms(n.partner) AS t
    UNION ALL
    SELECT n.tenant_id, n.id, 't', t FROM new_rows n, records_terms(concat_ws(' ', n.subject, n.external_ref, n.keywords)) AS t;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER records_documents_fts_insert AFTER INSERT ON records_documents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION records_documents_fts_insert();

-- +goose StatementBegin
CREATE FUNCTION records_documents_fts_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM records_documents_fts WHERE tenant_id = OLD.tenant_id AND document_id = OLD.id;
    INSERT INTO records_documents_fts (tenant_id, document_id, field, term)
    SELECT NEW.tenant_id, NEW.id, 'p', t FROM records_terms(NEW.partner) AS t
    UNION ALL
    SELECT NEW.tenant_id, NEW.id, 't', t FROM records_terms(concat_ws(' ', NEW.subject, NEW.external_ref, NEW.keywords)) AS t;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER records_documents_fts_update AFTER UPDATE OF subject, partner, external_ref, keywords ON records_documents
    FOR EACH ROW EXECUTE FUNCTION records_documents_fts_update();

-- Index the documents registered so far. Under FORCEd RLS the owner, who
-- runs this, would see no row; the force is lifted for the backfill only,
-- inside this migration's transaction.
ALTER TABLE records_documents NO FORCE ROW LEVEL SECURITY;
ALTER TABLE records_documents_fts NO FORCE ROW LEVEL SECURITY;
INSERT INTO records_documents_fts (tenant_id, document_id, field, term)
SELECT d.tenant_id, d.id, 'p', t FROM records_documents d, records_terms(d.partner) AS t
UNION ALL
SELECT d.tenant_id, d.id, 't', t FROM records_documents d, records_terms(concat_ws(' ', d.subject, d.external_ref, d.keywords)) AS t;
ALTER TABLE records_documents FORCE ROW LEVEL SECURITY;
ALTER TABLE records_documents_fts FORCE ROW LEVEL SECURITY;

-- +goose Down
DROP TRIGGER records_documents_fts_update ON records_documents;
DROP TRIGGER records_documents_fts_insert ON records_documents;
DROP FUNCTION records_documents_fts_update();
DROP FUNCTION records_documents_fts_insert();
DROP FUNCTION records_terms(text);
DROP FUNCTION records_fold(text);
DROP TABLE records_documents_fts;
DROP TABLE records_attachments;
DROP INDEX records_documents_number_c;
DROP INDEX records_documents_registered;
ALTER TABLE records_documents DROP COLUMN keywords;
