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
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// Pages and API of outgoing invoices and bank statements.

var outgoingSeparationRoutes = []separation.Route{
	{Pattern: "GET /finance/entities/{entity}/outgoing"},
	{Pattern: "POST /finance/entities/{entity}/outgoing", Form: map[string][]string{"partner_name": {"X"}, "issue_date": {"2026-03-02"}, "performance_date": {"2026-03-02"},
		"due_date": {"2026-03-10"}, "description": {"X"}, "rovat": {"B402"}, "funkcio": {"011130"}, "net": {"1"}, "vat_rate": {"27"}}},
	{Pattern: "GET /finance/outgoing/{outgoing}"},
	{Pattern: "GET /finance/outgoing/{outgoing}/pdf"},
	{Pattern: "POST /finance/outgoing/{outgoing}/storno", Form: map[string][]string{"on": {"2026-03-02"}, "reason": {"X"}}},
	{Pattern: "GET /finance/entities/{entity}/bank"},
	{Pattern: "POST /finance/entities/{entity}/bank/accounts", Form: map[string][]string{"account": {"11773016-11111018"}}},
	{Pattern: "POST /finance/entities/{entity}/bank/statements"},
	{Pattern: "POST /finance/bank/entries/{bankentry}/resolve", Form: map[string][]string{"action": {"rovat"}, "rovat": {"B411"}, "funkcio": {"011130"}}},
	{Pattern: "GET /api/v1/finance/entities/{entity}/outgoing-invoices"},
	{Pattern: "POST /api/v1/finance/entities/{entity}/outgoing-invoices"},
	{Pattern: "GET /api/v1/finance/outgoing-invoices/{outgoing}"},
	{Pattern: "POST /api/v1/finance/outgoing-invoices/{outgoing}/storno"},
	{Pattern: "GET /api/v1/finance/entities/{entity}/bank-accounts"},
	{Pattern: "POST /api/v1/finance/entities/{entity}/bank-accounts"},
	{Pattern: "POST /api/v1/finance/entities/{entity}/bank-statements"},
	{Pattern: "GET /api/v1/finance/entities/{entity}/bank-entries"},
	{Pattern: "POST /api/v1/finance/bank-entries/{bankentry}/resolve"},
}

func (h *handlers) routesOutgoing(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(Read)}
	post := []web.Middleware{d.Tenant, identity.Require(Post)}
	manage := []web.Middleware{d.Tenant, identity.Require(Manage)}
	rt.Handle("GET /finance/entities/{entity}/outgoing", h.outgoingList, read...)
	rt.Handle("POST /finance/entities/{entity}/outgoing", h.issueOutgoing, post...)
	rt.Handle("GET /finance/outgoing/{outgoing}", h.outgoingInvoice, read...)
	rt.Handle("GET /finance/outgoing/{outgoing}/pdf", h.outgoingPDF, read...)
	rt.Handle("POST /finance/outgoing/{outgoing}/storno", h.stornoOutgoing, post...)
	rt.Handle("GET /api/v1/finance/entities/{entity}/outgoing-invoices", h.apiOutgoingList, read...)
	rt.Handle("POST /api/v1/finance/entities/{entity}/outgoing-invoices", h.apiIssueOutgoing, post...)
	rt.Handle("GET /api/v1/finance/outgoing-invoices/{outgoing}", h.apiOutgoing, read...)
	rt.Handle("POST /api/v1/finance/outgoing-invoices/{outgoing}/storno", h.apiStornoOutgoing, post...)
	h.routesBank(rt, read, post, manage)
}

func outgoingRefusal(r *http.Request, err error) error {
	var prob *Problem
	if errors.As(err, &prob) && prob.Code == errNoOutgoing.Code {
		return web.NotFound()
	}
	return apiRefusal(r, err)
}

type outgoingListData struct {
	Entity   Entity
	Year     int
	Invoices []OutgoingInvoice
	Rates    []int
	CanPost  bool
	Today    hu.Date
	Rounding string
}

// RovatName names a rovat for the page.
func (outgoingListData) RovatName(code string) string { r, _ := mustCodes().Rovat(code); return r.Name }

// TaskName names a task type.
func (outgoingListData) TaskName(t string) string { return TaskName(t) }

func (h *handlers) outgoingList(w http.ResponseWriter, r *http.Request) error {
	return h.renderOutgoingList(w, r, http.StatusOK, nil)
}

func (h *handlers) renderOutgoingList(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	today := hu.DateOf(h.svc.now())
	d := outgoingListData{Year: yearOf(r, today.Year), Rates: OutgoingVATRates, CanPost: p.Can(Post), Today: today, Rounding: OutgoingVATRoundingRule}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Entity, err = EntityByID(ctx, tx, id); err != nil {
			return err
		}
		d.Invoices, err = OutgoingInvoices(ctx, tx, id, d.Year)
		return err
	})
	if errors.Is(err, errNoEntity) {
		return web.NotFound()
	}
	if err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "finance.outgoing.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "finance/outgoing", page)
}

var outgoingFields = []string{"partner_name", "partner_tax_number", "partner_account", "partner_address", "issue_date", "performance_date", "due_date",
	"description", "rovat", "funkcio", "task", "net", "vat_rate"}

// outgoingFromForm reads an invoice from a form or the API's strings.
func outgoingFromForm(get func(string) string) (OutgoingInput, *Problem) {
	in := OutgoingInput{PartnerName: get("partner_name"), PartnerTaxNumber: get("partner_tax_number"), PartnerAccount: get("partner_account"),
		PartnerAddress: get("partner_address"), Description: get("description"), Rovat: get("rovat"), Funkcio: get("funkcio"), Task: get("task")}
	for _, f := range []struct {
		name string
		to   *hu.Date
	}{{"issue_date", &in.IssueDate}, {"performance_date", &in.PerformanceDate}, {"due_date", &in.DueDate}} {
		d, prob := formDate(get(f.name), true)
		if prob != nil {
			prob.Field = f.name
			return in, prob
		}
		*f.to = d
	}
	net, prob := formAmount(get("net"))
	if prob != nil {
		prob.Field = "net"
		return in, prob
	}
	in.Net = net
	rate, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(get("vat_rate")), "%"))
	if err != nil {
		return in, problem("bad_vat_rate", "vat_rate", "Az ÁFA kulcsa 27, 18, 5 vagy 0 (adómentes) százalék.", "The ÁFA rate is 27, 18, 5 or 0 (exempt) per cent.")
	}
	in.VATRate = rate
	return in, nil
}

func (h *handlers) issueOutgoing(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	in, prob := outgoingFromForm(r.PostFormValue)
	var o OutgoingInvoice
	if prob == nil {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			o, err = h.svc.IssueOutgoing(ctx, tx, id, in, p.Username)
			return err
		})
	} else {
		err = prob
	}
	if errors.As(err, &prob) {
		if prob.Code == errNoEntity.Code {
			return web.NotFound()
		}
		return h.renderOutgoingList(w, r, http.StatusUnprocessableEntity, formOf(r, outgoingFields, prob, web.RequestLang(r)))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/finance/outgoing/"+o.ID.String(), http.StatusSeeOther)
	return nil
}

type outgoingData struct {
	Entity   Entity
	Invoice  OutgoingInvoice
	Related  *OutgoingInvoice // the stornó of it, or the invoice it cancels
	CanPost  bool
	Today    hu.Date
	Rounding string
}

// RovatName names a rovat for the page.
func (outgoingData) RovatName(code string) string { r, _ := mustCodes().Rovat(code); return r.Name }

// TaskName names a task type.
func (outgoingData) TaskName(t string) string { return TaskName(t) }

func (h *handlers) outgoingID(r *http.Request) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue("outgoing"))
	if err != nil {
		return uuid.Nil, web.NotFound()
	}
	return id, nil
}

func (h *handlers) loadOutgoing(r *http.Request) (outgoingData, []BankAccount, error) {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.outgoingID(r)
	if err != nil {
		return outgoingData{}, nil, err
	}
	d := outgoingData{CanPost: p.Can(Post), Today: hu.DateOf(h.svc.now()), Rounding: OutgoingVATRoundingRule}
	var accounts []BankAccount
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Invoice, err = OutgoingByID(ctx, tx, id); err != nil {
			return err
		}
		if d.Entity, err = EntityByID(ctx, tx, d.Invoice.EntityID); err != nil {
			return err
		}
		other := d.Invoice.CancelledBy + d.Invoice.Cancels
		if other != "" {
			o, err := OutgoingByID(ctx, tx, uuid.MustParse(other))
			if err != nil {
				return err
			}
			d.Related = &o
		}
		accounts, err = BankAccounts(ctx, tx, d.Entity.ID)
		return err
	})
	if errors.Is(err, errNoOutgoing) {
		return d, nil, web.NotFound()
	}
	return d, accounts, err
}

func (h *handlers) outgoingInvoice(w http.ResponseWriter, r *http.Request) error {
	return h.renderOutgoing(w, r, http.StatusOK, nil)
}

func (h *handlers) renderOutgoing(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	d, _, err := h.loadOutgoing(r)
	if err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "finance.outgoing.invoice", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "finance/outgoing_invoice", page)
}

func (h *handlers) outgoingPDF(w http.ResponseWriter, r *http.Request) error {
	d, accounts, err := h.loadOutgoing(r)
	if err != nil {
		return err
	}
	cancels := ""
	if d.Invoice.Kind == OutgoingStornoKind && d.Related != nil {
		cancels = d.Related.Number
	}
	b, err := OutgoingPDF(d.Invoice, d.Entity, accounts, cancels)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.Invoice.Number+`.pdf"`)
	_, err = w.Write(b)
	return err
}

func (h *handlers) stornoOutgoing(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.outgoingID(r)
	if err != nil {
		return err
	}
	on, prob := formDate(r.PostFormValue("on"), true)
	var st OutgoingInvoice
	if prob == nil {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			st, err = h.svc.StornoOutgoing(ctx, tx, id, on, r.PostFormValue("reason"), p.Username)
			return err
		})
	} else {
		err = prob
	}
	if errors.As(err, &prob) {
		if prob.Code == errNoOutgoing.Code {
			return web.NotFound()
		}
		return h.renderOutgoing(w, r, http.StatusUnprocessableEntity, formOf(r, []string{"on", "reason"}, prob, web.RequestLang(r)))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/finance/outgoing/"+st.ID.String(), http.StatusSeeOther)
	return nil
}

// --- API ---

func (h *handlers) apiOutgoingList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	year := yearOf(r, hu.DateOf(h.svc.now()).Year)
	var os []OutgoingInvoice
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		if _, err := EntityByID(ctx, tx, id); err != nil {
			return err
		}
		var err error
		os, err = OutgoingInvoices(ctx, tx, id, year)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	if os == nil {
		os = []OutgoingInvoice{}
	}
	api.Write(w, http.StatusOK, map[string]any{"year": year, "invoices": os})
	return nil
}

type outgoingRequest struct {
	PartnerName      string `json:"partner_name"`
	PartnerTaxNumber string `json:"partner_tax_number"`
	PartnerAccount   string `json:"partner_account"`
	PartnerAddress   string `json:"partner_address"`
	IssueDate        string `json:"issue_date"`
	PerformanceDate  string `json:"performance_date"`
	DueDate          string `json:"due_date"`
	Description      string `json:"description"`
	Rovat            string `json:"rovat"`
	Funkcio          string `json:"funkcio"`
	Task             string `json:"task"`
	Net              int64  `json:"net"`
	VATRate          int    `json:"vat_rate"`
}

func (h *handlers) apiIssueOutgoing(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.entityID(r)
	if err != nil {
		return err
	}
	if err := h.entityExists(r, id); err != nil {
		return err
	}
	var req outgoingRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	vals := map[string]string{"partner_name": req.PartnerName, "partner_tax_number": req.PartnerTaxNumber, "partner_account": req.PartnerAccount,
		"partner_address": req.PartnerAddress, "issue_date": req.IssueDate, "performance_date": req.PerformanceDate, "due_date": req.DueDate,
		"description": req.Description, "rovat": req.Rovat, "funkcio": req.Funkcio, "task": req.Task, "net": strconv.FormatInt(req.Net, 10), "vat_rate": strconv.Itoa(req.VATRate)}
	in, prob := outgoingFromForm(func(k string) string { return vals[k] })
	if prob != nil {
		return apiRefusal(r, prob)
	}
	var o OutgoingInvoice
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		o, err = h.svc.IssueOutgoing(ctx, tx, id, in, p.Username)
		return err
	})
	if err != nil {
		return apiRefusal(r, err)
	}
	api.Write(w, http.StatusCreated, o)
	return nil
}

func (h *handlers) apiOutgoing(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.outgoingID(r)
	if err != nil {
		return err
	}
	var o OutgoingInvoice
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		o, err = OutgoingByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return outgoingRefusal(r, err)
	}
	api.Write(w, http.StatusOK, o)
	return nil
}

type stornoRequest struct {
	On     string `json:"on"`
	Reason string `json:"reason"`
}

func (h *handlers) apiStornoOutgoing(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.outgoingID(r)
	if err != nil {
		return err
	}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error { _, err := OutgoingByID(ctx, tx, id); return err })
	if err != nil {
		return outgoingRefusal(r, err)
	}
	var req stornoRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	on, prob := formDate(req.On, true)
	if prob != nil {
		return apiRefusal(r, prob)
	}
	var st OutgoingInvoice
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		st, err = h.svc.StornoOutgoing(ctx, tx, id, on, req.Reason, p.Username)
		return err
	})
	if err != nil {
		return outgoingRefusal(r, err)
	}
	api.Write(w, http.StatusCreated, st)
	return nil
}
