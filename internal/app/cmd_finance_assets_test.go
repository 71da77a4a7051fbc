package app

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
)

// finance depreciate previews and posts a quarter once: 1,200,000 Ft at
// 14.5% from 10 February 2026 is 174,000 × 50 / 365 = 23,836 Ft in Q1.
func TestFinanceDepreciateCommand(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := Main([]string{"migrate", "--data", dir}, &out, &errb); code != 0 {
		t.Fatalf("migrate: %d %s", code, errb.String())
	}
	ctx := cliContext(context.Background())
	a, err := Open(ctx, Config{DataDir: dir, LogFormat: "text"}, &errb)
	if err != nil {
		t.Fatal(err)
	}
	var entity string
	err = a.DB.InTenant(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
		s := &finance.Service{}
		e, err := s.CreateEntity(ctx, tx, finance.EntityInput{Kind: finance.Municipality, Name: "Orfű", Functions: []string{"066020"}}, "t")
		if err != nil {
			return err
		}
		entity = e.ID.String()
		rate := 1450
		_, err = s.RegisterAsset(ctx, tx, finance.AssetInput{Entity: e.ID, InventoryNo: "LT-1", Name: "Traktor", Class: "gep", Funkcio: "066020",
			InUseOn: hu.Date{Year: 2026, Month: 2, Day: 10}, Gross: 1_200_000, RateBP: &rate}, "t")
		return err
	})
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	run := func(extra ...string) (int, string) {
		out.Reset()
		errb.Reset()
		code := Main(append([]string{"finance", "depreciate", "--tenant", "11730", "--entity", entity, "--year", "2026", "--quarter", "1", "--data", dir}, extra...), &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, o := run("--dry-run"); code != 0 || !strings.Contains(o, "próba") || !strings.Contains(o, "23\u00a0836") {
		t.Fatalf("dry run: %d %s", code, o)
	}
	if code, o := run(); code != 0 || !strings.Contains(o, "1 eszköz") || !strings.Contains(o, "23\u00a0836") {
		t.Fatalf("run: %d %s", code, o)
	}
	if code, o := run(); code != 0 || !strings.Contains(o, "0 eszköz") {
		t.Fatalf("re-run: %d %s", code, o)
	}
	for _, bad := range [][]string{{"--quarter", "5"}, {"--entity", "x"}} {
		if code, _ := run(bad...); code != 2 {
			t.Errorf("%v: exit %d", bad, code)
		}
	}
}
