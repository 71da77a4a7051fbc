-- ADÓ: what a late-payment interest run recomputing everyone reads first
-- (interestMayAccrue, docs/performance.md): a running sum of each account
-- in due-date order, read from the account index alone now that it
-- carries side and amount, and the few taxpayers with a reversal, a
-- write-off or interest posted, from a small partial index. Keep
-- equivalent to ../postgres/00009_interest_run_indexes.sql.

-- +goose Up
DROP INDEX tax_postings_account;
CREATE INDEX tax_postings_account ON tax_postings (tenant_id, taxpayer_id, tax_type, on_date, side, amount);
CREATE INDEX tax_postings_interest_special ON tax_postings (tenant_id, taxpayer_id)
    WHERE reverses IS NOT NULL OR kind = 'write_off' OR tax_type = 'kesedelmi_potlek';

-- +goose Down
DROP INDEX tax_postings_interest_special;
DROP INDEX tax_postings_account;
CREATE INDEX tax_postings_account ON tax_postings (tenant_id, taxpayer_id, tax_type, on_date);
