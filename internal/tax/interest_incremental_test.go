package tax

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
)

// An interest run that recomputes only the candidates posts exactly what
// a run recomputing everyone would: after it, a full run posts nothing.
func TestIncrementalInterestRunMissesNothing(t *testing.T) {
	d := dbtest.Open(t, migrations.Platform, db.Migrations{Module: "tax", FS: Module().Migrations})
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	s := &Service{Now: func() time.Time { return now }}
	ctx := context.Background()
	day1, day2 := hu.Date{Year: 2026, Month: 6, Day: 1}, hu.Date{Year: 2026, Month: 9, Day: 1}
	tps := map[string]Taxpayer{}
	debits := map[string]Posting{}
	in := func(fn func(ctx context.Context, tx bun.Tx) error) {
		t.Helper()
		if err := d.InTenant(ctx, "11730", fn); err != nil {
			t.Fatal(err)
		}
	}
	post := func(ctx context.Context, tx bun.Tx, who string, side string, amount hu.Forint, on hu.Date) Posting {
		p, err := s.Post(ctx, tx, PostingInput{TaxpayerID: tps[who].ID, TaxType: "epitmenyado", Side: side, Amount: amount, On: on, TaxYear: on.Year, Kind: "teszt"}, "t")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	ids := []string{"8123456786", "8234567896", "8345678904", "8012345676", "8111111118", "8222222228", "8333333338"}
	in(func(ctx context.Context, tx bun.Tx) error {
		for i, who := range []string{"open", "paid_late", "on_time", "falls_due", "pays_later", "reversed", "future_credit"} {
			tp, err := s.RegisterTaxpayer(ctx, tx, TaxpayerInput{TaxID: ids[i], Name: who}, "t")
			if err != nil {
				t.Fatalf("%s: %v", ids[i], err)
			}
			tps[who] = tp
		}
		old := hu.Date{Year: 2025, Month: 9, Day: 15}
		debits["open"] = post(ctx, tx, "open", Debit, 100_000, old)
		post(ctx, tx, "paid_late", Debit, 80_000, old)
		post(ctx, tx, "paid_late", Credit, 80_000, old.AddDays(100))
		post(ctx, tx, "on_time", Debit, 50_000, old)
		post(ctx, tx, "on_time", Credit, 50_000, old)
		post(ctx, tx, "falls_due", Debit, 70_000, hu.Date{Year: 2026, Month: 7, Day: 15})
		post(ctx, tx, "pays_later", Debit, 60_000, old)
		debits["reversed"] = post(ctx, tx, "reversed", Debit, 40_000, old)
		post(ctx, tx, "future_credit", Debit, 30_000, old)
		post(ctx, tx, "future_credit", Credit, 30_000, day1.AddDays(20)) // value date after the run's day
		return nil
	})
	// Identifiers carry the real time: everything above is older than
	// the run by at least the margin, here a few milliseconds.
	defer func(m time.Duration) { changeMargin = m }(changeMargin)
	changeMargin = 0
	time.Sleep(5 * time.Millisecond)
	var res InterestRunResult
	in(func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = s.PostInterest(ctx, tx, day1, "t")
		return err
	})
	if res.Postings == 0 {
		t.Fatal("the first run posted nothing")
	}
	now = now.Add(72 * time.Hour)
	in(func(ctx context.Context, tx bun.Tx) error {
		post(ctx, tx, "pays_later", Credit, 60_000, day1.AddDays(10))
		_, err := s.Reverse(ctx, tx, debits["reversed"].ID, "téves", "t")
		return err
	})
	var only map[[16]byte]bool
	in(func(ctx context.Context, tx bun.Tx) error {
		c, err := interestCandidates(ctx, tx, day2)
		only = map[[16]byte]bool{}
		for id := range c {
			only[id] = true
		}
		return err
	})
	for who, want := range map[string]bool{"open": true, "paid_late": false, "on_time": false, "falls_due": true, "pays_later": true, "reversed": true, "future_credit": true} {
		if only[tps[who].ID] != want {
			t.Errorf("%s: candidate %v, want %v", who, only[tps[who].ID], want)
		}
	}
	in(func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = s.PostInterest(ctx, tx, day2, "t")
		return err
	})
	if res.Postings == 0 {
		t.Error("the second run posted nothing")
	}
	in(func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = s.postInterest(ctx, tx, nil, day2, "t", true)
		return err
	})
	if res.Postings != 0 {
		t.Errorf("a full run after the incremental one posted %d more: %+v", res.Postings, res)
	}
	// A run for an earlier day recomputes everyone.
	in(func(ctx context.Context, tx bun.Tx) error {
		c, err := interestCandidates(ctx, tx, day1)
		if c != nil {
			t.Errorf("a run for an earlier day is incremental: %d", len(c))
		}
		return err
	})
}
