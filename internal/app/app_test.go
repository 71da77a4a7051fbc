package app

import (
	"context"
	"io"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
)

// testApp returns an App on a fresh test database (SQLite, or PostgreSQL
// when ASP_TEST_POSTGRES_URL is set) with the tenants imported.
func testApp(t *testing.T) *App {
	t.Helper()
	d := dbtest.Open(t, (&App{}).migrations()...)
	a := &App{Cfg: Config{Addr: "127.0.0.1:0"}, Log: newLogger("text", io.Discard), DB: d}
	a.init()
	if err := a.EnsureTenants(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a
}
