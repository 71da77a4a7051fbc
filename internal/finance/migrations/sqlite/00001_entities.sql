-- GAZD: the budgetary entities a tenant keeps books for (the
-- municipality, its institutions, the joint office) and the kormányzati
-- funkciók each may use (from its alapító okirat / törzskönyv, §B.3).
-- Keep equivalent to ../postgres/00001_entities.sql.

-- +goose Up
CREATE TABLE finance_entities (
    tenant_id  TEXT NOT NULL,
    id         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('municipality', 'institution', 'joint_office')),
    name       TEXT NOT NULL,
    -- törzskönyvi azonosító (PIR), 6 digits, when known
    pir        TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE finance_entity_functions (
    tenant_id  TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    -- six digits with leading zeros (011130)
    funkcio    TEXT NOT NULL,
    added_at   TIMESTAMP NOT NULL,
    added_by   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, entity_id, funkcio),
    FOREIGN KEY (tenant_id, entity_id) REFERENCES finance_entities (tenant_id, id)
);

-- +goose Down
DROP TABLE finance_entity_functions;
DROP TABLE finance_entities;
