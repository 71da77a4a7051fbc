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
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// Postings through the API: what a clerk books by hand on a taxpayer's
// account (a debit, a reduction, a fine), its reversal with a reason, and
// the events that interrupt limitation.

var postingSeparationRoutes = []separation.Route{
	{Pattern: "POST /api/v1/tax/taxpayers/{taxpayer}/postings"},
	{Pattern: "POST /api/v1/tax/postings/{posting}/reverse"},
	{Pattern: "POST /api/v1/tax/taxpayers/{taxpayer}/interruptions"},
}

func (h *handlers) routesPostingsAPI(rt *web.Router, d module.Deps) {
	post := []web.Middleware{d.Tenant, identity.Require(AccountsPost)}
	rt.Handle("POST /api/v1/tax/taxpayers/{taxpayer}/postings", h.apiPost, post...)
	rt.Handle("POST /api/v1/tax/postings/{posting}/reverse", h.apiReverse, post...)
	rt.Handle("POST /api/v1/tax/taxpayers/{taxpayer}/interruptions", h.apiInterruption, post...)
}

type postingRequest struct {
	TaxType   string    `json:"tax_type"`
	Side      string    `json:"side"`
	Amount    hu.Forint `json:"amount"`
	On        hu.Date   `json:"on"`
	TaxYear   int       `json:"tax_year"`
	Kind      string    `json:"kind"`
	Reference string    `json:"reference"`
	Note      string    `json:"note"`
}

func (h *handlers) apiPost(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadTaxpayer(r) // 404 for another tenant's taxpayer, before the body is read
	if err != nil {
		return err
	}
	var req postingRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	in := PostingInput{TaxpayerID: d.Taxpayer.ID, TaxType: req.TaxType, Side: req.Side, Amount: req.Amount, On: req.On, TaxYear: req.TaxYear,
		Kind: req.Kind, Reference: req.Reference, Note: req.Note}
	var ps Posting
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		ps, err = h.svc.Post(ctx, tx, in, p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return apiProblem(r, prob)
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusCreated, ps)
	return nil
}

func (h *handlers) apiReverse(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.pathRow(r, "posting", (*Posting)(nil))
	if err != nil {
		return err
	}
	var req struct {
		Reason string `json:"reason"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	var rev Posting
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		rev, err = h.svc.Reverse(ctx, tx, id, req.Reason, p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return apiProblem(r, prob)
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusCreated, rev)
	return nil
}

type interruptionRequest struct {
	Kind  string     `json:"kind"`
	On    hu.Date    `json:"on"`
	Debit *uuid.UUID `json:"debit"`
	Note  string     `json:"note"`
}

// apiInterruption records an event that interrupts limitation (an
// enforcement act, a payment facilitation) for one debit or all open.
func (h *handlers) apiInterruption(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadTaxpayer(r) // 404 for another tenant's taxpayer, before the body is read
	if err != nil {
		return err
	}
	var req interruptionRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	var ev LimitationEvent
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		ev, err = h.svc.RecordInterruption(ctx, tx, d.Taxpayer.ID, req.Debit, req.Kind, req.On, req.Note, p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Field == "" {
			prob = &Problem{Code: prob.Code, Field: "debit", HU: prob.HU, EN: prob.EN}
		}
		return apiProblem(r, prob)
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusCreated, ev)
	return nil
}
