package caps

import (
	"fmt"
	"slices"
	"time"

	"github.com/openasp-hu/asp/internal/hu"
)

// CodePreparation is the refusal of an increase adopted too close to its
// entry into force (Policy.PreparationDays).
const CodePreparation = "preparation"

// CheckRate checks a rate a decree (adórendelet) of levier sets for a tax
// type and basis for taxYear, effective from effectiveFrom, adopted
// (promulgated) on decreeDate. previousRate is the rate in force before;
// nil means the tax was not levied, so introducing it counts as a rise
// from zero. The refusals, in the order checked:
//
//   - an unknown tax type or basis, an invalid date, a negative rate;
//   - a legacy tax (gépjárműadó) for a year after its last one, or by a
//     decree adopted after it: from 2021 the tax is NAV's;
//   - competence in Budapest (Htv. 1. § (2)–(3)): a district does not levy
//     the business tax, the capital does not levy the property taxes;
//   - a rate above the cap of that tax year (Htv. 16., 22., 26., 33., 40. §,
//     per-unit caps valorised by Htv. 6. § c));
//   - an entry into force outside the tax year or before the decree
//     itself (no retroactive burden, Jat. 2. § (2));
//   - a rise in a frozen year (Policy.FrozenYears);
//   - a rise within the year: Htv. 6. § a) forbids making the burden
//     heavier within the tax year, so a rise must take effect on 1 January
//     of the tax year by a decree adopted before that year;
//   - a rise with less than Policy.PreparationDays between promulgation
//     and entry into force (default 30: promulgated by 1 December for
//     1 January, Stabtv. 32. §; 0 = not checked).
func (t *Table) CheckRate(levier Levier, code TaxType, b Basis, taxYear int, rate Rate, previousRate *Rate, decreeDate, effectiveFrom hu.Date) error {
	ty, ok := t.types[code]
	if !ok {
		return &Problem{CodeUnknownType, fmt.Sprintf("Ismeretlen adónem: %q.", code), fmt.Sprintf("Unknown tax type %q.", code)}
	}
	if !decreeDate.IsValid() || !effectiveFrom.IsValid() {
		return &Problem{CodeDates, "Adja meg a rendelet kihirdetésének és hatálybalépésének napját.",
			"Give the days the decree was promulgated and takes effect."}
	}
	if rate < 0 || rate > maxRate || (previousRate != nil && (*previousRate < 0 || *previousRate > maxRate)) {
		return &Problem{CodeRate, "Az adó mértéke nem lehet negatív vagy ilyen nagy.", "A rate cannot be negative or that large."}
	}
	if ty.Legacy() && (taxYear > ty.LastYear || decreeDate.Year > ty.LastYear) {
		return &Problem{CodeLegacy,
			fmt.Sprintf("A(z) %s %d után nem önkormányzati adó (%d-től a NAV kezeli); új mérték nem állapítható meg, csak a %d-ig terjedő időszakok hátraléka és visszatérítése intézhető.",
				ty.NameHU, ty.LastYear, ty.LastYear+1, ty.LastYear),
			fmt.Sprintf("The %s is no local tax after %d (NAV's from %d); no new rate can be set, only arrears and refunds of periods up to %d.",
				ty.NameEN, ty.LastYear, ty.LastYear+1, ty.LastYear)}
	}
	if p := competence(levier, ty); p != nil {
		return p
	}
	c, err := t.Cap(code, b, taxYear)
	if err != nil {
		return err
	}
	if c.Kind != None && rate > c.Value {
		how := "törvényi"
		howEN := "statutory"
		if c.Valorised {
			how, howEN = "valorizált", "valorised"
		}
		return &Problem{CodeAboveCap,
			fmt.Sprintf("A(z) %s mértéke (%s %s) meghaladja a %d. adóévre érvényes %s felső határt: %s %s (%s).",
				ty.NameHU, rate, c.Unit(), taxYear, how, c.Value, c.Unit(), c.LegalBasis),
			fmt.Sprintf("The rate of the %s (%s %s) exceeds the %s cap for tax year %d: %s %s (%s).",
				ty.NameEN, rate, c.Unit(), howEN, taxYear, c.Value, c.Unit(), c.LegalBasis)}
	}
	if effectiveFrom.Year != taxYear {
		return &Problem{CodeDates,
			fmt.Sprintf("A hatálybalépés napja (%s) nem a %d. adóévbe esik.", effectiveFrom, taxYear),
			fmt.Sprintf("The day of entry into force (%s) is not in tax year %d.", effectiveFrom, taxYear)}
	}
	if effectiveFrom.Before(decreeDate) {
		return &Problem{CodeDates,
			"A rendelet nem léphet hatályba a kihirdetése előtt: kötelezettséget visszamenőleg nem állapíthat meg (Jat. 2. § (2)).",
			"A decree cannot take effect before its promulgation: it may not impose an obligation retroactively (Jat. 2. § (2))."}
	}
	rise := previousRate == nil || rate > *previousRate
	if !rise {
		return nil
	}
	if slices.Contains(t.Policy.FrozenYears, taxYear) {
		return &Problem{CodeFrozen,
			fmt.Sprintf("%d-ben helyi adót bevezetni vagy emelni nem lehetett (veszélyhelyzeti szabály).", taxYear),
			fmt.Sprintf("No local tax could be introduced or raised for %d (emergency rule).", taxYear)}
	}
	jan1 := hu.Date{Year: taxYear, Month: time.January, Day: 1}
	if effectiveFrom != jan1 || decreeDate.Year >= taxYear {
		prev, prevEN := "a bevezetés", "introducing the tax"
		if previousRate != nil {
			prev = fmt.Sprintf("az emelés (%s → %s)", *previousRate, rate)
			prevEN = fmt.Sprintf("the rise (%s → %s)", *previousRate, rate)
		}
		return &Problem{CodeInYear,
			fmt.Sprintf("Évközben az adóteher nem növelhető (Htv. 6. § a)): %s csak a %d. január 1-jén hatályba lépő, %d-ben kihirdetett rendelettel lehetséges.", prev, taxYear, taxYear-1),
			fmt.Sprintf("The tax burden cannot be made heavier within the year (Htv. 6. § a)): %s needs a decree promulgated in %d taking effect on 1 January %d.", prevEN, taxYear-1, taxYear)}
	}
	if d := t.Policy.PreparationDays; d > 0 && effectiveFrom.DaysSince(decreeDate) < d {
		return &Problem{CodePreparation,
			fmt.Sprintf("Az adóemelés kihirdetése (%s) és hatálybalépése (%s) között legalább %d napnak kell eltelnie (felkészülési idő, Stabtv. 32. §).", decreeDate, effectiveFrom, d),
			fmt.Sprintf("At least %d days must pass between promulgating a rise (%s) and its entry into force (%s) (preparation time, Stabtv. 32. §).", d, decreeDate, effectiveFrom)}
	}
	return nil
}

func competence(l Levier, ty *Type) *Problem {
	switch {
	case l == BudapestDistrict && ty.Budapest == Capital:
		return &Problem{CodeCompetence,
			fmt.Sprintf("Budapesten a(z) %s a Fővárosi Önkormányzaté, kerület nem vezetheti be (Htv. 1. § (2)–(3)).", ty.NameHU),
			fmt.Sprintf("In Budapest the %s belongs to the capital; a district cannot levy it (Htv. 1. § (2)–(3)).", ty.NameEN)}
	case l == BudapestCapital && ty.Budapest == District:
		return &Problem{CodeCompetence,
			fmt.Sprintf("Budapesten a(z) %s a kerületeké, a Fővárosi Önkormányzat nem vezetheti be (Htv. 1. § (2)–(3)).", ty.NameHU),
			fmt.Sprintf("In Budapest the %s belongs to the districts; the capital cannot levy it (Htv. 1. § (2)–(3)).", ty.NameEN)}
	case l < Municipality || l > BudapestCapital:
		return &Problem{CodeCompetence, "Ismeretlen önkormányzattípus.", "Unknown kind of local government."}
	}
	return nil
}

// CheckRate is Table.CheckRate on the embedded table.
func CheckRate(levier Levier, code TaxType, b Basis, taxYear int, rate Rate, previousRate *Rate, decreeDate, effectiveFrom hu.Date) error {
	t, err := Default()
	if err != nil {
		return err
	}
	return t.CheckRate(levier, code, b, taxYear, rate, previousRate, decreeDate, effectiveFrom)
}
