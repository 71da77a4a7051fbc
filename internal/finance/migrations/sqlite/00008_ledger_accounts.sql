-- GAZD: the general ledger reads one account's lines (its számlalap and
-- analytics). A line holds the account on its debit or its credit side,
-- so each side has an index of its own, covering the monthly sums.
-- No new table: the lines' row-level security applies as before.
-- Keep equivalent to ../postgres/00008_ledger_accounts.sql.

-- +goose Up
CREATE INDEX finance_lines_debit ON finance_lines (tenant_id, entity_id, year, debit_account, month, amount);
CREATE INDEX finance_lines_credit ON finance_lines (tenant_id, entity_id, year, credit_account, month, amount);

-- +goose Down
DROP INDEX finance_lines_credit;
DROP INDEX finance_lines_debit;
