package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/records"
	"github.com/openasp-hu/asp/internal/tax"
)

// cmdTaxImportHIPA takes a municipality's share of the HIPA returns NAV
// forwarded (docs/hipa-import.md): each return registered in IRAT and
// charged on the account; the rejected ones listed with their reasons.
func cmdTaxImportHIPA(ctx context.Context, args []string, out io.Writer) error {
	ctx = cliContext(ctx)
	fs := newFlags("tax import-hipa")
	tenant := fs.String("tenant", "", "KSH code of the municipality")
	a, err := openFor(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close()
	t := db.TenantID(*tenant)
	if !t.Valid() || fs.NArg() != 1 {
		return usagef("tax import-hipa: give --tenant KSH-CODE and the file")
	}
	return importHIPAFile(ctx, a, t, fs.Arg(0), out)
}

func importHIPAFile(ctx context.Context, a *App, t db.TenantID, path string, out io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	start := time.Now()
	returns, err := tax.ParseHIPAFile(f)
	if err != nil {
		return err
	}
	r, err := (&tax.Service{Now: a.Now}).ImportHIPAInChunks(ctx, a.DB, t, recordsRegistrar{svc: &records.Service{Now: a.Now}}, returns, cliActor)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "HIPA-bevallások: %d a fájlban, %d új (ebből %d helyesbítő), %d már korábban átvéve, %d más településé, %d új adózó, %d elutasítva (%s)\n",
		r.Returns, r.Imported, r.Corrections, r.Unchanged, r.OtherPlaces, r.NewTaxpayers, len(r.Rejected), time.Since(start).Round(time.Millisecond))
	for _, x := range r.Rejected {
		fmt.Fprintf(out, "  %d. bevallás (%s): %s\n", x.Index, x.ID, x.HU)
	}
	return nil
}
