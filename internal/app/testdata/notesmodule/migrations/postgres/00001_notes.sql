-- +goose Up
CREATE TABLE notes_notes (
    tenant_id TEXT NOT NULL,
    id        TEXT NOT NULL,
    title     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE notes_notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes_notes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON notes_notes
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
-- +goose Down
DROP TABLE notes_notes;
