package records_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/records"
)

func TestBatcherIsGaplessAndIsolatesFailures(t *testing.T) {
	d, s, _ := setup(t)
	b := &records.Batcher{DB: d, Svc: s, Max: 8}
	const n = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	var numbers []string
	refused := 0
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := in(fmt.Sprintf("ügy %d", i))
			if i%10 == 0 {
				r.Subject = "" // refused: must not take a number or spoil the batch
			}
			doc, err := b.Register(context.Background(), orfu, r)
			mu.Lock()
			defer mu.Unlock()
			var p *records.Problem
			switch {
			case errors.As(err, &p):
				refused++
			case err != nil:
				t.Error(err)
			default:
				numbers = append(numbers, doc.Number)
			}
		}()
	}
	wg.Wait()
	if refused != n/10 || len(numbers) != n-n/10 {
		t.Fatalf("%d registered, %d refused", len(numbers), refused)
	}
	var foszams []int64
	err := d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model((*records.Case)(nil)).Column("foszam").Scan(ctx, &foszams)
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(foszams, func(i, j int) bool { return foszams[i] < foszams[j] })
	for i, f := range foszams {
		if f != int64(i+1) {
			t.Fatalf("főszám %d at position %d", f, i+1)
		}
	}
	if len(foszams) != len(numbers) {
		t.Fatalf("%d cases for %d acknowledged registrations", len(foszams), len(numbers))
	}
}
