-- ADÓ: the bérlő of a dwelling that no private person owns is the subject
-- of the communal tax in the owners' place (Htv. 24. § (1) b)); a data
-- report names the lessee on the object version. Empty for every other
-- object.
-- Keep equivalent to ../postgres/00011_object_lessee.sql.

-- +goose Up
ALTER TABLE tax_object_versions ADD COLUMN lessee TEXT;

-- +goose Down
ALTER TABLE tax_object_versions DROP COLUMN lessee;
