-- Platform schema (PostgreSQL). Keep the tables and columns identical to
-- ../sqlite/00001_platform.sql: a test compares them.

-- +goose Up
CREATE TABLE offices (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('own', 'joint')),
    seat_tenant_id TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE tenants (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    legal_status    TEXT NOT NULL,
    county          TEXT NOT NULL,
    district_code   TEXT NOT NULL,
    district_name   TEXT NOT NULL,
    office_id       TEXT REFERENCES offices (id),
    population      INTEGER NOT NULL,
    area_ha         INTEGER NOT NULL,
    dwellings       INTEGER NOT NULL,
    connection_mode TEXT NOT NULL DEFAULT 'system' CHECK (connection_mode IN ('system', 'interface')),
    phase           TEXT NOT NULL DEFAULT 'preparation' CHECK (phase IN ('preparation', 'connection', 'live')),
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX tenants_office ON tenants (office_id);

CREATE TABLE tenant_modules (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    module     TEXT NOT NULL,
    enabled_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, module)
);

CREATE TABLE users (
    id                  UUID PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    email               TEXT NOT NULL DEFAULT '',
    display_name        TEXT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('staff', 'operator', 'client')),
    office_id           TEXT REFERENCES offices (id),
    password_hash       TEXT NOT NULL DEFAULT '',
    password_changed_at TIMESTAMPTZ,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    totp_secret         TEXT NOT NULL DEFAULT '',
    totp_enabled        BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step      BIGINT NOT NULL DEFAULT 0,
    recovery_codes      TEXT NOT NULL DEFAULT '',
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        TIMESTAMPTZ,
    disabled_at         TIMESTAMPTZ,
    session_epoch       INTEGER NOT NULL DEFAULT 0,
    language            TEXT NOT NULL DEFAULT 'hu',
    last_login_at       TIMESTAMPTZ,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_office ON users (office_id);

CREATE TABLE user_identities (
    provider   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider, subject)
);

CREATE TABLE operator_roles (
    user_id    UUID NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL,
    granted_by TEXT NOT NULL DEFAULT '',
    granted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE grants (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    user_id    UUID NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL,
    granted_by TEXT NOT NULL DEFAULT '',
    granted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant_id, user_id, role)
);
CREATE INDEX grants_user ON grants (user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      UUID NOT NULL REFERENCES users (id),
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    name         TEXT NOT NULL,
    secret_hash  BYTEA NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The session store's table, in the shape alexedwards/scs postgresstore expects.
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BYTEA NOT NULL,
    expiry TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

-- The audit log: one hash chain per tenant (and one for the operating
-- centre, tenant_id 'centre'). Append-only: the triggers refuse changes.
CREATE TABLE audit_log (
    tenant_id   TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_name  TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL DEFAULT '',
    object_id   TEXT NOT NULL DEFAULT '',
    remote_addr TEXT NOT NULL DEFAULT '',
    request_id  TEXT NOT NULL DEFAULT '',
    result      TEXT NOT NULL CHECK (result IN ('ok', 'denied', 'failed')),
    detail      TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);

-- +goose StatementBegin
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
-- Row triggers and RLS do not see TRUNCATE; refuse it too.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- The head of each chain, so appending needs no scan of the log.
CREATE TABLE audit_heads (
    tenant_id TEXT NOT NULL PRIMARY KEY,
    seq       BIGINT NOT NULL,
    hash      TEXT NOT NULL
);

-- Row-level security on the tenant tables: a row is visible only inside a
-- transaction that set app.tenant_id to its tenant (db.InTenant does).
-- FORCE applies the policies to the table owner too. The audit log has no
-- UPDATE or DELETE policy at all, so those affect no row.
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON audit_log FOR SELECT
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY tenant_append ON audit_log FOR INSERT
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));

-- The head of a chain is read, created and moved forward; never deleted.
ALTER TABLE audit_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_read ON audit_heads FOR SELECT
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY tenant_create ON audit_heads FOR INSERT
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE POLICY tenant_advance ON audit_heads FOR UPDATE
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''))
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), ''));
CREATE TRIGGER audit_heads_no_truncate BEFORE TRUNCATE ON audit_heads
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- +goose Down
DROP TABLE audit_heads;
DROP TABLE audit_log;
DROP FUNCTION audit_log_refuse_change;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE grants;
DROP TABLE operator_roles;
DROP TABLE user_identities;
DROP TABLE users;
DROP TABLE tenant_modules;
DROP TABLE tenants;
DROP TABLE offices;
