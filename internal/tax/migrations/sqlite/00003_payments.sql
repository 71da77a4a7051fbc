-- ADÓ payments: the municipality's collection accounts per tax type, and
-- every bank statement entry imported (its key makes a re-import change
-- nothing). Keep identical to ../postgres/00003_payments.sql.

-- +goose Up
CREATE TABLE tax_collection_accounts (
    tenant_id  TEXT NOT NULL,
    account    TEXT NOT NULL, -- 16 or 24 digits, no separators
    tax_type   TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, account)
);

CREATE TABLE tax_bank_entries (
    tenant_id      TEXT NOT NULL,
    id             TEXT NOT NULL,
    entry_key      TEXT NOT NULL,
    statement      TEXT NOT NULL,
    account        TEXT NOT NULL,
    booking_date   DATE NOT NULL,
    value_date     DATE NOT NULL,
    amount         BIGINT NOT NULL,
    direction      TEXT NOT NULL CHECK (direction IN ('credit', 'debit')),
    remittance     TEXT NOT NULL DEFAULT '',
    debtor_name    TEXT NOT NULL DEFAULT '',
    debtor_account TEXT NOT NULL DEFAULT '',
    -- matched: posted to a taxpayer's account; unmatched: waits for a
    -- clerk; ignored: money going out, not a tax payment
    status         TEXT NOT NULL CHECK (status IN ('matched', 'unmatched', 'ignored')),
    reason         TEXT NOT NULL DEFAULT '',
    tax_type       TEXT NOT NULL DEFAULT '',
    taxpayer_id    TEXT,
    posting_id     TEXT,
    imported_at    TIMESTAMP NOT NULL,
    imported_by    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, entry_key)
);
CREATE INDEX tax_bank_entries_status ON tax_bank_entries (tenant_id, status, value_date);


-- +goose Down
DROP TABLE tax_bank_entries;
DROP TABLE tax_collection_accounts;
