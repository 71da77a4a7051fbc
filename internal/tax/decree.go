package tax

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/tenancy"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// Decree is an adórendelet: which local taxes the municipality levies and
// at what rates, from a tax year on. Never changed: a later decree sets
// new rates, and one that repeals this names it in Replaces.
type Decree struct {
	bun.BaseModel `bun:"table:tax_decrees"`
	db.TenantScoped

	ID            uuid.UUID  `bun:"id,pk,type:uuid" json:"id"`
	Number        string     `bun:"number" json:"number"`
	Title         string     `bun:"title" json:"title"`
	AdoptedOn     hu.Date    `bun:"adopted_on" json:"adopted_on"`
	EffectiveFrom hu.Date    `bun:"effective_from" json:"effective_from"`
	TaxYear       int        `bun:"tax_year" json:"tax_year"`
	Replaces      *uuid.UUID `bun:"replaces,type:uuid" json:"replaces,omitempty"`
	RecordedAt    time.Time  `bun:"recorded_at" json:"recorded_at"`
	RecordedBy    string     `bun:"recorded_by" json:"recorded_by"`
}

// DecreeRate is one rate line of a decree.
type DecreeRate struct {
	bun.BaseModel `bun:"table:tax_decree_rates"`
	db.TenantScoped

	DecreeID uuid.UUID    `bun:"decree_id,pk,type:uuid" json:"decree_id"`
	Line     int          `bun:"line,pk" json:"line"`
	TaxType  caps.TaxType `bun:"tax_type" json:"tax_type"`
	Basis    caps.Basis   `bun:"basis" json:"basis"`
	Rate     caps.Rate    `bun:"rate" json:"rate_milli"`
	Zone     string       `bun:"zone" json:"zone,omitempty"`
	Category string       `bun:"category" json:"category,omitempty"`
	// BandFrom and BandTo bound the base a banded rate (sáv) applies to.
	BandFrom *int64 `bun:"band_from" json:"band_from,omitempty"`
	BandTo   *int64 `bun:"band_to" json:"band_to,omitempty"`
	TaxYear  int    `bun:"tax_year" json:"tax_year"`
}

// key is what a later rate replaces: the same tax, basis, zone, category
// and band.
func (r DecreeRate) key() string {
	b := func(p *int64) string {
		if p == nil {
			return "-"
		}
		return fmt.Sprint(*p)
	}
	return strings.Join([]string{string(r.TaxType), string(r.Basis), r.Zone, r.Category, b(r.BandFrom), b(r.BandTo)}, "\x00")
}

// Relief kinds.
const (
	Exemption = "exemption" // mentesség
	Discount  = "discount"  // kedvezmény
)

// DecreeRelief is an exemption or discount of a decree, kept as text with
// either a percentage or an amount; assessment reads them later.
type DecreeRelief struct {
	bun.BaseModel `bun:"table:tax_decree_reliefs"`
	db.TenantScoped

	DecreeID    uuid.UUID    `bun:"decree_id,pk,type:uuid" json:"decree_id"`
	Line        int          `bun:"line,pk" json:"line"`
	TaxType     caps.TaxType `bun:"tax_type" json:"tax_type"`
	Kind        string       `bun:"kind" json:"kind"`
	Description string       `bun:"description" json:"description"`
	// Percent is in thousandths of a percent (caps.Rate), Amount in forints.
	Percent *caps.Rate `bun:"percent" json:"percent_milli,omitempty"`
	Amount  *int64     `bun:"amount" json:"amount,omitempty"`
}

// DecreeExclusion makes two of the decree's taxes mutually exclusive on
// an object: objects of TaxType are not taxed where the same parcel (the
// same helyrajzi szám) is liable to Prevails in the year. The brief (§A.1)
// leaves open whether the Htv. itself forbids both, so it is the decree's
// choice, as in the Pécel decree that exempts dwellings liable to the
// communal tax from the building tax.
type DecreeExclusion struct {
	bun.BaseModel `bun:"table:tax_decree_exclusions"`
	db.TenantScoped

	DecreeID    uuid.UUID    `bun:"decree_id,pk,type:uuid" json:"decree_id"`
	Line        int          `bun:"line,pk" json:"line"`
	TaxType     caps.TaxType `bun:"tax_type" json:"tax_type"`
	Prevails    caps.TaxType `bun:"prevails" json:"prevails"`
	Description string       `bun:"description" json:"description"`
}

// exclusiveTaxes are the object taxes an exclusion may name: those levied
// on a parcel's buildings, plots and dwellings.
var exclusiveTaxes = map[caps.TaxType]bool{caps.BuildingTax: true, caps.LandTax: true, caps.CommunalTax: true}

// NewDecree is a decree to record with its lines.
type NewDecree struct {
	Number, Title string
	AdoptedOn     hu.Date
	EffectiveFrom hu.Date
	TaxYear       int
	Replaces      *uuid.UUID
	Rates         []DecreeRate
	Reliefs       []DecreeRelief
	Exclusions    []DecreeExclusion
	By            string
	// Levier is who adopts the decree; LevierFor derives it from the
	// tenant's KSH code.
	Levier caps.Levier
}

// DecreeProblem is a refusal of a decree, naming the form field and, for
// a line, its number (1-based).
type DecreeProblem struct {
	Code, Field string
	Line        int
	HU, EN      string
}

func (p *DecreeProblem) Error() string { return p.EN }

// Message returns the text in lang.
func (p *DecreeProblem) Message(lang string) string {
	if lang == "en" {
		return p.EN
	}
	return p.HU
}

func decreeProblem(code, field, huText, en string) *DecreeProblem {
	return &DecreeProblem{Code: code, Field: field, HU: huText, EN: en}
}

// budapest maps the gazetteer's Budapest rows to their levier kind: the
// capital (főváros) and its districts (fővárosi kerület).
var budapest = sync.OnceValue(func() map[db.TenantID]caps.Levier {
	m := map[db.TenantID]caps.Levier{}
	places, err := tenancy.ParseGazetteer(tenancy.Gazetteer2018())
	if err != nil {
		return m
	}
	for _, p := range places {
		switch p.LegalStatus {
		case "főváros":
			m[p.KSHCode] = caps.BudapestCapital
		case "fővárosi kerület":
			m[p.KSHCode] = caps.BudapestDistrict
		}
	}
	return m
})

// LevierFor is the kind of local government a tenant is: the capital, a
// Budapest district, or (any other KSH code) a municipality.
func LevierFor(t db.TenantID) caps.Levier {
	if l, ok := budapest()[t]; ok {
		return l
	}
	return caps.Municipality
}

// RecordDecree checks a decree and records it with its lines in the
// caller's tenant transaction. Every rate goes through caps.CheckRate with
// the rate in force before it for the same tax, basis, zone, category and
// band; a refusal names the line.
func RecordDecree(ctx context.Context, tx bun.Tx, n NewDecree, now time.Time) (Decree, error) {
	// Own copies: the lines get ids and tenants written into them.
	n.Rates = append([]DecreeRate(nil), n.Rates...)
	n.Reliefs = append([]DecreeRelief(nil), n.Reliefs...)
	n.Exclusions = append([]DecreeExclusion(nil), n.Exclusions...)
	n.Number = strings.Join(strings.Fields(n.Number), " ")
	n.Title = strings.Join(strings.Fields(n.Title), " ")
	switch {
	case n.Number == "":
		return Decree{}, decreeProblem("decree_number", "number", "Adja meg a rendelet számát, például 12/2026. (XI. 28.).", "Enter the decree's number, e.g. 12/2026. (XI. 28.).")
	case n.Title == "":
		return Decree{}, decreeProblem("decree_title", "title", "Adja meg a rendelet címét.", "Enter the decree's title.")
	case !n.AdoptedOn.IsValid():
		return Decree{}, decreeProblem("decree_adopted", "adopted_on", "Adja meg a kihirdetés napját ÉÉÉÉ-HH-NN alakban.", "Give the day of promulgation as YYYY-MM-DD.")
	case !n.EffectiveFrom.IsValid():
		return Decree{}, decreeProblem("decree_effective", "effective_from", "Adja meg a hatálybalépés napját ÉÉÉÉ-HH-NN alakban.", "Give the day of entry into force as YYYY-MM-DD.")
	case n.TaxYear < 1991 || n.TaxYear > 9999:
		return Decree{}, decreeProblem("decree_year", "tax_year", "Adja meg az adóévet, amelytől a rendelet alkalmazandó.", "Enter the tax year the decree first applies to.")
	case len(n.Rates) == 0 && len(n.Reliefs) == 0 && len(n.Exclusions) == 0:
		return Decree{}, decreeProblem("decree_empty", "rate1_tax_type", "Adjon meg legalább egy adómértéket.", "Enter at least one rate.")
	}
	if n.EffectiveFrom.Year != n.TaxYear {
		return Decree{}, decreeProblem("decree_effective", "effective_from",
			fmt.Sprintf("A hatálybalépés napja (%s) nem a %d. adóévbe esik.", n.EffectiveFrom, n.TaxYear),
			fmt.Sprintf("The day of entry into force (%s) is not in tax year %d.", n.EffectiveFrom, n.TaxYear))
	}
	// Scan, not Count: the tenant hook is what restricts the query.
	var same []Decree
	if err := tx.NewSelect().Model(&same).Where("number = ?", n.Number).Limit(1).Scan(ctx); err != nil {
		return Decree{}, err
	}
	if len(same) > 0 {
		return Decree{}, decreeProblem("decree_exists", "number",
			fmt.Sprintf("Már rögzítettek %s számú rendeletet.", n.Number), fmt.Sprintf("A decree numbered %s is already recorded.", n.Number))
	}
	if n.Replaces != nil {
		old, err := DecreeByID(ctx, tx, *n.Replaces)
		if err != nil {
			return Decree{}, err
		}
		// Repealing a decree from a later year would reach back into it.
		if old.TaxYear > n.TaxYear {
			return Decree{}, decreeProblem("replaces_later", "replaces",
				fmt.Sprintf("A(z) %s rendelet a %d. adóévtől alkalmazandó; %d. évre szóló rendelet nem helyezheti hatályon kívül.", old.Number, old.TaxYear, n.TaxYear),
				fmt.Sprintf("Decree %s applies from tax year %d; a decree for %d cannot repeal it.", old.Number, old.TaxYear, n.TaxYear))
		}
	}
	// The rates in force before this decree, for the year it applies to.
	before, err := RatesFor(ctx, tx, n.TaxYear)
	if err != nil {
		return Decree{}, err
	}
	prev := map[string]caps.Rate{}
	for _, r := range before {
		prev[r.key()] = r.Rate
	}
	seen := map[string]int{}
	for i := range n.Rates {
		r := &n.Rates[i]
		line := i + 1
		r.Line, r.TaxYear = line, n.TaxYear
		r.Zone = strings.TrimSpace(r.Zone)
		r.Category = strings.TrimSpace(r.Category)
		if r.BandFrom != nil && r.BandTo != nil && *r.BandTo <= *r.BandFrom {
			return Decree{}, lineProblem(line, "band", &caps.Problem{Code: "band", HU: "A sáv felső határa nagyobb legyen az alsónál.", EN: "A band's upper bound must exceed its lower bound."})
		}
		if (r.BandFrom != nil && *r.BandFrom < 0) || (r.BandTo != nil && *r.BandTo < 0) {
			return Decree{}, lineProblem(line, "band", &caps.Problem{Code: "band", HU: "A sáv határa nem lehet negatív.", EN: "A band's bound cannot be negative."})
		}
		k := r.key()
		if other, ok := seen[k]; ok {
			return Decree{}, lineProblem(line, "tax_type", &caps.Problem{Code: "duplicate",
				HU: fmt.Sprintf("Ugyanezt a mértéket a(z) %d. sor is megadja.", other), EN: fmt.Sprintf("Line %d sets the same rate.", other)})
		}
		seen[k] = line
		var p *caps.Rate
		if v, ok := prev[k]; ok {
			p = &v
		}
		if err := caps.CheckRate(n.Levier, r.TaxType, r.Basis, n.TaxYear, r.Rate, p, n.AdoptedOn, n.EffectiveFrom); err != nil {
			var cp *caps.Problem
			if errors.As(err, &cp) {
				return Decree{}, lineProblem(line, "rate", cp)
			}
			return Decree{}, err
		}
	}
	for i := range n.Reliefs {
		rl := &n.Reliefs[i]
		line := i + 1
		rl.Line = line
		rl.Description = strings.Join(strings.Fields(rl.Description), " ")
		field := fmt.Sprintf("relief%d_description", line)
		t, err := caps.Default()
		if err != nil {
			return Decree{}, err
		}
		if _, ok := t.Type(rl.TaxType); !ok {
			return Decree{}, &DecreeProblem{Code: "relief", Field: fmt.Sprintf("relief%d_tax_type", line), Line: line,
				HU: fmt.Sprintf("%d. kedvezmény: válassza ki az adónemet.", line), EN: fmt.Sprintf("Relief %d: choose the tax type.", line)}
		}
		if rl.Kind != Exemption && rl.Kind != Discount || rl.Description == "" ||
			(rl.Percent != nil && (*rl.Percent <= 0 || *rl.Percent > 100*caps.RateUnit)) || (rl.Amount != nil && *rl.Amount <= 0) ||
			(rl.Percent != nil && rl.Amount != nil) {
			return Decree{}, &DecreeProblem{Code: "relief", Field: field, Line: line,
				HU: fmt.Sprintf("%d. kedvezmény: adja meg a fajtáját, leírását és legfeljebb egy mértéket (0–100 %% vagy pozitív forintösszeg).", line),
				EN: fmt.Sprintf("Relief %d: give its kind, a description and at most one measure (0–100 %% or a positive amount).", line)}
		}
	}
	for i := range n.Exclusions {
		ex := &n.Exclusions[i]
		line := i + 1
		ex.Line = line
		ex.Description = strings.Join(strings.Fields(ex.Description), " ")
		switch {
		case !exclusiveTaxes[ex.TaxType] || !exclusiveTaxes[ex.Prevails]:
			return Decree{}, &DecreeProblem{Code: "exclusion", Field: fmt.Sprintf("exclusion%d_tax_type", line), Line: line,
				HU: fmt.Sprintf("%d. kizárás: építményadó, telekadó és kommunális adó zárhatja ki egymást.", line),
				EN: fmt.Sprintf("Exclusion %d: building tax, land tax and the communal tax can exclude one another.", line)}
		case ex.TaxType == ex.Prevails:
			return Decree{}, &DecreeProblem{Code: "exclusion", Field: fmt.Sprintf("exclusion%d_prevails", line), Line: line,
				HU: fmt.Sprintf("%d. kizárás: egy adó nem zárhatja ki önmagát; válasszon másik adónemet.", line),
				EN: fmt.Sprintf("Exclusion %d: a tax cannot exclude itself; choose another tax.", line)}
		case ex.Description == "" || len(ex.Description) > 500:
			return Decree{}, &DecreeProblem{Code: "exclusion", Field: fmt.Sprintf("exclusion%d_description", line), Line: line,
				HU: fmt.Sprintf("%d. kizárás: írja le a rendelet szabályát (legfeljebb 500 karakter), például „a kommunális adó alá eső lakás mentes az építményadó alól”.", line),
				EN: fmt.Sprintf("Exclusion %d: describe the decree's rule (at most 500 characters), e.g. “a dwelling liable to the communal tax is exempt from the building tax”.", line)}
		}
		for _, other := range n.Exclusions[:i] {
			if other.TaxType == ex.Prevails && other.Prevails == ex.TaxType {
				return Decree{}, &DecreeProblem{Code: "exclusion", Field: fmt.Sprintf("exclusion%d_prevails", line), Line: line,
					HU: fmt.Sprintf("%d. kizárás: a két adó nem zárhatja ki kölcsönösen egymást, mert akkor egyik sem terhelné a tárgyat.", line),
					EN: fmt.Sprintf("Exclusion %d: the two taxes cannot each exclude the other, for then neither would be levied.", line)}
			}
		}
	}
	d := Decree{ID: uuid.New(), Number: n.Number, Title: n.Title, AdoptedOn: n.AdoptedOn, EffectiveFrom: n.EffectiveFrom,
		TaxYear: n.TaxYear, Replaces: n.Replaces, RecordedAt: now.UTC(), RecordedBy: n.By}
	if _, err := tx.NewInsert().Model(&d).Exec(ctx); err != nil {
		return Decree{}, fmt.Errorf("insert decree: %w", err)
	}
	for i := range n.Rates {
		n.Rates[i].DecreeID = d.ID
	}
	for i := range n.Reliefs {
		n.Reliefs[i].DecreeID = d.ID
	}
	for i := range n.Exclusions {
		n.Exclusions[i].DecreeID = d.ID
	}
	if len(n.Rates) > 0 {
		if _, err := tx.NewInsert().Model(&n.Rates).Exec(ctx); err != nil {
			return Decree{}, fmt.Errorf("insert rates: %w", err)
		}
	}
	if len(n.Reliefs) > 0 {
		if _, err := tx.NewInsert().Model(&n.Reliefs).Exec(ctx); err != nil {
			return Decree{}, fmt.Errorf("insert reliefs: %w", err)
		}
	}
	if len(n.Exclusions) > 0 {
		if _, err := tx.NewInsert().Model(&n.Exclusions).Exec(ctx); err != nil {
			return Decree{}, fmt.Errorf("insert exclusions: %w", err)
		}
	}
	detail := map[string]any{"number": d.Number, "tax_year": d.TaxYear, "rates": len(n.Rates), "reliefs": len(n.Reliefs), "exclusions": len(n.Exclusions)}
	if d.Replaces != nil {
		detail["replaces"] = d.Replaces.String()
	}
	return d, taxAudit(ctx, tx, "tax.decree_record", "decree", d.ID.String(), detail, now)
}

func lineProblem(line int, field string, p *caps.Problem) *DecreeProblem {
	return &DecreeProblem{Code: p.Code, Field: fmt.Sprintf("rate%d_%s", line, field), Line: line,
		HU: fmt.Sprintf("%d. sor: %s", line, p.HU), EN: fmt.Sprintf("Line %d: %s", line, p.EN)}
}

// taxAudit appends an entry to the tenant's audit log in tx.
func taxAudit(ctx context.Context, tx bun.Tx, action, objType, objID string, detail map[string]any, now time.Time) error {
	t, _ := db.TenantFrom(ctx)
	_, err := audit.Append(ctx, tx, t, audit.Event{Action: action, ObjectType: objType, ObjectID: objID, Result: audit.ResultOK, Detail: detail}, now)
	return err
}

var errNoDecree = decreeProblem("no_decree", "replaces", "Nincs ilyen adórendelet.", "There is no such tax decree.")

// DecreeByID returns one of the tenant's decrees.
func DecreeByID(ctx context.Context, tx bun.IDB, id uuid.UUID) (Decree, error) {
	var d Decree
	err := tx.NewSelect().Model(&d).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return Decree{}, errNoDecree
	}
	return d, err
}

// DecreeView is a decree with its lines.
type DecreeView struct {
	Decree
	Rates      []DecreeRate
	Reliefs    []DecreeRelief
	Exclusions []DecreeExclusion
	Replaced   *Decree // the decree this one replaces
}

// LoadDecree returns a decree with its lines.
func LoadDecree(ctx context.Context, tx bun.IDB, id uuid.UUID) (DecreeView, error) {
	d, err := DecreeByID(ctx, tx, id)
	if err != nil {
		return DecreeView{}, err
	}
	v := DecreeView{Decree: d}
	if err := tx.NewSelect().Model(&v.Rates).Where("decree_id = ?", id).OrderExpr("line").Scan(ctx); err != nil {
		return v, err
	}
	if err := tx.NewSelect().Model(&v.Reliefs).Where("decree_id = ?", id).OrderExpr("line").Scan(ctx); err != nil {
		return v, err
	}
	if err := tx.NewSelect().Model(&v.Exclusions).Where("decree_id = ?", id).OrderExpr("line").Scan(ctx); err != nil {
		return v, err
	}
	if d.Replaces != nil {
		r, err := DecreeByID(ctx, tx, *d.Replaces)
		if err != nil {
			return v, err
		}
		v.Replaced = &r
	}
	return v, nil
}

// Decrees lists the tenant's decrees, newest tax year first.
func Decrees(ctx context.Context, tx bun.IDB) ([]Decree, error) {
	var ds []Decree
	err := tx.NewSelect().Model(&ds).OrderExpr("tax_year DESC, effective_from DESC, recorded_at DESC").Scan(ctx)
	return ds, err
}

// RateInForce is a rate line in force for a tax year, with its decree.
type RateInForce struct {
	DecreeRate
	DecreeNumber  string  `json:"decree_number"`
	EffectiveFrom hu.Date `json:"effective_from"`
}

// RatesFor returns the rates in force for taxYear: the decrees whose tax
// year is not later, applied in order of tax year and entry into force;
// a decree that replaces another repeals that one's lines, and a line
// replaces an earlier one for the same tax, basis, zone, category and
// band. A decrease taking effect within taxYear counts for the year (it
// is the one change the law allows within a year).
func RatesFor(ctx context.Context, tx bun.IDB, taxYear int) ([]RateInForce, error) {
	var ds []Decree
	if err := tx.NewSelect().Model(&ds).Where("tax_year <= ?", taxYear).
		OrderExpr("tax_year, effective_from, recorded_at").Scan(ctx); err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, nil
	}
	var lines []DecreeRate
	if err := tx.NewSelect().Model(&lines).Where("tax_year <= ?", taxYear).OrderExpr("line").Scan(ctx); err != nil {
		return nil, err
	}
	byDecree := map[uuid.UUID][]DecreeRate{}
	for _, l := range lines {
		byDecree[l.DecreeID] = append(byDecree[l.DecreeID], l)
	}
	inForce := map[string]RateInForce{}
	for _, d := range ds {
		if d.Replaces != nil {
			for k, r := range inForce {
				if r.DecreeID == *d.Replaces {
					delete(inForce, k)
				}
			}
		}
		for _, l := range byDecree[d.ID] {
			inForce[l.key()] = RateInForce{DecreeRate: l, DecreeNumber: d.Number, EffectiveFrom: d.EffectiveFrom}
		}
	}
	out := make([]RateInForce, 0, len(inForce))
	for _, r := range inForce {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.TaxType != b.TaxType {
			return a.TaxType < b.TaxType
		}
		return a.key() < b.key()
	})
	return out, nil
}
