// Package db opens the service's database (SQLite by default, PostgreSQL in
// production), runs the modules' migrations and gives the rest of the
// platform tenant-scoped transactions.
//
// Tenant separation has three layers (docs/architecture.md): the application
// filter (InTenant plus the TenantScoped model hooks in this package),
// PostgreSQL row-level security (policies created by the migrations, the
// tenant set per transaction with set_config), and the cross-tenant test
// harness.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Dialect names the SQL engine behind a DB.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Config says where the database is. An empty URL means the embedded SQLite
// database in DataDir.
type Config struct {
	URL     string // postgres://… ; empty for SQLite
	DataDir string // directory of the SQLite file
	// MigrateURL, when set, is the PostgreSQL role that owns the tables and
	// runs the migrations; URL is then the non-owner role the service uses.
	MigrateURL string
}

// DB is an open database. On SQLite it holds two pools over the same file:
// one connection that writes (SQLite allows one writer at a time, and a
// single Go-side writer avoids busy-waiting) and several that only read.
// On PostgreSQL both point to the same pool.
type DB struct {
	Dialect Dialect
	write   *bun.DB
	read    *bun.DB
	cfg     Config
}

// Open opens the database described by cfg and checks that it answers.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.URL == "" {
		return openSQLite(ctx, cfg)
	}
	return openPostgres(ctx, cfg)
}

// SQLitePath is the file the embedded database lives in.
func SQLitePath(dataDir string) string { return filepath.Join(dataDir, "asp.db") }

func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	// WAL lets readers work while one writer commits; synchronous=FULL makes
	// every commit durable even against power loss ("nothing lost").
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Set("_time_format", "sqlite")
	if readOnly {
		q.Add("_pragma", "query_only(ON)")
	} else {
		// Take the write lock at BEGIN, so a transaction never fails half-way
		// when it upgrades from reading to writing.
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

func openSQLite(ctx context.Context, cfg Config) (*DB, error) {
	dir := cfg.DataDir
	if dir == "" {
		dir = "data"
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w", dir, err)
	}
	path := SQLitePath(dir)
	w, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s for reading: %w", path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0)*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{
		Dialect: SQLite,
		write:   bun.NewDB(w, sqlitedialect.New()),
		read:    bun.NewDB(r, sqlitedialect.New()),
		cfg:     cfg,
	}, nil
}

func openPostgres(ctx context.Context, cfg Config) (*DB, error) {
	s, err := sql.Open("pgx", cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	s.SetMaxOpenConns(max(10, runtime.GOMAXPROCS(0)*4))
	s.SetMaxIdleConns(max(10, runtime.GOMAXPROCS(0)*4))
	s.SetConnMaxIdleTime(5 * time.Minute)
	if err := s.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("connect to postgres (%s): %w", redactURL(cfg.URL), err)
	}
	b := bun.NewDB(s, pgdialect.New())
	return &DB{Dialect: Postgres, write: b, read: b, cfg: cfg}, nil
}

// redactURL hides the password of a database URL for messages and logs.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Redacted()
}

// Describe says, for logs and start-up messages, which database this is.
func (d *DB) Describe() string {
	if d.Dialect == SQLite {
		return "SQLite " + SQLitePath(d.cfg.DataDir)
	}
	return "PostgreSQL " + redactURL(d.cfg.URL)
}

// Close closes every pool.
func (d *DB) Close() error {
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Ping checks that the database answers (used by /readyz).
func (d *DB) Ping(ctx context.Context) error {
	return d.read.PingContext(ctx)
}

// Bun gives the writing handle, for the platform's own tables that are not
// tenant data (tenants, users, grants, sessions). Module code never uses it:
// modules go through InTenant.
func (d *DB) Bun() *bun.DB { return d.write }

// Reader gives a handle for read-only queries on platform tables; on SQLite
// it does not wait for the single writer.
func (d *DB) Reader() *bun.DB { return d.read }

// SQL gives the database/sql handle of the writer (for libraries such as
// the session store that take one).
func (d *DB) SQL() *sql.DB { return d.write.DB }

// Tx runs fn in a transaction on platform tables, committing when fn
// returns nil and rolling back otherwise.
func (d *DB) Tx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return d.write.RunInTx(ctx, nil, fn)
}

// ReadTx runs fn in a read-only transaction on platform tables.
func (d *DB) ReadTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return d.read.RunInTx(ctx, &sql.TxOptions{ReadOnly: d.Dialect == Postgres}, fn)
}

// IsUniqueViolation reports whether err is a unique-constraint failure, on
// either engine.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || // SQLite
		strings.Contains(s, "SQLSTATE 23505") // PostgreSQL
}
