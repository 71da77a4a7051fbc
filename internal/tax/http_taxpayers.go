package tax

import (
	"bytes"
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
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
	"github.com/openasp-hu/asp/internal/tax/caps"
)

// Taxpayers and their accounts (adószámla).

// SeparationRoutes are ADÓ's routes that take an identifier.
var SeparationRoutes = append([]separation.Route{
	{Pattern: "GET /tax/taxpayers/{taxpayer}"},
	{Pattern: "GET /tax/taxpayers/{taxpayer}/notice.pdf"},
	{Pattern: "POST /tax/taxpayers/{taxpayer}/certificate"},
	{Pattern: "POST /tax/taxpayers/{taxpayer}/postings", Form: map[string][]string{"tax_type": {"epitmenyado"}, "side": {"debit"}, "amount": {"1"}, "on": {"2026-03-16"}, "tax_year": {"2026"}}},
	{Pattern: "POST /tax/postings/{posting}/reverse", Form: map[string][]string{"reason": {"teszt"}}},
	{Pattern: "GET /api/v1/tax/taxpayers/{taxpayer}/accounts"},
	{Pattern: "POST /tax/payments/entries/{entry}/assign", Form: map[string][]string{"tax_id": {"8123456786"}, "tax_type": {"epitmenyado"}}},
}, slices.Concat(
	decreeSeparationRoutes,
	collectionSeparationRoutes,
	declarationSeparationRoutes,
	reportSeparationRoutes,
	objectSeparationRoutes,
	paymentsSeparationRoutes,
	postingSeparationRoutes,
	finalitySeparationRoutes,
)...)

func (h *handlers) routesTaxpayers(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(TaxpayersRead)}
	post := []web.Middleware{d.Tenant, identity.Require(AccountsPost)}
	rt.Handle("GET /tax/taxpayers", h.taxpayers, read...)
	rt.Handle("POST /tax/taxpayers", h.createTaxpayer, post...)
	rt.Handle("GET /tax/taxpayers/{taxpayer}", h.taxpayer, read...)
	rt.Handle("GET /tax/taxpayers/{taxpayer}/notice.pdf", h.notice, read...)
	rt.Handle("POST /tax/taxpayers/{taxpayer}/certificate", h.certificate, post...)
	rt.Handle("POST /tax/taxpayers/{taxpayer}/postings", h.post, post...)
	rt.Handle("POST /tax/postings/{posting}/reverse", h.reverse, post...)
	h.routesPayments(rt, d)
	h.routesAPI(rt, d)
	h.routesPostingsAPI(rt, d)
}

type taxpayersData struct {
	Query     string
	Taxpayers []Taxpayer
	CanCreate bool
}

func (h *handlers) taxpayers(w http.ResponseWriter, r *http.Request) error {
	return h.renderTaxpayers(w, r, http.StatusOK, nil)
}

func (h *handlers) renderTaxpayers(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d := taxpayersData{Query: r.URL.Query().Get("q"), CanCreate: p.Can(AccountsPost)}
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		d.Taxpayers, err = searchTaxpayers(ctx, tx, d.Query, 200)
		return err
	})
	if err != nil {
		return err
	}
	// Tax data are secret (Art. 127. §): a search is logged like a view.
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.search", ObjectType: "taxpayer", Result: audit.ResultOK,
		Detail: map[string]any{"q": d.Query, "found": len(d.Taxpayers)}}); err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "tax.taxpayers.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "tax/taxpayers", page)
}

func formOf(r *http.Request, fields []string, prob *Problem, lang string) *web.Form {
	f := &web.Form{Values: map[string]string{}}
	for _, k := range fields {
		f.Values[k] = r.PostFormValue(k)
	}
	f.Errors = []web.FieldError{{Field: prob.Field, Message: prob.Message(lang)}}
	return f
}

func (h *handlers) createTaxpayer(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var tp Taxpayer
	err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		tp, err = h.svc.RegisterTaxpayer(ctx, tx, TaxpayerInput{TaxID: r.PostFormValue("tax_id"), Name: r.PostFormValue("name"), Address: r.PostFormValue("address")}, p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return h.renderTaxpayers(w, r, http.StatusUnprocessableEntity, formOf(r, []string{"tax_id", "name", "address"}, prob, web.RequestLang(r)))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/tax/taxpayers/"+tp.ID.String(), http.StatusSeeOther)
	return nil
}

type taxpayerData struct {
	Taxpayer Taxpayer
	Accounts []Account
	On       hu.Date
	CanPost  bool
	Types    []taxTypeChoice
	Year     int

	ValueCertificates []ValueCertificate
	// Provisional are the debits on a due date that waits for their
	// decision to become final (finality.go).
	Provisional map[uuid.UUID]bool
}

type taxTypeChoice struct{ Code, Name string }

// TypeName names a tax type for the page.
func (taxpayerData) TypeName(code string) string { return TaxTypeName(code) }

func taxTypeChoices() []taxTypeChoice {
	var out []taxTypeChoice
	if t, err := caps.Default(); err == nil {
		for _, ty := range t.Types() {
			out = append(out, taxTypeChoice{string(ty.Code), ty.NameHU})
		}
	}
	for _, c := range []string{"kesedelmi_potlek", "onellenorzesi_potlek", "birsag", "vegrehajtasi_koltseg"} {
		out = append(out, taxTypeChoice{c, otherTaxTypes[c]})
	}
	return out
}

func (h *handlers) loadTaxpayer(r *http.Request) (taxpayerData, error) {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("taxpayer"))
	if err != nil {
		return taxpayerData{}, web.NotFound()
	}
	d := taxpayerData{On: hu.DateOf(h.svc.now()), CanPost: p.Can(AccountsPost), Types: taxTypeChoices(), Year: hu.DateOf(h.svc.now()).Year}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		tp, err := taxpayerByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if tp == nil {
			return web.NotFound()
		}
		d.Taxpayer = *tp
		if d.ValueCertificates, err = valueCertificatesOf(ctx, tx, tp.ID); err != nil {
			return err
		}
		if d.Provisional, err = finalityProvisionalOf(ctx, tx, tp.ID); err != nil {
			return err
		}
		d.Accounts, err = h.svc.Accounts(ctx, tx, tp.ID, d.On)
		return err
	})
	return d, err
}

func (h *handlers) taxpayer(w http.ResponseWriter, r *http.Request) error {
	return h.renderTaxpayer(w, r, http.StatusOK, nil)
}

func (h *handlers) renderTaxpayer(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadTaxpayer(r)
	if err != nil {
		return err
	}
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.view", ObjectType: "taxpayer", ObjectID: d.Taxpayer.ID.String(),
		Result: audit.ResultOK, Detail: map[string]any{"tax_id": d.Taxpayer.TaxID}}); err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "tax.taxpayer.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "tax/taxpayer", page)
}

var postingFields = []string{"tax_type", "side", "amount", "on", "tax_year", "kind", "reference", "note"}

func (h *handlers) post(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadTaxpayer(r) // 404 for an unknown or another tenant's taxpayer
	if err != nil {
		return err
	}
	in := PostingInput{TaxpayerID: d.Taxpayer.ID, TaxType: r.PostFormValue("tax_type"), Side: r.PostFormValue("side"),
		Kind: r.PostFormValue("kind"), Reference: r.PostFormValue("reference"), Note: r.PostFormValue("note")}
	var prob *Problem
	if a, err := hu.ParseForint(r.PostFormValue("amount")); err == nil {
		in.Amount = a
	} else {
		prob = problem("bad_amount", "amount", "Az összeg pozitív, egész forint legyen, például 25 000.", "The amount must be a positive whole number of forints, e.g. 25 000.")
	}
	if on, err := hu.ParseDate(r.PostFormValue("on")); err == nil {
		in.On = on
	} else if prob == nil {
		prob = problem("bad_date", "on", "A napot ÉÉÉÉ-HH-NN alakban adja meg.", "Give the day as YYYY-MM-DD.")
	}
	if y, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("tax_year"))); err == nil {
		in.TaxYear = y
	} else if prob == nil {
		prob = problem("bad_year", "tax_year", "Adja meg az adóévet, például 2026.", "Give the tax year, e.g. 2026.")
	}
	if prob == nil {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := h.svc.Post(ctx, tx, in, p.Username)
			return err
		})
		if !errors.As(err, &prob) && err != nil {
			return err
		}
	}
	if prob != nil {
		f := formOf(r, postingFields, prob, web.RequestLang(r))
		return h.renderTaxpayer(w, r, http.StatusUnprocessableEntity, f)
	}
	http.Redirect(w, r, "/tax/taxpayers/"+d.Taxpayer.ID.String(), http.StatusSeeOther)
	return nil
}

func (h *handlers) reverse(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("posting"))
	if err != nil {
		return web.NotFound()
	}
	var rev Posting
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		rev, err = h.svc.Reverse(ctx, tx, id, r.PostFormValue("reason"), p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoPosting.Code {
			return web.NotFound()
		}
		return &web.Error{Status: http.StatusUnprocessableEntity, Key: "tax.refused", Args: []any{prob.Message(web.RequestLang(r))}}
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/tax/taxpayers/"+rev.TaxpayerID.String(), http.StatusSeeOther)
	return nil
}

// notice is the taxpayer's balance notice (egyenlegértesítő) as a PDF.
func (h *handlers) notice(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadTaxpayer(r)
	if err != nil {
		return err
	}
	n := BalanceNotice{Taxpayer: d.Taxpayer, Accounts: d.Accounts, Collection: map[string][]string{}, At: h.svc.now()}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		as, err := collectionAccounts(ctx, tx)
		for _, a := range as {
			n.Collection[a.TaxType] = append(n.Collection[a.TaxType], a.Account)
		}
		return err
	})
	if err != nil {
		return err
	}
	if h.deps.TenantName != nil {
		if n.Issuer, err = h.deps.TenantName(ctx, p.Tenant); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := n.PDF(&buf); err != nil {
		return err
	}
	// The notice shows tax data: logged before it goes out.
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.notice", ObjectType: "taxpayer", ObjectID: d.Taxpayer.ID.String(),
		Result: audit.ResultOK, Detail: map[string]any{"tax_id": d.Taxpayer.TaxID, "bytes": buf.Len()}}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="egyenlegertesito-`+d.Taxpayer.TaxID+`.pdf"`)
	_, err = w.Write(buf.Bytes())
	return err
}

// certificate issues an adóigazolás: registered in IRAT in the same
// transaction, then given as a PDF.
func (h *handlers) certificate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadTaxpayer(r) // 404 for another tenant's taxpayer
	if err != nil {
		return err
	}
	var c Certificate
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		c, err = h.svc.IssueCertificate(ctx, tx, h.reg, d.Taxpayer.ID, p.Username)
		return err
	})
	// A refusal of this module or of the records module (a missing or
	// closed book) is shown in the user's language.
	var refusal interface{ Message(string) string }
	if errors.As(err, &refusal) {
		return &web.Error{Status: http.StatusUnprocessableEntity, Key: "tax.refused", Args: []any{refusal.Message(web.RequestLang(r))}}
	}
	if err != nil {
		return err
	}
	if h.deps.TenantName != nil {
		if c.Issuer, err = h.deps.TenantName(ctx, p.Tenant); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := c.PDF(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="adoigazolas-`+d.Taxpayer.TaxID+`.pdf"`)
	_, err = w.Write(buf.Bytes())
	return err
}
