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
)

// cmdFinanceDepreciate runs an entity's quarterly planned depreciation
// (asp finance depreciate): with --dry-run it only lists what it would
// post; a re-run of a quarter posts nothing.
func cmdFinanceDepreciate(ctx context.Context, args []string, out io.Writer) error {
	ctx = cliContext(ctx)
	fs := newFlags("finance depreciate")
	tenant := fs.String("tenant", "", "KSH code of the municipality")
	entity := fs.String("entity", "", "the entity's id")
	year := fs.Int("year", 0, "the year")
	quarter := fs.Int("quarter", 0, "the quarter, 1-4")
	dry := fs.Bool("dry-run", false, "compute and list, write nothing")
	a, err := openFor(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close()
	t := db.TenantID(*tenant)
	if !t.Valid() {
		return usagef("finance depreciate: give --tenant KSH-CODE")
	}
	ent, err := uuid.Parse(*entity)
	if err != nil {
		return usagef("finance depreciate: give --entity ID (the entity's id)")
	}
	if *year < 2000 || *year > 2100 || *quarter < 1 || *quarter > 4 {
		return usagef("finance depreciate: give --year and --quarter 1-4, e.g. --year %d --quarter 1", a.Now().Year())
	}
	s := &finance.Service{Now: a.Now}
	var r finance.AssetRun
	run := func(ctx context.Context, tx bun.Tx) error {
		var err error
		r, err = s.Depreciate(ctx, tx, ent, *year, *quarter, *dry, cliActor)
		return err
	}
	if *dry {
		err = a.DB.InTenantRead(ctx, t, run)
	} else {
		err = a.DB.InTenant(ctx, t, run)
	}
	var prob *finance.Problem
	if errors.As(err, &prob) {
		return usagef("finance depreciate: %s", prob.HU)
	}
	if err != nil {
		return err
	}
	verb := "Elszámolva"
	if *dry {
		verb = "Elszámolandó (próba, nem írtunk semmit)"
	}
	fmt.Fprintf(out, "%s: %d. %d. negyedév terv szerinti értékcsökkenése, %d eszköz, összesen %s Ft\n", verb, *year, *quarter, r.Assets, r.Amount.Grouped())
	for _, l := range r.Lines {
		fmt.Fprintf(out, "  %s  %s: %s Ft\n", l.InventoryNo, l.Name, l.Amount.Grouped())
	}
	return nil
}
