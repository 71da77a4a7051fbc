package finance_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/bankstatement"
)

// Importing a statement whose every credit pays an outgoing invoice
// named in its text: parse, match and post (two entries per credit: the
// net and the ÁFA), in one transaction.
func BenchmarkBankImport(b *testing.B) {
	const n = 1000
	f := newFixture(b)
	e := f.entity(orfu, "Orfű Község Önkormányzata", "064010")
	var rows []string
	err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		if _, err := f.s.AddBankAccount(ctx, tx, e.ID, bankOwnAccount, "", "bench"); err != nil {
			return err
		}
		if _, err := f.s.SetEntityTaxNumber(ctx, tx, e.ID, "15730150-2-02", "bench"); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			o, err := f.s.IssueOutgoing(ctx, tx, e.ID, outgoingInput(hu.Forint(1000+i), d26(3, 5)), "bench")
			if err != nil {
				return err
			}
			rows = append(rows, fmt.Sprintf("T;2026-03-12;;%d;J;R-%d;;Fénylő Kft.;;%s", o.Gross, i, o.Number))
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	file := bankCSV("2026/99", 0, 0, rows...)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		sts, err := bankstatement.ParseCSV(strings.NewReader(file))
		if err != nil {
			b.Fatal(err)
		}
		var res finance.BankImportResult
		err = f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			res, err = f.s.ImportBankStatements(ctx, tx, e.ID, sts, "bench")
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 && res.Matched != n {
			b.Fatalf("matched %d of %d: %+v", res.Matched, n, res)
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "entries/s")
}
