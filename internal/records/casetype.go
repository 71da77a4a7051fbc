package records

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/db"
)

// DeadlineUnit says how a case type's deadline is counted.
type DeadlineUnit string

const (
	// Days are calendar days. The ügyintézési határidő ends on the
	// N-th day after arrival even when that is a rest day: unlike a
	// client's deadline it does not move to the next working day
	// (Ákr. 50. § (1), (5); domain brief §2.8).
	Days DeadlineUnit = "day"
	// WorkingDays count working days on the Hungarian calendar.
	WorkingDays DeadlineUnit = "working_day"
	// Hours run from the time of arrival (automatic decision: 24 hours).
	Hours DeadlineUnit = "hour"
	// NoDeadline is for tasks without a statutory deadline; the assigner
	// may still set one.
	NoDeadline DeadlineUnit = "none"
)

// Valid reports whether u is a known unit.
func (u DeadlineUnit) Valid() bool {
	return u == Days || u == WorkingDays || u == Hours || u == NoDeadline
}

// CaseType is a kind of case with its deadline (ügyintézési határidő).
// The built-in ones are below; a municipality may change their deadline
// or add its own (records_case_types), because module-specific deadlines
// are configuration, not constants.
type CaseType struct {
	bun.BaseModel `bun:"table:records_case_types"`
	db.TenantScoped

	Code      string       `bun:"code,pk" json:"code"`
	Name      string       `bun:"name" json:"name"`
	Days      int          `bun:"days" json:"days"`
	Unit      DeadlineUnit `bun:"unit" json:"unit"`
	Source    string       `bun:"source" json:"source"` // the rule it comes from
	Active    bool         `bun:"active" json:"active"`
	UpdatedAt time.Time    `bun:"updated_at" json:"-"`
	UpdatedBy string       `bun:"updated_by" json:"-"`
	// BuiltIn marks a type of the built-in list (changed or not).
	BuiltIn bool `bun:"-" json:"built_in"`
}

// DefaultCaseType is used when an assigner names none: the full
// procedure of the Ákr.
const DefaultCaseType = "altalanos"

// builtInCaseTypes are the deadlines of domain brief §2.8. Hagyatéki
// leltár deadlines (Hetv.) are set by that module.
var builtInCaseTypes = []CaseType{
	{Code: "altalanos", Name: "Hatósági ügy, teljes eljárás", Days: 60, Unit: Days, Source: "Ákr. 50. § (2) c)"},
	{Code: "sommas", Name: "Sommás eljárás", Days: 8, Unit: Days, Source: "Ákr. 50. § (2) b), 41. §"},
	{Code: "automatikus", Name: "Automatikus döntéshozatal", Days: 24, Unit: Hours, Source: "Ákr. 50. § (2) a), 40. §"},
	{Code: "eljarasi", Name: "Eljárási cselekmény külön határidő nélkül", Days: 8, Unit: Days, Source: "Ákr. 50. § (6)"},
	{Code: "kozerdeku", Name: "Közérdekű adatigénylés", Days: 15, Unit: Days, Source: "Infotv. 29. § (1)"},
	{Code: "szolg_igazolas", Name: "Szolgáltatás bejelentése: igazolás vagy figyelmeztetés", Days: 8, Unit: Days, Source: "Szolgtv. 23. § (1)"},
	{Code: "szolg_nyilvantartas", Name: "Szolgáltatás bejelentése: nyilvántartásba vétel", Days: 15, Unit: Days, Source: "Szolgtv. 27. § (1)"},
	{Code: "mukodesi_engedely", Name: "Működési engedély (kereskedelem)", Days: 20, Unit: Days, Source: "Kerr. 2/A. § (2)"},
	{Code: "telepengedely", Name: "Telepengedély", Days: 30, Unit: Days, Source: "Telr. 4/A. § (2)"},
	{Code: "zenes_tancos", Name: "Zenés, táncos rendezvény engedélye", Days: 20, Unit: Days, Source: "Zter. 3. § (3)"},
	{Code: "vasar_piac", Name: "Vásár, piac üzemeltetési engedélye", Days: 20, Unit: Days, Source: "Vpr. 4. § (5)"},
	{Code: "ertekbizonyitvany", Name: "Adó- és értékbizonyítvány", Days: 8, Unit: Days, Source: "Itv. 101. §"},
	{Code: "epapir_befogadas", Name: "E-Papír: befogadhatatlanság közlése", Days: 8, Unit: Days, Source: "Dápr. 19. § (2)"},
	{Code: "hatosagi_igazolas", Name: "Hatósági igazolás", Days: 10, Unit: Days, Source: "Dápr. 46. § (3)"},
	{Code: "belso", Name: "Belső feladat (nincs jogszabályi határidő)", Days: 0, Unit: NoDeadline, Source: ""},
}

// Due returns the last day of the deadline for an item that arrived at
// arrived (the legally relevant time), and false when the type has none.
// The day of arrival is not counted (Ákr. 50. § (1): the deadline starts
// the day after arrival).
func (ct CaseType) Due(arrived time.Time) (hu.Date, bool, error) {
	start := hu.DateOf(arrived)
	switch ct.Unit {
	case Days:
		return start.AddDays(ct.Days), true, nil
	case WorkingDays:
		d, err := hu.AddWorkingDays(start, ct.Days)
		return d, err == nil, err
	case Hours:
		return hu.DateOf(arrived.Add(time.Duration(ct.Days) * time.Hour)), true, nil
	}
	return hu.Date{}, false, nil
}

// Describe says the deadline in words, in lang.
func (ct CaseType) Describe(lang string) string {
	en := lang == "en"
	switch ct.Unit {
	case Days:
		if en {
			return fmt.Sprintf("%d days", ct.Days)
		}
		return fmt.Sprintf("%d nap", ct.Days)
	case WorkingDays:
		if en {
			return fmt.Sprintf("%d working days", ct.Days)
		}
		return fmt.Sprintf("%d munkanap", ct.Days)
	case Hours:
		if en {
			return fmt.Sprintf("%d hours", ct.Days)
		}
		return fmt.Sprintf("%d óra", ct.Days)
	}
	if en {
		return "no deadline"
	}
	return "nincs határidő"
}

var caseTypeCode = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// caseTypes returns the tenant's case types: the built-in list with the
// tenant's changes, then its own, active ones first within each.
func caseTypes(ctx context.Context, tx bun.IDB) ([]CaseType, error) {
	var own []CaseType
	if err := tx.NewSelect().Model(&own).OrderExpr("code").Scan(ctx); err != nil {
		return nil, fmt.Errorf("case types: %w", err)
	}
	byCode := map[string]CaseType{}
	for _, ct := range own {
		byCode[ct.Code] = ct
	}
	out := make([]CaseType, 0, len(builtInCaseTypes)+len(own))
	for _, ct := range builtInCaseTypes {
		if changed, ok := byCode[ct.Code]; ok {
			ct = changed
			delete(byCode, ct.Code)
		} else {
			ct.Active = true
		}
		ct.BuiltIn = true
		out = append(out, ct)
	}
	for _, ct := range own {
		if _, ok := byCode[ct.Code]; ok {
			out = append(out, ct)
		}
	}
	return out, nil
}

// caseType returns one of the tenant's case types, or nil.
func caseType(ctx context.Context, tx bun.IDB, code string) (*CaseType, error) {
	all, err := caseTypes(ctx, tx)
	if err != nil {
		return nil, err
	}
	for _, ct := range all {
		if ct.Code == code {
			return &ct, nil
		}
	}
	return nil, nil
}

// SaveCaseType adds a case type of the tenant, or changes one (built-in
// ones too: their deadline, name or whether they are offered).
func (s *Service) SaveCaseType(ctx context.Context, tx bun.Tx, ct CaseType, by string) (CaseType, error) {
	ct.Code = strings.TrimSpace(ct.Code)
	ct.Name = strings.TrimSpace(ct.Name)
	ct.Source = strings.TrimSpace(ct.Source)
	switch {
	case !caseTypeCode.MatchString(ct.Code):
		return CaseType{}, problem("bad_case_type_code", "code",
			"A kód 2–40 karakter: kisbetű, számjegy és aláhúzás, betűvel kezdve (például: fakivagas).",
			"The code is 2–40 characters: lower-case letters, digits and underscores, starting with a letter (e.g. tree_felling).")
	case ct.Name == "" || len(ct.Name) > 200:
		return CaseType{}, problem("bad_case_type_name", "name", "Adja meg az ügytípus megnevezését (legfeljebb 200 karakter).", "Give the name of the case type (at most 200 characters).")
	case !ct.Unit.Valid():
		return CaseType{}, problem("bad_case_type_unit", "unit", "Válassza ki, miben számít a határidő.", "Choose how the deadline is counted.")
	case ct.Unit != NoDeadline && (ct.Days < 1 || ct.Days > 3650):
		return CaseType{}, problem("bad_case_type_days", "days", "A határidő 1 és 3650 közötti egész szám legyen.", "The deadline must be a whole number from 1 to 3650.")
	case len(ct.Source) > 200:
		return CaseType{}, problem("bad_case_type_source", "source", "A jogszabályhely legfeljebb 200 karakter.", "The legal source is at most 200 characters.")
	}
	if ct.Unit == NoDeadline {
		ct.Days = 0
	}
	before, err := caseType(ctx, tx, ct.Code)
	if err != nil {
		return CaseType{}, err
	}
	ct.UpdatedAt, ct.UpdatedBy = s.now().UTC(), by
	if _, err := tx.NewInsert().Model(&ct).
		On("CONFLICT (tenant_id, code) DO UPDATE").
		Set("name = EXCLUDED.name, days = EXCLUDED.days, unit = EXCLUDED.unit, source = EXCLUDED.source, active = EXCLUDED.active, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by").
		Exec(ctx); err != nil {
		return CaseType{}, fmt.Errorf("save case type %s: %w", ct.Code, err)
	}
	detail := map[string]any{"code": ct.Code, "name": ct.Name, "days": ct.Days, "unit": ct.Unit, "active": ct.Active}
	if before != nil {
		detail["before"] = map[string]any{"name": before.Name, "days": before.Days, "unit": before.Unit, "active": before.Active}
	}
	return ct, appendAudit(ctx, tx, "records.case_type_save", "case_type", ct.Code, detail, s.now())
}
