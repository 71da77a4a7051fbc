package records_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/records"
)

// BenchmarkSixteenClerks is the load: 16 clerks registering into
// one book at once, 20,000 registrations, then a check that the numbers
// are exactly 1..20,000. It reports registrations per second.
//
//	go test -run '^$' -bench SixteenClerks -benchtime 1x ./internal/records/
//	ASP_TEST_POSTGRES_URL=… go test -run '^$' -bench SixteenClerks -benchtime 1x ./internal/records/
func BenchmarkSixteenClerks(b *testing.B) {
	const clerks, total = 16, 20000
	for range b.N {
		b.StopTimer()
		d, s, _ := setup(b)
		s.Now = time.Now
		// The clerks register through the web form, which uses the
		// batcher (docs/performance.md).
		batcher := &records.Batcher{DB: d, Svc: s}
		var next atomic.Int64
		var wg sync.WaitGroup
		errs := make(chan error, clerks)
		b.StartTimer()
		start := time.Now()
		for i := range clerks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= total {
					if _, err := batcher.Register(context.Background(), orfu, in(fmt.Sprintf("terhelés %d", i))); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		elapsed := time.Since(start)
		b.StopTimer()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		b.ReportMetric(float64(total)/elapsed.Seconds(), "registrations/s")
		checkGapless(b, d, total)
		b.StartTimer()
	}
}

func checkGapless(b *testing.B, d *db.DB, total int) {
	var n, max, distinct int64
	err := d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw("SELECT count(*), max(foszam), count(DISTINCT foszam) FROM records_cases WHERE tenant_id = ?", orfu).Scan(ctx, &n, &max, &distinct)
	})
	if err != nil {
		b.Fatal(err)
	}
	if n != int64(total) || max != int64(total) || distinct != int64(total) {
		b.Fatalf("%d cases, highest főszám %d, %d distinct: want %d of each (no gap, no duplicate)", n, max, distinct, total)
	}
}
