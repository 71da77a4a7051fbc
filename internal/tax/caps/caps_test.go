package caps

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/openasp-hu/asp/internal/hu"
)

func table(t testing.TB) *Table {
	t.Helper()
	tb, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

func rate(t testing.TB, s string) Rate {
	t.Helper()
	r, err := ParseRate(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func code(err error) string {
	var p *Problem
	if errors.As(err, &p) {
		return p.Code
	}
	if err != nil {
		return "other: " + err.Error()
	}
	return ""
}

// §A.2: the factor for 2025 is 2.68192 (CPI 2003 … 2023), for 2026
// 2.78115 (× CPI 2024 = 3.7 %); 2005 uses the CPI of 2003 alone.
func TestCPIFactor(t *testing.T) {
	tb := table(t)
	for _, tc := range []struct {
		year int
		want string
	}{{2025, "2.68192"}, {2026, "2.78115"}, {2005, "1.04700"}, {2004, "1.00000"}} {
		f, err := tb.CPIFactor(tc.year)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.FloatString(5); got != tc.want {
			t.Errorf("factor(%d) = %s, want %s", tc.year, got, tc.want)
		}
	}
	// The worked check of §A.2: 300 × factor = 804.58 Ft before rounding.
	f, _ := tb.CPIFactor(2025)
	if got := new(big.Rat).Mul(f, big.NewRat(300, 1)).FloatString(2); got != "804.58" {
		t.Errorf("300 × factor(2025) = %s, want 804.58", got)
	}
}

// The caps table of §A.2, both years; the 2025 tourist tax is the
// published 804,5 Ft over the computed 804,6.
func TestWorkedCaps(t *testing.T) {
	tb := table(t)
	for _, tc := range []struct {
		code         TaxType
		basis        Basis
		nominal      string
		y2025, y2026 string
	}{
		{BuildingTax, PerSquareMetre, "1100", "2950.1", "3059.3"},
		{LandTax, PerSquareMetre, "200", "536.4", "556.2"},
		{CommunalTax, PerObject, "17000", "45592.7", "47279.6"},
		{TouristTax, PerGuestNight, "300", "804.5", "834.3"},
	} {
		for y, want := range map[int]string{2025: tc.y2025, 2026: tc.y2026} {
			c, err := tb.Cap(tc.code, tc.basis, y)
			if err != nil {
				t.Fatal(err)
			}
			if c.Value != rate(t, want) || c.Nominal != rate(t, tc.nominal) || !c.Valorised || c.Kind != PerUnit {
				t.Errorf("%s %d: %+v, want %s", tc.code, y, c, want)
			}
		}
	}
	c, _ := tb.Cap(TouristTax, PerGuestNight, 2025)
	if c.Source != "published" || c.Published != rate(t, "804.5") || c.Computed != rate(t, "804.6") {
		t.Errorf("IFA 2025: %+v", c)
	}
	c, _ = tb.Cap(BuildingTax, PerSquareMetre, 2026)
	if c.Source != "computed" || c.Published != 0 || !strings.Contains(c.LegalBasis, "16. § a)") {
		t.Errorf("building 2026: %+v", c)
	}
	// 2027 uses CPI 2025 = 4.4 %: 1100 × 2.781153… × 1.044 = 3 193.9.
	c, err := tb.Cap(BuildingTax, PerSquareMetre, 2027)
	if err != nil || c.Value != rate(t, "3193.9") {
		t.Errorf("building 2027: %+v, %v", c, err)
	}
}

// Truncation instead of half up is one switch away, and gives the press
// figure 804,5 but 536,3 for the land tax.
func TestRoundingDown(t *testing.T) {
	tb, err := Load(EmbeddedFiles())
	if err != nil {
		t.Fatal(err)
	}
	tb.Rounding = Rounding{Decimals: 1, Down: true}
	for _, tc := range []struct {
		code  TaxType
		basis Basis
		want  string
	}{{TouristTax, PerGuestNight, "804.5"}, {LandTax, PerSquareMetre, "536.3"}, {CommunalTax, PerObject, "45592.6"}} {
		c, err := tb.Cap(tc.code, tc.basis, 2025)
		if err != nil || c.Computed != rate(t, tc.want) {
			t.Errorf("%s: computed %s, want %s (%v)", tc.code, c.Computed, tc.want, err)
		}
	}
	tb.Rounding = Rounding{Decimals: 0}
	if c, _ := tb.Cap(BuildingTax, PerSquareMetre, 2025); c.Computed != rate(t, "2950") {
		t.Errorf("whole forints: %s", c.Computed)
	}
}

// Percentage caps and the per-day and per-m³ figures are not valorised.
func TestFixedCaps(t *testing.T) {
	tb := table(t)
	for _, tc := range []struct {
		code  TaxType
		basis Basis
		kind  CapKind
		want  string
	}{
		{BuildingTax, PercentMarketValue, Percent, "3.6"},
		{LandTax, PercentMarketValue, Percent, "3"},
		{TouristTax, PercentLodgingFee, Percent, "4"},
		{BusinessTax, PercentBusinessBase, Percent, "2"},
		{TemporaryBusinessTax, PerDay, PerUnit, "5000"},
		{SoilLoadFee, PerCubicMetre, PerUnit, "1200"},
	} {
		for _, y := range []int{2015, 2021, 2025, 2030} {
			c, err := tb.Cap(tc.code, tc.basis, y)
			if err != nil || c.Value != rate(t, tc.want) || c.Kind != tc.kind || c.Valorised || c.Source != "statute" {
				t.Errorf("%s/%s %d: %+v %v", tc.code, tc.basis, y, c, err)
			}
		}
	}
	// A fixed cap needs no CPI, so 2030 works; a valorised one does not.
	if _, err := tb.Cap(BuildingTax, PerSquareMetre, 2030); code(err) != CodeNoData {
		t.Errorf("2030 valorised: %v", err)
	}
}

// Years the data does not cover are refused, never guessed.
func TestNoData(t *testing.T) {
	tb := table(t)
	_, err := tb.Cap(CommunalTax, PerObject, 2028)
	if code(err) != CodeNoData || !strings.Contains(err.Error(), "2026") {
		t.Errorf("2028: %v", err)
	}
	var p *Problem
	if errors.As(err, &p) && !strings.Contains(p.HU, "fogyasztói árindex") {
		t.Errorf("Hungarian message: %q", p.HU)
	}
	if _, err := tb.Cap(BuildingTax, PerSquareMetre, 2010); code(err) != CodeNoData {
		t.Errorf("2010: %v", err)
	}
	if _, err := tb.Caps(2028); code(err) != CodeNoData {
		t.Errorf("Caps(2028): %v", err)
	}
	// A gap inside the CPI chain is as missing as its end.
	f := EmbeddedFiles()
	f.CPI = []byte(strings.Replace(string(f.CPI), "2010,4.9\n", "", 1))
	gap, err := Load(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gap.Cap(LandTax, PerSquareMetre, 2025); code(err) != CodeNoData || !strings.Contains(err.Error(), "2010") {
		t.Errorf("gap: %v", err)
	}
	if _, err := tb.Cap("kutyaado", PerObject, 2025); code(err) != CodeUnknownType {
		t.Errorf("unknown: %v", err)
	}
	if _, err := tb.Cap(BusinessTax, PerSquareMetre, 2025); code(err) != CodeBasis {
		t.Errorf("basis: %v", err)
	}
}

// Every tax type of the issue is in the catalogue, every one has a cap
// row for its bases or is explicitly uncapped, and the rows agree with
// the brief's vocabulary.
func TestCoverage(t *testing.T) {
	tb := table(t)
	want := []TaxType{BuildingTax, LandTax, CommunalTax, TouristTax, BusinessTax, TemporaryBusinessTax, SoilLoadFee, SettlementTax, VehicleTax}
	types := tb.Types()
	if len(types) != len(want) {
		t.Fatalf("%d tax types, want %d", len(types), len(want))
	}
	for i, ty := range types {
		if ty.Code != want[i] || ty.NameHU == "" || ty.NameEN == "" || ty.LegalBasis == "" || len(ty.Bases) == 0 {
			t.Errorf("type %d: %+v", i, ty)
		}
		year := 2025
		if ty.Legacy() {
			year = ty.LastYear
		}
		for _, b := range ty.Bases {
			c, err := tb.Cap(ty.Code, b, year)
			if err != nil {
				t.Errorf("%s/%s: %v", ty.Code, b, err)
			}
			if c.Kind == None && (c.Value != 0 || c.Source != "none") {
				t.Errorf("%s/%s uncapped but %+v", ty.Code, b, c)
			}
			if c.Kind != None && (c.Value <= 0 || c.LegalBasis == "") {
				t.Errorf("%s/%s: %+v", ty.Code, b, c)
			}
		}
	}
	uncapped := map[TaxType]bool{SettlementTax: true, VehicleTax: true}
	for _, ty := range types {
		c, _ := tb.Cap(ty.Code, ty.Bases[0], 2020)
		if (c.Kind == None) != uncapped[ty.Code] {
			t.Errorf("%s: kind %s", ty.Code, c.Kind)
		}
	}
	caps2025, err := tb.Caps(2025)
	if err != nil || len(caps2025) != 11 { // 12 rows, the vehicle tax ended in 2020
		t.Errorf("Caps(2025): %d rows, %v", len(caps2025), err)
	}
}

func TestCatalogue(t *testing.T) {
	tb := table(t)
	for code, want := range map[TaxType]Competence{
		BuildingTax: District, LandTax: District, CommunalTax: District, TouristTax: District,
		BusinessTax: Capital, TemporaryBusinessTax: Capital, SettlementTax: Both,
	} {
		if ty, _ := tb.Type(code); ty.Budapest != want {
			t.Errorf("%s in Budapest: %s, want %s", code, ty.Budapest, want)
		}
	}
	v, ok := tb.Type(VehicleTax)
	if !ok || !v.Legacy() || v.LastYear != 2020 || v.ByDecree {
		t.Errorf("vehicle tax: %+v", v)
	}
	if b, _ := tb.Type(BuildingTax); b.Legacy() || !b.ByDecree || b.NameHU != "építményadó" {
		t.Errorf("building tax: %+v", b)
	}
	if _, ok := tb.Type("nincs"); ok {
		t.Error("unknown type found")
	}
	// Types hands out copies.
	ts := tb.Types()
	ts[0].Bases[0] = "x"
	if b, _ := tb.Type(ts[0].Code); b.Bases[0] == "x" {
		t.Error("Types shares its slices")
	}
}

func TestLoadRejects(t *testing.T) {
	for _, tc := range []struct {
		name, why string
		edit      func(*Files)
	}{
		{"valorised percent", "percentage caps are not valorised", func(f *Files) {
			f.Caps = []byte(strings.Replace(string(f.Caps), "%,3.6,nem", "%,3.6,igen", 1))
		}},
		{"overlap", "overlapping years", func(f *Files) { f.Caps = append(f.Caps, []byte("telekado,m2,Ft,300,igen,2020,,x,\n")...) }},
		{"unknown type", `unknown tax type "kutyaado"`, func(f *Files) {
			f.Caps = append(f.Caps, []byte("kutyaado,adotargy,Ft,300,nem,2020,,x,\n")...)
		}},
		{"type without cap row", "kutyaado has no row", func(f *Files) {
			f.Types = append(f.Types, []byte("kutyaado,ebadó,dog tax,–,igen,,kerulet,\n")...)
		}},
		{"published unvalorised", "no valorised cap to publish", func(f *Files) {
			f.Published = append(f.Published, []byte("iparuzesi_ado,adoalap,2025,1.5,x\n")...)
		}},
		{"published without source", "where the figure was published", func(f *Files) {
			f.Published = append(f.Published, []byte("telekado,m2,2025,536.4,\n")...)
		}},
		{"bad cpi", "is not a percentage change", func(f *Files) { f.CPI = append(f.CPI, []byte("2026,sok\n")...) }},
		{"cpi twice", "year 2025 twice", func(f *Files) { f.CPI = append(f.CPI, []byte("2025,4.4\n")...) }},
		{"bad competence", "say kerulet, fovaros or mindketto", func(f *Files) {
			f.Types = []byte(strings.Replace(string(f.Types), ",fovaros,", ",megye,", 1))
		}},
		{"bad header", "header", func(f *Files) { f.CPI = []byte(strings.Replace(string(f.CPI), "ev,", "year,", 1)) }},
		{"uncapped value", "an uncapped row has no value", func(f *Files) {
			f.Caps = []byte(strings.Replace(string(f.Caps), "nincs,,nem,2015,,Htv", "nincs,5,nem,2015,,Htv", 1))
		}},
		{"bad kind", "say Ft, % or nincs", func(f *Files) {
			f.Caps = []byte(strings.Replace(string(f.Caps), "iparuzesi_ado,adoalap,%", "iparuzesi_ado,adoalap,EUR", 1))
		}},
		{"years reversed", "last year before first year", func(f *Files) {
			f.Caps = []byte(strings.Replace(string(f.Caps), "2015,2020,Gjt.", "2015,2010,Gjt.", 1))
		}},
	} {
		f := EmbeddedFiles()
		tc.edit(&f)
		if _, err := Load(f); err == nil || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.why)
		}
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]Rate{"1100": 1100000, "2950,1": 2950100, "3.6": 3600, "0.125": 125, " 2 ": 2000, "-0.2": -200} {
		if got, err := ParseRate(in); err != nil || got != want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-", "1.2345", "a", "1,2,3", "1e3", "9999999999999"} {
		if _, err := ParseRate(bad); err == nil {
			t.Errorf("ParseRate(%q) accepted", bad)
		}
	}
	for r, want := range map[Rate]string{2950100: "2950,1", 3600: "3,6", 17000000: "17000", 125: "0,125", -200: "-0,2"} {
		if r.String() != want {
			t.Errorf("%d.String() = %q, want %q", r, r.String(), want)
		}
	}
}

func date(t testing.TB, s string) hu.Date {
	t.Helper()
	d, err := hu.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
