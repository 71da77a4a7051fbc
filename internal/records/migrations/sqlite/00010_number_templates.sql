-- Per-tenant form of the iktatószám (domain brief §2.4: a configuration,
-- not a constant). The tenant's setting applies to books opened after it;
-- each book keeps the template it was opened with ('' is the default,
-- {főszám}-{alszám}/{év}). Keep identical to ../postgres/00010_number_templates.sql.

-- +goose Up
ALTER TABLE records_books ADD COLUMN number_template TEXT NOT NULL DEFAULT '';

CREATE TABLE records_settings (
    tenant_id       TEXT NOT NULL,
    number_template TEXT NOT NULL DEFAULT '',
    updated_at      TIMESTAMP NOT NULL,
    updated_by      TEXT NOT NULL,
    PRIMARY KEY (tenant_id)
);

-- +goose Down
DROP TABLE records_settings;
ALTER TABLE records_books DROP COLUMN number_template;
