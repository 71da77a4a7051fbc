-- +goose Up
CREATE TABLE test_notes (
    tenant_id TEXT NOT NULL,
    id        TEXT NOT NULL,
    body      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
-- +goose Down
DROP TABLE test_notes;
