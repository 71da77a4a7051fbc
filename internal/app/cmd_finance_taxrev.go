package app

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/tax"
)

// cmdFinanceTaxRevenue transfers a month's tax revenue collected in ADÓ
// to the municipality's books (adóbevételek átvezetése): with --dry-run
// it only shows, by rovat, what it would post. A monthly cron job can
// run it: a second run of the same month posts nothing.
func cmdFinanceTaxRevenue(ctx context.Context, args []string, out io.Writer) error {
	ctx = cliContext(ctx)
	fs := newFlags("finance tax-revenue")
	tenant := fs.String("tenant", "", "KSH code of the municipality")
	entity := fs.String("entity", "", "the municipality's entity id")
	month := fs.String("month", "", "the month, e.g. 2026-03")
	dry := fs.Bool("dry-run", false, "only show what would be posted")
	a, err := openFor(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close()
	t := db.TenantID(*tenant)
	if !t.Valid() {
		return usagef("finance tax-revenue: give --tenant KSH-CODE")
	}
	ent, err := uuid.Parse(*entity)
	if err != nil {
		return usagef("finance tax-revenue: give --entity ID (the municipality's entity id)")
	}
	y, m, prob := finance.ParseTaxRevenueMonth(*month)
	if prob != nil {
		return usagef("finance tax-revenue: --month: %s", prob.HU)
	}
	s := &finance.Service{Now: a.Now}
	src := financeTaxRevenue{svc: &tax.Service{Now: a.Now}}
	var tr finance.TaxRevenueTransfer
	run := func(ctx context.Context, tx bun.Tx) error {
		var err error
		if *dry {
			tr, err = s.TaxRevenuePreview(ctx, tx, src, ent, y, m)
		} else {
			tr, err = s.TransferTaxRevenue(ctx, tx, src, ent, y, m, cliActor)
		}
		return err
	}
	if *dry {
		err = a.DB.InTenantRead(ctx, t, run)
	} else {
		err = a.DB.InTenant(ctx, t, run)
	}
	if errors.As(err, &prob) {
		return usagef("finance tax-revenue: %s", prob.HU)
	}
	if err != nil {
		return err
	}
	switch {
	case *dry:
		fmt.Fprintf(out, "Próba, nem könyveltünk semmit: %04d-%02d, funkció %s, könyvelendő %s Ft\n", y, m, tr.Funkcio, tr.ToPost.Grouped())
	case tr.Posted:
		fmt.Fprintf(out, "Könyvelve (%d. futás): %04d-%02d, funkció %s, %s Ft\n", tr.RunNo, y, m, tr.Funkcio, tr.ToPost.Grouped())
	default:
		fmt.Fprintf(out, "Nincs mit könyvelni: %04d-%02d már át van vezetve (%d futás), azóta nem változott\n", y, m, tr.Runs)
	}
	for _, r := range tr.Rows {
		fmt.Fprintf(out, "  %-5s beszedve %s Ft, átvezetve %s Ft, most %s Ft\n", r.Rovat, r.Collected.Grouped(), r.Transferred.Grouped(), r.Difference.Grouped())
	}
	return nil
}
