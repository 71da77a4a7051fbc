-- ADÓ: mutually exclusive taxes of a decree (§A.1: many decrees exempt an
-- object from one tax when it is liable to another, e.g. a dwelling
-- liable to the communal tax is exempt from the building tax). A line
-- says: objects of tax_type are not taxed where the same parcel (hrsz)
-- is liable to prevails. Never changed; a later decree replaces it.
-- Keep equivalent to ../postgres/00012_decree_exclusions.sql.

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

-- +goose Down
DROP TABLE tax_decree_exclusions;
