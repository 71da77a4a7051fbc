package tax

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// The adó- és értékbizonyítvány through the API: issued and registered as
// on the taxpayer's page; the answer is its data, or with "Accept:
// application/pdf" its PDF.

type valueCertRequest struct {
	HRSZ        string    `json:"hrsz"`
	Address     string    `json:"address"`
	Purpose     string    `json:"purpose"`
	PurposeNote string    `json:"purpose_note"`
	Value       hu.Forint `json:"value"`
	ValueBasis  string    `json:"value_basis"`
}

type valueCertResponse struct {
	ID          uuid.UUID `json:"id"`
	Number      string    `json:"number"`
	TaxpayerID  uuid.UUID `json:"taxpayer_id"`
	HRSZ        string    `json:"hrsz"`
	Address     string    `json:"address"`
	Purpose     string    `json:"purpose"`
	PurposeNote string    `json:"purpose_note"`
	Value       hu.Forint `json:"value"`
	ValueBasis  string    `json:"value_basis"`
	Debts       []debtRow `json:"debts"`
	DebtTotal   hu.Forint `json:"debt_total"`
	IssuedOn    hu.Date   `json:"issued_on"`
	IssuedAt    time.Time `json:"issued_at"`
	IssuedBy    string    `json:"issued_by"`
}

func (h *handlers) apiValueCertificate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadTaxpayer(r) // 404 for another tenant's taxpayer, before the body is read
	if err != nil {
		return err
	}
	var req valueCertRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	in := ValueCertificateInput{TaxpayerID: d.Taxpayer.ID, HRSZ: req.HRSZ, Address: req.Address, Purpose: req.Purpose,
		PurposeNote: req.PurposeNote, Value: req.Value, ValueBasis: req.ValueBasis}
	var c ValueCertificate
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		c, err = h.svc.IssueValueCertificate(ctx, tx, h.reg, in, p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return apiProblem(r, prob)
	}
	var refusal interface{ Message(string) string } // of the records module
	if errors.As(err, &refusal) {
		return &web.Error{Status: http.StatusUnprocessableEntity, Key: "tax.api_refused", Args: []any{refusal.Message(web.RequestLang(r))}}
	}
	if err != nil {
		return err
	}
	if r.Header.Get("Accept") == "application/pdf" {
		if c.Issuer, err = h.issuer(ctx, p); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="ertekbizonyitvany-`+c.Taxpayer.TaxID+`.pdf"`)
		w.WriteHeader(http.StatusCreated)
		return c.PDF(w)
	}
	out := valueCertResponse{ID: c.ID, Number: c.Number, TaxpayerID: c.TaxpayerID, HRSZ: c.HRSZ, Address: c.Address, Purpose: c.Purpose,
		PurposeNote: c.PurposeNote, Value: c.Value, ValueBasis: c.ValueBasis, Debts: debtRows(c.Debts), DebtTotal: c.DebtTotal,
		IssuedOn: c.IssuedOn, IssuedAt: c.IssuedAt, IssuedBy: c.IssuedBy}
	api.Write(w, http.StatusCreated, out)
	return nil
}
