package tax

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// The decision page with its finality (véglegesség), and the same in the
// API.

var finalitySeparationRoutes = []separation.Route{
	{Pattern: "GET /tax/decisions/{decision}"},
	{Pattern: "POST /tax/decisions/{decision}/finality", Form: map[string][]string{"event": {"communicated"}, "communicated_on": {"2027-01-05"}}},
	{Pattern: "GET /api/v1/tax/decisions/{decision}"},
	{Pattern: "POST /api/v1/tax/decisions/{decision}/finality"},
}

func (h *handlers) routesFinality(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(TaxpayersRead)}
	run := []web.Middleware{d.Tenant, identity.Require(AssessRun)}
	rt.Handle("GET /tax/decisions/{decision}", h.decisionPage, read...)
	rt.Handle("POST /tax/decisions/{decision}/finality", h.recordFinality, run...)
	rt.Handle("POST /tax/decisions/finality", h.settleFinalities, run...)
	rt.Handle("GET /api/v1/tax/decisions/{decision}", h.apiDecision, read...)
	rt.Handle("POST /api/v1/tax/decisions/{decision}/finality", h.apiRecordFinality, run...)
	rt.Handle("POST /api/v1/tax/decisions/finality", h.apiSettleFinalities, run...)
}

// finalityDeliveries is IRAT's delivery lookup, when the registrar
// wired in offers it.
func (h *handlers) finalityDeliveries() FinalityDeliveries {
	fd, _ := h.reg.(FinalityDeliveries)
	return fd
}

type decisionPageData struct {
	DecisionFinality
	CanRecord bool
	IRAT      bool     // IRAT's delivery days can be taken over
	Delivered *hu.Date // what IRAT says, when connected
	Unchanged bool     // the last action found it all recorded already
}

// EventOn is the day of a recorded event, or nil.
func (d decisionPageData) EventOn(kind string) *hu.Date {
	if e, ok := d.Finality.Event(kind); ok {
		return &e.On
	}
	return nil
}

// EventDetail is the detail of a recorded event.
func (d decisionPageData) EventDetail(kind string) string {
	e, _ := d.Finality.Event(kind)
	return e.Detail
}

// TypeName names a tax type for the page.
func (decisionPageData) TypeName(code string) string { return TaxTypeName(code) }

func (h *handlers) loadDecisionPage(ctx context.Context, tx bun.Tx, id uuid.UUID) (decisionPageData, error) {
	var d decisionPageData
	var ds []Decision
	if err := tx.NewSelect().Model(&ds).Where("id = ?", id).Scan(ctx); err != nil {
		return d, err
	}
	if len(ds) == 0 {
		return d, web.NotFound()
	}
	var err error
	if d.DecisionFinality, err = loadFinality(ctx, tx, ds[0], DefaultFinalityRules, hu.DateOf(h.svc.now())); err != nil {
		return d, err
	}
	tp, err := taxpayerByID(ctx, tx, ds[0].TaxpayerID)
	if err != nil {
		return d, err
	}
	if tp == nil {
		return d, fmt.Errorf("decision %s: no taxpayer %s", ds[0].Number, ds[0].TaxpayerID)
	}
	d.Taxpayer = *tp
	if fd := h.finalityDeliveries(); fd != nil {
		d.IRAT = true
		got, err := fd.DeliveredOn(ctx, tx, []string{ds[0].Number})
		if err != nil {
			return d, err
		}
		if on, ok := got[ds[0].Number]; ok {
			d.Delivered = &on
		}
	}
	return d, nil
}

func (h *handlers) decisionPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderDecisionPage(w, r, http.StatusOK, nil, r.URL.Query().Get("unchanged") != "")
}

// viewDecision reads the decision the path names and records that it was
// viewed (through the API when viaAPI).
func (h *handlers) viewDecision(r *http.Request, viaAPI bool) (decisionPageData, error) {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("decision"))
	if err != nil {
		return decisionPageData{}, web.NotFound()
	}
	var d decisionPageData
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		d, err = h.loadDecisionPage(ctx, tx, id)
		return err
	})
	if err != nil {
		return d, err
	}
	detail := map[string]any{"number": d.Decision.Number, "tax_id": d.Taxpayer.TaxID}
	if viaAPI {
		detail["via"] = "api"
	}
	return d, h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.view", ObjectType: "tax_decision", ObjectID: id.String(), Result: audit.ResultOK, Detail: detail})
}

func (h *handlers) renderDecisionPage(w http.ResponseWriter, r *http.Request, status int, form *web.Form, unchanged bool) error {
	d, err := h.viewDecision(r, false)
	if err != nil {
		return err
	}
	d.CanRecord, d.Unchanged = access.PrincipalFrom(r.Context()).Can(AssessRun), unchanged
	page := h.deps.Render.NewPage(r, "tax.decision.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "tax/decision", page)
}

// finalityFormFields are the fields of the decision page's forms; each
// form names its day after its event (communicated_on…).
var finalityFormFields = []string{"event", "source", "communicated_on", "waived_on", "appealed_on", "appeal_decided_on", "outcome", "note"}

func (h *handlers) recordFinality(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("decision"))
	if err != nil {
		return web.NotFound()
	}
	in := FinalityInput{Event: r.PostFormValue("event"), Source: r.PostFormValue("source"), Outcome: r.PostFormValue("outcome"), Note: r.PostFormValue("note")}
	var prob *Problem
	if in.Event != FinalitySettle && in.Source != CommunicatedFromIRAT {
		on, err := hu.ParseDate(strings.TrimSpace(r.PostFormValue(in.Event + "_on")))
		if err != nil {
			prob = problem("bad_date", "on", "Adja meg a napot ÉÉÉÉ-HH-NN alakban, például 2027-01-20.", "Give the day as YYYY-MM-DD, e.g. 2027-01-20.")
		}
		in.On = on
	}
	changed := false
	if prob == nil {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			_, changed, err = h.svc.RecordFinality(ctx, tx, h.finalityDeliveries(), id, in, p.Username)
			return err
		})
		if errors.Is(err, errFinalityNoDecision) {
			return web.NotFound()
		}
		if refused, err := refusalOf(err); err != nil {
			return err
		} else if refused != nil {
			prob = refused
		}
	}
	if prob != nil {
		f := formOf(r, finalityFormFields, prob, web.RequestLang(r))
		if f.Errors[0].Field == "on" || f.Errors[0].Field == "" || f.Errors[0].Field == "source" {
			f.Errors[0].Field = in.Event + "_on"
		}
		return h.renderDecisionPage(w, r, http.StatusUnprocessableEntity, f, false)
	}
	to := "/tax/decisions/" + id.String()
	if !changed {
		to += "?unchanged=1"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

func (h *handlers) settleFinalities(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var res FinalitySweep
	err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = h.svc.SettleFinalities(ctx, tx, h.finalityDeliveries(), p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return &web.Error{Status: http.StatusConflict, Key: "tax.api_refused", Args: []any{prob.Message(web.RequestLang(r))}}
	}
	if err != nil {
		return err
	}
	return h.deps.Render.Render(w, r, http.StatusOK, "tax/decision_finality", h.deps.Render.NewPage(r, "tax.decision.sweep.title", res))
}

// apiFinality is a decision's finality in the API.
type apiFinality struct {
	State              string   `json:"state"`
	CommunicatedOn     *hu.Date `json:"communicated_on"`
	CommunicatedSource string   `json:"communicated_source,omitempty"`
	AppealDeadline     *hu.Date `json:"appeal_deadline"`
	WaivedOn           *hu.Date `json:"waived_on"`
	AppealedOn         *hu.Date `json:"appealed_on"`
	AppealDecidedOn    *hu.Date `json:"appeal_decided_on"`
	AppealOutcome      string   `json:"appeal_outcome,omitempty"`
	FinalOn            *hu.Date `json:"final_on"`
	ExpectedFinalOn    *hu.Date `json:"expected_final_on"`
	// DueOn is the real due date of the instalments past at the
	// decision; provisional until the decision is final.
	DueOn            *hu.Date `json:"due_on"`
	DueOnProvisional bool     `json:"due_on_provisional"`
}

type apiFinalityMove struct {
	PostingID      uuid.UUID `json:"posting_id"`
	TaxType        string    `json:"tax_type"`
	Amount         hu.Forint `json:"amount"`
	ProvisionalDue hu.Date   `json:"provisional_due"`
	NewDue         *hu.Date  `json:"new_due"`
	Moved          bool      `json:"moved"`
}

type apiDecisionBody struct {
	Decision
	Finality apiFinality       `json:"finality"`
	Moves    []apiFinalityMove `json:"moves"`
	Changed  *bool             `json:"changed,omitempty"`
}

func apiDecisionOf(df DecisionFinality) apiDecisionBody {
	f := df.Finality
	on := func(kind string) *hu.Date {
		if e, ok := f.Event(kind); ok {
			return &e.On
		}
		return nil
	}
	comm, _ := f.Event(FinalityCommunicated)
	dec, _ := f.Event(FinalityAppealDecided)
	out := apiDecisionBody{Decision: df.Decision, Moves: []apiFinalityMove{}, Finality: apiFinality{State: f.State, CommunicatedOn: on(FinalityCommunicated),
		CommunicatedSource: comm.Detail, AppealDeadline: f.AppealDeadline, WaivedOn: on(FinalityWaived), AppealedOn: on(FinalityAppealed),
		AppealDecidedOn: on(FinalityAppealDecided), AppealOutcome: dec.Detail, FinalOn: f.FinalOn, ExpectedFinalOn: f.ExpectedFinalOn,
		DueOn: f.DueOn, DueOnProvisional: f.State != FinalityDone}}
	for _, m := range df.Moves {
		out.Moves = append(out.Moves, apiFinalityMove{PostingID: m.Provisional.ID, TaxType: m.Provisional.TaxType, Amount: m.Provisional.Amount,
			ProvisionalDue: m.Provisional.On, NewDue: m.NewDue, Moved: m.Moved})
	}
	return out
}

func (h *handlers) apiDecision(w http.ResponseWriter, r *http.Request) error {
	d, err := h.viewDecision(r, true)
	if err != nil {
		return err
	}
	api.Write(w, http.StatusOK, apiDecisionOf(d.DecisionFinality))
	return nil
}

type finalityRequest struct {
	Event   string  `json:"event"`
	On      hu.Date `json:"on"`
	Source  string  `json:"source"`
	Outcome string  `json:"outcome"`
	Note    string  `json:"note"`
}

func (h *handlers) apiRecordFinality(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.pathRow(r, "decision", (*Decision)(nil)) // 404 for another tenant's decision, before the body is read
	if err != nil {
		return err
	}
	var req finalityRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	var df DecisionFinality
	var changed bool
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		df, changed, err = h.svc.RecordFinality(ctx, tx, h.finalityDeliveries(), id, FinalityInput{Event: req.Event, On: req.On, Source: req.Source,
			Outcome: req.Outcome, Note: req.Note}, p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return apiProblem(r, prob)
	}
	if err != nil {
		return err
	}
	body := apiDecisionOf(df)
	body.Changed = &changed
	api.Write(w, http.StatusOK, body)
	return nil
}

func (h *handlers) apiSettleFinalities(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var res FinalitySweep
	err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = h.svc.SettleFinalities(ctx, tx, h.finalityDeliveries(), p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		return apiProblem(r, prob)
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusOK, res)
	return nil
}
