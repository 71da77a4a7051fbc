-- ADÓ: the tax an object is reported for (adónem), recorded on the object
-- instead of being implied by its kind. The data report (adatbejelentés)
-- is made per tax, so one house may be two objects: one for the building
-- tax, one for the communal tax (Htv. 24. §: a private person's building
-- or plot). Allowed: építményadó on a building, telekadó on a plot, the
-- communal tax on a building, a plot or a dwelling. Existing objects get
-- their kind's tax, which is what they were assessed for.
-- Keep equivalent to ../sqlite/00013_object_tax_type.sql.

-- +goose Up
ALTER TABLE tax_objects ADD COLUMN tax_type TEXT NOT NULL DEFAULT '';
-- The table forbids updates and shows the owner no tenant's rows (FORCE
-- ROW LEVEL SECURITY): lift that for the one fill, inside the migration's
-- transaction.
ALTER TABLE tax_objects NO FORCE ROW LEVEL SECURITY;
UPDATE tax_objects SET tax_type = CASE kind
    WHEN 'building' THEN 'epitmenyado'
    WHEN 'plot' THEN 'telekado'
    WHEN 'dwelling' THEN 'kommunalis_ado'
END;
ALTER TABLE tax_objects FORCE ROW LEVEL SECURITY;
ALTER TABLE tax_objects ALTER COLUMN tax_type DROP DEFAULT;
ALTER TABLE tax_objects ADD CONSTRAINT tax_objects_tax_type CHECK (
       (kind = 'building' AND tax_type IN ('epitmenyado', 'kommunalis_ado'))
    OR (kind = 'plot' AND tax_type IN ('telekado', 'kommunalis_ado'))
    OR (kind = 'dwelling' AND tax_type = 'kommunalis_ado'));

-- +goose Down
ALTER TABLE tax_objects DROP CONSTRAINT tax_objects_tax_type;
ALTER TABLE tax_objects DROP COLUMN tax_type;
