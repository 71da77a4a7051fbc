package audit

import (
	"context"
	"database/sql"
	"net/url"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
)

const (
	tenantA db.TenantID = "17376" // Aba
	tenantB db.TenantID = "02112" // another municipality
)

func openDB(t testing.TB) *db.DB {
	t.Helper()
	return dbtest.Open(t, migrations.Platform)
}

// clock returns a Now function that starts at a fixed instant (with
// nanoseconds and a non-UTC zone, to exercise the normalisation) and moves
// one minute per call. Not safe for concurrent use.
func clock() func() time.Time {
	budapest := time.FixedZone("CET", 3600)
	t := time.Date(2025, 3, 1, 10, 0, 0, 123456789, budapest)
	return func() time.Time {
		now := t
		t = t.Add(time.Minute)
		return now
	}
}

func record(t testing.TB, l *Log, tenant db.TenantID, ev Event) {
	t.Helper()
	if err := l.Record(context.Background(), tenant, ev); err != nil {
		t.Fatalf("record %s for %s: %v", ev.Action, tenant, err)
	}
}

// chain returns the tenant's entries in seq order.
func chain(t testing.TB, d *db.DB, tenant db.TenantID) []Entry {
	t.Helper()
	var es []Entry
	err := d.InTenantRead(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model(&es).Where("tenant_id = ?", tenant).OrderExpr("seq").Scan(ctx)
	})
	if err != nil {
		t.Fatalf("read chain of %s: %v", tenant, err)
	}
	return es
}

// chainHead returns the tenant's row of audit_heads, if any.
func chainHead(t testing.TB, d *db.DB, tenant db.TenantID) (head, bool) {
	t.Helper()
	var h head
	var found bool
	err := d.InTenantRead(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		h, found, err = readHead(ctx, tx, tenant)
		return err
	})
	if err != nil {
		t.Fatalf("read head of %s: %v", tenant, err)
	}
	return h, found
}

// asAttacker runs SQL statements with the powers of someone who has the
// database itself, not just the application's access: the point is to
// check that Verify notices what they can still do.
//
// On SQLite whoever can write the file can do anything; the service's own
// connection is enough, after dropping the append-only triggers.
//
// On PostgreSQL the service's role (asp_app) can neither change nor delete
// audit rows (no UPDATE/DELETE policy, and the triggers), so this connects
// as the owner of the test database: ASP_TEST_POSTGRES_URL pointed at the
// test's database, whose name the service's connection reports. The owner
// still has to (1) disable the user triggers, which refuse UPDATE and
// DELETE even for the owner, and (2) switch off FORCE ROW LEVEL SECURITY:
// with FORCE the policies bind the owner too, and they allow no UPDATE or
// DELETE at all and no row without app.tenant_id. "SET row_security = off"
// does not help, since it only turns the silent filtering into an error.
// Without FORCE the owner bypasses RLS; asp_app stays bound by it.
func asAttacker(t testing.TB, d *db.DB, stmts ...string) {
	t.Helper()
	ctx := context.Background()
	var exec func(string) error
	switch d.Dialect {
	case db.SQLite:
		exec = func(s string) error { _, err := d.Bun().ExecContext(ctx, s); return err }
		stmts = append([]string{
			"DROP TRIGGER IF EXISTS audit_log_no_update",
			"DROP TRIGGER IF EXISTS audit_log_no_delete",
		}, stmts...)
	case db.Postgres:
		var name string
		if err := d.Bun().NewRaw("SELECT current_database()").Scan(ctx, &name); err != nil {
			t.Fatalf("current database: %v", err)
		}
		u, err := url.Parse(dbtest.PostgresURL())
		if err != nil {
			t.Fatalf("ASP_TEST_POSTGRES_URL: %v", err)
		}
		u.Path = "/" + name
		owner, err := sql.Open("pgx", u.String())
		if err != nil {
			t.Fatalf("connect as owner: %v", err)
		}
		defer owner.Close()
		exec = func(s string) error { _, err := owner.ExecContext(ctx, s); return err }
		stmts = append([]string{
			"ALTER TABLE audit_log DISABLE TRIGGER USER",
			"ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY",
			"ALTER TABLE audit_heads NO FORCE ROW LEVEL SECURITY",
		}, stmts...)
	}
	for _, s := range stmts {
		if err := exec(s); err != nil {
			t.Fatalf("as attacker: %s: %v", s, err)
		}
	}
}
