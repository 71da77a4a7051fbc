package records

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
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// Szignálás, the case officer's inbox and the case types.

func (h *handlers) routesAssignments(rt *web.Router, d module.Deps) {
	h.svc.People = d.People
	assign := []web.Middleware{d.Tenant, identity.Require(DocumentsAssign)}
	rt.Handle("GET /records/inbox", h.inbox, d.Tenant, identity.Require(DocumentsRead))
	rt.Handle("POST /records/documents/{id}/assignments", h.assign, assign...)
	rt.Handle("POST /records/assignments", h.assignMany, assign...)
	rt.Handle("POST /records/assignments/{task}/done", h.finishTask, d.Tenant, identity.Require(CasesHandle))
	rt.Handle("GET /records/case-types", h.caseTypesPage, d.Tenant, identity.Require(DocumentsRead))
	rt.Handle("POST /records/case-types", h.saveCaseType, d.Tenant, identity.Require(SettingsManage))
	rt.Handle("POST /api/v1/records/documents/{id}/assignments", h.apiAssign, assign...)
	rt.Handle("GET /api/v1/records/inbox", h.apiInbox, d.Tenant, identity.Require(CasesHandle))
}

// workData is the tasks part of the document page.
type workData struct {
	Tasks     []Assignment
	Today     hu.Date
	CanAssign bool
	Me        uuid.UUID
	People    []module.Person
	CaseTypes []CaseType // offered for a new task
	allTypes  []CaseType // to name the types of earlier tasks
}

// TypeName names a case type by its code (a type no longer offered
// still names the tasks given under it).
func (w *workData) TypeName(code string) string {
	for _, ct := range w.allTypes {
		if ct.Code == code {
			return ct.Name
		}
	}
	return code
}

// People and CaseTypes let the shared szignálás fields read the document
// page like the inbox.
func (d documentData) People() []module.Person {
	if d.Work == nil {
		return nil
	}
	return d.Work.People
}

func (d documentData) CaseTypes() []CaseType {
	if d.Work == nil {
		return nil
	}
	return d.Work.CaseTypes
}

// CanFinish reports whether the viewer may close task a.
func (w *workData) CanFinish(a Assignment) bool {
	return a.Status == AssignmentActive && (a.AssigneeID == w.Me || w.CanAssign)
}

// loadWork fills the tasks of the document page, and records that the
// assignee has seen the document.
func (h *handlers) loadWork(ctx context.Context, p *access.Principal, d *documentData) error {
	w := &workData{Today: hu.DateOf(h.svc.now()), CanAssign: p.Can(DocumentsAssign) && d.Document.VoidedAt == nil, Me: p.UserID}
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if w.Tasks, err = documentAssignments(ctx, tx, d.Document.ID); err != nil {
			return err
		}
		if w.allTypes, err = caseTypes(ctx, tx); err != nil {
			return err
		}
		for _, ct := range w.allTypes {
			if ct.Active {
				w.CaseTypes = append(w.CaseTypes, ct)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if w.CanAssign {
		if w.People, err = h.deps.People.With(ctx, p.Tenant, CasesHandle); err != nil {
			return err
		}
	}
	for _, t := range w.Tasks {
		if t.AssigneeID == p.UserID && t.Status == AssignmentActive && t.SeenAt == nil {
			err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
				return h.svc.markSeen(ctx, tx, d.Document.ID, p.UserID)
			})
			if err != nil {
				return err
			}
			break
		}
	}
	d.Work = w
	return nil
}

func activeCaseTypes(ctx context.Context, tx bun.IDB) ([]CaseType, error) {
	all, err := caseTypes(ctx, tx)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, ct := range all {
		if ct.Active {
			out = append(out, ct)
		}
	}
	return out, nil
}

// assignInput reads the szignálás form (or the same fields of the bulk
// form). A malformed deadline is a refusal like any other.
func assignInput(r *http.Request, by string) (AssignInput, *Problem) {
	in := AssignInput{
		Unit: r.PostFormValue("unit"), Instructions: r.PostFormValue("instructions"),
		CaseType: r.PostFormValue("case_type"), Urgent: r.PostFormValue("urgent") != "",
		Replace: r.PostFormValue("replace") != "", By: by,
	}
	id, err := uuid.Parse(r.PostFormValue("assignee"))
	if err != nil {
		return in, problem("no_assignee", "assignee", "Válassza ki az ügyintézőt.", "Choose the case officer.")
	}
	in.AssigneeID = id
	if s := strings.TrimSpace(r.PostFormValue("due")); s != "" {
		due, err := hu.ParseDate(s)
		if err != nil {
			return in, problem("bad_due", "due", "A határidőt ÉÉÉÉ-HH-NN alakban adja meg, például 2026-12-31.", "Give the deadline as YYYY-MM-DD, e.g. 2026-12-31.")
		}
		in.Due = due
	}
	return in, nil
}

var assignFields = []string{"assignee", "case_type", "unit", "instructions", "due", "urgent", "replace"}

// assign is the szignálás form of the document page.
func (h *handlers) assign(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadDocument(ctx, p.Tenant, r.PathValue("id"))
	if err != nil {
		return err
	}
	in, prob := assignInput(r, p.Username)
	if prob == nil {
		in.DocumentID = d.Document.ID
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := h.svc.Assign(ctx, tx, in)
			return err
		})
		errors.As(err, &prob)
	}
	if prob != nil {
		f := formOf(r, assignFields, prob, web.RequestLang(r))
		f.Values["form"] = "assign"
		return h.refuseOnDocument(w, r, d, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/records/documents/"+d.Document.ID.String()+"?done=assigned", http.StatusSeeOther)
	return nil
}

// formOf keeps what was submitted and the refusal, for a page shown again.
func formOf(r *http.Request, fields []string, prob *Problem, lang string) *web.Form {
	f := &web.Form{Values: map[string]string{}}
	for _, k := range fields {
		f.Values[k] = r.PostFormValue(k)
	}
	f.Errors = []web.FieldError{{Field: prob.Field, Message: prob.Message(lang)}}
	return f
}

// assignMany is bulk szignálás from the inbox (ISZ-r. 9. §): the chosen
// documents all go to one officer, in one transaction — all or none.
func (h *handlers) assignMany(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	if err := r.ParseForm(); err != nil {
		return web.BadRequest("error.bad_request")
	}
	in, prob := assignInput(r, p.Username)
	var ids []uuid.UUID
	for _, s := range r.PostForm["document"] {
		id, err := uuid.Parse(s)
		if err != nil {
			return web.NotFound()
		}
		ids = append(ids, id)
	}
	if prob == nil && len(ids) == 0 {
		prob = problem("no_documents", "document", "Jelölje ki a kiosztandó iratokat.", "Select the documents to assign.")
	}
	if prob == nil {
		err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			for _, id := range ids {
				in.DocumentID = id
				if _, err := h.svc.Assign(ctx, tx, in); err != nil {
					return err
				}
			}
			return nil
		})
		if errors.As(err, &prob) && prob.Code == errNoDocument.Code {
			return web.NotFound()
		}
		if prob == nil && err != nil {
			return err
		}
	}
	if prob != nil {
		data, err := h.inboxData(r, p)
		if err != nil {
			return err
		}
		page := h.deps.Render.NewPage(r, "records.inbox.title", data)
		page.Form = formOf(r, assignFields, prob, page.Lang)
		return h.deps.Render.Render(w, r, http.StatusUnprocessableEntity, "records/inbox", page)
	}
	http.Redirect(w, r, "/records/inbox?view=all&done="+strconv.Itoa(len(ids)), http.StatusSeeOther)
	return nil
}

func (h *handlers) finishTask(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("task"))
	if err != nil {
		return web.NotFound()
	}
	var a Assignment
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		a, err = h.svc.FinishAssignment(ctx, tx, id, r.PostFormValue("note"), actorOf(p))
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoAssignment.Code {
			return web.NotFound()
		}
		return &web.Error{Status: http.StatusUnprocessableEntity, Key: "records.book_refused", Args: []any{prob.Message(web.RequestLang(r))}}
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/records/documents/"+a.DocumentID.String()+"?done=task_done", http.StatusSeeOther)
	return nil
}

type inboxData struct {
	Inbox      Inbox
	ToReview   []Draft // drafts waiting for my approval
	ToSign     []Draft // approved drafts waiting for my signature
	All        bool    // the tenant's overview rather than one's own
	CanAssign  bool
	Unassigned []Document
	People     []module.Person
	CaseTypes  []CaseType
	Done       int
}

func (h *handlers) inboxData(r *http.Request, p *access.Principal) (inboxData, error) {
	ctx := r.Context()
	d := inboxData{CanAssign: p.Can(DocumentsAssign)}
	d.All = d.CanAssign && r.URL.Query().Get("view") == "all"
	d.Done, _ = strconv.Atoi(r.URL.Query().Get("done"))
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		who := &p.UserID
		if d.All {
			who = nil
		}
		var err error
		if d.Inbox, err = h.svc.Inbox(ctx, tx, who); err != nil {
			return err
		}
		if d.ToReview, d.ToSign, err = pendingFor(ctx, tx, p.UserID); err != nil {
			return err
		}
		if d.All {
			if d.Unassigned, err = unassigned(ctx, tx, 200); err != nil {
				return err
			}
			d.CaseTypes, err = activeCaseTypes(ctx, tx)
		}
		return err
	})
	if err != nil {
		return d, err
	}
	if d.All {
		d.People, err = h.deps.People.With(ctx, p.Tenant, CasesHandle)
	}
	return d, err
}

// inbox is the case officer's own list (assigned to me, due soon,
// overdue) or, for an assigner, the tenant's open tasks and the documents
// waiting for szignálás. The listing is a query of case data: logged.
func (h *handlers) inbox(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.inboxData(r, p)
	if err != nil {
		return err
	}
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "records.inbox", ObjectType: "assignment",
		Result: audit.ResultOK, Detail: map[string]any{"all": d.All, "open": d.Inbox.Count()}}); err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "records.inbox.title", d)
	if d.Done > 0 {
		page.Flash = page.T("records.inbox.assigned_many", d.Done)
	}
	return h.deps.Render.Render(w, r, http.StatusOK, "records/inbox", page)
}

type caseTypesData struct {
	Types     []CaseType
	CanManage bool
}

func (h *handlers) caseTypesPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderCaseTypes(w, r, http.StatusOK, nil)
}

func (h *handlers) renderCaseTypes(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d := caseTypesData{CanManage: p.Can(SettingsManage)}
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		d.Types, err = caseTypes(ctx, tx)
		return err
	})
	if err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "records.case_types.title", d)
	page.Form = form
	if r.URL.Query().Get("done") == "saved" {
		page.Flash = page.T("records.case_types.saved")
	}
	return h.deps.Render.Render(w, r, status, "records/casetypes", page)
}

var caseTypeFields = []string{"code", "name", "days", "unit", "source", "active"}

func (h *handlers) saveCaseType(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	ct := CaseType{Code: r.PostFormValue("code"), Name: r.PostFormValue("name"), Unit: DeadlineUnit(r.PostFormValue("unit")),
		Source: r.PostFormValue("source"), Active: r.PostFormValue("active") != ""}
	var prob *Problem
	if s := strings.TrimSpace(r.PostFormValue("days")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			prob = problem("bad_case_type_days", "days", "A határidő 1 és 3650 közötti egész szám legyen.", "The deadline must be a whole number from 1 to 3650.")
		}
		ct.Days = n
	}
	if prob == nil {
		err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := h.svc.SaveCaseType(ctx, tx, ct, p.Username)
			return err
		})
		if !errors.As(err, &prob) && err != nil {
			return err
		}
	}
	if prob != nil {
		return h.renderCaseTypes(w, r, http.StatusUnprocessableEntity, formOf(r, caseTypeFields, prob, web.RequestLang(r)))
	}
	http.Redirect(w, r, "/records/case-types?done=saved", http.StatusSeeOther)
	return nil
}

// assignmentRequest is the JSON body of a szignálás through the API.
type assignmentRequest struct {
	Assignee     uuid.UUID `json:"assignee"`
	CaseType     string    `json:"case_type"`
	Unit         string    `json:"unit"`
	Instructions string    `json:"instructions"`
	Due          hu.Date   `json:"due"`
	Urgent       bool      `json:"urgent"`
	Replace      bool      `json:"replace"`
}

func (h *handlers) apiAssign(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	// An unknown (or another tenant's) document is 404 whatever the body.
	d, err := h.loadDocument(ctx, p.Tenant, r.PathValue("id"))
	if err != nil {
		return err
	}
	id := d.Document.ID
	var req assignmentRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	var a Assignment
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		a, err = h.svc.Assign(ctx, tx, AssignInput{DocumentID: id, AssigneeID: req.Assignee, CaseType: req.CaseType,
			Unit: req.Unit, Instructions: req.Instructions, Due: req.Due, Urgent: req.Urgent, Replace: req.Replace, By: p.Username})
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoDocument.Code {
			return web.NotFound()
		}
		return apiRefusal(r, prob)
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusCreated, a)
	return nil
}

// actorOf is who acts, as the task and sign-off rules see them.
func actorOf(p *access.Principal) Actor {
	return Actor{ID: p.UserID, Username: p.Username, CanAssign: p.Can(DocumentsAssign), CanSign: p.Can(DocumentsSign)}
}

// apiRefusal turns a refusal into a 422 problem with the field named.
func apiRefusal(r *http.Request, prob *Problem) error {
	lang := web.RequestLang(r)
	e := &web.Error{Status: http.StatusUnprocessableEntity, Key: "records.api_refused", Args: []any{prob.Message(lang)}}
	if prob.Field != "" {
		e.Fields = []web.FieldError{{Field: prob.Field, Message: prob.Message(lang)}}
	}
	return e
}

// inboxResponse is GET /api/v1/records/inbox.
type inboxResponse struct {
	Today   hu.Date     `json:"today"`
	Overdue []InboxItem `json:"overdue"`
	DueSoon []InboxItem `json:"due_soon"`
	Later   []InboxItem `json:"later"`
}

func (h *handlers) apiInbox(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var in Inbox
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		in, err = h.svc.Inbox(ctx, tx, &p.UserID)
		return err
	})
	if err != nil {
		return err
	}
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "records.inbox", ObjectType: "assignment",
		Result: audit.ResultOK, Detail: map[string]any{"open": in.Count(), "via": "api"}}); err != nil {
		return err
	}
	nonNil := func(s []InboxItem) []InboxItem {
		if s == nil {
			return []InboxItem{}
		}
		return s
	}
	api.Write(w, http.StatusOK, inboxResponse{Today: in.Today, Overdue: nonNil(in.Overdue), DueSoon: nonNil(in.DueSoon), Later: nonNil(in.Later)})
	return nil
}
