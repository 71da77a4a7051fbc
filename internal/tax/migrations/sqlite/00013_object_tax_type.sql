-- ADÓ: the tax an object is reported for (adónem), recorded on the object
-- instead of being implied by its kind. The data report (adatbejelentés)
-- is made per tax, so one house may be two objects: one for the building
-- tax, one for the communal tax (Htv. 24. §: a private person's building
-- or plot). Allowed: építményadó on a building, telekadó on a plot, the
-- communal tax on a building, a plot or a dwelling. Existing objects get
-- their kind's tax, which is what they were assessed for.
-- Keep equivalent to ../postgres/00013_object_tax_type.sql.

-- +goose Up
ALTER TABLE tax_objects ADD COLUMN tax_type TEXT NOT NULL DEFAULT '';
UPDATE tax_objects SET tax_type = CASE kind
    WHEN 'building' THEN 'epitmenyado'
    WHEN 'plot' THEN 'telekado'
    WHEN 'dwelling' THEN 'kommunalis_ado'
END;
-- SQLite cannot add a table CHECK to an existing table: a trigger refuses
-- a pair the law does not allow (and the empty default).
-- +goose StatementBegin
CREATE TRIGGER tax_objects_tax_type BEFORE INSERT ON tax_objects
WHEN NOT ((NEW.kind = 'building' AND NEW.tax_type IN ('epitmenyado', 'kommunalis_ado'))
       OR (NEW.kind = 'plot' AND NEW.tax_type IN ('telekado', 'kommunalis_ado'))
       OR (NEW.kind = 'dwelling' AND NEW.tax_type = 'kommunalis_ado'))
BEGIN
    SELECT RAISE(ABORT, 'tax_objects: tax_type not allowed for kind');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER tax_objects_tax_type;
ALTER TABLE tax_objects DROP COLUMN tax_type;
