package app

import (
	"context"
	"io"
	"os"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/platform/db"
)

func init() { extraCommands["finance"] = cmdFinance }

// cmdFinance runs GAZD's tasks: export-journal writes a year's ledger in
// hledger/ledger journal format, for checking our books with another
// program or handing them to an auditor.
func cmdFinance(ctx context.Context, args []string, out io.Writer) error {
	if len(args) > 0 && args[0] == "tax-revenue" {
		return cmdFinanceTaxRevenue(ctx, args[1:], out)
	}
	if len(args) > 0 && args[0] == "depreciate" {
		return cmdFinanceDepreciate(ctx, args[1:], out)
	} // fixed assets (cmd_finance_assets.go)
	if len(args) == 0 || args[0] != "export-journal" {
		return usagef("finance: say export-journal, tax-revenue or depreciate")
	}
	ctx = cliContext(ctx)
	fs := newFlags("finance export-journal")
	tenant := fs.String("tenant", "", "KSH code of the municipality")
	year := fs.Int("year", 0, "the budget year")
	entity := fs.String("entity", "", "one entity's id (default: all of the tenant's)")
	file := fs.String("out", "", "file to write (default: standard output)")
	a, err := openFor(ctx, fs, args[1:])
	if err != nil {
		return err
	}
	defer a.Close()
	t := db.TenantID(*tenant)
	if !t.Valid() {
		return usagef("finance export-journal: give --tenant KSH-CODE")
	}
	if *year < 2000 || *year > 2100 {
		return usagef("finance export-journal: give --year, e.g. --year %d", a.Now().Year())
	}
	var ent uuid.UUID
	if *entity != "" {
		if ent, err = uuid.Parse(*entity); err != nil {
			return usagef("finance export-journal: --entity: %v", err)
		}
	}
	w := out
	if *file != "" {
		f, err := os.Create(*file)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return a.DB.InTenantRead(ctx, t, func(ctx context.Context, tx bun.Tx) error {
		return finance.WriteJournal(ctx, tx, w, ent, *year)
	})
}
