// Package dbtest gives tests a fresh, migrated database: SQLite in a
// temporary directory by default, PostgreSQL when ASP_TEST_POSTGRES_URL is
// set (CI sets it and runs the whole suite a second time).
//
// On PostgreSQL each test gets its own database, created and migrated by
// the role in ASP_TEST_POSTGRES_URL (which needs CREATEDB and becomes the
// owner), and the test's DB connects as the non-owner role named by
// ASP_TEST_POSTGRES_APP_USER (default asp_app; password in
// ASP_TEST_POSTGRES_APP_PASSWORD, if any), as the service does in
// production, so row-level security is really in force.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/db"
)

// PostgresURL returns the PostgreSQL test server's URL, or "".
func PostgresURL() string { return os.Getenv("ASP_TEST_POSTGRES_URL") }

// Open returns a fresh database migrated with the given sets, closed at the
// end of the test. The dialect follows ASP_TEST_POSTGRES_URL.
func Open(t testing.TB, sets ...db.Migrations) *db.DB {
	t.Helper()
	if PostgresURL() != "" {
		return OpenPostgres(t, sets...)
	}
	return OpenSQLite(t, sets...)
}

// OpenSQLite returns a fresh SQLite database in a temporary directory.
func OpenSQLite(t testing.TB, sets ...db.Migrations) *db.DB {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, db.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(ctx, quiet(), sets...); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return d
}

// OpenPostgres returns a fresh PostgreSQL database, or skips the test when
// no server is configured.
func OpenPostgres(t testing.TB, sets ...db.Migrations) *db.DB {
	t.Helper()
	appURL, ownerURL := NewPostgres(t, sets...)
	d, err := db.Open(context.Background(), db.Config{URL: appURL, MigrateURL: ownerURL})
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// NewPostgres creates a fresh, migrated PostgreSQL database that is
// dropped when the test ends, and returns the URLs of the service's role
// and of the owner: for a test that starts another process on it. It
// skips the test when no server is configured.
func NewPostgres(t testing.TB, sets ...db.Migrations) (appURL, ownerURL string) {
	t.Helper()
	admin := PostgresURL()
	if admin == "" {
		t.Skip("ASP_TEST_POSTGRES_URL not set: PostgreSQL tests skipped")
	}
	ctx := context.Background()
	name := "asp_t_" + randomHex(6)
	adminDB, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("open postgres admin: %v", err)
	}
	defer adminDB.Close()
	if _, err := adminDB.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", admin)
		if err != nil {
			return
		}
		defer a.Close()
		a.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	ownerURL = withDatabase(t, admin, name, "")
	appUser := os.Getenv("ASP_TEST_POSTGRES_APP_USER")
	if appUser == "" {
		appUser = "asp_app"
	}
	appURL = withDatabase(t, admin, name, appUser)

	d, err := db.Open(ctx, db.Config{URL: appURL, MigrateURL: ownerURL})
	if err != nil {
		t.Fatalf("open postgres as %s: %v", appUser, err)
	}
	defer d.Close()
	if err := d.Migrate(ctx, quiet(), sets...); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	// What an operator does once with ALTER DEFAULT PRIVILEGES (README).
	owner, err := sql.Open("pgx", ownerURL)
	if err != nil {
		t.Fatalf("open owner: %v", err)
	}
	defer owner.Close()
	if _, err := owner.ExecContext(ctx, fmt.Sprintf(
		"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %s", appUser)); err != nil {
		t.Fatalf("grant to %s: %v", appUser, err)
	}
	return appURL, ownerURL
}

// withDatabase points a PostgreSQL URL at another database, and another
// user when user is not empty.
func withDatabase(t testing.TB, raw, dbname, user string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("ASP_TEST_POSTGRES_URL: %v", err)
	}
	u.Path = "/" + dbname
	if user != "" {
		if pw := os.Getenv("ASP_TEST_POSTGRES_APP_PASSWORD"); pw != "" {
			u.User = url.UserPassword(user, pw)
		} else {
			u.User = url.User(user)
		}
	}
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Columns lists "table.column" for every table outside goose's own,
// sorted, so a module's test can prove both dialects built the same
// schema. Full-text indexes (FullTextIndexes) are left out: each engine
// builds its own.
func Columns(t testing.TB, d *db.DB) []string {
	t.Helper()
	ctx := context.Background()
	var cols []string
	var err error
	switch d.Dialect {
	case db.SQLite:
		// pragma_table_list's type 'table' leaves out virtual tables and
		// their shadow tables (an FTS5 index's storage).
		err = d.Bun().NewRaw(`SELECT m.name || '.' || p.name FROM pragma_table_list l, sqlite_master m, pragma_table_info(m.name) p
			WHERE l.schema = 'main' AND l.type = 'table' AND m.name = l.name AND m.type = 'table'
			AND m.name NOT LIKE 'goose%' AND m.name NOT LIKE 'sqlite%' AND m.name NOT LIKE '%\_fts' ESCAPE '\' ORDER BY 1`).Scan(ctx, &cols)
	case db.Postgres:
		err = d.Bun().NewRaw(`SELECT table_name || '.' || column_name FROM information_schema.columns
			WHERE table_schema = 'public' AND table_name NOT LIKE 'goose%' AND table_name NOT LIKE '%\_fts' ESCAPE '\' ORDER BY 1`).Scan(ctx, &cols)
	}
	if err != nil {
		t.Fatalf("list columns: %v", err)
	}
	sort.Strings(cols)
	return cols
}

// FullTextIndexes lists the tables named "<table>_fts": a full-text index
// of <table>, which each engine builds its own way (SQLite an FTS5 virtual
// table, PostgreSQL a table of terms; see internal/records' migrations).
// Both dialects must have the same ones.
func FullTextIndexes(t testing.TB, d *db.DB) []string {
	t.Helper()
	var names []string
	var err error
	switch d.Dialect {
	case db.SQLite:
		err = d.Bun().NewRaw(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%\_fts' ESCAPE '\' ORDER BY 1`).Scan(context.Background(), &names)
	case db.Postgres:
		err = d.Bun().NewRaw(`SELECT table_name FROM information_schema.tables
			WHERE table_schema = 'public' AND table_name LIKE '%\_fts' ESCAPE '\' ORDER BY 1`).Scan(context.Background(), &names)
	}
	if err != nil {
		t.Fatalf("list full-text indexes: %v", err)
	}
	return names
}

// SameSchema fails the test unless SQLite and PostgreSQL, migrated with
// sets, have the same tables and columns. It skips without PostgreSQL.
func SameSchema(t *testing.T, sets ...db.Migrations) {
	t.Helper()
	if PostgresURL() == "" {
		t.Skip("ASP_TEST_POSTGRES_URL not set: nothing to compare SQLite with")
	}
	liteDB, pgDB := OpenSQLite(t, sets...), OpenPostgres(t, sets...)
	lite, pg := Columns(t, liteDB), Columns(t, pgDB)
	if a, b := strings.Join(FullTextIndexes(t, liteDB), " "), strings.Join(FullTextIndexes(t, pgDB), " "); a != b {
		t.Errorf("full-text indexes: SQLite has [%s], PostgreSQL [%s]", a, b)
	}
	in := func(list []string, c string) bool {
		i := sort.SearchStrings(list, c)
		return i < len(list) && list[i] == c
	}
	for _, c := range lite {
		if !in(pg, c) {
			t.Errorf("%s is in SQLite but not in PostgreSQL", c)
		}
	}
	for _, c := range pg {
		if !in(lite, c) {
			t.Errorf("%s is in PostgreSQL but not in SQLite", c)
		}
	}
	if len(lite) == 0 {
		t.Error("no columns: the migrations did not run")
	}
}
