package migrations_test

import (
	"context"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
)

func TestBothDialectsHaveTheSameTablesAndColumns(t *testing.T) {
	dbtest.SameSchema(t, migrations.Platform)
}

func TestMigrateTwiceIsANoOp(t *testing.T) {
	d := dbtest.Open(t, migrations.Platform)
	if n := len(dbtest.Columns(t, d)); n < 50 {
		t.Fatalf("only %d columns: migrations did not run?", n)
	}
	if err := d.Migrate(context.Background(), nil, migrations.Platform); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
}
