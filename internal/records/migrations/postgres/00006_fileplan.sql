-- IRAT: the file plan (irattári terv), case closure, retention, disposal
-- (selejtezés) and archive transfer (levéltárba adás). Keep the tables and
-- columns identical to ../sqlite/00006_fileplan.sql.

-- +goose Up
-- One plan per municipality and year (ISZ-r. 17. § (2): every book year
-- keeps the plan version it used). source says where it was copied from:
-- 'model' (78/2012 BM) or the year of the previous version.
CREATE TABLE records_fileplans (
    tenant_id  TEXT NOT NULL,
    year       INTEGER NOT NULL,
    source     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, year)
);

-- An item (irattári tétel) of a year's plan. Never deleted: cases keep
-- pointing at the version they were classified under. retention_years is
-- 0 for a permanent (NS) item; archive_years is the Lt. column (0 with
-- archive_hn for HN, or for an item that is not handed over).
CREATE TABLE records_fileplan_items (
    tenant_id       TEXT NOT NULL,
    year            INTEGER NOT NULL,
    code            TEXT NOT NULL,
    section         TEXT NOT NULL,
    title           TEXT NOT NULL,
    permanent       BOOLEAN NOT NULL,
    retention_years INTEGER NOT NULL DEFAULT 0,
    archive_years   INTEGER NOT NULL DEFAULT 0,
    archive_hn      BOOLEAN NOT NULL DEFAULT FALSE,
    after_expiry    BOOLEAN NOT NULL DEFAULT FALSE,
    origin          TEXT NOT NULL CHECK (origin IN ('model', 'local')),
    created_at      TIMESTAMPTZ NOT NULL,
    created_by      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, year, code),
    FOREIGN KEY (tenant_id, year) REFERENCES records_fileplans (tenant_id, year)
);

-- A case's place in the file plan and its life after closure.
ALTER TABLE records_cases ADD COLUMN fileplan_code TEXT NOT NULL DEFAULT '';
ALTER TABLE records_cases ADD COLUMN fileplan_year INTEGER NOT NULL DEFAULT 0;
ALTER TABLE records_cases ADD COLUMN expires_on TEXT NOT NULL DEFAULT '';
ALTER TABLE records_cases ADD COLUMN status TEXT NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'closed', 'archived', 'disposed', 'transferred'));
ALTER TABLE records_cases ADD COLUMN closed_at TIMESTAMPTZ;
ALTER TABLE records_cases ADD COLUMN closed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE records_cases ADD COLUMN archived_at TIMESTAMPTZ;
ALTER TABLE records_cases ADD COLUMN archived_by TEXT NOT NULL DEFAULT '';
ALTER TABLE records_cases ADD COLUMN archive_location TEXT NOT NULL DEFAULT '';
ALTER TABLE records_cases ADD COLUMN disposal_id TEXT;
ALTER TABLE records_cases ADD COLUMN disposed_at TIMESTAMPTZ;
ALTER TABLE records_cases ADD COLUMN transfer_id TEXT;
ALTER TABLE records_cases ADD COLUMN transferred_at TIMESTAMPTZ;
CREATE INDEX records_cases_status ON records_cases (tenant_id, status);

-- A disposal list (selejtezési jegyzék) and its way through the archive's
-- approval (Iratkr. 64. §): draft → sent → approved → executed, or a
-- draft discarded.
CREATE TABLE records_disposals (
    tenant_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    year         INTEGER NOT NULL,
    cutoff       TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'sent', 'approved', 'executed', 'discarded')),
    created_at   TIMESTAMPTZ NOT NULL,
    created_by   TEXT NOT NULL,
    sent_at      TIMESTAMPTZ,
    sent_by      TEXT NOT NULL DEFAULT '',
    archive_ref  TEXT NOT NULL DEFAULT '',
    approved_on  TEXT NOT NULL DEFAULT '',
    approved_at  TIMESTAMPTZ,
    approved_by  TEXT NOT NULL DEFAULT '',
    executed_at  TIMESTAMPTZ,
    executed_by  TEXT NOT NULL DEFAULT '',
    erased_files BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id)
);

-- The cases of a list, as listed (position: by tételszám, within it by
-- iktatószám, ISZ-r. 18. § (6)): the list is the document the archive
-- approves, so it keeps what it said. outcome is set at execution:
-- 'disposed', or 'kept' when the case was reopened meanwhile.
CREATE TABLE records_disposal_cases (
    tenant_id       TEXT NOT NULL,
    disposal_id     TEXT NOT NULL,
    case_id         TEXT NOT NULL,
    position        INTEGER NOT NULL,
    fileplan_code   TEXT NOT NULL,
    fileplan_year   INTEGER NOT NULL,
    number          TEXT NOT NULL,
    subject         TEXT NOT NULL,
    closed_on       TEXT NOT NULL,
    disposable_from TEXT NOT NULL,
    outcome         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, disposal_id, case_id),
    FOREIGN KEY (tenant_id, disposal_id) REFERENCES records_disposals (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES records_cases (tenant_id, id)
);

-- An archive transfer (levéltárba adás) of one year's permanent cases;
-- manifest_sha256 fingerprints the package, so a later download can be
-- checked against the one handed over.
CREATE TABLE records_transfers (
    tenant_id       TEXT NOT NULL,
    id              TEXT NOT NULL,
    year            INTEGER NOT NULL,
    cases           BIGINT NOT NULL,
    contents        TEXT NOT NULL,
    payload_oxum    TEXT NOT NULL DEFAULT '',
    manifest_sha256 TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    created_by      TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX records_cases_transfer ON records_cases (tenant_id, transfer_id);

-- Row-level security, as for every tenant table.
ALTER TABLE records_fileplans ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_fileplans FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_fileplans
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
ALTER TABLE records_fileplan_items ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_fileplan_items FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_fileplan_items
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
ALTER TABLE records_disposals ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_disposals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_disposals
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
ALTER TABLE records_disposal_cases ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_disposal_cases FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_disposal_cases
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
ALTER TABLE records_transfers ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_transfers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_transfers
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
-- File plan items are never deleted.
CREATE POLICY no_delete ON records_fileplan_items AS RESTRICTIVE FOR DELETE USING (false);

-- +goose Down
DROP INDEX records_cases_transfer;
DROP TABLE records_transfers;
DROP TABLE records_disposal_cases;
DROP TABLE records_disposals;
DROP INDEX records_cases_status;
ALTER TABLE records_cases DROP COLUMN transferred_at;
ALTER TABLE records_cases DROP COLUMN transfer_id;
ALTER TABLE records_cases DROP COLUMN disposed_at;
ALTER TABLE records_cases DROP COLUMN disposal_id;
ALTER TABLE records_cases DROP COLUMN archive_location;
ALTER TABLE records_cases DROP COLUMN archived_by;
ALTER TABLE records_cases DROP COLUMN archived_at;
ALTER TABLE records_cases DROP COLUMN closed_by;
ALTER TABLE records_cases DROP COLUMN closed_at;
ALTER TABLE records_cases DROP COLUMN status;
ALTER TABLE records_cases DROP COLUMN expires_on;
ALTER TABLE records_cases DROP COLUMN fileplan_year;
ALTER TABLE records_cases DROP COLUMN fileplan_code;
DROP TABLE records_fileplan_items;
DROP TABLE records_fileplans;
