-- ADÓ: assessment decisions (kivetés, határozat). Keep identical to ../postgres/00005_assessments.sql.

-- +goose Up
-- An assessment decision (kivetési határozat) of a tax year for one
-- taxpayer, registered in IRAT (number = iktatószám). A correcting
-- decision (kind 'correction') states only the difference.
CREATE TABLE tax_decisions (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    number      TEXT NOT NULL,
    taxpayer_id TEXT NOT NULL,
    tax_year    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('assessment', 'correction')),
    issued_on   DATE NOT NULL,
    run_id      TEXT NOT NULL,
    -- the decision's PDF in the files store, once rendered
    file_key    TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, taxpayer_id) REFERENCES tax_taxpayers (tenant_id, id)
);
CREATE INDEX tax_decisions_taxpayer ON tax_decisions (tenant_id, taxpayer_id, tax_year);
CREATE INDEX tax_decisions_run ON tax_decisions (tenant_id, run_id);

-- One assessed line: the tax of one object for one taxpayer and year, as
-- computed from one version of the object. The key makes a re-run
-- idempotent; a later version adds a line with the difference.
CREATE TABLE tax_assessments (
    tenant_id      TEXT NOT NULL,
    tax_year       INTEGER NOT NULL,
    object_id      TEXT NOT NULL,
    taxpayer_id    TEXT NOT NULL,
    tax_type       TEXT NOT NULL,
    object_version INTEGER NOT NULL,
    decision_id    TEXT NOT NULL,
    -- the year's tax of this line (after reliefs, the taxpayer's share)
    annual         BIGINT NOT NULL,
    -- what this line changes against the lines before it
    difference     BIGINT NOT NULL,
    detail         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, tax_year, object_id, taxpayer_id, tax_type, object_version),
    FOREIGN KEY (tenant_id, decision_id) REFERENCES tax_decisions (tenant_id, id),
    FOREIGN KEY (tenant_id, object_id) REFERENCES tax_objects (tenant_id, id)
);
CREATE INDEX tax_assessments_decision ON tax_assessments (tenant_id, decision_id);

-- A mass assessment run and its background PDF rendering progress.
CREATE TABLE tax_assessment_runs (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    tax_year    INTEGER NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    started_by  TEXT NOT NULL,
    decisions   INTEGER NOT NULL,
    postings    INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- +goose Down
DROP TABLE tax_assessment_runs;
DROP TABLE tax_assessments;
DROP TABLE tax_decisions;
