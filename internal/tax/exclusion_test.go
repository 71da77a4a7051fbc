package tax_test

import (
	"context"
	"errors"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// A decree that exempts dwellings liable to the communal tax from the
// building tax (the Pécel example of §A.1): the flat recorded both as a
// building and as a dwelling pays only the communal tax; a building on
// another parcel still pays the building tax. Decrees that would exclude
// a tax by itself, both ways, or a non-object tax are refused.
func TestMutuallyExclusiveTaxes(t *testing.T) {
	f := newObjectFixture(t) // its decree: building tax 1,600 Ft/m² for 2025
	err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		base := tax.NewDecree{Number: "5/2024. (XI. 28.)", Title: "Kommunális adó", AdoptedOn: day(2024, 11, 28), EffectiveFrom: day(2025, 1, 1), TaxYear: 2025, By: "t",
			Rates: []tax.DecreeRate{{TaxType: caps.CommunalTax, Basis: caps.PerObject, Rate: rate("12000")}}}
		for name, exs := range map[string][]tax.DecreeExclusion{
			"itself":       {{TaxType: caps.BuildingTax, Prevails: caps.BuildingTax, Description: "x"}},
			"both ways":    {{TaxType: caps.BuildingTax, Prevails: caps.CommunalTax, Description: "x"}, {TaxType: caps.CommunalTax, Prevails: caps.BuildingTax, Description: "y"}},
			"tourist tax":  {{TaxType: caps.TouristTax, Prevails: caps.CommunalTax, Description: "x"}},
			"no rule text": {{TaxType: caps.BuildingTax, Prevails: caps.CommunalTax}},
		} {
			n := base
			n.Exclusions = exs
			var dp *tax.DecreeProblem
			if _, err := tax.RecordDecree(ctx, tx, n, f.now); !errors.As(err, &dp) || dp.Code != "exclusion" || dp.Line != len(exs) {
				t.Errorf("%s: %v", name, err)
			}
		}
		n := base
		n.Exclusions = []tax.DecreeExclusion{{TaxType: caps.BuildingTax, Prevails: caps.CommunalTax, Description: "A kommunális adó alá eső lakás mentes az építményadó alól."}}
		d, err := tax.RecordDecree(ctx, tx, n, f.now)
		if err != nil {
			return err
		}
		v, err := tax.LoadDecree(ctx, tx, d.ID)
		if err != nil || len(v.Exclusions) != 1 || v.Exclusions[0].Prevails != caps.CommunalTax {
			t.Errorf("decree read back: %+v %v", v.Exclusions, err)
		}
		flat := flatReport() // 120 m², owned ½–½ by two private persons
		if _, err := f.s.ReportObject(ctx, tx, f.reg, flat, "t"); err != nil {
			return err
		}
		dwelling := flatReport()
		dwelling.Kind = tax.ObjectDwelling
		if _, err := f.s.ReportObject(ctx, tx, f.reg, dwelling, "t"); err != nil {
			return err
		}
		other := flatReport()
		other.HRSZ, other.AreaM2, other.Owners = "124", 50, other.Owners[:1]
		other.Owners[0].Share = "1"
		if _, err := f.s.ReportObject(ctx, tx, f.reg, other, "t"); err != nil {
			return err
		}
		res, err := f.s.RunAssessment(ctx, tx, f.reg, tax.RunOptions{TaxYear: 2025}, "t")
		if err != nil {
			return err
		}
		// Kovács Ödön: half the communal tax (6,000) and the 50 m² building
		// on parcel 124 (80,000); the flat's building tax is excluded.
		// Kovács Éva: half the communal tax.
		if res.Debited != 6_000+80_000+6_000 {
			t.Errorf("debited %d, want 92,000: %+v", res.Debited, res)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, p := range accountsOf(t, f, "8390164280") {
		if p.TaxType == string(caps.BuildingTax) {
			t.Errorf("building tax charged on the excluded flat: %+v", p)
		}
		sum += int64(p.Amount)
	}
	if sum != 6_000 {
		t.Errorf("Kovács Éva owes %d, want 6,000", sum)
	}
}
