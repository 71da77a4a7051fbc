package app

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/records"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/taxgen"
)

func TestTaxAssessCommand(t *testing.T) {
	dir := t.TempDir()
	ctx := cliContext(context.Background())
	a, err := Open(ctx, Config{DataDir: dir, LogFormat: "text"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.EnsureTenants(ctx); err != nil {
		t.Fatal(err)
	}
	err = a.DB.InTenant(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
		if _, err := (&records.Service{}).OpenBook(ctx, tx, tax.DecisionsBook, "Általános iktatókönyv", "", a.Now().Year()); err != nil {
			return err
		}
		_, err := taxgen.Generate(ctx, tx, taxgen.Options{Taxpayers: 30, Objects: 50, TaxYear: a.Now().Year(), Seed: 3})
		return err
	})
	a.Close()
	if err != nil {
		t.Fatal(err)
	}
	year := a.Now().Format("2006")
	var out, errb bytes.Buffer
	if code := Main([]string{"tax", "assess", "--tenant", "11730", "--year", year, "--dry-run", "--data", dir}, &out, &errb); code != 0 {
		t.Fatalf("dry run: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "50 adótárgy") || strings.Contains(out.String(), "PDF") {
		t.Errorf("dry run: %s", out.String())
	}
	out.Reset()
	if code := Main([]string{"tax", "assess", "--tenant", "11730", "--year", year, "--data", dir}, &out, &errb); code != 0 {
		t.Fatalf("run: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "Határozatok PDF-je") || strings.Contains(out.String(), " 0 határozat") {
		t.Errorf("run: %s", out.String())
	}
	out.Reset()
	if code := Main([]string{"tax", "assess", "--tenant", "11730", "--year", year, "--data", dir}, &out, &errb); code != 0 || !strings.Contains(out.String(), " 0 határozat") {
		t.Errorf("re-run: exit %d: %s", code, out.String())
	}
	if code := Main([]string{"tax", "assess", "--tenant", "11730", "--data", dir}, &out, &errb); code != 2 {
		t.Errorf("no year: exit %d", code)
	}
}
