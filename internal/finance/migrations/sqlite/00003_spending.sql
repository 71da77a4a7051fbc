-- GAZD: spending control (Áht. 36.–38. §, Ávr. 52.–60. §). The
-- designations register (kijelölések: who may act in which role of the
-- chain, from when to when, on which decision), commitments
-- (kötelezettségvállalás) with their per-year amounts, the performances
-- (teljesítések) certified against them, and every step of the chain with
-- the person. Designations, years and steps are never updated; a
-- commitment's and a performance's state moves forward only.
-- Keep equivalent to ../postgres/00003_spending.sql.

-- +goose Up
CREATE TABLE finance_designations (
    tenant_id  TEXT NOT NULL,
    id         TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    username   TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('commitment', 'countersign', 'certify', 'validate', 'payment_order')),
    valid_from DATE NOT NULL,
    valid_to   DATE,
    decision   TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, entity_id) REFERENCES finance_entities (tenant_id, id)
);
CREATE INDEX finance_designations_who ON finance_designations (tenant_id, entity_id, username, role);

CREATE TABLE finance_commitments (
    tenant_id        TEXT NOT NULL,
    id               TEXT NOT NULL,
    entity_id        TEXT NOT NULL,
    year             INTEGER NOT NULL,
    on_date          DATE NOT NULL,
    rovat            TEXT NOT NULL,
    funkcio          TEXT NOT NULL,
    task             TEXT NOT NULL,
    partner          TEXT NOT NULL,
    subject          TEXT NOT NULL,
    document         TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL CHECK (state IN ('drafted', 'countersigned', 'committed')),
    drafted_by       TEXT NOT NULL,
    drafted_at       TIMESTAMP NOT NULL,
    countersigned_by TEXT NOT NULL DEFAULT '',
    countersigned_at TIMESTAMP,
    committed_by     TEXT NOT NULL DEFAULT '',
    committed_at     TIMESTAMP,
    entry_id         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, entity_id) REFERENCES finance_entities (tenant_id, id)
);
CREATE INDEX finance_commitments_entity ON finance_commitments (tenant_id, entity_id, year);

-- The amount of each year of a (multi-year) commitment; the first year is
-- the commitment's own.
CREATE TABLE finance_commitment_years (
    tenant_id     TEXT NOT NULL,
    commitment_id TEXT NOT NULL,
    year          INTEGER NOT NULL,
    amount        BIGINT NOT NULL CHECK (amount > 0),
    PRIMARY KEY (tenant_id, commitment_id, year),
    FOREIGN KEY (tenant_id, commitment_id) REFERENCES finance_commitments (tenant_id, id)
);

CREATE TABLE finance_performances (
    tenant_id        TEXT NOT NULL,
    id               TEXT NOT NULL,
    commitment_id    TEXT NOT NULL,
    amount           BIGINT NOT NULL CHECK (amount > 0),
    on_date          DATE NOT NULL,
    document         TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('certified', 'validated', 'ordered', 'paid')),
    certified_by     TEXT NOT NULL,
    certified_at     TIMESTAMP NOT NULL,
    validated_by     TEXT NOT NULL DEFAULT '',
    validated_at     TIMESTAMP,
    ordered_by       TEXT NOT NULL DEFAULT '',
    ordered_at       TIMESTAMP,
    paid_by          TEXT NOT NULL DEFAULT '',
    paid_at          TIMESTAMP,
    invoice_entry_id TEXT NOT NULL,
    payment_entry_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, commitment_id) REFERENCES finance_commitments (tenant_id, id)
);
CREATE INDEX finance_performances_commitment ON finance_performances (tenant_id, commitment_id);

CREATE TABLE finance_commitment_steps (
    tenant_id      TEXT NOT NULL,
    id             TEXT NOT NULL,
    commitment_id  TEXT NOT NULL,
    performance_id TEXT NOT NULL DEFAULT '',
    step           TEXT NOT NULL,
    role           TEXT NOT NULL DEFAULT '',
    by_user        TEXT NOT NULL,
    at             TIMESTAMP NOT NULL,
    amount         BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, commitment_id) REFERENCES finance_commitments (tenant_id, id)
);
CREATE INDEX finance_commitment_steps_commitment ON finance_commitment_steps (tenant_id, commitment_id);


-- +goose Down
DROP TABLE finance_commitment_steps;
DROP TABLE finance_performances;
DROP TABLE finance_commitment_years;
DROP TABLE finance_commitments;
DROP TABLE finance_designations;
