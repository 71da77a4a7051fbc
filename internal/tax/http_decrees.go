package tax

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// The pages of the tax decrees (adórendeletek).

// decreeSeparationRoutes are the decree routes that take an identifier
// (part of SeparationRoutes).
var decreeSeparationRoutes = []separation.Route{
	{Pattern: "GET /tax/decrees/{decree}"},
	{Pattern: "GET /api/v1/tax/decrees/{decree}"},
}

// Rows the form offers; a decree with more lines is recorded in parts
// (a later decree adds lines) or through the API once it exists.
const (
	decreeRateRows      = 5
	decreeReliefRows    = 2
	decreeExclusionRows = 2
)

func (h *handlers) routesDecrees(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(DecreesRead)}
	manage := []web.Middleware{d.Tenant, identity.Require(DecreesManage)}
	rt.Handle("GET /tax/decrees", h.decreesPage, read...)
	rt.Handle("GET /tax/decrees/new", h.decreeForm, manage...)
	rt.Handle("POST /tax/decrees", h.createDecree, manage...)
	rt.Handle("GET /tax/decrees/{decree}", h.decreePage, read...)
	rt.Handle("GET /api/v1/tax/rates", h.apiRates, read...)
	rt.Handle("GET /api/v1/tax/decrees", h.apiDecrees, read...)
	rt.Handle("POST /api/v1/tax/decrees", h.apiCreateDecree, manage...)
	rt.Handle("GET /api/v1/tax/decrees/{decree}", h.apiDecree, read...)
}

// rateChoice is one tax type and basis the form offers.
type rateChoice struct {
	Value string // "epitmenyado/m2"
	Label string
}

// rateChoices lists the tax types a decree can still set, with their bases.
func rateChoices(lang string) []rateChoice {
	t, err := caps.Default()
	if err != nil {
		return nil
	}
	var out []rateChoice
	for _, ty := range t.Types() {
		if ty.Legacy() || !ty.ByDecree {
			continue
		}
		name := ty.NameHU
		if lang == "en" {
			name = ty.NameEN
		}
		for _, b := range ty.Bases {
			out = append(out, rateChoice{Value: string(ty.Code) + "/" + string(b), Label: name + " – " + basisLabel(b, lang)})
		}
	}
	return out
}

func basisLabel(b caps.Basis, lang string) string {
	hu := map[caps.Basis][2]string{
		caps.PerSquareMetre:      {"Ft/m²", "Ft/m²"},
		caps.PercentMarketValue:  {"a korrigált forgalmi érték %-a", "% of corrected market value"},
		caps.PerObject:           {"Ft/adótárgy", "Ft per object"},
		caps.PerGuestNight:       {"Ft/vendégéjszaka", "Ft per guest night"},
		caps.PercentLodgingFee:   {"a szállásdíj %-a", "% of the lodging fee"},
		caps.PercentBusinessBase: {"az adóalap %-a", "% of the tax base"},
		caps.PerDay:              {"Ft/nap", "Ft per day"},
		caps.PerCubicMetre:       {"Ft/m³", "Ft/m³"},
		caps.DecreeDefined:       {"rendeletben meghatározott", "as the decree sets"},
		caps.PerKilowatt:         {"Ft/kW", "Ft/kW"},
	}[b]
	if hu[0] == "" {
		return string(b)
	}
	if lang == "en" {
		return hu[1]
	}
	return hu[0]
}

func typeName(code caps.TaxType, lang string) string {
	if t, err := caps.Default(); err == nil {
		if ty, ok := t.Type(code); ok {
			if lang == "en" {
				return ty.NameEN
			}
			return ty.NameHU
		}
	}
	return string(code)
}

type decreesData struct {
	Year      int
	Rates     []RateInForce
	Decrees   []Decree
	CanManage bool
	lang      string
}

// TypeName and BasisName show a line's tax type and basis.
func (d *decreesData) TypeName(c caps.TaxType) string { return typeName(c, d.lang) }

// BasisName shows a basis.
func (d *decreesData) BasisName(b caps.Basis) string { return basisLabel(b, d.lang) }

// Band shows a rate's band, or "".
func (d *decreesData) Band(r DecreeRate) string { return bandText(r) }

func bandText(r DecreeRate) string {
	switch {
	case r.BandFrom == nil && r.BandTo == nil:
		return ""
	case r.BandTo == nil:
		return hu.GroupDigits(*r.BandFrom) + " –"
	case r.BandFrom == nil:
		return "– " + hu.GroupDigits(*r.BandTo)
	}
	return hu.GroupDigits(*r.BandFrom) + " – " + hu.GroupDigits(*r.BandTo)
}

func thisYear() int { return hu.DateOf(time.Now()).Year }

// decreesPage lists the decrees and what is levied in a tax year.
func (h *handlers) decreesPage(w http.ResponseWriter, r *http.Request) error {
	p := access.PrincipalFrom(r.Context())
	year := thisYear()
	if v := strings.TrimSpace(r.URL.Query().Get("year")); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1991 || y > 9999 {
			return web.BadRequest("tax.decrees.bad_year")
		}
		year = y
	}
	d := &decreesData{Year: year, CanManage: p.Can(DecreesManage), lang: web.RequestLang(r)}
	err := h.deps.DB.InTenantRead(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Rates, err = RatesFor(ctx, tx, year); err != nil {
			return err
		}
		d.Decrees, err = Decrees(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "tax.decrees.title", d)
	return h.deps.Render.Render(w, r, http.StatusOK, "tax/decrees", page)
}

type decreeFormData struct {
	Choices []rateChoice
	Types   []rateChoice // for the reliefs: tax types only
	Rows    []int
	Reliefs []int
	// Exclusions are the rows of mutually exclusive taxes, offered with
	// the object taxes only.
	Exclusions  []int
	ObjectTaxes []rateChoice
	Existing    []Decree
}

func (h *handlers) formData(r *http.Request) (*decreeFormData, error) {
	lang := web.RequestLang(r)
	d := &decreeFormData{Choices: rateChoices(lang)}
	if t, err := caps.Default(); err == nil {
		for _, ty := range t.Types() {
			if !ty.Legacy() && ty.ByDecree {
				d.Types = append(d.Types, rateChoice{Value: string(ty.Code), Label: typeName(ty.Code, lang)})
			}
		}
	}
	for i := 1; i <= decreeRateRows; i++ {
		d.Rows = append(d.Rows, i)
	}
	for i := 1; i <= decreeReliefRows; i++ {
		d.Reliefs = append(d.Reliefs, i)
	}
	for i := 1; i <= decreeExclusionRows; i++ {
		d.Exclusions = append(d.Exclusions, i)
	}
	for _, tt := range []caps.TaxType{caps.BuildingTax, caps.LandTax, caps.CommunalTax} {
		d.ObjectTaxes = append(d.ObjectTaxes, rateChoice{Value: string(tt), Label: typeName(tt, lang)})
	}
	err := h.deps.DB.InTenantRead(r.Context(), access.PrincipalFrom(r.Context()).Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		d.Existing, err = Decrees(ctx, tx)
		return err
	})
	return d, err
}

func (h *handlers) decreeForm(w http.ResponseWriter, r *http.Request) error {
	d, err := h.formData(r)
	if err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "tax.decrees.new", d)
	page.Form = &web.Form{Values: map[string]string{"tax_year": strconv.Itoa(thisYear() + 1)}}
	return h.deps.Render.Render(w, r, http.StatusOK, "tax/decree_form", page)
}

// createDecree records the form's decree, or shows the form again with
// the refusal.
func (h *handlers) createDecree(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return web.BadRequest("tax.decrees.bad_form")
	}
	p := access.PrincipalFrom(r.Context())
	lang := web.RequestLang(r)
	values := map[string]string{}
	for k := range r.PostForm {
		values[k] = r.PostForm.Get(k)
	}
	n, fe := decreeFromForm(r.PostForm.Get, lang)
	var dec Decree
	if fe == nil {
		n.By, n.Levier = p.Username, LevierFor(p.Tenant)
		err := h.deps.DB.InTenant(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			dec, err = RecordDecree(ctx, tx, n, time.Now())
			return err
		})
		var prob *DecreeProblem
		if errors.As(err, &prob) {
			fe = &web.FieldError{Field: prob.Field, Message: prob.Message(lang)}
		} else if err != nil {
			return err
		}
	}
	if fe != nil {
		d, err := h.formData(r)
		if err != nil {
			return err
		}
		page := h.deps.Render.NewPage(r, "tax.decrees.new", d)
		page.Form = &web.Form{Values: values, Errors: []web.FieldError{*fe}}
		return h.deps.Render.Render(w, r, http.StatusUnprocessableEntity, "tax/decree_form", page)
	}
	http.Redirect(w, r, "/tax/decrees/"+dec.ID.String()+"?done=recorded", http.StatusSeeOther)
	return nil
}

// decreeFromForm reads the form; a refusal names its field.
func decreeFromForm(get func(string) string, lang string) (NewDecree, *web.FieldError) {
	msg := func(field, huText, en string) *web.FieldError {
		if lang == "en" {
			return &web.FieldError{Field: field, Message: en}
		}
		return &web.FieldError{Field: field, Message: huText}
	}
	n := NewDecree{Number: get("number"), Title: get("title")}
	var err error
	if n.AdoptedOn, err = hu.ParseDate(get("adopted_on")); err != nil {
		return n, msg("adopted_on", "A kihirdetés napját ÉÉÉÉ-HH-NN alakban adja meg, például 2026-11-28.", "Give the day of promulgation as YYYY-MM-DD, e.g. 2026-11-28.")
	}
	if n.EffectiveFrom, err = hu.ParseDate(get("effective_from")); err != nil {
		return n, msg("effective_from", "A hatálybalépés napját ÉÉÉÉ-HH-NN alakban adja meg, például 2027-01-01.", "Give the day of entry into force as YYYY-MM-DD, e.g. 2027-01-01.")
	}
	if n.TaxYear, err = strconv.Atoi(strings.TrimSpace(get("tax_year"))); err != nil {
		return n, msg("tax_year", "Az adóévet négy számjeggyel adja meg, például 2027.", "Give the tax year in four digits, e.g. 2027.")
	}
	if v := strings.TrimSpace(get("replaces")); v != "" {
		id, err := uuid.Parse(v)
		if err != nil {
			return n, msg("replaces", "Válasszon a rögzített rendeletek közül.", "Choose one of the recorded decrees.")
		}
		n.Replaces = &id
	}
	for i := 1; i <= decreeRateRows; i++ {
		f := func(s string) string { return strings.TrimSpace(get(fmt.Sprintf("rate%d_%s", i, s))) }
		kind, rate := f("tax_type"), f("rate")
		if kind == "" && rate == "" {
			continue
		}
		code, basis, ok := strings.Cut(kind, "/")
		if !ok {
			return n, msg(fmt.Sprintf("rate%d_tax_type", i), fmt.Sprintf("%d. sor: válassza ki az adónemet és az adóalapot.", i), fmt.Sprintf("Line %d: choose the tax type and basis.", i))
		}
		rt, err := caps.ParseRate(rate)
		if err != nil || rt < 0 {
			return n, msg(fmt.Sprintf("rate%d_rate", i), fmt.Sprintf("%d. sor: a mértéket számmal adja meg, legfeljebb három tizedessel, például 1100 vagy 3,6.", i), fmt.Sprintf("Line %d: give the rate as a number with at most three decimals, e.g. 1100 or 3.6.", i))
		}
		line := DecreeRate{TaxType: caps.TaxType(code), Basis: caps.Basis(basis), Rate: rt, Zone: f("zone"), Category: f("category")}
		for _, b := range []struct {
			key string
			dst **int64
		}{{"band", &line.BandFrom}, {"band_to", &line.BandTo}} {
			if v := f(b.key); v != "" {
				x, err := hu.ParseForint(v)
				if err != nil {
					return n, msg(fmt.Sprintf("rate%d_%s", i, b.key), fmt.Sprintf("%d. sor: a sáv határát egész számmal adja meg.", i), fmt.Sprintf("Line %d: give the band's bound as a whole number.", i))
				}
				v := int64(x)
				*b.dst = &v
			}
		}
		n.Rates = append(n.Rates, line)
	}
	for i := 1; i <= decreeReliefRows; i++ {
		f := func(s string) string { return strings.TrimSpace(get(fmt.Sprintf("relief%d_%s", i, s))) }
		if f("description") == "" && f("percent") == "" && f("amount") == "" {
			continue
		}
		rl := DecreeRelief{TaxType: caps.TaxType(f("tax_type")), Kind: f("kind"), Description: f("description")}
		if v := f("percent"); v != "" {
			x, err := caps.ParseRate(v)
			if err != nil {
				return n, msg(fmt.Sprintf("relief%d_percent", i), fmt.Sprintf("%d. kedvezmény: a százalékot számmal adja meg.", i), fmt.Sprintf("Relief %d: give the percentage as a number.", i))
			}
			rl.Percent = &x
		}
		if v := f("amount"); v != "" {
			x, err := hu.ParseForint(v)
			if err != nil {
				return n, msg(fmt.Sprintf("relief%d_amount", i), fmt.Sprintf("%d. kedvezmény: az összeget forintban adja meg.", i), fmt.Sprintf("Relief %d: give the amount in forints.", i))
			}
			a := int64(x)
			rl.Amount = &a
		}
		n.Reliefs = append(n.Reliefs, rl)
	}
	for i := 1; i <= decreeExclusionRows; i++ {
		f := func(s string) string { return strings.TrimSpace(get(fmt.Sprintf("exclusion%d_%s", i, s))) }
		if f("description") == "" && f("tax_type") == "" && f("prevails") == "" {
			continue
		}
		n.Exclusions = append(n.Exclusions, DecreeExclusion{TaxType: caps.TaxType(f("tax_type")), Prevails: caps.TaxType(f("prevails")), Description: f("description")})
	}
	return n, nil
}

type decreeData struct {
	DecreeView
	lang string
}

// TypeName shows a tax type.
func (d *decreeData) TypeName(c caps.TaxType) string { return typeName(c, d.lang) }

// BasisName shows a basis.
func (d *decreeData) BasisName(b caps.Basis) string { return basisLabel(b, d.lang) }

// Band shows a rate's band, or "".
func (d *decreeData) Band(r DecreeRate) string { return bandText(r) }

// decreePage shows one decree with its lines.
func (h *handlers) decreePage(w http.ResponseWriter, r *http.Request) error {
	id, err := uuid.Parse(r.PathValue("decree"))
	if err != nil {
		return web.NotFound()
	}
	d := &decreeData{lang: web.RequestLang(r)}
	err = h.deps.DB.InTenantRead(r.Context(), access.PrincipalFrom(r.Context()).Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		d.DecreeView, err = LoadDecree(ctx, tx, id)
		return err
	})
	if errors.Is(err, errNoDecree) {
		return web.NotFound()
	}
	if err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "tax.decrees.view", d)
	if r.URL.Query().Get("done") == "recorded" {
		page.Flash = page.T("tax.decrees.recorded")
	}
	return h.deps.Render.Render(w, r, http.StatusOK, "tax/decree", page)
}

type rateResponse struct {
	TaxType       caps.TaxType `json:"tax_type"`
	Basis         caps.Basis   `json:"basis"`
	Rate          string       `json:"rate"`
	RateMilli     caps.Rate    `json:"rate_milli"`
	Zone          string       `json:"zone"`
	Category      string       `json:"category"`
	BandFrom      *int64       `json:"band_from"`
	BandTo        *int64       `json:"band_to"`
	DecreeID      uuid.UUID    `json:"decree_id"`
	DecreeNumber  string       `json:"decree_number"`
	EffectiveFrom hu.Date      `json:"effective_from"`
}

// apiRates is the rates in force for ?year= (the current year if none).
func (h *handlers) apiRates(w http.ResponseWriter, r *http.Request) error {
	year := thisYear()
	if v := r.URL.Query().Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1991 || y > 9999 {
			return web.BadRequest("tax.decrees.bad_year")
		}
		year = y
	}
	var rs []RateInForce
	err := h.deps.DB.InTenantRead(r.Context(), access.PrincipalFrom(r.Context()).Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		rs, err = RatesFor(ctx, tx, year)
		return err
	})
	if err != nil {
		return err
	}
	out := struct {
		Year  int            `json:"year"`
		Rates []rateResponse `json:"rates"`
	}{Year: year, Rates: []rateResponse{}}
	for _, x := range rs {
		out.Rates = append(out.Rates, rateResponse{TaxType: x.TaxType, Basis: x.Basis, Rate: x.Rate.String(), RateMilli: x.Rate,
			Zone: x.Zone, Category: x.Category, BandFrom: x.BandFrom, BandTo: x.BandTo, DecreeID: x.DecreeID,
			DecreeNumber: x.DecreeNumber, EffectiveFrom: x.EffectiveFrom})
	}
	api.Write(w, http.StatusOK, out)
	return nil
}
