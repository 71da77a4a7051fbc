-- Szignálás (Iratkr. 51. §, ISZ-r. 14. §) and the case types that give
-- the deadlines (domain brief §2.8). Keep the columns identical to
-- ../sqlite/00004_assignments.sql.

-- +goose Up
-- A municipality's own case types, and its changes to the built-in ones
-- (same code): the built-in list lives in the code (casetype.go).
CREATE TABLE records_case_types (
    tenant_id  TEXT NOT NULL,
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    days       INTEGER NOT NULL CHECK (days >= 0),
    unit       TEXT NOT NULL CHECK (unit IN ('day', 'working_day', 'hour', 'none')),
    source     TEXT NOT NULL DEFAULT '',
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, code)
);

-- One task on a registered document: who gave it to whom, with what
-- instructions and deadline. A document may have several at once; a
-- reassignment ends the earlier one (status 'reassigned') and starts a
-- new row, so the history stays.
CREATE TABLE records_assignments (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    document_id   TEXT NOT NULL,
    case_id       TEXT NOT NULL,
    assignee_id   TEXT NOT NULL,
    assignee_name TEXT NOT NULL,
    unit          TEXT NOT NULL DEFAULT '',
    instructions  TEXT NOT NULL DEFAULT '',
    case_type     TEXT NOT NULL,
    urgent        BOOLEAN NOT NULL DEFAULT FALSE,
    -- started_on is the legally relevant day the deadline counts from
    -- (the arrival); due_on is its last day, NULL when there is none.
    started_on    DATE NOT NULL,
    due_on        DATE,
    due_manual    BOOLEAN NOT NULL DEFAULT FALSE,
    assigned_at   TIMESTAMPTZ NOT NULL,
    assigned_by   TEXT NOT NULL,
    seen_at       TIMESTAMPTZ,
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'done', 'reassigned')),
    ended_at      TIMESTAMPTZ,
    ended_by      TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, document_id) REFERENCES records_documents (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES records_cases (tenant_id, id)
);
CREATE INDEX records_assignments_assignee ON records_assignments (tenant_id, assignee_id, status, due_on);
CREATE INDEX records_assignments_document ON records_assignments (tenant_id, document_id);

ALTER TABLE records_case_types ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_case_types FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_case_types
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
ALTER TABLE records_assignments ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_assignments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_assignments
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON records_assignments AS RESTRICTIVE FOR DELETE USING (false);

-- +goose Down
DROP TABLE records_assignments;
DROP TABLE records_case_types;
