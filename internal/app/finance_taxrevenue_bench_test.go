package app

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/finance"
	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/taxbench"
)

// BenchmarkFinanceTaxRevenue is the tax revenue transfer's preview of last
// month (ADÓ's revenue report for the month, by rovat, against the runs
// so far) in a municipality of ASP_BENCH_TAXPAYERS (default 10 000)
// taxpayers with two years of history; the first transfer's time is
// reported as first-post-ms:
//
//	go test ./internal/app -run '^$' -bench FinanceTaxRevenue -benchtime 20x
func BenchmarkFinanceTaxRevenue(b *testing.B) {
	a := benchApp(b)
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("ASP_BENCH_TAXPAYERS")); err == nil && v > 0 {
		n = v
	}
	const tenant = db.TenantID("12548")
	ctx := cliContext(context.Background())
	s := &finance.Service{Now: a.Now}
	src := financeTaxRevenue{svc: &tax.Service{}}
	var ent finance.Entity
	err := a.DB.InTenant(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
		if _, err := taxbench.Generate(ctx, tx, taxbench.Options{Taxpayers: n, Years: 2, Until: hu.DateOf(time.Now()), Seed: 3}); err != nil {
			return err
		}
		var err error
		ent, err = s.CreateEntity(ctx, tx, finance.EntityInput{Kind: finance.Municipality, Name: "Bench Önkormányzat", Functions: []string{"900020"}}, "bench")
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	month := taxrevPrevMonth(a.Now())
	start := time.Now()
	var t finance.TaxRevenueTransfer
	if err := a.DB.InTenant(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		t, err = s.TransferTaxRevenue(ctx, tx, src, ent.ID, month.Year, int(month.Month), "bench")
		return err
	}); err != nil {
		b.Fatal(err)
	}
	first := time.Since(start)
	if !t.Posted || t.Total <= 0 {
		b.Fatalf("nothing transferred: %+v", t)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := a.DB.InTenantRead(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := s.TaxRevenuePreview(ctx, tx, src, ent.ID, month.Year, int(month.Month))
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(first.Microseconds())/1000, "first-post-ms")
	b.ReportMetric(float64(len(t.Rows)), "rovats")
}
