package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/records"
)

func init() { extraCommands["records"] = cmdRecords }

// cmdRecords runs IRAT's tasks: closing a year's book and re-checking a
// closed one.
func cmdRecords(ctx context.Context, args []string, out io.Writer) error {
	ctx = cliContext(ctx)
	if len(args) > 0 && args[0] == "import" {
		return cmdRecordsImport(ctx, args[1:], out)
	}
	if len(args) == 0 || (args[0] != "close-book" && args[0] != "verify-book" && args[0] != "transfer-package") {
		return usagef("records: say close-book, verify-book, transfer-package or import")
	}
	fs := newFlags("records " + args[0])
	tenant := fs.String("tenant", "", "KSH code of the municipality")
	book := fs.String("book", "KOZ", "code of the registration book")
	year := fs.Int("year", 0, "year of the book")
	outDir := fs.String("out", "", "transfer-package: folder to write the BagIt package into (new or empty)")
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
	case "transfer-package":
		if *outDir == "" {
			return usagef("records transfer-package: give --out FOLDER")
		}
		return transferPackage(ctx, a, t, *year, *outDir, out)
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

// transferPackage hands a year's permanent cases over to the public
// archive (levéltárba adás): it marks them transferred and writes their
// BagIt package into dir, named for the municipality as the gazetteer
// names it. A refused or failed transfer leaves no folder behind.
func transferPackage(ctx context.Context, a *App, t db.TenantID, year int, dir string, out io.Writer) error {
	tenant, err := a.Tenants.Get(ctx, t)
	if err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	existed := err == nil
	if existed && len(entries) > 0 {
		return fmt.Errorf("%s is not empty", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	var tr records.Transfer
	err = a.DB.InTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
		var err error
		svc := records.NewService(a.Now)
		svc.Contents = records.AttachmentContents{Store: a.Files}
		tr, err = svc.CreateTransfer(ctx, tx, year, records.Organisation{KSH: string(t), Name: tenant.Name}, cliActor, records.DirBag{Root: dir})
		return err
	})
	if err != nil {
		if existed {
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				os.RemoveAll(filepath.Join(dir, e.Name()))
			}
		} else {
			os.RemoveAll(dir)
		}
		var prob *records.Problem
		if errors.As(err, &prob) {
			return errors.New(prob.EN)
		}
		return err
	}
	fmt.Fprintf(out, "handed over %d cases of %d of %s (%s) in %s: Payload-Oxum %s, manifest SHA-256 %s, contents %s\n",
		tr.Cases, year, t, tenant.Name, dir, tr.PayloadOxum, tr.ManifestSHA256, tr.Contents)
	return nil
}
