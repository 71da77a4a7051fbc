-- ADÓ: mutually exclusive taxes of a decree (§A.1: many decrees exempt an
-- object from one tax when it is liable to another, e.g. a dwelling
-- liable to the communal tax is exempt from the building tax). A line
-- says: objects of tax_type are not taxed where the same parcel (hrsz)
-- is liable to prevails. Never changed; a later decree replaces it.
-- Keep equivalent to ../sqlite/00012_decree_exclusions.sql.

-- +goose Up
CREATE TABLE tax_decree_exclusions (
    tenant_id   TEXT NOT NULL,
    decree_id   TEXT NOT NULL,
    line        INTEGER NOT NULL,
    tax_type    TEXT NOT NULL,
    prevails    TEXT NOT NULL CHECK (prevails <> tax_type),
    description TEXT NOT NULL,
    PRIMARY KEY (tenant_id, decree_id, line),
    FOREIGN KEY (tenant_id, decree_id) REFERENCES tax_decrees (tenant_id, id)
);
ALTER TABLE tax_decree_exclusions ENABLE ROW LEVEL SECURITY;
ALTER TABLE tax_decree_exclusions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tax_decree_exclusions
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON tax_decree_exclusions AS RESTRICTIVE FOR DELETE USING (false);
CREATE POLICY no_update ON tax_decree_exclusions AS RESTRICTIVE FOR UPDATE USING (false);

-- +goose Down
DROP TABLE tax_decree_exclusions;
