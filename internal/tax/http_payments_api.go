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
	"github.com/openasp-hu/asp/internal/platform/bankstatement"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// Payments and certificates through the API: a bank statement posted as
// it came from the bank, the queue of what could not be matched, its
// assignment, and the adóigazolás (as data, or as the PDF).

// paymentsSeparationRoutes are the routes of this file that take an id;
// both look the id up before reading the body.
var paymentsSeparationRoutes = []separation.Route{
	{Pattern: "POST /api/v1/tax/payments/entries/{entry}/assign"},
	{Pattern: "POST /api/v1/tax/taxpayers/{taxpayer}/certificates"},
}

type importResponse struct {
	Entries       int       `json:"entries"`
	Duplicates    int       `json:"duplicates"`
	Matched       int       `json:"matched"`
	Unmatched     int       `json:"unmatched"`
	Ignored       int       `json:"ignored"`
	MatchedAmount hu.Forint `json:"matched_amount"`
}

// apiImportStatement reads the request body as the bank sent it
// (camt.053 XML or the documented CSV; the parser tells them apart) and
// books it whole or not at all; the same statement again changes nothing.
func (h *handlers) apiImportStatement(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	lang := web.RequestLang(r)
	if r.Body == nil || r.Body == http.NoBody {
		return web.BadRequest("api.error.empty_body")
	}
	r.Body = http.MaxBytesReader(w, r.Body, bankstatement.MaxFileSize)
	sts, err := bankstatement.Parse(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return &web.Error{Status: http.StatusRequestEntityTooLarge, Key: "api.error.too_large"}
	}
	var perr *bankstatement.Error
	if errors.As(err, &perr) {
		return &web.Error{Status: http.StatusUnprocessableEntity, Key: "tax.api_refused", Args: []any{perr.Message(lang)}}
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
		return apiProblem(r, prob)
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusOK, importResponse{Entries: res.Entries, Duplicates: res.Duplicates, Matched: res.Matched,
		Unmatched: res.Unmatched, Ignored: res.Ignored, MatchedAmount: res.MatchedAmount})
	return nil
}

type entryResponse struct {
	ID            uuid.UUID  `json:"id"`
	Statement     string     `json:"statement"`
	Account       string     `json:"account"`
	BookingDate   hu.Date    `json:"booking_date"`
	ValueDate     hu.Date    `json:"value_date"`
	Amount        hu.Forint  `json:"amount"`
	Direction     string     `json:"direction"`
	Remittance    string     `json:"remittance"`
	DebtorName    string     `json:"debtor_name"`
	DebtorAccount string     `json:"debtor_account"`
	Status        string     `json:"status"`
	Reason        string     `json:"reason"`
	TaxType       string     `json:"tax_type,omitempty"`
	TaxpayerID    *uuid.UUID `json:"taxpayer_id,omitempty"`
	PostingID     *uuid.UUID `json:"posting_id,omitempty"`
}

func entryJSON(e BankEntry) entryResponse {
	return entryResponse{ID: e.ID, Statement: e.Statement, Account: e.Account, BookingDate: e.BookingDate, ValueDate: e.ValueDate, Amount: e.Amount,
		Direction: e.Direction, Remittance: e.Remittance, DebtorName: e.DebtorName, DebtorAccount: e.DebtorAccount, Status: e.Status,
		Reason: e.Reason, TaxType: e.TaxType, TaxpayerID: e.TaxpayerID, PostingID: e.PostingID}
}

// unmatchedLimit is as many as the page shows: the queue is worked down,
// not paged through.
const unmatchedLimit = 500

func (h *handlers) apiUnmatched(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var es []BankEntry
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		es, err = unmatchedEntries(ctx, tx, unmatchedLimit)
		return err
	})
	if err != nil {
		return err
	}
	// Remittance texts name taxpayers: reading them is logged, as on the page.
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.payments_view", ObjectType: "bank_statement", Result: audit.ResultOK,
		Detail: map[string]any{"unmatched": len(es), "via": "api"}}); err != nil {
		return err
	}
	out := make([]entryResponse, 0, len(es))
	for _, e := range es {
		out = append(out, entryJSON(e))
	}
	api.Write(w, http.StatusOK, map[string]any{"entries": out})
	return nil
}

func (h *handlers) apiAssignEntry(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.pathRow(r, "entry", (*BankEntry)(nil))
	if err != nil {
		return err
	}
	var req struct {
		TaxID   string `json:"tax_id"`
		TaxType string `json:"tax_type"`
	}
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	var be BankEntry
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		be, err = h.svc.AssignEntry(ctx, tx, id, req.TaxID, req.TaxType, p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoEntry.Code {
			return web.NotFound()
		}
		return apiProblem(r, prob)
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusOK, entryJSON(be))
	return nil
}

type certificateResponse struct {
	Number   string    `json:"number"`
	Taxpayer Taxpayer  `json:"taxpayer"`
	On       hu.Date   `json:"on"`
	NoDebt   bool      `json:"no_debt"`
	Debts    []debtRow `json:"debts"`
	Total    hu.Forint `json:"total"`
	By       string    `json:"issued_by"`
}

type debtRow struct {
	TaxType  string    `json:"tax_type"`
	Arrears  hu.Forint `json:"arrears"`
	Interest hu.Forint `json:"interest"`
}

// debtRows gives a certificate's debts with the API's names (Debt is
// stored as it is, so its JSON cannot change), never null.
func debtRows(ds []Debt) []debtRow {
	out := make([]debtRow, 0, len(ds))
	for _, x := range ds {
		out = append(out, debtRow{TaxType: x.TaxType, Arrears: x.Arrears, Interest: x.Interest})
	}
	return out
}

// apiCertificate issues an adóigazolás, registered in IRAT like the one
// the page gives; with "Accept: application/pdf" the answer is the PDF.
func (h *handlers) apiCertificate(w http.ResponseWriter, r *http.Request) error {
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
	var refusal interface{ Message(string) string }
	if errors.As(err, &refusal) {
		return &web.Error{Status: http.StatusUnprocessableEntity, Key: "tax.api_refused", Args: []any{refusal.Message(web.RequestLang(r))}}
	}
	if err != nil {
		return err
	}
	if r.Header.Get("Accept") == "application/pdf" {
		if h.deps.TenantName != nil {
			if c.Issuer, err = h.deps.TenantName(ctx, p.Tenant); err != nil {
				return err
			}
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="adoigazolas-`+d.Taxpayer.TaxID+`.pdf"`)
		w.WriteHeader(http.StatusCreated)
		return c.PDF(w)
	}
	out := certificateResponse{Number: c.Number, Taxpayer: c.Taxpayer, On: c.On, NoDebt: len(c.Debts) == 0, Debts: debtRows(c.Debts), By: c.By}
	for _, x := range c.Debts {
		out.Total += x.Arrears + x.Interest
	}
	api.Write(w, http.StatusCreated, out)
	return nil
}
