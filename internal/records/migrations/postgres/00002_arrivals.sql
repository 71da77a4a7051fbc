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
    received_at      TIMESTAMPTZ NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('paper', 'email', 'electronic', 'personal')),
    sender_name      TEXT NOT NULL,
    sender_address   TEXT NOT NULL DEFAULT '',
    postal_id        TEXT NOT NULL DEFAULT '',
    delivery_id      TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    acknowledgement  TEXT NOT NULL DEFAULT '',
    document_id      TEXT,
    created_by       TEXT NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, year, serial)
);

ALTER TABLE records_arrival_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_arrival_counters FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_arrival_counters
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
ALTER TABLE records_arrivals ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_arrivals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_arrivals
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON records_arrivals AS RESTRICTIVE FOR DELETE USING (false);

-- +goose Down
DROP TABLE records_arrivals;
DROP TABLE records_arrival_counters;
