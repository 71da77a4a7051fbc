package app

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/records"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/taxgen"
)

// BenchmarkTaxAssessment runs the mass assessment of a municipality with
// 100,000 tax objects and 60,000 taxpayers: computing, posting and
// registering every decision in IRAT, in one transaction; then the
// re-run, which finds nothing new.
//
//	go test -run '^$' -bench TaxAssessment -benchtime 1x ./internal/app/
//	ASP_TEST_POSTGRES_URL=… go test -run '^$' -bench TaxAssessment -benchtime 1x ./internal/app/
func BenchmarkTaxAssessment(b *testing.B) {
	const objects, taxpayers = 100_000, 60_000
	clock := func() time.Time { return time.Date(2026, 1, 12, 8, 0, 0, 0, time.UTC) }
	for range b.N {
		b.StopTimer()
		d := dbtest.Open(b, (&App{}).migrations()...)
		rs := &records.Service{Now: clock}
		ctx := context.Background()
		err := d.InTenant(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
			if _, err := rs.OpenBook(ctx, tx, tax.DecisionsBook, "Általános iktatókönyv", "", 2026); err != nil {
				return err
			}
			_, err := taxgen.Generate(ctx, tx, taxgen.Options{Taxpayers: taxpayers, Objects: objects, TaxYear: 2026, Seed: 1, Streets: taxgen.DefaultStreets})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		s := &tax.Service{Now: clock}
		reg := recordsRegistrar{svc: rs}
		run := func() (tax.RunResult, time.Duration) {
			start := time.Now()
			var res tax.RunResult
			err := d.InTenant(ctx, "11730", func(ctx context.Context, tx bun.Tx) error {
				var err error
				res, err = s.RunAssessment(ctx, tx, reg, tax.RunOptions{TaxYear: 2026}, "bench")
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			return res, time.Since(start)
		}
		b.StartTimer()
		res, took := run()
		b.StopTimer()
		if res.Decisions < taxpayers*9/10 || res.Liable < objects*9/10 || len(res.NoRate) != 0 {
			b.Fatalf("run: %d decisions, %d liable, %d without rate", res.Decisions, res.Liable, len(res.NoRate))
		}
		again, tookAgain := run()
		if again.Decisions != 0 || again.Postings != 0 {
			b.Fatalf("re-run issued %d decisions", again.Decisions)
		}
		b.ReportMetric(took.Seconds(), "s/run")
		b.ReportMetric(float64(res.Decisions), "decisions")
		b.ReportMetric(float64(res.Postings), "postings")
		b.ReportMetric(tookAgain.Seconds(), "s/rerun")
		b.StartTimer()
	}
}
