-- ADÓ: tax objects (adótárgyak) and their history. Keep identical to ../postgres/00004_objects.sql.

-- +goose Up
-- A tax object (adótárgy): a building (lakás / nem lakás), a plot (telek)
-- or a dwelling liable to communal tax. The row is only its identity;
-- everything that can change is in tax_object_versions.
CREATE TABLE tax_objects (
    tenant_id  TEXT NOT NULL,
    id         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('building', 'plot', 'dwelling')),
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- One adatbejelentés (data report) about an object: its whole state from
-- effective_on (the day of the event: acquisition, use permit,
-- demolition, correction). Never changed: a later report is a new
-- version. The state for tax year Y is the latest version effective
-- before 1 January of Y (Htv. 12., 14., 18., 20. §).
CREATE TABLE tax_object_versions (
    tenant_id     TEXT NOT NULL,
    object_id     TEXT NOT NULL,
    version       INTEGER NOT NULL,
    effective_on  DATE NOT NULL,
    hrsz          TEXT NOT NULL,
    address       TEXT NOT NULL,
    -- hasznos alapterület (building) or area (plot), m²
    area_m2       BIGINT NOT NULL CHECK (area_m2 >= 0),
    -- use / category (rendeltetés), matched against decree rate lines
    category      TEXT NOT NULL DEFAULT '',
    zone          TEXT NOT NULL DEFAULT '',
    -- korrigált forgalmi érték, Ft
    market_value  BIGINT CHECK (market_value >= 0),
    -- use permit (használatbavétel) and demolition (bontás) days
    valid_from    DATE NOT NULL,
    valid_to      DATE,
    -- co-owner named sole taxpayer by the co-owners' joint declaration
    sole_taxpayer TEXT,
    -- reliefs of the decrees the owner claims, "<decree id>:<line>" separated by spaces
    reliefs       TEXT NOT NULL DEFAULT '',
    -- iktatószám of the data report in IRAT
    filing_number TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    recorded_at   TIMESTAMP NOT NULL,
    recorded_by   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, object_id, version),
    FOREIGN KEY (tenant_id, object_id) REFERENCES tax_objects (tenant_id, id)
);
CREATE INDEX tax_object_versions_hrsz ON tax_object_versions (tenant_id, hrsz);

-- The owners of a version with their tulajdoni hányad as an exact
-- fraction; the shares of a version sum to exactly one.
CREATE TABLE tax_object_owners (
    tenant_id   TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    version     INTEGER NOT NULL,
    taxpayer_id TEXT NOT NULL,
    share_num   BIGINT NOT NULL CHECK (share_num > 0),
    share_den   BIGINT NOT NULL CHECK (share_den >= share_num),
    PRIMARY KEY (tenant_id, object_id, version, taxpayer_id),
    FOREIGN KEY (tenant_id, object_id, version) REFERENCES tax_object_versions (tenant_id, object_id, version),
    FOREIGN KEY (tenant_id, taxpayer_id) REFERENCES tax_taxpayers (tenant_id, id)
);
CREATE INDEX tax_object_owners_taxpayer ON tax_object_owners (tenant_id, taxpayer_id);

-- +goose Down
DROP TABLE tax_object_owners;
DROP TABLE tax_object_versions;
DROP TABLE tax_objects;
