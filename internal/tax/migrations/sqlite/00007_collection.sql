-- ADÓ collection (behajtás): settings per tax type and year, refunds
-- (kiutalás) for the treasury's list, payment reminders (fizetési
-- felszólítás) and the events that interrupt limitation (elévülés).
-- Keep identical to ../postgres/00007_collection.sql.

-- +goose Up
CREATE TABLE tax_collection_settings (
    tenant_id              TEXT NOT NULL,
    tax_type               TEXT NOT NULL, -- '' for every tax type
    from_year              INTEGER NOT NULL, -- in force from this tax year
    min_refund             BIGINT NOT NULL,
    min_notice             BIGINT NOT NULL,
    min_collection         BIGINT NOT NULL,
    strategy               TEXT NOT NULL CHECK (strategy IN ('statutory', 'costs_first')),
    reminder_interval_days INTEGER NOT NULL,
    reminder_deadline_days INTEGER NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    updated_by             TEXT NOT NULL,
    PRIMARY KEY (tenant_id, tax_type, from_year)
);

CREATE TABLE tax_refunds (
    tenant_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    taxpayer_id  TEXT NOT NULL,
    tax_type     TEXT NOT NULL,
    amount       BIGINT NOT NULL CHECK (amount > 0),
    bank_account TEXT NOT NULL,
    holder       TEXT NOT NULL,
    posting_id   TEXT NOT NULL,
    on_date      DATE NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    created_by   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX tax_refunds_on ON tax_refunds (tenant_id, on_date);

CREATE TABLE tax_reminders (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    taxpayer_id TEXT NOT NULL,
    on_date     DATE NOT NULL,
    deadline    DATE NOT NULL,
    number      TEXT NOT NULL, -- iktatószám
    arrears     BIGINT NOT NULL,
    interest    BIGINT NOT NULL,
    debts       TEXT NOT NULL, -- the open debits reminded: id=amount,…
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX tax_reminders_taxpayer ON tax_reminders (tenant_id, taxpayer_id, on_date);

CREATE TABLE tax_limitation_events (
    tenant_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    taxpayer_id TEXT NOT NULL,
    debit_id    TEXT, -- NULL: every debit open on the day
    kind        TEXT NOT NULL CHECK (kind IN ('reminder', 'enforcement', 'facilitation')),
    on_date     DATE NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    created_by  TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX tax_limitation_events_taxpayer ON tax_limitation_events (tenant_id, taxpayer_id);


-- +goose Down
DROP TABLE tax_limitation_events;
DROP TABLE tax_reminders;
DROP TABLE tax_refunds;
DROP TABLE tax_collection_settings;
