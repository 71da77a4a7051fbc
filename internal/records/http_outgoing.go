package records

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

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

// Drafts, sign-off and dispatch pages.

func (h *handlers) routesOutgoing(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(DocumentsRead)}
	work := []web.Middleware{d.Tenant, identity.Require(CasesHandle)}
	send := []web.Middleware{d.Tenant, identity.Require(DocumentsDispatch)}
	rt.Handle("POST /records/documents/{id}/drafts", h.createDraft, work...)
	rt.Handle("GET /records/drafts/{draft}", h.draftPage, read...)
	rt.Handle("POST /records/drafts/{draft}", h.editDraft, work...)
	rt.Handle("POST /records/drafts/{draft}/submit", h.submitDraft, work...)
	rt.Handle("POST /records/reviews/{review}", h.decide, read...)
	rt.Handle("POST /records/drafts/{draft}/sign", h.sign, d.Tenant, identity.Require(DocumentsSign))
	rt.Handle("POST /records/documents/{id}/dispatches", h.createDispatch, send...)
	rt.Handle("POST /records/dispatches/{dispatch}/events", h.deliveryEvent, send...)
	rt.Handle("GET /records/dispatch", h.dispatchPage, send...)
	rt.Handle("POST /records/dispatch/sent", h.markSent, send...)
	rt.Handle("POST /api/v1/records/documents/{id}/dispatches", h.apiDispatch, send...)
	rt.Handle("POST /api/v1/records/dispatches/{dispatch}/events", h.apiDeliveryEvent, send...)
	rt.Handle("GET /api/v1/records/dispatches/{dispatch}", h.apiDispatchGet, read...)
}

// outgoingData is the drafts and dispatch part of the document page.
type outgoingData struct {
	Drafts      []Draft
	Dispatches  []Dispatch
	Today       hu.Date
	CanDraft    bool
	CanDispatch bool
	Channels    []DispatchChannel
}

func (h *handlers) loadOutgoing(ctx context.Context, p *access.Principal, d *documentData) error {
	o := &outgoingData{Today: hu.DateOf(h.svc.now()), CanDraft: p.Can(CasesHandle) && d.Document.VoidedAt == nil,
		CanDispatch: p.Can(DocumentsDispatch) && d.Document.Direction == Outgoing && d.Document.VoidedAt == nil, Channels: Channels}
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if o.Drafts, err = caseDrafts(ctx, tx, d.Case.ID); err != nil {
			return err
		}
		o.Dispatches, err = documentDispatches(ctx, tx, d.Document.ID)
		return err
	})
	d.Out = o
	return err
}

// refusedPage answers a refused form: the page it came from is shown again
// with the reason (documents) or an error page names it.
func refusedPage(r *http.Request, prob *Problem) error {
	return &web.Error{Status: http.StatusUnprocessableEntity, Key: "records.refused", Args: []any{prob.Message(web.RequestLang(r))}}
}

func draftInput(r *http.Request) DraftInput {
	return DraftInput{Subject: r.PostFormValue("subject"), Addressee: r.PostFormValue("addressee"),
		AddresseeAddress: r.PostFormValue("addressee_address"), Body: r.PostFormValue("body")}
}

var draftFields = []string{"subject", "addressee", "addressee_address", "body"}

func (h *handlers) createDraft(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadDocument(ctx, p.Tenant, r.PathValue("id"))
	if err != nil {
		return err
	}
	var draft Draft
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		draft, err = h.svc.CreateDraft(ctx, tx, d.Document.ID, draftInput(r), p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		f := formOf(r, draftFields, prob, web.RequestLang(r))
		f.Values["form"] = "draft"
		return h.refuseOnDocument(w, r, d, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/records/drafts/"+draft.ID.String()+"?done=created", http.StatusSeeOther)
	return nil
}

type draftData struct {
	Draft      Draft
	Case       Case
	First      Document // the case's first document, naming the case
	Versions   []DraftVersion
	Reviews    []Review
	Me         uuid.UUID
	CanEdit    bool
	CanSign    bool
	Approvers  []module.Person
	Signers    []module.Person
	Registered *Document
	Done       string
}

// Lines are the draft's text as paragraphs, one per non-empty line.
func (d draftData) Lines() []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(d.Draft.Body, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// MyReview is the pending review asked of the viewer, if any.
func (d draftData) MyReview() *Review {
	for i, r := range d.Reviews {
		if r.ReviewerID == d.Me && r.Decision == ReviewPending {
			return &d.Reviews[i]
		}
	}
	return nil
}

func (h *handlers) loadDraft(r *http.Request, p *access.Principal) (draftData, error) {
	ctx := r.Context()
	id, err := uuid.Parse(r.PathValue("draft"))
	if err != nil {
		return draftData{}, web.NotFound()
	}
	dd := draftData{Me: p.UserID}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		dr, err := draftByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if dr == nil {
			return web.NotFound()
		}
		dd.Draft = *dr
		c, err := caseByID(ctx, tx, dr.CaseID)
		if err != nil {
			return err
		}
		dd.Case = *c
		docs, err := caseDocuments(ctx, tx, c.ID)
		if err != nil || len(docs) == 0 {
			return err
		}
		dd.First = docs[0]
		if dr.DocumentID != nil {
			if dd.Registered, err = documentByID(ctx, tx, *dr.DocumentID); err != nil {
				return err
			}
		}
		if dd.Versions, err = draftVersions(ctx, tx, dr.ID); err != nil {
			return err
		}
		dd.Reviews, err = draftReviews(ctx, tx, dr.ID)
		return err
	})
	if err != nil {
		return dd, err
	}
	dd.CanEdit = p.Can(CasesHandle) && dd.Draft.Status != DraftSigned
	dd.CanSign = p.Can(DocumentsSign) && dd.Draft.Status == DraftApproved && dd.Draft.SignerID != nil && *dd.Draft.SignerID == p.UserID
	if dd.CanEdit && dd.Draft.Status == DraftEditing {
		if dd.Approvers, err = h.deps.People.With(ctx, p.Tenant, DocumentsRead); err != nil {
			return dd, err
		}
		if dd.Signers, err = h.deps.People.With(ctx, p.Tenant, DocumentsSign); err != nil {
			return dd, err
		}
	}
	return dd, nil
}

func (h *handlers) draftPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderDraft(w, r, http.StatusOK, nil)
}

func (h *handlers) renderDraft(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	dd, err := h.loadDraft(r, p)
	if err != nil {
		return err
	}
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "records.view", ObjectType: "draft",
		ObjectID: dd.Draft.ID.String(), Result: audit.ResultOK, Detail: map[string]any{"case": dd.First.Number, "version": dd.Draft.Version}}); err != nil {
		return err
	}
	switch done := r.URL.Query().Get("done"); done {
	case "created", "saved", "submitted", "decided", "signed":
		dd.Done = done
	}
	page := h.deps.Render.NewPage(r, "records.draft.title", dd)
	page.Form = form
	if dd.Done != "" {
		page.Flash = page.T("records.draft.done." + dd.Done)
	}
	return h.deps.Render.Render(w, r, status, "records/draft", page)
}

// draftAction runs one step on a draft and shows the draft again: with
// the reason when refused, after a redirect when done.
func (h *handlers) draftAction(w http.ResponseWriter, r *http.Request, done string, fields []string, fn func(ctx context.Context, tx bun.Tx, p *access.Principal, id uuid.UUID) error) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	dd, err := h.loadDraft(r, p) // 404 for an unknown or another tenant's draft
	if err != nil {
		return err
	}
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		return fn(ctx, tx, p, dd.Draft.ID)
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return h.renderDraft(w, r, http.StatusUnprocessableEntity, formOf(r, fields, prob, web.RequestLang(r)))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/records/drafts/"+dd.Draft.ID.String()+"?done="+done, http.StatusSeeOther)
	return nil
}

func (h *handlers) editDraft(w http.ResponseWriter, r *http.Request) error {
	return h.draftAction(w, r, "saved", draftFields, func(ctx context.Context, tx bun.Tx, p *access.Principal, id uuid.UUID) error {
		_, err := h.svc.EditDraft(ctx, tx, id, draftInput(r), p.Username)
		return err
	})
}

func (h *handlers) submitDraft(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return web.BadRequest("error.bad_request")
	}
	var reviewers []uuid.UUID
	for _, s := range r.PostForm["reviewer"] {
		if id, err := uuid.Parse(s); err == nil {
			reviewers = append(reviewers, id)
		}
	}
	signer, _ := uuid.Parse(r.PostFormValue("signer"))
	return h.draftAction(w, r, "submitted", []string{"signer"}, func(ctx context.Context, tx bun.Tx, p *access.Principal, id uuid.UUID) error {
		_, err := h.svc.SubmitDraft(ctx, tx, id, reviewers, signer, p.Username)
		return err
	})
}

func (h *handlers) sign(w http.ResponseWriter, r *http.Request) error {
	return h.draftAction(w, r, "signed", []string{"method"}, func(ctx context.Context, tx bun.Tx, p *access.Principal, id uuid.UUID) error {
		_, _, err := h.svc.Sign(ctx, tx, id, r.PostFormValue("method"), actorOf(p))
		return err
	})
}

func (h *handlers) decide(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("review"))
	if err != nil {
		return web.NotFound()
	}
	var rv Review
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		rv, err = h.svc.Decide(ctx, tx, id, r.PostFormValue("decision") == "approve", r.PostFormValue("comment"), actorOf(p))
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoReview.Code {
			return web.NotFound()
		}
		return refusedPage(r, prob)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/records/drafts/"+rv.DraftID.String()+"?done=decided", http.StatusSeeOther)
	return nil
}

var dispatchFields = []string{"channel", "addressee", "address", "postal_id"}

func (h *handlers) createDispatch(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadDocument(ctx, p.Tenant, r.PathValue("id"))
	if err != nil {
		return err
	}
	in := DispatchInput{Channel: DispatchChannel(r.PostFormValue("channel")), Addressee: r.PostFormValue("addressee"),
		Address: r.PostFormValue("address"), PostalID: r.PostFormValue("postal_id")}
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		_, err := h.svc.Dispatch(ctx, tx, d.Document.ID, in, p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		f := formOf(r, dispatchFields, prob, web.RequestLang(r))
		f.Values["form"] = "dispatch"
		return h.refuseOnDocument(w, r, d, http.StatusUnprocessableEntity, f)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/records/documents/"+d.Document.ID.String()+"?done=dispatched#dispatch", http.StatusSeeOther)
	return nil
}

// eventTime reads the time of a delivery event: "2026-03-04T10:00" or a
// date alone (noon, so the day never slips across a zone); empty is now.
func eventTime(s string) (time.Time, *Problem) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.ParseInLocation("2006-01-02T15:04", s, hu.Budapest()); err == nil {
		return t, nil
	}
	if d, err := hu.ParseDate(s); err == nil {
		return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, hu.Budapest()), nil
	}
	return time.Time{}, problem("bad_time", "at", "Az időpontot ÉÉÉÉ-HH-NN vagy ÉÉÉÉ-HH-NNTóó:pp alakban adja meg.", "Give the time as YYYY-MM-DD or YYYY-MM-DDThh:mm.")
}

func (h *handlers) deliveryEvent(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("dispatch"))
	if err != nil {
		return web.NotFound()
	}
	at, prob := eventTime(r.PostFormValue("at"))
	var dp Dispatch
	if prob == nil {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			dp, err = h.svc.RecordDelivery(ctx, tx, id, r.PostFormValue("event"), at, r.PostFormValue("reason"), p.Username)
			return err
		})
		errors.As(err, &prob)
	}
	if prob != nil {
		if prob.Code == errNoDispatch.Code {
			return web.NotFound()
		}
		return refusedPage(r, prob)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/records/documents/"+dp.DocumentID.String()+"?done=delivery#dispatch", http.StatusSeeOther)
	return nil
}

type dispatchPageData struct {
	Queue     []DispatchItem
	InTransit []DispatchItem
	Today     hu.Date
	Channels  []DispatchChannel
	Sent      int
}

// dispatchPage is the registry's expediálás list: what waits to be sent,
// grouped by channel, and what is on its way.
func (h *handlers) dispatchPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d := dispatchPageData{Today: hu.DateOf(h.svc.now()), Channels: Channels}
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if d.Queue, err = dispatchQueue(ctx, tx, false, 1000); err != nil {
			return err
		}
		d.InTransit, err = dispatchQueue(ctx, tx, true, 1000)
		return err
	})
	if err != nil {
		return err
	}
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "records.dispatch_list", ObjectType: "dispatch",
		Result: audit.ResultOK, Detail: map[string]any{"queue": len(d.Queue), "in_transit": len(d.InTransit)}}); err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "records.dispatch.title", d)
	if r.URL.Query().Get("done") == "sent" {
		page.Flash = page.T("records.dispatch.marked_sent")
	}
	return h.deps.Render.Render(w, r, http.StatusOK, "records/dispatch", page)
}

// markSent records the chosen items as sent now: the registry posts a
// channel's batch at once. All or none.
func (h *handlers) markSent(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	if err := r.ParseForm(); err != nil {
		return web.BadRequest("error.bad_request")
	}
	var ids []uuid.UUID
	for _, s := range r.PostForm["dispatch"] {
		id, err := uuid.Parse(s)
		if err != nil {
			return web.NotFound()
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return refusedPage(r, problem("none_chosen", "dispatch", "Jelölje ki a feladott küldeményeket.", "Select the items sent."))
	}
	err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		for _, id := range ids {
			if _, err := h.svc.RecordDelivery(ctx, tx, id, EventSent, time.Time{}, "", p.Username); err != nil {
				return err
			}
		}
		return nil
	})
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoDispatch.Code {
			return web.NotFound()
		}
		return refusedPage(r, prob)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/records/dispatch?done=sent", http.StatusSeeOther)
	return nil
}

// dispatchResponse is a dispatch with where its delivery stands today.
type dispatchResponse struct {
	Dispatch
	State       string   `json:"state"`
	DeliveredOn *hu.Date `json:"delivered_on,omitempty"`
	PresumedOn  *hu.Date `json:"presumed_on,omitempty"`
}

func (h *handlers) dispatchJSON(d Dispatch) dispatchResponse {
	dl := d.Delivery(hu.DateOf(h.svc.now()))
	return dispatchResponse{Dispatch: d, State: dl.State, DeliveredOn: dl.DeliveredOn, PresumedOn: dl.PresumedOn}
}

type dispatchRequest struct {
	Channel   DispatchChannel `json:"channel"`
	Addressee string          `json:"addressee"`
	Address   string          `json:"address"`
	PostalID  string          `json:"postal_id"`
}

func (h *handlers) apiDispatch(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	doc, err := h.loadDocument(ctx, p.Tenant, r.PathValue("id"))
	if err != nil {
		return err
	}
	var req dispatchRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	var dp Dispatch
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		dp, err = h.svc.Dispatch(ctx, tx, doc.Document.ID, DispatchInput(req), p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return apiRefusal(r, prob)
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusCreated, h.dispatchJSON(dp))
	return nil
}

type deliveryEventRequest struct {
	Event  string    `json:"event"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

func (h *handlers) apiDeliveryEvent(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("dispatch"))
	if err != nil {
		return web.NotFound()
	}
	// 404 before reading the body, for another tenant's dispatch too.
	if _, err := h.dispatchOf(ctx, p, id); err != nil {
		return err
	}
	var req deliveryEventRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	var dp Dispatch
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		dp, err = h.svc.RecordDelivery(ctx, tx, id, req.Event, req.At, req.Reason, p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return apiRefusal(r, prob)
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusOK, h.dispatchJSON(dp))
	return nil
}

func (h *handlers) dispatchOf(ctx context.Context, p *access.Principal, id uuid.UUID) (Dispatch, error) {
	var dp *Dispatch
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		dp, err = dispatchByID(ctx, tx, id)
		return err
	})
	if err != nil {
		return Dispatch{}, err
	}
	if dp == nil {
		return Dispatch{}, web.NotFound()
	}
	return *dp, nil
}

func (h *handlers) apiDispatchGet(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("dispatch"))
	if err != nil {
		return web.NotFound()
	}
	dp, err := h.dispatchOf(ctx, p, id)
	if err != nil {
		return err
	}
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "records.view", ObjectType: "dispatch",
		ObjectID: dp.ID.String(), Result: audit.ResultOK, Detail: map[string]any{"via": "api"}}); err != nil {
		return err
	}
	api.Write(w, http.StatusOK, h.dispatchJSON(dp))
	return nil
}
