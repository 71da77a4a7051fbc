-- GAZD: the entity's adószám (tax number). An outgoing invoice names its
-- seller's adószám (Áfa tv. 169. § d)), so an entity issues invoices only
-- once its tax number is recorded. Empty until then.
-- Keep equivalent to ../postgres/00010_entity_tax_number.sql.

-- +goose Up
ALTER TABLE finance_entities ADD COLUMN tax_number TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE finance_entities DROP COLUMN tax_number;
