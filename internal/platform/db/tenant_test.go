package db_test

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
)

//go:embed testdata/notes
var notesFS embed.FS

func notes() db.Migrations {
	sub, _ := fs.Sub(notesFS, "testdata/notes")
	return db.Migrations{Module: "test_notes", FS: sub}
}

type note struct {
	bun.BaseModel `bun:"table:test_notes"`
	db.TenantScoped
	ID   string `bun:"id,pk"`
	Body string `bun:"body"`
}

func seed(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	for _, tn := range []struct {
		tenant db.TenantID
		id     string
	}{{"11730", "a1"}, {"11730", "a2"}, {"17376", "b1"}} {
		err := d.InTenant(ctx, tn.tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.NewInsert().Model(&note{ID: tn.id, Body: "secret of " + string(tn.tenant)}).Exec(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestTenantScopedModelsSeeOnlyTheirTenant(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t, notes())
	seed(t, d)
	var got []note
	err := d.InTenantRead(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model(&got).OrderExpr("id").Scan(ctx)
	})
	if err != nil || len(got) != 2 || got[0].TenantID != "11730" {
		t.Fatalf("tenant A sees %+v, %v", got, err)
	}
	// Updating B's row from A's transaction touches nothing.
	err = d.InTenant(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*note)(nil)).Set("body = 'hacked'").Where("id = 'b1'").Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 0 {
			t.Errorf("tenant A updated %d rows of tenant B", n)
		}
		res, err = tx.NewDelete().Model((*note)(nil)).Where("id = 'b1'").Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 0 {
			t.Errorf("tenant A deleted %d rows of tenant B", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Writing a row that names another tenant fails.
	err = d.InTenant(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
		n := note{ID: "x", Body: "y"}
		n.TenantID = "17376"
		_, err := tx.NewInsert().Model(&n).Exec(ctx)
		return err
	})
	if err == nil {
		t.Error("inserting a row of tenant B inside tenant A's transaction succeeded")
	}
}

// bun's Count skips the model's hooks; db.Count restricts it.
func TestCountIsScoped(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t, notes())
	seed(t, d)
	err := d.InTenantRead(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
		n, err := db.Count(ctx, tx.NewSelect().Model((*note)(nil)))
		if n != 2 {
			t.Errorf("db.Count in tenant A = %d, want 2", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Count(ctx, d.Reader().NewSelect().Model((*note)(nil))); err == nil {
		t.Error("db.Count without a tenant succeeded")
	}
}

func TestTenantScopedQueryWithoutTenantFailsLoudly(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t, notes())
	seed(t, d)
	var got []note
	err := d.Bun().NewSelect().Model(&got).Scan(ctx)
	if !errors.Is(err, db.ErrNoTenant) {
		t.Fatalf("select without a tenant: %v (rows %d), want ErrNoTenant", err, len(got))
	}
	if _, err := d.Bun().NewInsert().Model(&note{ID: "z", Body: "z"}).Exec(ctx); !errors.Is(err, db.ErrNoTenant) {
		t.Fatalf("insert without a tenant: %v", err)
	}
	if err := d.InTenant(ctx, "nope", func(context.Context, bun.Tx) error { return nil }); err == nil {
		t.Error("a malformed tenant id was accepted")
	}
	err = d.InTenant(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
		return d.InTenant(ctx, "17376", func(context.Context, bun.Tx) error { return nil })
	})
	if err == nil {
		t.Error("a transaction of tenant B opened inside one of tenant A")
	}
}

// The database itself, not only our code, keeps tenants apart: on
// PostgreSQL a raw query that bypasses the model hooks, run as the
// service's role, sees nothing without a tenant and only the tenant it set.
func TestPostgresRowLevelSecurityHoldsForRawQueries(t *testing.T) {
	ctx := context.Background()
	d := dbtest.OpenPostgres(t, notes())
	seed(t, d)
	count := func(ctx context.Context, q bun.IDB) int {
		var n int
		if err := q.NewRaw("SELECT count(*) FROM test_notes").Scan(ctx, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(ctx, d.Bun()); n != 0 {
		t.Errorf("raw query with no tenant set sees %d rows", n)
	}
	err := d.Bun().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SELECT set_config('app.tenant_id', '17376', true)"); err != nil {
			return err
		}
		if n := count(ctx, tx); n != 1 {
			t.Errorf("raw query with tenant B set sees %d rows, want B's 1", n)
		}
		var body string
		if err := tx.NewRaw("SELECT body FROM test_notes WHERE tenant_id = '11730' LIMIT 1").Scan(ctx, &body); err == nil {
			t.Errorf("tenant B read tenant A's row: %q", body)
		}
		// Nor may it write a row for A.
		if _, err := tx.ExecContext(ctx, "INSERT INTO test_notes (tenant_id, id, body) VALUES ('11730', 'evil', 'x')"); err == nil {
			t.Error("tenant B inserted a row of tenant A")
		}
		return nil
	})
	if err == nil {
		t.Error("transaction with a refused insert committed")
	}
	// The setting does not outlive its transaction on a pooled connection.
	if n := count(ctx, d.Bun()); n != 0 {
		t.Errorf("after the transaction, a raw query sees %d rows", n)
	}
	// And the service's role cannot switch the protection off: it owns
	// no table to alter, and with row_security off a query that the
	// policy would filter is an error, not a leak.
	for _, stmt := range []string{
		"ALTER TABLE test_notes NO FORCE ROW LEVEL SECURITY",
		"ALTER TABLE test_notes DISABLE ROW LEVEL SECURITY",
		"DROP POLICY tenant_isolation ON test_notes",
	} {
		if _, err := d.Bun().ExecContext(ctx, stmt); err == nil {
			t.Errorf("the service role could run %q", stmt)
		}
	}
	err = d.Bun().RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, "SET LOCAL row_security = off"); err != nil {
			return err
		}
		var n int
		if err := tx.NewRaw("SELECT count(*) FROM test_notes").Scan(ctx, &n); err == nil {
			t.Errorf("with row_security off the service role counted %d rows", n)
		}
		return nil
	})
	if err == nil {
		t.Error("the transaction with row_security off committed without error")
	}
}
