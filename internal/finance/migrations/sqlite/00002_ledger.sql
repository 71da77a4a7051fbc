-- GAZD: appropriation changes (the budget's register, with the decision
-- behind each) and the double-entry ledger. A journal line keeps both
-- sides of a T/K pair together (debit account, credit account, one
-- amount), so a line balances by construction; an entry holds the
-- financial pairs (classes 1-9) and the budget pairs (class 0) of one
-- event. Nothing is updated or deleted: errors are reversed.
-- Keep equivalent to ../postgres/00002_ledger.sql.

-- +goose Up
CREATE TABLE finance_appropriations (
    tenant_id  TEXT NOT NULL,
    id         TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    year       INTEGER NOT NULL,
    rovat      TEXT NOT NULL,
    funkcio    TEXT NOT NULL,
    -- kötelező / önként vállalt / államigazgatási feladat
    task       TEXT NOT NULL CHECK (task IN ('kotelezo', 'onkent', 'allamigazgatasi')),
    kind       TEXT NOT NULL CHECK (kind IN ('original', 'amendment', 'reallocation')),
    -- signed: an amendment or a reallocation's source line may be negative
    amount     BIGINT NOT NULL CHECK (amount <> 0),
    decision   TEXT NOT NULL DEFAULT '',
    -- the lines recorded together (a reallocation's pair, an import)
    batch      TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    on_date    DATE NOT NULL,
    entry_id   TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, entity_id) REFERENCES finance_entities (tenant_id, id)
);
CREATE INDEX finance_appropriations_line ON finance_appropriations (tenant_id, entity_id, year, rovat, funkcio);

CREATE TABLE finance_entries (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    year        INTEGER NOT NULL,
    month       INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    on_date     DATE NOT NULL,
    -- the posting rule applied (appropriation_original, payment, …)
    event       TEXT NOT NULL,
    document    TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    reverses    TEXT,
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, entity_id) REFERENCES finance_entities (tenant_id, id)
);
CREATE INDEX finance_entries_reverses ON finance_entries (tenant_id, reverses);

CREATE TABLE finance_lines (
    tenant_id      TEXT NOT NULL,
    entry_id       TEXT NOT NULL,
    line_no        INTEGER NOT NULL,
    entity_id      TEXT NOT NULL,
    year           INTEGER NOT NULL,
    month          INTEGER NOT NULL,
    event          TEXT NOT NULL,
    -- 'financial' (classes 1-9) or 'budget' (class 0)
    ledger         TEXT NOT NULL CHECK (ledger IN ('financial', 'budget')),
    debit_account  TEXT NOT NULL,
    credit_account TEXT NOT NULL,
    amount         BIGINT NOT NULL CHECK (amount > 0),
    rovat          TEXT NOT NULL DEFAULT '',
    funkcio        TEXT NOT NULL DEFAULT '',
    task           TEXT NOT NULL DEFAULT '',
    partner        TEXT NOT NULL DEFAULT '',
    commitment     TEXT NOT NULL DEFAULT '',
    document       TEXT NOT NULL DEFAULT '',
    -- No foreign key to finance_entries: only the engine writes lines,
    -- with their entry, in one transaction; on PostgreSQL the check cost
    -- a lookup per line, planned as a scan while the table was young.
    PRIMARY KEY (tenant_id, entry_id, line_no)
);
CREATE INDEX finance_lines_rovat ON finance_lines (tenant_id, entity_id, year, rovat, funkcio);
-- Covers the reports (budget report, trial balance): they read no row.
CREATE INDEX finance_lines_report ON finance_lines (tenant_id, entity_id, year, ledger, rovat, funkcio, event, debit_account, credit_account, month, amount);
CREATE INDEX finance_lines_commitment ON finance_lines (tenant_id, commitment);

-- A closed month of an entity's books takes no postings.
CREATE TABLE finance_periods (
    tenant_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    year      INTEGER NOT NULL,
    month     INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    closed_at TIMESTAMP NOT NULL,
    closed_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, entity_id, year, month),
    FOREIGN KEY (tenant_id, entity_id) REFERENCES finance_entities (tenant_id, id)
);

-- +goose Down
DROP TABLE finance_periods;
DROP TABLE finance_lines;
DROP TABLE finance_entries;
DROP TABLE finance_appropriations;
