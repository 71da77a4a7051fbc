-- GAZD: ADÓ's collected tax revenue transferred to the municipality's
-- books (adóbevételek átvezetése), and the spending-control loose ends:
-- the tenant's control settings, revocations of designations, and the
-- multi-year commitments rolled into a later year. Runs and rolls are
-- never updated or deleted; a correction is a new run.
-- Keep equivalent to ../sqlite/00009_taxrevenue.sql.

-- +goose Up
CREATE TABLE finance_control_settings (
    tenant_id                TEXT NOT NULL,
    tax_revenue_funkcio      TEXT NOT NULL,
    written_commitment_limit BIGINT NOT NULL CHECK (written_commitment_limit >= 0),
    updated_at               TIMESTAMPTZ NOT NULL,
    updated_by               TEXT NOT NULL,
    PRIMARY KEY (tenant_id)
);

-- One run of the transfer of a month's tax revenue to an entity; its
-- lines say, per rovat, what ADÓ showed collected and what was posted
-- (the difference to the runs before).
CREATE TABLE finance_taxrev_runs (
    tenant_id  TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    year       INTEGER NOT NULL,
    month      INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    run_no     INTEGER NOT NULL CHECK (run_no > 0),
    funkcio    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, entity_id, year, month, run_no),
    FOREIGN KEY (tenant_id, entity_id) REFERENCES finance_entities (tenant_id, id)
);
CREATE INDEX finance_taxrev_runs_month ON finance_taxrev_runs (tenant_id, year, month);

CREATE TABLE finance_taxrev_lines (
    tenant_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    year      INTEGER NOT NULL,
    month     INTEGER NOT NULL,
    run_no    INTEGER NOT NULL,
    rovat     TEXT NOT NULL,
    collected BIGINT NOT NULL,
    posted    BIGINT NOT NULL,
    entry_ids TEXT NOT NULL,
    PRIMARY KEY (tenant_id, entity_id, year, month, run_no, rovat),
    FOREIGN KEY (tenant_id, entity_id, year, month, run_no) REFERENCES finance_taxrev_runs (tenant_id, entity_id, year, month, run_no)
);

-- A designation ended early by a later decision (the designation itself
-- is never edited).
CREATE TABLE finance_designation_revocations (
    tenant_id      TEXT NOT NULL,
    designation_id TEXT NOT NULL,
    revoked_from   DATE NOT NULL,
    decision       TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    created_by     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, designation_id),
    FOREIGN KEY (tenant_id, designation_id) REFERENCES finance_designations (tenant_id, id)
);

-- A later year's part of a multi-year commitment, posted on 0513 in that
-- year at its opening.
CREATE TABLE finance_commitment_rolls (
    tenant_id     TEXT NOT NULL,
    commitment_id TEXT NOT NULL,
    year          INTEGER NOT NULL,
    entity_id     TEXT NOT NULL,
    amount        BIGINT NOT NULL CHECK (amount > 0),
    entry_id      TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    created_by    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, commitment_id, year),
    FOREIGN KEY (tenant_id, commitment_id) REFERENCES finance_commitments (tenant_id, id)
);
CREATE INDEX finance_commitment_rolls_entity ON finance_commitment_rolls (tenant_id, entity_id, year);

ALTER TABLE finance_control_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE finance_control_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON finance_control_settings
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON finance_control_settings AS RESTRICTIVE FOR DELETE USING (false);
ALTER TABLE finance_taxrev_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE finance_taxrev_runs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON finance_taxrev_runs
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON finance_taxrev_runs AS RESTRICTIVE FOR DELETE USING (false);
CREATE POLICY no_update ON finance_taxrev_runs AS RESTRICTIVE FOR UPDATE USING (false);
ALTER TABLE finance_taxrev_lines ENABLE ROW LEVEL SECURITY;
ALTER TABLE finance_taxrev_lines FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON finance_taxrev_lines
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON finance_taxrev_lines AS RESTRICTIVE FOR DELETE USING (false);
CREATE POLICY no_update ON finance_taxrev_lines AS RESTRICTIVE FOR UPDATE USING (false);
ALTER TABLE finance_designation_revocations ENABLE ROW LEVEL SECURITY;
ALTER TABLE finance_designation_revocations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON finance_designation_revocations
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON finance_designation_revocations AS RESTRICTIVE FOR DELETE USING (false);
CREATE POLICY no_update ON finance_designation_revocations AS RESTRICTIVE FOR UPDATE USING (false);
ALTER TABLE finance_commitment_rolls ENABLE ROW LEVEL SECURITY;
ALTER TABLE finance_commitment_rolls FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON finance_commitment_rolls
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON finance_commitment_rolls AS RESTRICTIVE FOR DELETE USING (false);
CREATE POLICY no_update ON finance_commitment_rolls AS RESTRICTIVE FOR UPDATE USING (false);

-- +goose Down
DROP TABLE finance_commitment_rolls;
DROP TABLE finance_designation_revocations;
DROP TABLE finance_taxrev_lines;
DROP TABLE finance_taxrev_runs;
DROP TABLE finance_control_settings;
