package records

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/web"
)

type arrivalsData struct {
	Arrivals []Arrival
	Created  *Arrival
	CanReg   bool
	Now      string
}

func (h *handlers) arrivalsData(r *http.Request) (arrivalsData, error) {
	p := access.PrincipalFrom(r.Context())
	d := arrivalsData{CanReg: p.Can(DocumentsRegister), Now: h.svc.now().In(hu.Budapest()).Format("2006-01-02T15:04")}
	err := h.deps.DB.InTenantRead(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		d.Arrivals, err = recentArrivals(ctx, tx, 100)
		return err
	})
	return d, err
}

// arrivalsPage is the arrival register: the form to record an arriving
// item and the latest entries.
func (h *handlers) arrivalsPage(w http.ResponseWriter, r *http.Request) error {
	d, err := h.arrivalsData(r)
	if err != nil {
		return err
	}
	return h.deps.Render.Page(w, r, "records/arrivals", "records.arrivals", d)
}

// arrive records an arriving item and shows its number and the text of
// the acknowledgement to the sender.
func (h *handlers) arrive(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	in := ArrivalInput{
		Channel: Channel(r.PostFormValue("channel")), SenderName: r.PostFormValue("sender_name"),
		SenderAddress: r.PostFormValue("sender_address"), PostalID: r.PostFormValue("postal_id"),
		DeliveryID: r.PostFormValue("delivery_id"), Note: r.PostFormValue("note"), By: p.Username,
	}
	var timeProblem *Problem
	if v := r.PostFormValue("received_at"); v != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", v, hu.Budapest())
		if err != nil {
			timeProblem = problem("bad_time", "received_at", "A beérkezés időpontja ÉÉÉÉ-HH-NNTóó:pp alakú legyen.", "Give the time of arrival as YYYY-MM-DDThh:mm.")
		}
		in.ReceivedAt = t
	}
	var a Arrival
	err := error(timeProblem)
	if timeProblem == nil {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			a, err = h.svc.Arrive(ctx, tx, in)
			return err
		})
	}
	d, derr := h.arrivalsData(r)
	if derr != nil {
		return derr
	}
	var prob *Problem
	if errors.As(err, &prob) {
		page := h.deps.Render.NewPage(r, "records.arrivals", d)
		page.Form = &web.Form{Values: map[string]string{}, Errors: []web.FieldError{{Field: prob.Field, Message: prob.Message(page.Lang)}}}
		for _, f := range []string{"channel", "sender_name", "sender_address", "postal_id", "delivery_id", "note", "received_at"} {
			page.Form.Values[f] = r.PostFormValue(f)
		}
		return h.deps.Render.Render(w, r, http.StatusUnprocessableEntity, "records/arrivals", page)
	}
	if err != nil {
		return err
	}
	d.Created = &a
	return h.deps.Render.Render(w, r, http.StatusCreated, "records/arrivals", h.deps.Render.NewPage(r, "records.arrivals", d))
}

// arrivalForRegistration reads the arrival a registration form starts
// from (?arrival=…); an unknown or another tenant's id is simply ignored.
func (h *handlers) arrivalForRegistration(r *http.Request) *Arrival {
	id, err := uuid.Parse(r.URL.Query().Get("arrival"))
	if err != nil {
		return nil
	}
	var a *Arrival
	h.deps.DB.InTenantRead(r.Context(), tenantOf(r), func(ctx context.Context, tx bun.Tx) error {
		a, err = arrivalByID(ctx, tx, id)
		return err
	})
	if a == nil || a.DocumentID != nil {
		return nil
	}
	return a
}
