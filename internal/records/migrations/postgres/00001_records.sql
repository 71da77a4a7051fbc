-- IRAT: registration books and registered documents (PostgreSQL). Keep the
-- tables and columns identical to ../sqlite/00001_records.sql.

-- +goose Up
-- One book (iktatókönyv) per code and year. next_foszam is the counter
-- that makes main numbers gapless: it moves only inside the transaction
-- that registers, so a rollback gives the number back and nothing else can
-- take it meanwhile (no sequences: they leave gaps).
CREATE TABLE records_books (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    code        TEXT NOT NULL,
    year        INTEGER NOT NULL,
    title       TEXT NOT NULL,
    prefix      TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    next_foszam BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMPTZ NOT NULL,
    closed_at   TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code, year)
);

-- A case (ügyirat): one főszám in one book; its documents take alszám
-- 1, 2, 3… from next_alszam, the same way.
CREATE TABLE records_cases (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    book_id     TEXT NOT NULL,
    foszam      BIGINT NOT NULL,
    subject     TEXT NOT NULL,
    next_alszam BIGINT NOT NULL DEFAULT 1,
    -- szerelés: an earlier year's case joined for good to a new one; the
    -- new case names it in preceding_case (előirat), the old one the new
    -- in merged_into (utóirat).
    merged_into    TEXT,
    preceding_case TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, book_id, foszam),
    FOREIGN KEY (tenant_id, book_id) REFERENCES records_books (tenant_id, id)
);

-- A registered document (irat). Never deleted: a wrong registration is
-- voided (voided_at, void_reason) and its number stays used.
CREATE TABLE records_documents (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    case_id       TEXT NOT NULL,
    alszam        BIGINT NOT NULL,
    number        TEXT NOT NULL,
    direction     TEXT NOT NULL CHECK (direction IN ('in', 'out', 'internal')),
    subject       TEXT NOT NULL,
    partner       TEXT NOT NULL DEFAULT '',
    external_ref  TEXT NOT NULL DEFAULT '',
    registered_at TIMESTAMPTZ NOT NULL,
    registered_by TEXT NOT NULL,
    voided_at     TIMESTAMPTZ,
    void_reason   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, case_id, alszam),
    UNIQUE (tenant_id, number),
    FOREIGN KEY (tenant_id, case_id) REFERENCES records_cases (tenant_id, id)
);

-- Row-level security: rows are visible only to a transaction of their
-- tenant (db.InTenant), FORCEd so the owner is held too.
ALTER TABLE records_books ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_books FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_books
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
ALTER TABLE records_cases ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_cases FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_cases
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
ALTER TABLE records_documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_documents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_documents
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
-- Registered documents are never deleted.
CREATE POLICY no_delete ON records_documents AS RESTRICTIVE FOR DELETE USING (false);

-- +goose Down
DROP TABLE records_documents;
DROP TABLE records_cases;
DROP TABLE records_books;
