package tax_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/db/dbtest"
	"github.com/openasp-hu/asp/internal/platform/migrations"
	"github.com/openasp-hu/asp/internal/tax"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

func openTax(t testing.TB) *db.DB {
	t.Helper()
	mig, err := fs.Sub(tax.Module().Migrations, ".")
	if err != nil {
		t.Fatal(err)
	}
	return dbtest.Open(t, migrations.Platform, db.Migrations{Module: "tax", FS: mig})
}

func day(y int, m time.Month, d int) hu.Date { return hu.Date{Year: y, Month: m, Day: d} }

func rate(s string) caps.Rate {
	r, err := caps.ParseRate(s)
	if err != nil {
		panic(err)
	}
	return r
}

func record(t *testing.T, d *db.DB, tenant db.TenantID, n tax.NewDecree) (tax.Decree, *tax.DecreeProblem) {
	t.Helper()
	var dec tax.Decree
	n.By = "kulcs.orfu"
	n.Levier = tax.LevierFor(tenant)
	err := d.InTenant(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		dec, err = tax.RecordDecree(ctx, tx, n, time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC))
		return err
	})
	var p *tax.DecreeProblem
	if errors.As(err, &p) {
		return dec, p
	}
	if err != nil {
		t.Fatal(err)
	}
	return dec, nil
}

func ratesFor(t *testing.T, d *db.DB, tenant db.TenantID, year int) []tax.RateInForce {
	t.Helper()
	var rs []tax.RateInForce
	err := d.InTenantRead(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		rs, err = tax.RatesFor(ctx, tx, year)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func building(r string, zone string) tax.DecreeRate {
	return tax.DecreeRate{TaxType: caps.BuildingTax, Basis: caps.PerSquareMetre, Rate: rate(r), Zone: zone}
}

func TestLevierFromKSHCode(t *testing.T) {
	for code, want := range map[db.TenantID]caps.Levier{"11730": caps.Municipality, "13578": caps.BudapestCapital, "16586": caps.BudapestDistrict, "34139": caps.BudapestDistrict} {
		if got := tax.LevierFor(code); got != want {
			t.Errorf("LevierFor(%s) = %v, want %v", code, got, want)
		}
	}
}

func TestDecreeRatesCapsAndYears(t *testing.T) {
	d := openTax(t)
	// Introduced for 2027 by a decree promulgated on 28 November 2026.
	first := tax.NewDecree{Number: "12/2026. (XI. 28.)", Title: "a helyi adókról", AdoptedOn: day(2026, 11, 28),
		EffectiveFrom: day(2027, 1, 1), TaxYear: 2027,
		Rates: []tax.DecreeRate{building("1000", "belterület"), building("600", "külterület"),
			{TaxType: caps.CommunalTax, Basis: caps.PerObject, Rate: rate("12000")}},
		Reliefs: []tax.DecreeRelief{{TaxType: caps.BuildingTax, Kind: tax.Exemption, Description: "a lakás céljára szolgáló épület"}}}

	// Above the valorised 2027 cap (3 193,9 Ft/m²): refused, naming the line and the cap.
	over := first
	over.Rates = []tax.DecreeRate{building("1000", "a"), building("3200", "b")}
	_, p := record(t, d, orfu, over)
	if p == nil || p.Code != caps.CodeAboveCap || p.Line != 2 || p.Field != "rate2_rate" || !strings.Contains(p.HU, "3193,9") || !strings.Contains(p.HU, "2. sor") {
		t.Fatalf("above cap: %+v", p)
	}
	// A percentage cap is fixed: 3,6 % of the corrected market value.
	pct := first
	pct.Rates = []tax.DecreeRate{{TaxType: caps.BuildingTax, Basis: caps.PercentMarketValue, Rate: rate("3,7")}}
	if _, p := record(t, d, orfu, pct); p == nil || p.Code != caps.CodeAboveCap || !strings.Contains(p.HU, "3,6") {
		t.Fatalf("percent cap: %+v", p)
	}
	if ds := list(t, d, orfu); len(ds) != 0 {
		t.Fatalf("a refused decree left %d rows", len(ds))
	}

	dec, p := record(t, d, orfu, first)
	if p != nil {
		t.Fatal(p)
	}
	if got := ratesFor(t, d, orfu, 2026); len(got) != 0 {
		t.Fatalf("2026 rates: %+v", got)
	}
	got := ratesFor(t, d, orfu, 2027)
	if len(got) != 3 || got[0].TaxType != caps.BuildingTax || got[0].DecreeNumber != "12/2026. (XI. 28.)" {
		t.Fatalf("2027 rates: %+v", got)
	}
	if _, p := record(t, d, orfu, first); p == nil || p.Code != "decree_exists" {
		t.Fatalf("same number twice: %+v", p)
	}

	// A rise within 2027, promulgated in 2027: refused (Htv. 6. § a)).
	rise := tax.NewDecree{Number: "3/2027. (III. 30.)", Title: "módosítás", AdoptedOn: day(2027, 3, 30),
		EffectiveFrom: day(2027, 5, 1), TaxYear: 2027, Rates: []tax.DecreeRate{building("1200", "belterület")}}
	if _, p := record(t, d, orfu, rise); p == nil || p.Code != caps.CodeInYear || !strings.Contains(p.HU, "1000") {
		t.Fatalf("in-year rise: %+v", p)
	}
	// A decrease within the year is allowed and is in force for 2027.
	cut := rise
	cut.Rates = []tax.DecreeRate{building("900", "belterület")}
	if _, p := record(t, d, orfu, cut); p != nil {
		t.Fatal(p)
	}
	// For 2028 nothing can be set yet: the CPI of 2026 is not in the data.
	// A replacing decree for 2027's zones: its lines replace the old ones,
	// and the communal tax it does not repeat is repealed with the old decree.
	repl := tax.NewDecree{Number: "4/2027. (IV. 2.)", Title: "új adórendelet", AdoptedOn: day(2027, 4, 2),
		EffectiveFrom: day(2027, 5, 1), TaxYear: 2027, Replaces: &dec.ID, Rates: []tax.DecreeRate{building("500", "külterület")}}
	if _, p := record(t, d, orfu, repl); p != nil {
		t.Fatal(p)
	}
	got = ratesFor(t, d, orfu, 2027)
	if len(got) != 2 {
		t.Fatalf("after replacement: %+v", got)
	}
	for _, r := range got {
		if r.Zone == "belterület" && r.Rate != rate("900") || r.Zone == "külterület" && r.Rate != rate("500") {
			t.Fatalf("after replacement: %+v", got)
		}
	}

	// A decree for 2026 cannot repeal one that applies from 2027.
	back := tax.NewDecree{Number: "5/2026. (XII. 1.)", Title: "x", AdoptedOn: day(2026, 1, 2), EffectiveFrom: day(2026, 2, 1), TaxYear: 2026,
		Replaces: &dec.ID, Rates: []tax.DecreeRate{building("10", "x")}}
	if _, p := record(t, d, orfu, back); p == nil || p.Code != "replaces_later" {
		t.Fatalf("repealing a later decree: %+v", p)
	}

	// Aba sees nothing of Orfű's, and may adopt its own.
	if ds := list(t, d, aba); len(ds) != 0 {
		t.Fatalf("Aba sees %d decrees", len(ds))
	}
	if got := ratesFor(t, d, aba, 2027); len(got) != 0 {
		t.Fatalf("Aba's rates: %+v", got)
	}
	var seen error
	_ = d.InTenantRead(context.Background(), aba, func(ctx context.Context, tx bun.Tx) error {
		_, seen = tax.LoadDecree(ctx, tx, dec.ID)
		return nil
	})
	if seen == nil {
		t.Fatal("Aba loaded Orfű's decree")
	}
	if _, p := record(t, d, aba, first); p != nil {
		t.Fatal(p)
	}

	// Every decree recorded is in Orfű's audit log.
	var n int64
	err := d.InTenantRead(context.Background(), orfu, func(ctx context.Context, tx bun.Tx) error {
		var err error
		n, err = tx.NewSelect().Model((*audit.Entry)(nil)).Where("tenant_id = ? AND action = ?", orfu, "tax.decree_record").Count(ctx)
		return err
	})
	if err != nil || n != 3 {
		t.Fatalf("audit entries: %d, %v", n, err)
	}
}

func TestDecreeRefusesBadInput(t *testing.T) {
	d := openTax(t)
	base := tax.NewDecree{Number: "1/2026. (XI. 2.)", Title: "x", AdoptedOn: day(2026, 11, 2), EffectiveFrom: day(2027, 1, 1), TaxYear: 2027}
	cases := map[string]func(n *tax.NewDecree){
		"decree_number": func(n *tax.NewDecree) { n.Number = " " },
		"decree_empty":  func(n *tax.NewDecree) {},
		"decree_effective": func(n *tax.NewDecree) {
			n.EffectiveFrom = day(2026, 12, 1)
			n.Rates = []tax.DecreeRate{building("10", "")}
		},
		"band": func(n *tax.NewDecree) {
			a, b := int64(100), int64(50)
			r := building("10", "")
			r.BandFrom, r.BandTo = &a, &b
			n.Rates = []tax.DecreeRate{r}
		},
		"duplicate":          func(n *tax.NewDecree) { n.Rates = []tax.DecreeRate{building("10", ""), building("20", "")} },
		caps.CodeUnknownType: func(n *tax.NewDecree) { n.Rates = []tax.DecreeRate{{TaxType: "nincs", Basis: caps.PerSquareMetre}} },
		caps.CodeLegacy: func(n *tax.NewDecree) {
			n.Rates = []tax.DecreeRate{{TaxType: caps.VehicleTax, Basis: caps.PerKilowatt, Rate: 1}}
		},
		caps.CodePreparation: func(n *tax.NewDecree) {
			n.AdoptedOn = day(2026, 12, 20)
			n.Number = "9/2026"
			n.Rates = []tax.DecreeRate{building("10", "")}
		},
		"relief": func(n *tax.NewDecree) {
			n.Reliefs = []tax.DecreeRelief{{TaxType: caps.BuildingTax, Kind: "x", Description: "y"}}
		},
	}
	for code, change := range cases {
		n := base
		change(&n)
		if _, p := record(t, d, orfu, n); p == nil || p.Code != code {
			t.Errorf("%s: got %+v", code, p)
		}
	}
	if ds := list(t, d, orfu); len(ds) != 0 {
		t.Fatalf("refusals left %d decrees", len(ds))
	}
}

func list(t *testing.T, d *db.DB, tenant db.TenantID) []tax.Decree {
	t.Helper()
	var ds []tax.Decree
	err := d.InTenantRead(context.Background(), tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		ds, err = tax.Decrees(ctx, tx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}
