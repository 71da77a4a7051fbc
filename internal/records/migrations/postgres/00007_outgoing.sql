-- The outgoing workflow (domain brief §2.7): drafts (munkaanyag) with
-- their versions, approval, sign-off (kiadmányozás), and dispatch
-- (expediálás) with delivery tracking. Keep the columns identical to
-- ../sqlite/00007_outgoing.sql.

-- +goose Up
-- A draft of an outgoing document in a case. Once signed it is
-- registered as the case's next document (document_id).
CREATE TABLE records_drafts (
    tenant_id         TEXT NOT NULL,
    id                TEXT NOT NULL,
    case_id           TEXT NOT NULL,
    subject           TEXT NOT NULL,
    addressee         TEXT NOT NULL,
    addressee_address TEXT NOT NULL DEFAULT '',
    body              TEXT NOT NULL DEFAULT '',
    version           INTEGER NOT NULL DEFAULT 1,
    status            TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'approved', 'signed', 'withdrawn')),
    signer_id         TEXT,
    signer_name       TEXT NOT NULL DEFAULT '',
    created_by        TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    signed_at         TIMESTAMPTZ,
    signed_by         TEXT NOT NULL DEFAULT '',
    sign_method       TEXT NOT NULL DEFAULT '',
    document_id       TEXT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, case_id) REFERENCES records_cases (tenant_id, id),
    FOREIGN KEY (tenant_id, document_id) REFERENCES records_documents (tenant_id, id)
);
CREATE INDEX records_drafts_case ON records_drafts (tenant_id, case_id);

-- Every saved text of a draft: a replaced draft is kept (ISZ-r. 10. §).
CREATE TABLE records_draft_versions (
    tenant_id         TEXT NOT NULL,
    draft_id          TEXT NOT NULL,
    version           INTEGER NOT NULL,
    subject           TEXT NOT NULL,
    addressee         TEXT NOT NULL,
    addressee_address TEXT NOT NULL DEFAULT '',
    body              TEXT NOT NULL DEFAULT '',
    saved_by          TEXT NOT NULL,
    saved_at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, draft_id, version),
    FOREIGN KEY (tenant_id, draft_id) REFERENCES records_drafts (tenant_id, id)
);

-- An approval asked of one person for one version; approvers work in
-- parallel, a rejection carries its reason.
CREATE TABLE records_draft_reviews (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    draft_id      TEXT NOT NULL,
    version       INTEGER NOT NULL,
    reviewer_id   TEXT NOT NULL,
    reviewer_name TEXT NOT NULL,
    decision      TEXT NOT NULL CHECK (decision IN ('pending', 'approved', 'rejected', 'superseded')),
    comment       TEXT NOT NULL DEFAULT '',
    requested_at  TIMESTAMPTZ NOT NULL,
    decided_at    TIMESTAMPTZ,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, draft_id) REFERENCES records_drafts (tenant_id, id)
);
CREATE INDEX records_draft_reviews_reviewer ON records_draft_reviews (tenant_id, reviewer_id, decision);

-- One dispatch of a registered outgoing document to one addressee, with
-- the delivery events the Dáptv. 27. § presumption needs.
CREATE TABLE records_dispatches (
    tenant_id     TEXT NOT NULL,
    id            TEXT NOT NULL,
    document_id   TEXT NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('post', 'courier', 'personal', 'electronic', 'notice')),
    addressee     TEXT NOT NULL,
    address       TEXT NOT NULL DEFAULT '',
    postal_id     TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    sent_at       TIMESTAMPTZ,
    notice1_at    TIMESTAMPTZ,
    notice2_at    TIMESTAMPTZ,
    picked_up_at  TIMESTAMPTZ,
    returned_at   TIMESTAMPTZ,
    return_reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, document_id) REFERENCES records_documents (tenant_id, id)
);
CREATE INDEX records_dispatches_document ON records_dispatches (tenant_id, document_id);

ALTER TABLE records_drafts ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_drafts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_drafts
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
ALTER TABLE records_draft_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_draft_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_draft_versions
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
ALTER TABLE records_draft_reviews ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_draft_reviews FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_draft_reviews
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
ALTER TABLE records_dispatches ENABLE ROW LEVEL SECURITY;
ALTER TABLE records_dispatches FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records_dispatches
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY no_delete ON records_drafts AS RESTRICTIVE FOR DELETE USING (false);
CREATE POLICY no_delete ON records_draft_versions AS RESTRICTIVE FOR DELETE USING (false);
CREATE POLICY no_delete ON records_dispatches AS RESTRICTIVE FOR DELETE USING (false);

-- +goose Down
DROP TABLE records_dispatches;
DROP TABLE records_draft_reviews;
DROP TABLE records_draft_versions;
DROP TABLE records_drafts;
