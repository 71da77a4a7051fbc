package tax_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/tax"
)

func TestLimitationDate(t *testing.T) {
	due := hu.Date{Year: 2019, Month: 3, Day: 16}
	for _, tc := range []struct {
		events []hu.Date
		want   hu.Date
	}{
		{nil, hu.Date{Year: 2024, Month: 12, Day: 31}},
		{[]hu.Date{{Year: 2021, Month: 5, Day: 1}}, hu.Date{Year: 2026, Month: 12, Day: 31}},
		{[]hu.Date{{Year: 2018, Month: 5, Day: 1}}, hu.Date{Year: 2024, Month: 12, Day: 31}}, // before the debt: nothing to interrupt
		{[]hu.Date{{Year: 2022, Month: 1, Day: 3}, {Year: 2020, Month: 1, Day: 3}}, hu.Date{Year: 2027, Month: 12, Day: 31}},
	} {
		if got := tax.LimitationDate(due, tc.events); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.events, got, tc.want)
		}
	}
}

func TestWriteOffRun(t *testing.T) {
	f := newCollectionFixture(t)
	old := f.post("epitmenyado", tax.Debit, 50_000, hu.Date{Year: 2019, Month: 3, Day: 16})
	f.post("epitmenyado", tax.Credit, 10_000, hu.Date{Year: 2019, Month: 5, Day: 2})
	interrupted := f.post("epitmenyado", tax.Debit, 30_000, hu.Date{Year: 2019, Month: 9, Day: 15})
	f.post("kommunalis_ado", tax.Debit, 20_000, hu.Date{Year: 2020, Month: 3, Day: 16})
	f.post("kommunalis_ado", tax.Debit, 12_000, hu.Date{Year: 2021, Month: 3, Day: 16}) // barred only at the end of 2026
	if c := f.try(func(ctx context.Context, tx bun.Tx) error {
		_, err := f.s.RecordInterruption(ctx, tx, f.tp.ID, &interrupted.ID, "payment", hu.Date{Year: 2021, Month: 6, Day: 1}, "x", "t")
		return err
	}); c != "bad_kind" {
		t.Errorf("bad kind: %q", c)
	}
	f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := f.s.RecordInterruption(ctx, tx, f.tp.ID, &interrupted.ID, "facilitation", hu.Date{Year: 2021, Month: 6, Day: 1}, "részletfizetés 12/2021", "t")
		return err
	})
	if c := f.try(func(ctx context.Context, tx bun.Tx) error {
		_, err := f.s.RunWriteOff(ctx, tx, 2026, "", "t")
		return err
	}); c != "year_not_over" {
		t.Errorf("this year: %q", c)
	}
	var preview tax.WriteOffResult
	f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		preview, err = f.s.TimeBarred(ctx, tx, 2025)
		return err
	})
	if len(preview.Items) != 2 || preview.Total != 60_000 || preview.ByType["epitmenyado"] != 40_000 || preview.Items[0].Debit.ID != old.ID {
		t.Fatalf("preview: %+v", preview)
	}
	var res tax.WriteOffResult
	f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = f.s.RunWriteOff(ctx, tx, 2025, "", "t")
		return err
	})
	if res.Postings != 2 || res.Total != 60_000 {
		t.Errorf("run: %+v", res)
	}
	a := f.accounts()
	// The write-off settled the old debit, not the interrupted one, though
	// both are older than the write-off.
	if a["epitmenyado"].Arrears != 30_000 || a["kommunalis_ado"].Arrears != 12_000 {
		t.Errorf("after the write-off: építményadó %d, kommunális adó %d", a["epitmenyado"].Arrears, a["kommunalis_ado"].Arrears)
	}
	for _, d := range a["epitmenyado"].Debits {
		if d.ID == interrupted.ID && d.Open != 30_000 {
			t.Errorf("the interrupted debit was written off: %+v", d)
		}
	}
	f.in(orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = f.s.RunWriteOff(ctx, tx, 2025, "", "t")
		return err
	})
	if res.Postings != 0 {
		t.Errorf("a second run wrote off again: %+v", res)
	}
}
