package finance_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
)

// Posting throughput: events through the rule table into the ledger,
// in batches (an import, a payroll run) and one by one (a clerk's
// screen: one transaction and one audit entry per event).
func BenchmarkPost(b *testing.B) {
	for _, batch := range []int{1, 500} {
		b.Run(map[int]string{1: "one-per-transaction", 500: "batches-of-500"}[batch], func(b *testing.B) {
			f := newFixture(b)
			e := f.entity(orfu, "Orfű Község Önkormányzata", "011130", "064010", "066020", "900020")
			budget, evs := genYear(1, e.ID, 2026, max(b.N, batch)*batch)
			if err := f.budget(orfu, budget); err != nil {
				b.Fatal(err)
			}
			lines := 0
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				part := evs[i*batch : (i+1)*batch]
				err := f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
					es, err := f.s.PostMany(ctx, tx, part, "bench")
					for _, e := range es {
						lines += len(e.Lines)
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(lines)/time.Since(start).Seconds(), "lines/s")
		})
	}
}

// A year of 200,000 journal lines: the monthly budget report and the
// trial balance over it.
func BenchmarkYearReports(b *testing.B) {
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
	b.Logf("%d journal lines", lines)
	sc := finance.Scope{Entity: e.ID, Year: 2026, Through: 11}
	b.Run("budget-report", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			err := f.d.InTenantRead(f.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
				r, err := finance.BudgetOf(ctx, tx, sc)
				if err == nil && len(r.Lines) != 8 {
					b.Fatalf("%d lines", len(r.Lines))
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("trial-balance", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			err := f.d.InTenantRead(f.ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
				tb, err := finance.TrialBalanceOf(ctx, tx, sc)
				if err == nil && tb.FinancialDebit != tb.FinCred {
					b.Fatal("unbalanced")
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
