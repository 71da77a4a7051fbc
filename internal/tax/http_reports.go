package tax

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/openasp-hu/asp/internal/hu"
	"github.com/openasp-hu/asp/internal/platform/access"
	"github.com/openasp-hu/asp/internal/platform/api"
	"github.com/openasp-hu/asp/internal/platform/audit"
	"github.com/openasp-hu/asp/internal/platform/identity"
	"github.com/openasp-hu/asp/internal/platform/module"
	"github.com/openasp-hu/asp/internal/platform/pdf"
	"github.com/openasp-hu/asp/internal/platform/web"
	"github.com/openasp-hu/asp/internal/platform/xlsx"
)

// Reports: revenue by rovat and the ageing of arrears, as pages, PDF,
// XLSX and JSON. They read taxpayers' accounts, so they need
// TaxpayersRead; the list of the largest debtors names taxpayers and is
// logged like a view of their accounts.

func (h *handlers) routesReports(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(TaxpayersRead)}
	rt.Handle("GET /tax/reports", h.revenuePage, read...)
	rt.Handle("GET /tax/reports/revenue.xlsx", h.revenueXLSX, read...)
	rt.Handle("GET /tax/reports/revenue.pdf", h.revenuePDF, read...)
	rt.Handle("GET /tax/reports/arrears", h.ageingPage, read...)
	rt.Handle("GET /tax/reports/arrears.xlsx", h.ageingXLSX, read...)
	rt.Handle("GET /api/v1/tax/reports/revenue", h.apiRevenue, read...)
	rt.Handle("GET /api/v1/tax/reports/arrears", h.apiAgeing, read...)
	h.routesValueCertificates(rt, d)
}

// revenueQuery reads from, to and period; missing ones default to this
// year up to today, by month.
func (h *handlers) revenueQuery(r *http.Request) (from, to hu.Date, period string, prob *Problem) {
	q := r.URL.Query()
	today := hu.DateOf(h.svc.now())
	from, to, period = hu.Date{Year: today.Year, Month: 1, Day: 1}, today, PeriodMonth
	if v := strings.TrimSpace(q.Get("from")); v != "" {
		d, err := hu.ParseDate(v)
		if err != nil {
			return from, to, period, problem("bad_range", "from", "Az első napot ÉÉÉÉ-HH-NN alakban adja meg.", "Give the first day as YYYY-MM-DD.")
		}
		from = d
	}
	if v := strings.TrimSpace(q.Get("to")); v != "" {
		d, err := hu.ParseDate(v)
		if err != nil {
			return from, to, period, problem("bad_range", "to", "Az utolsó napot ÉÉÉÉ-HH-NN alakban adja meg.", "Give the last day as YYYY-MM-DD.")
		}
		to = d
	}
	if v := strings.TrimSpace(q.Get("period")); v != "" {
		period = v
	}
	return from, to, period, nil
}

func (h *handlers) revenue(r *http.Request) (RevenueReport, error) {
	from, to, period, prob := h.revenueQuery(r)
	if prob != nil {
		return RevenueReport{From: from, To: to, Period: period}, prob
	}
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var rep RevenueReport
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		rep, err = h.svc.Revenue(ctx, tx, from, to, period)
		return err
	})
	return rep, err
}

type revenueData struct {
	Report  RevenueReport
	Query   string // the query string for the export links
	Periods []string
	Failed  bool
}

func (h *handlers) revenuePage(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.revenue(r)
	d := revenueData{Report: rep, Query: r.URL.RawQuery, Periods: []string{PeriodMonth, PeriodQuarter, PeriodYear}}
	page := h.deps.Render.NewPage(r, "tax.reports.title", &d)
	form := &web.Form{Values: map[string]string{"from": rep.From.String(), "to": rep.To.String(), "period": rep.Period}}
	for k := range r.URL.Query() {
		form.Values[k] = r.URL.Query().Get(k)
	}
	page.Form = form
	status := http.StatusOK
	var prob *Problem
	if errors.As(err, &prob) {
		form.Errors = []web.FieldError{{Field: prob.Field, Message: prob.Message(page.Lang)}}
		d.Failed, status = true, http.StatusUnprocessableEntity
	} else if err != nil {
		return err
	}
	return h.deps.Render.Render(w, r, status, "tax/reports", page)
}

// refused turns a refusal into an error page or API error in the user's
// language.
func refused(r *http.Request, err error) error {
	var prob *Problem
	if errors.As(err, &prob) {
		return apiProblem(r, prob)
	}
	return err
}

func (h *handlers) apiRevenue(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.revenue(r)
	if err != nil {
		return refused(r, err)
	}
	api.Write(w, http.StatusOK, rep)
	return nil
}

func (h *handlers) issuer(ctx context.Context, t *access.Principal) (string, error) {
	if h.deps.TenantName == nil {
		return "", nil
	}
	return h.deps.TenantName(ctx, t.Tenant)
}

func (h *handlers) revenueXLSX(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.revenue(r)
	if err != nil {
		return refused(r, err)
	}
	ctx := r.Context()
	issuer, err := h.issuer(ctx, access.PrincipalFrom(ctx))
	if err != nil {
		return err
	}
	wb, err := xlsx.New()
	if err != nil {
		return err
	}
	defer wb.Close()
	if err := wb.SetProperties("Adóbevételek", rep.From.String()+" – "+rep.To.String(), issuer, h.svc.now()); err != nil {
		return err
	}
	sh, err := wb.Sheet("Bevételek", xlsx.Column{Header: "Időszak", Width: 10}, xlsx.Column{Header: "Első nap", Kind: xlsx.Date},
		xlsx.Column{Header: "Utolsó nap", Kind: xlsx.Date}, xlsx.Column{Header: "Rovat", Width: 8}, xlsx.Column{Header: "Ebből", Width: 30},
		xlsx.Column{Header: "Adónem", Width: 30}, xlsx.Column{Header: "Adónem kódja", Width: 22}, xlsx.Column{Header: "Befizetések", Kind: xlsx.Number},
		xlsx.Column{Header: "Befolyt (Ft)", Kind: xlsx.Number, Width: 14}, xlsx.Column{Header: "Bizonytalan besorolás", Width: 40})
	if err != nil {
		return err
	}
	for _, row := range rep.Rows {
		if err := sh.Row(row.Period, row.From, row.To, row.Rovat.Code, row.Rovat.Of, row.Name, row.TaxType, row.Payments, int64(row.Collected), row.Rovat.Uncertain); err != nil {
			return err
		}
	}
	sh, err = wb.Sheet("Rovatonként", xlsx.Column{Header: "Rovat", Width: 8}, xlsx.Column{Header: "Rovat neve", Width: 40},
		xlsx.Column{Header: "Ebből", Width: 36}, xlsx.Column{Header: "Befolyt (Ft)", Kind: xlsx.Number, Width: 14}, xlsx.Column{Header: "Bizonytalan", Width: 12})
	if err != nil {
		return err
	}
	for _, t := range rep.ByRovat {
		if err := sh.Row(t.Code, t.Name, t.Of, int64(t.Collected), yesNo(t.Uncertain)); err != nil {
			return err
		}
	}
	if err := sh.Row("Összesen", "", "", int64(rep.Total)); err != nil {
		return err
	}
	return writeFile(w, wb, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		fmt.Sprintf("adobevetelek-%s-%s.xlsx", rep.From, rep.To))
}

func yesNo(b bool) string {
	if b {
		return "igen"
	}
	return ""
}

// writeFile builds the whole file before anything is sent, so a failure
// is an error page, not half a download.
func writeFile(w http.ResponseWriter, wt io.WriterTo, ctype, name string) error {
	var buf bytes.Buffer
	if _, err := wt.WriteTo(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err := w.Write(buf.Bytes())
	return err
}

func (h *handlers) revenuePDF(w http.ResponseWriter, r *http.Request) error {
	rep, err := h.revenue(r)
	if err != nil {
		return refused(r, err)
	}
	ctx := r.Context()
	issuer, err := h.issuer(ctx, access.PrincipalFrom(ctx))
	if err != nil {
		return err
	}
	p := access.PrincipalFrom(ctx)
	doc, err := pdf.New(pdf.Options{Issuer: issuer, Title: "Befolyt adóbevételek",
		Subtitle: rep.From.HungarianString() + " – " + rep.To.HungarianString(), GeneratedAt: h.svc.now(), Footer: p.Username})
	if err != nil {
		return err
	}
	doc.Heading("Rovatonként")
	t := doc.Table(pdf.Column{Header: "Rovat", Width: 1}, pdf.Column{Header: "Megnevezés", Width: 4}, pdf.Column{Header: "Befolyt (Ft)", Width: 1.6, Right: true})
	for _, rt := range rep.ByRovat {
		name := rt.Name
		if rt.Of != "" {
			name = rt.Of
		}
		if rt.Uncertain {
			name += " (*)"
		}
		t.Row(rt.Code, name, rt.Collected.Grouped())
	}
	t.Row("", "Összesen", rep.Total.Grouped())
	t.End()
	doc.Heading("Időszakonként és adónemenként")
	t = doc.Table(pdf.Column{Header: "Időszak", Width: 1.2}, pdf.Column{Header: "Rovat", Width: 1}, pdf.Column{Header: "Adónem", Width: 3.4},
		pdf.Column{Header: "Befizetés (db)", Width: 1.2, Right: true}, pdf.Column{Header: "Befolyt (Ft)", Width: 1.6, Right: true})
	for _, row := range rep.Rows {
		t.Row(row.Period, row.Rovat.Code, row.Name, strconv.Itoa(row.Payments), row.Collected.Grouped())
	}
	t.End()
	doc.Paragraph("Befolyt bevétel: a befizetésként jóváírt, nem stornózott tételek értéknap szerint. A (*) jelű rovatbesorolás szakértői megerősítésre vár.")
	var buf bytes.Buffer
	if _, err := doc.WriteTo(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="adobevetelek-%s-%s.pdf"`, rep.From, rep.To))
	_, err = w.Write(buf.Bytes())
	return err
}

// The ageing of arrears.

const defaultTop = 20

func (h *handlers) ageing(r *http.Request, via string) (Ageing, error) {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	q := r.URL.Query()
	on, top := hu.DateOf(h.svc.now()), defaultTop
	if v := strings.TrimSpace(q.Get("on")); v != "" {
		d, err := hu.ParseDate(v)
		if err != nil {
			return Ageing{On: on}, problem("bad_date", "on", "A napot ÉÉÉÉ-HH-NN alakban adja meg.", "Give the day as YYYY-MM-DD.")
		}
		on = d
	}
	if v := strings.TrimSpace(q.Get("top")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			n = -1
		}
		top = n
	}
	var ag Ageing
	err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		ag, err = h.svc.Ageing(ctx, tx, on, top)
		return err
	})
	if err != nil {
		return ag, err
	}
	// The largest debtors are tax secrets (Art. 127. §): who saw them is
	// logged, with whom they saw.
	var shown []string
	for _, d := range ag.Top {
		shown = append(shown, d.TaxID)
	}
	return ag, h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.arrears_report", ObjectType: "taxpayer", Result: audit.ResultOK,
		Detail: map[string]any{"on": on.String(), "top": len(ag.Top), "tax_ids": shown, "via": via}})
}

type ageingData struct {
	Ageing Ageing
	Query  string
}

func (h *handlers) ageingPage(w http.ResponseWriter, r *http.Request) error {
	ag, err := h.ageing(r, "page")
	d := ageingData{Ageing: ag, Query: r.URL.RawQuery}
	page := h.deps.Render.NewPage(r, "tax.arrears.title", &d)
	form := &web.Form{Values: map[string]string{"on": ag.On.String(), "top": strconv.Itoa(len(ag.Top))}}
	for k := range r.URL.Query() {
		form.Values[k] = r.URL.Query().Get(k)
	}
	page.Form = form
	status := http.StatusOK
	var prob *Problem
	if errors.As(err, &prob) {
		form.Errors = []web.FieldError{{Field: prob.Field, Message: prob.Message(page.Lang)}}
		status = http.StatusUnprocessableEntity
	} else if err != nil {
		return err
	}
	return h.deps.Render.Render(w, r, status, "tax/arrears", page)
}

func (h *handlers) apiAgeing(w http.ResponseWriter, r *http.Request) error {
	ag, err := h.ageing(r, "api")
	if err != nil {
		return refused(r, err)
	}
	api.Write(w, http.StatusOK, ag)
	return nil
}

func (h *handlers) ageingXLSX(w http.ResponseWriter, r *http.Request) error {
	ag, err := h.ageing(r, "xlsx")
	if err != nil {
		return refused(r, err)
	}
	ctx := r.Context()
	issuer, err := h.issuer(ctx, access.PrincipalFrom(ctx))
	if err != nil {
		return err
	}
	wb, err := xlsx.New()
	if err != nil {
		return err
	}
	defer wb.Close()
	if err := wb.SetProperties("Hátralékok korosítása", ag.On.String(), issuer, h.svc.now()); err != nil {
		return err
	}
	cols := []xlsx.Column{{Header: "Adónem", Width: 30}, {Header: "Adónem kódja", Width: 22}, {Header: "Adósok", Kind: xlsx.Number}}
	for _, b := range ag.Buckets {
		cols = append(cols, xlsx.Column{Header: b + " (Ft)", Kind: xlsx.Number, Width: 14})
	}
	cols = append(cols, xlsx.Column{Header: "Összesen (Ft)", Kind: xlsx.Number, Width: 14})
	sh, err := wb.Sheet("Korosítás", cols...)
	if err != nil {
		return err
	}
	for _, row := range ag.Rows {
		vals := []any{row.Name, row.TaxType, row.Debtors}
		for _, v := range row.Buckets {
			vals = append(vals, int64(v))
		}
		if err := sh.Row(append(vals, int64(row.Total))...); err != nil {
			return err
		}
	}
	vals := []any{"Összesen", "", nil}
	for _, v := range ag.Totals {
		vals = append(vals, int64(v))
	}
	if err := sh.Row(append(vals, int64(ag.Total))...); err != nil {
		return err
	}
	sh, err = wb.Sheet("Legnagyobb adósok", xlsx.Column{Header: "Név", Width: 36}, xlsx.Column{Header: "Azonosító", Width: 16},
		xlsx.Column{Header: "Hátralék (Ft)", Kind: xlsx.Number, Width: 14}, xlsx.Column{Header: "Legrégebbi esedékesség", Kind: xlsx.Date, Width: 14})
	if err != nil {
		return err
	}
	for _, d := range ag.Top {
		if err := sh.Row(d.Name, d.TaxID, int64(d.Arrears), d.Oldest); err != nil {
			return err
		}
	}
	return writeFile(w, wb, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fmt.Sprintf("hatralekok-%s.xlsx", ag.On))
}
