package tax

import (
	"testing"

	"github.com/google/uuid"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// The engine assesses an object for its own tax, not its kind's: a plot
// or building reported for the communal tax is taxed per object (Htv.
// 26. §) even when it has an area and a value, only on private persons'
// shares, and it excludes the building tax on its parcel when a decree
// says so.
func TestAssessCommunalPlotsAndBuildings(t *testing.T) {
	value := int64(10_000_000)
	rates := []RateInForce{
		rateLine(caps.LandTax, caps.PerSquareMetre, 200_000, "", ""),
		rateLine(caps.BuildingTax, caps.PerSquareMetre, 1_000_000, "", ""),
		rateLine(caps.CommunalTax, caps.PerObject, 12_000_000, "", ""),
		// Lines a decree should not have; the communal tax must not take
		// them even though the object has the data.
		rateLine(caps.CommunalTax, caps.PerSquareMetre, 50_000, "", ""),
		rateLine(caps.CommunalTax, caps.PercentMarketValue, 1_000, "", ""),
	}
	rules := AssessRules{Rates: rates}
	plot := ObjectState{ObjectID: uuid.New(), Kind: ObjectPlot, TaxType: caps.CommunalTax, Version: 1, HRSZ: "0301/2", AreaM2: 800, MarketValue: &value,
		ValidFrom: d(2010, 1, 1), Owners: []OwnerShare{{TaxpayerID: ownerA, Share: Share{1, 1}}}}
	if got := AssessObject(plot, rules); got.NoRate || got.TaxType != caps.CommunalTax || got.Basis != caps.PerObject || got.Tax != 12_000 {
		t.Errorf("communal plot: %+v", got)
	}
	landPlot := plot
	landPlot.TaxType = ""
	if got := AssessObject(landPlot, rules); got.TaxType != caps.LandTax || got.Tax != 160_000 {
		t.Errorf("a plot with no tax set takes its kind's: %+v", got)
	}
	onlyArea := AssessRules{Rates: rates[3:4]}
	if got := AssessObject(plot, onlyArea); !got.NoRate {
		t.Errorf("the communal tax took a per-m² line: %+v", got)
	}

	company := uuid.MustParse("00000000-0000-0000-0000-0000000000cc")
	mixed := plot
	mixed.ObjectID, mixed.HRSZ = uuid.New(), "0301/3"
	mixed.Owners = []OwnerShare{{TaxpayerID: company, Share: Share{1, 2}, NotPerson: true}, {TaxpayerID: ownerB, Share: Share{1, 2}}}
	companys := plot
	companys.ObjectID, companys.HRSZ = uuid.New(), "0301/4"
	companys.Owners = []OwnerShare{{TaxpayerID: company, Share: Share{1, 1}, NotPerson: true}}
	// A building reported for the communal tax beside the same parcel's
	// building-tax object, and a building-tax object on another parcel.
	communalHouse := ObjectState{ObjectID: uuid.New(), Kind: ObjectBuilding, TaxType: caps.CommunalTax, Version: 1, HRSZ: "7", AreaM2: 90,
		ValidFrom: d(2010, 1, 1), Owners: []OwnerShare{{TaxpayerID: ownerC, Share: Share{1, 1}}}}
	house := communalHouse
	house.ObjectID, house.TaxType = uuid.New(), caps.BuildingTax
	other := house
	other.ObjectID, other.HRSZ = uuid.New(), "8"
	rules.Exclusions = []DecreeExclusion{{TaxType: caps.BuildingTax, Prevails: caps.CommunalTax, Description: "kommunális adó alá eső építmény"}}

	parts, noRate := Assess(2025, []ObjectState{plot, mixed, companys, communalHouse, house, other}, rules)
	if len(noRate) != 0 {
		t.Fatalf("no rate: %+v", noRate)
	}
	got := map[uuid.UUID]map[uuid.UUID]hu.Forint{}
	for _, p := range parts {
		if got[p.ObjectID] == nil {
			got[p.ObjectID] = map[uuid.UUID]hu.Forint{}
		}
		got[p.ObjectID][p.TaxpayerID] += p.Part
	}
	for name, tc := range map[string]struct {
		obj  uuid.UUID
		want map[uuid.UUID]hu.Forint
	}{
		"person's plot":         {plot.ObjectID, map[uuid.UUID]hu.Forint{ownerA: 12_000}},
		"half person's plot":    {mixed.ObjectID, map[uuid.UUID]hu.Forint{ownerB: 6_000}},
		"company's plot":        {companys.ObjectID, nil},
		"communal building":     {communalHouse.ObjectID, map[uuid.UUID]hu.Forint{ownerC: 12_000}},
		"excluded building tax": {house.ObjectID, map[uuid.UUID]hu.Forint{ownerC: 0}},
		"other parcel":          {other.ObjectID, map[uuid.UUID]hu.Forint{ownerC: 90_000}},
	} {
		if len(got[tc.obj]) != len(tc.want) {
			t.Errorf("%s: %v, want %v", name, got[tc.obj], tc.want)
			continue
		}
		for id, w := range tc.want {
			if got[tc.obj][id] != w {
				t.Errorf("%s: %v, want %v", name, got[tc.obj], tc.want)
			}
		}
	}
}
