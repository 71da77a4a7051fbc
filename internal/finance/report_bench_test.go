package finance_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
)

// The new reports on the same generated year of 200,000 journal lines as
// BenchmarkYearReports.
func BenchmarkReportYear(b *testing.B) {
	f := newFixture(b)
	e := f.entity(orfu, "Orfű Község Önkormányzata", "011130", "064010", "066020", "900020")
	budget, evs := genYear(2, e.ID, 2026, 125_000)
	if err := f.budget(orfu, budget); err != nil {
		b.Fatal(err)
	}
	lines := 0
	for i := 0; i < len(evs); i += 5000 {
		err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
			es, err := f.s.PostMany(ctx, tx, evs[i:min(i+5000, len(evs))], "bench")
			for _, e := range es {
				lines += len(e.Lines)
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if lines < 200_000 {
		b.Fatalf("only %d lines", lines)
	}
	run := func(name string, fn func(ctx context.Context, tx bun.Tx) error) {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := f.d.InTenantRead(f.ctx, orfu, fn); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	sc := finance.Scope{Entity: e.ID, Year: 2026, Through: 11}
	cash := finance.LedgerFilter{Entity: e.ID, Account: "331", Year: 2026, Through: 11}
	run("account-sheet-first-page", func(ctx context.Context, tx bun.Tx) error {
		sh, err := finance.AccountSheetOf(ctx, tx, cash, 1)
		if err == nil && len(sh.Lines) != 200 {
			b.Fatalf("%d lines", len(sh.Lines))
		}
		return err
	})
	run("account-sheet-last-page", func(ctx context.Context, tx bun.Tx) error {
		sh, err := finance.AccountSheetOf(ctx, tx, cash, 1_000_000)
		if err == nil && sh.Lines[len(sh.Lines)-1].Balance != sh.Closing {
			b.Fatal("the last line's balance is not the closing one")
		}
		return err
	})
	run("analytics-by-commitment", func(ctx context.Context, tx bun.Tx) error {
		_, err := finance.AnalyticsOf(ctx, tx, finance.LedgerFilter{Entity: e.ID, Account: "4213", Year: 2026, Through: 11}, "commitment")
		return err
	})
	run("balance-sheet", func(ctx context.Context, tx bun.Tx) error {
		bs, err := finance.BalanceSheetOf(ctx, tx, sc, 4)
		if err == nil && !bs.Balanced() {
			b.Fatalf("assets %d, liabilities %d", bs.TotalAssets, bs.TotalLiabilities)
		}
		return err
	})
	run("maradvany", func(ctx context.Context, tx bun.Tx) error {
		_, err := finance.MaradvanyOf(ctx, tx, sc)
		return err
	})
	run("consolidated", func(ctx context.Context, tx bun.Tx) error {
		_, err := finance.ConsolidatedOf(ctx, tx, finance.Scope{Year: 2026, Through: 11})
		return err
	})
}
