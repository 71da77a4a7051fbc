package finance

import (
	"context"
	"errors"
	"net/http"
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
)

// Pages and API of spending control: the designations register and the
// commitments with their chain.

var spendingSeparationRoutes = []separation.Route{
	{Pattern: "GET /finance/entities/{entity}/designations"},
	{Pattern: "POST /finance/entities/{entity}/designations", Form: map[string][]string{"username": {"ugyintezo"}, "role": {"certify"}, "valid_from": {"2026-01-01"}, "decision": {"teszt"}}},
	{Pattern: "GET /finance/entities/{entity}/commitments"},
	{Pattern: "POST /finance/entities/{entity}/commitments", Form: map[string][]string{"on": {"2026-03-02"}, "rovat": {"K334"}, "funkcio": {"011130"}, "partner": {"X"}, "subject": {"X"}, "amount": {"1"}}},
	{Pattern: "GET /finance/commitments/{commitment}"},
	{Pattern: "POST /finance/commitments/{commitment}/countersign"},
	{Pattern: "POST /finance/commitments/{commitment}/commit"},
	{Pattern: "POST /finance/commitments/{commitment}/certify", Form: map[string][]string{"on": {"2026-03-02"}, "amount": {"1"}, "document": {"X"}}},
	{Pattern: "POST /finance/commitments/{commitment}/invoices", Form: map[string][]string{"number": {"X"}, "amount": {"1"}, "received_on": {"2026-03-02"}}},
	{Pattern: "POST /finance/commitments/{commitment}/performances/{performance}/validate"},
	{Pattern: "POST /finance/commitments/{commitment}/performances/{performance}/order"},
	{Pattern: "POST /finance/commitments/{commitment}/performances/{performance}/pay", Form: map[string][]string{"on": {"2026-03-02"}}},
	{Pattern: "GET /api/v1/finance/entities/{entity}/designations"},
	{Pattern: "POST /api/v1/finance/entities/{entity}/designations"},
	{Pattern: "GET /api/v1/finance/entities/{entity}/commitments"},
	{Pattern: "POST /api/v1/finance/entities/{entity}/commitments"},
	{Pattern: "GET /api/v1/finance/commitments/{commitment}"},
	{Pattern: "POST /api/v1/finance/commitments/{commitment}/countersign"},
	{Pattern: "POST /api/v1/finance/commitments/{commitment}/commit"},
	{Pattern: "POST /api/v1/finance/commitments/{commitment}/certify"},
	{Pattern: "POST /api/v1/finance/commitments/{commitment}/invoices"},
	{Pattern: "POST /api/v1/finance/commitments/{commitment}/performances/{performance}/validate"},
	{Pattern: "POST /api/v1/finance/commitments/{commitment}/performances/{performance}/order"},
	{Pattern: "POST /api/v1/finance/commitments/{commitment}/performances/{performance}/pay"},
}

func (h *handlers) routesSpending(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(Read)}
	post := []web.Middleware{d.Tenant, identity.Require(Post)}
	manage := []web.Middleware{d.Tenant, identity.Require(Manage)}
	rt.Handle("GET /finance/entities/{entity}/designations", h.designations, read...)
	rt.Handle("POST /finance/entities/{entity}/designations", h.designate, manage...)
	rt.Handle("GET /finance/entities/{entity}/commitments", h.commitments, read...)
	rt.Handle("POST /finance/entities/{entity}/commitments", h.draftCommitment, post...)
	rt.Handle("GET /finance/commitments/{commitment}", h.commitment, read...)
	for _, st := range []string{StepCountersign, StepCommit, StepCertify} {
		rt.Handle("POST /finance/commitments/{commitment}/"+st, h.takeStep(st), post...)
	}
	for _, st := range []string{StepValidate, StepOrder, StepPay} {
		rt.Handle("POST /finance/commitments/{commitment}/performances/{performance}/"+st, h.takeStep(st), post...)
	}
	rt.Handle("POST /finance/commitments/{commitment}/invoices", h.registerInvoice, post...)
	rt.Handle("POST /api/v1/finance/commitments/{commitment}/invoices", h.apiRegisterInvoice, post...)
	rt.Handle("GET /api/v1/finance/entities/{entity}/designations", h.apiDesignations, read...)
	rt.Handle("POST /api/v1/finance/entities/{entity}/designations", h.apiDesignate, manage...)
	rt.Handle("GET /api/v1/finance/entities/{entity}/commitments", h.apiCommitments, read...)
	rt.Handle("POST /api/v1/finance/entities/{entity}/commitments", h.apiDraft, post...)
	rt.Handle("GET /api/v1/finance/commitments/{commitment}", h.apiCommitment, read...)
	for _, st := range []string{StepCountersign, StepCommit, StepCertify} {
		rt.Handle("POST /api/v1/finance/commitments/{commitment}/"+st, h.apiStep(st), post...)
	}
	for _, st := range []string{StepValidate, StepOrder, StepPay} {
		rt.Handle("POST /api/v1/finance/commitments/{commitment}/performances/{performance}/"+st, h.apiStep(st), post...)
	}
}

func actorOf(p *access.Principal) Actor { return Actor{Username: p.Username, Name: p.Name} }

// --- designations ---

type designationsData struct {
	Entity       Entity
	Designations []Designation
	Roles        []string
	CanManage    bool
	Today        hu.Date
	lang         string
}

// RoleName names a role in the page's language.
func (d designationsData) RoleName(r string) string { return RoleName(r, d.lang) }

func (h *handlers) designations(w http.ResponseWriter, r *http.Request) error {
	return h.renderDesignations(w, r, http.StatusOK, nil)
}

func (h *handlers) renderDesignations(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	d := designationsData{Roles: Roles, CanManage: p.Can(Manage), Today: hu.DateOf(h.svc.now()), lang: web.RequestLang(r)}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Entity, err = EntityByID(ctx, tx, id); err != nil {
			return err
		}
		d.Designations, err = Designations(ctx, tx, id)
		return err
	})
	if errors.Is(err, errNoEntity) {
		return web.NotFound()
	}
	if err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "finance.designations.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "finance/designations", page)
}

var designationFields = []string{"username", "role", "valid_from", "valid_to", "decision"}

func (h *handlers) designate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	in := DesignationInput{Username: r.PostFormValue("username"), Role: r.PostFormValue("role"), Decision: r.PostFormValue("decision")}
	from, prob := formDate(r.PostFormValue("valid_from"), true)
	if prob != nil {
		prob.Field = "valid_from"
	}
	in.ValidFrom = from
	if prob == nil {
		if in.ValidTo, prob = formDate(r.PostFormValue("valid_to"), false); prob != nil {
			prob.Field = "valid_to"
		}
	}
	if prob == nil {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := h.svc.Designate(ctx, tx, id, in, p.Username)
			return err
		})
	} else {
		err = prob
	}
	if errors.As(err, &prob) {
		if prob.Code == errNoEntity.Code {
			return web.NotFound()
		}
		return h.renderDesignations(w, r, http.StatusUnprocessableEntity, formOf(r, designationFields, prob, web.RequestLang(r)))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/finance/entities/"+id.String()+"/designations", http.StatusSeeOther)
	return nil
}

// --- commitments ---

type commitmentsData struct {
	Entity      Entity
	Year        int
	Commitments []Commitment
	CanPost     bool
	Today       hu.Date
	lang        string

	WrittenLimit hu.Forint // under it no written document is needed
}

// StateName names a state in the page's language.
func (d commitmentsData) StateName(s string) string { return StateName(s, d.lang) }

// FunkcioName names a funkció.
func (commitmentsData) FunkcioName(code string) string {
	f, _ := mustCodes().Funkcio(code)
	return f.Name
}

func (h *handlers) commitments(w http.ResponseWriter, r *http.Request) error {
	return h.renderCommitments(w, r, http.StatusOK, nil)
}

func (h *handlers) renderCommitments(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	today := hu.DateOf(h.svc.now())
	d := commitmentsData{Year: yearOf(r, today.Year), CanPost: p.Can(Post), Today: today, lang: web.RequestLang(r)}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Entity, err = EntityByID(ctx, tx, id); err != nil {
			return err
		}
		if d.WrittenLimit, err = WrittenCommitmentLimit(ctx, tx); err != nil {
			return err
		}
		d.Commitments, err = Commitments(ctx, tx, id, d.Year)
		return err
	})
	if errors.Is(err, errNoEntity) {
		return web.NotFound()
	}
	if err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "finance.commitments.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "finance/commitments", page)
}

var commitmentFields = []string{"on", "rovat", "funkcio", "task", "partner", "subject", "document", "amount", "later"}

// laterYears reads "2027: 400 000" lines: the later years' parts of a
// multi-year commitment.
func laterYears(s string) ([]CommitmentYear, *Problem) {
	var out []CommitmentYear
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		y, a, ok := strings.Cut(line, ":")
		year, err := strconv.Atoi(strings.TrimSpace(y))
		amount, aerr := hu.ParseForint(strings.TrimSpace(a))
		if !ok || err != nil || aerr != nil {
			return nil, problem("bad_years", "later", "A későbbi éveket soronként „év: összeg” alakban adja meg, például 2027: 400 000.",
				"Give the later years one a line as “year: amount”, e.g. 2027: 400 000.")
		}
		out = append(out, CommitmentYear{Year: year, Amount: amount})
	}
	return out, nil
}

func (h *handlers) draftCommitment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	in := CommitmentInput{Rovat: r.PostFormValue("rovat"), Funkcio: r.PostFormValue("funkcio"), Task: r.PostFormValue("task"), Partner: r.PostFormValue("partner"),
		Subject: r.PostFormValue("subject"), Document: r.PostFormValue("document")}
	var c Commitment
	var amount hu.Forint
	in.On, err = formDateErr(r.PostFormValue("on"))
	if err == nil {
		amount, err = formAmountErr(r.PostFormValue("amount"))
	}
	if err == nil {
		var later []CommitmentYear
		var prob *Problem
		if later, prob = laterYears(r.PostFormValue("later")); prob != nil {
			err = prob
		} else {
			in.Years = append([]CommitmentYear{{Year: in.On.Year, Amount: amount}}, later...)
			err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
				var err error
				c, err = h.svc.DraftCommitment(ctx, tx, id, in, actorOf(p))
				return err
			})
		}
	}
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoEntity.Code {
			return web.NotFound()
		}
		return h.renderCommitments(w, r, http.StatusUnprocessableEntity, formOf(r, commitmentFields, prob, web.RequestLang(r)))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/finance/commitments/"+c.ID.String(), http.StatusSeeOther)
	return nil
}

// formDateErr and formAmountErr return the refusal as an error (nil
// when the value is good), so a chain of checks reads straight.
func formDateErr(s string) (hu.Date, error) {
	d, p := formDate(s, true)
	if p != nil {
		return d, p
	}
	return d, nil
}

func formAmountErr(s string) (hu.Forint, error) {
	a, p := formAmount(s)
	if p != nil {
		return a, p
	}
	return a, nil
}

// Action is a step button: offered when Reason is empty, otherwise the
// reason it is not.
type Action struct {
	Step   string
	Name   string
	Reason string
}

type perfView struct {
	Performance
	Actions []Action
}

type commitmentData struct {
	Entity       Entity
	Commitment   Commitment
	Status       Status
	Actions      []Action
	Performances []perfView
	CanPost      bool
	Today        hu.Date
	lang         string
}

// StateName names a state in the page's language.
func (d commitmentData) StateName(s string) string { return StateName(s, d.lang) }

// StepName names a step.
func (d commitmentData) StepName(s string) string { return StepName(s, d.lang) }

// RoleName names a role.
func (d commitmentData) RoleName(r string) string { return RoleName(r, d.lang) }

// FunkcioName names a funkció.
func (commitmentData) FunkcioName(code string) string {
	f, _ := mustCodes().Funkcio(code)
	return f.Name
}

// RovatName names a rovat.
func (commitmentData) RovatName(code string) string { r, _ := mustCodes().Rovat(code); return r.Name }

func (h *handlers) commitmentID(r *http.Request) (uuid.UUID, uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue("commitment"))
	if err != nil {
		return uuid.Nil, uuid.Nil, web.NotFound()
	}
	perf := uuid.Nil
	if s := r.PathValue("performance"); s != "" {
		if perf, err = uuid.Parse(s); err != nil {
			return uuid.Nil, uuid.Nil, web.NotFound()
		}
	}
	return id, perf, nil
}

// actions lists the buttons of the page with the reason each is not
// offered, by the same check the step itself makes.
func (h *handlers) actions(ctx context.Context, tx bun.IDB, p *access.Principal, c Commitment, perf *Performance, steps []string, lang string) ([]Action, error) {
	day := hu.DateOf(h.svc.now())
	var out []Action
	for _, st := range steps {
		a := Action{Step: st, Name: StepName(st, lang)}
		if !p.Can(Post) {
			a.Reason = map[bool]string{true: "You have no permission to record GAZD events.", false: "Nincs jogosultsága gazdasági eseményt rögzíteni."}[lang == "en"]
		} else {
			prob, err := CheckStep(ctx, tx, c, perf, st, actorOf(p), day)
			if err != nil {
				return nil, err
			}
			if prob != nil {
				a.Reason = prob.Message(lang)
			}
		}
		out = append(out, a)
	}
	return out, nil
}

func (h *handlers) commitment(w http.ResponseWriter, r *http.Request) error {
	return h.renderCommitment(w, r, http.StatusOK, nil)
}

func (h *handlers) renderCommitment(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, _, err := h.commitmentID(r)
	if err != nil {
		return err
	}
	d := commitmentData{Today: hu.DateOf(h.svc.now()), CanPost: p.Can(Post), lang: web.RequestLang(r)}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Commitment, err = CommitmentByID(ctx, tx, id); err != nil {
			return err
		}
		c := d.Commitment
		if d.Entity, err = EntityByID(ctx, tx, c.EntityID); err != nil {
			return err
		}
		if d.Status, err = LineStatus(ctx, tx, c.EntityID, c.Year, LineKey{Rovat: c.Rovat, Funkcio: c.Funkcio, Task: c.Task}); err != nil {
			return err
		}
		if d.Actions, err = h.actions(ctx, tx, p, c, nil, []string{StepCountersign, StepCommit, StepCertify}, d.lang); err != nil {
			return err
		}
		for i := range c.Performances {
			pf := c.Performances[i]
			as, err := h.actions(ctx, tx, p, c, &pf, []string{StepValidate, StepOrder, StepPay}, d.lang)
			if err != nil {
				return err
			}
			d.Performances = append(d.Performances, perfView{Performance: pf, Actions: as})
		}
		return nil
	})
	if errors.Is(err, errNoCommitment) {
		return web.NotFound()
	}
	if err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "finance.commitment.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "finance/commitment", page)
}

// run takes one step for the page or the API.
func (h *handlers) run(ctx context.Context, p *access.Principal, step string, id, perf uuid.UUID, in PerformanceInput) (any, error) {
	var out any
	err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		a := actorOf(p)
		switch step {
		case StepCountersign:
			out, err = h.svc.Countersign(ctx, tx, id, a)
		case StepCommit:
			out, err = h.svc.Commit(ctx, tx, id, a)
		case StepCertify:
			out, err = h.svc.Certify(ctx, tx, id, in, a)
		case StepValidate:
			out, err = h.svc.Validate(ctx, tx, id, perf, a)
		case StepOrder:
			out, err = h.svc.Order(ctx, tx, id, perf, a)
		case StepPay:
			out, err = h.svc.Pay(ctx, tx, id, perf, in.On, a)
		}
		return err
	})
	return out, err
}

func isNotFound(prob *Problem) bool {
	return prob.Code == errNoCommitment.Code || prob.Code == errNoPerformance.Code || prob.Code == errNoEntity.Code
}

func (h *handlers) takeStep(step string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := access.PrincipalFrom(ctx)
		id, perf, err := h.commitmentID(r)
		if err != nil {
			return err
		}
		var in PerformanceInput
		if step == StepCertify || step == StepPay {
			in.On, err = formDateErr(r.PostFormValue("on"))
			if err == nil && step == StepCertify {
				if r.PostFormValue("invoice") == "" || strings.TrimSpace(r.PostFormValue("amount")) != "" {
					in.Amount, err = formAmountErr(r.PostFormValue("amount"))
				}
				in.Document, in.Cost = r.PostFormValue("document"), r.PostFormValue("cost")
				if v := r.PostFormValue("invoice"); v != "" {
					if in.Invoice, err = uuid.Parse(v); err != nil {
						err = problem("no_invoice", "invoice", "Ehhez a kötelezettségvállaláshoz nincs ilyen, igazolásra váró számla.", "This commitment has no such invoice awaiting certification.")
					}
				}
			}
		}
		if err == nil {
			_, err = h.run(ctx, p, step, id, perf, in)
		}
		var prob *Problem
		if errors.As(err, &prob) {
			if isNotFound(prob) {
				return web.NotFound()
			}
			return h.renderCommitment(w, r, http.StatusUnprocessableEntity, formOf(r, []string{"on", "amount", "document", "cost"}, prob, web.RequestLang(r)))
		}
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/finance/commitments/"+id.String(), http.StatusSeeOther)
		return nil
	}
}

func (h *handlers) registerInvoice(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, _, err := h.commitmentID(r)
	if err != nil {
		return err
	}
	in := InvoiceInput{Number: r.PostFormValue("number")}
	in.ReceivedOn, err = formDateErr(r.PostFormValue("received_on"))
	if err == nil {
		in.Amount, err = formAmountErr(r.PostFormValue("amount"))
	}
	if err == nil {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := h.svc.RegisterInvoice(ctx, tx, h.reg, id, in, p.Username)
			return err
		})
	}
	var prob *Problem
	if errors.As(err, &prob) {
		if isNotFound(prob) {
			return web.NotFound()
		}
		return h.renderCommitment(w, r, http.StatusUnprocessableEntity, formOf(r, []string{"number", "amount", "received_on"}, prob, web.RequestLang(r)))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/finance/commitments/"+id.String(), http.StatusSeeOther)
	return nil
}
