package tax

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// The JSON API of taxpayers and accounts, for interface-connected
// systems and, later, the citizens' portal.

func (h *handlers) routesAPI(rt *web.Router, d module.Deps) {
	rt.Handle("POST /api/v1/tax/taxpayers", h.apiCreateTaxpayer, d.Tenant, identity.Require(AccountsPost))
	rt.Handle("GET /api/v1/tax/taxpayers/{taxpayer}/accounts", h.apiAccounts, d.Tenant, identity.Require(TaxpayersRead))
}

type taxpayerRequest struct {
	TaxID   string `json:"tax_id"`
	Name    string `json:"name"`
	Address string `json:"address"`
}

func (h *handlers) apiCreateTaxpayer(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var req taxpayerRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	var tp Taxpayer
	err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		tp, err = h.svc.RegisterTaxpayer(ctx, tx, TaxpayerInput(req), p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return apiProblem(r, prob)
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusCreated, tp)
	return nil
}

type accountResponse struct {
	TaxType     string     `json:"tax_type"`
	On          hu.Date    `json:"on"`
	Balance     hu.Forint  `json:"balance"`
	Arrears     hu.Forint  `json:"arrears"`
	NotYetDue   hu.Forint  `json:"not_yet_due"`
	Overpayment hu.Forint  `json:"overpayment"`
	Interest    hu.Forint  `json:"interest_accrued"`
	Postings    []Posting  `json:"postings"`
	Debits      []debitRow `json:"debits"`
}

type debitRow struct {
	ID       uuid.UUID `json:"id"`
	Due      hu.Date   `json:"due"`
	Amount   hu.Forint `json:"amount"`
	Paid     hu.Forint `json:"paid"`
	Open     hu.Forint `json:"open"`
	Interest hu.Forint `json:"interest_accrued"`
}

func (h *handlers) apiAccounts(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadTaxpayer(r)
	if err != nil {
		return err
	}
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.view", ObjectType: "taxpayer", ObjectID: d.Taxpayer.ID.String(),
		Result: audit.ResultOK, Detail: map[string]any{"tax_id": d.Taxpayer.TaxID, "via": "api"}}); err != nil {
		return err
	}
	out := []accountResponse{}
	for _, a := range d.Accounts {
		ar := accountResponse{TaxType: a.TaxType, On: a.On, Balance: a.Balance(), Arrears: a.Arrears, NotYetDue: a.NotYetDue,
			Overpayment: a.Overpayment, Interest: a.Interest, Postings: a.Postings, Debits: []debitRow{}}
		for _, db := range a.Debits {
			ar.Debits = append(ar.Debits, debitRow{ID: db.ID, Due: db.On, Amount: db.Amount, Paid: db.Paid, Open: db.Open, Interest: db.Interest})
		}
		out = append(out, ar)
	}
	api.Write(w, http.StatusOK, map[string]any{"taxpayer": d.Taxpayer, "accounts": out})
	return nil
}

// apiProblem answers a refusal of ADÓ in the API: 422, in the caller's
// language, naming the field when there is one.
func apiProblem(r *http.Request, prob *Problem) error {
	lang := web.RequestLang(r)
	e := &web.Error{Status: http.StatusUnprocessableEntity, Key: "tax.api_refused", Args: []any{prob.Message(lang)}}
	if prob.Field != "" {
		e.Fields = []web.FieldError{{Field: prob.Field, Message: prob.Message(lang)}}
	}
	return e
}

// pathRow reads the id in the path parameter name and checks that the
// tenant has such a row of model, so that another tenant's id is not found
// before a request's body is read. db.Count, because a plain Count skips
// the tenant filter.
func (h *handlers) pathRow(r *http.Request, name string, model any) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue(name))
	if err != nil {
		return uuid.Nil, web.NotFound()
	}
	err = h.deps.DB.InTenantRead(r.Context(), access.PrincipalFrom(r.Context()).Tenant, func(ctx context.Context, tx bun.Tx) error {
		n, err := db.Count(ctx, tx.NewSelect().Model(model).Where("id = ?", id))
		if err == nil && n == 0 {
			return web.NotFound()
		}
		return err
	})
	return id, err
}
