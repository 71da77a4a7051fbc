package records_test

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/records"
)

// closedCases registers n cases in 2016, files them under codes in turn
// and closes them, in one transaction.
func closedCases(b *testing.B, d *db.DB, n int, codes ...string) *records.Service {
	b.Helper()
	c := &clock{t: budapest(2016, 3, 1, 9, 0)}
	s := records.NewService(c.now)
	err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.OpenBook(ctx, tx, "KOZ", "Általános iktatókönyv", "", 2016); err != nil {
			return err
		}
		for i := range n {
			doc, err := s.Register(ctx, tx, in(fmt.Sprintf("Ügy %d", i)))
			if err != nil {
				return err
			}
			if _, err := s.ClassifyCase(ctx, tx, doc.CaseID, codes[i%len(codes)], "", "x"); err != nil {
				return err
			}
			if _, err := s.CloseCase(ctx, tx, doc.CaseID, "x"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	c.t = budapest(2026, 3, 2, 9, 0)
	return s
}

// BenchmarkDisposalList makes the disposal list of a municipality whose
// 10,000 closed cases of 2016 (five disposable items, one NS) all wait
// for it: the candidates' query, the list's lines and the cases held.
//
//	go test -run '^$' -bench DisposalList -benchtime 5x ./internal/records/
func BenchmarkDisposalList(b *testing.B) {
	const n = 10000
	d := open(b)
	s := closedCases(b, d, n, "U311", "U345", "U416", "H812", "L116", "U102")
	b.ResetTimer()
	for range b.N {
		var lines int64
		err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			dp, err := s.CreateDisposal(ctx, tx, 2026, "x")
			if err != nil {
				return err
			}
			lines, err = tx.NewSelect().Model((*records.DisposalCase)(nil)).Where("disposal_id = ?", dp.ID).Count(ctx)
			if err != nil {
				return err
			}
			return errRollback // measure again on the same data
		})
		if err != errRollback {
			b.Fatal(err)
		}
		if want := int64(n - n/6); lines < want-1 || lines > want+1 {
			b.Fatalf("%d lines, want about %d", lines, want)
		}
	}
	b.ReportMetric(float64(n)/(b.Elapsed().Seconds()/float64(b.N)), "cases/s")
}

// BenchmarkTransferPackage hands over 1,000 permanent cases of 2016:
// marks them and builds their BagIt package (metadata only), checksums
// included, into a discarding writer.
//
//	go test -run '^$' -bench TransferPackage -benchtime 5x ./internal/records/
func BenchmarkTransferPackage(b *testing.B) {
	const n = 1000
	d := open(b)
	s := closedCases(b, d, n, "U102")
	err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.CloseBook(ctx, tx, "KOZ", 2016, "x")
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		err := d.InTenant(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
			t, err := s.CreateTransfer(ctx, tx, 2016, records.Organisation{KSH: "11730", Name: "Orfű"}, "x", discard{})
			if err != nil {
				return err
			}
			if t.Cases != n {
				return fmt.Errorf("%d cases", t.Cases)
			}
			return errRollback
		})
		if err != errRollback {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/(b.Elapsed().Seconds()/float64(b.N)), "cases/s")
}

var errRollback = fmt.Errorf("rollback")

type discard struct{}

func (discard) Create(string) (io.WriteCloser, error) { return nopWriteCloser{}, nil }

type nopWriteCloser struct{}

func (nopWriteCloser) Write(p []byte) (int, error) { return len(p), nil }
func (nopWriteCloser) Close() error                { return nil }
