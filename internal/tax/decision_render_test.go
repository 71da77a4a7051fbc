package tax_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/files"
	"github.com/openasp-hu/asp/internal/platform/pdf/pdftest"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/taxgen"
)

// The renderer stores PDFs while it renders the next ones and notes a
// chunk's files in one statement: every decision must still get its own
// PDF, and a second render finds nothing left to do.
func TestRendererNotesEachDecisionItsOwnPDF(t *testing.T) {
	d := openTax(t)
	f := &objectFixture{d: d, reg: &fakeRegistrar{}, now: time.Date(2026, 1, 12, 8, 0, 0, 0, time.UTC)}
	f.s = &tax.Service{Now: func() time.Time { return f.now }}
	var res tax.RunResult
	err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		if _, err := taxgen.Generate(ctx, tx, taxgen.Options{Taxpayers: 40, Objects: 60, TaxYear: 2026, Seed: 3, Streets: taxgen.DefaultStreets}); err != nil {
			return err
		}
		var err error
		res, err = f.s.RunAssessment(ctx, tx, f.reg, tax.RunOptions{TaxYear: 2026}, "t")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Decisions < 10 {
		t.Fatalf("too few decisions to test: %+v", res)
	}
	store := files.NewFS(t.TempDir())
	r := &tax.Renderer{DB: d, Files: store, Workers: 2,
		Issuer: func(context.Context, db.TenantID) (string, error) { return "Orfű Község Önkormányzata", nil }}
	for range 2 {
		if err := r.Render(context.Background(), orfu, res.Run.ID); err != nil {
			t.Fatal(err)
		}
	}
	var ds []tax.Decision
	err = d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model(&ds).Where("run_id = ?", res.Run.ID).Scan(ctx)
	})
	if err != nil || len(ds) != res.Decisions {
		t.Fatalf("decisions: %d of %d, %v", len(ds), res.Decisions, err)
	}
	seen := map[string]bool{}
	for _, dc := range ds {
		if dc.FileKey == "" || seen[dc.FileKey] {
			t.Fatalf("decision %s: file key %q (twice: %v)", dc.Number, dc.FileKey, seen[dc.FileKey])
		}
		seen[dc.FileKey] = true
		rc, err := store.Open(context.Background(), orfu, dc.FileKey)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if text := pdftest.Text(t, b, false); !strings.Contains(text, dc.Number) {
			t.Errorf("decision %s: its file is another's PDF:\n%s", dc.Number, text)
		}
	}
}
