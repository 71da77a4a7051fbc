package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/tenancy"
)

// TestHelperImport is not a test: TestImportSurvivesKill runs the test
// binary again with ASP_CRASH_HELPER_DATA set, and this function imports
// the gazetteer there until the parent kills the process.
func TestHelperImport(t *testing.T) {
	dir := os.Getenv("ASP_CRASH_HELPER_DATA")
	if dir == "" {
		t.Skip("only runs as the child of TestImportSurvivesKill")
	}
	ctx := context.Background()
	a, err := Open(ctx, Config{DataDir: dir, LogFormat: "text"}, io.Discard)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	if _, err := tenancy.Import(ctx, a.DB, tenancy.Gazetteer2018(), time.Now()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Exit(0)
}

// Killing the process in the middle of an import leaves either nothing or
// everything: the import is one transaction, and SQLite's WAL rolls an
// unfinished one back when the database is opened again.
func TestImportSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	dir := t.TempDir()
	// The schema exists before the first child starts, so every kill lands
	// in the import (or before it, in the child's start-up).
	first, err := Open(context.Background(), Config{DataDir: dir, LogFormat: "text"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	first.Close()
	sawNothing, sawAll := false, false
	for i, delay := range []time.Duration{10, 30, 50, 70, 90, 110, 140, 180, 250} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperImport$")
		cmd.Env = append(os.Environ(), "ASP_CRASH_HELPER_DATA="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(delay * time.Millisecond)
		cmd.Process.Kill()
		cmd.Wait()

		d, err := db.Open(context.Background(), db.Config{DataDir: dir})
		if err != nil {
			t.Fatalf("run %d: reopen after kill: %v", i, err)
		}
		s := tenancy.Store{DB: d}
		n, err := s.Count(context.Background())
		if err != nil {
			t.Fatalf("run %d: count: %v", i, err)
		}
		var offices int
		d.Reader().NewRaw("SELECT count(*) FROM offices").Scan(context.Background(), &offices)
		d.Close()
		if n != 0 && n != 3178 || (n == 0) != (offices == 0) {
			t.Fatalf("run %d (killed after %v): %d tenants and %d offices: a half-done import", i, delay*time.Millisecond, n, offices)
		}
		sawNothing = sawNothing || n == 0
		sawAll = sawAll || n == 3178
		if n == 3178 {
			break // imported: later runs would only re-import the same
		}
	}
	// Whatever the kills left, the import then completes.
	a, err := Open(context.Background(), Config{DataDir: dir, LogFormat: "text"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.importTenants(context.Background(), tenancy.Gazetteer2018()); err != nil {
		t.Fatal(err)
	}
	if n, _ := a.Tenants.Count(context.Background()); n != 3178 {
		t.Errorf("after the kills, an import gives %d tenants", n)
	}
	t.Logf("kills that left nothing: %v; a run that committed: %v", sawNothing, sawAll)
}
