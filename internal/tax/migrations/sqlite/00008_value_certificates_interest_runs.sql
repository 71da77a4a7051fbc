-- ADÓ: adó- és értékbizonyítványok (tax and value certificates, domain
-- brief §A.12): each one issued, with the property data the clerk entered,
-- the value and its basis, and the owner's debts on the day, as it was
-- registered in IRAT. Never changed or deleted. Keep equivalent to
-- ../postgres/00008_value_certificates_interest_runs.sql.

-- +goose Up
CREATE TABLE tax_value_certificates (
    tenant_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    number       TEXT NOT NULL, -- iktatószám
    taxpayer_id  TEXT NOT NULL,
    hrsz         TEXT NOT NULL,
    address      TEXT NOT NULL,
    -- hagyatek (probate), vegrehajtas (enforcement), birosag (court), egyeb
    purpose      TEXT NOT NULL CHECK (purpose IN ('hagyatek', 'vegrehajtas', 'birosag', 'egyeb')),
    purpose_note TEXT NOT NULL DEFAULT '',
    value        BIGINT NOT NULL CHECK (value >= 0),
    value_basis  TEXT NOT NULL,
    debts        TEXT NOT NULL, -- JSON: arrears and interest by tax type
    debt_total   BIGINT NOT NULL,
    issued_on    DATE NOT NULL,
    issued_at    TIMESTAMP NOT NULL,
    issued_by    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, taxpayer_id) REFERENCES tax_taxpayers (tenant_id, id)
);
CREATE INDEX tax_value_certificates_taxpayer ON tax_value_certificates (tenant_id, taxpayer_id, issued_at);

-- Each late-payment interest run: the next run recomputes only the
-- taxpayers whose interest may have changed since: postings added since
-- (by the primary key: posting ids are UUIDv7), postings dated after the
-- run's day (tax_postings_on_date), and those who still owed then
-- (tax_interest_open).
CREATE TABLE tax_interest_runs (
    tenant_id TEXT NOT NULL,
    id        TEXT NOT NULL, -- UUIDv7: its time is when the run started
    on_date   DATE NOT NULL,
    full_run  BOOLEAN NOT NULL,
    taxpayers INTEGER NOT NULL, -- recomputed
    postings  INTEGER NOT NULL,
    last_posting TEXT NOT NULL DEFAULT '', -- id of the last posting the run wrote
    run_at    TIMESTAMP NOT NULL,
    run_by    TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE tax_interest_open (
    tenant_id   TEXT NOT NULL,
    run_id      TEXT NOT NULL,
    taxpayer_id TEXT NOT NULL,
    PRIMARY KEY (tenant_id, run_id, taxpayer_id)
);
CREATE INDEX tax_postings_on_date ON tax_postings (tenant_id, on_date);

-- +goose Down
DROP INDEX tax_postings_on_date;
DROP TABLE tax_interest_open;
DROP TABLE tax_interest_runs;
DROP TABLE tax_value_certificates;
