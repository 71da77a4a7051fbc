package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/records"
)

// cmdRecordsImport takes over a previous records system's registrations
// (docs/records-import.md): asp records import --tenant 11730 --file
// old.csv [--dry-run]. It prints the report; a rejected file exits 1 and
// writes nothing.
func cmdRecordsImport(ctx context.Context, args []string, out io.Writer) error {
	ctx = cliContext(ctx)
	fs := newFlags("records import")
	tenant := fs.String("tenant", "", "KSH code of the municipality")
	file := fs.String("file", "", "the CSV export of the previous records system")
	dryRun := fs.Bool("dry-run", false, "check the file only; write nothing")
	encoding := fs.String("encoding", "", "utf-8 or windows-1250 (default: detected)")
	report := fs.String("report", "", "also write the report as CSV to this file")
	lang := fs.String("lang", "hu", "language of the messages: hu or en")
	form := fs.String("number-form", "", "form of the file's numbers, e.g. {főszám}/{alszám}/{év} (default: the municipality's setting)")
	a, err := openFor(ctx, fs, args)
	if err != nil {
		return err
	}
	defer a.Close()
	t := db.TenantID(*tenant)
	if !t.Valid() || *file == "" || (*lang != "hu" && *lang != "en") {
		return usagef("records import: give --tenant KSH-CODE and --file FILE.csv")
	}
	f, err := os.Open(*file)
	if err != nil {
		return err
	}
	defer f.Close()
	// Progress on a terminal; a log line at the end otherwise.
	tty := isTerminal(os.Stderr)
	stages := map[string]string{"check": "checked", "write": "written"}
	opt := records.ImportOptions{DryRun: *dryRun, Encoding: *encoding, By: cliActor, NumberTemplate: records.NumberTemplate(*form), Progress: func(stage string, rows int) {
		if tty {
			fmt.Fprintf(os.Stderr, "\r%s %d rows", stages[stage], rows)
		}
	}}
	svc := &records.Service{Now: a.Now}
	start := time.Now()
	var rep *records.ImportReport
	err = a.DB.InTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
		rep, err = svc.Import(ctx, tx, f, opt)
		return err
	})
	if tty {
		fmt.Fprintln(os.Stderr)
	}
	if err != nil {
		return err
	}
	a.Log.Info("records import", "tenant", t, "rows", rep.Rows, "rejected", rep.Rejected, "imported", rep.Imported, "took", time.Since(start).Round(time.Millisecond))
	if *report != "" {
		rf, err := os.Create(*report)
		if err != nil {
			return err
		}
		if err := records.WriteImportReport(rf, rep); err != nil {
			rf.Close()
			return err
		}
		if err := rf.Close(); err != nil {
			return err
		}
	}
	printImportReport(out, rep, *lang)
	if !rep.OK() {
		return errors.New("the file was rejected; nothing was imported")
	}
	return nil
}

func printImportReport(out io.Writer, rep *records.ImportReport, lang string) {
	fmt.Fprintf(out, "file sha256 %s, %s, delimiter %q, numbers like %s, %d rows\n", rep.SHA256, rep.Encoding, rep.Delimiter, rep.NumberForm, rep.Rows)
	line := func(kind string, i records.ImportIssue) {
		where := "file"
		if i.Line > 0 {
			where = fmt.Sprintf("line %d", i.Line)
		}
		if i.Column != "" {
			where += fmt.Sprintf(", %q", i.Column)
		}
		fmt.Fprintf(out, "  %s %s: %s\n", kind, where, i.Message(lang))
	}
	for _, i := range rep.Errors {
		line("error", i)
	}
	for _, i := range rep.Warnings {
		line("warning", i)
	}
	if rep.ErrorsOmitted > 0 || rep.WarningsOmitted > 0 {
		fmt.Fprintf(out, "  (%d further errors and %d warnings not listed)\n", rep.ErrorsOmitted, rep.WarningsOmitted)
	}
	if !rep.OK() {
		fmt.Fprintf(out, "rejected: %d of %d rows; nothing was imported\n", rep.Rejected, rep.Rows)
		return
	}
	for _, b := range rep.Books {
		state := "open, next főszám " + fmt.Sprint(b.MaxFoszam+1)
		if b.Closed {
			state = "closed"
			if b.Manifest != "" {
				state += ", manifest " + b.Manifest
			}
		}
		fmt.Fprintf(out, "  book %s/%d: %d cases, %d documents (%s)\n", b.Code, b.Year, b.Cases, b.Documents, state)
	}
	verb := "imported"
	if rep.DryRun {
		verb = "checked (dry run, nothing written)"
	}
	fmt.Fprintf(out, "%s: %d documents in %d cases, %d voided, %d joined (szerelés), %d warnings\n", verb, rep.Documents, rep.Cases, rep.Voided, rep.Joined, len(rep.Warnings)+rep.WarningsOmitted)
}
