-- GAZD: fixed assets (tárgyi eszköz nyilvántartás, §B.9). The register
-- keeps each asset's master data; its history (acquisition, each
-- depreciation, write-downs, disposal) is in finance_asset_events, each
-- with the journal entry that posted it. Nothing is deleted: a disposed
-- asset stays in the register with its disposal.
-- Keep equivalent to ../sqlite/00007_assets.sql.

-- +goose Up
-- Per-entity settings: the default annual rate of each class
-- (rate:<class>, in basis points) and the small-value write-off.
CREATE TABLE finance_asset_settings (
    tenant_id  TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    value      BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, entity_id, name),
    FOREIGN KEY (tenant_id, entity_id) REFERENCES finance_entities (tenant_id, id)
);

CREATE TABLE finance_assets (
    tenant_id      TEXT NOT NULL,
    id             TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    inventory_no   TEXT NOT NULL,
    name           TEXT NOT NULL,
    class          TEXT NOT NULL,
    account        TEXT NOT NULL,
    funkcio        TEXT NOT NULL,
    hrsz           TEXT NOT NULL DEFAULT '',
    location       TEXT NOT NULL DEFAULT '',
    acquired_on    DATE NOT NULL,
    in_use_on      DATE NOT NULL,
    gross          BIGINT NOT NULL CHECK (gross > 0),
    residual       BIGINT NOT NULL CHECK (residual >= 0),
    -- annual rate of the planned depreciation, in basis points (200 = 2%)
    rate_bp        INTEGER NOT NULL CHECK (rate_bp BETWEEN 0 AND 10000),
    small_value    BOOLEAN NOT NULL DEFAULT FALSE,
    state          TEXT NOT NULL CHECK (state IN ('active', 'disposed')),
    disposed_on    DATE,
    disposal_kind  TEXT NOT NULL DEFAULT '',
    created_at     TIMESTAMPTZ NOT NULL,
    created_by     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, entity_id, inventory_no),
    FOREIGN KEY (tenant_id, entity_id) REFERENCES finance_entities (tenant_id, id)
);
CREATE INDEX finance_assets_hrsz ON finance_assets (tenant_id, hrsz);

CREATE TABLE finance_asset_events (
    tenant_id  TEXT NOT NULL,
    id         TEXT NOT NULL,
    asset_id   TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('acquisition', 'depreciation', 'writedown', 'disposal')),
    on_date    DATE NOT NULL,
    -- depreciation: the last day covered; the quarter (2026Q1) or '' when
    -- written off at once or up to a disposal
    through    DATE,
    period     TEXT NOT NULL DEFAULT '',
    amount     BIGINT NOT NULL CHECK (amount >= 0),
    entry_id   TEXT NOT NULL DEFAULT '',
    run_id     TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    -- No foreign key to finance_assets: only the service writes events,
    -- with their asset, in one transaction; on PostgreSQL the check was
    -- planned as a scan of the young table and made the quarterly run of
    -- 10,000 assets take several seconds (as with finance_lines).
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX finance_asset_events_asset ON finance_asset_events (tenant_id, asset_id, on_date);
-- One quarterly depreciation per asset: a re-run cannot post twice.
CREATE UNIQUE INDEX finance_asset_events_quarter ON finance_asset_events (tenant_id, asset_id, period) WHERE period <> '';

-- A quarterly depreciation run with its totals.
CREATE TABLE finance_asset_runs (
    tenant_id  TEXT NOT NULL,
    id         TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    year       INTEGER NOT NULL,
    quarter    INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    assets     INTEGER NOT NULL,
    amount     BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, entity_id) REFERENCES finance_entities (tenant_id, id)
);
CREATE INDEX finance_asset_runs_entity ON finance_asset_runs (tenant_id, entity_id, year, quarter);

ALTER TABLE finance_asset_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE finance_asset_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON finance_asset_settings
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON finance_asset_settings AS RESTRICTIVE FOR DELETE USING (false);
ALTER TABLE finance_assets ENABLE ROW LEVEL SECURITY;
ALTER TABLE finance_assets FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON finance_assets
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON finance_assets AS RESTRICTIVE FOR DELETE USING (false);
ALTER TABLE finance_asset_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE finance_asset_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON finance_asset_events
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON finance_asset_events AS RESTRICTIVE FOR DELETE USING (false);
CREATE POLICY no_update ON finance_asset_events AS RESTRICTIVE FOR UPDATE USING (false);
ALTER TABLE finance_asset_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE finance_asset_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON finance_asset_runs
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON finance_asset_runs AS RESTRICTIVE FOR DELETE USING (false);
CREATE POLICY no_update ON finance_asset_runs AS RESTRICTIVE FOR UPDATE USING (false);

-- +goose Down
DROP TABLE finance_asset_runs;
DROP TABLE finance_asset_events;
DROP TABLE finance_assets;
DROP TABLE finance_asset_settings;
