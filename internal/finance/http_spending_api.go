package finance

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// spendingRefusal is apiRefusal that also answers 404 for a commitment
// or performance that is not the tenant's.
func spendingRefusal(r *http.Request, err error) error {
	var prob *Problem
	if errors.As(err, &prob) && isNotFound(prob) {
		return web.NotFound()
	}
	return apiRefusal(r, err)
}

func (h *handlers) apiDesignations(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	var gs []Designation
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		if _, err := EntityByID(ctx, tx, id); err != nil {
			return err
		}
		var err error
		gs, err = Designations(ctx, tx, id)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	if gs == nil {
		gs = []Designation{}
	}
	api.Write(w, http.StatusOK, map[string]any{"designations": gs})
	return nil
}

type designationRequest struct {
	Username  string `json:"username"`
	Role      string `json:"role"`
	ValidFrom string `json:"valid_from"`
	ValidTo   string `json:"valid_to"`
	Decision  string `json:"decision"`
}

func (h *handlers) apiDesignate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	if err := h.entityExists(r, id); err != nil {
		return err
	}
	var req designationRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	in := DesignationInput{Username: req.Username, Role: req.Role, Decision: req.Decision}
	var prob *Problem
	if in.ValidFrom, prob = formDate(req.ValidFrom, true); prob != nil {
		prob.Field = "valid_from"
		return apiRefusal(r, prob)
	}
	if in.ValidTo, prob = formDate(req.ValidTo, false); prob != nil {
		prob.Field = "valid_to"
		return apiRefusal(r, prob)
	}
	var g Designation
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		g, err = h.svc.Designate(ctx, tx, id, in, p.Username)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	api.Write(w, http.StatusCreated, g)
	return nil
}

func (h *handlers) apiCommitments(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	year := yearOf(r, hu.DateOf(h.svc.now()).Year)
	var cs []Commitment
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		if _, err := EntityByID(ctx, tx, id); err != nil {
			return err
		}
		var err error
		cs, err = Commitments(ctx, tx, id, year)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	if cs == nil {
		cs = []Commitment{}
	}
	for i := range cs {
		cs[i] = filled(cs[i])
	}
	api.Write(w, http.StatusOK, map[string]any{"year": year, "commitments": cs})
	return nil
}

type commitmentRequest struct {
	On       string           `json:"on"`
	Rovat    string           `json:"rovat"`
	Funkcio  string           `json:"funkcio"`
	Task     string           `json:"task"`
	Partner  string           `json:"partner"`
	Subject  string           `json:"subject"`
	Document string           `json:"document"`
	Years    []CommitmentYear `json:"years"`
}

func (h *handlers) apiDraft(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	if err := h.entityExists(r, id); err != nil {
		return err
	}
	var req commitmentRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	on, prob := formDate(req.On, true)
	if prob != nil {
		return apiRefusal(r, prob)
	}
	var c Commitment
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		c, err = h.svc.DraftCommitment(ctx, tx, id, CommitmentInput{On: on, Rovat: req.Rovat, Funkcio: req.Funkcio, Task: req.Task, Partner: req.Partner,
			Subject: req.Subject, Document: req.Document, Years: req.Years}, actorOf(p))
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	api.Write(w, http.StatusCreated, filled(c))
	return nil
}

// commitmentOut is a commitment with the steps the caller may take now
// and why the others are not offered.
type commitmentOut struct {
	Commitment
	Amount  hu.Forint                    `json:"amount"`
	Open    hu.Forint                    `json:"open"`
	Allowed map[string]string            `json:"not_allowed"`
	PerfNot map[string]map[string]string `json:"performance_not_allowed"`
}

func (h *handlers) apiCommitment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, _, err := h.commitmentID(r)
	if err != nil {
		return err
	}
	lang := web.RequestLang(r)
	var out commitmentOut
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		c, err := CommitmentByID(ctx, tx, id)
		if err != nil {
			return err
		}
		out = commitmentOut{Commitment: c, Amount: c.Amount(), Open: c.Open(), Allowed: map[string]string{}, PerfNot: map[string]map[string]string{}}
		as, err := h.actions(ctx, tx, p, c, nil, []string{StepCountersign, StepCommit, StepCertify}, lang)
		if err != nil {
			return err
		}
		for _, a := range as {
			out.Allowed[a.Step] = a.Reason
		}
		for i := range c.Performances {
			pf := c.Performances[i]
			as, err := h.actions(ctx, tx, p, c, &pf, []string{StepValidate, StepOrder, StepPay}, lang)
			if err != nil {
				return err
			}
			m := map[string]string{}
			for _, a := range as {
				m[a.Step] = a.Reason
			}
			out.PerfNot[pf.ID.String()] = m
		}
		return nil
	})
	if err != nil {
		return spendingRefusal(r, err)
	}
	out.Commitment = filled(out.Commitment)
	api.Write(w, http.StatusOK, out)
	return nil
}

type stepRequest struct {
	On       string    `json:"on"`
	Amount   hu.Forint `json:"amount"`
	Document string    `json:"document"`
	Cost     string    `json:"cost"`
	Invoice  uuid.UUID `json:"invoice"`
}

func (h *handlers) apiStep(step string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		p := access.PrincipalFrom(ctx)
		id, perf, err := h.commitmentID(r)
		if err != nil {
			return err
		}
		if err := h.commitmentExists(r, id); err != nil {
			return err
		}
		var in PerformanceInput
		if step == StepCertify || step == StepPay {
			var req stepRequest
			if err := api.Decode(r, &req); err != nil {
				return err
			}
			var prob *Problem
			if in.On, prob = formDate(req.On, true); prob != nil {
				return apiRefusal(r, prob)
			}
			in.Amount, in.Document, in.Cost, in.Invoice = req.Amount, req.Document, req.Cost, req.Invoice
		}
		out, err := h.run(ctx, p, step, id, perf, in)
		if err != nil {
			return spendingRefusal(r, err)
		}
		if c, ok := out.(Commitment); ok {
			out = filled(c)
		}
		api.Write(w, http.StatusOK, out)
		return nil
	}
}

// commitmentExists answers 404 for an id that is not the tenant's
// commitment, before the body is read.
func (h *handlers) commitmentExists(r *http.Request, id uuid.UUID) error {
	p := access.PrincipalFrom(r.Context())
	err := h.deps.DB.InTenantRead(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := CommitmentByID(ctx, tx, id)
		return err
	})
	return spendingRefusal(r, err)
}

// filled gives empty lists rather than nulls in JSON.
func filled(c Commitment) Commitment {
	if c.Years == nil {
		c.Years = []CommitmentYear{}
	}
	if c.Performances == nil {
		c.Performances = []Performance{}
	}
	if c.Steps == nil {
		c.Steps = []Step{}
	}
	if c.Invoices == nil {
		c.Invoices = []Invoice{}
	}
	return c
}

type invoiceRequest struct {
	Number     string    `json:"number"`
	Amount     hu.Forint `json:"amount"`
	ReceivedOn string    `json:"received_on"`
}

func (h *handlers) apiRegisterInvoice(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, _, err := h.commitmentID(r)
	if err != nil {
		return err
	}
	if err := h.commitmentExists(r, id); err != nil {
		return err
	}
	var req invoiceRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	on, prob := formDate(req.ReceivedOn, true)
	if prob != nil {
		prob.Field = "received_on"
		return apiRefusal(r, prob)
	}
	var iv Invoice
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		iv, err = h.svc.RegisterInvoice(ctx, tx, h.reg, id, InvoiceInput{Number: req.Number, Amount: req.Amount, ReceivedOn: on}, p.Username)
		return err
	})
	if err != nil {
		return spendingRefusal(r, err)
	}
	api.Write(w, http.StatusCreated, iv)
	return nil
}
