-- GAZD: the budgetary entities a tenant keeps books for (the
-- municipality, its institutions, the joint office) and the kormányzati
-- funkciók each may use (from its alapító okirat / törzskönyv, §B.3).
-- Keep equivalent to ../sqlite/00001_entities.sql.

-- +goose Up
CREATE TABLE finance_entities (
    tenant_id  TEXT NOT NULL,
    id         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('municipality', 'institution', 'joint_office')),
    name       TEXT NOT NULL,
    -- törzskönyvi azonosító (PIR), 6 digits, when known
    pir        TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE finance_entity_functions (
    tenant_id  TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    -- six digits with leading zeros (011130)
    funkcio    TEXT NOT NULL,
    added_at   TIMESTAMPTZ NOT NULL,
    added_by   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, entity_id, funkcio),
    FOREIGN KEY (tenant_id, entity_id) REFERENCES finance_entities (tenant_id, id)
);

ALTER TABLE finance_entities ENABLE ROW LEVEL SECURITY;
ALTER TABLE finance_entities FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON finance_entities
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
ALTER TABLE finance_entity_functions ENABLE ROW LEVEL SECURITY;
ALTER TABLE finance_entity_functions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON finance_entity_functions
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));

-- +goose Down
DROP TABLE finance_entity_functions;
DROP TABLE finance_entities;
