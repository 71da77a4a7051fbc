-- GAZD: the cash desk (házipénztár, §B.8). A desk of an entity with its
-- closing limit and the person responsible; the receipt and payment
-- vouchers (bevételi / kiadási pénztárbizonylat), numbered without gaps
-- per desk, kind and year from a counter row taken in the voucher's own
-- transaction; the closed days with their closing balance against the
-- limit; and the cash counts by denomination. Vouchers, closings and
-- counts are never updated or deleted: a wrong voucher is cancelled by a
-- reversing one (stornó).
-- Keep equivalent to ../postgres/00006_cashdesk.sql.

-- +goose Up
CREATE TABLE finance_cash_desks (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    name          TEXT NOT NULL,
    closing_limit BIGINT NOT NULL CHECK (closing_limit >= 0),
    cashier       TEXT NOT NULL,
    controller    TEXT NOT NULL DEFAULT '',
    last_on       DATE,
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, entity_id, name),
    FOREIGN KEY (tenant_id, entity_id) REFERENCES finance_entities (tenant_id, id)
);

CREATE TABLE finance_cash_counters (
    tenant_id TEXT NOT NULL,
    desk_id   TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('receipt', 'payment')),
    year      INTEGER NOT NULL,
    next_seq  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, desk_id, kind, year),
    FOREIGN KEY (tenant_id, desk_id) REFERENCES finance_cash_desks (tenant_id, id)
);

CREATE TABLE finance_cash_vouchers (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    desk_id       TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('receipt', 'payment')),
    year          INTEGER NOT NULL,
    seq           BIGINT NOT NULL,
    number        TEXT NOT NULL,
    on_date       DATE NOT NULL,
    event         TEXT NOT NULL,
    partner       TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    amount        BIGINT NOT NULL CHECK (amount > 0),
    rovat         TEXT NOT NULL DEFAULT '',
    funkcio       TEXT NOT NULL DEFAULT '',
    task          TEXT NOT NULL DEFAULT '',
    commitment_id TEXT NOT NULL DEFAULT '',
    entry_id      TEXT NOT NULL,
    reverses      TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    created_by    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, desk_id, kind, year, seq),
    FOREIGN KEY (tenant_id, desk_id) REFERENCES finance_cash_desks (tenant_id, id)
);
CREATE INDEX finance_cash_vouchers_book ON finance_cash_vouchers (tenant_id, desk_id, on_date);

CREATE TABLE finance_cash_closings (
    tenant_id     TEXT NOT NULL,
    desk_id       TEXT NOT NULL,
    on_date       DATE NOT NULL,
    balance       BIGINT NOT NULL,
    closing_limit BIGINT NOT NULL,
    excess        BIGINT NOT NULL,
    closed_at     TIMESTAMP NOT NULL,
    closed_by     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, desk_id, on_date),
    FOREIGN KEY (tenant_id, desk_id) REFERENCES finance_cash_desks (tenant_id, id)
);

CREATE TABLE finance_cash_counts (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    desk_id       TEXT NOT NULL,
    on_date       DATE NOT NULL,
    denominations TEXT NOT NULL,
    counted       BIGINT NOT NULL,
    book          BIGINT NOT NULL,
    difference    BIGINT NOT NULL,
    counted_by    TEXT NOT NULL,
    witness       TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, desk_id) REFERENCES finance_cash_desks (tenant_id, id)
);
CREATE INDEX finance_cash_counts_desk ON finance_cash_counts (tenant_id, desk_id, on_date);

-- +goose Down
DROP TABLE finance_cash_counts;
DROP TABLE finance_cash_closings;
DROP TABLE finance_cash_vouchers;
DROP TABLE finance_cash_counters;
DROP TABLE finance_cash_desks;
