package records

import (
	"context"
	"net/http"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// The case cover sheet (előadói ív): the whole case on one page, with
// everything that happened to it in order.

func (h *handlers) routesCase(rt *web.Router, d module.Deps) {
	rt.Handle("GET /records/cases/{case}", h.casePage, d.Tenant, identity.Require(DocumentsRead))
}

type caseData struct {
	Case      Case
	Book      Book
	Documents []Document
	Preceded  *Document // first document of the earlier case this one continues
	Merged    *Document // first document of the case this one was joined to
	Timeline  []Event
}

func (h *handlers) casePage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("case"))
	if err != nil {
		return web.NotFound()
	}
	var d caseData
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var c Case
		if err := tx.NewSelect().Model(&c).Where("id = ?", id).Scan(ctx); err != nil {
			return web.NotFound()
		}
		d.Case = c
		b, err := bookByID(ctx, tx, c.BookID)
		if err != nil {
			return err
		}
		d.Book = *b
		if d.Documents, err = caseDocuments(ctx, tx, c.ID); err != nil {
			return err
		}
		first := func(caseID *uuid.UUID) (*Document, error) {
			if caseID == nil {
				return nil, nil
			}
			ds, err := caseDocuments(ctx, tx, *caseID)
			if err != nil || len(ds) == 0 {
				return nil, err
			}
			return &ds[0], nil
		}
		if d.Preceded, err = first(c.PrecedingCase); err != nil {
			return err
		}
		if d.Merged, err = first(c.MergedInto); err != nil {
			return err
		}
		d.Timeline, err = caseTimeline(ctx, tx, c.ID)
		return err
	})
	if err != nil {
		return err
	}
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "records.view", ObjectType: "case",
		ObjectID: d.Case.ID.String(), Result: audit.ResultOK, Detail: map[string]any{"foszam": d.Case.Foszam, "book": d.Book.Code, "year": d.Book.Year}}); err != nil {
		return err
	}
	return h.deps.Render.Render(w, r, http.StatusOK, "records/case", h.deps.Render.NewPage(r, "records.case_cover.title", d))
}
