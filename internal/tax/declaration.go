package tax

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// Self-assessed declarations (bevallások, domain brief §A.4): the taxpayer
// computes the tax, the authority books it on the account.

// Kinds of declaration.
const (
	KindIFAMonthly    = "ifa_monthly"               // szállásadó havi IFA-bevallása
	KindHIPAAnnual    = "hipa_annual"               // éves iparűzésiadó-bevallás
	KindHIPATemporary = "hipa_temporary"            // ideiglenes iparűzési tevékenység
	KindSoilLoadFee   = "talajterhelesi_dij_annual" // talajterhelési díj éves bevallása
)

// Kinds lists the declaration kinds in the order the pages show them.
var Kinds = []string{KindIFAMonthly, KindHIPAAnnual, KindHIPATemporary, KindSoilLoadFee}

// kindTaxType is the account a kind's tax goes to.
var kindTaxType = map[string]caps.TaxType{
	KindIFAMonthly:    caps.TouristTax,
	KindHIPAAnnual:    caps.BusinessTax,
	KindHIPATemporary: caps.TemporaryBusinessTax,
	KindSoilLoadFee:   caps.SoilLoadFee,
}

// Sources of a declaration.
const (
	SourceClerk     = "clerk"      // typed in by the tax office from paper
	SourceAPI       = "api"        // filed through the API (the portal)
	SourceNAVImport = "nav_import" // forwarded by NAV (HIPA)
)

// Statuses of a declaration.
const (
	StatusFiled     = "filed"     // in force
	StatusCorrected = "corrected" // a later declaration corrects it
)

// DeclarationBook is the registration book declarations are registered in.
const DeclarationBook = "KOZ"

// Rounding: every computed tax is rounded to whole forints, half up
// (hu.MulRat), as the returns ask for whole forints (⚠ UNCERTAIN: the
// forms' rule, not a named paragraph).

// Temporary HIPA due-date rules (§A.3: which one is in force is UNCERTAIN).
const (
	DueNextMonth15 = "next_month_15" // the 15th of the month after the activity ends
	DueLastDay     = "last_day"      // the day the activity ends
)

// DeclarationRules are the parts of the declaration rules the brief marks
// UNCERTAIN, kept as configuration.
type DeclarationRules struct {
	// TemporaryHIPADue is DueNextMonth15 or DueLastDay.
	TemporaryHIPADue string
	// SimplifiedTurnoverLimit is the highest net turnover the 80 %
	// simplified HIPA base may be chosen with (Htv. 39/A. §: 8 M or 25 M).
	SimplifiedTurnoverLimit hu.Forint
	// KATABase is the fixed yearly HIPA base of a KATA taxpayer (Htv. 39/B. §).
	KATABase hu.Forint
}

// Rules is the configuration in force; the app may change it at start.
var Rules = DeclarationRules{TemporaryHIPADue: DueNextMonth15, SimplifiedTurnoverLimit: 8_000_000, KATABase: 2_500_000}

// ExemptReasons are the Htv. 31. § grounds of exemption from the tourist
// tax, by code (⚠ UNCERTAIN: the list is the brief's, §A.1; a decree's own
// exemptions are not here).
var ExemptReasons = []string{"under_18", "patient", "study_work", "holiday_home", "relative", "other_statutory"}

func validExemptReason(r string) bool {
	for _, x := range ExemptReasons {
		if x == r {
			return true
		}
	}
	return false
}

// ExemptNights is a number of guest nights exempt for one Htv. 31. § reason.
type ExemptNights struct {
	Reason string `json:"reason"`
	Nights int64  `json:"nights"`
}

// BaseShare is one municipality's part of a HIPA base (adóalap-megosztás):
// the KSH code, the base apportioned to it and the tax the return computes
// for it.
type BaseShare struct {
	KSH  string    `json:"ksh"`
	Base hu.Forint `json:"base"`
	Tax  hu.Forint `json:"tax,omitempty"`
}

// HIPA base methods.
const (
	MethodNormal     = ""           // Htv. 39. § (1)
	MethodSimplified = "simplified" // 80 % of the turnover (Htv. 39/A. §)
	MethodKATA       = "kata"       // fixed base (Htv. 39/B. §)
)

// Figures are what a declaration states; each kind uses its own fields.
type Figures struct {
	// IFA: guest nights of the month, the exempt ones by reason, and the
	// accommodation fee of the taxable nights when the decree's basis is
	// the fee.
	GuestNights int64          `json:"guest_nights,omitempty"`
	Exempt      []ExemptNights `json:"exempt,omitempty"`
	LodgingFee  hu.Forint      `json:"lodging_fee,omitempty"`

	// HIPA (Htv. 39. §).
	Method         string      `json:"method,omitempty"`
	Turnover       hu.Forint   `json:"turnover,omitempty"`         // nettó árbevétel
	COGS           hu.Forint   `json:"cogs,omitempty"`             // ELÁBÉ
	Mediated       hu.Forint   `json:"mediated,omitempty"`         // közvetített szolgáltatások
	Subcontractors hu.Forint   `json:"subcontractors,omitempty"`   // alvállalkozói teljesítések
	Materials      hu.Forint   `json:"materials,omitempty"`        // anyagköltség
	RnD            hu.Forint   `json:"rnd,omitempty"`              // K+F közvetlen költsége
	KATAMonths     int         `json:"kata_months,omitempty"`      // months under KATA in the year
	Advances       hu.Forint   `json:"advances,omitempty"`         // előleg for the year (credited against the tax)
	Shares         []BaseShare `json:"shares,omitempty"`           // the split; empty: all here
	DeclaredBase   hu.Forint   `json:"declared_base,omitempty"`    // the return's own figure (import)
	ActivityDays   int         `json:"activity_days,omitempty"`    // temporary HIPA
	WaterM3        int64       `json:"water_m3,omitempty"`         // talajterhelési díj: consumed
	WateringM3     int64       `json:"watering_m3,omitempty"`      // measured by a separate meter
	CollectedM3    int64       `json:"collected_m3,omitempty"`     // removed by a licensed collector
	MultiplierMill int64       `json:"multiplier_milli,omitempty"` // T in thousandths (1.5 = 1500)
}

// Declaration is a bevallás as filed.
type Declaration struct {
	bun.BaseModel `bun:"table:tax_declarations,alias:dc"`
	db.TenantScoped

	ID         uuid.UUID  `bun:"id,pk,type:uuid" json:"id"`
	Kind       string     `bun:"kind" json:"kind"`
	TaxpayerID uuid.UUID  `bun:"taxpayer_id,type:uuid" json:"taxpayer_id"`
	TaxType    string     `bun:"tax_type" json:"tax_type"`
	TaxYear    int        `bun:"tax_year" json:"tax_year"`
	Period     string     `bun:"period" json:"period"`
	From       hu.Date    `bun:"period_from" json:"period_from"`
	To         hu.Date    `bun:"period_to" json:"period_to"`
	FiguresRaw string     `bun:"figures" json:"-"`
	Base       hu.Forint  `bun:"base" json:"base"`
	Tax        hu.Forint  `bun:"tax" json:"tax"`
	Number     string     `bun:"number" json:"number"` // iktatószám
	Source     string     `bun:"source" json:"source"`
	Status     string     `bun:"status" json:"status"`
	Corrects   *uuid.UUID `bun:"corrects,type:uuid" json:"corrects,omitempty"`
	Reason     string     `bun:"reason" json:"reason,omitempty"`
	ExternalID string     `bun:"external_id" json:"external_id,omitempty"`
	FiledAt    time.Time  `bun:"filed_at" json:"filed_at"`
	FiledBy    string     `bun:"filed_by" json:"filed_by"`
}

// Figures decodes the stored figures.
func (d Declaration) Figures() Figures {
	var f Figures
	_ = json.Unmarshal([]byte(d.FiguresRaw), &f)
	return f
}

// Charge is one line a declaration charges on the account.
type Charge struct {
	bun.BaseModel `bun:"table:tax_declaration_charges,alias:dg"`
	db.TenantScoped

	DeclarationID uuid.UUID  `bun:"declaration_id,pk,type:uuid" json:"-"`
	Line          string     `bun:"line,pk" json:"line"` // balance | advance1 | advance2
	TaxType       string     `bun:"tax_type" json:"tax_type"`
	TaxYear       int        `bun:"tax_year" json:"tax_year"`
	Due           hu.Date    `bun:"due_on" json:"due"`
	Amount        hu.Forint  `bun:"amount" json:"amount"` // negative: credit
	PostingID     *uuid.UUID `bun:"posting_id,type:uuid" json:"posting_id,omitempty"`
}

// DeclarationInput is a declaration to file.
type DeclarationInput struct {
	Kind       string
	TaxpayerID uuid.UUID
	// Period: "2026-03" (IFA), "2025" (HIPA, talajterhelési díj); for
	// temporary HIPA From and To give the activity's days.
	Period   string
	From, To hu.Date
	Figures  Figures
	Source   string
	Corrects *uuid.UUID
	Reason   string // why it corrects (required with Corrects)
	// ExternalID is the return's identifier at NAV (import).
	ExternalID string
	// KSH is the tenant's own code, to pick its share of a HIPA split.
	KSH string
}

// dueDay moves a deadline falling on a non-working day to the next
// working day (§A.5).
func dueDay(y int, m time.Month, d int) hu.Date {
	day := hu.Date{Year: y, Month: m, Day: d}
	if !hu.IsWorkingDay(day) {
		day = hu.NextWorkingDay(day)
	}
	return day
}

// rateFor returns the decree's rate in force for the tax type and year
// (the general line: no zone, category or band) with its basis.
func rateFor(ctx context.Context, tx bun.IDB, t caps.TaxType, year int, bases ...caps.Basis) (caps.Rate, caps.Basis, error) {
	rs, err := RatesFor(ctx, tx, year)
	if err != nil {
		return 0, "", err
	}
	for _, r := range rs {
		if r.TaxType != t || r.Zone != "" || r.Category != "" || r.BandFrom != nil || r.BandTo != nil {
			continue
		}
		for _, b := range bases {
			if r.Basis == b {
				return r.Rate, r.Basis, nil
			}
		}
	}
	return 0, "", problem("no_rate", "", "Az önkormányzatnak nincs %d. évre hatályos rendeleti mértéke erre az adónemre (%s); előbb rögzítse az adórendeletet.",
		"The municipality has no decree rate in force for %d for this tax (%s); record the tax decree first.", year, TaxTypeName(string(t)))
}

// applyRate is amount × rate, the rate in thousandths of its unit: of a
// forint per unit, or of a percent (then pct is true).
func applyRate(amount int64, r caps.Rate, pct bool) (hu.Forint, error) {
	den := int64(caps.RateUnit)
	if pct {
		den *= 100
	}
	return hu.MulRat(hu.Forint(amount), int64(r), den)
}

// Band limits of ELÁBÉ + mediated services (Htv. 39. § (4)–(6), §A.3 ⚠
// UNCERTAIN mechanics): the deductible percentage of each slice of the
// turnover.
var hipaBands = []struct {
	upTo hu.Forint // 0: no upper limit
	pct  int64
}{{500_000_000, 100}, {20_000_000_000, 85}, {80_000_000_000, 75}, {0, 70}}

// HIPABase computes the vállalkozási szintű adóalap (Htv. 39. §): the
// turnover less the band-limited ELÁBÉ + mediated services, the
// subcontractors, the materials and R&D, never below zero. The simplified
// and KATA methods give their own bases. It returns the deductible ELÁBÉ
// + mediated services too.
func HIPABase(f Figures) (base, deductible hu.Forint, err error) {
	for _, v := range []hu.Forint{f.Turnover, f.COGS, f.Mediated, f.Subcontractors, f.Materials, f.RnD, f.Advances} {
		if v < 0 || v > hu.Forint(1)<<52 {
			return 0, 0, problem("bad_figure", "turnover", "A bevallás összegei nem lehetnek negatívak (vagy ekkorák).", "The figures of a return cannot be negative (or that large).")
		}
	}
	switch f.Method {
	case MethodSimplified:
		if f.Turnover > Rules.SimplifiedTurnoverLimit {
			return 0, 0, problem("simplified_limit", "turnover", "Az egyszerűsített adóalap-megállapítás csak %s Ft nettó árbevételig választható.",
				"The simplified base may only be chosen up to a net turnover of %s Ft.", Rules.SimplifiedTurnoverLimit.Grouped())
		}
		b, err := hu.MulRat(f.Turnover, 80, 100) // Htv. 39/A. §: 80 % of the turnover
		return b, 0, err
	case MethodKATA:
		if f.KATAMonths < 1 || f.KATAMonths > 12 {
			return 0, 0, problem("kata_months", "kata_months", "Adja meg, hány hónapig volt KATA-alany az évben (1–12).", "Give how many months of the year the taxpayer was under KATA (1–12).")
		}
		b, err := hu.MulRat(Rules.KATABase, int64(f.KATAMonths), 12) // pro rata by months (Htv. 39/B. §)
		return b, 0, err
	case MethodNormal:
	default:
		return 0, 0, problem("bad_method", "method", "Ismeretlen adóalap-megállapítási mód.", "Unknown method of computing the base.")
	}
	ded := f.COGS + f.Mediated
	if f.Turnover > hipaBands[0].upTo && ded > 0 {
		// The deduction × the turnover-weighted average of the band
		// percentages: Σ slice·pct / (turnover·100), exact.
		var lower hu.Forint
		weighted := new(big.Int)
		for _, b := range hipaBands {
			top := b.upTo
			if top == 0 || top > f.Turnover {
				top = f.Turnover
			}
			if top > lower {
				weighted.Add(weighted, new(big.Int).Mul(big.NewInt(int64(top-lower)), big.NewInt(b.pct)))
			}
			if b.upTo == 0 || b.upTo >= f.Turnover {
				break
			}
			lower = b.upTo
		}
		num := new(big.Int).Mul(big.NewInt(int64(ded)), weighted)
		den := new(big.Int).Mul(big.NewInt(int64(f.Turnover)), big.NewInt(100))
		// Rounded to the forint, half up.
		q, r := new(big.Int).QuoRem(num, den, new(big.Int))
		if new(big.Int).Lsh(r, 1).Cmp(den) >= 0 {
			q.Add(q, big.NewInt(1))
		}
		ded = hu.Forint(q.Int64())
	}
	base = f.Turnover - ded - f.Subcontractors - f.Materials - f.RnD
	return max(base, 0), ded, nil
}

// computed is what filing works out: the base, the tax, the period and
// the account lines.
type computed struct {
	base, tax hu.Forint
	year      int
	period    string
	from, to  hu.Date
	charges   []Charge
}

func (s *Service) compute(ctx context.Context, tx bun.IDB, in *DeclarationInput) (computed, error) {
	var c computed
	f := &in.Figures
	tt := kindTaxType[in.Kind]
	switch in.Kind {
	case KindIFAMonthly:
		var y, m int
		if _, err := fmt.Sscanf(strings.TrimSpace(in.Period), "%4d-%2d", &y, &m); err != nil || m < 1 || m > 12 || y < 1990 || y > 9998 {
			return c, problem("bad_period", "period", "Adja meg a hónapot ÉÉÉÉ-HH alakban, például 2026-03.", "Give the month as YYYY-MM, e.g. 2026-03.")
		}
		c.year, c.period = y, fmt.Sprintf("%04d-%02d", y, m)
		c.from = hu.Date{Year: y, Month: time.Month(m), Day: 1}
		c.to = c.from.AddDays(40)
		c.to = hu.Date{Year: c.to.Year, Month: c.to.Month, Day: 1}.AddDays(-1)
		if f.GuestNights < 0 || f.GuestNights > 1<<40 || f.LodgingFee < 0 || f.LodgingFee > hu.Forint(1)<<52 {
			return c, problem("bad_nights", "guest_nights", "A vendégéjszakák száma nem lehet negatív.", "The number of guest nights cannot be negative.")
		}
		var exempt int64
		for _, e := range f.Exempt {
			if e.Nights < 0 || e.Nights > 1<<40 || !validExemptReason(e.Reason) {
				return c, problem("bad_exempt", "exempt", "A mentes vendégéjszakákhoz adja meg a mentesség okát (Htv. 31. §) és a számukat.", "For exempt guest nights give the reason (Htv. 31. §) and their number.")
			}
			exempt += e.Nights
		}
		if exempt > f.GuestNights {
			return c, problem("exempt_above_total", "exempt", "A mentes vendégéjszakák (%d) többek, mint az összes (%d).", "The exempt guest nights (%d) exceed the total (%d).", exempt, f.GuestNights)
		}
		rate, basis, err := rateFor(ctx, tx, tt, y, caps.PerGuestNight, caps.PercentLodgingFee)
		if err != nil {
			return c, err
		}
		if basis == caps.PerGuestNight {
			c.base = hu.Forint(f.GuestNights - exempt)
			c.tax, err = applyRate(f.GuestNights-exempt, rate, false)
		} else {
			c.base = f.LodgingFee
			c.tax, err = applyRate(int64(f.LodgingFee), rate, true)
		}
		if err != nil {
			return c, err
		}
		nm := c.to.AddDays(1)
		c.charges = []Charge{{Line: "balance", TaxYear: y, Due: dueDay(nm.Year, nm.Month, 15), Amount: c.tax}}
	case KindHIPAAnnual, KindSoilLoadFee:
		var y int
		if _, err := fmt.Sscanf(strings.TrimSpace(in.Period), "%4d", &y); err != nil || y < 1990 || y > 9997 || len(strings.TrimSpace(in.Period)) != 4 {
			return c, problem("bad_period", "period", "Adja meg az évet, például 2025.", "Give the year, e.g. 2025.")
		}
		c.year, c.period = y, fmt.Sprint(y)
		c.from, c.to = hu.Date{Year: y, Month: 1, Day: 1}, hu.Date{Year: y, Month: 12, Day: 31}
		if in.Kind == KindSoilLoadFee {
			m3 := f.WaterM3 - f.WateringM3 - f.CollectedM3
			if f.WaterM3 < 0 || f.WateringM3 < 0 || f.CollectedM3 < 0 || f.WaterM3 > 1<<40 || m3 < 0 {
				return c, problem("bad_water", "water_m3", "A levonások nem lehetnek többek az elfogyasztott víznél, és egyik szám sem negatív.", "The deductions cannot exceed the water consumed, and no figure is negative.")
			}
			// T of the Ktd. annex: 1, 1.5 or 3 (⚠ UNCERTAIN full set).
			if f.MultiplierMill == 0 {
				f.MultiplierMill = 1000
			}
			if f.MultiplierMill != 1000 && f.MultiplierMill != 1500 && f.MultiplierMill != 3000 {
				return c, problem("bad_multiplier", "multiplier", "A területérzékenységi szorzó 1, 1,5 vagy 3.", "The area-sensitivity multiplier is 1, 1.5 or 3.")
			}
			rate, _, err := rateFor(ctx, tx, tt, y, caps.PerCubicMetre)
			if err != nil {
				return c, err
			}
			// TTD = E × A × T (Ktd. 12. §): rate and T both in thousandths.
			c.base = hu.Forint(m3)
			if c.tax, err = hu.MulRat(hu.Forint(m3), int64(rate)*f.MultiplierMill, int64(caps.RateUnit)*1000); err != nil {
				return c, err
			}
			c.charges = []Charge{{Line: "balance", TaxYear: y, Due: dueDay(y+1, time.March, 31), Amount: c.tax}}
			break
		}
		base, _, err := HIPABase(*f)
		if err != nil {
			return c, err
		}
		if f.DeclaredBase != 0 && f.DeclaredBase != base {
			return c, problem("base_mismatch", "declared_base", "A bevallott adóalap (%s Ft) nem egyezik a számított adóalappal (%s Ft).",
				"The declared base (%s Ft) does not match the computed base (%s Ft).", f.DeclaredBase.Grouped(), base.Grouped())
		}
		// Apportionment: the shares add up to the whole base; this
		// municipality taxes its own share only.
		share := base
		if len(f.Shares) > 0 {
			var sum hu.Forint
			share = -1
			for _, sh := range f.Shares {
				if sh.Base < 0 {
					return c, problem("bad_share", "shares", "A megosztott adóalap nem lehet negatív.", "An apportioned base cannot be negative.")
				}
				sum += sh.Base
				if sh.KSH == in.KSH {
					share = sh.Base
				}
			}
			if sum != base {
				return c, problem("shares_sum", "shares", "A megosztott adóalapok összege (%s Ft) nem egyezik az adóalappal (%s Ft).",
					"The apportioned bases add up to %s Ft, not the base of %s Ft.", sum.Grouped(), base.Grouped())
			}
			if share < 0 {
				return c, problem("no_share", "shares", "A bevallásban nincs e település (%s) része.", "The return has no share for this municipality (%s).", in.KSH)
			}
		}
		rate, _, err := rateFor(ctx, tx, tt, y, caps.PercentBusinessBase)
		if err != nil {
			return c, err
		}
		c.base = share
		if c.tax, err = applyRate(int64(share), rate, true); err != nil {
			return c, err
		}
		for _, sh := range f.Shares {
			if sh.KSH == in.KSH && sh.Tax != 0 && sh.Tax != c.tax {
				return c, problem("tax_mismatch", "shares", "A bevallott adó (%s Ft) nem egyezik az e település mértékével számított adóval (%s Ft).",
					"The declared tax (%s Ft) does not match the tax at this municipality's rate (%s Ft).", sh.Tax.Grouped(), c.tax.Grouped())
			}
		}
		// The balance (tax − the year's advances) by May 31 of the next
		// year; the advances of the next period, each half of the tax,
		// by Sep 15 of the next year and Mar 15 of the year after
		// (Htv. 41. § (8), Art. 1. melléklet, §A.3).
		half, err := hu.MulRat(c.tax, 1, 2)
		if err != nil {
			return c, err
		}
		c.charges = []Charge{{Line: "balance", TaxYear: y, Due: dueDay(y+1, time.May, 31), Amount: c.tax - f.Advances}}
		// A return for the year still running is a closing one (the
		// business ended): no advances follow it.
		if y < hu.DateOf(s.now()).Year {
			c.charges = append(c.charges,
				Charge{Line: "advance1", TaxYear: y + 1, Due: dueDay(y+1, time.September, 15), Amount: half},
				Charge{Line: "advance2", TaxYear: y + 2, Due: dueDay(y+2, time.March, 15), Amount: c.tax - half})
		}
	case KindHIPATemporary:
		if !in.From.IsValid() || !in.To.IsValid() || in.To.Before(in.From) {
			return c, problem("bad_period", "from", "Adja meg a tevékenység első és utolsó napját (ÉÉÉÉ-HH-NN).", "Give the first and last day of the activity (YYYY-MM-DD).")
		}
		days := in.To.DaysSince(in.From) + 1 // each started day counts (Htv. 37. §)
		if f.ActivityDays == 0 {
			f.ActivityDays = days
		}
		if f.ActivityDays < 1 || f.ActivityDays > days {
			return c, problem("bad_days", "activity_days", "A tevékenység napjainak száma 1 és %d között lehet.", "The days of activity are between 1 and %d.", days)
		}
		if days >= 180 {
			return c, problem("not_temporary", "to", "180 napot elérő építőipari tevékenység telephelynek számít: állandó iparűzési adót kell bevallani.", "Activity of 180 days or more counts as a site: declare the permanent business tax.")
		}
		c.year, c.from, c.to = in.From.Year, in.From, in.To
		c.period = in.From.String() + ".." + in.To.String()
		rate, _, err := rateFor(ctx, tx, tt, c.year, caps.PerDay)
		if err != nil {
			return c, err
		}
		c.base = hu.Forint(f.ActivityDays)
		if c.tax, err = applyRate(int64(f.ActivityDays), rate, false); err != nil {
			return c, err
		}
		due := in.To
		if Rules.TemporaryHIPADue != DueLastDay {
			nm := hu.Date{Year: in.To.Year, Month: in.To.Month, Day: 1}.AddDays(40)
			due = hu.Date{Year: nm.Year, Month: nm.Month, Day: 15}
		}
		c.charges = []Charge{{Line: "balance", TaxYear: c.year, Due: dueDay(due.Year, due.Month, due.Day), Amount: c.tax}}
	default:
		return c, problem("bad_kind", "kind", "Válassza ki a bevallás fajtáját.", "Choose the kind of declaration.")
	}
	if c.year > hu.DateOf(s.now()).Year {
		return c, problem("future_period", "period", "Jövőbeli időszakról nem lehet bevallást adni.", "A declaration cannot be filed for a future period.")
	}
	for i := range c.charges {
		c.charges[i].TaxType = string(tt)
	}
	return c, nil
}

var kindNames = map[string]string{
	KindIFAMonthly:    "Idegenforgalmi adó havi bevallása",
	KindHIPAAnnual:    "Helyi iparűzési adó éves bevallása",
	KindHIPATemporary: "Ideiglenes iparűzési adó bevallása",
	KindSoilLoadFee:   "Talajterhelési díj bevallása",
}

// KindName names a declaration kind in Hungarian.
func KindName(kind string) string { return kindNames[kind] }

// FileDeclaration checks a declaration, registers it in IRAT and posts
// what it charges on the taxpayer's account, all in tx: a refusal or an
// error leaves nothing behind once the caller rolls back. A declaration
// correcting an earlier one posts only the difference of each line.
func (s *Service) FileDeclaration(ctx context.Context, tx bun.Tx, reg Registrar, in DeclarationInput, by string) (Declaration, error) {
	p, err := s.prepareDeclaration(ctx, tx, reg, in, nil, by)
	if err != nil {
		return Declaration{}, err
	}
	number, err := reg.RegisterIncoming(ctx, tx, DeclarationBook, p.subject, p.partner, by)
	if err != nil {
		return Declaration{}, err
	}
	evs, err := s.writeDeclaration(ctx, tx, &p, number, by)
	if err != nil {
		return Declaration{}, err
	}
	t, _ := db.TenantFrom(ctx)
	if _, err := audit.AppendMany(ctx, tx, t, evs, p.now); err != nil {
		return Declaration{}, err
	}
	return p.d, nil
}

// declarationPlan is a declaration checked and worked out, with what
// filing it will write, but nothing written yet: the HIPA import checks a
// chunk of returns this way, then registers and writes the good ones
// together.
type declarationPlan struct {
	d                Declaration // without its number until written
	tp               Taxpayer
	old              *Declaration // the declaration it corrects
	reason           string
	charges          []Charge
	postings         []PostingInput // checked; Reference is the number
	postingOf        []int          // the charge each posting is for
	subject, partner string         // of the IRAT registration
	now              time.Time
}

// prepareDeclaration does every check of FileDeclaration and reads what
// filing needs, writing nothing. tp, when given, is the taxpayer (perhaps
// one about to be recorded by the same import); otherwise it is read.
func (s *Service) prepareDeclaration(ctx context.Context, tx bun.Tx, reg Registrar, in DeclarationInput, tp *Taxpayer, by string) (declarationPlan, error) {
	if reg == nil {
		return declarationPlan{}, problem("no_records", "", "A bevallás iktatásához az iratkezelés (IRAT) szükséges, de nincs bekötve.", "Filing a declaration needs the records module (IRAT) to register it, and it is not connected.")
	}
	if _, ok := kindTaxType[in.Kind]; !ok {
		return declarationPlan{}, problem("bad_kind", "kind", "Válassza ki a bevallás fajtáját.", "Choose the kind of declaration.")
	}
	if in.Source != SourceClerk && in.Source != SourceAPI && in.Source != SourceNAVImport {
		return declarationPlan{}, problem("bad_source", "source", "Ismeretlen forrás.", "Unknown source.")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if len(in.Reason) > 1000 || len(in.ExternalID) > 100 {
		return declarationPlan{}, problem("too_long", "reason", "Az indoklás legfeljebb 1000 karakter.", "The reason is at most 1000 characters.")
	}
	if tp == nil {
		var err error
		if tp, err = taxpayerByID(ctx, tx, in.TaxpayerID); err != nil {
			return declarationPlan{}, err
		}
		if tp == nil {
			return declarationPlan{}, errNoTaxpayer
		}
	}
	if in.KSH == "" {
		t, _ := db.TenantFrom(ctx)
		in.KSH = string(t)
	}
	c, err := s.compute(ctx, tx, &in)
	if err != nil {
		return declarationPlan{}, err
	}
	// The declaration in force for the same period, if any.
	var prev []Declaration
	if err := tx.NewSelect().Model(&prev).Where("taxpayer_id = ? AND kind = ? AND period = ? AND status = 'filed'", tp.ID, in.Kind, c.period).Scan(ctx); err != nil {
		return declarationPlan{}, fmt.Errorf("declarations in force: %w", err)
	}
	var old *Declaration
	if len(prev) > 0 {
		old = &prev[0]
	}
	switch {
	case in.Corrects == nil && old != nil:
		return declarationPlan{}, problem("already_filed", "corrects", "Erre az időszakra már van bevallás (%s); a módosításhoz adjon be helyesbítő bevallást, amely azt javítja.",
			"There already is a declaration for this period (%s); to change it, file a correcting declaration that names it.", or(old.Number, old.ID.String()))
	case in.Corrects != nil && (old == nil || old.ID != *in.Corrects):
		return declarationPlan{}, problem("bad_corrects", "corrects", "A javított bevallás nem ennek az adózónak erre az időszakra hatályos bevallása.",
			"The declaration to correct is not this taxpayer's declaration in force for this period.")
	case in.Corrects != nil && in.Reason == "":
		return declarationPlan{}, problem("no_reason", "reason", "Írja le, mit javít a bevallás.", "Say what the declaration corrects.")
	}
	raw, err := json.Marshal(in.Figures)
	if err != nil {
		return declarationPlan{}, err
	}
	now := s.now().UTC()
	p := declarationPlan{tp: *tp, old: old, reason: in.Reason, charges: c.charges, now: now}
	p.d = Declaration{ID: uuid.Must(uuid.NewV7()), Kind: in.Kind, TaxpayerID: tp.ID, TaxType: string(kindTaxType[in.Kind]), TaxYear: c.year,
		Period: c.period, From: c.from, To: c.to, FiguresRaw: string(raw), Base: c.base, Tax: c.tax, Source: in.Source,
		Status: StatusFiled, Corrects: in.Corrects, Reason: in.Reason, ExternalID: strings.TrimSpace(in.ExternalID), FiledAt: now, FiledBy: by}
	p.subject = KindName(in.Kind) + ", " + c.period
	if old != nil {
		p.subject = "Helyesbítő " + strings.ToLower(p.subject[:1]) + p.subject[1:]
	}
	p.partner = tp.Name + " (" + tp.TaxID + ")"
	// The lines charged before, to post only the differences.
	before := map[string]hu.Forint{}
	if old != nil {
		var olds []Charge
		if err := tx.NewSelect().Model(&olds).Where("declaration_id = ?", old.ID).Scan(ctx); err != nil {
			return declarationPlan{}, fmt.Errorf("charges of %s: %w", old.ID, err)
		}
		for _, o := range olds {
			before[o.Line] = o.Amount
		}
	}
	for i := range p.charges {
		ch := &p.charges[i]
		diff := ch.Amount - before[ch.Line]
		if diff == 0 {
			continue
		}
		pin := PostingInput{TaxpayerID: tp.ID, TaxType: ch.TaxType, Side: Debit, Amount: diff, On: ch.Due, TaxYear: ch.TaxYear,
			Kind: "declaration", Note: KindName(p.d.Kind) + " " + p.d.Period + " (" + ch.Line + ")"}
		if diff < 0 {
			// Less than before (or advances above the tax): a credit
			// with its reason, never a negative debit.
			pin.Side, pin.Amount, pin.Kind = Credit, -diff, "declaration_credit"
			if old != nil {
				pin.Note += ": " + in.Reason
			}
		}
		// Checked now (the reference, the iktatószám, comes later), so that
		// a refusal comes before anything is registered or written.
		if pin, err = s.checkPosting(pin); err != nil {
			return declarationPlan{}, err
		}
		p.postings = append(p.postings, pin)
		p.postingOf = append(p.postingOf, i)
	}
	return p, nil
}

// writeDeclaration writes a prepared declaration under its iktatószám and
// returns the audit events to record with it (the postings', then the
// declaration's).
func (s *Service) writeDeclaration(ctx context.Context, tx bun.Tx, p *declarationPlan, number, by string) ([]audit.Event, error) {
	p.d.Number = number
	if p.old != nil {
		if _, err := tx.NewUpdate().Model((*Declaration)(nil)).Set("status = ?", StatusCorrected).Where("id = ?", p.old.ID).Exec(ctx); err != nil {
			return nil, fmt.Errorf("mark corrected: %w", err)
		}
	}
	if _, err := tx.NewInsert().Model(&p.d).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) && p.d.ExternalID != "" {
			return nil, problem("already_imported", "", "Ez a bevallás (%s) már szerepel.", "This return (%s) is already recorded.", p.d.ExternalID)
		}
		if db.IsUniqueViolation(err) { // filed at the same moment by someone else
			return nil, problem("already_filed", "corrects", "Erre az időszakra közben bevallást rögzítettek; a módosításhoz adjon be helyesbítő bevallást.",
				"A declaration for this period was filed meanwhile; to change it, file a correcting declaration.")
		}
		return nil, fmt.Errorf("insert declaration: %w", err)
	}
	evs := make([]audit.Event, 0, len(p.postings)+1)
	if len(p.postings) > 0 {
		ps := make([]Posting, len(p.postings))
		for i, pin := range p.postings {
			pin.Reference = number
			ps[i] = newPosting(pin, by, p.now)
			p.charges[p.postingOf[i]].PostingID = &ps[i].ID
			evs = append(evs, audit.Event{Action: "tax.post", ObjectType: "posting", ObjectID: ps[i].ID.String(), Result: audit.ResultOK,
				Detail: postingDetail(ps[i], p.tp.TaxID, by)})
		}
		if err := InsertPostings(ctx, tx, ps); err != nil {
			return nil, err
		}
	}
	for i := range p.charges {
		p.charges[i].DeclarationID = p.d.ID
	}
	if len(p.charges) > 0 {
		if _, err := tx.NewInsert().Model(&p.charges).Exec(ctx); err != nil {
			return nil, fmt.Errorf("insert charges: %w", err)
		}
	}
	detail := map[string]any{"kind": p.d.Kind, "taxpayer": p.tp.TaxID, "period": p.d.Period, "tax": int64(p.d.Tax), "number": p.d.Number, "source": p.d.Source, "by": by}
	if p.old != nil {
		detail["corrects"] = p.old.ID.String()
		detail["reason"] = p.reason
	}
	return append(evs, audit.Event{Action: "tax.declaration_file", ObjectType: "declaration", ObjectID: p.d.ID.String(), Result: audit.ResultOK, Detail: detail}), nil
}

var errNoDeclaration = problem("no_declaration", "", "Nincs ilyen bevallás.", "There is no such declaration.")

// DeclarationView is a declaration with its taxpayer and account lines.
type DeclarationView struct {
	Declaration
	Taxpayer  Taxpayer
	Charges   []Charge
	Figures   Figures
	Corrected *Declaration // the declaration this one corrects
	Successor *Declaration // the declaration that corrects this one
}

// LoadDeclaration returns one of the tenant's declarations.
func LoadDeclaration(ctx context.Context, tx bun.IDB, id uuid.UUID) (DeclarationView, error) {
	var v DeclarationView
	err := tx.NewSelect().Model(&v.Declaration).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return v, errNoDeclaration
	}
	if err != nil {
		return v, fmt.Errorf("declaration %s: %w", id, err)
	}
	v.Figures = v.Declaration.Figures()
	tp, err := taxpayerByID(ctx, tx, v.TaxpayerID)
	if err != nil || tp == nil {
		return v, fmt.Errorf("taxpayer of declaration %s: %v", id, err)
	}
	v.Taxpayer = *tp
	if err := tx.NewSelect().Model(&v.Charges).Where("declaration_id = ?", id).OrderExpr("due_on, line").Scan(ctx); err != nil {
		return v, err
	}
	if v.Corrects != nil {
		var c Declaration
		if err := tx.NewSelect().Model(&c).Where("id = ?", *v.Corrects).Scan(ctx); err != nil {
			return v, err
		}
		v.Corrected = &c
	}
	var succ []Declaration
	if err := tx.NewSelect().Model(&succ).Where("corrects = ?", id).Limit(1).Scan(ctx); err != nil {
		return v, err
	}
	if len(succ) > 0 {
		v.Successor = &succ[0]
	}
	return v, nil
}

// DeclarationFilter narrows the list.
type DeclarationFilter struct {
	Kind, Period, Taxpayer string // Taxpayer: part of the name or identifier
	Limit                  int
}

// DeclarationRow is a line of the list.
type DeclarationRow struct {
	Declaration
	Taxpayer Taxpayer
}

// ListDeclarations lists the tenant's declarations, newest first.
func ListDeclarations(ctx context.Context, tx bun.IDB, f DeclarationFilter) ([]DeclarationRow, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	var ds []Declaration
	sel := tx.NewSelect().Model(&ds).OrderExpr("filed_at DESC, id DESC").Limit(int64(f.Limit))
	if f.Kind != "" {
		sel.Where("kind = ?", f.Kind)
	}
	if p := strings.TrimSpace(f.Period); p != "" {
		sel.Where("period LIKE ?", p+"%")
	}
	if q := strings.TrimSpace(f.Taxpayer); q != "" {
		tps, err := searchTaxpayers(ctx, tx, q, 1000)
		if err != nil {
			return nil, err
		}
		ids := []uuid.UUID{uuid.Nil}
		for _, tp := range tps {
			ids = append(ids, tp.ID)
		}
		sel.Where("taxpayer_id IN (?)", bun.In(ids))
	}
	if err := sel.Scan(ctx); err != nil {
		return nil, fmt.Errorf("declarations: %w", err)
	}
	seen := map[uuid.UUID]*Taxpayer{}
	rows := make([]DeclarationRow, 0, len(ds))
	for _, d := range ds {
		tp, ok := seen[d.TaxpayerID]
		if !ok {
			var err error
			if tp, err = taxpayerByID(ctx, tx, d.TaxpayerID); err != nil {
				return nil, err
			}
			seen[d.TaxpayerID] = tp
		}
		row := DeclarationRow{Declaration: d}
		if tp != nil {
			row.Taxpayer = *tp
		}
		rows = append(rows, row)
	}
	return rows, nil
}
