// Package caps is the catalogue of local tax types (adónemek) and their
// statutory maxima (Htv.), with the per-unit maxima valorised by the KSH
// consumer price index (domain brief Part A §A.0–§A.2, §A.14).
//
// Everything legal is data embedded from data/*.csv, because the brief
// marks much of it ⚠ UNCERTAIN (configuration, not constants): the tax
// types, the caps, the CPI chain, published cap figures. Load builds a
// Table from other files; Default is the embedded one.
//
// Rates and caps are fixed-point numbers in thousandths of their unit
// (forints or percent), so no float touches a legal limit.
package caps

import (
	"fmt"
	"strconv"
	"strings"
)

// TaxType is the code of an adónem, e.g. "epitmenyado".
type TaxType string

// The tax types of the embedded catalogue.
const (
	BuildingTax          TaxType = "epitmenyado"
	LandTax              TaxType = "telekado"
	CommunalTax          TaxType = "kommunalis_ado"
	TouristTax           TaxType = "idegenforgalmi_ado"
	BusinessTax          TaxType = "iparuzesi_ado"
	TemporaryBusinessTax TaxType = "ideiglenes_iparuzesi_ado"
	SoilLoadFee          TaxType = "talajterhelesi_dij"
	SettlementTax        TaxType = "telepulesi_ado"
	VehicleTax           TaxType = "gepjarmuado"
)

// Basis is what a rate is applied to (the adóalap kind).
type Basis string

// The bases of the embedded caps.
const (
	PerSquareMetre      Basis = "m2"                       // Ft/m²/year
	PercentMarketValue  Basis = "korrigalt_forgalmi_ertek" // % of the corrected market value
	PerObject           Basis = "adotargy"                 // Ft per tax object (dwelling, plot, tenancy)
	PerGuestNight       Basis = "vendegejszaka"            // Ft per person per night
	PercentLodgingFee   Basis = "szallasdij"               // % of the accommodation fee
	PercentBusinessBase Basis = "adoalap"                  // % of the HIPA base
	PerDay              Basis = "nap"                      // Ft per day of temporary activity
	PerCubicMetre       Basis = "m3"                       // Ft/m³ of water (talajterhelési díj)
	DecreeDefined       Basis = "rendeleti"                // whatever the decree sets (települési adó)
	PerKilowatt         Basis = "kw"                       // gépjárműadó, statutory (Gjt.)
)

// Competence says who levies a tax type in Budapest (Htv. 1. § (2)–(3)).
type Competence string

// Who levies in Budapest.
const (
	District Competence = "kerulet"
	Capital  Competence = "fovaros"
	Both     Competence = "mindketto"
)

// Levier is the kind of local government adopting a tax decree.
type Levier int

// Kinds of levier.
const (
	Municipality     Levier = iota // any settlement outside Budapest
	BudapestDistrict               // fővárosi kerületi önkormányzat
	BudapestCapital                // Fővárosi Önkormányzat
)

func (l Levier) String() string {
	switch l {
	case Municipality:
		return "municipality"
	case BudapestDistrict:
		return "district"
	case BudapestCapital:
		return "capital"
	}
	return fmt.Sprintf("Levier(%d)", int(l))
}

// Type is one tax type of the catalogue.
type Type struct {
	Code       TaxType
	NameHU     string
	NameEN     string
	LegalBasis string // e.g. "Htv. 11.–16. §"
	ByDecree   bool   // introduced by municipal decree (adórendelet)
	// LastYear > 0 marks a legacy tax: only periods up to that year are
	// administered (arrears, refunds), no new rate after it.
	LastYear  int
	Budapest  Competence
	Bases     []Basis // in the order of the cap table
	Uncertain string  // what the brief flags ⚠ UNCERTAIN, if anything
}

// Legacy reports whether the tax is only administered for past periods.
func (t Type) Legacy() bool { return t.LastYear > 0 }

// CapKind is how a cap limits a rate.
type CapKind string

// Kinds of cap.
const (
	PerUnit CapKind = "Ft"    // forints per unit
	Percent CapKind = "%"     // percent, never valorised
	None    CapKind = "nincs" // no statutory cap
)

// Rate is a rate or cap in thousandths of its unit: 1 100 Ft = 1100000,
// 3.6 % = 3600.
type Rate int64

// RateUnit is one whole unit (forint or percent) as a Rate.
const RateUnit Rate = 1000

// maxRate bounds parsed rates so that no arithmetic on them overflows.
const maxRate Rate = 1 << 50

// ParseRate parses "1100", "2950,1" or "3.6" (at most three decimals).
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(strings.Replace(s, ",", ".", 1))
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || !digits(whole) || (frac != "" && !digits(frac)) || len(frac) > 3 || len(whole) > 12 {
		return 0, fmt.Errorf("bad rate %q", s)
	}
	for len(frac) < 3 {
		frac += "0"
	}
	w, _ := strconv.ParseInt(whole, 10, 64) // ≤ 12 digits
	f, _ := strconv.ParseInt(frac, 10, 64)
	r := Rate(w*1000 + f)
	if neg {
		r = -r
	}
	return r, nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// String gives the Hungarian form with a decimal comma and no trailing
// zeros: "2950,1", "3,6", "17000".
func (r Rate) String() string {
	sign := ""
	if r < 0 {
		sign, r = "-", -r
	}
	s := sign + strconv.FormatInt(int64(r/1000), 10)
	if f := int64(r % 1000); f != 0 {
		s += "," + strings.TrimRight(fmt.Sprintf("%03d", f), "0")
	}
	return s
}

// CapValue is the cap of one tax type and basis for one tax year.
type CapValue struct {
	Type  TaxType
	Basis Basis
	Year  int
	Kind  CapKind
	// Value is the cap in force (for None: 0). For a valorised cap it is
	// Published when a published figure exists, else Computed.
	Value      Rate
	Nominal    Rate // the figure in the act
	Valorised  bool
	Computed   Rate   // nominal × CPI factor, rounded (valorised caps only)
	Published  Rate   // 0 when none
	Source     string // "computed", "published", "statute" or "none"
	LegalBasis string
	Uncertain  string
}

// Unit gives the cap's unit in Hungarian, e.g. "Ft/m²".
func (c CapValue) Unit() string {
	if c.Kind == Percent {
		return "%"
	}
	if c.Kind == None {
		return ""
	}
	switch c.Basis {
	case PerSquareMetre:
		return "Ft/m²"
	case PerObject:
		return "Ft/adótárgy"
	case PerGuestNight:
		return "Ft/vendégéjszaka"
	case PerDay:
		return "Ft/nap"
	case PerCubicMetre:
		return "Ft/m³"
	}
	return "Ft"
}

// Problem is a refusal, in both languages, with a stable code for callers.
type Problem struct {
	Code   string
	HU, EN string
}

func (p *Problem) Error() string { return p.EN }

// Codes of Problem.
const (
	CodeUnknownType = "unknown_type"
	CodeBasis       = "basis"
	CodeNoData      = "no_data"
	CodeAboveCap    = "above_cap"
	CodeInYear      = "in_year_increase"
	CodeFrozen      = "frozen"
	CodeLegacy      = "legacy"
	CodeCompetence  = "competence"
	CodeDates       = "dates"
	CodeRate        = "rate"
)
