package tax

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// Declarations (bevallások): the clerk's page, the form per kind, and the
// API the citizens' portal will file through.

// declarationSeparationRoutes are the declaration routes that take an
// identifier (part of SeparationRoutes).
var declarationSeparationRoutes = []separation.Route{
	{Pattern: "GET /tax/declarations/{declaration}"},
	{Pattern: "GET /api/v1/tax/declarations/{declaration}"},
}

func (h *handlers) routesDeclarations(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(TaxpayersRead)}
	post := []web.Middleware{d.Tenant, identity.Require(AccountsPost)}
	rt.Handle("GET /tax/declarations", h.declarationsPage, read...)
	rt.Handle("POST /tax/declarations", h.fileDeclaration, post...)
	rt.Handle("POST /tax/declarations/import", h.importHIPAUpload, post...)
	rt.Handle("GET /tax/declarations/{declaration}", h.declarationPage, read...)
	rt.Handle("POST /api/v1/tax/declarations", h.apiFileDeclaration, post...)
	rt.Handle("POST /api/v1/tax/declarations/hipa-import", h.apiImportHIPA, post...)
	rt.Handle("GET /api/v1/tax/declarations/{declaration}", h.apiDeclaration, read...)
}

// declField is one input of a declaration form.
type declField struct {
	Name    string
	Label   string   // catalog key; with Num for a numbered row
	Num     int      // the row of a repeated field, else 0
	Options []string // a select of these values
	OptKey  string   // their labels are OptKey.<value>
	Wide    bool
}

type declForm struct {
	Kind   string
	Fields []declField
}

// exemptRows is how many exempt-night lines the IFA form offers.
const exemptRows = 3

func declForms() []declForm {
	ifa := []declField{{Name: "tax_id"}, {Name: "period"}, {Name: "guest_nights"}}
	for i := 1; i <= exemptRows; i++ {
		ifa = append(ifa, declField{Name: fmt.Sprintf("exempt%d_reason", i), Label: "tax.decl.field.exempt_reason", Num: i,
			Options: append([]string{""}, ExemptReasons...), OptKey: "tax.decl.opt.exempt"},
			declField{Name: fmt.Sprintf("exempt%d_nights", i), Label: "tax.decl.field.exempt_nights", Num: i})
	}
	ifa = append(ifa, declField{Name: "lodging_fee"})
	tail := []declField{{Name: "corrects"}, {Name: "reason", Wide: true}}
	forms := []declForm{
		{KindIFAMonthly, append(ifa, tail...)},
		{KindHIPAAnnual, append([]declField{{Name: "tax_id"}, {Name: "period"}, {Name: "method", Options: []string{MethodNormal, MethodSimplified, MethodKATA}},
			{Name: "turnover"}, {Name: "cogs"}, {Name: "mediated"}, {Name: "subcontractors"}, {Name: "materials"}, {Name: "rnd"},
			{Name: "kata_months"}, {Name: "advances"}, {Name: "share_base"}}, tail...)},
		{KindHIPATemporary, append([]declField{{Name: "tax_id"}, {Name: "from"}, {Name: "to"}, {Name: "activity_days"}}, tail...)},
		{KindSoilLoadFee, append([]declField{{Name: "tax_id"}, {Name: "period"}, {Name: "water_m3"}, {Name: "watering_m3"}, {Name: "collected_m3"},
			{Name: "multiplier", Options: []string{"1", "1,5", "3"}}}, tail...)},
	}
	for i := range forms {
		for j := range forms[i].Fields {
			f := &forms[i].Fields[j]
			if f.Label == "" {
				f.Label = "tax.decl.field." + f.Name
			}
			if f.OptKey == "" && f.Options != nil {
				f.OptKey = "tax.decl.opt." + f.Name
			}
		}
	}
	return forms
}

type declarationsData struct {
	Filter  DeclarationFilter
	Rows    []DeclarationRow
	Kinds   []string
	Forms   []declForm
	CanFile bool
	Import  *HIPAImportResult
}

// KindName names a kind for the page.
func (declarationsData) KindName(k string) string { return KindName(k) }

func (h *handlers) declarationsPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var form *web.Form
	// ?correct=ID opens the form of that declaration's kind filled in.
	if id, err := uuid.Parse(q.Get("correct")); err == nil {
		p := access.PrincipalFrom(r.Context())
		err := h.deps.DB.InTenantRead(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			v, err := LoadDeclaration(ctx, tx, id)
			if err != nil {
				return err
			}
			form = &web.Form{Values: formValuesOf(v)}
			return nil
		})
		var prob *Problem
		if errors.As(err, &prob) {
			return web.NotFound()
		}
		if err != nil {
			return err
		}
	}
	return h.renderDeclarations(w, r, http.StatusOK, form, nil)
}

func (h *handlers) renderDeclarations(w http.ResponseWriter, r *http.Request, status int, form *web.Form, res *HIPAImportResult) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	q := r.URL.Query()
	d := declarationsData{Filter: DeclarationFilter{Kind: q.Get("kind"), Period: q.Get("period"), Taxpayer: q.Get("q")},
		Kinds: Kinds, Forms: declForms(), CanFile: p.Can(AccountsPost), Import: res}
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		d.Rows, err = ListDeclarations(ctx, tx, d.Filter)
		return err
	})
	if err != nil {
		return err
	}
	// Declarations are tax secrets: the list is logged like a search.
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.declarations_view", ObjectType: "declaration", Result: audit.ResultOK,
		Detail: map[string]any{"kind": d.Filter.Kind, "period": d.Filter.Period, "q": d.Filter.Taxpayer, "found": len(d.Rows)}}); err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "tax.decl.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "tax/declarations", page)
}

// formValuesOf fills a form from a declaration, to correct it.
func formValuesOf(v DeclarationView) map[string]string {
	f := v.Figures
	n := func(x int64) string {
		if x == 0 {
			return ""
		}
		return strconv.FormatInt(x, 10)
	}
	m := map[string]string{"kind": v.Kind, "tax_id": v.Taxpayer.TaxID, "period": v.Period, "corrects": or(v.Number, v.ID.String()),
		"guest_nights": n(f.GuestNights), "lodging_fee": n(int64(f.LodgingFee)), "method": f.Method, "turnover": n(int64(f.Turnover)),
		"cogs": n(int64(f.COGS)), "mediated": n(int64(f.Mediated)), "subcontractors": n(int64(f.Subcontractors)), "materials": n(int64(f.Materials)),
		"rnd": n(int64(f.RnD)), "kata_months": n(int64(f.KATAMonths)), "advances": n(int64(f.Advances)), "activity_days": n(int64(f.ActivityDays)),
		"water_m3": n(f.WaterM3), "watering_m3": n(f.WateringM3), "collected_m3": n(f.CollectedM3)}
	if v.Kind == KindHIPATemporary {
		m["from"], m["to"], m["period"] = v.From.String(), v.To.String(), ""
	}
	if v.Kind == KindHIPAAnnual && len(f.Shares) > 0 {
		m["share_base"] = n(int64(v.Base))
	}
	switch f.MultiplierMill {
	case 1500:
		m["multiplier"] = "1,5"
	case 3000:
		m["multiplier"] = "3"
	}
	for i, e := range f.Exempt {
		if i < exemptRows {
			m[fmt.Sprintf("exempt%d_reason", i+1)] = e.Reason
			m[fmt.Sprintf("exempt%d_nights", i+1)] = n(e.Nights)
		}
	}
	return m
}

// inputFromForm reads a declaration form; a refusal names its field.
func inputFromForm(get func(string) string) (DeclarationInput, string, *Problem) {
	in := DeclarationInput{Kind: get("kind"), Period: strings.TrimSpace(get("period")), Reason: get("reason")}
	taxID := get("tax_id")
	num := func(field string) int64 {
		s := strings.TrimSpace(get(field))
		if s == "" {
			return 0
		}
		f, err := hu.ParseForint(s)
		if err != nil || f < 0 {
			return -1
		}
		return int64(f)
	}
	var bad string
	nums := map[string]*int64{"guest_nights": &in.Figures.GuestNights, "lodging_fee": (*int64)(&in.Figures.LodgingFee),
		"turnover": (*int64)(&in.Figures.Turnover), "cogs": (*int64)(&in.Figures.COGS), "mediated": (*int64)(&in.Figures.Mediated),
		"subcontractors": (*int64)(&in.Figures.Subcontractors), "materials": (*int64)(&in.Figures.Materials), "rnd": (*int64)(&in.Figures.RnD),
		"advances": (*int64)(&in.Figures.Advances), "water_m3": &in.Figures.WaterM3, "watering_m3": &in.Figures.WateringM3, "collected_m3": &in.Figures.CollectedM3}
	for _, f := range []string{"guest_nights", "lodging_fee", "turnover", "cogs", "mediated", "subcontractors", "materials", "rnd", "advances", "water_m3", "watering_m3", "collected_m3"} {
		if *nums[f] = num(f); *nums[f] < 0 && bad == "" {
			bad = f
		}
	}
	for _, f := range []string{"kata_months", "activity_days"} {
		v := num(f)
		if v < 0 || v > 100000 {
			if bad == "" {
				bad = f
			}
			v = 0
		}
		if f == "kata_months" {
			in.Figures.KATAMonths = int(v)
		} else {
			in.Figures.ActivityDays = int(v)
		}
	}
	if bad != "" {
		return in, taxID, problem("bad_number", bad, "Ide nem negatív egész számot írjon, például 12 500.", "Enter a whole number that is not negative here, e.g. 12 500.")
	}
	in.Figures.Method = get("method")
	for i := 1; i <= exemptRows; i++ {
		reason, nights := get(fmt.Sprintf("exempt%d_reason", i)), num(fmt.Sprintf("exempt%d_nights", i))
		if reason == "" && nights == 0 {
			continue
		}
		if nights < 0 {
			return in, taxID, problem("bad_number", fmt.Sprintf("exempt%d_nights", i), "Ide nem negatív egész számot írjon.", "Enter a whole number that is not negative here.")
		}
		in.Figures.Exempt = append(in.Figures.Exempt, ExemptNights{Reason: reason, Nights: nights})
	}
	switch strings.TrimSpace(get("multiplier")) {
	case "", "1":
		in.Figures.MultiplierMill = 1000
	case "1,5", "1.5":
		in.Figures.MultiplierMill = 1500
	case "3":
		in.Figures.MultiplierMill = 3000
	default:
		in.Figures.MultiplierMill = -1
	}
	if in.Kind == KindHIPATemporary {
		var err error
		if in.From, err = hu.ParseDate(get("from")); err != nil {
			return in, taxID, problem("bad_period", "from", "A napot ÉÉÉÉ-HH-NN alakban adja meg.", "Give the day as YYYY-MM-DD.")
		}
		if in.To, err = hu.ParseDate(get("to")); err != nil {
			return in, taxID, problem("bad_period", "to", "A napot ÉÉÉÉ-HH-NN alakban adja meg.", "Give the day as YYYY-MM-DD.")
		}
	}
	if sb := num("share_base"); sb != 0 && in.Kind == KindHIPAAnnual {
		// The clerk types only this municipality's share; the rest of the
		// base is the other municipalities' (the full split comes from NAV).
		if sb < 0 {
			return in, taxID, problem("bad_number", "share_base", "Ide nem negatív egész számot írjon.", "Enter a whole number that is not negative here.")
		}
		in.Figures.Shares = []BaseShare{{KSH: "", Base: hu.Forint(sb)}}
	}
	return in, taxID, nil
}

// prepare resolves the taxpayer (by identifier), the declaration it
// corrects (by iktatószám or id) and the clerk's share into in.
func prepare(ctx context.Context, tx bun.Tx, in *DeclarationInput, taxID, corrects string) error {
	tp, err := taxpayerByTaxID(ctx, tx, taxID)
	if err != nil {
		return err
	}
	in.TaxpayerID = tp.ID
	if c := strings.TrimSpace(corrects); c != "" {
		var ds []Declaration
		sel := tx.NewSelect().Model(&ds).Limit(1)
		if id, err := uuid.Parse(c); err == nil {
			sel.Where("id = ?", id)
		} else {
			sel.Where("number = ?", c)
		}
		if err := sel.Scan(ctx); err != nil {
			return err
		}
		if len(ds) == 0 {
			return problem("bad_corrects", "corrects", "Nincs ilyen iktatószámú bevallás: %s.", "There is no declaration numbered %s.", c)
		}
		in.Corrects = &ds[0].ID
	}
	if len(in.Figures.Shares) == 1 && in.Figures.Shares[0].KSH == "" {
		t, _ := db.TenantFrom(ctx)
		base, _, err := HIPABase(in.Figures)
		if err != nil {
			return err
		}
		sb := in.Figures.Shares[0].Base
		if sb > base {
			return problem("shares_sum", "share_base", "Az önkormányzatra jutó adóalap (%s Ft) nem lehet több a teljes adóalapnál (%s Ft).",
				"The share of this municipality (%s Ft) cannot exceed the whole base (%s Ft).", sb.Grouped(), base.Grouped())
		}
		in.Figures.Shares = []BaseShare{{KSH: string(t), Base: sb}, {KSH: "egyeb", Base: base - sb}}
	}
	return nil
}

var errUnknownTaxID = problem("unknown_tax_id", "tax_id", "Nincs ilyen azonosítójú adózó; előbb rögzítse az adózót.", "There is no taxpayer with this identifier; record the taxpayer first.")

// taxpayerByTaxID finds a taxpayer by adóazonosító jel or adószám.
func taxpayerByTaxID(ctx context.Context, tx bun.IDB, s string) (*Taxpayer, error) {
	var key string
	if id, err := hu.ParseTaxID(s); err == nil {
		key = id.String()
	} else if n, err := hu.ParseTaxNumber(s); err == nil {
		key = n.String()
	} else {
		return nil, problem("bad_tax_id", "tax_id", "Adjon meg érvényes adóazonosító jelet vagy adószámot.", "Give a valid tax identification number or tax number.")
	}
	var tps []Taxpayer
	if err := tx.NewSelect().Model(&tps).Where("tax_id = ?", key).Limit(1).Scan(ctx); err != nil {
		return nil, err
	}
	if len(tps) == 0 {
		return nil, errUnknownTaxID
	}
	return &tps[0], nil
}

var declFormFields = []string{"kind", "tax_id", "period", "guest_nights", "lodging_fee", "method", "turnover", "cogs", "mediated", "subcontractors",
	"materials", "rnd", "kata_months", "advances", "share_base", "from", "to", "activity_days", "water_m3", "watering_m3", "collected_m3",
	"multiplier", "corrects", "reason", "exempt1_reason", "exempt1_nights", "exempt2_reason", "exempt2_nights", "exempt3_reason", "exempt3_nights"}

func (h *handlers) fileDeclaration(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	in, taxID, prob := inputFromForm(r.PostFormValue)
	in.Source = SourceClerk
	var d Declaration
	if prob == nil {
		err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			if err := prepare(ctx, tx, &in, taxID, r.PostFormValue("corrects")); err != nil {
				return err
			}
			var err error
			d, err = h.svc.FileDeclaration(ctx, tx, h.reg, in, p.Username)
			return err
		})
		// This module's refusal, or IRAT's (a missing or closed book).
		var refusal interface{ Message(string) string }
		switch {
		case errors.As(err, &prob):
		case errors.As(err, &refusal):
			prob = &Problem{Code: "refused", HU: refusal.Message("hu"), EN: refusal.Message("en")}
		case err != nil:
			return err
		}
	}
	if prob != nil {
		shown := *prob
		if shown.Field == "" {
			shown.Field = "tax_id" // a refusal of the whole declaration shows at its first field
		}
		return h.renderDeclarations(w, r, http.StatusUnprocessableEntity, formOf(r, declFormFields, &shown, web.RequestLang(r)), nil)
	}
	http.Redirect(w, r, "/tax/declarations/"+d.ID.String(), http.StatusSeeOther)
	return nil
}

type declarationData struct {
	DeclarationView
	CanFile bool
}

// KindName names a kind for the page.
func (declarationData) KindName(k string) string { return KindName(k) }

func (h *handlers) loadDeclaration(r *http.Request) (DeclarationView, error) {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("declaration"))
	if err != nil {
		return DeclarationView{}, web.NotFound()
	}
	var v DeclarationView
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		v, err = LoadDeclaration(ctx, tx, id)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return v, web.NotFound()
	}
	if err != nil {
		return v, err
	}
	return v, h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.declaration_view", ObjectType: "declaration", ObjectID: v.ID.String(),
		Result: audit.ResultOK, Detail: map[string]any{"tax_id": v.Taxpayer.TaxID, "number": v.Number}})
}

func (h *handlers) declarationPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.loadDeclaration(r)
	if err != nil {
		return err
	}
	d := declarationData{DeclarationView: v, CanFile: access.PrincipalFrom(r.Context()).Can(AccountsPost)}
	return h.deps.Render.Render(w, r, http.StatusOK, "tax/declaration", h.deps.Render.NewPage(r, "tax.decl.one", d))
}

// declarationRequest is the API's declaration: the taxpayer by identifier,
// the figures as in Figures.
type declarationRequest struct {
	Kind     string  `json:"kind"`
	TaxID    string  `json:"tax_id"`
	Period   string  `json:"period"`
	From     hu.Date `json:"from"`
	To       hu.Date `json:"to"`
	Figures  Figures `json:"figures"`
	Corrects string  `json:"corrects"`
	Reason   string  `json:"reason"`
}

type declarationResponse struct {
	Declaration
	Figures Figures  `json:"figures"`
	Charges []Charge `json:"charges"`
}

func (h *handlers) apiFileDeclaration(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var req declarationRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	in := DeclarationInput{Kind: req.Kind, Period: req.Period, From: req.From, To: req.To, Figures: req.Figures, Source: SourceAPI, Reason: req.Reason}
	var v DeclarationView
	err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		if err := prepare(ctx, tx, &in, req.TaxID, req.Corrects); err != nil {
			return err
		}
		d, err := h.svc.FileDeclaration(ctx, tx, h.reg, in, p.Username)
		if err != nil {
			return err
		}
		v, err = LoadDeclaration(ctx, tx, d.ID)
		return err
	})
	var refusal interface{ Message(string) string }
	if errors.As(err, &refusal) {
		lang := web.RequestLang(r)
		e := &web.Error{Status: http.StatusUnprocessableEntity, Key: "tax.api_refused", Args: []any{refusal.Message(lang)}}
		var prob *Problem
		if errors.As(err, &prob) && prob.Field != "" {
			e.Fields = []web.FieldError{{Field: prob.Field, Message: prob.Message(lang)}}
		}
		return e
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusCreated, declarationResponse{Declaration: v.Declaration, Figures: v.Figures, Charges: v.Charges})
	return nil
}

func (h *handlers) apiDeclaration(w http.ResponseWriter, r *http.Request) error {
	v, err := h.loadDeclaration(r)
	if err != nil {
		return err
	}
	if v.Charges == nil {
		v.Charges = []Charge{}
	}
	api.Write(w, http.StatusOK, declarationResponse{Declaration: v.Declaration, Figures: v.Figures, Charges: v.Charges})
	return nil
}

// importHIPAUpload takes the municipality's share of an uploaded file of
// HIPA returns forwarded by NAV.
func (h *handlers) importHIPAUpload(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	lang := web.RequestLang(r)
	r.Body = http.MaxBytesReader(w, r.Body, MaxHIPAFileSize+1<<20)
	refuse := func(msg string) error {
		f := &web.Form{Values: map[string]string{}, Errors: []web.FieldError{{Field: "file", Message: msg}}}
		return h.renderDeclarations(w, r, http.StatusUnprocessableEntity, f, nil)
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		if lang == "en" {
			return refuse("Choose the file of HIPA returns (XML, docs/hipa-import.md).")
		}
		return refuse("Válassza ki a HIPA-bevallások fájlját (XML, docs/hipa-import.md).")
	}
	defer file.Close()
	returns, err := ParseHIPAFile(file)
	var prob *Problem
	if errors.As(err, &prob) {
		return refuse(prob.Message(lang))
	}
	if err != nil {
		return err
	}
	res, err := h.svc.ImportHIPAInChunks(ctx, h.deps.DB, p.Tenant, h.reg, returns, p.Username)
	var refusal interface{ Message(string) string }
	if errors.As(err, &refusal) {
		return refuse(refusal.Message(lang))
	}
	if err != nil {
		return err
	}
	return h.renderDeclarations(w, r, http.StatusOK, nil, &res)
}
