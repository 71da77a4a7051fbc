package tax_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// A dwelling no private person owns: its bérlő, named on the data report,
// pays the communal tax in the owners' place (Htv. 24. § (1) b)). The
// refusals: a lessee for a building, beside a private owner or a sole
// taxpayer, or who is not a private person.
func TestLesseePaysTheCommunalTax(t *testing.T) {
	f := newObjectFixture(t)
	err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		if _, err := f.s.RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "12345676-2-02", Name: "Lakásszövetkezet Kft."}, "t"); err != nil {
			return err
		}
		_, err := tax.RecordDecree(ctx, tx, tax.NewDecree{Number: "3/2024. (XI. 28.)", Title: "Kommunális adó", AdoptedOn: day(2024, 11, 28),
			EffectiveFrom: day(2025, 1, 1), TaxYear: 2025, By: "t",
			Rates: []tax.DecreeRate{{TaxType: caps.CommunalTax, Basis: caps.PerObject, Rate: rate("12000")}}}, f.now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	dwelling := func() tax.ObjectReport {
		return tax.ObjectReport{Kind: tax.ObjectDwelling, EffectiveOn: day(2020, 3, 1), HRSZ: "200/3/A/1", Address: "Orfű, Fő utca 2. 1. ajtó", AreaM2: 54,
			ValidFrom: day(2010, 1, 1), Owners: []tax.OwnerInput{{TaxID: "12345676-2-02", Share: "1"}}, LesseeTaxID: "8390164280"}
	}
	for name, tc := range map[string]struct {
		mod  func(*tax.ObjectReport)
		code string
	}{
		"building":        {func(r *tax.ObjectReport) { r.Kind = tax.ObjectBuilding }, "lessee_kind"},
		"private owner":   {func(r *tax.ObjectReport) { r.Owners = []tax.OwnerInput{{TaxID: "8123456786", Share: "1"}} }, "lessee_private_owner"},
		"company lessee":  {func(r *tax.ObjectReport) { r.LesseeTaxID = "12345676-2-02" }, "lessee_not_person"},
		"unknown lessee":  {func(r *tax.ObjectReport) { r.LesseeTaxID = "8000000008" }, "unknown_lessee"},
		"lessee and sole": {func(r *tax.ObjectReport) { r.SoleTaxID = "12345676-2-02" }, "lessee_and_sole"},
	} {
		r := dwelling()
		tc.mod(&r)
		err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
			_, err := f.s.ReportObject(ctx, tx, f.reg, r, "t")
			return err
		})
		if code(err) != tc.code {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
		}
	}
	if f.reg.n != 0 {
		t.Errorf("refusals registered %d documents", f.reg.n)
	}
	var v tax.ObjectView
	err = f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if v, err = f.s.ReportObject(ctx, tx, f.reg, dwelling(), "t"); err != nil {
			return err
		}
		_, err = f.s.RunAssessment(ctx, tx, f.reg, tax.RunOptions{TaxYear: 2025}, "t")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if l := v.Current().LesseeTaxpayer; l == nil || l.TaxID != "8390164280" {
		t.Errorf("lessee on the object: %+v", l)
	}
	if ps := accountsOf(t, f, "8390164280"); len(ps) != 2 || ps[0].Amount+ps[1].Amount != 12_000 || ps[0].TaxType != string(caps.CommunalTax) {
		t.Errorf("the lessee's account: %+v", ps)
	}
	if ps := accountsOf(t, f, "12345676-2-02"); len(ps) != 0 {
		t.Errorf("the owner was charged: %+v", ps)
	}
	// The lease ends in 2025: the next data report names no lessee, and in
	// 2026 nobody pays the dwelling's communal tax, a tax of private
	// persons (Htv. 24. §), which the company is not. A dwelling owned half
	// by the company and half by a private person: the person pays half.
	err = f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		r := dwelling()
		r.ObjectID, r.EffectiveOn, r.LesseeTaxID = &v.ID, day(2025, 6, 30), ""
		if _, err := f.s.ReportObject(ctx, tx, f.reg, r, "t"); err != nil {
			return err
		}
		half := dwelling()
		half.HRSZ, half.Address, half.LesseeTaxID = "200/3/A/2", "Orfű, Fő utca 2. 2. ajtó", ""
		half.EffectiveOn = day(2025, 3, 1)
		half.Owners = []tax.OwnerInput{{TaxID: "12345676-2-02", Share: "1/2"}, {TaxID: "8123456786", Share: "1/2"}}
		if _, err := f.s.ReportObject(ctx, tx, f.reg, half, "t"); err != nil {
			return err
		}
		if _, err := tax.RecordDecree(ctx, tx, tax.NewDecree{Number: "1/2025. (XI. 28.)", Title: "Kommunális adó 2026", AdoptedOn: day(2025, 11, 28),
			EffectiveFrom: day(2026, 1, 1), TaxYear: 2026, By: "t",
			Rates: []tax.DecreeRate{{TaxType: caps.CommunalTax, Basis: caps.PerObject, Rate: rate("12000")}}}, f.now); err != nil {
			return err
		}
		_, err := f.s.RunAssessment(ctx, tx, f.reg, tax.RunOptions{TaxYear: 2026}, "t")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if ps := accountsOf(t, f, "12345676-2-02"); len(ps) != 0 {
		t.Errorf("the company was charged the communal tax: %+v", ps)
	}
	if ps := accountsOf(t, f, "8390164280"); len(ps) != 2 {
		t.Errorf("the former lessee was charged again: %+v", ps)
	}
	var sum hu.Forint
	for _, p := range accountsOf(t, f, "8123456786") {
		sum += p.Amount
	}
	if sum != 6_000 {
		t.Errorf("the private co-owner owes %s, want half of 12,000", sum)
	}
}
