package app

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/records"
)

func init() { extraCommands["records"] = cmdRecords }

// cmdRecords runs IRAT's tasks: closing a year's book and re-checking a
// closed one.
func cmdRecords(ctx context.Context, args []string, out io.Writer) error {
	ctx = cliContext(ctx)
	if len(args) == 0 || (args[0] != "close-book" && args[0] != "verify-book") {
		return usagef("records: say close-book or verify-book")
	}
	fs := newFlags("records " + args[0])
	tenant := fs.String("tenant", "", "KSH code of the municipality")
	book := fs.String("book", "KOZ", "code of the registration book")
	year := fs.Int("year", 0, "year of the book")
	a, err := openFor(ctx, fs, args[1:])
	if err != nil {
		return err
	}
	defer a.Close()
	t := db.TenantID(*tenant)
	if !t.Valid() || *year < 1900 {
		return usagef("records %s: give --tenant KSH-CODE and --year", args[0])
	}
	svc := &records.Service{Now: a.Now}
	var prob *records.Problem
	switch args[0] {
	case "close-book":
		var b records.Book
		err = a.DB.InTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
			b, err = svc.CloseBook(ctx, tx, *book, *year, cliActor)
			return err
		})
		if errors.As(err, &prob) {
			return errors.New(prob.EN)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "closed %s/%d of %s: %d entries, manifest %s\n", b.Code, b.Year, t, b.ClosureEntries, b.ClosureHash)
		return nil
	default:
		var chk records.BookCheck
		err = a.DB.InTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
			chk, err = svc.VerifyBook(ctx, tx, *book, *year)
			return err
		})
		if errors.As(err, &prob) {
			return errors.New(prob.EN)
		}
		if err != nil {
			return err
		}
		if !chk.OK() {
			for _, p := range chk.Problems {
				fmt.Fprintf(out, "%s/%d: %s\n", chk.Code, chk.Year, p)
			}
			return fmt.Errorf("book %s/%d of %s does not match its closure", chk.Code, chk.Year, t)
		}
		fmt.Fprintf(out, "%s/%d of %s is as closed: %d entries, manifest %s\n", chk.Code, chk.Year, t, chk.Now.Entries, chk.Now.Hash)
		return nil
	}
}
