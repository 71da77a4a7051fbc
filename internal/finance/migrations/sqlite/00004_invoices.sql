-- GAZD: incoming invoices, registered in IRAT (their iktatószám) and
-- booked against a commitment; a certification may name the invoice it
-- certifies. Never deleted; performance_id is set once, when certified.
-- Keep equivalent to ../postgres/00004_invoices.sql.

-- +goose Up
CREATE TABLE finance_invoices (
    tenant_id      TEXT NOT NULL,
    id             TEXT NOT NULL,
    commitment_id  TEXT NOT NULL,
    number         TEXT NOT NULL,
    amount         BIGINT NOT NULL CHECK (amount > 0),
    received_on    DATE NOT NULL,
    registration   TEXT NOT NULL,
    performance_id TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMP NOT NULL,
    created_by     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, commitment_id) REFERENCES finance_commitments (tenant_id, id)
);
CREATE INDEX finance_invoices_commitment ON finance_invoices (tenant_id, commitment_id);


-- +goose Down
DROP TABLE finance_invoices;
