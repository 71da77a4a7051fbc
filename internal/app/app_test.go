package app

import (
	"context"
	"testing"

	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/identity"
)

// testApp returns an App on a fresh test database (SQLite, or PostgreSQL
// when ASP_TEST_POSTGRES_URL is set) with the tenants imported and cheap
// password hashing.
func testApp(t *testing.T) *App {
	t.Helper()
	d := dbtest.Open(t, (&App{}).migrations()...)
	a := &App{Cfg: Config{Addr: "127.0.0.1:0", DataDir: t.TempDir()}, Log: newLogger("text", testLog{t}), DB: d,
		PasswordParams: identity.InsecureTestPasswordParams()}
	if err := a.init(); err != nil {
		t.Fatal(err)
	}
	if err := a.EnsureTenants(context.Background()); err != nil {
		t.Fatal(err)
	}
	return a
}

// testLog sends the app's log to the test's, shown when a test fails.
type testLog struct{ t *testing.T }

func (w testLog) Write(b []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(b))
	return len(b), nil
}
