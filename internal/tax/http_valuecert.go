package tax

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"net/http"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// reportSeparationRoutes are the report and certificate routes that take
// an identifier (appended to SeparationRoutes).
var reportSeparationRoutes = []separation.Route{
	{Pattern: "POST /tax/taxpayers/{taxpayer}/value-certificates", Form: map[string][]string{"hrsz": {"123/4"}, "address": {"7677 Orfű, Fő utca 1."},
		"purpose": {"hagyatek"}, "value": {"10000000"}, "value_basis": {"teszt"}}},
	{Pattern: "GET /tax/value-certificates/{valuecert}/pdf"},
	{Pattern: "POST /api/v1/tax/taxpayers/{taxpayer}/value-certificates"},
}

func (h *handlers) routesValueCertificates(rt *web.Router, d module.Deps) {
	rt.Handle("POST /tax/taxpayers/{taxpayer}/value-certificates", h.issueValueCertificate, d.Tenant, identity.Require(AccountsPost))
	rt.Handle("GET /tax/value-certificates/{valuecert}/pdf", h.valueCertificateCopy, d.Tenant, identity.Require(TaxpayersRead))
	rt.Handle("POST /api/v1/tax/taxpayers/{taxpayer}/value-certificates", h.apiValueCertificate, d.Tenant, identity.Require(AccountsPost))
}

var valueCertFields = []string{"hrsz", "address", "purpose", "purpose_note", "value", "value_basis"}

// issueValueCertificate registers an adó- és értékbizonyítvány in IRAT in
// the same transaction as it is recorded, and gives it as a PDF; a
// refusal shows the taxpayer's page again with the form and the reason.
func (h *handlers) issueValueCertificate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadTaxpayer(r) // 404 for another tenant's taxpayer
	if err != nil {
		return err
	}
	in := ValueCertificateInput{TaxpayerID: d.Taxpayer.ID, HRSZ: r.PostFormValue("hrsz"), Address: r.PostFormValue("address"),
		Purpose: r.PostFormValue("purpose"), PurposeNote: r.PostFormValue("purpose_note"), ValueBasis: r.PostFormValue("value_basis")}
	var c ValueCertificate
	if v, perr := hu.ParseForint(r.PostFormValue("value")); perr == nil {
		in.Value = v
	} else {
		err = problem("bad_value", "value", "A becsült forgalmi értéket egész forintban adja meg, például 25 000 000.", "Give the estimated market value in whole forints, e.g. 25 000 000.")
	}
	if err == nil {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			c, err = h.svc.IssueValueCertificate(ctx, tx, h.reg, in, p.Username)
			return err
		})
	}
	var prob *Problem
	if errors.As(err, &prob) && prob.Field != "" {
		f := formOf(r, valueCertFields, prob, web.RequestLang(r))
		f.Values["form"] = "value_certificate"
		return h.renderTaxpayer(w, r, http.StatusUnprocessableEntity, f)
	}
	// A refusal of the records module (a missing or closed book).
	var refusal interface{ Message(string) string }
	if errors.As(err, &refusal) {
		return &web.Error{Status: http.StatusUnprocessableEntity, Key: "tax.refused", Args: []any{refusal.Message(web.RequestLang(r))}}
	}
	if err != nil {
		return err
	}
	return h.sendValueCertificate(w, r, c)
}

func (h *handlers) sendValueCertificate(w http.ResponseWriter, r *http.Request, c ValueCertificate) error {
	ctx := r.Context()
	var err error
	if c.Issuer, err = h.issuer(ctx, access.PrincipalFrom(ctx)); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := c.PDF(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="ertekbizonyitvany-`+c.Taxpayer.TaxID+`.pdf"`)
	_, err = w.Write(buf.Bytes())
	return err
}

// valueCertificateCopy gives an issued certificate again, as it was
// issued (the debts of that day, not of today).
func (h *handlers) valueCertificateCopy(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("valuecert"))
	if err != nil {
		return web.NotFound()
	}
	var c ValueCertificate
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewSelect().Model(&c).Where("id = ?", id).Scan(ctx); errors.Is(err, sql.ErrNoRows) {
			return web.NotFound()
		} else if err != nil {
			return err
		}
		tp, err := taxpayerByID(ctx, tx, c.TaxpayerID)
		if err != nil {
			return err
		}
		if tp != nil {
			c.Taxpayer = *tp
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.value_certificate_copy", ObjectType: "taxpayer", ObjectID: c.TaxpayerID.String(),
		Result: audit.ResultOK, Detail: map[string]any{"number": c.Number, "certificate": c.ID.String()}}); err != nil {
		return err
	}
	return h.sendValueCertificate(w, r, c)
}

// PurposeChoices are the purposes for the form.
func (taxpayerData) PurposeChoices() []taxTypeChoice {
	var out []taxTypeChoice
	for _, k := range []string{"hagyatek", "vegrehajtas", "birosag", "egyeb"} {
		out = append(out, taxTypeChoice{k, valuePurposes[k]})
	}
	return out
}
