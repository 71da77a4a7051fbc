-- A tenant table shaped the way every module's tables are: tenant_id
-- first in the key, row-level security FORCEd.
-- +goose Up
CREATE TABLE test_notes (
    tenant_id TEXT NOT NULL,
    id        TEXT NOT NULL,
    body      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE test_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE test_notes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON test_notes
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
-- +goose Down
DROP TABLE test_notes;
