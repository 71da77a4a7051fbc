package db_test

import (
	"context"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
)

// Maintain refreshes the statistics as the owner: on PostgreSQL the
// service role may not VACUUM the tables it only writes to.
func TestMaintain(t *testing.T) {
	d := dbtest.Open(t, migrations.Platform)
	if err := d.Maintain(context.Background()); err != nil {
		t.Fatal(err)
	}
	var analysed int
	q := "SELECT count(*) FROM sqlite_stat1"
	if d.Dialect == db.Postgres {
		q = "SELECT count(*) FROM pg_stat_user_tables WHERE last_vacuum IS NOT NULL AND last_analyze IS NOT NULL"
	}
	if err := d.Bun().NewRaw(q).Scan(context.Background(), &analysed); err != nil {
		t.Fatal(err)
	}
	if analysed == 0 {
		t.Error("nothing vacuumed or analysed")
	}
}
