package tax

import (
	"context"
	"errors"
	"net/http"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/audit"
)

// The collection runs through the API: the reminder run and the
// enforcement list, the same as on the Behajtás page.

type reminderRunRequest struct {
	On hu.Date `json:"on"`
}

type reminderRunResponse struct {
	On        hu.Date    `json:"on"`
	Reminders []Reminder `json:"reminders"`
	Below     int        `json:"below"`
	Recent    int        `json:"recent"`
	Total     hu.Forint  `json:"total"`
}

func (h *handlers) apiRunReminders(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var req reminderRunRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	if req.On.IsZero() {
		return apiProblem(r, problem("bad_date", "on", "Adja meg a felszólítás napját ÉÉÉÉ-HH-NN alakban.", "Give the day of the reminders as YYYY-MM-DD."))
	}
	var res ReminderRunResult
	err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = h.svc.RunReminders(ctx, tx, h.reg, req.On, p.Username)
		return err
	})
	var prob *Problem
	// A refusal of IRAT (no book) is answered like one of ours.
	var refusal interface{ Message(string) string }
	if errors.As(err, &prob) {
		return apiProblem(r, prob)
	} else if errors.As(err, &refusal) {
		return apiProblem(r, &Problem{Code: "records_refused", Field: "on", HU: refusal.Message("hu"), EN: refusal.Message("en")})
	} else if err != nil {
		return err
	}
	if res.Reminders == nil {
		res.Reminders = []Reminder{}
	}
	api.Write(w, http.StatusOK, reminderRunResponse{On: res.On, Reminders: res.Reminders, Below: res.Below, Recent: res.Recent, Total: res.Total})
	return nil
}

type enforcementLine struct {
	TaxpayerID  string    `json:"taxpayer_id"`
	TaxID       string    `json:"tax_id"`
	Name        string    `json:"name"`
	Measure     string    `json:"measure"`
	Open        hu.Forint `json:"open"`
	Interest    hu.Forint `json:"interest"`
	Reminder    string    `json:"reminder"` // its iktatószám
	Deadline    hu.Date   `json:"deadline"`
	BankAccount string    `json:"bank_account,omitempty"`
}

func (h *handlers) apiEnforcement(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	on, err := hu.ParseDate(r.URL.Query().Get("on"))
	if err != nil {
		return apiProblem(r, problem("bad_date", "on", "Adja meg a napot ÉÉÉÉ-HH-NN alakban.", "Give the day as YYYY-MM-DD."))
	}
	var cs []EnforcementCandidate
	if err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		cs, err = h.svc.EnforcementList(ctx, tx, on)
		return err
	}); err != nil {
		return err
	}
	// Tax secret (Art. 127. §): the list is logged like the download.
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.enforcement_list", ObjectType: "taxpayer", Result: audit.ResultOK,
		Detail: map[string]any{"on": on.String(), "lines": len(cs), "format": "json"}}); err != nil {
		return err
	}
	out := make([]enforcementLine, len(cs))
	for i, c := range cs {
		out[i] = enforcementLine{TaxpayerID: c.Taxpayer.ID.String(), TaxID: c.Taxpayer.TaxID, Name: c.Taxpayer.Name, Measure: c.Measure,
			Open: c.Open, Interest: c.Interest, Reminder: c.Reminder.Number, Deadline: c.Reminder.Deadline, BankAccount: c.BankAccount}
	}
	api.Write(w, http.StatusOK, map[string]any{"on": on, "candidates": out})
	return nil
}
