package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/tax"
)

// cmdTaxWriteOff is the year-end write-off of time-barred debts (törlés
// elévülés miatt): with --dry-run it only lists what it would write off.
func cmdTaxWriteOff(ctx context.Context, args []string, out io.Writer) error {
	ctx = cliContext(ctx)
	fs := newFlags("tax write-off")
	tenant := fs.String("tenant", "", "KSH code of the municipality")
	yearFlag := fs.String("year", "", "the year at whose end the debts are time-barred, e.g. 2025")
	reason := fs.String("reason", "", "the reason written on each write-off (default: limitation, Art. 164. §)")
	dry := fs.Bool("dry-run", false, "only list what would be written off")
	a, err := openFor(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close()
	t := db.TenantID(*tenant)
	if !t.Valid() {
		return usagef("tax write-off: give --tenant KSH-CODE")
	}
	year, err := strconv.Atoi(strings.TrimSpace(*yearFlag))
	if err != nil {
		return usagef("tax write-off: --year: give a year, e.g. %d", hu.DateOf(a.Now()).Year-1)
	}
	s := &tax.Service{Now: a.Now}
	var r tax.WriteOffResult
	run := func(ctx context.Context, tx bun.Tx) error {
		var err error
		if *dry {
			r, err = s.TimeBarred(ctx, tx, year)
		} else {
			r, err = s.RunWriteOff(ctx, tx, year, *reason, cliActor)
		}
		return err
	}
	if *dry {
		err = a.DB.InTenantRead(ctx, t, run)
	} else {
		err = a.DB.InTenant(ctx, t, run)
	}
	var prob *tax.Problem
	if errors.As(err, &prob) {
		return usagef("tax write-off: %s", prob.HU)
	}
	if err != nil {
		return err
	}
	verb := "Törölve"
	if *dry {
		verb = "Törölhető (próba, nem írtunk semmit)"
	}
	fmt.Fprintf(out, "%s: %d elévült tétel a %d. év végéig, összesen %s Ft\n", verb, len(r.Items), year, r.Total.Grouped())
	types := make([]string, 0, len(r.ByType))
	for k := range r.ByType {
		types = append(types, k)
	}
	sort.Strings(types)
	for _, k := range types {
		fmt.Fprintf(out, "  %s: %s Ft\n", tax.TaxTypeName(k), r.ByType[k].Grouped())
	}
	return nil
}
