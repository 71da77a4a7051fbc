-- ADÓ: the finality (véglegesség) of assessment decisions. An instalment
-- already past when a decision is made falls due 15 days after the
-- decision becomes final (§A.4); finality follows from when the decision
-- was communicated (kézbesítés), whether an appeal (fellebbezés) was
-- lodged or waived, and when the appeal was decided. Each fact is a row,
-- written once and never changed: the key allows one of each kind per
-- decision, so a second, different communication is refused by the
-- database too. The 'final' row records that the decision became final
-- and its provisional due dates were moved (idempotence of the move).
-- Keep equivalent to ../postgres/00014_decision_finality.sql.

-- +goose Up
CREATE TABLE tax_decision_events (
    tenant_id   TEXT NOT NULL,
    decision_id TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('communicated', 'waived', 'appealed', 'appeal_decided', 'final')),
    on_date     DATE NOT NULL,
    -- communicated: where the day comes from ('clerk', 'irat');
    -- appeal_decided: the outcome ('upheld', 'changed')
    detail      TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    recorded_at TIMESTAMP NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (tenant_id, decision_id, kind),
    FOREIGN KEY (tenant_id, decision_id) REFERENCES tax_decisions (tenant_id, id)
);

-- +goose Down
DROP TABLE tax_decision_events;
