package tax

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

func d(y int, m time.Month, day int) hu.Date { return hu.Date{Year: y, Month: m, Day: day} }

func rateLine(tt caps.TaxType, b caps.Basis, r caps.Rate, zone, cat string) RateInForce {
	return RateInForce{DecreeRate: DecreeRate{TaxType: tt, Basis: b, Rate: r, Zone: zone, Category: cat}, DecreeNumber: "1/2024"}
}

var (
	ownerA = uuid.MustParse("00000000-0000-0000-0000-00000000000a")
	ownerB = uuid.MustParse("00000000-0000-0000-0000-00000000000b")
	ownerC = uuid.MustParse("00000000-0000-0000-0000-00000000000c")
)

// The worked example of §A.15: a flat of 120 m² at 1,600 Ft/m² is
// 192,000 Ft a year, halves of 96,000 due 2025-03-17 (15 March is a
// Saturday) and 2025-09-15; two co-owners of ½ each owe 96,000 a year.
func TestWorkedExampleA15(t *testing.T) {
	flat := ObjectState{ObjectID: uuid.New(), Kind: ObjectBuilding, Version: 1, AreaM2: 120, Category: "lakas", ValidFrom: d(2010, 5, 1),
		Owners: []OwnerShare{{TaxpayerID: ownerA, Share: Share{1, 2}}, {TaxpayerID: ownerB, Share: Share{1, 2}}}}
	rules := AssessRules{Rates: []RateInForce{rateLine(caps.BuildingTax, caps.PerSquareMetre, 1_600_000, "", "")}}
	ot := AssessObject(flat, rules)
	if ot.Tax != 192_000 || ot.NoRate {
		t.Fatalf("tax = %+v", ot)
	}
	got := Instalments(2025, ot.Tax, rules)
	want := []Instalment{{d(2025, 3, 17), 96_000}, {d(2025, 9, 15), 96_000}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("instalments = %+v, want %+v", got, want)
	}
	parts, noRate := Assess(2025, []ObjectState{flat}, rules)
	if len(noRate) != 0 || len(parts) != 2 || parts[0].Part != 96_000 || parts[1].Part != 96_000 {
		t.Errorf("parts = %+v", parts)
	}
}

func TestSplitByShareAddsUpExactly(t *testing.T) {
	thirds := []OwnerShare{{TaxpayerID: ownerA, Share: Share{1, 3}}, {TaxpayerID: ownerB, Share: Share{1, 3}}, {TaxpayerID: ownerC, Share: Share{1, 3}}}
	for _, tc := range []struct {
		tax    hu.Forint
		owners []OwnerShare
		want   []hu.Forint
	}{
		{100, thirds, []hu.Forint{34, 33, 33}}, // tie: larger share, then smaller id gets the forint
		{101, thirds, []hu.Forint{34, 34, 33}},
		{0, thirds, []hu.Forint{0, 0, 0}},
		{10, []OwnerShare{{TaxpayerID: ownerA, Share: Share{1, 6}}, {TaxpayerID: ownerB, Share: Share{5, 6}}}, []hu.Forint{2, 8}}, // 1.67 / 8.33: largest remainder to A
		{7, []OwnerShare{{TaxpayerID: ownerB, Share: Share{1, 2}}, {TaxpayerID: ownerA, Share: Share{2, 4}}}, []hu.Forint{3, 4}},  // equal shares: smaller id (A) first
		{999_999, []OwnerShare{{TaxpayerID: ownerA, Share: Share{3, 7}}, {TaxpayerID: ownerB, Share: Share{4, 7}}}, []hu.Forint{428_571, 571_428}},
	} {
		got := SplitByShare(tc.tax, tc.owners, nil)
		var sum hu.Forint
		for i, p := range got {
			sum += p.Tax
			if p.Tax != tc.want[i] {
				t.Errorf("split %d by %v: got %+v, want %v", tc.tax, tc.owners, got, tc.want)
				break
			}
		}
		if sum != tc.tax {
			t.Errorf("split %d: parts add up to %d", tc.tax, sum)
		}
	}
	sole := SplitByShare(5000, thirds, &ownerC)
	if len(sole) != 1 || sole[0].TaxpayerID != ownerC || sole[0].Tax != 5000 {
		t.Errorf("sole taxpayer: %+v", sole)
	}
}

func TestOneJanuaryRule(t *testing.T) {
	o := ObjectState{ValidFrom: d(2024, 6, 30)}
	if o.LiableIn(2024) || !o.LiableIn(2025) {
		t.Error("liability arises on 1 January after the use permit")
	}
	o.ValidTo = d(2026, 3, 1)
	if !o.LiableIn(2026) || o.LiableIn(2027) {
		t.Error("demolition ends liability on 31 December of its year")
	}
	if SnapshotCutoff(2025) != d(2024, 12, 31) {
		t.Error("cutoff")
	}
}

func TestRatesZonesBandsBasesAndReliefs(t *testing.T) {
	b100 := int64(100)
	rates := []RateInForce{
		rateLine(caps.BuildingTax, caps.PerSquareMetre, 1_000_000, "", ""),
		rateLine(caps.BuildingTax, caps.PerSquareMetre, 1_200_000, "", "nem_lakas"),
		rateLine(caps.BuildingTax, caps.PerSquareMetre, 1_500_000, "belterulet", "nem_lakas"),
		rateLine(caps.LandTax, caps.PercentMarketValue, 2_500, "", ""),
		rateLine(caps.CommunalTax, caps.PerObject, 17_000_000, "", ""),
	}
	big := rateLine(caps.BuildingTax, caps.PerSquareMetre, 900_500, "", "lakas")
	big.BandFrom = &b100
	rates = append(rates, big)
	rules := AssessRules{Rates: rates}
	id := uuid.New()
	for name, tc := range map[string]struct {
		o    ObjectState
		want hu.Forint
	}{
		"general":         {ObjectState{Kind: ObjectBuilding, AreaM2: 80, Category: "lakas"}, 80_000},
		"band over 100":   {ObjectState{Kind: ObjectBuilding, AreaM2: 101, Category: "lakas"}, 90_951}, // 90,950.5 rounds half up
		"category":        {ObjectState{Kind: ObjectBuilding, AreaM2: 10, Category: "nem_lakas"}, 12_000},
		"zone + category": {ObjectState{Kind: ObjectBuilding, AreaM2: 10, Category: "nem_lakas", Zone: "belterulet"}, 15_000},
		"percent value":   {ObjectState{Kind: ObjectPlot, AreaM2: 500, MarketValue: ptr(int64(4_000_000))}, 100_000},
		"per object":      {ObjectState{Kind: ObjectDwelling}, 17_000},
	} {
		tc.o.ObjectID = id
		if got := AssessObject(tc.o, rules); got.Tax != tc.want || got.NoRate {
			t.Errorf("%s: %+v, want %d", name, got, tc.want)
		}
	}
	if got := AssessObject(ObjectState{Kind: ObjectPlot, AreaM2: 500}, rules); !got.NoRate {
		t.Errorf("a plot with no value and no m² rate has no rate: %+v", got)
	}

	half := caps.Rate(50_000)
	amount := int64(3_000)
	rules.Reliefs = []Relief{
		{Ref: "r:1", TaxType: caps.BuildingTax, Kind: Discount, Description: "nagycsaládos", Percent: &half},
		{Ref: "r:2", TaxType: caps.BuildingTax, Kind: Discount, Description: "idős", Amount: &amount},
		{Ref: "r:3", TaxType: caps.BuildingTax, Kind: Exemption, Description: "saját lakás"},
	}
	o := ObjectState{ObjectID: id, Kind: ObjectBuilding, AreaM2: 80, Category: "lakas"}
	rules.ClaimedReliefs = map[uuid.UUID][]string{id: {"r:1", "r:2"}}
	if got := AssessObject(o, rules); got.Tax != 37_000 || got.Relief != 43_000 || len(got.Applied) != 2 {
		t.Errorf("discounts: %+v", got)
	}
	rules.ClaimedReliefs[id] = []string{"r:3", "r:1"}
	if got := AssessObject(o, rules); got.Tax != 0 || got.Relief != 80_000 {
		t.Errorf("exemption: %+v", got)
	}
	rules.ClaimedReliefs[id] = nil
	if got := AssessObject(o, rules); got.Tax != 80_000 {
		t.Errorf("unclaimed reliefs apply: %+v", got)
	}
}

func TestInstalmentsOddAndSmall(t *testing.T) {
	got := Instalments(2026, 10_001, AssessRules{})
	if len(got) != 2 || got[0].Amount != 5_001 || got[1].Amount != 5_000 || got[0].Due != d(2026, 3, 16) || got[1].Due != d(2026, 9, 15) {
		t.Errorf("odd: %+v", got)
	}
	single := AssessRules{SingleInstalmentUpTo: 10_000}
	if got := Instalments(2026, 10_000, single); len(got) != 1 || got[0].Amount != 10_000 || got[0].Due != d(2026, 3, 16) {
		t.Errorf("small in one sum: %+v", got)
	}
	if got := Instalments(2026, 10_001, single); len(got) != 2 {
		t.Errorf("above the limit in halves: %+v", got)
	}
	if got := Instalments(2026, 0, AssessRules{}); got != nil {
		t.Errorf("nothing due: %+v", got)
	}
}

func ptr[T any](v T) *T { return &v }

func FuzzParseShare(f *testing.F) {
	for _, s := range []string{"1/2", " 3 / 7 ", "1", "0/1", "2/1", "-1/2", "1/0", "99999999999999999999/1", "1/1000000001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sh, err := ParseShare(s)
		if err != nil {
			return
		}
		if sh.Num <= 0 || sh.Den <= 0 || sh.Num > sh.Den || sh.Den > maxShareDen {
			t.Fatalf("%q gave %v", s, sh)
		}
	})
}

func FuzzSplitByShare(f *testing.F) {
	f.Add(int64(100), int64(1), int64(3), int64(2), int64(3))
	f.Fuzz(func(t *testing.T, tax, n1, d1, n2, d2 int64) {
		if tax < 0 || tax > 1e12 || n1 <= 0 || d1 <= 0 || n2 <= 0 || d2 <= 0 || d1 > maxShareDen || d2 > maxShareDen || n1 > d1 || n2 > d2 {
			return
		}
		parts := SplitByShare(hu.Forint(tax), []OwnerShare{{TaxpayerID: ownerA, Share: Share{n1, d1}}, {TaxpayerID: ownerB, Share: Share{n2, d2}}}, nil)
		var sum hu.Forint
		for _, p := range parts {
			sum += p.Tax
		}
		// Shares not adding up to one are refused on entry; the split of
		// those that do must give every forint exactly once.
		if n1*d2+n2*d1 == d1*d2 && sum != hu.Forint(tax) {
			t.Fatalf("%d split into %+v", tax, parts)
		}
	})
}
