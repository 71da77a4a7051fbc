-- +goose Up
CREATE TABLE notes_notes (
    tenant_id TEXT NOT NULL,
    id        TEXT NOT NULL,
    title     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- +goose Down
DROP TABLE notes_notes;
