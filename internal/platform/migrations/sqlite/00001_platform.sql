-- Platform schema (SQLite). Keep the tables and columns identical to
-- ../postgres/00001_platform.sql: a test compares them.

-- +goose Up
CREATE TABLE offices (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('own', 'joint')),
    seat_tenant_id TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
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
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX tenants_office ON tenants (office_id);

CREATE TABLE tenant_modules (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    module     TEXT NOT NULL,
    enabled_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, module)
);

CREATE TABLE users (
    id                  TEXT PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE,
    email               TEXT NOT NULL DEFAULT '',
    display_name        TEXT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('staff', 'operator', 'client')),
    office_id           TEXT REFERENCES offices (id),
    password_hash       TEXT NOT NULL DEFAULT '',
    password_changed_at TIMESTAMP,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    totp_secret         TEXT NOT NULL DEFAULT '',
    totp_enabled        BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step      BIGINT NOT NULL DEFAULT 0,
    recovery_codes      TEXT NOT NULL DEFAULT '',
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        TIMESTAMP,
    disabled_at         TIMESTAMP,
    session_epoch       INTEGER NOT NULL DEFAULT 0,
    language            TEXT NOT NULL DEFAULT 'hu',
    last_login_at       TIMESTAMP,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX users_office ON users (office_id);

CREATE TABLE user_identities (
    provider   TEXT NOT NULL,
    subject    TEXT NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (provider, subject)
);

CREATE TABLE operator_roles (
    user_id    TEXT NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL,
    granted_by TEXT NOT NULL DEFAULT '',
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE grants (
    tenant_id  TEXT NOT NULL REFERENCES tenants (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL,
    granted_by TEXT NOT NULL DEFAULT '',
    granted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tenant_id, user_id, role)
);
CREATE INDEX grants_user ON grants (user_id);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    tenant_id    TEXT NOT NULL REFERENCES tenants (id),
    name         TEXT NOT NULL,
    secret_hash  BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The session store's table, in the shape alexedwards/scs sqlite3store expects.
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry REAL NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

-- The audit log: one hash chain per tenant (and one for the operating
-- centre, tenant_id 'centre'). Append-only: the triggers refuse changes.
CREATE TABLE audit_log (
    tenant_id   TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    at          TIMESTAMP NOT NULL,
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
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
-- +goose StatementEnd

-- The head of each chain, so appending needs no scan of the log.
CREATE TABLE audit_heads (
    tenant_id TEXT NOT NULL PRIMARY KEY,
    seq       BIGINT NOT NULL,
    hash      TEXT NOT NULL
);

-- +goose Down
DROP TABLE audit_heads;
DROP TABLE audit_log;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE grants;
DROP TABLE operator_roles;
DROP TABLE user_identities;
DROP TABLE users;
DROP TABLE tenant_modules;
DROP TABLE tenants;
DROP TABLE offices;
