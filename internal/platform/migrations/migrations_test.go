package migrations_test

import (
	"context"
	"slices"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
)

// Columns lists "table.column" of every table outside goose's own, so the
// two dialects can be compared. Exported for modules' schema tests through
// the test below; kept here because the platform owns the first schema.
func columns(t *testing.T, d *db.DB) []string {
	t.Helper()
	ctx := context.Background()
	var cols []string
	var err error
	switch d.Dialect {
	case db.SQLite:
		err = d.Bun().NewRaw(`SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'goose%' AND m.name NOT LIKE 'sqlite%' ORDER BY 1`).Scan(ctx, &cols)
	case db.Postgres:
		err = d.Bun().NewRaw(`SELECT table_name || '.' || column_name FROM information_schema.columns
			WHERE table_schema = 'public' AND table_name NOT LIKE 'goose%' ORDER BY 1`).Scan(ctx, &cols)
	}
	if err != nil {
		t.Fatalf("list columns: %v", err)
	}
	slices.Sort(cols)
	return cols
}

func TestBothDialectsHaveTheSameTablesAndColumns(t *testing.T) {
	if dbtest.PostgresURL() == "" {
		t.Skip("ASP_TEST_POSTGRES_URL not set: nothing to compare SQLite with")
	}
	lite := columns(t, dbtest.OpenSQLite(t, migrations.Platform))
	pg := columns(t, dbtest.OpenPostgres(t, migrations.Platform))
	if len(lite) < 50 {
		t.Fatalf("only %d columns in SQLite: migrations did not run?", len(lite))
	}
	for _, c := range lite {
		if _, found := slices.BinarySearch(pg, c); !found {
			t.Errorf("%s is in SQLite but not in PostgreSQL", c)
		}
	}
	for _, c := range pg {
		if _, found := slices.BinarySearch(lite, c); !found {
			t.Errorf("%s is in PostgreSQL but not in SQLite", c)
		}
	}
}

func TestMigrateTwiceIsANoOp(t *testing.T) {
	d := dbtest.Open(t, migrations.Platform)
	if err := d.Migrate(context.Background(), nil, migrations.Platform); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
}
