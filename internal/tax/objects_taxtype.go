package tax

import (
	"fmt"
	"strings"

	"github.com/openasp-hu/asp/internal/tax/caps"
)

// The tax an object is reported for. A data report (adatbejelentés) is
// made per tax, on the tax's own form, so the tax is recorded on the
// object: one house may be an object of the building tax and another of
// the communal tax. The kind still limits the taxes: the communal tax
// falls on a private person's building or plot (Htv. 24. §), a dwelling
// here is the communal tax's own kind (with its lessee, Htv. 24. § (1)
// b)).

// objectTaxes are the taxes each kind may be reported for, the default
// first.
var objectTaxes = map[string][]caps.TaxType{
	ObjectBuilding: {caps.BuildingTax, caps.CommunalTax},
	ObjectPlot:     {caps.LandTax, caps.CommunalTax},
	ObjectDwelling: {caps.CommunalTax},
}

// ObjectDefaultTax is the tax a kind's object is reported for when the
// report names none: what the kind alone meant before the tax was
// recorded, so existing callers and API clients keep working.
func ObjectDefaultTax(kind string) caps.TaxType {
	if ts := objectTaxes[kind]; len(ts) > 0 {
		return ts[0]
	}
	return ""
}

// ObjectTaxAllowed reports whether an object of kind may be reported for
// the tax.
func ObjectTaxAllowed(kind string, tt caps.TaxType) bool {
	for _, t := range objectTaxes[kind] {
		if t == tt {
			return true
		}
	}
	return false
}

// ObjectChoice is one (kind, tax) pair a new object's form offers.
type ObjectChoice struct {
	Kind    string
	TaxType caps.TaxType
}

// Value is the form value of the pair, "<kind>:<tax>".
func (c ObjectChoice) Value() string { return c.Kind + ":" + string(c.TaxType) }

// Key is the catalog key naming the pair in plain words.
func (c ObjectChoice) Key() string { return "tax.object.choice." + c.Kind + "." + string(c.TaxType) }

// ObjectChoices lists the allowed pairs in the order the form offers
// them: each kind's default first, then the communal tax of a building
// or plot.
var ObjectChoices = []ObjectChoice{
	{ObjectBuilding, caps.BuildingTax},
	{ObjectPlot, caps.LandTax},
	{ObjectDwelling, caps.CommunalTax},
	{ObjectBuilding, caps.CommunalTax},
	{ObjectPlot, caps.CommunalTax},
}

// objectTaxHU names an object tax in the data report's subject.
func objectTaxHU(tt caps.TaxType) string {
	switch tt {
	case caps.BuildingTax:
		return "építményadó"
	case caps.LandTax:
		return "telekadó"
	case caps.CommunalTax:
		return "magánszemélyek kommunális adója"
	}
	return string(tt)
}

// objectTaxNamesHU lists a kind's allowed taxes for a refusal.
func objectTaxNamesHU(kind string) string {
	var out []string
	for _, t := range objectTaxes[kind] {
		out = append(out, objectTaxHU(t))
	}
	return strings.Join(out, " vagy ")
}

// objectTaxEN names the object taxes in English.
var objectTaxEN = map[caps.TaxType]string{caps.BuildingTax: "building tax", caps.LandTax: "land tax", caps.CommunalTax: "communal tax"}

func objectTaxNamesEN(kind string) string {
	var out []string
	for _, t := range objectTaxes[kind] {
		out = append(out, objectTaxEN[t])
	}
	return strings.Join(out, " or ")
}

// checkObjectTax settles the tax of a report: the kind's default when it
// names none, the object's own for a new version (a data report is for
// one tax; another tax is another object), refused when unknown or not
// allowed for the kind. The kind must be known.
func checkObjectTax(kind string, named caps.TaxType, existing *TaxObject) (caps.TaxType, error) {
	named = caps.TaxType(strings.TrimSpace(string(named)))
	if existing != nil {
		own := existing.TaxType
		if named != "" && named != own {
			return "", problem("tax_type_fixed", "tax_type", "Az adótárgy adóneme (%s) nem változtatható: a másik adóhoz külön adatbejelentés, külön adótárgy tartozik.",
				"The object's tax (%s) cannot change: another tax needs its own data report, as another object.", objectTaxHU(own))
		}
		return own, nil
	}
	if named == "" {
		return ObjectDefaultTax(kind), nil
	}
	if _, ok := objectTaxEN[named]; !ok {
		shown := []rune(string(named))
		if len(shown) > 40 {
			shown = append(shown[:40], '…')
		}
		return "", problem("bad_tax_type", "tax_type", "Ismeretlen adónem: %s. Adótárgyhoz építményadó, telekadó vagy kommunális adó tartozhat.",
			"Unknown tax: %s. An object is reported for the building tax, the land tax or the communal tax.", string(shown))
	}
	if !ObjectTaxAllowed(kind, named) {
		to := map[string]string{ObjectBuilding: "építményhez", ObjectPlot: "telekhez", ObjectDwelling: "lakáshoz"}[kind]
		enKind := map[string]string{ObjectBuilding: "a building", ObjectPlot: "a plot", ObjectDwelling: "a dwelling"}[kind]
		return "", &Problem{Code: "tax_not_for_kind", Field: "tax_type",
			HU: fmt.Sprintf("Ez az adónem nem illik az adótárgyhoz: %s %s választható, %s nem.", to, objectTaxNamesHU(kind), objectTaxHU(named)),
			EN: fmt.Sprintf("This tax does not fit the object: %s is reported for the %s, not the %s.", enKind, objectTaxNamesEN(kind), objectTaxEN[named])}
	}
	return named, nil
}

// objectTaxKey is the catalog key naming an object tax on the pages.
func objectTaxKey(tt caps.TaxType) string { return "tax.object.tax." + string(tt) }
