package tax

import (
	"context"
	"net/http"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/audit"
)

// The year-end write-off (törlés elévülés miatt) through the API: a dry
// run lists what would be written off, the same as the page's preview.

type writeOffRequest struct {
	Year   int    `json:"year"`
	Reason string `json:"reason"`
	DryRun bool   `json:"dry_run"`
}

type writeOffLine struct {
	TaxpayerID string    `json:"taxpayer_id"`
	TaxID      string    `json:"tax_id"`
	Name       string    `json:"name"`
	TaxType    string    `json:"tax_type"`
	DebitID    string    `json:"debit_id"`
	Due        hu.Date   `json:"due"`
	Open       hu.Forint `json:"open"`
	Limitation hu.Date   `json:"limitation"`
}

type writeOffResponse struct {
	Year     int                  `json:"year"`
	DryRun   bool                 `json:"dry_run"`
	Items    []writeOffLine       `json:"items"`
	Total    hu.Forint            `json:"total"`
	ByType   map[string]hu.Forint `json:"by_type"`
	Postings int                  `json:"postings"`
}

func (h *handlers) apiWriteOff(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var req writeOffRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.Year < 1995 || req.Year > hu.DateOf(h.svc.now()).Year {
		return apiProblem(r, problem("bad_year", "year", "Az év 1995 és az idei év között lehet.", "The year is between 1995 and this year."))
	}
	var res WriteOffResult
	var err error
	if req.DryRun {
		err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			res, err = h.svc.TimeBarred(ctx, tx, req.Year)
			return err
		})
		if err == nil {
			// The list names taxpayers and their debts (tax secret).
			err = h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.writeoff_preview", ObjectType: "taxpayer", Result: audit.ResultOK,
				Detail: map[string]any{"year": req.Year, "items": len(res.Items)}})
		}
	} else {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			res, err = h.svc.RunWriteOff(ctx, tx, req.Year, req.Reason, p.Username)
			return err
		})
	}
	prob, err := refusalOf(err)
	if err != nil {
		return err
	}
	if prob != nil {
		return apiProblem(r, prob)
	}
	out := writeOffResponse{Year: req.Year, DryRun: req.DryRun, Items: make([]writeOffLine, len(res.Items)), Total: res.Total, ByType: res.ByType, Postings: res.Postings}
	if out.ByType == nil {
		out.ByType = map[string]hu.Forint{}
	}
	for i, it := range res.Items {
		out.Items[i] = writeOffLine{TaxpayerID: it.Taxpayer.ID.String(), TaxID: it.Taxpayer.TaxID, Name: it.Taxpayer.Name, TaxType: it.TaxType,
			DebitID: it.Debit.ID.String(), Due: it.Debit.On, Open: it.Debit.Open, Limitation: it.Limitation}
	}
	api.Write(w, http.StatusOK, out)
	return nil
}
