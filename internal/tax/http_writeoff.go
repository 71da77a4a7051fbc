package tax

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// The enforcement list, the write-off page (preview, then confirm) and
// the interruption of limitation on the taxpayer page.

func (h *handlers) routesWriteOff(rt *web.Router, d module.Deps) {
	post := []web.Middleware{d.Tenant, identity.Require(AccountsPost)}
	manage := []web.Middleware{d.Tenant, identity.Require(SettingsManage)}
	rt.Handle("GET /tax/enforcement", h.enforcementList, manage...)
	rt.Handle("GET /tax/write-off", h.writeOffPage, manage...)
	rt.Handle("POST /tax/write-off", h.writeOff, manage...)
	rt.Handle("POST /api/v1/tax/write-offs", h.apiWriteOff, manage...)
	rt.Handle("POST /tax/taxpayers/{taxpayer}/interruptions", h.interruption, post...)
}

func (h *handlers) enforcementList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	q := r.URL.Query()
	on, err := hu.ParseDate(q.Get("on"))
	measure, format := q.Get("measure"), q.Get("format")
	if err != nil || (measure != "" && measure != MeasureCollectionOrder && measure != MeasureGarnishment) || (format != "csv" && format != "xlsx") {
		f := &web.Form{Values: map[string]string{"enforcement_on": q.Get("on")}, Errors: []web.FieldError{{Field: "enforcement_on",
			Message: problem("bad_date", "on", "Adja meg a napot ÉÉÉÉ-HH-NN alakban, a listát és a formátumot.", "Give the day as YYYY-MM-DD, the list and the format.").Message(web.RequestLang(r))}}}
		return h.renderCollectionLists(w, r, http.StatusUnprocessableEntity, f)
	}
	var cs []EnforcementCandidate
	if err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		cs, err = h.svc.EnforcementList(ctx, tx, on)
		return err
	}); err != nil {
		return err
	}
	t := EnforcementTable(cs, measure)
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.enforcement_list", ObjectType: "taxpayer", Result: audit.ResultOK,
		Detail: map[string]any{"on": on.String(), "measure": measure, "lines": len(t.Rows), "format": format}}); err != nil {
		return err
	}
	name := "vegrehajtas-" + on.String()
	if measure != "" {
		name = measure + "-" + on.String()
	}
	return h.writeTable(w, r, t, name, format)
}

type writeOffData struct {
	Year    int
	Preview *WriteOffResult
	Done    *WriteOffResult
	Shown   []WriteOff
	Types   []TypeAmount // totals per tax type
}

// TypeName names a tax type for the page.
func (writeOffData) TypeName(code string) string { return TaxTypeName(code) }

const shownWriteOffs = 500

func (h *handlers) writeOffPage(w http.ResponseWriter, r *http.Request) error {
	y := strings.TrimSpace(r.URL.Query().Get("year"))
	if y == "" {
		return h.renderWriteOff(w, r, http.StatusOK, writeOffData{Year: hu.DateOf(h.svc.now()).Year - 1}, nil)
	}
	year, err := strconv.Atoi(y)
	if err != nil || year < 1995 || year > hu.DateOf(h.svc.now()).Year {
		f := &web.Form{Values: map[string]string{"year": y}, Errors: []web.FieldError{{Field: "year",
			Message: problem("bad_year", "year", "Az év 1995 és az idei év között lehet.", "The year is between 1995 and this year.").Message(web.RequestLang(r))}}}
		return h.renderWriteOff(w, r, http.StatusUnprocessableEntity, writeOffData{Year: hu.DateOf(h.svc.now()).Year - 1}, f)
	}
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var res WriteOffResult
	if err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		res, err = h.svc.TimeBarred(ctx, tx, year)
		return err
	}); err != nil {
		return err
	}
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.write_off_preview", ObjectType: "write_off_run", ObjectID: y, Result: audit.ResultOK,
		Detail: map[string]any{"year": year, "debits": len(res.Items), "total": int64(res.Total)}}); err != nil {
		return err
	}
	return h.renderWriteOff(w, r, http.StatusOK, writeOffData{Year: year, Preview: &res}, nil)
}

func (h *handlers) renderWriteOff(w http.ResponseWriter, r *http.Request, status int, d writeOffData, form *web.Form) error {
	res := d.Preview
	if d.Done != nil {
		res = d.Done
	}
	if res != nil {
		d.Shown = res.Items[:min(len(res.Items), shownWriteOffs)]
		for t, v := range res.ByType {
			d.Types = append(d.Types, TypeAmount{TaxType: t, Amount: v})
		}
		sort.Slice(d.Types, func(i, j int) bool { return d.Types[i].TaxType < d.Types[j].TaxType })
	}
	page := h.deps.Render.NewPage(r, "tax.writeoff.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "tax/writeoff", page)
}

func (h *handlers) writeOff(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	year, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("year")))
	var prob *Problem
	var res WriteOffResult
	if err != nil {
		prob = problem("bad_year", "year", "Adja meg az évet, például 2025.", "Give the year, e.g. 2025.")
	} else if r.PostFormValue("confirm") == "" {
		prob = problem("not_confirmed", "confirm", "Jelölje be, hogy az előnézet tételeit törli.", "Tick that you write off the items of the preview.")
	} else {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			var err error
			res, err = h.svc.RunWriteOff(ctx, tx, year, r.PostFormValue("reason"), p.Username)
			return err
		})
		if !errors.As(err, &prob) && err != nil {
			return err
		}
	}
	if prob != nil {
		f := &web.Form{Values: map[string]string{"year": r.PostFormValue("year"), "reason": r.PostFormValue("reason")},
			Errors: []web.FieldError{{Field: prob.Field, Message: prob.Message(web.RequestLang(r))}}}
		return h.renderWriteOff(w, r, http.StatusUnprocessableEntity, writeOffData{Year: hu.DateOf(h.svc.now()).Year - 1}, f)
	}
	return h.renderWriteOff(w, r, http.StatusOK, writeOffData{Year: year, Done: &res}, nil)
}

var interruptionFields = []string{"kind", "on", "debit", "note"}

func (h *handlers) interruption(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadTaxpayer(r)
	if err != nil {
		return err
	}
	var prob *Problem
	on, err := hu.ParseDate(r.PostFormValue("on"))
	if err != nil {
		prob = problem("bad_date", "on", "A napot ÉÉÉÉ-HH-NN alakban adja meg.", "Give the day as YYYY-MM-DD.")
	}
	var debit *uuid.UUID
	if s := strings.TrimSpace(r.PostFormValue("debit")); s != "" && prob == nil {
		if id, err := uuid.Parse(s); err == nil {
			debit = &id
		} else {
			prob = errNoPosting
		}
	}
	if prob == nil {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := h.svc.RecordInterruption(ctx, tx, d.Taxpayer.ID, debit, r.PostFormValue("kind"), on, r.PostFormValue("note"), p.Username)
			return err
		})
		if !errors.As(err, &prob) && err != nil {
			return err
		}
	}
	if prob != nil {
		if prob.Field == "" {
			prob = &Problem{Code: prob.Code, Field: "debit", HU: prob.HU, EN: prob.EN}
		}
		return h.renderTaxpayer(w, r, http.StatusUnprocessableEntity, prefixedForm(r, "interruption", interruptionFields, prob))
	}
	http.Redirect(w, r, "/tax/taxpayers/"+d.Taxpayer.ID.String(), http.StatusSeeOther)
	return nil
}
