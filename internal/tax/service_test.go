package tax_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
	"github.com/openasp-hu/asp/internal/tax"
)

func TestBothDialectsHaveTheSameTaxSchema(t *testing.T) {
	dbtest.SameSchema(t, migrations.Platform, db.Migrations{Module: "tax", FS: tax.Module().Migrations})
}

const orfu, aba db.TenantID = "11730", "17376"

func code(err error) string {
	var p *tax.Problem
	if errors.As(err, &p) {
		return p.Code
	}
	return ""
}

// Taxpayers and postings on a real database: refusals write nothing,
// postings never change, a tenant sees only its own.
func TestTaxpayersAndPostings(t *testing.T) {
	d := dbtest.Open(t, migrations.Platform, db.Migrations{Module: "tax", FS: tax.Module().Migrations})
	s := &tax.Service{Now: func() time.Time { return time.Date(2025, 11, 20, 9, 0, 0, 0, time.UTC) }}
	ctx := context.Background()
	var tp tax.Taxpayer
	err := d.InTenant(ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "12345", Name: "x"}, "t"); code(err) != "bad_tax_id" {
			t.Errorf("bad id: %v", err)
		}
		var err error
		tp, err = s.RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "8123456786", Name: "Kovács Ödön"}, "t")
		return err
	})
	if err != nil || tp.Kind != "person" {
		t.Fatalf("register: %+v %v", tp, err)
	}
	post := func(tenant db.TenantID, in tax.PostingInput) (tax.Posting, error) {
		var p tax.Posting
		err := d.InTenant(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			p, err = s.Post(ctx, tx, in, "t")
			return err
		})
		return p, err
	}
	debt := tax.PostingInput{TaxpayerID: tp.ID, TaxType: "epitmenyado", Side: tax.Debit, Amount: 150_000, On: hu.Date{Year: 2025, Month: 9, Day: 15}, TaxYear: 2025}
	for name, tc := range map[string]struct {
		change func(*tax.PostingInput)
		code   string
	}{
		"unknown tax type": {func(p *tax.PostingInput) { p.TaxType = "kutyaado" }, "bad_tax_type"},
		"bad side":         {func(p *tax.PostingInput) { p.Side = "both" }, "bad_side"},
		"zero":             {func(p *tax.PostingInput) { p.Amount = 0 }, "bad_amount"},
		"no date":          {func(p *tax.PostingInput) { p.On = hu.Date{} }, "bad_date"},
		"far year":         {func(p *tax.PostingInput) { p.TaxYear = 2099 }, "bad_year"},
	} {
		in := debt
		tc.change(&in)
		if _, err := post(orfu, in); code(err) != tc.code {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := post(aba, debt); code(err) != "no_taxpayer" {
		t.Errorf("posting on another tenant's taxpayer: %v", err)
	}
	p, err := post(orfu, debt)
	if err != nil {
		t.Fatal(err)
	}
	pay := debt
	pay.Side, pay.Amount, pay.On = tax.Credit, 150_000, hu.Date{Year: 2025, Month: 11, Day: 14}
	if _, err := post(orfu, pay); err != nil {
		t.Fatal(err)
	}
	err = d.InTenant(ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.Reverse(ctx, tx, p.ID, "", "t"); code(err) != "no_reason" {
			t.Errorf("reversal without reason: %v", err)
		}
		rev, err := s.Reverse(ctx, tx, p.ID, "téves előírás", "t")
		if err != nil {
			return err
		}
		if _, err := s.Reverse(ctx, tx, p.ID, "még egyszer", "t"); code(err) != "already_reversed" {
			t.Errorf("second reversal: %v", err)
		}
		if _, err := s.Reverse(ctx, tx, rev.ID, "vissza", "t"); code(err) != "is_reversal" {
			t.Errorf("reversal of a reversal: %v", err)
		}
		accs, err := s.Accounts(ctx, tx, tp.ID, hu.Date{Year: 2025, Month: 11, Day: 20})
		if err != nil {
			return err
		}
		if len(accs) != 1 || accs[0].Overpayment != 150_000 || accs[0].DebitTotal != 0 || len(accs[0].Postings) != 3 {
			t.Errorf("account after reversing the debit: %+v", accs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Another tenant sees none of it.
	err = d.InTenantRead(ctx, aba, func(ctx context.Context, tx bun.Tx) error {
		accs, err := s.Accounts(ctx, tx, tp.ID, hu.Date{Year: 2025, Month: 11, Day: 20})
		if len(accs) != 0 {
			t.Errorf("Abaliget sees Orfű's account: %+v", accs)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The interest run charges what accrued, once; a later run only the
// difference; a reversed debit takes its interest back.
func TestInterestRun(t *testing.T) {
	d := dbtest.Open(t, migrations.Platform, db.Migrations{Module: "tax", FS: tax.Module().Migrations})
	s := &tax.Service{Now: func() time.Time { return time.Date(2025, 11, 20, 9, 0, 0, 0, time.UTC) }}
	ctx := context.Background()
	var debt tax.Posting
	err := d.InTenant(ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		tp, err := s.RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "8123456786", Name: "Kovács Ödön"}, "t")
		if err != nil {
			return err
		}
		debt, err = s.Post(ctx, tx, tax.PostingInput{TaxpayerID: tp.ID, TaxType: "epitmenyado", Side: tax.Debit, Amount: 150_000, On: hu.Date{Year: 2025, Month: 9, Day: 15}, TaxYear: 2025}, "t")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	run := func(on hu.Date) tax.InterestRunResult {
		var r tax.InterestRunResult
		err := d.InTenant(ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
			var err error
			r, err = s.PostInterest(ctx, tx, on, "t")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := run(hu.Date{Year: 2025, Month: 11, Day: 14}); r.Charged != 2790 || r.Postings != 1 {
		t.Errorf("first run: %+v", r)
	}
	if r := run(hu.Date{Year: 2025, Month: 11, Day: 14}); r.Postings != 0 {
		t.Errorf("the same day again: %+v", r)
	}
	// One more day: 2,836.5 → 2,837 in all, 47 more.
	if r := run(hu.Date{Year: 2025, Month: 11, Day: 15}); r.Charged != 47 {
		t.Errorf("next day: %+v", r)
	}
	err = d.InTenant(ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		_, err := s.Reverse(ctx, tx, debt.ID, "téves kivetés", "t")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := run(hu.Date{Year: 2025, Month: 11, Day: 16}); r.Reduced != 2837 || r.Charged != 0 {
		t.Errorf("after the reversal: %+v", r)
	}
	err = d.InTenantRead(ctx, orfu, func(ctx context.Context, tx bun.Tx) error {
		accs, err := s.Accounts(ctx, tx, debt.TaxpayerID, hu.Date{Year: 2025, Month: 11, Day: 16})
		for _, a := range accs {
			if a.Balance() != 0 || a.Interest != 0 {
				t.Errorf("%s: balance %d, interest %d", a.TaxType, a.Balance(), a.Interest)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
