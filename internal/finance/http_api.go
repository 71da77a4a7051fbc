package finance

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// The JSON API of entities, the budget and the ledger.

func (h *handlers) routesAPI(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(Read)}
	rt.Handle("GET /api/v1/finance/entities", h.apiEntities, read...)
	rt.Handle("POST /api/v1/finance/entities", h.apiCreateEntity, d.Tenant, identity.Require(Manage))
	rt.Handle("GET /api/v1/finance/entities/{entity}", h.apiEntity, read...)
	rt.Handle("GET /api/v1/finance/entities/{entity}/budget", h.apiBudget, read...)
	rt.Handle("POST /api/v1/finance/entities/{entity}/budget", h.apiBudgetChange, d.Tenant, identity.Require(Post))
	rt.Handle("POST /api/v1/finance/entities/{entity}/events", h.apiPost, d.Tenant, identity.Require(Post))
	rt.Handle("GET /api/v1/finance/entities/{entity}/trial-balance", h.apiTrial, read...)
}

func apiRefusal(r *http.Request, err error) error {
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoEntity.Code {
			return web.NotFound()
		}
		lang := web.RequestLang(r)
		e := &web.Error{Status: http.StatusUnprocessableEntity, Key: "finance.refused", Args: []any{prob.Message(lang)}}
		if prob.Field != "" {
			e.Fields = []web.FieldError{{Field: prob.Field, Message: prob.Message(lang)}}
		}
		return e
	}
	return err
}

func (h *handlers) apiEntities(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var es []Entity
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if es, err = Entities(ctx, tx); err != nil {
			return err
		}
		for i := range es {
			if es[i], err = EntityByID(ctx, tx, es[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if es == nil {
		es = []Entity{}
	}
	api.Write(w, http.StatusOK, map[string]any{"entities": es})
	return nil
}

func (h *handlers) apiCreateEntity(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var in EntityInput
	if err := api.Decode(r, &in); err != nil {
		return err
	}
	var e Entity
	err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		e, err = h.svc.CreateEntity(ctx, tx, in, p.Username)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	api.Write(w, http.StatusCreated, e)
	return nil
}

func (h *handlers) apiEntity(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	var e Entity
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		e, err = EntityByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	api.Write(w, http.StatusOK, e)
	return nil
}

func scopeOf(r *http.Request, id uuid.UUID, now hu.Date) Scope {
	sc := Scope{Entity: id, Year: yearOf(r, now.Year), Through: 12}
	if m, err := strconv.Atoi(r.URL.Query().Get("month")); err == nil && m >= 1 && m <= 12 {
		sc.Through = m
	}
	return sc
}

func (h *handlers) apiBudget(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	sc := scopeOf(r, id, hu.DateOf(h.svc.now()))
	var br BudgetReport
	var checks []Check
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		if _, err := EntityByID(ctx, tx, id); err != nil {
			return err
		}
		var err error
		if br, err = BudgetOf(ctx, tx, sc); err != nil {
			return err
		}
		checks, err = Reconcile(ctx, tx, sc)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	type checkOut struct {
		Name      string    `json:"name"`
		Budget    hu.Forint `json:"budget"`
		Financial hu.Forint `json:"financial"`
		OK        bool      `json:"ok"`
	}
	cs := []checkOut{}
	for _, c := range checks {
		cs = append(cs, checkOut{Name: c.EN, Budget: c.Budget, Financial: c.Financial, OK: c.OK()})
	}
	if br.Lines == nil {
		br.Lines = []Status{}
	}
	if br.Groups == nil {
		br.Groups = []Status{}
	}
	api.Write(w, http.StatusOK, map[string]any{"year": sc.Year, "through_month": sc.Through, "lines": br.Lines, "groups": br.Groups,
		"budget_expenditure": br.BudgetExpenditure, "financing_expenditure": br.FinancingExpenditure, "budget_revenue": br.BudgetRevenue,
		"financing_revenue": br.FinancingRevenue, "balance": br.Balance, "checks": cs})
	return nil
}

type budgetRequest struct {
	Year     int                  `json:"year"`
	Kind     string               `json:"kind"`
	On       string               `json:"on"`
	Decision string               `json:"decision"`
	Note     string               `json:"note"`
	Lines    []AppropriationInput `json:"lines"`
}

func (h *handlers) apiBudgetChange(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	if err := h.entityExists(r, id); err != nil {
		return err
	}
	var req budgetRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	on, prob := formDate(req.On, false)
	if prob != nil {
		return apiRefusal(r, prob)
	}
	var out []AppropriationChange
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		out, err = h.svc.RecordBudget(ctx, tx, BudgetChange{Entity: id, Year: req.Year, Kind: req.Kind, On: on, Decision: req.Decision, Note: req.Note, Lines: req.Lines}, p.Username)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	api.Write(w, http.StatusCreated, map[string]any{"changes": out})
	return nil
}

type eventRequest struct {
	Event      string    `json:"event"`
	On         string    `json:"on"`
	Rovat      string    `json:"rovat"`
	Funkcio    string    `json:"funkcio"`
	Task       string    `json:"task"`
	Amount     hu.Forint `json:"amount"`
	Partner    string    `json:"partner"`
	Commitment string    `json:"commitment"`
	Document   string    `json:"document"`
	Text       string    `json:"text"`
	Cost       string    `json:"cost"`
	Income     string    `json:"income"`
	Cash       string    `json:"cash"`
}

func (h *handlers) apiPost(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	if err := h.entityExists(r, id); err != nil {
		return err
	}
	var req eventRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	on, prob := formDate(req.On, true)
	if prob != nil {
		return apiRefusal(r, prob)
	}
	if len(req.Rovat) < 2 {
		return apiRefusal(r, problem("bad_rovat", "rovat", "Adja meg a rovatot (például K334 vagy B351).", "Give the rovat (e.g. K334 or B351)."))
	}
	ev := Event{Entity: id, Kind: req.Event, On: on, Rovat: req.Rovat, Funkcio: req.Funkcio, Task: req.Task, Amount: req.Amount, Partner: req.Partner,
		Commitment: req.Commitment, Document: req.Document, Text: req.Text, Cost: req.Cost, Income: req.Income, Cash: req.Cash}
	var en Entry
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		en, err = h.svc.Post(ctx, tx, ev, p.Username)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	api.Write(w, http.StatusCreated, en)
	return nil
}

func (h *handlers) apiTrial(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	sc := scopeOf(r, id, hu.DateOf(h.svc.now()))
	var tb TrialBalance
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		if _, err := EntityByID(ctx, tx, id); err != nil {
			return err
		}
		var err error
		tb, err = TrialBalanceOf(ctx, tx, sc)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	type row struct {
		Account string    `json:"account"`
		Name    string    `json:"name"`
		Debit   hu.Forint `json:"debit"`
		Credit  hu.Forint `json:"credit"`
		Balance hu.Forint `json:"balance"`
	}
	rows := []row{}
	for _, t := range tb.Rows {
		rows = append(rows, row{t.Account.Code, t.Account.Name, t.Debit, t.Credit, t.Balance()})
	}
	api.Write(w, http.StatusOK, map[string]any{"year": sc.Year, "through_month": sc.Through, "accounts": rows})
	return nil
}

// entityExists answers 404 for an id that is not the tenant's entity,
// before the body is read.
func (h *handlers) entityExists(r *http.Request, id uuid.UUID) error {
	p := access.PrincipalFrom(r.Context())
	err := h.deps.DB.InTenantRead(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := EntityByID(ctx, tx, id)
		return err
	})
	return apiRefusal(r, err)
}
