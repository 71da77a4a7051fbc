-- ADÓ: the municipality's tax decrees (adórendeletek), effective-dated by
-- tax year. Rows are never changed or deleted: a decree that changes rates
-- is a new decree, and one that repeals an earlier decree names it in
-- replaces. Keep identical to ../sqlite/00002_decrees.sql.

-- +goose Up
CREATE TABLE tax_decrees (
    tenant_id      TEXT NOT NULL,
    id             TEXT NOT NULL,
    -- e.g. "12/2026. (XI. 28.)"
    number         TEXT NOT NULL,
    title          TEXT NOT NULL,
    adopted_on     DATE NOT NULL,
    effective_from DATE NOT NULL,
    -- the first tax year the decree applies to
    tax_year       INTEGER NOT NULL,
    replaces       TEXT,
    recorded_at    TIMESTAMPTZ NOT NULL,
    recorded_by    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, number),
    FOREIGN KEY (tenant_id, replaces) REFERENCES tax_decrees (tenant_id, id)
);
CREATE INDEX tax_decrees_year ON tax_decrees (tenant_id, tax_year);

-- A rate a decree sets: per tax type and basis, optionally per zone
-- (övezet), object category and band (sáv, lower/upper bound of the base).
-- rate is in thousandths of its unit (forints or percent), as caps.Rate.
CREATE TABLE tax_decree_rates (
    tenant_id  TEXT NOT NULL,
    decree_id  TEXT NOT NULL,
    line       INTEGER NOT NULL,
    tax_type   TEXT NOT NULL,
    basis      TEXT NOT NULL,
    rate       BIGINT NOT NULL CHECK (rate >= 0),
    zone       TEXT NOT NULL DEFAULT '',
    category   TEXT NOT NULL DEFAULT '',
    band_from  BIGINT,
    band_to    BIGINT,
    tax_year   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, decree_id, line),
    FOREIGN KEY (tenant_id, decree_id) REFERENCES tax_decrees (tenant_id, id)
);

-- An exemption (mentesség) or discount (kedvezmény) of a decree: a text
-- with either a percentage (thousandths of a percent) or an amount (Ft).
CREATE TABLE tax_decree_reliefs (
    tenant_id   TEXT NOT NULL,
    decree_id   TEXT NOT NULL,
    line        INTEGER NOT NULL,
    tax_type    TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('exemption', 'discount')),
    description TEXT NOT NULL,
    percent     BIGINT,
    amount      BIGINT,
    PRIMARY KEY (tenant_id, decree_id, line),
    FOREIGN KEY (tenant_id, decree_id) REFERENCES tax_decrees (tenant_id, id)
);

ALTER TABLE tax_decrees ENABLE ROW LEVEL SECURITY;
ALTER TABLE tax_decrees FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tax_decrees
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON tax_decrees AS RESTRICTIVE FOR DELETE USING (false);
CREATE POLICY no_update ON tax_decrees AS RESTRICTIVE FOR UPDATE USING (false);
ALTER TABLE tax_decree_rates ENABLE ROW LEVEL SECURITY;
ALTER TABLE tax_decree_rates FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tax_decree_rates
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON tax_decree_rates AS RESTRICTIVE FOR DELETE USING (false);
CREATE POLICY no_update ON tax_decree_rates AS RESTRICTIVE FOR UPDATE USING (false);
ALTER TABLE tax_decree_reliefs ENABLE ROW LEVEL SECURITY;
ALTER TABLE tax_decree_reliefs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tax_decree_reliefs
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON tax_decree_reliefs AS RESTRICTIVE FOR DELETE USING (false);
CREATE POLICY no_update ON tax_decree_reliefs AS RESTRICTIVE FOR UPDATE USING (false);

-- +goose Down
DROP TABLE tax_decree_reliefs;
DROP TABLE tax_decree_rates;
DROP TABLE tax_decrees;
