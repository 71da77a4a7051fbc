-- ADÓ: self-assessed declarations (bevallások): the IFA collector's
-- monthly return, the annual and temporary HIPA return, the soil-load fee
-- return. A declaration is never changed except that a later one
-- correcting it marks it 'corrected'; what it charged is on the taxpayer's
-- account, each line in tax_declaration_charges with the posting that
-- booked the difference. Keep equivalent to ../postgres/00006_declarations.sql.

-- +goose Up
CREATE TABLE tax_declarations (
    tenant_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('ifa_monthly', 'hipa_annual', 'hipa_temporary', 'talajterhelesi_dij_annual')),
    taxpayer_id  TEXT NOT NULL,
    tax_type     TEXT NOT NULL,
    tax_year     INTEGER NOT NULL,
    -- '2026-03' (month), '2025' (year), '2026-03-02..2026-04-10' (activity)
    period       TEXT NOT NULL,
    period_from  DATE NOT NULL,
    period_to    DATE NOT NULL,
    -- the declared figures as JSON (kind-specific, see Figures)
    figures      TEXT NOT NULL,
    base         BIGINT NOT NULL,
    tax          BIGINT NOT NULL CHECK (tax >= 0),
    number       TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL CHECK (source IN ('clerk', 'api', 'nav_import')),
    status       TEXT NOT NULL CHECK (status IN ('filed', 'corrected')),
    corrects     TEXT,
    reason       TEXT NOT NULL DEFAULT '',
    -- the return's own identifier (NAV import): re-import is a no-op
    external_id  TEXT NOT NULL DEFAULT '',
    filed_at     TIMESTAMP NOT NULL,
    filed_by     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, taxpayer_id) REFERENCES tax_taxpayers (tenant_id, id),
    FOREIGN KEY (tenant_id, corrects) REFERENCES tax_declarations (tenant_id, id)
);
-- One declaration in force per taxpayer, kind and period: another one for
-- the same period must correct it.
CREATE UNIQUE INDEX tax_declarations_in_force ON tax_declarations (tenant_id, taxpayer_id, kind, period) WHERE status = 'filed';
CREATE UNIQUE INDEX tax_declarations_external ON tax_declarations (tenant_id, external_id) WHERE external_id <> '';
CREATE INDEX tax_declarations_list ON tax_declarations (tenant_id, kind, period);
CREATE INDEX tax_declarations_taxpayer ON tax_declarations (tenant_id, taxpayer_id);
CREATE INDEX tax_declarations_corrects ON tax_declarations (tenant_id, corrects);

-- What a declaration charges, line by line (the balance, each advance):
-- the amount it sets and the posting that booked the change against the
-- declaration it corrects (none when nothing changed).
CREATE TABLE tax_declaration_charges (
    tenant_id      TEXT NOT NULL,
    declaration_id TEXT NOT NULL,
    line           TEXT NOT NULL,
    tax_type       TEXT NOT NULL,
    tax_year       INTEGER NOT NULL,
    due_on         DATE NOT NULL,
    -- negative: a credit (e.g. advances above the tax)
    amount         BIGINT NOT NULL,
    posting_id     TEXT,
    PRIMARY KEY (tenant_id, declaration_id, line),
    FOREIGN KEY (tenant_id, declaration_id) REFERENCES tax_declarations (tenant_id, id),
    FOREIGN KEY (tenant_id, posting_id) REFERENCES tax_postings (tenant_id, id)
);


-- +goose Down
DROP TABLE tax_declaration_charges;
DROP TABLE tax_declarations;
