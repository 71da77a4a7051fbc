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
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// Tax objects, the mass assessment and decisions on pages and in the API.

var objectForm = map[string][]string{"hrsz": {"12/3"}, "address": {"Aba, Fő utca 1."}, "area_m2": {"80"}, "valid_from": {"2010-01-01"},
	"effective_on": {"2024-01-01"}, "owner1_tax_id": {"8123456786"}, "owner1_share": {"1/1"}}

var objectSeparationRoutes = []separation.Route{
	{Pattern: "GET /tax/objects/{object}"},
	{Pattern: "POST /tax/objects/{object}", Form: objectForm},
	{Pattern: "GET /tax/taxpayers/{taxpayer}/objects"},
	{Pattern: "GET /tax/decisions/{decision}/pdf"},
	{Pattern: "GET /tax/assessment/{run}"},
	{Pattern: "POST /tax/assessment/{run}/render"},
	{Pattern: "GET /api/v1/tax/objects/{object}"},
	{Pattern: "POST /api/v1/tax/objects/{object}"},
	{Pattern: "GET /api/v1/tax/assessments/{run}"},
}

// objectPermissions are the permissions this part adds to the module.
var objectPermissions = []access.Permission{AssessRun}

// The tax clerk runs the assessment too: in a small office the same
// person keeps the objects and issues the decisions. Added here rather
// than in the role's line so the module's role list stays as it was.
func init() {
	for i := range roles {
		if roles[i].Name == "tax_clerk" {
			roles[i].Permissions = append(roles[i].Permissions, AssessRun)
		}
	}
}

type objectHandlers struct {
	*handlers
	renderer *Renderer
}

func (h *handlers) routesObjects(rt *web.Router, d module.Deps) {
	o := &objectHandlers{handlers: h, renderer: &Renderer{DB: d.DB, Files: d.Files, Issuer: d.TenantName, Workers: 2}}
	read := []web.Middleware{d.Tenant, identity.Require(TaxpayersRead)}
	post := []web.Middleware{d.Tenant, identity.Require(AccountsPost)}
	run := []web.Middleware{d.Tenant, identity.Require(AssessRun)}
	rt.Handle("GET /tax/objects", o.objects, read...)
	rt.Handle("POST /tax/objects", o.createObject, post...)
	rt.Handle("GET /tax/objects/{object}", o.object, read...)
	rt.Handle("POST /tax/objects/{object}", o.reportObject, post...)
	rt.Handle("GET /tax/taxpayers/{taxpayer}/objects", o.taxpayerObjects, read...)
	rt.Handle("GET /tax/decisions/{decision}/pdf", o.decisionPDF, read...)
	rt.Handle("GET /tax/assessment", o.assessment, run...)
	rt.Handle("POST /tax/assessment", o.runAssessment, run...)
	rt.Handle("GET /tax/assessment/{run}", o.assessmentRun, run...)
	rt.Handle("POST /tax/assessment/{run}/render", o.renderRun, run...)
	rt.Handle("POST /api/v1/tax/objects", o.apiReport, post...)
	rt.Handle("POST /api/v1/tax/assessments", o.apiAssess, run...)
	rt.Handle("GET /api/v1/tax/assessments/{run}", o.apiAssessmentRun, run...)
	rt.Handle("GET /api/v1/tax/objects/{object}", o.apiObject, read...)
	rt.Handle("POST /api/v1/tax/objects/{object}", o.apiReport, post...)
}

// ownerRows is how many owners the form offers; more through the API.
const ownerRows = 4

var objectFields = []string{"kind", "kind_tax", "tax_type", "hrsz", "address", "area_m2", "category", "zone", "market_value", "valid_from", "valid_to", "effective_on", "sole_tax_id", "lessee_tax_id", "reliefs", "reason",
	"owner1_tax_id", "owner1_share", "owner2_tax_id", "owner2_share", "owner3_tax_id", "owner3_share", "owner4_tax_id", "owner4_share"}

type objectsData struct {
	Query     string
	Objects   []ObjectRow
	CanCreate bool
	Kinds     []string
	Choices   []ObjectChoice // the (kind, tax) pairs a new object may be
	Owners    []int
	Reliefs   []Relief
}

// TaxKey is the catalog key of an object tax.
func (objectsData) TaxKey(tt caps.TaxType) string { return objectTaxKey(tt) }

// KindKey is the catalog key of an object kind.
func (objectsData) KindKey(kind string) string { return "tax.object.kind." + kind }

func owners() []int {
	out := make([]int, ownerRows)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func (o *objectHandlers) objects(w http.ResponseWriter, r *http.Request) error {
	return o.renderObjects(w, r, http.StatusOK, nil)
}

func (o *objectHandlers) renderObjects(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d := objectsData{Query: r.URL.Query().Get("q"), CanCreate: p.Can(AccountsPost), Kinds: ObjectKinds, Choices: ObjectChoices, Owners: owners()}
	err := o.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Objects, err = SearchObjects(ctx, tx, d.Query, 200); err != nil {
			return err
		}
		d.Reliefs, err = ReliefsFor(ctx, tx, hu.DateOf(o.svc.now()).Year+1)
		return err
	})
	if err != nil {
		return err
	}
	if err := o.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.search", ObjectType: "tax_object", Result: audit.ResultOK,
		Detail: map[string]any{"q": d.Query, "found": len(d.Objects)}}); err != nil {
		return err
	}
	page := o.deps.Render.NewPage(r, "tax.objects.title", d)
	page.Form = form
	return o.deps.Render.Render(w, r, status, "tax/objects", page)
}

// reportFromForm reads a data report from the form; a refusal names its
// field.
func reportFromForm(get func(string) string) (ObjectReport, *Problem) {
	in := ObjectReport{Kind: get("kind"), TaxType: caps.TaxType(get("tax_type")), HRSZ: get("hrsz"), Address: get("address"), Category: get("category"), Zone: get("zone"),
		SoleTaxID: get("sole_tax_id"), LesseeTaxID: get("lessee_tax_id"), Reason: get("reason"), Reliefs: strings.Fields(get("reliefs"))}
	if kt := strings.TrimSpace(get("kind_tax")); kt != "" {
		// The new-object form's one select: "<kind>:<tax>".
		kind, tt, _ := strings.Cut(kt, ":")
		in.Kind, in.TaxType = kind, caps.TaxType(tt)
	}
	area := strings.TrimSpace(strings.ReplaceAll(get("area_m2"), " ", ""))
	a, err := strconv.ParseInt(area, 10, 64)
	if err != nil {
		return in, problem("bad_area", "area_m2", "Az alapterületet egész négyzetméterben adja meg, például 120.", "Give the area in whole square metres, e.g. 120.")
	}
	in.AreaM2 = a
	if v := strings.TrimSpace(get("market_value")); v != "" {
		f, err := hu.ParseForint(v)
		if err != nil {
			return in, problem("bad_value", "market_value", "A korrigált forgalmi értéket egész forintban adja meg.", "Give the corrected market value in whole forints.")
		}
		n := int64(f)
		in.MarketValue = &n
	}
	dates := []struct {
		field    string
		into     *hu.Date
		optional bool
	}{{"valid_from", &in.ValidFrom, false}, {"valid_to", &in.ValidTo, true}, {"effective_on", &in.EffectiveOn, false}}
	for _, dt := range dates {
		v := strings.TrimSpace(get(dt.field))
		if v == "" && dt.optional {
			continue
		}
		day, err := hu.ParseDate(v)
		if err != nil {
			return in, problem("bad_date", dt.field, "A napot ÉÉÉÉ-HH-NN alakban adja meg.", "Give the day as YYYY-MM-DD.")
		}
		*dt.into = day
	}
	for i := 1; i <= ownerRows; i++ {
		id, share := strings.TrimSpace(get(fmt.Sprintf("owner%d_tax_id", i))), get(fmt.Sprintf("owner%d_share", i))
		if id == "" && strings.TrimSpace(share) == "" {
			continue
		}
		in.Owners = append(in.Owners, OwnerInput{TaxID: id, Share: share})
	}
	return in, nil
}

func (o *objectHandlers) createObject(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	in, prob := reportFromForm(r.PostFormValue)
	var v ObjectView
	if prob == nil {
		err := o.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			v, err = o.svc.ReportObject(ctx, tx, o.reg, in, p.Username)
			return err
		})
		if refused, err := refusalOf(err); err != nil {
			return err
		} else if refused != nil {
			prob = refused
		}
	}
	if prob != nil {
		return o.renderObjects(w, r, http.StatusUnprocessableEntity, formOf(r, objectFields, prob, web.RequestLang(r)))
	}
	http.Redirect(w, r, "/tax/objects/"+v.ID.String(), http.StatusSeeOther)
	return nil
}

// refusalOf turns a refusal of this module or of IRAT (a missing book)
// into a Problem to show; other errors come back as they are.
func refusalOf(err error) (*Problem, error) {
	if err == nil {
		return nil, nil
	}
	var prob *Problem
	if errors.As(err, &prob) {
		return prob, nil
	}
	var other interface{ Message(string) string }
	if errors.As(err, &other) {
		return &Problem{Code: "refused", HU: other.Message("hu"), EN: other.Message("en")}, nil
	}
	return nil, err
}

type objectData struct {
	Object    ObjectView
	Current   VersionView
	CanReport bool
	Owners    []int
	Reliefs   []Relief // of the decrees in force next year, to claim
}

// KindKey is the catalog key of the object's kind.
func (objectData) KindKey(kind string) string { return "tax.object.kind." + kind }

// TaxKey is the catalog key of the object's tax.
func (objectData) TaxKey(tt caps.TaxType) string { return objectTaxKey(tt) }

func (o *objectHandlers) loadObject(r *http.Request) (objectData, error) {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("object"))
	if err != nil {
		return objectData{}, web.NotFound()
	}
	d := objectData{CanReport: p.Can(AccountsPost), Owners: owners()}
	err = o.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		v, err := LoadObject(ctx, tx, id)
		if errors.Is(err, errNoObject) {
			return web.NotFound()
		}
		if err != nil {
			return err
		}
		d.Object, d.Current = v, v.Current()
		d.Reliefs, err = ReliefsFor(ctx, tx, hu.DateOf(o.svc.now()).Year+1)
		return err
	})
	if err != nil {
		return d, err
	}
	// The owners of an object are tax data: the view is logged.
	return d, o.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.view", ObjectType: "tax_object", ObjectID: id.String(), Result: audit.ResultOK})
}

func (o *objectHandlers) object(w http.ResponseWriter, r *http.Request) error {
	return o.renderObject(w, r, http.StatusOK, nil)
}

func (o *objectHandlers) renderObject(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	d, err := o.loadObject(r)
	if err != nil {
		return err
	}
	if form == nil {
		// The change form starts from the current state.
		c := d.Current
		form = &web.Form{Values: map[string]string{"hrsz": c.HRSZ, "address": c.Address, "area_m2": strconv.FormatInt(c.AreaM2, 10), "category": c.Category,
			"zone": c.Zone, "valid_from": c.ValidFrom.String(), "reliefs": c.Reliefs}}
		if c.MarketValue != nil {
			form.Values["market_value"] = strconv.FormatInt(*c.MarketValue, 10)
		}
		if !c.ValidTo.IsZero() {
			form.Values["valid_to"] = c.ValidTo.String()
		}
		if c.LesseeTaxpayer != nil {
			form.Values["lessee_tax_id"] = c.LesseeTaxpayer.TaxID
		}
		for i, ow := range c.Owners {
			if i < ownerRows {
				form.Values[fmt.Sprintf("owner%d_tax_id", i+1)] = ow.Taxpayer.TaxID
				form.Values[fmt.Sprintf("owner%d_share", i+1)] = ow.Share.String()
				if c.SoleTaxpayer != nil && *c.SoleTaxpayer == ow.Taxpayer.ID {
					form.Values["sole_tax_id"] = ow.Taxpayer.TaxID
				}
			}
		}
	}
	page := o.deps.Render.NewPage(r, "tax.object.title", d)
	page.Form = form
	return o.deps.Render.Render(w, r, status, "tax/object", page)
}

func (o *objectHandlers) reportObject(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := o.loadObject(r) // 404 for another tenant's object
	if err != nil {
		return err
	}
	in, prob := reportFromForm(r.PostFormValue)
	in.ObjectID = &d.Object.ID
	if prob == nil {
		err := o.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := o.svc.ReportObject(ctx, tx, o.reg, in, p.Username)
			return err
		})
		if refused, err := refusalOf(err); err != nil {
			return err
		} else if refused != nil {
			prob = refused
		}
	}
	if prob != nil {
		return o.renderObject(w, r, http.StatusUnprocessableEntity, formOf(r, objectFields, prob, web.RequestLang(r)))
	}
	http.Redirect(w, r, "/tax/objects/"+d.Object.ID.String(), http.StatusSeeOther)
	return nil
}

type taxpayerObjectsData struct {
	Taxpayer  Taxpayer
	Objects   []ObjectRow
	Decisions []Decision
}

// KindKey is the catalog key of an object kind.
func (taxpayerObjectsData) KindKey(kind string) string { return "tax.object.kind." + kind }

// TaxKey is the catalog key of an object tax.
func (taxpayerObjectsData) TaxKey(tt caps.TaxType) string { return objectTaxKey(tt) }

func (o *objectHandlers) taxpayerObjects(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("taxpayer"))
	if err != nil {
		return web.NotFound()
	}
	var d taxpayerObjectsData
	err = o.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		tp, err := taxpayerByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if tp == nil {
			return web.NotFound()
		}
		d.Taxpayer = *tp
		if d.Objects, err = ObjectsOfTaxpayer(ctx, tx, id); err != nil {
			return err
		}
		d.Decisions, err = DecisionsOfTaxpayer(ctx, tx, id)
		return err
	})
	if err != nil {
		return err
	}
	if err := o.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.view", ObjectType: "taxpayer", ObjectID: id.String(), Result: audit.ResultOK,
		Detail: map[string]any{"tax_id": d.Taxpayer.TaxID, "what": "objects"}}); err != nil {
		return err
	}
	return o.deps.Render.Render(w, r, http.StatusOK, "tax/taxpayer_objects", o.deps.Render.NewPage(r, "tax.taxpayer_objects.title", d))
}

func (o *objectHandlers) decisionPDF(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("decision"))
	if err != nil {
		return web.NotFound()
	}
	var v DecisionView
	err = o.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		v, err = LoadDecision(ctx, tx, id)
		if errors.Is(err, errNoDecision) {
			return web.NotFound()
		}
		return err
	})
	if err != nil {
		return err
	}
	b, err := o.renderer.DecisionPDF(ctx, p.Tenant, v)
	if err != nil {
		return err
	}
	if err := o.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.decision_pdf", ObjectType: "tax_decision", ObjectID: v.ID.String(), Result: audit.ResultOK,
		Detail: map[string]any{"number": v.Number, "tax_id": v.Taxpayer.TaxID}}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="hatarozat-`+strings.NewReplacer("/", "-", " ", "").Replace(v.Number)+`.pdf"`)
	_, err = w.Write(b)
	return err
}

type assessmentData struct {
	NoRate int // objects without a fitting rate in the run just made
	Runs   []AssessmentRun
	Year   int
	Run    *AssessmentRun
	Prog   RenderProgress
	Res    *RunResult
}

func (o *objectHandlers) assessment(w http.ResponseWriter, r *http.Request) error {
	return o.renderAssessment(w, r, http.StatusOK, nil)
}

func (o *objectHandlers) renderAssessment(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d := assessmentData{Year: hu.DateOf(o.svc.now()).Year}
	err := o.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		d.Runs, err = Runs(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	page := o.deps.Render.NewPage(r, "tax.assessment.title", d)
	page.Form = form
	return o.deps.Render.Render(w, r, status, "tax/assessment", page)
}

func (o *objectHandlers) runAssessment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	opt := RunOptions{}
	var prob *Problem
	if y, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("tax_year"))); err == nil {
		opt.TaxYear = y
	} else {
		prob = problem("bad_year", "tax_year", "Adja meg az adóévet, például 2026.", "Give the tax year, e.g. 2026.")
	}
	if v := strings.TrimSpace(r.PostFormValue("single_up_to")); v != "" && prob == nil {
		f, err := hu.ParseForint(v)
		if err != nil || f < 0 {
			prob = problem("bad_amount", "single_up_to", "Az összeghatárt egész forintban adja meg (üresen: nincs).", "Give the limit in whole forints (empty: none).")
		}
		opt.SingleInstalmentUpTo = f
	}
	var res RunResult
	if prob == nil {
		err := o.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			res, err = o.svc.RunAssessment(ctx, tx, o.reg, opt, p.Username)
			return err
		})
		if refused, err := refusalOf(err); err != nil {
			return err
		} else if refused != nil {
			prob = refused
		}
	}
	if prob != nil {
		return o.renderAssessment(w, r, http.StatusUnprocessableEntity, formOf(r, []string{"tax_year", "single_up_to"}, prob, web.RequestLang(r)))
	}
	if res.Decisions == 0 {
		return o.renderAssessmentResult(w, r, res)
	}
	o.renderer.Start(ctx, p.Tenant, res.Run.ID)
	to := "/tax/assessment/" + res.Run.ID.String()
	if len(res.NoRate) > 0 {
		to += "?no_rate=" + strconv.Itoa(len(res.NoRate))
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// renderAssessmentResult shows a run that found nothing new.
func (o *objectHandlers) renderAssessmentResult(w http.ResponseWriter, r *http.Request, res RunResult) error {
	d := assessmentData{Year: res.Run.TaxYear, Res: &res}
	return o.deps.Render.Render(w, r, http.StatusOK, "tax/assessment_run", o.deps.Render.NewPage(r, "tax.assessment.title", d))
}

func (o *objectHandlers) loadRun(r *http.Request) (AssessmentRun, error) {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("run"))
	if err != nil {
		return AssessmentRun{}, web.NotFound()
	}
	var runs []AssessmentRun
	err = o.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewSelect().Model(&runs).Where("id = ?", id).Scan(ctx)
	})
	if err != nil {
		return AssessmentRun{}, err
	}
	if len(runs) == 0 {
		return AssessmentRun{}, web.NotFound()
	}
	return runs[0], nil
}

func (o *objectHandlers) assessmentRun(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	run, err := o.loadRun(r)
	if err != nil {
		return err
	}
	d := assessmentData{Year: run.TaxYear, Run: &run}
	d.NoRate, _ = strconv.Atoi(r.URL.Query().Get("no_rate"))
	if d.Prog, err = o.renderer.Progress(ctx, p.Tenant, run.ID); err != nil {
		return err
	}
	if d.Prog.Running {
		// Plain HTML: the browser reloads the page while the PDFs are made.
		w.Header().Set("Refresh", "2")
	}
	return o.deps.Render.Render(w, r, http.StatusOK, "tax/assessment_run", o.deps.Render.NewPage(r, "tax.assessment.title", d))
}

// renderRun starts the PDFs again (after a restart cut them short).
func (o *objectHandlers) renderRun(w http.ResponseWriter, r *http.Request) error {
	p := access.PrincipalFrom(r.Context())
	run, err := o.loadRun(r)
	if err != nil {
		return err
	}
	o.renderer.Start(r.Context(), p.Tenant, run.ID)
	http.Redirect(w, r, "/tax/assessment/"+run.ID.String(), http.StatusSeeOther)
	return nil
}

// objectRequest is a data report in the API.
type objectRequest struct {
	Kind        string       `json:"kind"`
	TaxType     caps.TaxType `json:"tax_type"`
	EffectiveOn hu.Date      `json:"effective_on"`
	HRSZ        string       `json:"hrsz"`
	Address     string       `json:"address"`
	AreaM2      int64        `json:"area_m2"`
	Category    string       `json:"category"`
	Zone        string       `json:"zone"`
	MarketValue *int64       `json:"market_value"`
	ValidFrom   hu.Date      `json:"valid_from"`
	ValidTo     hu.Date      `json:"valid_to"`
	Owners      []OwnerInput `json:"owners"`
	SoleTaxID   string       `json:"sole_tax_id"`
	LesseeTaxID string       `json:"lessee_tax_id"`
	Reliefs     []string     `json:"reliefs"`
	Reason      string       `json:"reason"`
}

func (o *objectHandlers) apiReport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var objectID *uuid.UUID
	if r.PathValue("object") != "" {
		// Another tenant's object is not found, before the body is read.
		d, err := o.loadObject(r)
		if err != nil {
			return err
		}
		objectID = &d.Object.ID
	}
	var req objectRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	in := ObjectReport{Kind: req.Kind, TaxType: req.TaxType, EffectiveOn: req.EffectiveOn, HRSZ: req.HRSZ, Address: req.Address, AreaM2: req.AreaM2, Category: req.Category,
		Zone: req.Zone, MarketValue: req.MarketValue, ValidFrom: req.ValidFrom, ValidTo: req.ValidTo, Owners: req.Owners, SoleTaxID: req.SoleTaxID, LesseeTaxID: req.LesseeTaxID,
		Reliefs: req.Reliefs, Reason: req.Reason}
	status := http.StatusCreated
	if objectID != nil {
		in.ObjectID, status = objectID, http.StatusOK
	}
	var v ObjectView
	err := o.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		v, err = o.svc.ReportObject(ctx, tx, o.reg, in, p.Username)
		return err
	})
	prob, err := refusalOf(err)
	if err != nil {
		return err
	}
	if prob != nil {
		if prob.Code == errNoObject.Code {
			return web.NotFound()
		}
		return apiProblem(r, prob)
	}
	api.Write(w, status, objectResponse(v))
	return nil
}

type versionResponse struct {
	ObjectVersion
	Owners []ownerResponse `json:"owners"`
}

type ownerResponse struct {
	TaxpayerID uuid.UUID `json:"taxpayer_id"`
	TaxID      string    `json:"tax_id"`
	Name       string    `json:"name"`
	Share      string    `json:"share"`
}

func objectResponse(v ObjectView) map[string]any {
	vs := make([]versionResponse, 0, len(v.Versions))
	for _, ver := range v.Versions {
		vr := versionResponse{ObjectVersion: ver.ObjectVersion, Owners: []ownerResponse{}}
		for _, ow := range ver.Owners {
			vr.Owners = append(vr.Owners, ownerResponse{TaxpayerID: ow.Taxpayer.ID, TaxID: ow.Taxpayer.TaxID, Name: ow.Taxpayer.Name, Share: ow.Share.String()})
		}
		vs = append(vs, vr)
	}
	return map[string]any{"id": v.ID, "kind": v.Kind, "tax_type": v.TaxType, "created_at": v.CreatedAt, "versions": vs}
}

func (o *objectHandlers) apiObject(w http.ResponseWriter, r *http.Request) error {
	d, err := o.loadObject(r)
	if err != nil {
		return err
	}
	api.Write(w, http.StatusOK, objectResponse(d.Object))
	return nil
}
