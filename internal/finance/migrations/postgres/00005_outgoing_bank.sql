-- GAZD: outgoing invoices (kimenő számlák) with their gapless series per
-- entity and year, the entity's bank accounts, and the bank statements
-- imported for them with each entry's match. Never deleted: a stornó is
-- a new invoice, an entry's resolution is set once.
-- Keep equivalent to ../sqlite/00005_outgoing_bank.sql.

-- +goose Up
CREATE TABLE finance_outgoing_series (
    tenant_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    year      INTEGER NOT NULL,
    last_no   INTEGER NOT NULL CHECK (last_no >= 0),
    PRIMARY KEY (tenant_id, entity_id, year),
    FOREIGN KEY (tenant_id, entity_id) REFERENCES finance_entities (tenant_id, id)
);

CREATE TABLE finance_outgoing_invoices (
    tenant_id          TEXT NOT NULL,
    id                 TEXT NOT NULL,
    entity_id          TEXT NOT NULL,
    year               INTEGER NOT NULL,
    seq                INTEGER NOT NULL CHECK (seq > 0),
    number             TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('invoice', 'storno')),
    cancels            TEXT NOT NULL DEFAULT '',
    cancelled_by       TEXT NOT NULL DEFAULT '',
    partner_name       TEXT NOT NULL,
    partner_tax_number TEXT NOT NULL DEFAULT '',
    partner_account    TEXT NOT NULL DEFAULT '',
    partner_address    TEXT NOT NULL DEFAULT '',
    issue_date         DATE NOT NULL,
    performance_date   DATE NOT NULL,
    due_date           DATE NOT NULL,
    description        TEXT NOT NULL,
    rovat              TEXT NOT NULL,
    funkcio            TEXT NOT NULL,
    task               TEXT NOT NULL,
    net                BIGINT NOT NULL CHECK (net > 0),
    vat_rate           INTEGER NOT NULL CHECK (vat_rate >= 0),
    vat                BIGINT NOT NULL CHECK (vat >= 0),
    gross              BIGINT NOT NULL CHECK (gross = net + vat),
    collected          BIGINT NOT NULL DEFAULT 0 CHECK (collected >= 0 AND collected <= gross),
    collected_vat      BIGINT NOT NULL DEFAULT 0 CHECK (collected_vat >= 0 AND collected_vat <= vat),
    entry_id           TEXT NOT NULL,
    vat_entry_id       TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMPTZ NOT NULL,
    created_by         TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, entity_id, year, seq),
    UNIQUE (tenant_id, entity_id, number),
    FOREIGN KEY (tenant_id, entity_id) REFERENCES finance_entities (tenant_id, id)
);

CREATE TABLE finance_bank_accounts (
    tenant_id  TEXT NOT NULL,
    account    TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, account),
    FOREIGN KEY (tenant_id, entity_id) REFERENCES finance_entities (tenant_id, id)
);

CREATE TABLE finance_bank_statements (
    tenant_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    account      TEXT NOT NULL,
    statement_id TEXT NOT NULL,
    period_from  TEXT NOT NULL DEFAULT '',
    period_to    TEXT NOT NULL DEFAULT '',
    opening      BIGINT NOT NULL,
    closing      BIGINT NOT NULL,
    entries      INTEGER NOT NULL,
    imported_at  TIMESTAMPTZ NOT NULL,
    imported_by  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account) REFERENCES finance_bank_accounts (tenant_id, account)
);
CREATE INDEX finance_bank_statements_entity ON finance_bank_statements (tenant_id, entity_id, imported_at);

CREATE TABLE finance_bank_entries (
    tenant_id       TEXT NOT NULL,
    id              TEXT NOT NULL,
    statement       TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    entry_key       TEXT NOT NULL,
    booking_date    DATE NOT NULL,
    amount          BIGINT NOT NULL CHECK (amount > 0),
    direction       TEXT NOT NULL CHECK (direction IN ('credit', 'debit')),
    bank_ref        TEXT NOT NULL DEFAULT '',
    remittance      TEXT NOT NULL DEFAULT '',
    partner_name    TEXT NOT NULL DEFAULT '',
    partner_account TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL CHECK (status IN ('matched', 'unmatched', 'resolved')),
    reason          TEXT NOT NULL DEFAULT '',
    outgoing_id     TEXT NOT NULL DEFAULT '',
    commitment_id   TEXT NOT NULL DEFAULT '',
    performance_id  TEXT NOT NULL DEFAULT '',
    rovat           TEXT NOT NULL DEFAULT '',
    funkcio         TEXT NOT NULL DEFAULT '',
    entry_ids       TEXT NOT NULL DEFAULT '',
    settled_by      TEXT NOT NULL DEFAULT '',
    settled_at      TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, entry_key),
    FOREIGN KEY (tenant_id, statement) REFERENCES finance_bank_statements (tenant_id, id)
);
CREATE INDEX finance_bank_entries_queue ON finance_bank_entries (tenant_id, entity_id, status, booking_date);

ALTER TABLE finance_outgoing_series ENABLE ROW LEVEL SECURITY;
ALTER TABLE finance_outgoing_series FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON finance_outgoing_series
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON finance_outgoing_series AS RESTRICTIVE FOR DELETE USING (false);
ALTER TABLE finance_outgoing_invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE finance_outgoing_invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON finance_outgoing_invoices
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON finance_outgoing_invoices AS RESTRICTIVE FOR DELETE USING (false);
ALTER TABLE finance_bank_accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE finance_bank_accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON finance_bank_accounts
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON finance_bank_accounts AS RESTRICTIVE FOR DELETE USING (false);
ALTER TABLE finance_bank_statements ENABLE ROW LEVEL SECURITY;
ALTER TABLE finance_bank_statements FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON finance_bank_statements
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON finance_bank_statements AS RESTRICTIVE FOR DELETE USING (false);
ALTER TABLE finance_bank_entries ENABLE ROW LEVEL SECURITY;
ALTER TABLE finance_bank_entries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON finance_bank_entries
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON finance_bank_entries AS RESTRICTIVE FOR DELETE USING (false);

-- +goose Down
DROP TABLE finance_bank_entries;
DROP TABLE finance_bank_statements;
DROP TABLE finance_bank_accounts;
DROP TABLE finance_outgoing_invoices;
DROP TABLE finance_outgoing_series;
