package tax

import (
	"fmt"
	"math/big"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// The assessment engine (kivetés, domain brief §A.1, §A.4, §A.5, §A.15):
// pure functions from the 1 January state of the objects and the rates
// and reliefs in force to each taxpayer's tax and instalments.

// ObjectState is an object as it stood on 1 January of a tax year.
type ObjectState struct {
	ObjectID uuid.UUID
	Kind     string
	// TaxType is the tax the object is reported for; empty: the kind's
	// default (see Tax).
	TaxType      caps.TaxType
	Version      int
	HRSZ         string
	Address      string
	AreaM2       int64
	Category     string
	Zone         string
	MarketValue  *int64
	ValidFrom    hu.Date
	ValidTo      hu.Date
	SoleTaxpayer *uuid.UUID
	// Lessee, when set, pays the whole tax in the owners' place.
	Lessee *uuid.UUID
	Owners []OwnerShare
}

// OwnerShare is an owner and its tulajdoni hányad.
type OwnerShare struct {
	TaxpayerID uuid.UUID
	Share      Share
	// NotPerson marks an organisation: the communal tax is a tax of
	// private persons (magánszemélyek kommunális adója, Htv. 24. §), so an
	// organisation's share of an object bears none.
	NotPerson bool
}

// Tax is the tax the object is assessed for: its own, or its kind's
// default when the state was built without one.
func (o ObjectState) Tax() caps.TaxType {
	if o.TaxType != "" {
		return o.TaxType
	}
	return ObjectDefaultTax(o.Kind)
}

// SnapshotCutoff is the last day whose events count for taxYear: 31
// December of the year before. Liability arises on 1 January after the
// acquisition, use permit or handover, and a sale during the year does
// not move that year's liability (Htv. 12. §, 14. §, 18. §, 20. §).
func SnapshotCutoff(taxYear int) hu.Date {
	return hu.Date{Year: taxYear - 1, Month: time.December, Day: 31}
}

// LiableIn reports whether the object is taxed in taxYear: it came into
// being (use permit, acquisition) before the year, and it was not
// demolished before the year (demolition ends liability on 31 December
// of its year, Htv. 14. § (2)).
func (o ObjectState) LiableIn(taxYear int) bool {
	if !o.ValidFrom.IsValid() || o.ValidFrom.Year >= taxYear {
		return false
	}
	return o.ValidTo.IsZero() || o.ValidTo.Year >= taxYear
}

// Relief is an exemption or discount of a decree, applied to the objects
// of its tax type whose version names it.
type Relief struct {
	Ref         string // "<decree id>:<line>", what an object claims
	TaxType     caps.TaxType
	Kind        string
	Description string
	Percent     *caps.Rate
	Amount      *int64
}

// AssessRules are the settings of one assessment.
type AssessRules struct {
	Rates   []RateInForce
	Reliefs []Relief
	// ClaimedReliefs gives the relief refs each object claims.
	ClaimedReliefs map[uuid.UUID][]string
	// Exclusions are the decrees' mutually exclusive taxes.
	Exclusions []DecreeExclusion
	// SingleInstalmentUpTo, when positive, makes an annual tax of at most
	// this much due in one sum on the first instalment day. The brief
	// marks the 10,000 Ft rule ⚠ UNCERTAIN and the Art. 1. melléklet
	// states two halves, so it is off (0) unless the municipality turns
	// it on (asp tax assess --single-up-to 10000).
	SingleInstalmentUpTo hu.Forint
}

// ObjectTax is the tax of one object for a year before splitting.
type ObjectTax struct {
	ObjectID uuid.UUID
	Version  int
	TaxType  caps.TaxType
	Base     int64 // m², Ft of value, or 1 object
	Basis    caps.Basis
	Rate     caps.Rate
	Decree   string
	Gross    hu.Forint
	Relief   hu.Forint // total reduction by reliefs
	Tax      hu.Forint
	Applied  []string // relief descriptions applied
	NoRate   bool     // no rate line of the decrees fits the object
}

// roundDiv divides a non-negative a by b > 0, rounding half up: local
// taxes are whole forints (§A.6), and Art. rounds to the forint half up.
func roundDiv(a, b *big.Int) int64 {
	q, r := new(big.Int).QuoRem(a, b, new(big.Int))
	if new(big.Int).Mul(r, big.NewInt(2)).Cmp(b) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}

// specificity orders matching rate lines: a line naming both zone and
// category beats one naming either, which beats a general one.
func specificity(r RateInForce) int {
	s := 0
	if r.Zone != "" {
		s += 2
	}
	if r.Category != "" {
		s++
	}
	return s
}

// pickRate chooses the rate line for an object: lines of its tax whose
// zone and category are empty or equal to the object's, the most
// specific first; a basis the object has data for, per m² first, then the
// corrected market value, then per object. The communal tax is only per
// object (per adótárgy, Htv. 26. §), whatever the object's kind. A band (sáv) bounds the base
// the line applies to, and the line's rate applies to the whole base
// (band_from ≤ base < band_to); whether decrees mean slices taxed
// progressively instead is ⚠ UNCERTAIN, the whole-base reading is the
// common one in the decrees seen.
func pickRate(o ObjectState, taxType caps.TaxType, rates []RateInForce) (RateInForce, int64, bool) {
	bases := []struct {
		b  caps.Basis
		v  int64
		ok bool
	}{
		{caps.PerSquareMetre, o.AreaM2, taxType != caps.CommunalTax},
		{caps.PercentMarketValue, valueOr(o.MarketValue), o.MarketValue != nil && taxType != caps.CommunalTax},
		{caps.PerObject, 1, true},
	}
	for _, b := range bases {
		if !b.ok {
			continue
		}
		var best *RateInForce
		for i := range rates {
			r := &rates[i]
			if r.TaxType != taxType || r.Basis != b.b || (r.Zone != "" && r.Zone != o.Zone) || (r.Category != "" && r.Category != o.Category) {
				continue
			}
			if (r.BandFrom != nil && b.v < *r.BandFrom) || (r.BandTo != nil && b.v >= *r.BandTo) {
				continue
			}
			if best == nil || specificity(*r) > specificity(*best) {
				best = r
			}
		}
		if best != nil {
			return *best, b.v, true
		}
	}
	return RateInForce{}, 0, false
}

func valueOr(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// AssessObject computes an object's tax for the year from the rate that
// fits it, then its claimed reliefs: exemptions first (the tax is nil),
// then percentage discounts on the gross tax, then amount discounts, never
// below zero.
func AssessObject(o ObjectState, rules AssessRules) ObjectTax {
	tt := o.Tax()
	out := ObjectTax{ObjectID: o.ObjectID, Version: o.Version, TaxType: tt}
	r, base, ok := pickRate(o, tt, rules.Rates)
	if !ok {
		out.NoRate = true
		return out
	}
	out.Base, out.Basis, out.Rate, out.Decree = base, r.Basis, r.Rate, r.DecreeNumber
	// Rates are in thousandths of a forint or of a percent (caps.Rate).
	num := new(big.Int).Mul(big.NewInt(base), big.NewInt(int64(r.Rate)))
	den := big.NewInt(int64(caps.RateUnit))
	if r.Basis == caps.PercentMarketValue {
		den.Mul(den, big.NewInt(100))
	}
	out.Gross = hu.Forint(roundDiv(num, den))
	tax := out.Gross
	claimed := map[string]bool{}
	for _, ref := range rules.ClaimedReliefs[o.ObjectID] {
		claimed[ref] = true
	}
	var pct, amt []Relief
	for _, rl := range rules.Reliefs {
		if rl.TaxType != tt || !claimed[rl.Ref] {
			continue
		}
		switch {
		case rl.Kind == Exemption && rl.Percent == nil && rl.Amount == nil:
			out.Applied = append(out.Applied, rl.Description)
			out.Relief, out.Tax = out.Gross, 0
			return out
		case rl.Percent != nil:
			pct = append(pct, rl)
		case rl.Amount != nil:
			amt = append(amt, rl)
		}
	}
	for _, rl := range pct {
		cut := hu.Forint(roundDiv(new(big.Int).Mul(big.NewInt(int64(out.Gross)), big.NewInt(int64(*rl.Percent))), big.NewInt(100*int64(caps.RateUnit))))
		tax = max(tax-cut, 0)
		out.Applied = append(out.Applied, rl.Description)
	}
	for _, rl := range amt {
		tax = max(tax-hu.Forint(*rl.Amount), 0)
		out.Applied = append(out.Applied, rl.Description)
	}
	out.Relief, out.Tax = out.Gross-tax, tax
	return out
}

// TaxpayerPart is one taxpayer's part of an object's tax.
type TaxpayerPart struct {
	TaxpayerID uuid.UUID
	Share      Share
	Tax        hu.Forint
}

// SplitByShare divides an object's tax among its owners pro rata to
// their shares (Htv. 12. § (2)), or gives it whole to the sole taxpayer
// the co-owners named. The parts add up exactly to the tax by the
// largest remainder method (Hamilton): everyone gets the floor of the
// exact part, and the forints left go one each to the largest
// remainders, ties to the larger share and then the smaller taxpayer id,
// so the split is the same on every run.
func SplitByShare(tax hu.Forint, owners []OwnerShare, sole *uuid.UUID) []TaxpayerPart {
	if sole != nil {
		for _, o := range owners {
			if o.TaxpayerID == *sole {
				return []TaxpayerPart{{TaxpayerID: o.TaxpayerID, Share: Share{1, 1}, Tax: tax}}
			}
		}
	}
	type part struct {
		TaxpayerPart
		rem  *big.Rat
		frac *big.Rat
	}
	parts := make([]part, len(owners))
	var given hu.Forint
	for i, o := range owners {
		exact := new(big.Rat).Mul(new(big.Rat).SetInt64(int64(tax)), big.NewRat(o.Share.Num, o.Share.Den))
		fl := new(big.Int).Quo(exact.Num(), exact.Denom())
		rem := new(big.Rat).Sub(exact, new(big.Rat).SetInt(fl))
		parts[i] = part{TaxpayerPart{o.TaxpayerID, o.Share, hu.Forint(fl.Int64())}, rem, big.NewRat(o.Share.Num, o.Share.Den)}
		given += hu.Forint(fl.Int64())
	}
	order := make([]int, len(parts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		pa, pb := parts[order[a]], parts[order[b]]
		if c := pa.rem.Cmp(pb.rem); c != 0 {
			return c > 0
		}
		if c := pa.frac.Cmp(pb.frac); c != 0 {
			return c > 0
		}
		return pa.TaxpayerID.String() < pb.TaxpayerID.String()
	})
	for i := 0; given < tax && len(order) > 0; i = (i + 1) % len(order) {
		parts[order[i]].Tax++
		given++
	}
	out := make([]TaxpayerPart, len(parts))
	for i, p := range parts {
		out[i] = p.TaxpayerPart
	}
	return out
}

// Instalment is an amount due on a day.
type Instalment struct {
	Due    hu.Date
	Amount hu.Forint
}

// DueOn is day, or the next working day when day is not one (§A.5).
func DueOn(day hu.Date) hu.Date {
	if hu.IsWorkingDay(day) {
		return day
	}
	return hu.NextWorkingDay(day)
}

// Instalments splits a taxpayer's annual tax of one tax type into the
// halves due on 15 March and 15 September (Art. 1. melléklet), each
// moved to the next working day. An odd forint goes to the first half
// (Art. does not say; the first half is the earlier, so nobody pays
// later than the exact half would). With rules.SingleInstalmentUpTo set,
// an annual tax up to it is due whole on the first day.
func Instalments(taxYear int, annual hu.Forint, rules AssessRules) []Instalment {
	first := DueOn(hu.Date{Year: taxYear, Month: time.March, Day: 15})
	second := DueOn(hu.Date{Year: taxYear, Month: time.September, Day: 15})
	if annual <= 0 {
		return nil
	}
	if rules.SingleInstalmentUpTo > 0 && annual <= rules.SingleInstalmentUpTo {
		return []Instalment{{first, annual}}
	}
	h2 := annual / 2
	h1 := annual - h2
	return []Instalment{{first, h1}, {second, h2}}
}

// AssessedPart is one taxpayer's part of one object's tax for a year.
type AssessedPart struct {
	ObjectTax
	TaxpayerID uuid.UUID
	Share      Share
	Part       hu.Forint
}

// Assess computes every liable object's tax for the year and splits it
// among its owners; objects no rate fits come back in noRate.
func Assess(taxYear int, objects []ObjectState, rules AssessRules) (parts []AssessedPart, noRate []ObjectTax) {
	liable := liableParcels(taxYear, objects, rules)
	for _, o := range objects {
		if !o.LiableIn(taxYear) {
			continue
		}
		ot := AssessObject(o, rules)
		if ot.NoRate {
			noRate = append(noRate, ot)
			continue
		}
		for _, ex := range rules.Exclusions {
			if ex.TaxType == ot.TaxType && liable[parcelTax{o.HRSZ, ex.Prevails}] && ot.Tax > 0 {
				// Exempt like a decree exemption: the gross tax stays on
				// the decision, reduced to nothing, with the rule named.
				ot.Relief, ot.Tax = ot.Gross, 0
				ot.Applied = append(ot.Applied, ex.Description)
			}
		}
		if o.Lessee != nil {
			parts = append(parts, AssessedPart{ObjectTax: ot, TaxpayerID: *o.Lessee, Share: Share{1, 1}, Part: ot.Tax})
			continue
		}
		for _, p := range SplitByShare(ot.Tax, o.Owners, o.SoleTaxpayer) {
			if ot.TaxType == caps.CommunalTax && notPerson(o.Owners, p.TaxpayerID) {
				continue // the share stays untaxed; the others pay only their own
			}
			parts = append(parts, AssessedPart{ObjectTax: ot, TaxpayerID: p.TaxpayerID, Share: p.Share, Part: p.Tax})
		}
	}
	return parts, noRate
}

func notPerson(owners []OwnerShare, id uuid.UUID) bool {
	for _, o := range owners {
		if o.TaxpayerID == id {
			return o.NotPerson
		}
	}
	return false
}

type parcelTax struct {
	hrsz    string
	taxType caps.TaxType
}

// liableParcels is which parcels are liable to which tax in the year, for
// the exclusions: liable means the object exists in the year and a rate
// of the decrees fits it, even if a relief brings its tax to nothing.
func liableParcels(taxYear int, objects []ObjectState, rules AssessRules) map[parcelTax]bool {
	if len(rules.Exclusions) == 0 {
		return nil
	}
	prevailing := map[caps.TaxType]bool{}
	for _, ex := range rules.Exclusions {
		prevailing[ex.Prevails] = true
	}
	out := map[parcelTax]bool{}
	for _, o := range objects {
		tt := o.Tax()
		if !prevailing[tt] || !o.LiableIn(taxYear) {
			continue
		}
		if _, _, ok := pickRate(o, tt, rules.Rates); ok {
			out[parcelTax{o.HRSZ, tt}] = true
		}
	}
	return out
}

// describeBase says in Hungarian what the tax was computed from.
func describeBase(t ObjectTax) string {
	switch t.Basis {
	case caps.PerSquareMetre:
		return fmt.Sprintf("%d m² × %s Ft/m²", t.Base, t.Rate)
	case caps.PercentMarketValue:
		return fmt.Sprintf("%s Ft × %s %%", hu.Forint(t.Base).Grouped(), t.Rate)
	case caps.PerObject:
		return fmt.Sprintf("1 adótárgy × %s Ft", t.Rate)
	}
	return ""
}
