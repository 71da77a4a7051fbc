package tax

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/bankstatement"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// Payment import from bank statements, and the queue of what did not match.

func (h *handlers) routesPayments(rt *web.Router, d module.Deps) {
	post := []web.Middleware{d.Tenant, identity.Require(AccountsPost)}
	rt.Handle("GET /tax/payments", h.paymentsPage, d.Tenant, identity.Require(TaxpayersRead))
	rt.Handle("POST /tax/payments/accounts", h.setCollectionAccount, post...)
	rt.Handle("POST /tax/payments/import", h.importStatement, post...)
	rt.Handle("POST /tax/payments/entries/{entry}/assign", h.assignEntry, post...)
	rt.Handle("POST /api/v1/tax/statements", h.apiImportStatement, post...)
	rt.Handle("GET /api/v1/tax/payments/unmatched", h.apiUnmatched, d.Tenant, identity.Require(TaxpayersRead))
	rt.Handle("POST /api/v1/tax/payments/entries/{entry}/assign", h.apiAssignEntry, post...)
	rt.Handle("POST /api/v1/tax/taxpayers/{taxpayer}/certificates", h.apiCertificate, post...)
}

type paymentsData struct {
	Accounts  []CollectionAccount
	Unmatched []BankEntry
	Types     []taxTypeChoice
	Result    *ImportResult
	CanPost   bool
}

// TypeName names a tax type for the page.
func (paymentsData) TypeName(code string) string { return TaxTypeName(code) }

func (h *handlers) paymentsPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderPayments(w, r, http.StatusOK, nil, nil)
}

func (h *handlers) renderPayments(w http.ResponseWriter, r *http.Request, status int, form *web.Form, res *ImportResult) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d := paymentsData{Types: taxTypeChoices(), Result: res, CanPost: p.Can(AccountsPost)}
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Accounts, err = collectionAccounts(ctx, tx); err != nil {
			return err
		}
		d.Unmatched, err = unmatchedEntries(ctx, tx, 500)
		return err
	})
	if err != nil {
		return err
	}
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.payments_view", ObjectType: "bank_statement", Result: audit.ResultOK,
		Detail: map[string]any{"unmatched": len(d.Unmatched)}}); err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "tax.payments.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "tax/payments", page)
}

func (h *handlers) setCollectionAccount(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		return h.svc.SetCollectionAccount(ctx, tx, r.PostFormValue("account"), r.PostFormValue("tax_type"), p.Username)
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return h.renderPayments(w, r, http.StatusUnprocessableEntity, formOf(r, []string{"account", "tax_type"}, prob, web.RequestLang(r)), nil)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/tax/payments", http.StatusSeeOther)
	return nil
}

// importStatement reads an uploaded camt.053 or CSV statement and books
// it; a file the parser refuses is named with the place of the fault.
func (h *handlers) importStatement(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	lang := web.RequestLang(r)
	r.Body = http.MaxBytesReader(w, r.Body, bankstatement.MaxFileSize+1<<20)
	refuse := func(msg string) error {
		f := &web.Form{Values: map[string]string{}, Errors: []web.FieldError{{Field: "file", Message: msg}}}
		return h.renderPayments(w, r, http.StatusUnprocessableEntity, f, nil)
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		if lang == "en" {
			return refuse("Choose the statement file (camt.053 XML or CSV).")
		}
		return refuse("Válassza ki a bankszámlakivonat fájlját (camt.053 XML vagy CSV).")
	}
	defer file.Close()
	sts, err := bankstatement.Parse(file)
	var perr *bankstatement.Error
	if errors.As(err, &perr) {
		return refuse(perr.Message(lang))
	}
	if err != nil {
		return err
	}
	var res ImportResult
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = h.svc.ImportStatements(ctx, tx, sts, p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return refuse(prob.Message(lang))
	}
	if err != nil {
		return err
	}
	return h.renderPayments(w, r, http.StatusOK, nil, &res)
}

func (h *handlers) assignEntry(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("entry"))
	if err != nil {
		return web.NotFound()
	}
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := h.svc.AssignEntry(ctx, tx, id, r.PostFormValue("tax_id"), r.PostFormValue("tax_type"), p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoEntry.Code {
			return web.NotFound()
		}
		f := formOf(r, []string{"tax_id", "tax_type"}, prob, web.RequestLang(r))
		f.Values["entry"] = id.String()
		return h.renderPayments(w, r, http.StatusUnprocessableEntity, f, nil)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/tax/payments", http.StatusSeeOther)
	return nil
}
