package tax

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// Reminder runs, the reminders' PDFs and the mass balance notices.

func (h *handlers) routesReminders(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(TaxpayersRead)}
	manage := []web.Middleware{d.Tenant, identity.Require(SettingsManage)}
	rt.Handle("POST /tax/reminders/run", h.runReminders, manage...)
	rt.Handle("POST /api/v1/tax/reminder-runs", h.apiRunReminders, manage...)
	rt.Handle("GET /api/v1/tax/enforcement", h.apiEnforcement, manage...)
	rt.Handle("GET /tax/reminders/{reminder}/pdf", h.reminderPDF, read...)
	rt.Handle("GET /tax/notices.zip", h.noticesZip, manage...)
}

func (h *handlers) runReminders(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	on, err := hu.ParseDate(r.PostFormValue("on"))
	var prob *Problem
	if err != nil {
		prob = problem("bad_date", "on", "A napot ÉÉÉÉ-HH-NN alakban adja meg.", "Give the day as YYYY-MM-DD.")
	} else {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := h.svc.RunReminders(ctx, tx, h.reg, on, p.Username)
			return err
		})
		// A refusal of IRAT (no book) is shown like one of ours.
		var refusal interface{ Message(string) string }
		if !errors.As(err, &prob) && errors.As(err, &refusal) {
			prob = &Problem{Field: "on", HU: refusal.Message("hu"), EN: refusal.Message("en")}
		} else if prob == nil && err != nil {
			return err
		}
	}
	if prob != nil {
		f := &web.Form{Values: map[string]string{"on": r.PostFormValue("on")}, Errors: []web.FieldError{{Field: "on", Message: prob.Message(web.RequestLang(r))}}}
		return h.renderCollectionLists(w, r, http.StatusUnprocessableEntity, f)
	}
	http.Redirect(w, r, "/tax/collection?reminders="+on.String()+"#reminders", http.StatusSeeOther)
	return nil
}

func (h *handlers) reminderPDF(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := uuid.Parse(r.PathValue("reminder"))
	if err != nil {
		return web.NotFound()
	}
	l := ReminderLetter{Collection: map[string][]string{}, At: h.svc.now()}
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		rm, err := ReminderByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if rm == nil {
			return web.NotFound()
		}
		l.Reminder = *rm
		tp, err := taxpayerByID(ctx, tx, rm.TaxpayerID)
		if err != nil {
			return err
		}
		l.Taxpayer = *tp
		as, err := collectionAccounts(ctx, tx)
		for _, a := range as {
			l.Collection[a.TaxType] = append(l.Collection[a.TaxType], a.Account)
		}
		return err
	})
	if err != nil {
		return err
	}
	if h.deps.TenantName != nil {
		if l.Issuer, err = h.deps.TenantName(ctx, p.Tenant); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	if err := l.PDF(&buf); err != nil {
		return err
	}
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.reminder_view", ObjectType: "taxpayer", ObjectID: l.Taxpayer.ID.String(),
		Result: audit.ResultOK, Detail: map[string]any{"tax_id": l.Taxpayer.TaxID, "number": l.Reminder.Number}}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="felszolitas-`+l.Taxpayer.TaxID+`.pdf"`)
	_, err = w.Write(buf.Bytes())
	return err
}

// noticesZip is the mass balance notice run: one PDF per taxpayer above
// the minimum, in a ZIP for the printing house.
func (h *handlers) noticesZip(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	on, err := hu.ParseDate(r.URL.Query().Get("on"))
	if err != nil {
		f := &web.Form{Values: map[string]string{"notices_on": r.URL.Query().Get("on")}, Errors: []web.FieldError{{Field: "notices_on",
			Message: problem("bad_date", "on", "A napot ÉÉÉÉ-HH-NN alakban adja meg.", "Give the day as YYYY-MM-DD.").Message(web.RequestLang(r))}}}
		return h.renderCollectionLists(w, r, http.StatusUnprocessableEntity, f)
	}
	issuer := ""
	if h.deps.TenantName != nil {
		if issuer, err = h.deps.TenantName(ctx, p.Tenant); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	var n int
	err = h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		n, err = h.svc.NoticeRun(ctx, tx, on, func(bn BalanceNotice) error {
			bn.Issuer = issuer
			f, err := zw.Create("egyenlegertesito-" + bn.Taxpayer.TaxID + ".pdf")
			if err != nil {
				return err
			}
			return bn.PDF(f)
		})
		return err
	})
	if err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.notice_run", ObjectType: "taxpayer", Result: audit.ResultOK,
		Detail: map[string]any{"on": on.String(), "notices": n, "bytes": buf.Len()}}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="egyenlegertesitok-`+on.String()+`.zip"`)
	_, err = w.Write(buf.Bytes())
	return err
}
