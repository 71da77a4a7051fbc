package records

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/db"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// SeparationRoutes are IRAT's routes that take an identifier.
var SeparationRoutes = append([]separation.Route{
	{Pattern: "GET /records/documents/{id}"},
	{Pattern: "POST /records/documents/{id}/void", Form: map[string][]string{"reason": {"teszt"}}},
	{Pattern: "GET /api/v1/records/documents/{id}"},
	{Pattern: "POST /records/books/{id}/close"},
	{Pattern: "POST /records/documents/{id}/assignments", Form: map[string][]string{"assignee": {"018f0000-0000-7000-8000-000000000001"}}},
	{Pattern: "POST /records/assignments/{task}/done"},
	{Pattern: "POST /api/v1/records/documents/{id}/assignments"},
	{Pattern: "POST /records/documents/{id}/drafts", Form: map[string][]string{"subject": {"teszt"}, "addressee": {"teszt"}}},
	{Pattern: "GET /records/drafts/{draft}"},
	{Pattern: "POST /records/drafts/{draft}", Form: map[string][]string{"subject": {"teszt"}, "addressee": {"teszt"}}},
	{Pattern: "POST /records/drafts/{draft}/submit"},
	{Pattern: "POST /records/reviews/{review}", Form: map[string][]string{"decision": {"approve"}}},
	{Pattern: "POST /records/drafts/{draft}/sign", Form: map[string][]string{"method": {"paper"}}},
	{Pattern: "POST /records/documents/{id}/dispatches", Form: map[string][]string{"channel": {"electronic"}, "addressee": {"teszt"}}},
	{Pattern: "POST /records/dispatches/{dispatch}/events", Form: map[string][]string{"event": {"sent"}}},
	{Pattern: "POST /api/v1/records/documents/{id}/dispatches"},
	{Pattern: "POST /api/v1/records/dispatches/{dispatch}/events"},
	{Pattern: "GET /api/v1/records/dispatches/{dispatch}"},
	{Pattern: "GET /records/cases/{case}"},
	{Pattern: "GET /records/books/{id}/export.pdf"},
	{Pattern: "GET /records/books/{id}/export.xlsx"},
	{Pattern: "GET /records/documents/{id}/receipt.pdf"},
	{Pattern: "POST /records/documents/{id}/attachments"},
	{Pattern: "GET /records/documents/{id}/attachments/{aid}"},
	{Pattern: "POST /api/v1/records/documents/{id}/attachments"},
	{Pattern: "GET /api/v1/records/documents/{id}/attachments/{aid}"},
}, fileplanSeparationRoutes...)

type handlers struct {
	svc   *Service
	batch *Batcher
	deps  module.Deps
}

func routes(svc *Service) func(rt *web.Router, d module.Deps) error {
	return func(rt *web.Router, d module.Deps) error {
		h := &handlers{svc: svc, batch: &Batcher{DB: d.DB, Svc: svc}, deps: d}
		if d.Files != nil {
			// Disposal erases, and archive transfer packs, the attached files.
			svc.Eraser, svc.Contents = AttachmentContents{Store: d.Files}, AttachmentContents{Store: d.Files}
		}
		read := []web.Middleware{d.Tenant, identity.Require(DocumentsRead)}
		reg := []web.Middleware{d.Tenant, identity.Require(DocumentsRegister)}
		rt.Handle("GET /records", h.list, read...)
		rt.Handle("GET /records/new", h.newPage, reg...)
		rt.Handle("GET /records/arrivals", h.arrivalsPage, read...)
		rt.Handle("POST /records/arrivals", h.arrive, reg...)
		rt.Handle("POST /records", h.register, reg...)
		rt.Handle("GET /records/documents/{id}", h.document, read...)
		rt.Handle("POST /records/documents/{id}/void", h.void, d.Tenant, identity.Require(DocumentsVoid))
		rt.Handle("POST /records/books", h.openBook, d.Tenant, identity.Require(BooksManage))
		rt.Handle("POST /records/books/{id}/close", h.closeBook, d.Tenant, identity.Require(BooksManage))
		rt.Handle("POST /api/v1/records/documents", h.apiRegister, reg...)
		rt.Handle("GET /api/v1/records/documents/{id}", h.apiDocument, read...)
		h.routesAssignments(rt, d)
		h.routesOutgoing(rt, d)
		h.routesCase(rt, d)
		h.routesSettings(rt, d)
		h.routesExport(rt, d)
		h.routesFileplan(rt, d)
		h.routesImport(rt, d)
		h.routesAttachments(rt, d)
		return nil
	}
}

func tenantOf(r *http.Request) db.TenantID { return access.PrincipalFrom(r.Context()).Tenant }

type listData struct {
	Query      string
	Documents  []Document
	Books      []Book
	CanReg     bool
	CanBooks   bool
	CanSend    bool // expediálás
	CanArchive bool
	Year       int
	Search     searchData // detailed search and pages (http_search.go)
}

// list is the registration book view: the newest registrations, or those
// matching the search. Queries of case data are logged (Iratkr. 63. §).
func (h *handlers) list(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d := listData{Query: r.URL.Query().Get("q"), CanReg: p.Can(DocumentsRegister), CanBooks: p.Can(BooksManage), CanSend: p.Can(DocumentsDispatch), CanArchive: p.Can(ArchiveManage), Year: hu.DateOf(h.svc.now()).Year}
	var (
		c     Criteria
		res   Results
		probs []*Problem
	)
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if c, res, probs, err = runSearch(ctx, tx, r); err != nil {
			return err
		}
		d.Books, err = allBooks(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	form, err := h.showSearch(r, p, &d, c, res, probs)
	if err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "records.title", d)
	page.Form = form
	status := http.StatusOK
	if len(probs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return h.deps.Render.Render(w, r, status, "records/list", page)
}

type newData struct {
	Books   []Book
	Arrival *Arrival
}

func (h *handlers) books(r *http.Request) ([]Book, error) {
	var bs []Book
	err := h.deps.DB.InTenantRead(r.Context(), tenantOf(r), func(ctx context.Context, tx bun.Tx) error {
		var err error
		bs, err = allBooks(ctx, tx)
		return err
	})
	return bs, err
}

func (h *handlers) newPage(w http.ResponseWriter, r *http.Request) error {
	bs, err := h.books(r)
	if err != nil {
		return err
	}
	d := newData{Books: bs, Arrival: h.arrivalForRegistration(r)}
	page := h.deps.Render.NewPage(r, "records.register", d)
	if d.Arrival != nil {
		page.Form = &web.Form{Values: map[string]string{"partner": d.Arrival.SenderName, "arrival": d.Arrival.ID.String()}}
	}
	return h.deps.Render.Render(w, r, http.StatusOK, "records/new", page)
}

// register registers a document from the form and shows its number.
func (h *handlers) register(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	reg := Registration{
		BookCode: r.PostFormValue("book"), Direction: Direction(r.PostFormValue("direction")),
		Subject: r.PostFormValue("subject"), Partner: r.PostFormValue("partner"),
		ExternalRef: r.PostFormValue("external_ref"), Predecessor: r.PostFormValue("predecessor"),
		Keywords: r.PostFormValue("keywords"), Arrival: r.PostFormValue("arrival"), By: p.Username,
	}
	// Clerks registering at the same moment share one commit (Batcher).
	doc, err := h.batch.Register(ctx, p.Tenant, reg)
	var prob *Problem
	if errors.As(err, &prob) {
		bs, berr := h.books(r)
		if berr != nil {
			return berr
		}
		page := h.deps.Render.NewPage(r, "records.register", newData{Books: bs})
		page.Form = &web.Form{Values: map[string]string{}, Errors: []web.FieldError{{Field: prob.Field, Message: prob.Message(page.Lang)}}}
		for _, f := range []string{"book", "direction", "subject", "partner", "external_ref", "keywords", "predecessor", "arrival"} {
			page.Form.Values[f] = r.PostFormValue(f)
		}
		return h.deps.Render.Render(w, r, http.StatusUnprocessableEntity, "records/new", page)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/records/documents/"+doc.ID.String()+"?done=registered", http.StatusSeeOther)
	return nil
}

type documentData struct {
	Document Document
	Case     Case
	Siblings []Document
	Preceded *Document // first document of the earlier case this one continues
	Merged   *Document // first document of the case this case was joined to
	CanVoid  bool
	Done     string
	Work     *workData // tasks (szignálás); nil on pages that do not show them
	Out      *outgoingData
	Filing   *FilingView // the case's tételszám, closure, retention
	// Attached files (http_attachments.go).
	Attachments []Attachment
	CanAttach   bool
	MaxFileMB   int64
}

func (h *handlers) loadDocument(ctx context.Context, tenant db.TenantID, rawID string) (documentData, error) {
	id, err := uuid.Parse(rawID)
	if err != nil {
		return documentData{}, web.NotFound()
	}
	var d documentData
	err = h.deps.DB.InTenantRead(ctx, tenant, func(ctx context.Context, tx bun.Tx) error {
		doc, err := documentByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if doc == nil {
			return web.NotFound()
		}
		d.Document = *doc
		c, err := caseByID(ctx, tx, doc.CaseID)
		if err != nil {
			return err
		}
		d.Case = *c
		if d.Filing, err = loadFiling(ctx, tx, c); err != nil {
			return err
		}
		if d.Siblings, err = caseDocuments(ctx, tx, c.ID); err != nil {
			return err
		}
		if d.Attachments, err = attachmentsOf(ctx, tx, doc.ID); err != nil {
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
		d.Merged, err = first(c.MergedInto)
		return err
	})
	return d, err
}

// document shows a registration with its case (the cover sheet's core).
// Every view is logged.
func (h *handlers) document(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadDocument(ctx, p.Tenant, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "records.view", ObjectType: "document",
		ObjectID: d.Document.ID.String(), Result: audit.ResultOK, Detail: map[string]any{"number": d.Document.Number}}); err != nil {
		return err
	}
	if err := h.prepareDocument(ctx, p, &d); err != nil {
		return err
	}
	switch done := r.URL.Query().Get("done"); done {
	case "registered", "voided", "assigned", "task_done", "dispatched", "delivery", "case_classify", "case_close", "case_archive", "attached":
		d.Done = done
	}
	page := h.deps.Render.NewPage(r, "records.document", d)
	if d.Done != "" {
		page.Flash = page.T("records.done."+d.Done, d.Document.Number)
	}
	return h.deps.Render.Render(w, r, http.StatusOK, "records/document", page)
}

func (h *handlers) void(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadDocument(ctx, p.Tenant, r.PathValue("id"))
	if err != nil {
		return err
	}
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := h.svc.Void(ctx, tx, d.Document.Number, r.PostFormValue("reason"), p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return h.refuseOnDocument(w, r, d, http.StatusUnprocessableEntity,
			&web.Form{Errors: []web.FieldError{{Field: "reason", Message: prob.Message(web.RequestLang(r))}}})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/records/documents/"+d.Document.ID.String()+"?done=voided", http.StatusSeeOther)
	return nil
}

// openBook opens a book for the current year.
func (h *handlers) openBook(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t := tenantOf(r)
	err := h.deps.DB.InTenant(ctx, t, func(ctx context.Context, tx bun.Tx) error {
		_, err := h.svc.OpenBook(ctx, tx, r.PostFormValue("code"), r.PostFormValue("title"), r.PostFormValue("prefix"), hu.DateOf(h.svc.now()).Year)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return &web.Error{Status: http.StatusUnprocessableEntity, Key: "records.book_refused", Args: []any{prob.Message(web.RequestLang(r))}}
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/records", http.StatusSeeOther)
	return nil
}

// closeBook closes a book (year-end closure) and opens the next year's.
func (h *handlers) closeBook(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return web.NotFound()
	}
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		b, err := bookByID(ctx, tx, id)
		if err != nil {
			return web.NotFound()
		}
		_, err = h.svc.CloseBook(ctx, tx, b.Code, b.Year, p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return &web.Error{Status: http.StatusUnprocessableEntity, Key: "records.book_refused", Args: []any{prob.Message(web.RequestLang(r))}}
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/records", http.StatusSeeOther)
	return nil
}

// prepareDocument loads what the document page shows besides the
// document and its case: files, tasks, drafts and dispatches, filing.
func (h *handlers) prepareDocument(ctx context.Context, p *access.Principal, d *documentData) error {
	d.fill(p, h.maxFileBytes())
	if err := h.loadWork(ctx, p, d); err != nil {
		return err
	}
	if err := h.loadOutgoing(ctx, p, d); err != nil {
		return err
	}
	d.Filing.allow(p)
	return nil
}

// refuseOnDocument shows the document page again, whole, with a refused
// form's values and reason.
func (h *handlers) refuseOnDocument(w http.ResponseWriter, r *http.Request, d documentData, status int, form *web.Form) error {
	p := access.PrincipalFrom(r.Context())
	if err := h.prepareDocument(r.Context(), p, &d); err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "records.document", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "records/document", page)
}
