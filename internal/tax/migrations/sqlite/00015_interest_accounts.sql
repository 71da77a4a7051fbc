-- ADÓ: each account's late day, kept by every writer of postings
-- (interest_accounts.go): the first due date on which the account owed
-- something, and the balance before it. An interest run recomputing
-- everyone reads only the accounts late by its day instead of passing
-- over the whole ledger. Filled here from the ledger in one pass.
-- Keep equivalent to ../postgres/00015_interest_accounts.sql.

-- +goose Up
CREATE TABLE tax_interest_accounts (
    tenant_id      TEXT NOT NULL,
    taxpayer_id    TEXT NOT NULL,
    tax_type       TEXT NOT NULL,
    late_from      DATE,
    balance_before BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, taxpayer_id, tax_type)
);
CREATE INDEX tax_interest_accounts_late ON tax_interest_accounts (tenant_id, late_from);
-- The account index carried side and amount for the running sum over
-- the whole ledger that this table replaces: narrower again, as every
-- posting written updates it.
DROP INDEX tax_postings_account;
CREATE INDEX tax_postings_account ON tax_postings (tenant_id, taxpayer_id, tax_type, on_date);
INSERT INTO tax_interest_accounts (tenant_id, taxpayer_id, tax_type, late_from, balance_before)
SELECT l.tenant_id, l.taxpayer_id, l.tax_type, l.late_from,
	(SELECT COALESCE(SUM(CASE WHEN p.side = 'debit' THEN p.amount ELSE -p.amount END), 0)
	 FROM tax_postings p WHERE p.tenant_id = l.tenant_id AND p.taxpayer_id = l.taxpayer_id AND p.tax_type = l.tax_type
	   AND (l.late_from IS NULL OR p.on_date < l.late_from)) AS balance_before
FROM (
	SELECT tenant_id, taxpayer_id, tax_type, MIN(CASE WHEN side = 'debit' AND owed > 0 THEN on_date END) AS late_from
	FROM (
		SELECT tenant_id, taxpayer_id, tax_type, side, on_date,
			SUM(CASE WHEN side = 'debit' THEN amount ELSE -amount END)
				OVER (PARTITION BY tenant_id, taxpayer_id, tax_type ORDER BY on_date) AS owed
		FROM tax_postings WHERE tax_type NOT IN ('kesedelmi_potlek', 'onellenorzesi_potlek')
	) acc GROUP BY tenant_id, taxpayer_id, tax_type
) l;

-- +goose Down
DROP TABLE tax_interest_accounts;
DROP INDEX tax_postings_account;
CREATE INDEX tax_postings_account ON tax_postings (tenant_id, taxpayer_id, tax_type, on_date, side, amount);
