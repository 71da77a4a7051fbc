package caps

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/openasp-hu/asp/internal/hu"
)

func TestCheckRate(t *testing.T) {
	tb := table(t)
	p := func(s string) *Rate { r := rate(t, s); return &r }
	type tc struct {
		name         string
		levier       Levier
		code         TaxType
		basis        Basis
		year         int
		rate         string
		prev         *Rate
		decree, from string
		want         string
		msgHU, msgEN string // substrings of the refusal
	}
	for _, c := range []tc{
		// Accepted.
		{"at the cap", Municipality, BuildingTax, PerSquareMetre, 2026, "3059.3", p("1600"), "2025-11-28", "2026-01-01", "", "", ""},
		{"rise decided in December", BudapestDistrict, CommunalTax, PerObject, 2026, "30000", p("25000"), "2025-11-28", "2026-01-01", "", "", ""},
		{"introduced for 1 January", Municipality, TouristTax, PerGuestNight, 2025, "804.5", nil, "2024-11-30", "2025-01-01", "", "", ""},
		{"cut within the year", Municipality, BusinessTax, PercentBusinessBase, 2026, "1.8", p("2"), "2026-05-20", "2026-07-01", "", "", ""},
		{"same rate within the year", Municipality, LandTax, PercentMarketValue, 2026, "3", p("3"), "2026-03-01", "2026-04-01", "", "", ""},
		{"capital levies HIPA", BudapestCapital, BusinessTax, PercentBusinessBase, 2026, "2", p("2"), "2025-12-01", "2026-01-01", "", "", ""},
		{"settlement tax is uncapped", Municipality, SettlementTax, DecreeDefined, 2026, "1000000", nil, "2025-12-01", "2026-01-01", "", "", ""},
		{"either in Budapest", BudapestCapital, SettlementTax, DecreeDefined, 2026, "5000", nil, "2025-12-01", "2026-01-01", "", "", ""},
		{"vehicle tax before 2021", Municipality, VehicleTax, PerKilowatt, 2019, "345", p("345"), "2018-12-01", "2019-01-01", "", "", ""},

		// Above the cap; the message states the cap in both languages.
		{"above valorised cap", Municipality, BuildingTax, PerSquareMetre, 2026, "3059.4", p("1600"), "2025-11-28", "2026-01-01", CodeAboveCap,
			"3059,3 Ft/m²", "3059,3 Ft/m²"},
		{"above published cap", Municipality, TouristTax, PerGuestNight, 2025, "804.6", p("500"), "2024-11-30", "2025-01-01", CodeAboveCap,
			"804,5 Ft/vendégéjszaka (Htv. 33. § a))", "valorised cap for tax year 2025: 804,5"},
		{"above percent cap", BudapestCapital, BusinessTax, PercentBusinessBase, 2026, "2.1", p("2"), "2025-12-01", "2026-01-01", CodeAboveCap,
			"2 % (Htv. 40. §)", "statutory cap"},
		{"above per-day cap", Municipality, TemporaryBusinessTax, PerDay, 2026, "5001", p("5000"), "2025-12-01", "2026-01-01", CodeAboveCap, "5000 Ft/nap", "5000 Ft/nap"},
		{"above fee", Municipality, SoilLoadFee, PerCubicMetre, 2026, "1201", p("1200"), "2025-12-01", "2026-01-01", CodeAboveCap, "1200 Ft/m³", "1200"},

		// In-year increase: Htv. 6. § a).
		{"rise mid-year", Municipality, BuildingTax, PerSquareMetre, 2026, "1800", p("1600"), "2026-05-10", "2026-07-01", CodeInYear,
			"Htv. 6. § a)", "Htv. 6. § a)"},
		{"rise on 1 Jan by a decree of the same year", Municipality, BuildingTax, PerSquareMetre, 2026, "1800", p("1600"), "2026-01-01", "2026-01-01", CodeInYear,
			"2025-ben kihirdetett", "promulgated in 2025"},
		{"introduction mid-year", Municipality, CommunalTax, PerObject, 2026, "10000", nil, "2026-02-10", "2026-04-01", CodeInYear, "bevezetés", "introducing"},

		{"rise promulgated after 1 December", Municipality, LandTax, PerSquareMetre, 2026, "300", p("200"), "2025-12-10", "2026-01-01", CodePreparation,
			"legalább 30 napnak", "At least 30 days"},

		// Dates.
		{"effect outside the year", Municipality, LandTax, PerSquareMetre, 2026, "100", p("100"), "2025-12-01", "2025-12-31", CodeDates, "2026. adóévbe", "tax year 2026"},
		{"retroactive", Municipality, LandTax, PerSquareMetre, 2026, "90", p("100"), "2026-03-01", "2026-02-01", CodeDates, "Jat. 2. § (2)", "retroactively"},
		{"zero date", Municipality, LandTax, PerSquareMetre, 2026, "90", p("100"), "", "2026-02-01", CodeDates, "kihirdetésének", "promulgated"},

		// Frozen 2021.
		{"rise for 2021", Municipality, BuildingTax, PerSquareMetre, 2021, "1700", p("1600"), "2020-11-01", "2021-01-01", CodeFrozen, "2021", "2021"},

		// Legacy gépjárműadó.
		{"vehicle tax 2021", Municipality, VehicleTax, PerKilowatt, 2021, "345", p("345"), "2020-12-01", "2021-01-01", CodeLegacy, "NAV", "NAV"},
		{"vehicle tax by a new decree", Municipality, VehicleTax, PerKilowatt, 2020, "345", p("345"), "2026-01-10", "2020-01-01", CodeLegacy, "2020-ig", "up to 2020"},

		// Budapest competence.
		{"district HIPA", BudapestDistrict, BusinessTax, PercentBusinessBase, 2026, "2", p("2"), "2025-12-01", "2026-01-01", CodeCompetence,
			"Fővárosi Önkormányzaté", "belongs to the capital"},
		{"district temporary HIPA", BudapestDistrict, TemporaryBusinessTax, PerDay, 2026, "2000", p("2000"), "2025-12-01", "2026-01-01", CodeCompetence, "kerület nem", "district cannot"},
		{"capital building tax", BudapestCapital, BuildingTax, PerSquareMetre, 2026, "1000", p("1000"), "2025-12-01", "2026-01-01", CodeCompetence,
			"kerületeké", "belongs to the districts"},
		{"capital tourist tax", BudapestCapital, TouristTax, PercentLodgingFee, 2026, "4", p("4"), "2025-12-01", "2026-01-01", CodeCompetence, "kerületeké", "districts"},
		{"bad levier", Levier(7), LandTax, PerSquareMetre, 2026, "1", p("1"), "2025-12-01", "2026-01-01", CodeCompetence, "Ismeretlen", "Unknown"},

		// Input.
		{"negative", Municipality, LandTax, PerSquareMetre, 2026, "-1", p("1"), "2025-12-01", "2026-01-01", CodeRate, "negatív", "negative"},
		{"unknown type", Municipality, "ebado", PerObject, 2026, "1", nil, "2025-12-01", "2026-01-01", CodeUnknownType, "ebado", "ebado"},
		{"wrong basis", Municipality, CommunalTax, PerSquareMetre, 2026, "1", nil, "2025-12-01", "2026-01-01", CodeBasis, "adotargy", "adotargy"},
		{"no CPI", Municipality, CommunalTax, PerObject, 2028, "1", p("1"), "2027-12-01", "2028-01-01", CodeNoData, "2026", "2026"},
	} {
		var decree hu.Date
		if c.decree != "" {
			decree = date(t, c.decree)
		}
		err := tb.CheckRate(c.levier, c.code, c.basis, c.year, rate(t, c.rate), c.prev, decree, date(t, c.from))
		if got := code(err); got != c.want {
			t.Errorf("%s: code %q (%v), want %q", c.name, got, err, c.want)
			continue
		}
		var pr *Problem
		if errors.As(err, &pr) {
			if !strings.Contains(pr.HU, c.msgHU) || !strings.Contains(pr.EN, c.msgEN) {
				t.Errorf("%s: messages\n HU %q\n EN %q\nwant %q / %q", c.name, pr.HU, pr.EN, c.msgHU, c.msgEN)
			}
		}
	}
}

// The UNCERTAIN procedural points are switches on the table.
func TestPolicy(t *testing.T) {
	tb, err := Load(EmbeddedFiles())
	if err != nil {
		t.Fatal(err)
	}
	prev := rate(t, "1600")
	check := func(year int, decree, from string) error {
		return tb.CheckRate(Municipality, BuildingTax, PerSquareMetre, year, rate(t, "1700"), &prev, date(t, decree), date(t, from))
	}
	if err := check(2026, "2025-12-20", "2026-01-01"); code(err) != CodePreparation || !strings.Contains(err.Error(), "Stabtv. 32. §") {
		t.Errorf("12 days: %v", err)
	}
	if err := check(2026, "2025-12-02", "2026-01-01"); err != nil {
		t.Errorf("30 days: %v", err)
	}
	if err := check(2026, "2025-12-03", "2026-01-01"); code(err) != CodePreparation {
		t.Errorf("29 days: %v", err)
	}
	// A cut needs no preparation time.
	low := rate(t, "1500")
	if err := tb.CheckRate(Municipality, BuildingTax, PerSquareMetre, 2026, low, &prev, date(t, "2025-12-30"), date(t, "2026-01-01")); err != nil {
		t.Errorf("cut in late December: %v", err)
	}
	tb.Policy.PreparationDays = 0
	if err := check(2026, "2025-12-20", "2026-01-01"); err != nil {
		t.Errorf("preparation off: %v", err)
	}
	tb.Policy.FrozenYears = nil
	if err := check(2021, "2020-11-01", "2021-01-01"); err != nil {
		t.Errorf("2021 unfrozen: %v", err)
	}
	tb.Policy.FrozenYears = []int{2026}
	if err := check(2026, "2025-11-01", "2026-01-01"); code(err) != CodeFrozen {
		t.Errorf("2026 frozen: %v", err)
	}
	// A cut is never frozen.
	if err := tb.CheckRate(Municipality, BuildingTax, PerSquareMetre, 2026, low, &prev, date(t, "2026-03-01"), date(t, "2026-04-01")); err != nil {
		t.Errorf("cut: %v", err)
	}
	// The package functions use the embedded table.
	if err := CheckRate(BudapestDistrict, BusinessTax, PercentBusinessBase, 2026, 1000, nil, date(t, "2025-12-01"), date(t, "2026-01-01")); code(err) != CodeCompetence {
		t.Errorf("package CheckRate: %v", err)
	}
	if c, err := Cap(LandTax, PerSquareMetre, 2026); err != nil || c.Value != rate(t, "556.2") {
		t.Errorf("package Cap: %+v %v", c, err)
	}
}

// CheckRate never panics, and never accepts a rate above the cap it
// computes for the same year.
func FuzzCheckRate(f *testing.F) {
	f.Add(0, 0, 0, 2026, int64(3059300), int64(1600000), true, 2025, 12, 1, 2026, 1, 1)
	f.Add(2, 4, 0, 2026, int64(2100), int64(2000), true, 2025, 12, 1, 2026, 1, 1)
	f.Add(1, 8, 0, 2021, int64(345000), int64(0), false, 2026, 1, 1, 2020, 1, 1)
	f.Add(0, 3, 0, 2025, int64(804600), int64(-1), true, 2024, 11, 30, 2025, 1, 1)
	f.Add(7, 99, 5, -3, int64(-1), int64(1<<62), true, 0, 13, 40, 10000, 0, 0)
	tb, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	types := tb.Types()
	f.Fuzz(func(t *testing.T, levier, ti, bi, year int, r, prev int64, hasPrev bool, dy, dm, dd, ey, em, ed int) {
		var code TaxType = "ismeretlen"
		var basis Basis = "x"
		if ti >= 0 && ti < len(types) {
			code = types[ti].Code
			if bi >= 0 && bi < len(types[ti].Bases) {
				basis = types[ti].Bases[bi]
			}
		}
		var p *Rate
		if hasPrev {
			pr := Rate(prev)
			p = &pr
		}
		decree := hu.Date{Year: dy, Month: time.Month(dm), Day: dd}
		from := hu.Date{Year: ey, Month: time.Month(em), Day: ed}
		err := tb.CheckRate(Levier(levier), code, basis, year, Rate(r), p, decree, from)
		if err != nil {
			var pr *Problem
			if !errors.As(err, &pr) || pr.HU == "" || pr.EN == "" || pr.Code == "" {
				t.Fatalf("not a Problem: %v", err)
			}
			return
		}
		c, cerr := tb.Cap(code, basis, year)
		if cerr != nil {
			t.Fatalf("accepted without a cap: %v", cerr)
		}
		if c.Kind != None && Rate(r) > c.Value {
			t.Fatalf("accepted %d above the cap %d", r, c.Value)
		}
	})
}
