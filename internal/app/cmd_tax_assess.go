package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/records"
	"github.com/openasp-hu/asp/internal/tax"
)

// cmdTaxAssess runs the mass assessment (kivetés) of a tax year for a
// municipality: decisions, postings and registrations in one
// transaction, then the decision PDFs (asp tax assess --tenant 11730
// --year 2026).
func cmdTaxAssess(ctx context.Context, args []string, out io.Writer) error {
	ctx = cliContext(ctx)
	fs := newFlags("tax assess")
	tenant := fs.String("tenant", "", "KSH code of the municipality")
	year := fs.Int("year", 0, "the tax year")
	single := fs.Int64("single-up-to", 0, "an annual tax up to this many forints is due in one sum by 15 March (0: always two halves)")
	dry := fs.Bool("dry-run", false, "compute and report, write nothing")
	noPDF := fs.Bool("no-pdf", false, "leave the PDFs for later (the page can make them)")
	a, err := openFor(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close()
	t := db.TenantID(*tenant)
	if !t.Valid() || *year == 0 {
		return usagef("tax assess: give --tenant KSH-CODE and --year YEAR")
	}
	reg := recordsRegistrar{svc: &records.Service{}}
	start := time.Now()
	var res tax.RunResult
	err = a.DB.InTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = (&tax.Service{Now: a.Now}).RunAssessment(ctx, tx, reg, tax.RunOptions{TaxYear: *year, SingleInstalmentUpTo: hu.Forint(*single), DryRun: *dry}, cliActor)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Kivetés %d: %d adótárgy, ebből %d adóköteles, %d mérték nélkül; %d határozat (%d helyesbítő), %d tétel, előírva %s Ft, jóváírva %s Ft; változatlan %d (%s)\n",
		*year, res.Objects, res.Liable, len(res.NoRate), res.Decisions, res.Corrections, res.Postings, res.Debited.Grouped(), res.Credited.Grouped(), res.Unchanged,
		time.Since(start).Round(time.Millisecond))
	if *dry || *noPDF || res.Decisions == 0 {
		return nil
	}
	start = time.Now()
	r := &tax.Renderer{DB: a.DB, Files: a.Files, Issuer: a.tenantName, Workers: 2}
	if err := r.Render(ctx, t, res.Run.ID); err != nil {
		return err
	}
	fmt.Fprintf(out, "Határozatok PDF-je: %d (%s)\n", res.Decisions, time.Since(start).Round(time.Millisecond))
	return nil
}
