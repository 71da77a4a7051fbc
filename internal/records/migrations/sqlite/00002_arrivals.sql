-- Arrival register (érkeztető nyilvántartás, Iratkr. 34. §): every item
-- received gets a continuous serial per year at arrival, before or without
-- registration. Keep the columns identical in both dialects.

-- +goose Up
CREATE TABLE records_arrival_counters (
    tenant_id   TEXT NOT NULL,
    year        INTEGER NOT NULL,
    next_serial BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (tenant_id, year)
);

CREATE TABLE records_arrivals (
    tenant_id        TEXT NOT NULL,
    id               TEXT NOT NULL,
    year             INTEGER NOT NULL,
    serial           BIGINT NOT NULL,
    received_at      TIMESTAMP NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('paper', 'email', 'electronic', 'personal')),
    sender_name      TEXT NOT NULL,
    sender_address   TEXT NOT NULL DEFAULT '',
    postal_id        TEXT NOT NULL DEFAULT '',
    delivery_id      TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    acknowledgement  TEXT NOT NULL DEFAULT '',
    document_id      TEXT,
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, year, serial)
);

-- +goose Down
DROP TABLE records_arrivals;
DROP TABLE records_arrival_counters;
