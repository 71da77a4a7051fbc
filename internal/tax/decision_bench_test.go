package tax_test

import (
	"bytes"
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/files"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/taxgen"
)

// BenchmarkDecisionPDFs renders the decisions of a run in the background
// renderer (two workers, as on the two shared cores) into the files
// store, and reports PDFs per second.
//
//	go test -run '^$' -bench DecisionPDFs -benchtime 1x ./internal/tax/
func BenchmarkDecisionPDFs(b *testing.B) {
	const objects, taxpayers = 5_000, 3_000
	for range b.N {
		b.StopTimer()
		d := openTax(b)
		f := &objectFixture{d: d, reg: &fakeRegistrar{}, now: time.Date(2026, 1, 12, 8, 0, 0, 0, time.UTC)}
		f.s = &tax.Service{Now: func() time.Time { return f.now }}
		var res tax.RunResult
		err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			if _, err := taxgen.Generate(ctx, tx, taxgen.Options{Taxpayers: taxpayers, Objects: objects, TaxYear: 2026, Seed: 2, Streets: taxgen.DefaultStreets}); err != nil {
				return err
			}
			var err error
			res, err = f.s.RunAssessment(ctx, tx, f.reg, tax.RunOptions{TaxYear: 2026}, "bench")
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		r := &tax.Renderer{DB: d, Files: files.NewFS(b.TempDir()), Workers: 2,
			Issuer: func(context.Context, db.TenantID) (string, error) { return "Orfű Község Önkormányzata", nil }}
		b.StartTimer()
		start, cpu := time.Now(), cpuTime()
		if err := r.Render(context.Background(), orfu, res.Run.ID); err != nil {
			b.Fatal(err)
		}
		took, cpuUsed := time.Since(start), cpuTime()-cpu
		b.StopTimer()
		p, err := r.Progress(context.Background(), orfu, res.Run.ID)
		if err != nil || p.Done != res.Decisions {
			b.Fatalf("rendered %d of %d: %v", p.Done, res.Decisions, err)
		}
		b.ReportMetric(float64(res.Decisions)/took.Seconds(), "pdf/s")
		b.ReportMetric(float64(cpuUsed.Microseconds())/1000/float64(res.Decisions), "cpu-ms/pdf")
		b.StartTimer()
	}
}

// BenchmarkDecisionPDF is the rendering alone of a typical decision (two
// objects, two instalments), without the database or the files store:
// the CPU cost per PDF.
//
//	go test -run '^$' -bench 'DecisionPDF$' ./internal/tax/
func BenchmarkDecisionPDF(b *testing.B) {
	v := tax.DecisionView{Issuer: "Orfű Község Önkormányzata", Decision: tax.Decision{Number: "KOZ/1234-1/2026", TaxYear: 2026, Kind: tax.DecisionAssessment,
		IssuedOn: day(2026, 1, 12), CreatedAt: time.Date(2026, 1, 12, 8, 0, 0, 0, time.UTC), CreatedBy: "bench"},
		Taxpayer: tax.Taxpayer{Name: "Kovács Ödön", TaxID: "8123456786", Address: "7677 Orfű, Fő utca 2."}}
	for i := range 2 {
		v.Lines = append(v.Lines, tax.DecisionLine{Assessment: tax.Assessment{TaxType: "epitmenyado", Annual: 96_000, Difference: 96_000,
			Detail: "120 m² × 1600 Ft/m², hányad 1/2"}, HRSZ: fmt.Sprintf("123/%d/A/5", i+1), Address: "7677 Orfű, Petőfi utca 1."})
	}
	v.Postings = []tax.Posting{{TaxType: "epitmenyado", Side: tax.Debit, Amount: 96_000, On: day(2026, 3, 16)}, {TaxType: "epitmenyado", Side: tax.Debit, Amount: 96_000, On: day(2026, 9, 15)}}
	before := cpuTime()
	b.RunParallel(func(pb *testing.PB) {
		var buf bytes.Buffer
		for pb.Next() {
			buf.Reset()
			if err := v.PDF(&buf); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The machine is shared: CPU time per PDF says what two free cores
	// would do, whatever the others' load did to the wall clock.
	b.ReportMetric(float64((cpuTime()-before).Microseconds())/1000/float64(b.N), "cpu-ms/pdf")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
