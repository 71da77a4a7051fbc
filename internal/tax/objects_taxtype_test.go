package tax_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// The (kind, tax) pairs a data report may name: the building tax on a
// building, the land tax on a plot, the communal tax on any of the three
// (Htv. 24. §); no tax named gives the kind's old one.
func TestObjectTaxPairs(t *testing.T) {
	taxes := []caps.TaxType{caps.BuildingTax, caps.LandTax, caps.CommunalTax, caps.TouristTax, ""}
	allowed := map[string][]caps.TaxType{
		tax.ObjectBuilding: {caps.BuildingTax, caps.CommunalTax},
		tax.ObjectPlot:     {caps.LandTax, caps.CommunalTax},
		tax.ObjectDwelling: {caps.CommunalTax},
		"castle":           nil,
	}
	for kind, want := range allowed {
		for _, tt := range taxes {
			ok := false
			for _, w := range want {
				ok = ok || w == tt
			}
			if got := tax.ObjectTaxAllowed(kind, tt); got != ok {
				t.Errorf("%s with %q: allowed %v, want %v", kind, tt, got, ok)
			}
		}
	}
	for kind, want := range map[string]caps.TaxType{tax.ObjectBuilding: caps.BuildingTax, tax.ObjectPlot: caps.LandTax, tax.ObjectDwelling: caps.CommunalTax, "castle": ""} {
		if got := tax.ObjectDefaultTax(kind); got != want {
			t.Errorf("default tax of %s: %q, want %q", kind, got, want)
		}
	}
	for _, c := range tax.ObjectChoices {
		if !tax.ObjectTaxAllowed(c.Kind, c.TaxType) {
			t.Errorf("the form offers %s", c.Value())
		}
	}
	if len(tax.ObjectChoices) != 5 {
		t.Errorf("the form offers %d pairs, want the 5 allowed", len(tax.ObjectChoices))
	}
}

// communalFixture adds to the object fixture a company and the decrees of
// 2025: the communal tax at 12,000 Ft per object, the land tax at 200
// Ft/m², and the building tax excluded where the communal tax falls on
// the same parcel.
func communalFixture(t *testing.T) *objectFixture {
	f := newObjectFixture(t) // building tax 1,600 Ft/m²
	err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		if _, err := f.s.RegisterTaxpayer(ctx, tx, tax.TaxpayerInput{TaxID: "12345676-2-02", Name: "Telekhasznosító Kft."}, "t"); err != nil {
			return err
		}
		_, err := tax.RecordDecree(ctx, tx, tax.NewDecree{Number: "7/2024. (XI. 28.)", Title: "Kommunális adó és telekadó", AdoptedOn: day(2024, 11, 28),
			EffectiveFrom: day(2025, 1, 1), TaxYear: 2025, By: "t",
			Rates: []tax.DecreeRate{{TaxType: caps.CommunalTax, Basis: caps.PerObject, Rate: rate("12000")},
				{TaxType: caps.LandTax, Basis: caps.PerSquareMetre, Rate: rate("200")}},
			Exclusions: []tax.DecreeExclusion{{TaxType: caps.BuildingTax, Prevails: caps.CommunalTax,
				Description: "A kommunális adó alá eső építmény mentes az építményadó alól."}}}, f.now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func plotReport(hrsz string, tt caps.TaxType, owners ...tax.OwnerInput) tax.ObjectReport {
	return tax.ObjectReport{Kind: tax.ObjectPlot, TaxType: tt, EffectiveOn: day(2020, 3, 1), HRSZ: hrsz, Address: "Orfű, Kert utca " + hrsz + ".", AreaM2: 800,
		ValidFrom: day(2010, 1, 1), Owners: owners}
}

// Refusals of a tax the kind does not bear, of an unknown tax, of another
// tax on a new version and of a lessee on a communal building, in both
// languages; none registers a document.
func TestObjectTaxRefusals(t *testing.T) {
	f := communalFixture(t)
	whole := tax.OwnerInput{TaxID: "8123456786", Share: "1"}
	for name, tc := range map[string]struct {
		r      tax.ObjectReport
		code   string
		hu, en []string
	}{
		"land tax on a building": {func() tax.ObjectReport { r := flatReport(); r.TaxType = caps.LandTax; return r }(), "tax_not_for_kind",
			[]string{"építményhez építményadó vagy magánszemélyek kommunális adója választható, telekadó nem"},
			[]string{"a building is reported for the building tax or communal tax, not the land tax"}},
		"building tax on a plot": {plotReport("301", caps.BuildingTax, whole), "tax_not_for_kind",
			[]string{"telekhez telekadó vagy magánszemélyek kommunális adója választható, építményadó nem"}, []string{"a plot is reported for the land tax or communal tax"}},
		"building tax on a dwelling": {func() tax.ObjectReport {
			r := flatReport()
			r.Kind, r.TaxType = tax.ObjectDwelling, caps.BuildingTax
			return r
		}(), "tax_not_for_kind", []string{"lakáshoz magánszemélyek kommunális adója választható"}, []string{"a dwelling is reported for the communal tax"}},
		"tourist tax": {plotReport("302", caps.TouristTax, whole), "bad_tax_type",
			[]string{"Ismeretlen adónem: idegenforgalmi_ado", "építményadó, telekadó vagy kommunális adó"}, []string{"Unknown tax: idegenforgalmi_ado"}},
		"made-up tax": {plotReport("303", "ebado", whole), "bad_tax_type", []string{"Ismeretlen adónem: ebado"}, []string{"Unknown tax"}},
		"lessee of a communal building": {func() tax.ObjectReport {
			r := flatReport()
			r.TaxType, r.Owners, r.LesseeTaxID = caps.CommunalTax, []tax.OwnerInput{{TaxID: "12345676-2-02", Share: "1"}}, "8390164280"
			return r
		}(), "lessee_kind", []string{"Bérlő csak lakásnál"}, []string{"only be named for a dwelling"}},
	} {
		err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
			_, err := f.s.ReportObject(ctx, tx, f.reg, tc.r, "t")
			return err
		})
		p, ok := err.(*tax.Problem)
		if !ok || p.Code != tc.code || p.Field != fieldOf(tc.code) {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
			continue
		}
		for _, w := range tc.hu {
			if !strings.Contains(p.HU, w) {
				t.Errorf("%s: %q lacks %q", name, p.HU, w)
			}
		}
		for _, w := range tc.en {
			if !strings.Contains(p.EN, w) {
				t.Errorf("%s: %q lacks %q", name, p.EN, w)
			}
		}
	}
	if f.reg.n != 0 {
		t.Errorf("refusals registered %d documents", f.reg.n)
	}
	// A new version keeps the object's tax; naming another is refused,
	// naming none or the same is not.
	err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		v, err := f.s.ReportObject(ctx, tx, f.reg, plotReport("304", caps.CommunalTax, whole), "t")
		if err != nil {
			return err
		}
		next := plotReport("304", caps.LandTax, whole)
		next.ObjectID, next.EffectiveOn = &v.ID, day(2024, 6, 1)
		if _, err := f.s.ReportObject(ctx, tx, f.reg, next, "t"); code(err) != "tax_type_fixed" ||
			!strings.Contains(err.(*tax.Problem).HU, "(magánszemélyek kommunális adója) nem változtatható") {
			t.Errorf("another tax on a new version: %v", err)
		}
		for _, tt := range []caps.TaxType{"", caps.CommunalTax} {
			next.TaxType = tt
			got, err := f.s.ReportObject(ctx, tx, f.reg, next, "t")
			if err != nil {
				return err
			}
			if got.TaxType != caps.CommunalTax || got.Kind != tax.ObjectPlot {
				t.Errorf("new version with %q: %s %s", tt, got.Kind, got.TaxType)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func fieldOf(code string) string {
	if code == "lessee_kind" {
		return "lessee_tax_id"
	}
	return "tax_type"
}

// The communal tax on plots and buildings: a private person's plot pays
// the decree's 12,000 Ft per object (not the land tax's 200 Ft/m²), a
// company's plot pays nothing, a plot owned half by the company and half
// by a person: the person pays half. A private person's building
// reported for the communal tax excludes the building tax of the
// building on the same parcel; the IRAT subject names the tax.
func TestCommunalTaxOnPlotsAndBuildings(t *testing.T) {
	f := communalFixture(t)
	err := f.in(t, orfu, func(ctx context.Context, tx bun.Tx) error {
		for _, r := range []tax.ObjectReport{
			plotReport("401", caps.CommunalTax, tax.OwnerInput{TaxID: "8123456786", Share: "1"}),
			plotReport("402", caps.CommunalTax, tax.OwnerInput{TaxID: "12345676-2-02", Share: "1"}),
			plotReport("403", caps.CommunalTax, tax.OwnerInput{TaxID: "12345676-2-02", Share: "1/2"}, tax.OwnerInput{TaxID: "8390164280", Share: "1/2"}),
			plotReport("404", "", tax.OwnerInput{TaxID: "12345676-2-02", Share: "1"}), // land tax: 800 m² × 200
		} {
			v, err := f.s.ReportObject(ctx, tx, f.reg, r, "t")
			if err != nil {
				return err
			}
			if want := r.TaxType; want != "" && v.TaxType != want || want == "" && v.TaxType != caps.LandTax {
				t.Errorf("plot %s stored for %s", r.HRSZ, v.TaxType)
			}
		}
		// Kovács Éva's house on parcel 405, reported twice: for the
		// building tax (120 m²) and, as a building that is not a dwelling
		// here, for the communal tax: the decree excludes the former.
		house := flatReport()
		house.HRSZ, house.Owners = "405", []tax.OwnerInput{{TaxID: "8390164280", Share: "1"}}
		if _, err := f.s.ReportObject(ctx, tx, f.reg, house, "t"); err != nil {
			return err
		}
		house.TaxType = caps.CommunalTax
		if _, err := f.s.ReportObject(ctx, tx, f.reg, house, "t"); err != nil {
			return err
		}
		res, err := f.s.RunAssessment(ctx, tx, f.reg, tax.RunOptions{TaxYear: 2025}, "t")
		if err != nil {
			return err
		}
		if len(res.NoRate) != 0 {
			t.Errorf("no rate for %+v", res.NoRate)
		}
		// 12,000 (401) + 6,000 (403) + 160,000 (404) + 12,000 (405); the
		// building tax of 405 is excluded, 402 bears none.
		if res.Debited != 12_000+6_000+160_000+12_000 {
			t.Errorf("debited %s", res.Debited)
		}
		var lines []tax.Assessment
		if err := tx.NewSelect().Model(&lines).Where("tax_type = ?", caps.CommunalTax).OrderExpr("annual").Scan(ctx); err != nil {
			return err
		}
		if len(lines) != 3 {
			t.Errorf("communal lines: %+v", lines)
		}
		for _, l := range lines {
			if !strings.HasPrefix(l.Detail, "1 adótárgy × 12000 Ft") {
				t.Errorf("communal line not per object: %+v", l)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sum := func(taxID string, tt caps.TaxType) (s hu.Forint) {
		for _, p := range accountsOf(t, f, taxID) {
			if p.TaxType == string(tt) {
				s += p.Amount
			}
		}
		return s
	}
	for _, tc := range []struct {
		taxID string
		tt    caps.TaxType
		want  hu.Forint
	}{
		{"8123456786", caps.CommunalTax, 12_000},
		{"8390164280", caps.CommunalTax, 6_000 + 12_000},
		{"8390164280", caps.BuildingTax, 0},
		{"12345676-2-02", caps.CommunalTax, 0},
		{"12345676-2-02", caps.LandTax, 160_000},
	} {
		if got := sum(tc.taxID, tc.tt); got != tc.want {
			t.Errorf("%s owes %s of %s, want %s", tc.taxID, got, tc.tt, tc.want)
		}
	}
	var communal, building int
	for _, s := range f.reg.subjects {
		if strings.HasPrefix(s, "Adatbejelentés (magánszemélyek kommunális adója): telek, hrsz. 401") ||
			strings.HasPrefix(s, "Adatbejelentés (magánszemélyek kommunális adója): építmény, hrsz. 405") {
			communal++
		}
		if strings.HasPrefix(s, "Adatbejelentés (építményadó): építmény, hrsz. 405") {
			building++
		}
	}
	if communal != 2 || building != 1 {
		t.Errorf("IRAT subjects do not name the tax: %q", f.reg.subjects)
	}
}
