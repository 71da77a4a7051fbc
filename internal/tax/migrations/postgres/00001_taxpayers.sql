-- ADÓ: taxpayers (adózók) and their accounts (adószámla): one ledger of
-- postings per taxpayer and tax type (Art. 208. § (1): interest per tax
-- type). Keep identical to ../sqlite/00001_taxpayers.sql.

-- +goose Up
CREATE TABLE tax_taxpayers (
    tenant_id  TEXT NOT NULL,
    id         TEXT NOT NULL,
    -- kind: 'person' (adóazonosító jel) or 'organisation' (adószám)
    kind       TEXT NOT NULL CHECK (kind IN ('person', 'organisation')),
    tax_id     TEXT NOT NULL,
    name       TEXT NOT NULL,
    address    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, tax_id)
);

-- A posting on a taxpayer's account of one tax type: a debit (előírás)
-- with its due date, or a credit (jóváírás) with its value date. Never
-- changed or deleted: a wrong one is reversed by a posting that names it.
CREATE TABLE tax_postings (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    taxpayer_id TEXT NOT NULL,
    tax_type    TEXT NOT NULL,
    side        TEXT NOT NULL CHECK (side IN ('debit', 'credit')),
    amount      BIGINT NOT NULL CHECK (amount > 0),
    -- due_on for a debit, value date for a credit
    on_date     DATE NOT NULL,
    tax_year    INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    reference   TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    reverses    TEXT,
    posted_at   TIMESTAMPTZ NOT NULL,
    posted_by   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, taxpayer_id) REFERENCES tax_taxpayers (tenant_id, id)
);
CREATE INDEX tax_postings_account ON tax_postings (tenant_id, taxpayer_id, tax_type, on_date);

ALTER TABLE tax_taxpayers ENABLE ROW LEVEL SECURITY;
ALTER TABLE tax_taxpayers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tax_taxpayers
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
ALTER TABLE tax_postings ENABLE ROW LEVEL SECURITY;
ALTER TABLE tax_postings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tax_postings
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON tax_postings AS RESTRICTIVE FOR DELETE USING (false);
CREATE POLICY no_update ON tax_postings AS RESTRICTIVE FOR UPDATE USING (false);

-- +goose Down
DROP TABLE tax_postings;
DROP TABLE tax_taxpayers;
