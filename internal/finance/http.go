package finance

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
	"github.com/openasp-hu/asp/internal/platform/xlsx"
)

type handlers struct {
	deps module.Deps
	svc  *Service
	reg  Registrar

	taxrev TaxRevenueSource // ADÓ's collected revenue; nil without ADÓ
}

// SeparationRoutes are GAZD's routes that take an identifier.
var SeparationRoutes = append([]separation.Route{
	{Pattern: "GET /finance/entities/{entity}"},
	{Pattern: "POST /finance/entities/{entity}/functions", Form: map[string][]string{"functions": {"011130"}}},
	{Pattern: "POST /finance/entities/{entity}/tax-number", Form: map[string][]string{"tax_number": {"15730150-2-02"}}},
	{Pattern: "POST /finance/entities/{entity}/budget", Form: map[string][]string{"kind": {"original"}, "year": {"2026"}, "rovat": {"K1101"}, "funkcio": {"011130"}, "amount": {"1"}}},
	{Pattern: "POST /finance/entities/{entity}/budget/import"},
	{Pattern: "POST /finance/entities/{entity}/events", Form: map[string][]string{"event": {"commitment"}, "on": {"2026-03-02"}, "rovat": {"K1101"}, "funkcio": {"011130"}, "amount": {"1"}}},
	{Pattern: "POST /finance/entities/{entity}/periods", Form: map[string][]string{"year": {"2026"}, "month": {"1"}}},
	{Pattern: "GET /finance/entities/{entity}/reports"},
	{Pattern: "GET /finance/entities/{entity}/trial-balance.xlsx"},
	{Pattern: "POST /finance/journal/{journal}/reverse", Form: map[string][]string{"reason": {"teszt"}, "on": {"2026-03-02"}}},
	{Pattern: "GET /api/v1/finance/entities/{entity}"},
	{Pattern: "GET /api/v1/finance/entities/{entity}/budget"},
	{Pattern: "POST /api/v1/finance/entities/{entity}/events"},
	{Pattern: "POST /api/v1/finance/entities/{entity}/budget"},
	{Pattern: "GET /api/v1/finance/entities/{entity}/trial-balance"},
}, slices.Concat(spendingSeparationRoutes, taxrevSeparationRoutes, outgoingSeparationRoutes)...)

func (h *handlers) routes(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(Read)}
	post := []web.Middleware{d.Tenant, identity.Require(Post)}
	manage := []web.Middleware{d.Tenant, identity.Require(Manage)}
	rt.Handle("GET /finance", h.overview, read...)
	rt.Handle("POST /finance/entities", h.createEntity, manage...)
	rt.Handle("GET /finance/entities/{entity}", h.entity, read...)
	rt.Handle("POST /finance/entities/{entity}/functions", h.addFunctions, manage...)
	rt.Handle("POST /finance/entities/{entity}/tax-number", h.setTaxNumber, manage...)
	rt.Handle("POST /finance/entities/{entity}/budget", h.budgetChange, post...)
	rt.Handle("POST /finance/entities/{entity}/budget/import", h.budgetImport, post...)
	rt.Handle("POST /finance/entities/{entity}/events", h.postEvent, post...)
	rt.Handle("POST /finance/entities/{entity}/periods", h.closePeriod, manage...)
	rt.Handle("GET /finance/entities/{entity}/reports", h.reports, read...)
	rt.Handle("GET /finance/entities/{entity}/trial-balance.xlsx", h.trialXLSX, read...)
	rt.Handle("POST /finance/journal/{journal}/reverse", h.reverse, post...)
	h.routesAPI(rt, d)
	h.routesSpending(rt, d)
	h.routesTaxRevenue(rt, d)
	h.routesCash(rt, d)
	h.routesOutgoing(rt, d)
	h.routesAssets(rt, d) // fixed assets (http_asset.go)
	h.routesReport(rt, d)
}

type overviewData struct {
	Entities  []Entity
	CanManage bool
	Kinds     []string
}

// KindName names an entity kind on a page.
func (overviewData) KindName(k string) string { return KindName(k) }

func (h *handlers) overview(w http.ResponseWriter, r *http.Request) error {
	return h.renderOverview(w, r, http.StatusOK, nil)
}

func (h *handlers) renderOverview(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d := overviewData{CanManage: p.Can(Manage), Kinds: []string{Municipality, Institution, JointOffice}}
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		d.Entities, err = Entities(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "finance.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "finance/overview", page)
}

func formOf(r *http.Request, fields []string, prob *Problem, lang string) *web.Form {
	f := &web.Form{Values: map[string]string{"form": r.PostFormValue("form")}}
	for _, k := range fields {
		f.Values[k] = r.PostFormValue(k)
	}
	field := prob.Field
	if field == "" {
		field = "_"
	}
	f.Errors = []web.FieldError{{Field: field, Message: prob.Message(lang)}}
	return f
}

func (h *handlers) createEntity(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var e Entity
	err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		e, err = h.svc.CreateEntity(ctx, tx, EntityInput{Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"), PIR: r.PostFormValue("pir"),
			TaxNumber: r.PostFormValue("tax_number"), Functions: SplitCodes(r.PostFormValue("functions"))}, p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return h.renderOverview(w, r, http.StatusUnprocessableEntity, formOf(r, []string{"kind", "name", "pir", "tax_number", "functions"}, prob, web.RequestLang(r)))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/finance/entities/"+e.ID.String(), http.StatusSeeOther)
	return nil
}

type entityData struct {
	Entity    Entity
	Year      int
	Report    BudgetReport
	Journal   []Entry
	Closed    map[int]bool
	Register  []AppropriationChange
	Issues    []ImportIssue
	CanPost   bool
	CanManage bool
	Months    []int
	Events    []string
	Today     hu.Date
	lang      string
}

// FunkcioName names a funkció for the page.
func (entityData) FunkcioName(code string) string { f, _ := mustCodes().Funkcio(code); return f.Name }

// RovatName names a rovat for the page.
func (entityData) RovatName(code string) string { r, _ := mustCodes().Rovat(code); return r.Name }

// KindName names the entity's kind.
func (entityData) KindName(k string) string { return KindName(k) }

// EventName names an event in the page's language.
func (d entityData) EventName(e string) string { return EventName(e, d.lang) }

// TaskName names a task type.
func (entityData) TaskName(t string) string { return TaskName(t) }

func (h *handlers) entityID(r *http.Request) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue("entity"))
	if err != nil {
		return uuid.Nil, web.NotFound()
	}
	return id, nil
}

func yearOf(r *http.Request, def int) int {
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2100 {
		return y
	}
	return def
}

func (h *handlers) loadEntity(r *http.Request, year int) (entityData, error) {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return entityData{}, err
	}
	today := hu.DateOf(h.svc.now())
	d := entityData{Year: year, CanPost: p.Can(Post), CanManage: p.Can(Manage), Today: today, lang: web.RequestLang(r),
		Months: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, Events: []string{EvCommitment, EvInvoice, EvPayment, EvRevenueAssessed, EvRevenueCollected}}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Entity, err = EntityByID(ctx, tx, id); err != nil {
			return err
		}
		if d.Report, err = BudgetOf(ctx, tx, Scope{Entity: id, Year: year}); err != nil {
			return err
		}
		if d.Journal, err = Journal(ctx, tx, id, year, 50); err != nil {
			return err
		}
		if d.Register, err = Appropriations(ctx, tx, id, year); err != nil {
			return err
		}
		d.Closed, err = ClosedPeriods(ctx, tx, id, year)
		return err
	})
	if errors.Is(err, errNoEntity) {
		return entityData{}, web.NotFound()
	}
	return d, err
}

func (h *handlers) entity(w http.ResponseWriter, r *http.Request) error {
	return h.renderEntity(w, r, http.StatusOK, nil, nil)
}

func (h *handlers) renderEntity(w http.ResponseWriter, r *http.Request, status int, form *web.Form, issues []ImportIssue) error {
	year := yearOf(r, hu.DateOf(h.svc.now()).Year)
	if y, err := strconv.Atoi(r.PostFormValue("year")); err == nil && y >= 2000 && y <= 2100 {
		year = y
	}
	d, err := h.loadEntity(r, year)
	if err != nil {
		return err
	}
	d.Issues = issues
	page := h.deps.Render.NewPage(r, "finance.entity.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "finance/entity", page)
}

// refused re-renders the entity page with the refusal, or passes on
// another error; a refusal naming another tenant's entity is a 404.
func (h *handlers) refused(w http.ResponseWriter, r *http.Request, err error, fields []string) error {
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoEntity.Code {
			return web.NotFound()
		}
		return h.renderEntity(w, r, http.StatusUnprocessableEntity, formOf(r, fields, prob, web.RequestLang(r)), nil)
	}
	return err
}

// setTaxNumber records the entity's adószám, which its invoices need.
func (h *handlers) setTaxNumber(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := h.svc.SetEntityTaxNumber(ctx, tx, id, r.PostFormValue("tax_number"), p.Username)
		return err
	})
	if err != nil {
		return h.refused(w, r, err, []string{"form", "tax_number"})
	}
	http.Redirect(w, r, "/finance/entities/"+id.String(), http.StatusSeeOther)
	return nil
}

func (h *handlers) addFunctions(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := h.svc.AddFunctions(ctx, tx, id, SplitCodes(r.PostFormValue("functions")), p.Username)
		return err
	})
	if err != nil {
		return h.refused(w, r, err, []string{"functions"})
	}
	http.Redirect(w, r, "/finance/entities/"+id.String(), http.StatusSeeOther)
	return nil
}

var budgetFields = []string{"kind", "year", "rovat", "funkcio", "task", "amount", "decision", "to_rovat", "to_funkcio", "to_task", "on", "note"}

func formAmount(s string) (hu.Forint, *Problem) {
	a, err := hu.ParseForint(s)
	if err != nil {
		return 0, problem("bad_amount", "amount", "Az összeg egész forint legyen, például 1 250 000 (csökkentésnél negatív).", "The amount must be whole forints, e.g. 1 250 000 (negative for a reduction).")
	}
	return a, nil
}

func formDate(s string, required bool) (hu.Date, *Problem) {
	if strings.TrimSpace(s) == "" && !required {
		return hu.Date{}, nil
	}
	d, err := hu.ParseDate(s)
	if err != nil {
		return hu.Date{}, problem("bad_date", "on", "A napot ÉÉÉÉ-HH-NN alakban adja meg.", "Give the day as YYYY-MM-DD.")
	}
	return d, nil
}

func (h *handlers) budgetChange(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	in := BudgetChange{Entity: id, Kind: r.PostFormValue("kind"), Decision: r.PostFormValue("decision"), Note: r.PostFormValue("note")}
	in.Year, _ = strconv.Atoi(strings.TrimSpace(r.PostFormValue("year")))
	amount, prob := formAmount(r.PostFormValue("amount"))
	if prob == nil {
		in.On, prob = formDate(r.PostFormValue("on"), false)
	}
	if prob == nil {
		from := LineKey{Rovat: strings.ToUpper(strings.TrimSpace(r.PostFormValue("rovat"))), Funkcio: strings.TrimSpace(r.PostFormValue("funkcio")), Task: r.PostFormValue("task")}
		if in.Kind == Reallocation {
			// The amount moves from the first line to the second.
			to := LineKey{Rovat: strings.ToUpper(strings.TrimSpace(r.PostFormValue("to_rovat"))), Funkcio: strings.TrimSpace(r.PostFormValue("to_funkcio")), Task: r.PostFormValue("to_task")}
			in.Lines = []AppropriationInput{{LineKey: from, Amount: -amount}, {LineKey: to, Amount: amount}}
		} else {
			in.Lines = []AppropriationInput{{LineKey: from, Amount: amount}}
		}
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := h.svc.RecordBudget(ctx, tx, in, p.Username)
			return err
		})
	} else {
		err = prob
	}
	if err != nil {
		return h.refused(w, r, err, budgetFields)
	}
	http.Redirect(w, r, "/finance/entities/"+id.String()+"?year="+strconv.Itoa(in.Year), http.StatusSeeOther)
	return nil
}

func (h *handlers) budgetImport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxSheetBytes+1<<20)
	lang := web.RequestLang(r)
	file, hdr, ferr := r.FormFile("file")
	if ferr != nil {
		return h.refused(w, r, problem("no_file", "file", "Válassza ki a költségvetési táblát (XLSX vagy CSV).", "Choose the budget sheet (XLSX or CSV)."), []string{"year", "decision"})
	}
	defer file.Close()
	in := BudgetChange{Entity: id, Kind: r.PostFormValue("kind"), Decision: r.PostFormValue("decision")}
	if in.Kind == "" {
		in.Kind = Original
	}
	in.Year, _ = strconv.Atoi(strings.TrimSpace(r.PostFormValue("year")))
	rows, err := ReadSheetFile(hdr.Filename, file)
	if err != nil {
		return h.refused(w, r, err, []string{"year", "decision"})
	}
	var issues []ImportIssue
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		e, err := EntityByID(ctx, tx, id)
		if err != nil {
			return err
		}
		in.Lines, issues = MapSheet(rows, e, r.PostFormValue("task"))
		if len(issues) > 0 {
			return nil // nothing is written unless every cell maps
		}
		_, err = h.svc.RecordBudget(ctx, tx, in, p.Username)
		return err
	})
	if err != nil {
		return h.refused(w, r, err, []string{"year", "decision"})
	}
	if len(issues) > 0 {
		f := &web.Form{Values: map[string]string{"year": r.PostFormValue("year"), "decision": in.Decision}}
		msg := "A tábla " + strconv.Itoa(len(issues)) + " cellája nem vehető át; semmit sem rögzítettünk."
		if lang == "en" {
			msg = strconv.Itoa(len(issues)) + " cells of the sheet did not map; nothing was recorded."
		}
		f.Errors = []web.FieldError{{Field: "file", Message: msg}}
		return h.renderEntity(w, r, http.StatusUnprocessableEntity, f, issues)
	}
	http.Redirect(w, r, "/finance/entities/"+id.String()+"?year="+strconv.Itoa(in.Year), http.StatusSeeOther)
	return nil
}

var eventFields = []string{"event", "on", "rovat", "funkcio", "task", "amount", "partner", "commitment", "document", "text", "cost", "income", "cash"}

func eventFromForm(r *http.Request, entity uuid.UUID) (Event, *Problem) {
	ev := Event{Entity: entity, Kind: r.PostFormValue("event"), Rovat: strings.ToUpper(strings.TrimSpace(r.PostFormValue("rovat"))), Funkcio: strings.TrimSpace(r.PostFormValue("funkcio")),
		Task: r.PostFormValue("task"), Partner: r.PostFormValue("partner"), Commitment: r.PostFormValue("commitment"), Document: r.PostFormValue("document"),
		Text: r.PostFormValue("text"), Cost: strings.TrimSpace(r.PostFormValue("cost")), Income: strings.TrimSpace(r.PostFormValue("income")), Cash: strings.TrimSpace(r.PostFormValue("cash"))}
	var prob *Problem
	if ev.Amount, prob = formAmount(r.PostFormValue("amount")); prob != nil {
		return ev, prob
	}
	ev.On, prob = formDate(r.PostFormValue("on"), true)
	if ev.Rovat == "" {
		return ev, problem("bad_rovat", "rovat", "Adja meg a rovatot (például K334 vagy B351).", "Give the rovat (e.g. K334 or B351).")
	}
	return ev, prob
}

func (h *handlers) postEvent(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	ev, prob := eventFromForm(r, id)
	if prob != nil {
		return h.refused(w, r, prob, eventFields)
	}
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := h.svc.Post(ctx, tx, ev, p.Username)
		return err
	})
	if err != nil {
		return h.refused(w, r, err, eventFields)
	}
	http.Redirect(w, r, "/finance/entities/"+id.String()+"?year="+strconv.Itoa(ev.On.Year), http.StatusSeeOther)
	return nil
}

func (h *handlers) closePeriod(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	month, _ := strconv.Atoi(r.PostFormValue("month"))
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		return h.svc.ClosePeriod(ctx, tx, id, year, month, p.Username)
	})
	if err != nil {
		return h.refused(w, r, err, []string{"year", "month"})
	}
	http.Redirect(w, r, "/finance/entities/"+id.String()+"?year="+strconv.Itoa(year), http.StatusSeeOther)
	return nil
}

func (h *handlers) reverse(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("journal"))
	if err != nil {
		return web.NotFound()
	}
	on, prob := formDate(r.PostFormValue("on"), true)
	var rev Entry
	if prob == nil {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			rev, err = h.svc.Reverse(ctx, tx, id, on, r.PostFormValue("reason"), p.Username)
			return err
		})
	} else {
		err = prob
	}
	if errors.As(err, &prob) {
		if prob.Code == errNoEntry.Code {
			return web.NotFound()
		}
		return &web.Error{Status: http.StatusUnprocessableEntity, Key: "finance.refused", Args: []any{prob.Message(web.RequestLang(r))}}
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/finance/entities/"+rev.EntityID.String()+"?year="+strconv.Itoa(rev.Year), http.StatusSeeOther)
	return nil
}

type reportsData struct {
	Entity  Entity
	Year    int
	Through int
	Budget  BudgetReport
	Trial   TrialBalance
	Checks  []Check
	Months  []int
	lang    string
}

// FunkcioName names a funkció for the page.
func (reportsData) FunkcioName(code string) string { f, _ := mustCodes().Funkcio(code); return f.Name }

// RovatName names a rovat.
func (reportsData) RovatName(code string) string { r, _ := mustCodes().Rovat(code); return r.Name }

// CheckText gives a check's name in the page's language.
func (d reportsData) CheckText(c Check) string {
	if d.lang == "en" {
		return c.EN
	}
	return c.HU
}

func (h *handlers) loadReports(r *http.Request) (reportsData, error) {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return reportsData{}, err
	}
	d := reportsData{Year: yearOf(r, hu.DateOf(h.svc.now()).Year), Through: 12, Months: []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, lang: web.RequestLang(r)}
	if m, err := strconv.Atoi(r.URL.Query().Get("month")); err == nil && m >= 1 && m <= 12 {
		d.Through = m
	}
	sc := Scope{Entity: id, Year: d.Year, Through: d.Through}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Entity, err = EntityByID(ctx, tx, id); err != nil {
			return err
		}
		if d.Budget, err = BudgetOf(ctx, tx, sc); err != nil {
			return err
		}
		if d.Trial, err = TrialBalanceOf(ctx, tx, sc); err != nil {
			return err
		}
		d.Checks, err = Reconcile(ctx, tx, sc)
		return err
	})
	if errors.Is(err, errNoEntity) {
		return reportsData{}, web.NotFound()
	}
	return d, err
}

func (h *handlers) reports(w http.ResponseWriter, r *http.Request) error {
	d, err := h.loadReports(r)
	if err != nil {
		return err
	}
	return h.deps.Render.Render(w, r, http.StatusOK, "finance/reports", h.deps.Render.NewPage(r, "finance.reports.title", d))
}

// trialXLSX is the trial balance (főkönyvi kivonat) as a spreadsheet.
func (h *handlers) trialXLSX(w http.ResponseWriter, r *http.Request) error {
	d, err := h.loadReports(r)
	if err != nil {
		return err
	}
	wb, err := xlsx.New()
	if err != nil {
		return err
	}
	defer wb.Close()
	if err := wb.SetProperties("Főkönyvi kivonat "+d.Entity.Name, strconv.Itoa(d.Year), "ASP GAZD", h.svc.now()); err != nil {
		return err
	}
	sh, err := wb.Sheet("Főkönyvi kivonat", xlsx.Column{Header: "Számla", Kind: xlsx.Text, Width: 10}, xlsx.Column{Header: "Megnevezés", Kind: xlsx.Text, Width: 60},
		xlsx.Column{Header: "Tartozik forgalom", Kind: xlsx.Number, Width: 18}, xlsx.Column{Header: "Követel forgalom", Kind: xlsx.Number, Width: 18},
		xlsx.Column{Header: "Egyenleg", Kind: xlsx.Number, Width: 18})
	if err != nil {
		return err
	}
	for _, row := range d.Trial.Rows {
		if err := sh.Row(row.Account.Code, row.Account.Name, int64(row.Debit), int64(row.Credit), int64(row.Balance())); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="fokonyvi-kivonat-`+strconv.Itoa(d.Year)+`.xlsx"`)
	_, err = wb.WriteTo(w)
	return err
}
