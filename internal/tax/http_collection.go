package tax

import (
	"bytes"
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
	"github.com/openasp-hu/asp/internal/platform/separation"
	"github.com/openasp-hu/asp/internal/platform/web"
)

// Collection pages: the municipality's settings, transfers and refunds on
// the taxpayer page, the refund list, and the API of these.

// SettingsManage is setting the collection amounts and strategy, and
// running the collection runs (reminders, notices, write-off).
const SettingsManage access.Permission = "tax.settings.manage"

// CollectionRole is the manager of collection (behajtási ügyintéző).
var CollectionRole = access.Role{Name: "tax_collection_manager", Scope: access.TenantScope, Label: "role.tax_collection_manager",
	Permissions: []access.Permission{TaxpayersRead, AccountsPost, SettingsManage}}

var collectionSeparationRoutes = []separation.Route{
	{Pattern: "POST /tax/taxpayers/{taxpayer}/transfer", Form: map[string][]string{"from": {"epitmenyado"}, "to": {"birsag"}, "amount": {"1"}, "reason": {"teszt"}}},
	{Pattern: "POST /tax/taxpayers/{taxpayer}/refund", Form: map[string][]string{"tax_type": {"epitmenyado"}, "amount": {"1000"}, "bank_account": {"11773016-11111018"}}},
	{Pattern: "POST /api/v1/tax/taxpayers/{taxpayer}/transfers"},
	{Pattern: "POST /api/v1/tax/taxpayers/{taxpayer}/refunds"},
	{Pattern: "GET /tax/reminders/{reminder}/pdf"},
	{Pattern: "POST /tax/taxpayers/{taxpayer}/interruptions", Form: map[string][]string{"kind": {"enforcement"}, "on": {"2026-03-16"}, "note": {"teszt"}}},
}

func (h *handlers) routesCollection(rt *web.Router, d module.Deps) {
	read := []web.Middleware{d.Tenant, identity.Require(TaxpayersRead)}
	post := []web.Middleware{d.Tenant, identity.Require(AccountsPost)}
	manage := []web.Middleware{d.Tenant, identity.Require(SettingsManage)}
	rt.Handle("GET /tax/settings", h.settingsPage, read...)
	rt.Handle("POST /tax/settings", h.saveSettings, manage...)
	rt.Handle("GET /tax/collection", h.collectionPage, post...)
	rt.Handle("GET /tax/refunds", h.refundList, post...)
	rt.Handle("POST /tax/taxpayers/{taxpayer}/transfer", h.transfer, post...)
	rt.Handle("POST /tax/taxpayers/{taxpayer}/refund", h.refund, post...)
	rt.Handle("GET /api/v1/tax/settings", h.apiSettings, read...)
	rt.Handle("POST /api/v1/tax/taxpayers/{taxpayer}/transfers", h.apiTransfer, post...)
	rt.Handle("POST /api/v1/tax/taxpayers/{taxpayer}/refunds", h.apiRefund, post...)
	h.routesReminders(rt, d)
	h.routesWriteOff(rt, d)
}

type settingsData struct {
	Rows       []CollectionSettings
	Defaults   CollectionSettings
	Types      []taxTypeChoice
	Strategies []string
	Year       int
	CanManage  bool
}

// TypeName names a tax type; empty is every tax type.
func (settingsData) TypeName(code string) string {
	if code == "" {
		return "—"
	}
	return TaxTypeName(code)
}

func (h *handlers) settingsPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderSettings(w, r, http.StatusOK, nil)
}

func (h *handlers) renderSettings(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d := settingsData{Defaults: DefaultSettings(), Types: taxTypeChoices(), Strategies: Strategies, Year: hu.DateOf(h.svc.now()).Year, CanManage: p.Can(SettingsManage)}
	if err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		d.Rows, err = AllSettings(ctx, tx)
		return err
	}); err != nil {
		return err
	}
	page := h.deps.Render.NewPage(r, "tax.settings.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "tax/settings", page)
}

var settingsFields = []string{"tax_type", "from_year", "min_refund", "min_notice", "min_collection", "strategy", "reminder_interval_days", "reminder_deadline_days"}

// settingsFromForm reads the settings form; a field that is not a number
// is refused naming that field.
func settingsFromForm(get func(string) string) (CollectionSettings, *Problem) {
	s := CollectionSettings{TaxType: strings.TrimSpace(get("tax_type")), Strategy: strings.TrimSpace(get("strategy"))}
	var err error
	if s.FromYear, err = strconv.Atoi(strings.TrimSpace(get("from_year"))); err != nil {
		return s, problem("bad_year", "from_year", "Adja meg az évet, például 2026.", "Give the year, e.g. 2026.")
	}
	for _, f := range []struct {
		name string
		to   *hu.Forint
	}{{"min_refund", &s.MinRefund}, {"min_notice", &s.MinNotice}, {"min_collection", &s.MinCollection}} {
		if *f.to, err = hu.ParseForint(get(f.name)); err != nil {
			return s, problem("bad_minimum", f.name, "Az összeget egész forintban adja meg, például 1 000.", "Give the amount in whole forints, e.g. 1 000.")
		}
	}
	if s.ReminderIntervalDays, err = strconv.Atoi(strings.TrimSpace(get("reminder_interval_days"))); err != nil {
		return s, problem("bad_interval", "reminder_interval_days", "Adja meg a napok számát, például 60.", "Give the number of days, e.g. 60.")
	}
	if s.ReminderDeadlineDays, err = strconv.Atoi(strings.TrimSpace(get("reminder_deadline_days"))); err != nil {
		return s, problem("bad_deadline", "reminder_deadline_days", "Adja meg a napok számát, például 15.", "Give the number of days, e.g. 15.")
	}
	return s, nil
}

func (h *handlers) saveSettings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	in, prob := settingsFromForm(r.PostFormValue)
	if prob == nil {
		err := h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := h.svc.SaveSettings(ctx, tx, in, p.Username)
			return err
		})
		if !errors.As(err, &prob) && err != nil {
			return err
		}
	}
	if prob != nil {
		return h.renderSettings(w, r, http.StatusUnprocessableEntity, formOf(r, settingsFields, prob, web.RequestLang(r)))
	}
	http.Redirect(w, r, "/tax/settings", http.StatusSeeOther)
	return nil
}

var transferFields = []string{"from", "to", "amount", "reason", "ex_officio"}

func (h *handlers) transfer(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadTaxpayer(r) // 404 for an unknown or another tenant's taxpayer
	if err != nil {
		return err
	}
	in := TransferInput{TaxpayerID: d.Taxpayer.ID, From: r.PostFormValue("from"), To: r.PostFormValue("to"), Reason: r.PostFormValue("reason"),
		ExOfficio: r.PostFormValue("ex_officio") != ""}
	var prob *Problem
	if s := strings.TrimSpace(r.PostFormValue("amount")); s != "" {
		if in.Amount, err = hu.ParseForint(s); err != nil {
			prob = problem("bad_amount", "amount", "Az összeg pozitív, egész forint legyen, például 25 000.", "The amount must be a positive whole number of forints, e.g. 25 000.")
		}
	}
	if prob == nil {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := h.svc.Transfer(ctx, tx, in, p.Username)
			return err
		})
		if !errors.As(err, &prob) && err != nil {
			return err
		}
	}
	if prob != nil {
		return h.renderTaxpayer(w, r, http.StatusUnprocessableEntity, prefixedForm(r, "transfer", transferFields, prob))
	}
	http.Redirect(w, r, "/tax/taxpayers/"+d.Taxpayer.ID.String(), http.StatusSeeOther)
	return nil
}

// prefixedForm is a refused form of the taxpayer page whose field names
// carry the form's name, so the page's other forms (the posting form has
// an amount too) neither show its error nor take its values.
func prefixedForm(r *http.Request, name string, fields []string, prob *Problem) *web.Form {
	f := &web.Form{Values: map[string]string{"form": name}}
	for _, k := range fields {
		f.Values[name+"_"+k] = r.PostFormValue(k)
	}
	f.Errors = []web.FieldError{{Field: name + "_" + prob.Field, Message: prob.Message(web.RequestLang(r))}}
	return f
}

var refundFields = []string{"tax_type", "amount", "bank_account", "holder"}

func (h *handlers) refund(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d, err := h.loadTaxpayer(r)
	if err != nil {
		return err
	}
	in := RefundInput{TaxpayerID: d.Taxpayer.ID, TaxType: r.PostFormValue("tax_type"), BankAccount: r.PostFormValue("bank_account"), Holder: r.PostFormValue("holder")}
	var prob *Problem
	if in.Amount, err = hu.ParseForint(r.PostFormValue("amount")); err != nil {
		prob = problem("bad_amount", "amount", "Az összeg pozitív, egész forint legyen, például 25 000.", "The amount must be a positive whole number of forints, e.g. 25 000.")
	}
	if prob == nil {
		err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
			_, err := h.svc.Refund(ctx, tx, in, p.Username)
			return err
		})
		if !errors.As(err, &prob) && err != nil {
			return err
		}
	}
	if prob != nil {
		return h.renderTaxpayer(w, r, http.StatusUnprocessableEntity, prefixedForm(r, "refund", refundFields, prob))
	}
	http.Redirect(w, r, "/tax/taxpayers/"+d.Taxpayer.ID.String(), http.StatusSeeOther)
	return nil
}

// refundList gives the refunds of a period as CSV or XLSX for the
// treasury; without a period it shows the form.
func (h *handlers) refundList(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	q := r.URL.Query()
	if q.Get("from") == "" && q.Get("to") == "" {
		return h.renderCollectionLists(w, r, http.StatusOK, nil)
	}
	from, err1 := hu.ParseDate(q.Get("from"))
	to, err2 := hu.ParseDate(q.Get("to"))
	format := q.Get("format")
	if err1 != nil || err2 != nil || to.Before(from) || (format != "csv" && format != "xlsx") {
		f := &web.Form{Values: map[string]string{"from": q.Get("from"), "to": q.Get("to"), "format": format}}
		msg := problem("bad_period", "from", "Adja meg az időszakot ÉÉÉÉ-HH-NN alakban (a kezdete nem lehet a vége után) és a formátumot.",
			"Give the period as YYYY-MM-DD (its start not after its end) and the format.")
		f.Errors = []web.FieldError{{Field: "from", Message: msg.Message(web.RequestLang(r))}}
		return h.renderCollectionLists(w, r, http.StatusUnprocessableEntity, f)
	}
	var lines []RefundLine
	if err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		lines, err = RefundList(ctx, tx, from, to)
		return err
	}); err != nil {
		return err
	}
	// The list names taxpayers and their bank accounts: logged.
	if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.refund_list", ObjectType: "refund", Result: audit.ResultOK,
		Detail: map[string]any{"from": from.String(), "to": to.String(), "lines": len(lines), "format": format}}); err != nil {
		return err
	}
	return h.writeTable(w, r, RefundTable(lines), "kiutalas-"+from.String()+"-"+to.String(), format)
}

func (h *handlers) writeTable(w http.ResponseWriter, r *http.Request, t table, name, format string) error {
	var buf bytes.Buffer
	if format == "xlsx" {
		issuer := ""
		if h.deps.TenantName != nil {
			var err error
			if issuer, err = h.deps.TenantName(r.Context(), access.PrincipalFrom(r.Context()).Tenant); err != nil {
				return err
			}
		}
		if err := t.XLSX(&buf, issuer, h.svc.now()); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	} else {
		if err := t.CSV(&buf); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	}
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.`+format+`"`)
	_, err := w.Write(buf.Bytes())
	return err
}

func (h *handlers) collectionPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderCollectionLists(w, r, http.StatusOK, nil)
}

type collectionListsData struct {
	Today       hu.Date
	CanManage   bool
	RemindersOn hu.Date // the run shown
	Reminders   []reminderRow
	More        bool // the run has more reminders than shown
}

type reminderRow struct {
	Reminder
	Name, TaxID string
}

// shownReminders is how many reminders of a run the page lists.
const shownReminders = 200

func (h *handlers) renderCollectionLists(w http.ResponseWriter, r *http.Request, status int, form *web.Form) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	d := collectionListsData{Today: hu.DateOf(h.svc.now()), CanManage: p.Can(SettingsManage)}
	on, _ := hu.ParseDate(r.URL.Query().Get("reminders")) // zero: the last run
	if err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		rs, err := Reminders(ctx, tx, on, shownReminders+1)
		if err != nil || len(rs) == 0 {
			return err
		}
		d.RemindersOn, d.More = rs[0].On, len(rs) > shownReminders
		for _, rm := range rs[:min(len(rs), shownReminders)] {
			tp, err := taxpayerByID(ctx, tx, rm.TaxpayerID)
			if err != nil {
				return err
			}
			d.Reminders = append(d.Reminders, reminderRow{Reminder: rm, Name: tp.Name, TaxID: tp.TaxID})
		}
		return nil
	}); err != nil {
		return err
	}
	// The list names taxpayers with arrears: logged like a view.
	if len(d.Reminders) > 0 {
		if err := h.deps.Audit.Record(ctx, p.Tenant, audit.Event{Action: "tax.reminders_view", ObjectType: "reminder", Result: audit.ResultOK,
			Detail: map[string]any{"on": d.RemindersOn.String(), "shown": len(d.Reminders)}}); err != nil {
			return err
		}
	}
	page := h.deps.Render.NewPage(r, "tax.collection.title", d)
	page.Form = form
	return h.deps.Render.Render(w, r, status, "tax/collection", page)
}

// API.

func (h *handlers) apiSettings(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	var rows []CollectionSettings
	if err := h.deps.DB.InTenantRead(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		rows, err = AllSettings(ctx, tx)
		return err
	}); err != nil {
		return err
	}
	if rows == nil {
		rows = []CollectionSettings{}
	}
	api.Write(w, http.StatusOK, map[string]any{"defaults": DefaultSettings(), "settings": rows})
	return nil
}

type transferRequest struct {
	From      string    `json:"from"`
	To        string    `json:"to"`
	Amount    hu.Forint `json:"amount"`
	ExOfficio bool      `json:"ex_officio"`
	Reason    string    `json:"reason"`
}

type transferResponse struct {
	ID      uuid.UUID `json:"id"`
	Debit   Posting   `json:"debit"`
	Credits []Posting `json:"credits"`
}

// apiTaxpayerID is the path's taxpayer, 404 if this tenant has none such
// (before the body is read: another tenant's id tells nothing).
func (h *handlers) apiTaxpayerID(r *http.Request) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue("taxpayer"))
	if err != nil {
		return uuid.Nil, web.NotFound()
	}
	p := access.PrincipalFrom(r.Context())
	err = h.deps.DB.InTenantRead(r.Context(), p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		tp, err := taxpayerByID(ctx, tx, id)
		if err == nil && tp == nil {
			return web.NotFound()
		}
		return err
	})
	return id, err
}

func (h *handlers) apiTransfer(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.apiTaxpayerID(r)
	if err != nil {
		return err
	}
	var req transferRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	var t Transfer
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		t, err = h.svc.Transfer(ctx, tx, TransferInput{TaxpayerID: id, From: req.From, To: req.To, Amount: req.Amount, ExOfficio: req.ExOfficio, Reason: req.Reason}, p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoTaxpayer.Code {
			return web.NotFound()
		}
		return apiProblem(r, prob)
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusCreated, transferResponse{ID: t.ID, Debit: t.Debit, Credits: t.Credits})
	return nil
}

type refundRequest struct {
	TaxType     string    `json:"tax_type"`
	Amount      hu.Forint `json:"amount"`
	BankAccount string    `json:"bank_account"`
	Holder      string    `json:"holder"`
}

func (h *handlers) apiRefund(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := access.PrincipalFrom(ctx)
	id, err := h.apiTaxpayerID(r)
	if err != nil {
		return err
	}
	var req refundRequest
	if err := api.Decode(r, &req); err != nil {
		return err
	}
	var rf Refund
	err = h.deps.DB.InTenant(ctx, p.Tenant, func(ctx context.Context, tx bun.Tx) error {
		var err error
		rf, err = h.svc.Refund(ctx, tx, RefundInput{TaxpayerID: id, TaxType: req.TaxType, Amount: req.Amount, BankAccount: req.BankAccount, Holder: req.Holder}, p.Username)
		return err
	})
	var prob *Problem
	if errors.As(err, &prob) {
		if prob.Code == errNoTaxpayer.Code {
			return web.NotFound()
		}
		return apiProblem(r, prob)
	}
	if err != nil {
		return err
	}
	api.Write(w, http.StatusCreated, rf)
	return nil
}
