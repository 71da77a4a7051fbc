-- Per-tenant form of the iktatószám (domain brief §2.4: a configuration,
-- not a constant). The tenant's setting applies to books opened after it;
-- each book keeps the template it was opened with ('' is the default,
-- {főszám}-{alszám}/{év}). Keep identical to ../sqlite/00010_number_templates.sql.

-- +goose Up
ALTER TABLE records_books ADD COLUMN number_template TEXT NOT NULL DEFAULT '';

CREATE TABLE records_settings (
    tenant_id       TEXT NOT NULL,
    number_template TEXT NOT NULL DEFAULT '',
    updated_at      TIMESTAMPTZ NOT NULL,
    updated_by      TEXT NOT NULL,
    PRIMARY KEY (tenant_id)
);
ALTER TABLE records_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_settings
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));

-- +goose Down
DROP TABLE records_settings;
ALTER TABLE records_books DROP COLUMN number_template;
