-- ADÓ: what a late-payment interest run recomputing everyone reads first
-- (interestMayAccrue, docs/performance.md): a running sum of each account
-- in due-date order, read from the account index alone now that it
-- carries side and amount, and the few taxpayers with a reversal, a
-- write-off or interest posted, from a small partial index. And each
-- debit still open at a run, with the interest accrued on it exactly (the
-- numerator over 100 000 of the sum before rounding): the next run carries
-- it on for a taxpayer with no posting since, without reading the
-- account. A run recorded no such rows before this migration: its owing
-- taxpayers are recomputed from their postings, as before. Keep
-- equivalent to ../postgres/00009_interest_run_state.sql.

-- +goose Up
DROP INDEX tax_postings_account;
CREATE INDEX tax_postings_account ON tax_postings (tenant_id, taxpayer_id, tax_type, on_date, side, amount);
CREATE INDEX tax_postings_interest_special ON tax_postings (tenant_id, taxpayer_id)
    WHERE reverses IS NOT NULL OR kind = 'write_off' OR tax_type = 'kesedelmi_potlek';

CREATE TABLE tax_interest_open_debits (
    tenant_id   TEXT NOT NULL,
    run_id      TEXT NOT NULL,
    debit_id    TEXT NOT NULL,
    taxpayer_id TEXT NOT NULL,
    tax_type    TEXT NOT NULL,
    tax_year    INTEGER NOT NULL,
    due_on      DATE NOT NULL,
    open_amount BIGINT NOT NULL CHECK (open_amount > 0),
    accrued     TEXT NOT NULL, -- exact interest up to the run's day × 100 000, decimal
    interest    BIGINT NOT NULL, -- rounded: what is posted for the debit
    PRIMARY KEY (tenant_id, run_id, debit_id)
);

-- +goose Down
DROP TABLE tax_interest_open_debits;
DROP INDEX tax_postings_interest_special;
DROP INDEX tax_postings_account;
CREATE INDEX tax_postings_account ON tax_postings (tenant_id, taxpayer_id, tax_type, on_date);
